# smp-smc: cross-modifying code.  guest/smp-smc.bin's AP keeps calling a
# routine that returns an immediate; the BSP stores a new one over it, then
# the VMM does (a console-read hypercall puts stdin's byte there).  Each
# time the AP must return the new value: every vCPU's cached decodes of the
# block go, whichever vCPU (or the VMM) wrote.
. "$srcdir/tests/lib.sh"
printf 7 | vmm --cpus 2 "$GUESTS/smp-smc.bin" > out 2> err
expect_status 0 $? "smp-smc.bin with 2 vCPUs"
printf 'SMC ok\nVMM write ok\n' > want
expect_same want out "smp-smc.bin: the AP runs the rewritten code"
finish
