#!/bin/sh
# Several vCPUs: Ctrl-C to the stop reply with 1, 2, 4 and 8 vCPUs busy
# (raw RSP, no GDB in the loop), and the work two vCPUs do in the time one
# does its share (bench/guests/smp_work.S): bench/smp_bench.py.
here=$(cd "$(dirname "$0")" && pwd)
: "${KVM_GDBSTUB:=./kvm-gdbstub}"
: "${GUESTS:=$(dirname "$KVM_GDBSTUB")/guest}"
BENCH_GUESTS=$(mktemp -d "${TMPDIR:-/tmp}/smp-bench.XXXXXX") || exit 2
trap 'rm -rf "$BENCH_GUESTS"' EXIT
sh "$here/guests/build.sh" "$BENCH_GUESTS" >/dev/null || exit 2
export KVM_GDBSTUB GUESTS BENCH_GUESTS
python3 "$here/smp_bench.py"
