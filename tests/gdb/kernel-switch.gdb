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
# which disassembles as i386 code.  GDB's architecture is left to
# gdb/realmode.py's stop hook: 16-bit code until the far jump (PE is set
# one instruction earlier), 32-bit after it.
python import os; gdb.execute("source " + os.environ["top_srcdir"] + "/gdb/realmode.py")
hbreak set_pe
mechanisms
continue
echo == before ==\n
show architecture
p/x $pc
p/x $cr0 & 1
p/x $cs
x/i $pc
stepi
echo == PE set ==\n
show architecture
p $pc == far_jump
p/x $cr0 & 1
p/x $cs
x/i $pc
stepi
echo == 32-bit ==\n
show architecture
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
