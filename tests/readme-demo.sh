# The README's first command after setup.sh, 20 times with both CPUs kept
# busy: `./kvm-gdbstub guest/hello.bin && sh tools/gdb-demo.sh` must exit 0
# with the demo's output every time (it used to exit 1 after working, and
# to miss the stub's port on a loaded machine).  Not per backend: the demo
# uses the default --accel auto, as the README does.
. "$srcdir/tests/lib.sh"
command -v "${GDB:-gdb}" >/dev/null || { echo "SKIP: no gdb"; exit 77; }
for _ in 1 2; do
	sh -c 'while :; do :; done' &
	stubs="$stubs $!" # lib.sh kills them on exit
done

cat > want <<'WANT'
0x00000000 in ?? ()
eip            0x0                 0x0
cs             0x0                 0
=> 0x0:	xor    %ax,%ax
   0x2:	mov    %ax,%ds
   0x4:	mov    $0x3fb,%dx
   0x7:	mov    $0x3,%al
Breakpoint 1 at 0x15

Breakpoint 1, 0x00000015 in ?? ()
$1 = 72 'H'
[Inferior 1 (process 1) exited normally]
WANT
for run in $(seq 1 20); do
	"$KVM_GDBSTUB" "$GUESTS/hello.bin" > out 2> err &&
		sh "$srcdir/tools/gdb-demo.sh" > demo.out 2> demo.err < /dev/null
	expect_status 0 $? "run $run"
	expect_grep '^Hello, KVM!$' out "run $run: the guest alone"
	expect_same want demo.out "run $run: GDB's output"
	expect_grep '^Hello, KVM!$' demo.err "run $run: the guest's output through GDB"
	[ "$failures" -eq 0 ] || { cat demo.err >&2; break; }
done
finish
