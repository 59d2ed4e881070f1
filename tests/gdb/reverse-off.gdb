# guest: c-guest.bin
# gdb-file: c-guest.elf
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# `monitor record off`: on KVM (and the built-in CPU playing KVM) recording
# ran the guest on a built-in CPU standing in for it, with the breakpoints
# its own; off, the history is gone (reverse-stepi is refused), the
# breakpoint goes back to the host's own mechanism and the next run is on
# KVM again (`monitor debug` says where the guest last ran).
monitor record on
break square
mechanisms
continue
monitor debug
monitor record off
mechanisms
reverse-stepi
continue
p x
monitor debug
monitor record
delete
continue
