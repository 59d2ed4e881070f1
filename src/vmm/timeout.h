/* --timeout: one wall-clock limit on the whole run, counted from its start,
 * the same in a plain run (main.c) and in GDB mode (debugger.c). */
#ifndef KVM_GDBSTUB_TIMEOUT_H
#define KVM_GDBSTUB_TIMEOUT_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "vmm/vm.h"

struct run_timeout {
	struct vm *vm;
	double seconds;
	void (*on_expire)(void *ctx); /* async-signal-safe, or NULL */
	void *ctx;
	volatile sig_atomic_t expired;
	int fd; /* eventfd, readable once expired: for waits outside the vCPU */
	timer_t timer;
	bool started; /* fd and timer exist */
};

/* Start the clock.  After `seconds` of wall time a SIGALRM on the calling
 * thread sets t->expired, makes fd readable, kicks the VM (vm_kick) and
 * calls on_expire(ctx) (in the signal handler: it must be async-signal-safe).
 * t must stay where it is until run_timeout_stop().  0, or -errno after a
 * message on stderr. */
int run_timeout_start(struct run_timeout *t, struct vm *vm, double seconds,
                      void (*on_expire)(void *ctx), void *ctx);

/* Whether the limit has passed.  False for a timeout never started. */
bool run_timeout_expired(const struct run_timeout *t);

/* On stderr: "guest did not halt within N s (--timeout) at CS:IP", the
 * registers of the VM's vCPU, and the cause if a hypercall instruction the
 * host does not deliver is why (report_stuck_hypercall). */
void run_timeout_report(const struct run_timeout *t);

/* Delete the timer and the fd.  Harmless on a timeout never started (or
 * zero-initialized). */
void run_timeout_stop(struct run_timeout *t);

#endif
