# guest: smp.bin
# gdb-file: smp.elf
# stub-args: --cpus 3
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# A breakpoint for one thread: every vCPU runs `work`, GDB stops only when
# thread 3 (vCPU 2) does, letting the others' hits go on by.
break work thread 3
mechanisms
continue
printf "thread %d in work: %d\n", $_thread, $pc == work
delete
continue
