/* The machine's one clock and its timers.
 *
 * Every device reads time from a struct vclock, never from the host:
 * vclock_now() is virtual nanoseconds since the machine started.  By
 * default it follows the host's monotonic clock; a backend that counts
 * instructions can drive it instead (vclock_set_source), so that a recorded
 * run sees the same times at the same instructions.
 *
 * Timers follow QEMU's model: a device arms a struct vtimer for an absolute
 * virtual time; the run loop asks for the earliest deadline, sleeps or runs
 * the guest until then, and calls vclock_run_timers(), which fires every
 * timer that is due.  A firing timer may re-arm itself.
 */
#ifndef KVM_GDBSTUB_HW_CLOCK_H
#define KVM_GDBSTUB_HW_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define VCLOCK_NEVER UINT64_MAX
#define NS_PER_SEC   1000000000ull

struct vtimer;
typedef void (*vtimer_fn)(void *opaque, uint64_t now);

struct vtimer {
	uint64_t deadline; /* virtual ns; VCLOCK_NEVER = not armed */
	vtimer_fn fire;
	void *opaque;
	int irq;             /* the IRQ line a firing may raise, -1 = none/unknown */
	struct vtimer *next; /* the clock's list of all timers */
};

/* Where virtual time comes from: the host (NULL) or a backend's counter. */
typedef uint64_t (*vclock_source_fn)(void *opaque);

struct vclock {
	vclock_source_fn source; /* NULL: host CLOCK_MONOTONIC since start */
	void *source_opaque;
	uint64_t host_start_ns; /* CLOCK_MONOTONIC at vclock_init */
	int64_t wall_epoch_ns;  /* Unix time in ns at virtual time 0 */
	int64_t source_offset;  /* added to the source's time (vclock_set_now) */
	struct vtimer *timers;
};

/* Start the clock at virtual 0.  wall_epoch_ns is the Unix time (ns) the
 * guest sees at that moment: the host's now, or a fixed --clock time. */
void vclock_init(struct vclock *clk, int64_t wall_epoch_ns);

/* Host CLOCK_REALTIME in ns, for vclock_init's default. */
int64_t vclock_host_wall_ns(void);

/* Drive virtual time from a counter (ns) instead of the host; NULL = host. */
void vclock_set_source(struct vclock *clk, vclock_source_fn fn, void *opaque);

uint64_t vclock_now(const struct vclock *clk);

/* Make virtual time read `now` from this moment on and go on from there
 * (a restored snapshot's devices see their time continue): the host
 * source's start moves, a counter source gets an offset. */
void vclock_set_now(struct vclock *clk, uint64_t now);

/* The source's own reading at which virtual time reaches t (0 if that
 * lies before the source's start): for a counter source that stops the
 * CPU at a deadline. */
static inline uint64_t vclock_source_time(const struct vclock *clk, uint64_t t)
{
	int64_t src = (int64_t)t - clk->source_offset;
	return src > 0 ? (uint64_t)src : 0;
}

/* Unix time in ns as the guest sees it now. */
static inline int64_t vclock_wall_ns(const struct vclock *clk)
{
	return clk->wall_epoch_ns + (int64_t)vclock_now(clk);
}

/* Register a timer with the clock (unarmed).  A timer stays registered for
 * the clock's lifetime; devices live as long as their machine. */
void vtimer_init(struct vtimer *t, struct vclock *clk, vtimer_fn fire, void *opaque);
static inline void vtimer_arm(struct vtimer *t, uint64_t deadline)
{
	t->deadline = deadline;
}
static inline void vtimer_disarm(struct vtimer *t)
{
	t->deadline = VCLOCK_NEVER;
}
static inline bool vtimer_armed(const struct vtimer *t)
{
	return t->deadline != VCLOCK_NEVER;
}

/* The earliest armed deadline, or VCLOCK_NEVER. */
uint64_t vclock_next_deadline(const struct vclock *clk);

/* Fire every timer whose deadline is <= now (disarming it first, so that
 * its callback may re-arm it).  Returns how many fired. */
unsigned vclock_run_timers(struct vclock *clk);

#endif
