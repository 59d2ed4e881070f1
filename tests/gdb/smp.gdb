# guest: smp.bin
# gdb-file: smp.elf
# stub-args: --cpus 4
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# vCPUs as GDB threads: listed from the start (the APs waiting for their
# SIPI), started by the BSP's INIT-SIPI-SIPI, each with its own registers;
# a breakpoint stops all of them and names the thread that hit it;
# scheduler-locking steps one vCPU alone; monitor cpus.
info threads
break ap32
mechanisms
continue
info threads
printf "at ap32: %d\n", $pc == ap32
set $hit = $_thread
thread 1
printf "thread 1 cs=%#x pe=%d\n", $cs, $cr0 & 1
set $bsp_pc = $pc
delete
set scheduler-locking on
thread $hit
stepi
printf "stepped alone: %d\n", $pc == ap32 + 4
thread 1
printf "thread 1 did not move: %d\n", $pc == $bsp_pc
set scheduler-locking off
monitor cpus
continue
