# guest: pit.bin
# gdb-file: pit.elf
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# Inside an interrupt handler: a breakpoint in the PIT's IRQ 0 handler stops
# there with the handler's state (IF = 0; the stack holds the interrupted
# IP, CS and FLAGS: IF set, IP right after the idle loop's hlt); stepi runs
# through the handler and its iret back to the interrupted code with IF
# restored.  A debugger's step takes no interrupt (as QEMU's gdbstub): with
# a tick pending, stepi goes on through the idle loop; but stepping the hlt
# waits for the tick and ends inside the handler, after its first
# instruction.  Then the guest runs on to its normal end.  (The ELF says
# i386: 16-bit disassembly needs i8086.)
set architecture i8086
break irq0
mechanisms
continue
info registers
p $pc == (int)&irq0 && $cs == 0 && $eip_off == $pc
p ($eflags & 0x200) == 0
printf "pushed ip=%#x cs=%#x flags=%#x\n", *(unsigned short *)$sp, *(unsigned short *)($sp + 2), *(unsigned short *)($sp + 4)
p *(unsigned short *)$sp == (int)&idle + 2 && *(unsigned short *)($sp + 2) == 0
p (*(unsigned short *)($sp + 4) & 0x200) != 0
x/i *(unsigned short *)$sp
x/i (int)&idle + 1
set $ticks = *(int *)&ticks
echo == through the handler ==\n
stepi 5
x/i $pc
python import time; time.sleep(0.05)
stepi
x/i $pc
p $sp == 0x7000 && ($eflags & 0x200) != 0
p *(int *)&ticks == $ticks + 1
echo == a pending tick waits while stepping ==\n
stepi
x/i $pc
stepi 3
x/i $pc
p *(int *)&ticks == $ticks + 1
echo == stepping the hlt takes the tick ==\n
delete
stepi
x/i $pc
p *(int *)&ticks == $ticks + 2
p *(unsigned short *)($sp + 0) == (int)&idle + 2 && ($eflags & 0x200) == 0
continue
