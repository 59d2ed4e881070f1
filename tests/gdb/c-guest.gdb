# guest: c-guest.bin
# gdb-file: c-guest.elf
# Source-level debugging of the C guest: load, break main, next, step,
# finish, bt, info locals, print, list.
load
break main
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
continue
p x
p result
next
next
p result
p counter
delete
continue
