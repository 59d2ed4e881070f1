# sigint: Ctrl-C (SIGINT) ends a plain run with a report: where the guest
# was and its registers, exit status 130 (128 + SIGINT); a guest stuck in a
# vmcall this host's KVM does not deliver gets the cause named as well.
. "$srcdir/tests/lib.sh"
"$KVM_GDBSTUB" --accel "$KVM_GDBSTUB_ACCEL" "$GUESTS/spin.bin" > out 2> err &
pid=$!
sleep 0.5
kill -INT "$pid"
wait "$pid"
expect_status 130 $? "spin.bin after SIGINT"
expect_grep '^kvm-gdbstub: interrupted (Ctrl-C) at ' err "the interruption reported with the pc"
expect_grep 'eax=' err "with the registers"
expect_grep '^spinning$' out "the guest's output before it"

"$KVM_GDBSTUB" --accel "$KVM_GDBSTUB_ACCEL" "$GUESTS/vmcall.bin" > out 2> err &
pid=$!
sleep 1
kill -INT "$pid" 2>/dev/null
wait "$pid"
status=$?
if grep -q 'stuck in a vmcall' err; then
	expect_status 130 $status "vmcall.bin stuck, after SIGINT"
else # the built-in CPU delivers vmcall: the guest ended by itself
	expect_status 42 $status "vmcall.bin where vmcall works"
fi
finish
