# guest: watch.bin
# gdb-file: watch.elf
# Read watchpoints stop on reads only (a byte read, an unaligned word read
# overlapping the watch, a read-modify-write), never on writes; a watch next
# to written bytes does not fire.
rwatch *(char*)0x500
rwatch *(short*)0x504
continue
p $pc == &r_byte
continue
p $pc == &r_word
delete
rwatch *(short*)0x508
continue
p $pc == &rmw
delete
awatch *(char*)0x510
continue
