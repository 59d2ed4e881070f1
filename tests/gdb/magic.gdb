# guest: magic.bin
# gdb-file: magic.elf
# The guest's magic breakpoint (0x8ae0 to port 0x8a00) stops into GDB.
continue
p $pc == &after_magic
continue
