/* The device tests' port I/O: out and in as a guest executes them, through
 * the one bus the test file sets up. */
#ifndef KVM_GDBSTUB_TEST_GUEST_IO_H
#define KVM_GDBSTUB_TEST_GUEST_IO_H

#include "hw/bus.h"

static struct bus bus;

static inline void outb(uint16_t port, uint8_t v)
{
	bus_pio(&bus, NULL, port, &v, 1, true);
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v = 0;
	bus_pio(&bus, NULL, port, &v, 1, false);
	return v;
}

/* One step of a pseudo-random guest (LCG state *x): half the steps write a
 * value of 1, 2 or 4 bytes to one of ports, a quarter read; the rest do
 * nothing here.  Returns the step's random word; (word >> 24 & 3) == 3 and
 * (uint8_t)(word >> 16) are left to the caller. */
static inline uint32_t random_pio(uint32_t *x, const uint16_t *ports, unsigned nports)
{
	uint32_t r = *x = *x * 1103515245 + 12345;
	uint8_t v = (uint8_t)(r >> 16);
	uint8_t data[4] = {v, (uint8_t)(v * 3), (uint8_t)(v ^ 0x55), v};
	unsigned size = 1u << ((r >> 4) % 3);
	uint16_t port = ports[(r >> 8) % nports];
	if ((r >> 24 & 3) < 3)
		bus_pio(&bus, NULL, port, data, size, (r >> 24 & 3) < 2);
	return r;
}

#endif
