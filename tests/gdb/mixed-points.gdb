# guest: c-guest.elf
# gdb-file: c-guest.elf
# mechanism-kvm: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=hlt patch, 6=built-in CPU standing in for KVM
# mechanism-vtx: 1=int3 patch, 2=int3 patch, 3=int3 patch, 4=int3 patch, 5=int3 patch, 6=debug register
# mechanism-kvm: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=hlt patch, 6=built-in CPU standing in for KVM
# mechanism-vtx: 1=int3 patch, 2=int3 patch, 3=int3 patch, 4=int3 patch, 5=int3 patch, 6=debug register
# mechanism-kvm: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=hlt patch, 6=built-in CPU standing in for KVM
# mechanism-vtx: 1=int3 patch, 2=int3 patch, 3=int3 patch, 4=int3 patch, 5=int3 patch, 6=debug register
# mechanism-kvm: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=hlt patch, 6=built-in CPU standing in for KVM
# mechanism-vtx: 1=int3 patch, 2=int3 patch, 3=int3 patch, 4=int3 patch, 5=int3 patch, 6=debug register
# mechanism-kvm: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=hlt patch, 6=built-in CPU standing in for KVM
# mechanism-vtx: 1=int3 patch, 2=int3 patch, 3=int3 patch, 4=int3 patch, 5=int3 patch, 6=debug register
# mechanism-kvm: 4=debug register, 5=debug register, 6=built-in CPU standing in for KVM
# mechanism-vtx: 4=int3 patch, 5=int3 patch, 6=debug register
# mechanism-kvm: 4=debug register
# mechanism-vtx: 4=int3 patch
# Five breakpoints and a watchpoint at once, each hit in the stub, then
# deleted while the guest runs on whichever CPU the mechanisms need (on KVM
# without firing data breakpoints: four debug registers and a hlt patch for
# square, the built-in CPU for the watch, and back to KVM when it goes).
# `mechanisms` before a continue inserts every point in address order, so the
# mechanisms it shows are the ones the guest runs into.
break putc_com1
break puts_com1
break put_u32
break is_prime
break square
watch counter
mechanisms
continue
mechanisms
continue
ignore 1 100
mechanisms
continue
mechanisms
continue
mechanisms
continue
p x
info breakpoints 1
delete 1 2 3
mechanisms
continue
continue
p x
delete 5
continue
delete 6
mechanisms
continue
p n
delete
continue
