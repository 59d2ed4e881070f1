# guest: c-guest.elf
# gdb-file: c-guest.elf
# Five breakpoints and a watchpoint at once, inserted and deleted while the
# guest runs on whichever CPU the mechanisms need (on KVM without firing data
# breakpoints: debug registers, a hlt patch, the built-in CPU for the watch,
# and back to KVM when the watchpoint goes).
break putc_com1
break puts_com1
break put_u32
break is_prime
break square
watch counter
delete 1 2 3
continue
continue
continue
p x
delete 5
continue
delete 6
continue
p n
delete
continue
