# guest: int3.bin
# gdb-file: int3.elf
# mechanism-kvm: 1=debug register, 2=debug register
# mechanism-vtx: 1=int3 patch, 2=int3 patch
# The guest's own int3 reaches the guest's handler with breakpoints set.
break *handler
break *0x7fff
mechanisms
continue
p $pc == &handler
delete
continue
