# guest: pmode.bin
# gdb-file: pmode.elf
# mechanism-kvm: 1=debug register, 2=debug register
# mechanism-vtx: 1=int3 patch, 2=int3 patch
# Debugging through a switch to 32-bit protected mode and back: the register
# set stays the same, and with gdb/realmode.py disassembly follows the mode.
python import os; gdb.execute("source " + os.environ["top_srcdir"] + "/gdb/realmode.py")
break *pm32
break *rm_again
mechanisms
continue
p/x $cr0 & 1
p/x $cs
info registers eip eflags cs ds ss
x/2i $pc
stepi
stepi
continue
p/x $cr0 & 1
p/x $cs
x/2i $pc
delete
continue
