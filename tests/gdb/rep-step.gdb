# guest: rep.bin
# gdb-file: rep.elf
# stepi on a REP string instruction stops after each iteration, EIP on the
# instruction while (E)CX counts down, and moves past it after the last one,
# as hardware does: rep movsb of 5, a repe cmpsb ending at a mismatch, CX = 0
# (one step), prefixes before and after rep (CX counts, not ECX), 32-bit
# addressing (ECX counts).  nexti is one iteration too; next finishes a rep
# in one range step (one vCont); a breakpoint on a rep (each step and each
# step over it is one iteration, so GDB reports it again); the memory results.
define show
  info symbol $pc
  printf "cx=%d ecx=%#x zf=%d\n", $cx, $ecx, ($eflags & 0x40) != 0
end
advance *&movs
show
stepi
show
x/s &dst
stepi
show
x/s &dst
stepi
show
stepi
show
x/s &dst
stepi
show
x/s &dst
advance *&cmps
stepi
show
stepi
show
stepi
show
advance *&zero
stepi
show
p $di == (int)&right + 3
advance *&csmovs
stepi
show
x/s &dst2
stepi
show
x/s &dst2
advance *&stos32
stepi
show
stepi
show
stepi
show
x/s &dst3
advance *&again
nexti
show
nexti
show
set logging file next.log
set logging overwrite on
set logging debugredirect on
set logging enabled on
set debug remote 1
next
set debug remote 0
set logging enabled off
shell grep -c 'Sending packet: \$vCont' next.log
show
x/s &dst4
break *&line
continue
show
stepi
show
continue
show
delete
tbreak *&line_end
continue
show
x/s &dst5
delete
continue
