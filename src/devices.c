/* Port-I/O device registry. */
#include <errno.h>
#include <string.h>

#include "devices.h"

void devices_init(struct devices *d)
{
	memset(d, 0, sizeof(*d));
}

int devices_register(struct devices *d, const char *name, uint16_t base, uint16_t len,
                     pio_handler handler, void *opaque)
{
	if (d->count >= DEVICES_MAX)
		return -ENOSPC;
	if (len == 0 || (uint32_t)base + len > 65536)
		return -EINVAL;
	for (uint32_t p = base; p < (uint32_t)base + len; p++)
		if (d->owner[p])
			return -EEXIST;
	d->dev[d->count] = (struct pio_device){name, base, len, handler, opaque};
	d->count++;
	memset(&d->owner[base], (int)d->count, len);
	return 0;
}

const struct pio_device *devices_pio(struct devices *d, uint16_t port, uint8_t *data, unsigned size,
                                     bool is_write)
{
	unsigned idx = d->owner[port];
	if (!idx) {
		if (!is_write)
			memset(data, 0xff, size); /* an open bus reads as all ones */
		return NULL;
	}
	const struct pio_device *dev = &d->dev[idx - 1];
	dev->handler(dev->opaque, port, data, size, is_write);
	return dev;
}
