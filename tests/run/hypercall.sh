# hypercall: the port-0xEA hypercall interface (probe, console write and
# read, time, unknown function, bad buffer, exit status), blocking reads.
. "$srcdir/tests/lib.sh"
printf 'abc\nsecond line\n' > in
vmm "$GUESTS/hypercall.bin" < in > out 2> err
expect_status 7 $? "hypercall.bin exits with the status it asked for"
cat > want <<'END'
hypercall interface 1
abc
second line
clock ok
unknown function: -1
buffer outside RAM: -1
END
expect_same want out "hypercall.bin output"
grep -q "unknown hypercall 0x99" err || fail "no note about the unknown hypercall"
grep -q "exited with status 7 (hypercall)" err || fail "no exit message"
[ "$(grep -c 'unknown hypercall' err)" -eq 1 ] || fail "the unknown-call note is not once"

# A console read blocks until input comes, without spinning the host CPU.
# Not through vmm(): $! must be the stub itself, whose CPU time is read.
mkfifo fifo
{ sleep 1; printf 'late\n'; } > fifo &
"$KVM_GDBSTUB" --accel "$KVM_GDBSTUB_ACCEL" "$GUESTS/hypercall.bin" < fifo > out 2> err &
pid=$!
sleep 0.6
ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
wait $pid
expect_status 7 $? "hypercall.bin with late input"
grep -qx late out || fail "the late input was not echoed"
[ "$ticks" -lt 20 ] || fail "the blocked console read used $ticks CPU ticks in 0.6 s"

# --timeout ends a guest blocked in a console read.
sleep 5 | vmm --timeout 0.3 "$GUESTS/hypercall.bin" > out 2> err
expect_status 6 $? "--timeout during a blocked console read"
grep -q "did not halt within 0.3 s" err || fail "no timeout message"
finish
