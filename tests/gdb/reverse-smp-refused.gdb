# guest: smp.bin
# gdb-file: smp.elf
# stub-args: --cpus 2
# Recording on KVM (and the -vtx model) hands the guest to a built-in CPU
# standing in for KVM, which runs one vCPU only: with --cpus 2 `monitor
# record on` is refused with the reason, nothing is recorded and
# reverse-stepi fails; the guest then runs on to its normal end.  The
# built-in CPU itself records both vCPUs.
monitor record on
monitor record
reverse-stepi
continue
