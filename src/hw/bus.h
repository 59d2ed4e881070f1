/* The device bus: port-I/O and MMIO ranges, each with one handler.
 *
 * Every device access of the guest, from either backend, reaches its device
 * through bus_pio() or bus_mmio().  A handler receives the accessing vCPU,
 * the absolute port or guest-physical address, the size and the direction;
 * for a read it fills data, for a write it consumes it.  Devices raise
 * interrupts through struct irq_line (irq.h) and read time from struct
 * vclock (clock.h); they know nothing of KVM or GDB.
 */
#ifndef KVM_GDBSTUB_HW_BUS_H
#define KVM_GDBSTUB_HW_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* One access of `size` bytes (1, 2, 4 or 8 for MMIO) at `addr`. */
typedef void (*bus_handler)(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data,
                            unsigned size, bool is_write);

struct bus_device {
	const char *name;
	uint64_t base;
	uint64_t len;
	bus_handler handler;
	void *opaque;
};

/* A set of non-overlapping ranges in one address space. */
struct bus_space {
	struct bus_device *dev; /* sorted by base */
	unsigned count, capacity;
};

struct bus {
	struct bus_space pio;
	struct bus_space mmio;
	uint16_t *port_owner; /* port -> index + 1 into pio.dev, 0 = nobody: O(1) */
};

/* 0, or -ENOMEM. */
int bus_init(struct bus *bus);
void bus_destroy(struct bus *bus);

/* Register [base, base + len).  0, -EINVAL (empty or past the space's end),
 * -EEXIST (overlaps a registered range) or -ENOMEM. */
int bus_register_pio(struct bus *bus, const char *name, uint16_t base, uint32_t len,
                     bus_handler handler, void *opaque);
int bus_register_mmio(struct bus *bus, const char *name, uint64_t base, uint64_t len,
                      bus_handler handler, void *opaque);

/* Remove the MMIO range that starts at base (a device that moves, such as
 * a relocated local APIC page).  0, or -ENOENT if no range starts there. */
int bus_unregister_mmio(struct bus *bus, uint64_t base);

/* Dispatch one access.  Returns the device, or NULL if nothing is there: a
 * read then returns all ones (an open bus), a write is dropped. */
const struct bus_device *bus_pio(struct bus *bus, struct vcpu *vcpu, uint16_t port, uint8_t *data,
                                 unsigned size, bool is_write);
const struct bus_device *bus_mmio(struct bus *bus, struct vcpu *vcpu, uint64_t addr,
                                  uint8_t *data, unsigned size, bool is_write);

/* The device at an MMIO address, or NULL (no access is made). */
const struct bus_device *bus_find_mmio(const struct bus *bus, uint64_t addr);

/* Little-endian helpers for handlers: the value of data[0..size), and the
 * reverse. */
static inline uint64_t bus_value(const uint8_t *data, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | data[i];
	return v;
}

static inline void bus_set_value(uint8_t *data, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++, v >>= 8)
		data[i] = (uint8_t)v;
}

/* Byte-wide registers, for 8-bit devices. */
typedef uint8_t (*bus_read8_fn)(void *opaque, uint64_t addr);
typedef void (*bus_write8_fn)(void *opaque, uint64_t addr, uint8_t value);

/* Serve an access of `size` bytes at addr as byte accesses at addr, addr + 1,
 * ... (as the ISA bus splits a wide in/out for an 8-bit device).  Bytes at or
 * past `end` belong to nobody here: they read as all ones, writes drop. */
static inline void bus_bytewise(void *opaque, uint64_t addr, uint8_t *data, unsigned size,
                                bool is_write, uint64_t end, bus_read8_fn read8,
                                bus_write8_fn write8)
{
	for (unsigned i = 0; i < size; i++) {
		if (addr + i >= end) {
			if (!is_write)
				data[i] = 0xff;
		} else if (is_write) {
			write8(opaque, addr + i, data[i]);
		} else {
			data[i] = read8(opaque, addr + i);
		}
	}
}

#endif
