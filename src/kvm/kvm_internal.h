/* State of the KVM backend, shared by kvm.c and kvm_probe.c only. */
#ifndef KVM_GDBSTUB_KVM_INTERNAL_H
#define KVM_GDBSTUB_KVM_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "vcpu.h"

#define KICK_SIGNAL SIGUSR1

/* A KVM VM: /dev/kvm, the VM fd, its memory slots and what it can do. */
struct kvm_vm {
	struct vcpu_vm base; /* first: a struct vcpu_vm * is a struct kvm_vm * */
	int kvm_fd, vm_fd;
	uint8_t *ram;
	uint64_t ram_size;
	bool has_immediate_exit, has_guest_debug, has_coalesced_pio;
	bool has_sync_regs; /* KVM can copy regs and sregs into the run area */
	bool has_xen_hcall; /* hypercalls exit as KVM_EXIT_XEN (intercept on) */
	bool has_msr_exits; /* IA32_APIC_BASE accesses exit (MSR filter on) */
	bool is_probe;      /* a throw-away probe VM: no probing from it */
	int coalesced_page; /* the ring's page in each vCPU's run area, or 0 */
};

struct vcpu_kvm {
	struct vcpu vcpu; /* first: a struct vcpu * is a struct vcpu_kvm * */
	struct kvm_vm *vm;
	bool owns_vm; /* made by kvm_vcpu_create(): destroyed with the vCPU */
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread; /* the thread that last entered KVM_RUN (__atomic) */
	int kick_pending; /* kvm_kick() since the last INTR exit (__atomic) */

	bool sync_fresh;    /* KVM_CAP_SYNC_REGS filled the run area at the last exit */
	struct kvm_coalesced_mmio_ring *ring;
	uint32_t ring_max;
	uint8_t coalesced_data[8];
	struct vcpu_exit deferred; /* the real exit, held while the ring drains */
	bool deferred_valid;

	bool singlestep;      /* KVM_GUESTDBG_SINGLESTEP is on */
	bool step_after_io;   /* the step's instruction exited for IO/MMIO */
	uint32_t dr_is_watch; /* bit i: debug register i is a watchpoint */
	struct vcpu_watchpoint dr_watch[VCPU_DEBUG_REGS];
};

struct vcpu_kvm *to_kvm(struct vcpu *v);

/* kvm_vcpu_create() without applying probe results to caps: what the
 * probes themselves run on (probe = true: a throw-away VM). */
struct vcpu *kvm_vcpu_new(uint8_t *ram, uint64_t ram_size, bool probe, char *err, size_t errlen);

struct kvm_vm *to_kvm_vm(struct vcpu_vm *vm);

/* What a guest's hypercall instruction does under this host's KVM. */
enum kvm_hcall_outcome {
	KVM_HCALL_UNTESTED,
	KVM_HCALL_EXITS,       /* it exits to user space (VCPU_EXIT_HYPERCALL) */
	KVM_HCALL_WEDGES,      /* KVM_RUN never returns until a signal */
	KVM_HCALL_GUEST_FAULT, /* KVM raises an exception (#UD) in the guest */
	KVM_HCALL_IN_KERNEL,   /* KVM completes it itself, no exit */
	KVM_HCALL_OTHER,
};

struct kvm_hcall_probe {
	bool done;
	enum kvm_hcall_outcome vmcall, vmmcall; /* in real mode */
	double ms;                              /* what probing cost */
};

/* Run a real-mode vmcall and a vmmcall guest, each guarded by a watchdog
 * that kicks it after 50 ms, once per process (kvm_probe.c). */
const struct kvm_hcall_probe *kvm_probe_hypercall(void);

#endif
