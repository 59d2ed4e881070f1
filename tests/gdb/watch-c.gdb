# guest: c-guest.bin
# gdb-file: c-guest.elf
# mechanism-kvm: 1=debug register, 2=built-in CPU standing in for KVM
# mechanism-vtx: 1=int3 patch, 2=debug register
# `watch counter` by symbol, mixed with breakpoints and single-steps; after
# `delete` the guest runs on at full speed to its end.
break square
watch counter
mechanisms
continue
continue
continue
p x
stepi
continue
p counter
delete
continue
