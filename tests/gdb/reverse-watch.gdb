# guest: watch.bin
# gdb-file: watch.elf
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# mechanism-kvm: 2=built-in CPU
# mechanism-vtx: 2=built-in CPU
# mechanism-kvm: 3=built-in CPU
# mechanism-vtx: 3=built-in CPU
# mechanism-kvm: 4=built-in CPU
# mechanism-vtx: 4=built-in CPU
# mechanism-kvm: 5=built-in CPU
# mechanism-vtx: 5=built-in CPU
# Watchpoints backwards: reverse-continue stops BEFORE the accessing
# instruction, on it (each access in watch.S has a label just after it, so
# the stop is at the previous label), for watch, rwatch (a write to the
# watched byte does not stop it) and awatch (reads and writes); inside a
# rep movsb it stops before the iteration that wrote the byte, and
# reverse-stepi there undoes one more iteration (CX one higher, the pc on
# the rep); forward continues through the past stop after the access, as
# live ones do.
monitor record on
tbreak *&string
mechanisms
continue
watch *(char*)0x50b
mechanisms
reverse-continue
p $pc == (char*)&string - 2
p $cx == 3 && $di == 0x50b
p *(char*)0x50b
reverse-stepi
p $pc == (char*)&string - 2
p $cx == 4 && $di == 0x50a
p *(char*)0x50a
stepi
p $pc == (char*)&string - 2
p $cx == 3 && $di == 0x50b && *(char*)0x50a == 'A'
delete
rwatch *(char*)0x500
mechanisms
reverse-continue
p $pc == &w_dword
delete
awatch *(char*)0x500
mechanisms
continue
p $pc == &r_byte
continue
p $pc == &same
reverse-continue
p $pc == &rmw
reverse-continue
p $pc == &w_dword
reverse-continue
p $pc == (char*)&w_byte - 5
p *(char*)0x500
delete
watch *(short*)0x503
mechanisms
continue
p $pc == &w_word
reverse-continue
p $pc == &w_byte
p *(short*)0x503 == 0
monitor record
delete
continue
continue
