#!/bin/sh
# guest/paging.bin: protected mode with paging, a TSS, a ring-3 task making
# system calls through a DPL 3 gate, and page faults the kernel recovers
# from.  Exact output on every backend (on a KVM that cannot run some of it,
# the built-in CPU stands in for those instructions).
. "$srcdir/tests/lib.sh"
cat > want <<'OUT'
paging: real mode
paging: paging on
paging: page fault at 0x00400000 err 0x00000002
paging: stored through the new mapping 0x00001234
paging: hello from ring 3
paging: page fault at 0x00031000 err 0x00000005
paging: ring 3 read 0x00005678
paging: ok
OUT
vmm "$GUESTS/paging.bin" > out 2> err
status=$?
# KVM on this project's machines (no VT-x/AMD-V) refuses CR0.PG: the guest
# takes #GP at its mov to CR0 (doc/cpu.md).  Nothing can hand that to the
# built-in CPU (no exit reaches user space), so skip, saying so.
if [ "$KVM_GDBSTUB_ACCEL" = kvm ] && [ "$(sed -n 2p out)" = "paging: unexpected exception" ]; then
	echo "SKIP: this host's KVM cannot enable paging (a mov to CR0 with PG raises #GP)"
	exit 77
fi
expect_status 0 $status "paging.bin"
expect_same want out "paging.bin output"
finish
