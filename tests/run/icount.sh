# icount: --icount drives the machine's clock from the built-in CPU's
# instruction count, so timer interrupts land at the same instructions in
# every run and idle time is skipped, not slept.
. "$srcdir/tests/lib.sh"
if [ "$KVM_GDBSTUB_ACCEL" = kvm ]; then
	vmm --icount 10 "$GUESTS/pit.bin" > out 2> err
	expect_status 2 $? "--icount with --accel kvm"
	expect_grep 'needs the built-in CPU' err "--icount with --accel kvm: the reason"
	finish
fi
vmm --icount 10 "$GUESTS/icount.bin" > run1 2> err
expect_status 0 $? "icount.bin, first run"
vmm --icount 10 "$GUESTS/icount.bin" > run2 2> err
expect_status 0 $? "icount.bin, second run"
expect_same run1 run2 "the ticks land at the same loop counts in both runs"
[ "$(wc -l < run1)" -eq 10 ] || fail "icount.bin printed $(wc -l < run1) counts, want 10"
# Ticks 2-10 each interrupt about 1 ms = 100,000 instructions of 3-instruction loop turns.
awk 'NR > 1 && ($1 < 30000 || $1 > 36000) { bad = 1 } END { exit bad }' run1 ||
	fail "loop counts between 1 kHz ticks: $(tr '\n' ' ' < run1)"
# A second of sleeping in hlt takes no wall time: virtual time jumps.
start=$(date +%s%N)
vmm --icount 10 "$GUESTS/pit.bin" > out 2> err
expect_status 0 $? "pit.bin with --icount"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
printf '100 ticks\n100 wake-ups\n990 ms\n' > want
expect_same want out "pit.bin's virtual second is exact"
[ "$elapsed_ms" -lt 900 ] || fail "pit.bin with --icount took $elapsed_ms ms of wall time"
vmm --icount 0 "$GUESTS/pit.bin" > out 2> err
expect_status 2 $? "--icount 0"
finish
