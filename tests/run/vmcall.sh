# vmcall: hypercalls by instruction (guest/vmcall.S) instead of port 0xEA.
# The built-in CPU serves vmcall and vmmcall: the guest prints its lines and
# exits with status 42.  KVM serves them where the host hands them to the
# VMM; where it does not (KVM emulating real mode, as on this project's
# machines: the vCPU spins in the kernel on a vmcall) the guest is stuck at
# its first vmcall, and --timeout ends the run with status 6 and a message
# naming the cause and the port.
. "$srcdir/tests/lib.sh"
cat > want <<'END'
vmcall: probe: interface 1
vmcall: console write
vmmcall: console write
END
start=$(date +%s)
vmm --timeout 2 "$GUESTS/vmcall.bin" > out 2> err
status=$?
elapsed=$(($(date +%s) - start))
cause="the guest is stuck in a vmcall, which this host's KVM does not deliver to the VMM: make hypercalls through port 0xEA (out %ax, \$0xea)"

# KVM without VT-x/AMD-V exposed runs real mode in its instruction emulator,
# where a vmcall never reaches user space (README, "The machine").
emulated_kvm=false
if [ "$KVM_GDBSTUB_ACCEL" = kvm ] && ! grep -Eqw 'vmx|svm' /proc/cpuinfo; then
	emulated_kvm=true
fi

if [ "$KVM_GDBSTUB_ACCEL" = emu ] || { ! $emulated_kvm && [ "$status" -eq 42 ]; }; then
	expect_status 42 "$status" "vmcall.bin exits through the exit hypercall"
	if [ "$KVM_GDBSTUB_ACCEL" = emu ]; then
		expect_same want out "vmcall.bin output"
	else # a VT-x/AMD-V host may raise #UD for the other vendor's instruction
		sed -n 1,2p want > want2
		sed -n 1,2p out > out2
		expect_same want2 out2 "vmcall.bin output"
	fi
	grep -qx "kvm-gdbstub: the guest exited with status 42 (hypercall)" err ||
		fail "no exit message"
	! grep -q "stuck in a" err || fail "a stuck-hypercall message on a guest that ran"
else
	expect_status 6 "$status" "--timeout ends a guest stuck in a vmcall"
	[ "$elapsed" -le 5 ] || fail "--timeout 2 took $elapsed s"
	grep -qF "kvm-gdbstub: $cause" err || { fail "no message naming the cause:"; cat err >&2; }
	expect_grep "did not halt within 2 s (--timeout)" err "the timeout report"
	expect_empty out "a guest stuck at its first vmcall (the probe)"
fi

# A guest that merely times out gets no such message.
vmm --timeout 0.3 "$GUESTS/spin.bin" > out 2> err
expect_status 6 $? "spin.bin times out"
! grep -q "stuck in a" err || fail "a stuck-hypercall message for a spinning guest"
finish
