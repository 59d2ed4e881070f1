# guest: irq-spin.bin
# gdb-file: irq-spin.elf
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# KNOWN BUG: (an expected failure, XFAIL_TESTS in Makefile.am) a breakpoint
# on the first instruction of an interrupt handler.  Live, it stops there
# after the interrupt's delivery and before that instruction; the history
# has no such position (a delivery goes back together with the instruction
# it came before), so reverse-continue from that stop fails: "replay did not
# reproduce the record at entry N (state at a checkpoint)", the history is
# dropped and GDB sees "No more reverse-execution history." at once.  What
# must happen: the previous hit, with the tick counter one lower.
set architecture i8086
monitor record on
break irq0
mechanisms
continue
continue
continue
set $t = *(int *)&ticks
reverse-continue
p $pc == (int)&irq0 && *(int *)&ticks == $t - 1
reverse-continue
p $pc == (int)&irq0 && *(int *)&ticks == $t - 2
monitor record
delete
continue
continue
