# --stats: exit counts by reason and by port, and the backend, on stderr.
. "$srcdir/tests/lib.sh"
vmm --stats "$GUESTS/hello.bin" > out 2> err
expect_status 0 $? "hello.bin --stats"
printf 'Hello, KVM!\n' > want
expect_same want out "--stats keeps stdout clean"
expect_grep '14 VM exits' err "total"
expect_grep '^  IO  *13$' err "IO count"
expect_grep '^  HLT  *1$' err "HLT count"
expect_grep '^  port 0x03f8 out 12$' err "port 0x3f8"
expect_grep '^  port 0x03fb out 1$' err "port 0x3fb"
case $KVM_GDBSTUB_ACCEL in
kvm) expect_grep 'backend: KVM' err "backend named" ;;
emu) expect_grep 'backend: built-in CPU' err "backend named" ;;
esac
finish
