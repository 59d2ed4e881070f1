# guest: hello.bin
# mechanism-kvm: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=hlt patch
# mechanism-vtx: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=int3 patch
# stepi N, nexti, a step over `out` (exactly one instruction), advance, until;
# a breakpoint hidden from memory reads, and a write over it: the new byte
# (inc %cx instead of lodsb) is what reads show and what runs, and the
# breakpoint still fires.  Four hbreaks that are never reached take the debug
# registers, so on KVM the breakpoint is a patch there too.
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
hbreak *0x100
hbreak *0x101
hbreak *0x102
hbreak *0x103
break *0x13
mechanisms
x/2xb 0x13
echo == write over the breakpoint ==\n
set {char}0x13 = 0x41
x/2xb 0x13
x/i 0x13
set $al = 0x2a
until *0x17
p/x $pc
p/x $cx
p/x $si
echo == restore ==\n
set {char}0x13 = 0xac
x/i 0x13
stepi
p/x $pc
p/x $al
p/x $si
set breakpoint always-inserted off
delete
advance *0x17
p/x $pc
stepi
