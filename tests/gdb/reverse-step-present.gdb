# guest: c-guest.bin
# gdb-file: c-guest.elf
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# KNOWN BUG: (an expected failure, XFAIL_TESTS in Makefile.am) reverse-stepi
# straight after a live stop (a breakpoint hit, a stepi) replays with the
# vCPU's live debug setup still in place (history_step_back does not clear
# it as history_continue_back does), so the replay stops at the breakpoint or
# the single-step trap, "replay did not reproduce the record at entry N
# (DEBUG)" and the whole history is dropped.  What must happen: reverse-stepi
# from the present goes back one instruction (to the call), stepi comes back,
# and two live stepi are undone by two reverse-stepi.
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
