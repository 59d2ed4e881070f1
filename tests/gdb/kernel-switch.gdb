# boot: pc/kernel.img
# gdb-file: pc/kstage2.elf
# stub-args: --screen
# stub-stdin: halt\n
# stub-stdout: Halted.
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=debug register
# The example kernel's switch to protected mode, one instruction at a time:
# the second stage (loaded to 0x7e00 by the boot sector's int 13h) sets
# CR0.PE with `mov %eax,%cr0` (CS still the real-mode 0), then the far jump
# loads CS with the GDT's code selector 8 and lands in the 32-bit code,
# which disassembles as i386 code.  hbreak: the stage is not in memory yet
# (an int3 patched in now would be overwritten by the BIOS's disk read).
hbreak set_pe
mechanisms
continue
echo == before ==\n
set architecture i8086
p/x $pc
p/x $cr0 & 1
p/x $cs
x/i $pc
stepi
echo == PE set ==\n
p $pc == far_jump
p/x $cr0 & 1
p/x $cs
x/i $pc
stepi
echo == 32-bit ==\n
set architecture i386
p $pc == pm32
p/x $cs
p/x $cr0 & 1
x/2i $pc
stepi 9
p/x $ds
p/x $ss
p/x $esp
p/x $pc
delete
continue
