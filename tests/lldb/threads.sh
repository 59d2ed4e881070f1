# LLDB and several vCPUs: each vCPU is a thread (`thread list`), `thread
# select` then `register read` shows that vCPU, a breakpoint in the APs'
# code stops with the thread that hit it selected.  Skips (77) without lldb.
. "$srcdir/tests/lib.sh"
LLDB=${LLDB:-lldb}
command -v "$LLDB" >/dev/null || { echo "SKIP: no lldb"; exit 77; }

start_stub smp --once --cpus 3 "$GUESTS/smp.bin"
ap32=$(nm "$GUESTS/smp.elf" | sed -n 's/^\([0-9a-f]*\) [tT] ap32$/\1/p')
[ -n "$ap32" ] || fail "no ap32 in smp.elf"
timeout 60 "$LLDB" --no-lldbinit --batch -o "gdb-remote $port" \
	-o 'thread list' \
	-o "breakpoint set --address 0x$ap32" \
	-o 'process continue' \
	-o 'thread list' \
	-o 'thread select 1' \
	-o 'register read cs' \
	-o 'process kill' > s1 2>&1 < /dev/null
expect_grep '^\* thread #1: tid = 0x0001, 0x00000000' s1 "thread 1 (vCPU 0) at the reset pc"
expect_grep '^  thread #3: tid = 0x0003, 0x00000000' s1 "three threads, the APs waiting"
expect_grep "^\\* thread #[23]: tid = 0x000[23], 0x0*$ap32, .*stop reason = breakpoint 1" s1 \
	"an AP's thread hit the breakpoint in the APs' code"
expect_grep '^ *cs = 0x00000008$' s1 "thread 1: the BSP is in protected mode (CS 8)"
expect_grep 'Process 1 exited with status = 9' s1 "process kill"
finish
