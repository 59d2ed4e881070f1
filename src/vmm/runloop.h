/* The exit loop: run the vCPU, serve port I/O and MMIO from the device
 * table, and return to the caller at every exit it must decide on. */
#ifndef KVM_GDBSTUB_RUNLOOP_H
#define KVM_GDBSTUB_RUNLOOP_H

#include <stddef.h>

#include "vmm/vm.h"

enum run_outcome {
	RUN_HALTED,       /* the guest executed hlt */
	RUN_DEBUG,        /* single-step, breakpoint or watchpoint: see exit.debug */
	RUN_INTERRUPTED,  /* vcpu_kick(): a debugger, a timer or a signal */
	RUN_STOP_REQUEST, /* a device asked for the debugger: vm->stop_request */
	RUN_FAULT,        /* shutdown, entry failure, emulation failure, unknown */
	RUN_ERROR,        /* the backend failed: see error */
	RUN_EXITED,       /* the guest asked to end (hypercall): vm->exit_status */
};

/* Not an outcome: what the run loop's exit handlers (and interrupts.c)
 * return to let the guest go on. */
#define RUN_CONTINUE (-1)

struct run_result {
	enum run_outcome outcome;
	struct vcpu_exit exit; /* the exit that ended the run */
	int error;             /* RUN_ERROR: -errno */
};

/* Run until an exit the caller must see.  Port I/O and MMIO never return. */
void runloop_run(struct vm *vm, struct run_result *res);

/* One line describing an exit, e.g. "IO out port 0x3f8 size 1 data 0x48". */
void runloop_describe_exit(const struct vcpu_exit *e, char *buf, size_t len);

#endif
