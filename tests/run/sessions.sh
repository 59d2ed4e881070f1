# Debugger sessions against one stub: disconnect keeps the guest stopped,
# kill resets it, a second debugger is turned away, extended-remote `run`
# restarts the guest, detach lets it run to its end; and the stdio transport.
. "$srcdir/tests/lib.sh"
command -v "${GDB:-gdb}" >/dev/null || { echo "SKIP: no gdb"; exit 77; }

gdb_batch() { # OUT ARGS...
	out=$1
	shift
	timeout 60 "${GDB:-gdb}" -batch -nx -iex 'set confirm off' "$@" > "$out" 2>&1 < /dev/null
}

start_stub stub "$GUESTS/hello.bin"

gdb_batch s1 -ex "target remote :$port" -ex 'stepi 2' -ex 'p/x $pc' -ex disconnect
expect_grep '^\$1 = 0x4$' s1 "session 1 steps"
gdb_batch s2 -ex "target remote :$port" -ex 'p/x $pc' -ex kill
expect_grep '^\$1 = 0x4$' s2 "a new debugger finds the guest where the last one left it"
gdb_batch s3 -ex "target remote :$port" -ex 'p/x $pc' -ex 'p/x $ds' \
	-ex "python import socket; s = socket.create_connection(('127.0.0.1', $port)); print('second:', s.recv(200).decode(errors='replace')); s.close()" \
	-ex 'stepi' -ex 'p/x $pc' -ex disconnect
expect_grep '^\$1 = 0x0$' s3 "kill reset the guest"
expect_grep 'second:.*another debugger is already attached' s3 "second debugger turned away"
expect_grep '^\$3 = 0x2$' s3 "the first debugger is undisturbed"

gdb_batch s4 -ex "target extended-remote :$port" -ex 'p/x $pc' -ex run -ex 'p/x $pc' -ex kill
expect_grep '^\$1 = 0x2$' s4 "extended-remote connects to the stopped guest"
expect_grep 'Hello, KVM!' s4 "run restarts the guest from its image"
expect_grep 'exited normally' s4 "run ends when the guest halts"

gdb_batch s5 -ex "target remote :$port" -ex 'break *0x15' -ex continue -ex 'p/x $al' -ex detach
expect_grep '^\$1 = 0x48$' s5 "breakpoint before detach"
for _ in $(seq 1 100); do kill -0 "$stub" 2>/dev/null || break; sleep 0.05; done
kill -0 "$stub" 2>/dev/null && fail "after detach the guest did not run to its end"
wait "$stub"
expect_status 0 $? "stub after the detached guest halted"
expect_grep 'ello, KVM!' stub.out "after detach the guest output goes to stdout"

# target remote | kvm-gdbstub --gdb stdio
gdb_batch s6 -ex "target remote | $KVM_GDBSTUB --accel $KVM_GDBSTUB_ACCEL --gdb stdio $GUESTS/hello.bin" \
	-ex 'x/i $pc' -ex continue
expect_grep 'xor    %ax,%ax' s6 "stdio transport: 16-bit code"
expect_grep 'Hello, KVM!' s6 "stdio transport: console"
expect_grep 'exited normally' s6 "stdio transport: exit"
finish
