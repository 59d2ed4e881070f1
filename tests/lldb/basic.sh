# LLDB against the stub (doc/lldb.md): connect with `gdb-remote`, registers,
# memory, 16-bit disassembly, breakpoints, stepping, continue to the end,
# kill, detach, `process interrupt`, and source-level debugging of the C
# guest.  Skips (77) without lldb; $LLDB names another one.
. "$srcdir/tests/lib.sh"
LLDB=${LLDB:-lldb}
command -v "$LLDB" >/dev/null || { echo "SKIP: no lldb"; exit 77; }

# lldb_batch OUT ARGS...: lldb's output (and its complaints) in OUT.
lldb_batch() {
	out=$1
	shift
	timeout 60 "$LLDB" --no-lldbinit --batch "$@" > "$out" 2>&1 < /dev/null
}

# wait_for PATTERN FILE: until PATTERN shows up in FILE (10 s at most).
wait_for() {
	for _ in $(seq 1 200); do
		grep -q -e "$1" "$2" && return 0
		sleep 0.05
	done
	return 1
}

# ---- the hello guest: one stub, three debuggers in turn ----
start_stub hello "$GUESTS/hello.bin"

lldb_batch s1 -o "gdb-remote $port" \
	-o 'register read eip' \
	-o 'memory read --size 1 --count 4 0' \
	-o 'disassemble --start-address 0 --count 3' \
	-o 'breakpoint set --address 0x15' \
	-o 'process continue' \
	-o 'register read eip al' \
	-o 'thread step-inst' \
	-o 'register read pc' \
	-o 'register write ebx 0x1234' \
	-o 'register read ebx' \
	-o 'breakpoint delete --force' \
	-o 'process continue'
expect_grep 'Process 1 stopped' s1 "connect"
expect_grep '^ *eip = 0x00000000$' s1 "register read at the first instruction"
expect_grep '^0x00000000: 31 c0 8e d8 ' s1 "memory read"
expect_grep '0x4: movw   \$0x3fb, %dx' s1 "16-bit disassembly"
expect_grep '^Breakpoint 1: address = 0x00000015$' s1 "breakpoint set --address"
expect_grep 'stop reason = breakpoint 1.1' s1 "continue to the breakpoint"
expect_grep '^ *eip = 0x00000015$' s1 "pc at the breakpoint"
expect_grep '^ *al = 0x48$' s1 "a subregister: the character just written"
expect_grep 'stop reason = instruction step into' s1 "thread step-inst"
expect_grep '^ *eip = 0x00000013$' s1 "pc after the step (the loop went back)"
expect_grep '^ *ebx = 0x00001234$' s1 "register write"
expect_grep 'ello, KVM!' s1 "the guest's output in LLDB"
expect_grep 'Process 1 exited with status = 0' s1 "continue to the end (hlt)"

lldb_batch s2 -o "gdb-remote $port" -o 'thread step-inst' -o 'thread step-inst' \
	-o 'register read pc' -o 'process kill'
expect_grep '^ *eip = 0x00000004$' s2 "a fresh guest after the exit, two steps"
expect_grep 'Process 1 exited with status = 9' s2 "process kill"

lldb_batch s3 -o "gdb-remote $port" -o 'register read pc' -o 'process detach'
expect_grep '^ *eip = 0x00000000$' s3 "a fresh guest after the kill"
expect_grep 'Process 1 detached' s3 "process detach"
for _ in $(seq 1 100); do kill -0 "$stub" 2>/dev/null || break; sleep 0.05; done
kill -0 "$stub" 2>/dev/null && fail "after detach the guest did not run to its end"
wait "$stub"
expect_status 0 $? "stub after the detached guest halted"
expect_grep 'Hello, KVM!' hello.out "after detach the guest output goes to stdout"

# ---- process interrupt: commands from a pipe, so continue returns at once ----
# A guest that spins silently: LLDB 14 sometimes loses track of a process whose
# console output arrives while it is still handling `process continue`.
raw_guest quiet.bin '\353\376' # jmp $
start_stub spin --once quiet.bin
mkfifo cmds
timeout 60 "$LLDB" --no-lldbinit < cmds > s4 2>&1 &
lldb_pid=$!
exec 3> cmds
echo "gdb-remote $port" >&3
wait_for 'Process 1 stopped' s4 || fail "LLDB did not connect"
echo 'process continue' >&3
wait_for 'Process 1 resuming' s4 || fail "process continue"
# LLDB 14 prints "resuming" before its process state turns to running, and
# until it does it refuses an interrupt ("Process is not running"): ask
# until it reports the process running (then it runs until interrupted).
for _ in $(seq 1 100); do
	grep -q '^Process 1 is running\.$' s4 && break
	echo 'process status' >&3
	sleep 0.1
done
expect_grep '^Process 1 is running\.$' s4 "LLDB sees the process running"
# Should LLDB still refuse the interrupt ("Process is not running"), again.
refused=0
for _ in 1 2 3 4 5; do
	echo 'process interrupt' >&3
	for _ in $(seq 1 200); do
		grep -q 'stop reason = signal SIGINT' s4 && break 2
		[ "$(grep -c 'Process is not running' s4)" -gt "$refused" ] && break
		sleep 0.05
	done
	refused=$(grep -c 'Process is not running' s4)
	sleep 0.2
done
grep -q 'stop reason = signal SIGINT' s4 || fail "process interrupt did not stop the guest"
echo 'register read pc' >&3
echo 'process kill' >&3
echo 'quit' >&3
exec 3>&-
wait "$lldb_pid"
expect_grep '^ *eip = 0x00000000$' s4 "interrupted in the spin loop"
expect_grep 'Process 1 exited with status = 9' s4 "process kill after the interrupt"
wait "$stub"

# ---- source level: the C guest's ELF file ----
start_stub c-guest --once "$GUESTS/c-guest.elf"
lldb_batch s5 "$GUESTS/c-guest.elf" -o "gdb-remote $port" \
	-o 'breakpoint set --name square' \
	-o 'process continue' \
	-o 'thread backtrace' \
	-o 'frame variable x' \
	-o 'disassemble --name square --count 2' \
	-o 'thread step-over' \
	-o 'thread step-out' \
	-o 'process kill'
expect_grep 'c-guest.elf`_start at start.S:9' s5 "the ELF file's symbols and lines"
expect_grep 'stop reason = breakpoint 1.1' s5 "breakpoint on a function"
expect_grep 'frame #0: 0x[0-9a-f]* c-guest.elf`square(x=1) at c-guest.c:54' s5 "frame 0"
expect_grep 'frame #1: 0x[0-9a-f]* c-guest.elf`main at c-guest.c:87' s5 "backtrace"
expect_grep '^(uint32_t) x = 1$' s5 "frame variable"
expect_grep '<+0>: pushl  %ebp' s5 "16-bit disassembly with the ELF file (66 55)"
expect_grep 'stop reason = step over' s5 "thread step-over"
expect_grep 'Return value: (uint32_t) \$0 = 1' s5 "thread step-out"
expect_grep 'Process 1 exited with status = 9' s5 "process kill"
wait "$stub"
finish
