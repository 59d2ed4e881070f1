# Shared helpers for the shell tests: sourced, never run.
# Each test runs in its own temporary directory, removed on exit.
set -u
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvm-gdbstub-test.XXXXXX") || exit 99
stubs= # stubs started by start_stub: killed on exit
trap 'for p in $stubs; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
failures=0

# vmm ARGS...: the program under test on this test's backend.
vmm() {
	"$KVM_GDBSTUB" --accel "$KVM_GDBSTUB_ACCEL" "$@"
}

# start_stub NAME ARGS...: run the stub on this backend on a free port,
# waiting for GDB, with its output in NAME.out and NAME.err; sets $stub (the
# pid) and $port.
start_stub() {
	name=$1
	shift
	: > "$name.err" # before the stub opens it: sed must find it
	# Not through vmm(): $! must be the stub itself, for the kill on exit.
	"$KVM_GDBSTUB" --accel "$KVM_GDBSTUB_ACCEL" --port 0 "$@" \
		> "$name.out" 2> "$name.err" < /dev/null &
	stub=$!
	stubs="$stubs $stub"
	port=
	for _ in $(seq 1 100); do
		port=$(sed -n 's/.*waiting for GDB on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$name.err")
		[ -n "$port" ] && return 0
		sleep 0.05
	done
	fail "$name: the stub did not listen"; cat "$name.err" >&2
	finish
}

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_status WANT GOT WHAT
expect_status() {
	if [ "$1" -ne "$2" ]; then fail "$3: exit status $2, want $1"; fi
}

# expect_file_eq FILE_WANT FILE_GOT WHAT
expect_same() {
	if ! cmp -s "$1" "$2"; then
		fail "$3: output differs"
		diff "$1" "$2" | head -20 >&2
	fi
}

# expect_grep PATTERN FILE WHAT
expect_grep() {
	if ! grep -q -e "$1" "$2"; then
		fail "$3: no '$1' in:"
		head -20 "$2" >&2
	fi
}

# expect_empty FILE WHAT
expect_empty() {
	if [ -s "$1" ]; then
		fail "$2: expected nothing, got:"
		head -5 "$1" >&2
	fi
}

# raw_guest FILE OCTAL-ESCAPED-BYTES: write a tiny guest image.
raw_guest() {
	printf "$2" > "$1"
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed" >&2
		exit 1
	fi
	exit 0
}
