# boot: pc/boot.img
# gdb-file: pc/stage2.elf
# stub-args: --screen
# stub-stdout: Halting.
# mechanism-kvm: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=hlt patch
# mechanism-vtx: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=int3 patch
# A software breakpoint on the second stage's entry, set at the reset
# vector: the code is not in memory yet (the boot sector reads it with int
# 13h).  Four hbreaks on code that never runs use up the debug registers,
# so on KVM and VT-x hosts the break is a patch in RAM, which the BIOS's disk
# read writes over: the stub patches it back (and keeps the disk's byte as
# the original), so the guest stops there and GDB sees the loaded code.
python import os; gdb.execute("source " + os.environ["top_srcdir"] + "/gdb/realmode.py")
p/x $pc
hbreak *0x500
hbreak *0x504
hbreak *0x508
hbreak *0x50c
break *_start
mechanisms
continue
echo == stage 2 ==\n
p/x $pc
p/x $cs
x/i $pc
x/3xb $pc
delete
continue
