#!/bin/sh
# Run guest/hello.bin under the stub and let GDB drive it: stop at 0:0, show
# the registers and the 16-bit code, break in the output loop, continue to
# the guest's hlt (GDB: "exited normally").
# The guest's output reaches GDB's console as `O` packets.
# Exit status 0 when GDB and the stub both succeeded.  KVM_GDBSTUB and
# GUESTS (as in make check) choose another stub binary and guest directory.
set -e
cd "$(dirname "$0")/.."
stub_bin=${KVM_GDBSTUB:-./kvm-gdbstub}
guests=${GUESTS:-guest}
[ -x "$stub_bin" ] || { echo "gdb-demo: build first: sh ./setup.sh" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdb-demo.XXXXXX")
stub=
cleanup() {
	[ -z "$stub" ] || kill "$stub" 2>/dev/null || :
	rm -rf "$tmp"
}
trap cleanup EXIT
# The file exists before the stub starts, so the loop below can read it at
# once; the stub appends "waiting for GDB on ...:PORT" when it listens.
: > "$tmp/stub.err"
"$stub_bin" --once --port 0 "$guests/hello.bin" 2>> "$tmp/stub.err" &
stub=$!
port=
for _ in $(seq 100); do # up to 10 s: a loaded machine starts slowly
	port=$(sed -n 's/.*waiting for GDB on 127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/stub.err")
	[ -n "$port" ] && break
	kill -0 "$stub" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$port" ]; then
	echo "gdb-demo: the stub did not start listening:" >&2
	cat "$tmp/stub.err" >&2
	exit 1
fi
gdb -batch -nx -ex "target remote :$port" -ex 'info registers eip cs' \
	-ex 'x/4i $pc' -ex 'break *0x15' -ex continue -ex 'p/c $al' -ex delete -ex continue
# The stub (--once) exits with the guest's status once GDB is done.
rc=0
wait "$stub" || rc=$?
stub=
[ "$rc" -eq 0 ] || { echo "gdb-demo: the stub exited with status $rc:" >&2; cat "$tmp/stub.err" >&2; }
exit "$rc"
