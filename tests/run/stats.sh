# --stats: exit counts by reason and by port, and the backend, on stderr.
. "$srcdir/tests/lib.sh"
vmm --stats "$GUESTS/hello.bin" > out 2> err
expect_status 0 $? "hello.bin --stats"
printf 'Hello, KVM!\n' > want
expect_same want out "--stats keeps stdout clean"
# KVM may queue COM1 output (coalesced port I/O): then 12 writes are not exits.
if grep -q 'IO queued' err; then
	expect_grep '2 VM exits' err "total"
	expect_grep '^  IO  *1$' err "IO exits"
	expect_grep '^  IO queued  *12 ' err "queued writes"
else
	expect_grep '14 VM exits' err "total"
	expect_grep '^  IO  *13$' err "IO count"
fi
[ "$KVM_GDBSTUB_ACCEL" = emu ] && ! grep -q 'IO queued' err || [ "$KVM_GDBSTUB_ACCEL" = kvm ] ||
	fail "the built-in CPU queues nothing"
expect_grep '^  HLT  *1$' err "HLT count"
expect_grep '^  port 0x03f8 out 12$' err "port 0x3f8"
expect_grep '^  port 0x03fb out 1$' err "port 0x3fb"
case $KVM_GDBSTUB_ACCEL in
kvm) expect_grep 'backend: KVM' err "backend named" ;;
emu) expect_grep 'backend: built-in CPU' err "backend named" ;;
esac
finish
