# guest: watch.bin
# gdb-file: watch.elf
# mechanism-kvm: 1=built-in CPU standing in for KVM, 2=built-in CPU standing in for KVM, 3=built-in CPU standing in for KVM, 4=built-in CPU standing in for KVM, 5=built-in CPU standing in for KVM
# mechanism-vtx: 1=debug register, 2=built-in CPU standing in for KVM, 3=debug register, 4=debug register, 5=debug register
# watch and awatch: byte, word, dword, unaligned, read-modify-write,
# same-value writes, a rep string; five at once (more than the four debug
# registers); the guest's result is unchanged.
awatch *(char*)0x500
watch *(short*)0x503
awatch *(short*)0x508
watch *(char*)0x50b
watch *(char*)0x50e
mechanisms
continue
p $pc == &w_byte
continue
p $pc == &w_word
continue
p $pc == &w_dword
continue
p $pc == &r_byte
continue
p $pc == &rmw
continue
p $pc == &same
continue
p $pc == (char*)&string - 2
p $cx
delete
continue
