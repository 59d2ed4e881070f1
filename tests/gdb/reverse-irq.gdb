# guest: irq-spin.bin
# gdb-file: irq-spin.elf
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# mechanism-kvm: 2=built-in CPU
# mechanism-vtx: 2=built-in CPU
# mechanism-kvm: 3=built-in CPU
# mechanism-vtx: 3=built-in CPU
# Reverse execution across timer interrupts (the PIT at 1 kHz while the
# guest computes): reverse-continue to the previous hit of a breakpoint in
# the IRQ 0 handler (after its increment: the tick counter is one lower);
# reverse-stepi there undoes the increment (at the handler's entry), and
# once more the interrupt's delivery (back in the main loop, the stack 6
# bytes higher, IF on); two stepi redo both; a watchpoint on the counter
# backwards, twice (the second across a whole handler and the main loop in
# between); a breakpoint in the main loop reached backwards (the counter
# lower still: ticks can come back to back on a busy host or under
# valgrind, so not by a fixed amount); forward to the end of history, then
# live to the guest's end.  No replay may disagree with the record.  (A
# breakpoint on the handler's first instruction: reverse-irq-entry.gdb.)
set architecture i8086
monitor record on
break *((char *)&irq0 + 5)
mechanisms
continue
continue
continue
continue
continue
set $t = *(int *)&ticks
p $t
reverse-continue
p $pc == (int)&irq0 + 5 && *(int *)&ticks == $t - 1
set $sp_at = $sp
reverse-stepi
p $pc == (int)&irq0 && $sp == $sp_at && *(int *)&ticks == $t - 2
reverse-stepi
p $sp == $sp_at + 6 && $pc >= (int)&spin && $pc < (int)&irq0
p ($eflags & 0x200) != 0 && *(int *)&ticks == $t - 2
stepi
p $pc == (int)&irq0 && $sp == $sp_at
stepi
p $pc == (int)&irq0 + 5 && $sp == $sp_at && *(int *)&ticks == $t - 1
delete
watch *(int *)&ticks
mechanisms
reverse-continue
p *(int *)&ticks == $t - 2
reverse-continue
p *(int *)&ticks == $t - 3
delete
break *&spin
mechanisms
reverse-continue
p $pc == (int)&spin && *(int *)&ticks <= $t - 3
delete
continue
p $pc == (int)&irq0 + 5 && *(int *)&ticks == $t
monitor record
continue
