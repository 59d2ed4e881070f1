#!/bin/sh
# Run guest/hello.bin under the stub and let GDB drive it: stop at 0:0, show
# the registers and the 16-bit code, break in the output loop, continue to
# the guest's hlt (GDB: "exited normally").
# The guest's output reaches GDB's console as `O` packets.
set -e
cd "$(dirname "$0")/.."
[ -x ./kvm-gdbstub ] || { echo "gdb-demo: build first: sh ./setup.sh" >&2; exit 1; }
./kvm-gdbstub --once --port 0 guest/hello.bin 2> stub.err &
stub=$!
trap 'kill $stub 2>/dev/null; rm -f stub.err' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do
	port=$(sed -n 's/.*waiting for GDB on 127.0.0.1:\([0-9]*\).*/\1/p' stub.err)
	[ -n "$port" ] && break
	sleep 0.1
done
gdb -batch -nx -ex "target remote :$port" -ex 'info registers eip cs' \
	-ex 'x/4i $pc' -ex 'break *0x15' -ex continue -ex 'p/c $al' -ex delete -ex continue
wait $stub
