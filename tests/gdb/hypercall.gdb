# guest: hypercall.bin
# stub-status: 7
# Hypercall catchpoints: stop after a chosen call with its result in EAX,
# and the guest's exit status reaches GDB and the stub's exit status.
monitor catch-hypercall 1
continue
printf "eax=%d ebx=%#x ecx=%d\n", $eax, $ebx, $ecx
x/2i $pc
monitor catch-hypercall any
continue
printf "nr2 eax=%d\n", $eax
monitor uncatch-hypercall
monitor catch-hypercall bogus
continue
