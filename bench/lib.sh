# Shared by the benchmark scripts: sourced, never run.

# find_raw_loop DIR: set $raw to the raw-KVM loop program: $KVM_RAW_LOOP, the
# one `make bench` built beside $KVM_GDBSTUB, one in bench/, or compiled
# into DIR from bench/kvm_raw_loop.c; empty if none can be had.
find_raw_loop() {
	raw=${KVM_RAW_LOOP:-}
	[ -n "$raw" ] && return
	if [ -x "$(dirname "$KVM_GDBSTUB")/bench/kvm_raw_loop" ]; then
		raw=$(dirname "$KVM_GDBSTUB")/bench/kvm_raw_loop
	elif [ -x "$here/kvm_raw_loop" ]; then
		raw=$here/kvm_raw_loop
	elif [ -f "$here/kvm_raw_loop.c" ] &&
		${CC:-gcc} -O2 -o "$1/kvm_raw_loop" "$here/kvm_raw_loop.c"; then
		raw=$1/kvm_raw_loop
	fi
}

# bench_setup NAME: $KVM_GDBSTUB defaults to ./kvm-gdbstub, then PATH; $out
# is $BENCH_OUT/NAME (kept), or a temporary directory removed at exit.
bench_setup() {
	if [ -z "${KVM_GDBSTUB:-}" ]; then
		if [ -x ./kvm-gdbstub ]; then KVM_GDBSTUB=$PWD/kvm-gdbstub; else KVM_GDBSTUB=kvm-gdbstub; fi
	fi
	if [ -n "${BENCH_OUT:-}" ]; then
		out=$BENCH_OUT/$1
		mkdir -p "$out" || exit 1
	else
		out=$(mktemp -d) || exit 1
		trap 'rm -rf "$out"' EXIT
	fi
}

# stub_port PID ERRFILE: wait for the kvm-gdbstub PID (started with --port 0
# and stderr to ERRFILE) to listen and set $port; 1 (port empty) if it
# exited or did not listen within 10 s.
stub_port() {
	port=
	for _ in $(seq 1 400); do
		port=$(sed -n 's/.*waiting for GDB on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$2" | head -1)
		[ -n "$port" ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.025
	done
	return 1
}
