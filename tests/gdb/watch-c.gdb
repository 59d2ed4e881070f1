# guest: c-guest.bin
# gdb-file: c-guest.elf
# `watch counter` by symbol, mixed with breakpoints and single-steps; after
# `delete` the guest runs on at full speed to its end.
break square
watch counter
continue
continue
continue
p x
stepi
continue
p counter
delete
continue
