/* For device unit tests: a virtual clock the test moves by hand, and a
 * probe that records what a device drives onto its IRQ line. */
#ifndef KVM_GDBSTUB_TEST_FAKE_CLOCK_H
#define KVM_GDBSTUB_TEST_FAKE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/clock.h"
#include "hw/irq.h"

/* Virtual time in ns as the fake clock reports it; tests may set it. */
extern uint64_t fake_ns;

/* vclock_init at virtual 0 with Unix time wall_epoch_ns, driven by fake_ns. */
void fake_clock_init(struct vclock *clk, int64_t wall_epoch_ns);

/* Move virtual time to t, firing every timer due on the way at its own
 * deadline, as the run loop would. */
void fake_clock_advance(struct vclock *clk, uint64_t t);

struct irq_probe {
	unsigned irq;   /* the line number the device must use */
	bool level;     /* the line now */
	unsigned rises; /* low-to-high edges: what an 8259 would count */
	unsigned wrong; /* calls with another line number */
};

/* A line into probe for IRQ irq (probe is reset). */
struct irq_line irq_probe_line(struct irq_probe *probe, unsigned irq);

#endif
