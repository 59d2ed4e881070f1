# guest: int3.bin
# gdb-file: int3.elf
# The guest's own int3 reaches the guest's handler with breakpoints set.
break *handler
break *0x7fff
continue
p $pc == &handler
delete
continue
