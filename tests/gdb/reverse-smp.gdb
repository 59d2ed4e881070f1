# guest: smp.bin
# gdb-file: smp.elf
# stub-args: --cpus 4
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# Reverse execution with four vCPUs (on KVM all of them recorded on built-in
# CPUs standing in): the APs hit a breakpoint one after the other;
# reverse-continue goes back to the previous hit, which names another
# thread; one vCPU (GDB's thread 1, scheduler-locking on so that GDB names
# it in Hc) steps back one instruction and forward again, where it was;
# forward to the end of history, then live to the guest's exact total.
monitor record on
break ap32
mechanisms
continue
continue
continue
set $last = $_thread
reverse-continue
p $_thread != $last
p $pc == &ap32
info threads
set scheduler-locking on
thread 1
set $pc1 = $pc
set $sp1 = $sp
reverse-stepi
p $_thread == 1 && $pc != $pc1
stepi
p $_thread == 1 && $pc == $pc1 && $sp == $sp1
set scheduler-locking off
monitor record
delete
continue
continue
