/* The GDB stub's threads: which exist, and the stops kept for later.
 *
 * All-stop with several vCPUs: when two of them stop in the same instant
 * (both at breakpoints, say), resume() returns both stops; GDB is told about
 * one, and the other is kept here, per thread, as gdbserver keeps a "pending
 * status".  The next resume that would run that thread reports it instead of
 * running anything.  A pending breakpoint stop is dropped if GDB moved the
 * thread's pc or removed the breakpoint meanwhile (GDB would take it for a
 * random SIGTRAP); for that the stub notes which breakpoints are inserted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/gdbstub_internal.h"

unsigned stub_nthreads(struct gdbstub *s)
{
	unsigned n = s->ops->thread_count ? s->ops->thread_count(s->ctx) : 1;

	return n < 1 ? 1 : n > TARGET_MAX_THREADS ? TARGET_MAX_THREADS : n;
}

bool stub_thread_exists(struct gdbstub *s, unsigned tid)
{
	return tid >= 1 && tid <= stub_nthreads(s);
}

void stub_pending_clear(struct gdbstub *s)
{
	for (unsigned i = 0; i < TARGET_MAX_THREADS; i++)
		s->pending[i].valid = false;
}

void stub_threads_reset(struct gdbstub *s)
{
	s->g_tid = 1;
	s->c_tid = 0;
	stub_pending_clear(s);
	s->nbps = 0;
}

/* ---- breakpoints GDB inserted ---- */

static struct stub_point *find_point(struct gdbstub *s, enum target_point type, uint32_t addr)
{
	for (size_t i = 0; i < s->nbps; i++)
		if (s->bps[i].type == type && s->bps[i].addr == addr)
			return &s->bps[i];
	return NULL;
}

static bool breakpoint_at(struct gdbstub *s, uint32_t addr)
{
	return find_point(s, TARGET_BP_SW, addr) || find_point(s, TARGET_BP_HW, addr);
}

int stub_note_point(struct gdbstub *s, enum target_point type, uint32_t addr, bool insert)
{
	struct stub_point *p = find_point(s, type, addr);

	if (type != TARGET_BP_SW && type != TARGET_BP_HW)
		return 0;
	if (!insert) {
		if (p)
			*p = s->bps[--s->nbps];
		return 0;
	}
	if (p)
		return 0;
	if (s->nbps == s->bps_cap) {
		size_t cap = s->bps_cap ? 2 * s->bps_cap : 16;
		struct stub_point *n = realloc(s->bps, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->bps = n;
		s->bps_cap = cap;
	}
	s->bps[s->nbps++] = (struct stub_point){type, addr};
	return 0;
}

/* ---- pending stops ---- */

static int thread_pc(struct gdbstub *s, unsigned tid, uint32_t *pc)
{
	struct vcpu_state st;
	int rc = s->ops->get_state(s->ctx, tid, &st);

	if (rc == 0)
		*pc = vcpu_state_pc(&st);
	return rc;
}

static bool is_breakpoint(const struct target_stop *stop)
{
	return stop->kind == TARGET_STOP_SWBREAK || stop->kind == TARGET_STOP_HWBREAK;
}

/* gdbserver's test: a breakpoint stop still stands if the thread is where it
 * stopped and the breakpoint is still there.  Other stops always stand. */
static bool still_valid(struct gdbstub *s, unsigned tid, const struct pending_stop *ps)
{
	uint32_t pc;

	if (!is_breakpoint(&ps->stop))
		return true;
	return thread_pc(s, tid, &pc) == 0 && pc == ps->pc && breakpoint_at(s, pc);
}

bool stub_take_pending(struct gdbstub *s, const struct resume_plan *p, struct target_stop *stop)
{
	unsigned n = p->req.nthreads;

	for (unsigned tid = 1; tid <= n; tid++) {
		struct pending_stop *ps = &s->pending[tid - 1];

		if (!ps->valid || p->req.how[tid - 1] == TARGET_HOLD)
			continue;
		ps->valid = false;
		if (!still_valid(s, tid, ps))
			continue;
		*stop = ps->stop;
		return true;
	}
	return false;
}

static void keep_pending(struct gdbstub *s, const struct target_stop *stop)
{
	struct pending_stop *ps = &s->pending[stop->tid - 1];

	if (ps->valid)
		return; /* a target that broke the contract: the older one stands */
	ps->valid = true;
	ps->stop = *stop;
	ps->pc = 0;
	thread_pc(s, stop->tid, &ps->pc);
	snprintf(ps->why, sizeof(ps->why), "%s", stop->why ? stop->why : "");
	ps->stop.why = stop->why ? ps->why : NULL;
}

static bool ends_process(const struct target_stop *stop)
{
	return stop->kind == TARGET_STOP_EXITED || stop->kind == TARGET_STOP_TERMINATED;
}

/* A range-stepping thread's step that stayed inside its range. */
static bool step_in_range(struct gdbstub *s, const struct resume_plan *p,
                          const struct target_stop *stop)
{
	const struct range *r;
	uint32_t pc;

	if (stop->kind != TARGET_STOP_STEP || stop->tid > p->req.nthreads)
		return false;
	r = &p->range[stop->tid - 1];
	return r->start != r->end && thread_pc(s, stop->tid, &pc) == 0 && pc >= r->start &&
	       pc < r->end;
}

unsigned stub_sift_stops(struct gdbstub *s, const struct resume_plan *p, unsigned n)
{
	unsigned keep = 0;

	for (unsigned i = 0; i < n; i++) {
		struct target_stop *stop = &s->stops[i];

		/* Threads started during the run may stop too: the current count. */
		if (!stub_thread_exists(s, stop->tid))
			stop->tid = p->focus;
		if (!step_in_range(s, p, stop))
			s->stops[keep++] = *stop;
	}
	return keep;
}

/* Which stop GDB hears first: the end of the guest, then what happened to a
 * thread GDB stepped (as gdbserver prefers), then the target's order; an
 * interrupt only if nothing else happened. */
static int rank(const struct resume_plan *p, const struct target_stop *stop)
{
	if (ends_process(stop))
		return 3;
	if (stop->kind == TARGET_STOP_INTERRUPT)
		return 0;
	if (stop->tid <= p->req.nthreads && p->req.how[stop->tid - 1] == TARGET_STEP)
		return 2;
	return 1;
}

static unsigned choose(const struct resume_plan *p, const struct target_stop *stops, unsigned n)
{
	unsigned best = 0;

	for (unsigned i = 1; i < n; i++)
		if (rank(p, &stops[i]) > rank(p, &stops[best]))
			best = i;
	return best;
}

void stub_settle_stops(struct gdbstub *s, const struct resume_plan *p, unsigned n,
                       struct target_stop *report)
{
	unsigned pick = choose(p, s->stops, n);

	*report = s->stops[pick];
	if (report->why) {
		snprintf(s->mon, MON_CAP, "%s", report->why);
		report->why = s->mon;
	}
	if (ends_process(report)) {
		stub_pending_clear(s);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		if (i != pick && s->stops[i].kind != TARGET_STOP_INTERRUPT &&
		    !ends_process(&s->stops[i]))
			keep_pending(s, &s->stops[i]);
}
