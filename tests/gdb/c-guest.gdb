# guest: c-guest.bin
# gdb-file: c-guest.elf
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# mechanism-kvm: 1=debug register, 2=debug register
# mechanism-vtx: 1=int3 patch, 2=int3 patch
# Source-level debugging of the C guest: load, break main, next, step,
# finish, bt, info locals, print, list.
load
break main
mechanisms
continue
next
next
info locals
next
step
bt
finish
list square
break square
mechanisms
continue
p x
p result
next
next
p result
p counter
delete
continue
