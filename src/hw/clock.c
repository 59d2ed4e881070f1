/* The machine's virtual clock and its timer list. */
#include "hw/clock.h"
#include "hw/host.h"

int64_t vclock_host_wall_ns(void)
{
	return host_wall_ns();
}

void vclock_init(struct vclock *clk, int64_t wall_epoch_ns)
{
	clk->source = NULL;
	clk->source_opaque = NULL;
	clk->host_start_ns = host_monotonic_ns();
	clk->wall_epoch_ns = wall_epoch_ns;
	clk->source_offset = 0;
	clk->timers = NULL;
}

void vclock_set_source(struct vclock *clk, vclock_source_fn fn, void *opaque)
{
	clk->source = fn;
	clk->source_opaque = opaque;
}

uint64_t vclock_now(const struct vclock *clk)
{
	if (clk->source)
		return clk->source(clk->source_opaque) + (uint64_t)clk->source_offset;
	return host_monotonic_ns() - clk->host_start_ns;
}

void vclock_set_now(struct vclock *clk, uint64_t now)
{
	if (clk->source)
		clk->source_offset = (int64_t)(now - clk->source(clk->source_opaque));
	else /* modulo 2^64: a time past the host's uptime wraps back in vclock_now */
		clk->host_start_ns = host_monotonic_ns() - now;
}

void vtimer_init(struct vtimer *t, struct vclock *clk, vtimer_fn fire, void *opaque)
{
	t->deadline = VCLOCK_NEVER;
	t->irq = -1;
	t->fire = fire;
	t->opaque = opaque;
	t->next = clk->timers;
	clk->timers = t;
}

uint64_t vclock_next_deadline(const struct vclock *clk)
{
	uint64_t first = VCLOCK_NEVER;
	for (const struct vtimer *t = clk->timers; t; t = t->next)
		if (t->deadline < first)
			first = t->deadline;
	return first;
}

unsigned vclock_run_timers(struct vclock *clk)
{
	uint64_t now = vclock_now(clk);
	unsigned fired = 0;
	for (struct vtimer *t = clk->timers; t; t = t->next) {
		if (t->deadline > now)
			continue;
		t->deadline = VCLOCK_NEVER;
		t->fire(t->opaque, now);
		fired++;
	}
	return fired;
}
