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
# reverse-stepi there undoes the increment together with the interrupt's
# delivery that came before it (back in the main loop, the stack 6 bytes
# higher, IF on) and stepi redoes both; a watchpoint on the counter
# backwards, twice (the second across a whole handler and the main loop in
# between); a breakpoint in the main loop reached backwards (the counter
# lower still: ticks can come back to back on a busy host or under
# valgrind, so not by a fixed amount); forward to the end of history, then
# live to the guest's end.  No replay may disagree with the record.
# (The breakpoint is on the handler's second instruction: one on its first
# is tests/gdb/reverse-irq-entry.gdb, a known bug.)
# KNOWN BUG: (XFAIL_TESTS in Makefile.am) since main's 06ba92e..0b1ac56 the
# first reverse move diverges: "replay did not reproduce the record at entry
# 2 (IO)", the history is dropped (and GDB then times out).
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
# With the KNOWN BUG what follows hangs until gdb-run's timeout: end here.
if $pc != (int)&irq0 + 5 || *(int *)&ticks != $t - 1
  echo the first reverse-continue failed: giving up\n
  quit
end
set $sp_at = $sp
reverse-stepi
p $sp == $sp_at + 6 && $pc >= (int)&spin && $pc < (int)&irq0
p ($eflags & 0x200) != 0 && *(int *)&ticks == $t - 2
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
