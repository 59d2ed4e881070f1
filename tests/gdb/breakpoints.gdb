# guest: c-guest.elf
# gdb-file: c-guest.elf
# More breakpoints than debug registers; break/hbreak/tbreak/delete/disable.
break square
hbreak put_u32
tbreak main
break is_prime
break checksum
break puts_com1
break putc_com1
continue
continue
delete 6
disable 7
continue
p v
continue
p x
finish
delete 1 2
continue
bt
p n
delete
continue
