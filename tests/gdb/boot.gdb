# boot: pc/boot.img
# gdb-file: pc/boot.elf
# stub-args: --screen
# stub-stdout: Halting.
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# --boot under GDB: the CPU starts at the reset vector f000:fff0, whose
# jump enters the boot sector, so `break *0x7c00` then `continue` stops at
# its first instruction, with the registers SeaBIOS leaves.  A stepi on
# `int $0x10` runs the whole service (the stub's `out %al,$0xec` enters host
# code) and stops behind the `int`; the stub itself can be looked at.
# monitor screen and monitor bios show the results.
echo == reset ==\n
p/x $pc
p/x $cs
break *0x7c00
mechanisms
continue
echo == boot sector ==\n
p/x $pc
p/x $cs
p/x $sp
p/x $ax
p/x $dl
p/x $ds
p/x $eflags
delete
advance *0x7c50
x/i $pc
p/x $al
stepi
echo == back ==\n
p/x $pc
x/2i 0xf1080
monitor screen
monitor bios
continue
