# guest: irq-spin.bin
# gdb-file: irq-spin.elf
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# A breakpoint on the first instruction of an interrupt handler: live it
# stops there after the interrupt's delivery and before that instruction,
# a position of its own in the history (the delivery counts as a step), so
# reverse-continue from that stop reaches the previous hit, with the tick
# counter one lower, and the one before.
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
