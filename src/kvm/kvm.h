/* The KVM backend of the vCPU interface. */
#ifndef KVM_GDBSTUB_KVM_H
#define KVM_GDBSTUB_KVM_H

#include <stddef.h>
#include <stdint.h>

#include "vcpu.h"

/* Which debug mechanisms this host's KVM really delivers, found by running
 * a throw-away VM (see kvm_probe_debug()). */
struct kvm_debug_probe {
	bool done;
	bool sw_breakpoints_trap;     /* int3 + KVM_GUESTDBG_USE_SW_BP exits */
	bool hw_watchpoints_fire;     /* DR7 data breakpoints exit */
	bool hlt_exits_when_stepping; /* single-step onto hlt gives KVM_EXIT_HLT */
	bool rep_steps_per_iteration; /* single-step stops after each REP iteration */
	char summary[160];            /* one line for monitor/--stats */
};

/* A KVM VM over the caller's RAM (guest physical 0..size-1, page-aligned):
 * its vCPUs come from vcpu_vm_create_vcpu().  On failure returns NULL and
 * writes a message that says what is wrong and how to fix it into err. */
struct vcpu_vm *kvm_vm_create(uint8_t *ram, uint64_t ram_size, char *err, size_t errlen);

/* One vCPU on a VM of its own (destroyed with the vCPU), in the reset
 * state of vcpu_state_reset(): for probes and tests. */
struct vcpu *kvm_vcpu_create(uint8_t *ram, uint64_t ram_size, char *err, size_t errlen);

/* The A20 gate of a KVM VM (kvm_vm_create's) whose MMIO hole
 * (vcpu_vm_map_hole) is [hole_start, hole_start + hole_len) below 1 MiB:
 * off, guest 1-2 MiB is an alias of 0-1 MiB (as a PC wraps addresses), on,
 * plain RAM again.  0 or -errno. */
int kvm_vm_set_a20(struct vcpu_vm *vm, bool on, uint64_t hole_start, uint64_t hole_len);

/* Can this process use KVM at all?  0, or -errno with a message in err. */
int kvm_available(char *err, size_t errlen);

/* Run the debug probe (a few ms, cached per process) and apply what it found
 * to vcpu->caps.  Returns the probe result. */
const struct kvm_debug_probe *kvm_probe_debug(struct vcpu *vcpu);


/* True if vcpu is a KVM vCPU. */
bool vcpu_is_kvm(const struct vcpu *vcpu);

#endif
