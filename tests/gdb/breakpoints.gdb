# guest: c-guest.elf
# gdb-file: c-guest.elf
# mechanism-kvm: 1=hlt patch, 2=debug register, 3=hlt patch, 4=debug register, 5=hlt patch, 6=debug register, 7=debug register
# mechanism-vtx: 1=int3 patch, 2=debug register, 3=int3 patch, 4=int3 patch, 5=int3 patch, 6=int3 patch, 7=int3 patch
# mechanism-kvm: 1=debug register, 2=debug register, 4=debug register, 5=debug register
# mechanism-vtx: 1=int3 patch, 2=debug register, 4=int3 patch, 5=int3 patch
# mechanism-kvm: 4=debug register, 5=debug register
# mechanism-vtx: 4=int3 patch, 5=int3 patch
# More breakpoints than debug registers (KVM here: the rest are hlt patches);
# break/hbreak/tbreak/delete/disable.
break square
hbreak put_u32
tbreak main
break is_prime
break checksum
break puts_com1
break putc_com1
mechanisms
continue
continue
delete 6
disable 7
mechanisms
continue
p v
continue
p x
finish
delete 1 2
mechanisms
continue
bt
p n
delete
continue
