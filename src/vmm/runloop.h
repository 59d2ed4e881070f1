/* The exit loop: run the vCPU, serve port I/O and MMIO from the device
 * table, and return to the caller at every exit it must decide on. */
#ifndef KVM_GDBSTUB_RUNLOOP_H
#define KVM_GDBSTUB_RUNLOOP_H

#include <stddef.h>

#include "vmm/vm.h"

/* What a debugger asks the run loop to watch for.  The target layer owns
 * it and hangs it on vm->watch while a debugger is attached (NULL: none). */
struct run_watch {
	uint8_t *port_catch;      /* per port: bit 0 stop on reads, bit 1 on writes */
	uint32_t hypercall_catch; /* stop after hypercall nr + 1, ~0 = any, 0 = none */
	bool magic_break;         /* the guest's magic-breakpoint port stops */
	bool stepping;            /* a single-step: no interrupts taken, no flush timer */
	/* Optional: is the hlt the vCPU just ran a debugger's breakpoint patch?
	 * Then the run stops (RUN_HALTED) even if an interrupt could wake it. */
	bool (*hlt_is_breakpoint)(void *ctx, struct vcpu *vcpu);
	void *ctx;
};

#define RUN_CATCH_READ  1
#define RUN_CATCH_WRITE 2

/* Why a run ended with RUN_STOP_REQUEST. */
enum run_stop_kind { RUN_STOP_MAGIC, RUN_STOP_PORT, RUN_STOP_HYPERCALL };

enum run_outcome {
	RUN_HALTED,       /* the guest executed hlt */
	RUN_DEBUG,        /* single-step, breakpoint or watchpoint: see exit.debug */
	RUN_INTERRUPTED,  /* vcpu_kick(): a debugger, a timer or a signal */
	RUN_STOP_REQUEST, /* the guest did what vm->watch asked to stop on: see stop */
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
	struct {
		bool requested;
		enum run_stop_kind kind;
		uint16_t port;      /* RUN_STOP_PORT */
		uint32_t hypercall; /* RUN_STOP_HYPERCALL: the function */
	} stop;                 /* RUN_STOP_REQUEST */
};

/* Run until an exit the caller must see.  Port I/O and MMIO never return. */
void runloop_run(struct vm *vm, struct run_result *res);

/* Serve the exit in res->exit of vm->cpu's vcpu_run() (which returned
 * run_error): trace, count, its handler.  RUN_CONTINUE or an outcome. */
int runloop_serve_exit(struct vm *vm, struct run_result *res, int run_error);

/* One line describing an exit, e.g. "IO out port 0x3f8 size 1 data 0x48". */
void runloop_describe_exit(const struct vcpu_exit *e, char *buf, size_t len);

#endif
