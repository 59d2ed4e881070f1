# guest: hello.bin
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# stepi N, nexti, a step over `out` (exactly one instruction), advance, until,
# and breakpoints hidden from memory reads.
stepi 3
p/x $pc
nexti
p/x $pc
stepi
p/x $pc
p/x $edx
advance *0x13
p/x $pc
set breakpoint always-inserted on
break *0x13
mechanisms
x/2xb 0x13
set {char}0x13 = 0xac
x/2xb 0x13
until *0x17
p/x $pc
p/x $cx
set breakpoint always-inserted off
delete
advance *0x17
p/x $pc
stepi
