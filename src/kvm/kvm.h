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

/* Create a VM with one vCPU over the caller's RAM (guest physical 0..size-1)
 * in the reset state of vcpu_state_reset().  ram and ram_size must be
 * page-aligned.  On failure returns NULL and writes a message that says
 * what is wrong and how to fix it into err. */
struct vcpu *kvm_vcpu_create(uint8_t *ram, uint64_t ram_size, char *err, size_t errlen);

/* Leave guest-physical [start, start + len) out of RAM, so that accesses
 * there exit as MMIO (a device's page).  0 or -errno. */
int kvm_map_hole(struct vcpu *vcpu, uint64_t start, uint64_t len);

/* The A20 gate, after kvm_map_hole(vcpu, hole_start, hole_len) with a hole
 * below 1 MiB: off, guest 1-2 MiB is an alias of 0-1 MiB (as a PC wraps
 * addresses), on, plain RAM again.  0 or -errno. */
int kvm_set_a20(struct vcpu *vcpu, bool on, uint64_t hole_start, uint64_t hole_len);

/* Can this process use KVM at all?  0, or -errno with a message in err. */
int kvm_available(char *err, size_t errlen);

/* Run the debug probe (a few ms, cached per process) and apply what it found
 * to vcpu->caps.  Returns the probe result. */
const struct kvm_debug_probe *kvm_probe_debug(struct vcpu *vcpu);

/* Queue guest `out`s to [port, port+len) in KVM's coalesced ring instead of
 * exiting for each (on), or stop doing so (off); queued writes come back as
 * IO exits, in order, before the next real exit.  0 or -errno (e.g. the
 * host lacks KVM_CAP_COALESCED_PIO). */
int kvm_coalesce_pio(struct vcpu *vcpu, uint16_t port, uint16_t len, bool on);

/* Have KVM copy the registers into the run area at every exit (on), so a
 * debugger reads them without ioctls; it costs every exit a little, so
 * only while a debugger is attached. */
void kvm_sync_regs(struct vcpu *vcpu, bool on);

/* True if vcpu is a KVM vCPU. */
bool vcpu_is_kvm(const struct vcpu *vcpu);

#endif
