# guest: smp.bin
# gdb-file: smp.elf
# stub-args: --cpus 3
# mechanism-kvm: 1=built-in CPU standing in for KVM
# mechanism-vtx: 1=debug register
# mechanism-kvm: 2=debug register
# mechanism-vtx: 2=int3 patch
# A watchpoint with three vCPUs: where KVM's data breakpoints do not fire,
# every vCPU moves to a built-in CPU standing in for it while the point is
# set (they take turns); it stops at the first two atomic additions, each
# right after its `lock xadd`.  After `delete` the vCPUs go back to KVM
# (`monitor debug` says where the guest last ran) and the total is exact.
watch *(int *)&counter
mechanisms
continue
p *(int *)&counter
p $pc == (char *)&work + 18
monitor debug
continue
p *(int *)&counter
p $_thread >= 1 && $_thread <= 3
delete
break puts32
mechanisms
continue
monitor debug
delete
continue
