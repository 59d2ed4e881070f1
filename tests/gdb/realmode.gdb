# guest: int3.bin
# gdb-file: int3.elf
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# The commands of gdb/realmode.py: where16, stack16, ivt, linear, segoff
# and the stop hook, inside the guest's own int3 handler.
python import os; gdb.execute("source " + os.environ["top_srcdir"] + "/gdb/realmode.py")
where16
break *handler
mechanisms
continue
where16
stack16 3
ivt 3 1
linear 0x07c0:0x0010
p/x $linear
segoff 0x7c10
segoff 0x7c10 0x7c0
stepi
realmode-hook off
stepi
p/x $pc
delete
continue
