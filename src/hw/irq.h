/* Interrupt request lines: a device drives a line, an interrupt controller
 * (the 8259 pair) listens.  Devices know nothing of the CPU or the backend. */
#ifndef KVM_GDBSTUB_HW_IRQ_H
#define KVM_GDBSTUB_HW_IRQ_H

#include <stdbool.h>

/* The controller's input: set(opaque, irq, level) with level true = high. */
typedef void (*irq_set_fn)(void *opaque, unsigned irq, bool level);

struct irq_line {
	irq_set_fn set; /* NULL: the line goes nowhere */
	void *opaque;
	unsigned irq;
};

static inline void irq_set_level(const struct irq_line *line, bool level)
{
	if (line->set)
		line->set(line->opaque, line->irq, level);
}

static inline void irq_raise(const struct irq_line *line)
{
	irq_set_level(line, true);
}

static inline void irq_lower(const struct irq_line *line)
{
	irq_set_level(line, false);
}

/* One edge for an edge-triggered input: high, then low again. */
static inline void irq_pulse(const struct irq_line *line)
{
	irq_set_level(line, true);
	irq_set_level(line, false);
}

#endif
