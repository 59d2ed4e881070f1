/* The GDB target over a VM: target_ops (target.h) implemented with the run
 * loop, the vCPU and the debug-mechanism layer. */
#ifndef KVM_GDBSTUB_GDB_TARGET_H
#define KVM_GDBSTUB_GDB_TARGET_H

#include <signal.h>
#include <stdbool.h>

#include "target/debug.h"
#include "vmm/options.h"
#include "protocol/target.h"
#include "vmm/runloop.h"
#include "vmm/vm.h"

struct gdb_target {
	struct vm *vm;
	struct debug dbg;
	struct run_watch watch; /* catchpoints, stepping: on vm->watch while attached */
	struct vcpu *emus[VM_MAX_CPUS]; /* built-in CPUs standing in for KVM's, made on demand */
	unsigned n_emus;
	struct vcpu_vm *emu_vm; /* their VM (one code map: cross-modifying code) */
	struct vcpu_state cache;
	bool cache_valid;
	int interrupt_requested; /* set by the watcher thread: __atomic only */
	enum halt_policy halt;
	bool exited; /* the guest halted and GDB was told so */
	struct target_stop last;
	char why[160];             /* text behind last.why */
	const char *probe_summary; /* KVM's debug probe, or NULL */
	/* Called before a stop is reported: console output the guest produced
	 * must reach GDB before the stop reply. */
	void (*before_stop)(void *ctx);
	void *before_stop_ctx;

	/* Reverse execution (reverse.c). */
	struct history *history; /* the record, or NULL (__atomic: interrupt reads it) */
	bool emu_model;          /* the guest runs on the built-in CPU by itself */
	bool record_on;          /* record while a debugger is attached */
	bool record_handover;    /* recording on the stand-in built-in CPU (KVM) */
	uint64_t history_budget;
	struct vcpu_caps model_caps; /* the debug model to go back to after it */
};

struct history;

extern const struct target_ops gdb_target_ops;

/* Set up the target over vm (which has been reset).  0 or -errno. */
int gdb_target_init(struct gdb_target *t, struct vm *vm, enum halt_policy halt);
void gdb_target_free(struct gdb_target *t);

/* Make the VM's own backend hold the state again (before running the guest
 * without a debugger). */
int gdb_target_settle(struct gdb_target *t);

/* A debugger connected: what starts with one (recording).  0 or -errno. */
int gdb_target_attach(struct gdb_target *t);

/* Every vCPU on a built-in CPU standing in for it, from now on (until the
 * next run chooses again): 0 or -errno.  Then vCPU cpu's stand-in. */
int gdb_target_hand_over(struct gdb_target *t);
struct vcpu *gdb_target_stand_in(struct gdb_target *t, unsigned cpu);

/* The stop GDB is told for a debug exit e at one of the debug layer's
 * breakpoints or watchpoints (or an int3 nobody set: a breakpoint). */
void gdb_target_point_stop(struct gdb_target *t, const struct vcpu_exit *e,
                           struct target_stop *stop);

/* Consume a pending Ctrl-C: true if there was one. */
bool gdb_target_take_interrupt(struct gdb_target *t);

#endif
