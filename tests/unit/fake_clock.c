/* The device tests' hand-driven clock and IRQ probe. */
#include "tests/unit/fake_clock.h"

uint64_t fake_ns;

static uint64_t fake_source(void *opaque)
{
	return *(uint64_t *)opaque;
}

void fake_clock_init(struct vclock *clk, int64_t wall_epoch_ns)
{
	fake_ns = 0;
	vclock_init(clk, wall_epoch_ns);
	vclock_set_source(clk, fake_source, &fake_ns);
}

void fake_clock_advance(struct vclock *clk, uint64_t t)
{
	for (uint64_t d; (d = vclock_next_deadline(clk)) <= t;) {
		fake_ns = d;
		vclock_run_timers(clk);
	}
	fake_ns = t;
}

static void probe_set(void *opaque, unsigned irq, bool level)
{
	struct irq_probe *p = opaque;
	if (irq != p->irq)
		p->wrong++;
	if (level && !p->level)
		p->rises++;
	p->level = level;
}

struct irq_line irq_probe_line(struct irq_probe *probe, unsigned irq)
{
	*probe = (struct irq_probe){.irq = irq};
	return (struct irq_line){probe_set, probe, irq};
}
