/* Reverse execution on the built-in CPU: a recorded history of the run,
 * checkpoints in it, and replay to any instruction of it.
 *
 * Recording watches the host's calls into the vCPUs (vcpu_observer): every
 * run with the exit it returned and the instruction count it ended at, the
 * values the host answered input exits with, the interrupts it injected,
 * the states and guest RAM it wrote.  The built-in CPU is deterministic, so
 * those calls made again, from a checkpoint (RAM and every vCPU's whole
 * state), bring the vCPUs to the same state at the same instruction:
 * devices are not run again, so nothing is printed or read twice.
 *
 * A position is the number of log entries applied, plus the instructions
 * the vCPU of the next entry (a run) has executed of it.  The newest
 * position is the present; history_to_present() returns there before the
 * guest runs live again.  See doc/reverse.md.
 */
#ifndef KVM_GDBSTUB_HISTORY_H
#define KVM_GDBSTUB_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vcpu.h"

#define HISTORY_DEFAULT_BUDGET (256ull << 20) /* --history */

struct history;

struct history_pos {
	uint64_t entry; /* log entries applied (absolute index of the next) */
	uint64_t insns; /* instructions into entry `entry` (a run), 0 = none */
};

/* How a move through history ended. */
enum history_stop {
	HISTORY_DONE,        /* the step is done */
	HISTORY_BREAKPOINT,  /* a vCPU is at a breakpoint of the debug setup */
	HISTORY_WATCHPOINT,  /* a vCPU accessed watched data (see hit) */
	HISTORY_BEGIN,       /* the oldest position kept was reached */
	HISTORY_END,         /* the present was reached (the vCPUs are live again) */
	HISTORY_INTERRUPTED, /* history_interrupt() */
};

struct history_hit {
	enum history_stop stop;
	unsigned cpu;        /* the vCPU (index) it concerns */
	struct vcpu_exit exit; /* BREAKPOINT, WATCHPOINT: the debug exit */
};

struct history_stats {
	uint64_t instructions; /* executed by all vCPUs in the history kept */
	uint64_t entries;      /* log entries */
	uint64_t checkpoints;
	uint64_t bytes;        /* memory used */
	uint64_t budget;
	uint64_t dropped;      /* checkpoints dropped for the budget */
	uint64_t diverged;     /* replays that did not reproduce the record */
	bool in_past;
	bool lost;             /* out of memory: recording stopped, moves refused */
	uint64_t behind;       /* instructions between the position and the present */
};

/* Start recording the built-in vCPUs cpus[0..n) over guest RAM, from now
 * (the first checkpoint), keeping at most budget bytes (the oldest
 * checkpoints go first).  NULL on ENOMEM. */
struct history *history_create(uint8_t *ram, uint64_t ram_size, struct vcpu *const *cpus,
                               unsigned n, uint64_t budget);

/* Instructions between checkpoints from now on (the default grows with
 * RAM: about 1 % of the run goes to comparing RAM).  Tests use few. */
void history_set_interval(struct history *h, uint64_t insns);

/* Stop recording (the vCPUs must be at the present) and free it all. */
void history_destroy(struct history *h);

/* Is the position behind the present (the guest must not run live)? */
bool history_in_past(const struct history *h);

/* Back to the present, exactly as it was left.  0 or -errno. */
int history_to_present(struct history *h);

/* vCPU cpu one instruction back (an interrupt delivered before it goes
 * with it): DONE or BEGIN.  0 or -errno. */
int history_step_back(struct history *h, unsigned cpu, struct history_hit *hit);

/* Backward to the newest earlier position where a vCPU is at a breakpoint
 * of dbg, or before an instruction that accessed a watchpoint of dbg:
 * BREAKPOINT, WATCHPOINT, BEGIN or INTERRUPTED.  0 or -errno. */
int history_continue_back(struct history *h, const struct vcpu_debug *dbg,
                          struct history_hit *hit);

/* Inside history: vCPU cpu one instruction forward (DONE, or END if the
 * present came first), or all of them forward to the next breakpoint or
 * watchpoint of dbg (END at the present).  0 or -errno. */
int history_step_forward(struct history *h, unsigned cpu, struct history_hit *hit);
int history_continue_forward(struct history *h, const struct vcpu_debug *dbg,
                             struct history_hit *hit);

/* Moves return -ENOMEM once recording ran out of memory (the record has a
 * hole); `monitor record off` then on starts afresh. */

/* Make a move under way stop soon (INTERRUPTED).  Any thread. */
void history_interrupt(struct history *h);

void history_get_stats(const struct history *h, struct history_stats *st);

#endif
