/* The port-I/O device registry: handlers registered by port range, looked
 * up in O(1) on every IO exit. */
#ifndef KVM_GDBSTUB_DEVICES_H
#define KVM_GDBSTUB_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

/* Handle one access of `size` bytes (1, 2 or 4) at `port`.  For a read the
 * handler fills data; for a write it consumes it. */
typedef void (*pio_handler)(void *opaque, uint16_t port, uint8_t *data, unsigned size,
                            bool is_write);

struct pio_device {
	const char *name;
	uint16_t base;
	uint16_t len;
	pio_handler handler;
	void *opaque;
};

#define DEVICES_MAX 16

struct devices {
	struct pio_device dev[DEVICES_MAX];
	unsigned count;
	uint8_t owner[65536]; /* port -> index + 1 into dev[], 0 = nobody */
};

void devices_init(struct devices *d);

/* Register [base, base+len).  0, -EEXIST if any port is taken, -ENOSPC. */
int devices_register(struct devices *d, const char *name, uint16_t base, uint16_t len,
                     pio_handler handler, void *opaque);

/* Dispatch one access.  Returns the device, or NULL if no device owns the
 * port: reads then return all ones, writes are dropped. */
const struct pio_device *devices_pio(struct devices *d, uint16_t port, uint8_t *data, unsigned size,
                                     bool is_write);

#endif
