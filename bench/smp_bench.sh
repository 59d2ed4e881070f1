#!/bin/sh
# Several vCPUs: Ctrl-C to the stop reply with 1, 2, 4 and 8 vCPUs busy
# (bench/smp_bench.py; raw RSP, no GDB in the loop).
here=$(cd "$(dirname "$0")" && pwd)
: "${KVM_GDBSTUB:=./kvm-gdbstub}"
: "${GUESTS:=$(dirname "$KVM_GDBSTUB")/guest}"
export KVM_GDBSTUB GUESTS
exec python3 "$here/smp_bench.py"
