/* A target_ops in memory for the GDB stub's tests: 1 MiB of RAM, one
 * vcpu_state, a list of points.  Its "CPU" executes one byte per
 * instruction: a step advances EIP by one; a continue advances until the
 * linear pc reaches a breakpoint, runs into a 0xf4 byte (hlt: a HALTED stop),
 * or leaves RAM, and otherwise blocks until interrupt() is called. */
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

struct fake_target {
	uint8_t *ram;
	struct vcpu_state st;
	struct fake_point points[FAKE_MAX_POINTS];
	int npoints;
	int interrupted; /* interrupt() was called: atomic accesses only */
	struct target_stop last;

	/* Test knobs. */
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

	/* Counters. */
	unsigned long steps, resumes, restarts, kills, detaches, interrupts;
};

extern const struct target_ops fake_target_ops;

/* Power-on state, zeroed RAM, no points.  0 or -ENOMEM. */
int fake_target_init(struct fake_target *f);
void fake_target_free(struct fake_target *f);

#endif
