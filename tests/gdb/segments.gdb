# guest: segments.bin
# gdb-file: segments.elf
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# mechanism-kvm: 1=debug register, 2=debug register
# mechanism-vtx: 1=int3 patch, 2=int3 patch
# A guest with DS/ES/SS != 0 that far-jumps to 0200:0010 and far-calls into
# segment 0210: pc, stepi, breakpoints and the stack at SS:SP show the truth.
python import os; gdb.execute("source " + os.environ["top_srcdir"] + "/gdb/realmode.py")
break *seg2
mechanisms
continue
p/x $cs
p/x $cs_base
p/x $pc
p/x $eip_off
x/i $pc
where16
stepi
p/x $eip_off
p/x $pc
break *far_proc
mechanisms
continue
p/x $cs
p/x $eip_off
x/3xh $sp
stack16 3
p/x $ss_base + $esp_off == $sp
echo == set the linear pc ==\n
set $pc = 0x2020
p/x $cs
p/x $eip_off
set $pc = 0x2000
p/x $cs
p/x $eip_off
set $pc = far_proc
delete
continue
