# guest: watch.bin
# gdb-file: watch.elf
# mechanism-kvm: 1=built-in CPU standing in for KVM, 2=built-in CPU standing in for KVM
# mechanism-vtx: 1=built-in CPU standing in for KVM, 2=built-in CPU standing in for KVM
# mechanism-kvm: 3=built-in CPU standing in for KVM
# mechanism-vtx: 3=built-in CPU standing in for KVM
# mechanism-kvm: 4=built-in CPU standing in for KVM
# mechanism-vtx: 4=debug register
# Read watchpoints stop on reads only (a byte read, an unaligned word read
# overlapping the watch, a read-modify-write), never on writes; a watch next
# to written bytes does not fire.
rwatch *(char*)0x500
rwatch *(short*)0x504
mechanisms
continue
p $pc == &r_byte
continue
p $pc == &r_word
delete
rwatch *(short*)0x508
mechanisms
continue
p $pc == &rmw
delete
awatch *(char*)0x510
mechanisms
continue
