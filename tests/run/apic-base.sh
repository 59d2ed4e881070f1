#!/bin/sh
# guest/apic-base.bin: IA32_APIC_BASE (MSR 0x1B) moves, disables and
# restores the local APIC's page; unknown MSRs and the x2APIC bit raise #GP;
# an INIT to the bootstrap processor resets the machine (the run ends).
# Exact output on every backend.  A KVM without KVM_CAP_X86_USER_SPACE_MSR
# keeps the MSR itself (the VMM says so with -v): that host skips.
. "$srcdir/tests/lib.sh"
cat > want <<'OUT'
apic-base: real-mode rdmsr 0x1b ok
apic-base: unknown MSR read: #GP
apic-base: unknown MSR write: #GP
apic-base: x2APIC enable bit: #GP, MSR unchanged
apic-base: msr 0xfee00900 version 0x00050014 id 0x00000000
apic-base: moved: msr 0xfed00900 new 0x00050014 old 0xffffffff
apic-base: disabled: msr 0xfed00100 new 0xffffffff old 0xffffffff
apic-base: restored: msr 0xfee00900 version 0x00050014
apic-base: ok
OUT
if [ "$KVM_GDBSTUB_ACCEL" = kvm ] &&
	vmm -v "$GUESTS/minimal.bin" 2>&1 | grep -q 'lacks KVM_CAP_X86_USER_SPACE_MSR'; then
	echo "SKIP: this KVM cannot hand IA32_APIC_BASE to user space"
	exit 77
fi
vmm "$GUESTS/apic-base.bin" > out 2> err
expect_status 0 $? "apic-base.bin"
expect_same want out "apic-base.bin output"
grep -qx 'kvm-gdbstub: the guest reset the machine: the run ends' err ||
	fail "an INIT to the BSP did not reset the machine: $(cat err)"
finish
