# guest: c-guest.bin
# gdb-file: c-guest.elf
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# reverse-stepi straight after a live stop (a breakpoint hit, a stepi): it
# goes back one instruction (to the call), stepi comes back, and two live
# stepi are undone by two reverse-stepi.  (Once a bug: the replay ran with
# the vCPU's live debug setup, stopped at the breakpoint or the single-step
# trap, "replay did not reproduce the record at entry N (DEBUG)".)
monitor record on
break square
mechanisms
continue
continue
set $at = $pc
set $sp_at = $sp
reverse-stepi
p $pc != $at && $sp == $sp_at + 4
stepi
p $pc == $at && $sp == $sp_at
delete
stepi
stepi
reverse-stepi
reverse-stepi
p $pc == $at && $sp == $sp_at
monitor record
continue
continue
