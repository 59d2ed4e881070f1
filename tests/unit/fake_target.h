/* A target_ops in memory for the GDB stub's tests: 1 MiB of RAM, up to
 * FAKE_MAX_CPUS CPUs (threads 1..ncpus, one vcpu_state each), a list of
 * points.  Its "CPUs" execute one byte per instruction: a step advances EIP
 * by one; a continue advances every running CPU by one per round until a
 * linear pc reaches a breakpoint, runs into a 0xf4 byte (hlt: a HALTED
 * stop), or leaves RAM, and otherwise blocks until interrupt() is called.
 * CPUs that stop in the same round are reported together (resume() returns
 * several stops); a stepping CPU stops the round it steps in. */
#ifndef KVM_GDBSTUB_FAKE_TARGET_H
#define KVM_GDBSTUB_FAKE_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "protocol/gdbstub.h"
#include "protocol/target.h"

#define FAKE_RAM_SIZE   (1u << 20)
#define FAKE_MAX_POINTS 16
#define FAKE_MAX_HW     4 /* Z1..Z4 together, like DR0..DR3 */

struct fake_point {
	enum target_point type;
	uint32_t addr;
	unsigned kind;
};

#define FAKE_MAX_CPUS 8

struct fake_target {
	uint8_t *ram;
	struct vcpu_state st[FAKE_MAX_CPUS]; /* thread tid: st[tid - 1] */
	unsigned ncpus;                      /* threads listed: 1..ncpus */
	bool waiting[FAKE_MAX_CPUS];         /* waiting for SIPI: listed, never runs */
	bool halted[FAKE_MAX_CPUS];          /* its last stop was a hlt */
	struct fake_point points[FAKE_MAX_POINTS];
	int npoints;
	int interrupted; /* interrupt() was called: atomic accesses only */
	struct target_stop last;
	struct target_resume_req last_req; /* what the last resume asked */
	unsigned mem_tid;                  /* the thread of the last memory access */

	/* Test knobs. */
	unsigned start_cpus; /* the next run starts CPUs up to this many (ncpus grows) */
	bool have_next_stop; /* the next resume returns next_stop at once */
	struct target_stop next_stop;
	/* The next resume waits for interrupt(), then returns next_stop (or
	 * race_rc if negative) as a guest that stopped for another reason just
	 * as the request came: the request stays pending. */
	bool race;
	int race_rc;
	bool no_read_watch;      /* Z3 gives -ENOTSUP */
	struct gdbstub *stub;    /* where console output goes */
	const char *console;     /* sent at every continue, before running */
	unsigned console_repeat; /* ... this many times (0 = once) */
	int console_done;        /* set (atomically) when a run has sent it all */
	/* Reverse execution: each CPU's history begins at eip 0 (or 1 MiB
	 * back); bs moves eip back by one, bc back to a breakpoint or to the
	 * beginning (then history BEGIN), sending console like a continue.
	 * Knobs for the next call: */
	bool have_rev_stop; /* return rev_stop at once */
	struct target_stop rev_stop;
	int rev_rc; /* < 0: fail with it, rev_why as the reason */
	const char *rev_why;
	bool rev_block;   /* bc waits for interrupt() (an INTERRUPT stop) */
	bool rev_race;    /* wait for interrupt(), return rev_stop: the request stays */
	unsigned rev_tid; /* what the last reverse() was given */
	enum target_resume rev_how;

	/* Counters. */
	unsigned long steps, resumes, restarts, kills, detaches, interrupts, reverses;
};

/* With the thread ops and reverse execution. */
extern const struct target_ops fake_target_ops;
/* The same without them: a single-CPU target without reverse execution. */
extern const struct target_ops fake_target_ops_1;

/* One CPU at power-on state, zeroed RAM, no points.  0 or -ENOMEM. */
int fake_target_init(struct fake_target *f);
void fake_target_free(struct fake_target *f);
/* CPUs 1..n (n <= FAKE_MAX_CPUS) listed, those not yet listed at power-on. */
void fake_target_set_cpus(struct fake_target *f, unsigned n);

#endif
