/* The device bus: registration and dispatch for port I/O and MMIO. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/bus.h"

#define PORT_SPACE 0x10000u

int bus_init(struct bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	bus->port_owner = calloc(PORT_SPACE, sizeof(*bus->port_owner));
	return bus->port_owner ? 0 : -ENOMEM;
}

void bus_destroy(struct bus *bus)
{
	free(bus->pio.dev);
	free(bus->mmio.dev);
	free(bus->port_owner);
	memset(bus, 0, sizeof(*bus));
}

static bool overlaps(const struct bus_device *d, uint64_t base, uint64_t len)
{
	return base < d->base + d->len && d->base < base + len;
}

/* Insert keeping the array sorted by base; returns the index or -errno. */
static int space_insert(struct bus_space *s, const struct bus_device *nd)
{
	unsigned at = 0;
	for (unsigned i = 0; i < s->count; i++) {
		if (overlaps(&s->dev[i], nd->base, nd->len))
			return -EEXIST;
		if (s->dev[i].base < nd->base)
			at = i + 1;
	}
	if (s->count == s->capacity) {
		unsigned cap = s->capacity ? 2 * s->capacity : 16;
		struct bus_device *dev = realloc(s->dev, cap * sizeof(*dev));
		if (!dev)
			return -ENOMEM;
		s->dev = dev;
		s->capacity = cap;
	}
	memmove(&s->dev[at + 1], &s->dev[at], (s->count - at) * sizeof(*s->dev));
	s->dev[at] = *nd;
	s->count++;
	return (int)at;
}

static void rebuild_port_owner(struct bus *bus)
{
	memset(bus->port_owner, 0, PORT_SPACE * sizeof(*bus->port_owner));
	for (unsigned i = 0; i < bus->pio.count; i++) {
		const struct bus_device *d = &bus->pio.dev[i];
		for (uint64_t p = d->base; p < d->base + d->len; p++)
			bus->port_owner[p] = (uint16_t)(i + 1);
	}
}

int bus_register_pio(struct bus *bus, const char *name, uint16_t base, uint32_t len,
                     bus_handler handler, void *opaque)
{
	if (len == 0 || base + len > PORT_SPACE || bus->pio.count + 1 >= PORT_SPACE)
		return -EINVAL;
	struct bus_device nd = {name, base, len, handler, opaque};
	int r = space_insert(&bus->pio, &nd);
	if (r < 0)
		return r;
	rebuild_port_owner(bus); /* indices after the insertion moved */
	return 0;
}

int bus_register_mmio(struct bus *bus, const char *name, uint64_t base, uint64_t len,
                      bus_handler handler, void *opaque)
{
	if (len == 0 || base + len < base)
		return -EINVAL;
	struct bus_device nd = {name, base, len, handler, opaque};
	int r = space_insert(&bus->mmio, &nd);
	return r < 0 ? r : 0;
}

int bus_unregister_mmio(struct bus *bus, uint64_t base)
{
	struct bus_space *s = &bus->mmio;
	for (unsigned i = 0; i < s->count; i++) {
		if (s->dev[i].base != base)
			continue;
		memmove(&s->dev[i], &s->dev[i + 1], (s->count - i - 1) * sizeof(*s->dev));
		s->count--;
		return 0;
	}
	return -ENOENT;
}

static const struct bus_device *dispatch(const struct bus_device *d, struct vcpu *vcpu,
                                         uint64_t addr, uint8_t *data, unsigned size,
                                         bool is_write)
{
	if (!d) {
		if (!is_write)
			memset(data, 0xff, size); /* an open bus reads as all ones */
		return NULL;
	}
	d->handler(d->opaque, vcpu, addr, data, size, is_write);
	return d;
}

const struct bus_device *bus_pio(struct bus *bus, struct vcpu *vcpu, uint16_t port, uint8_t *data,
                                 unsigned size, bool is_write)
{
	unsigned idx = bus->port_owner[port];
	return dispatch(idx ? &bus->pio.dev[idx - 1] : NULL, vcpu, port, data, size, is_write);
}

const struct bus_device *bus_find_mmio(const struct bus *bus, uint64_t addr)
{
	unsigned lo = 0, hi = bus->mmio.count;
	while (lo < hi) { /* binary search: the last range whose base <= addr */
		unsigned mid = (lo + hi) / 2;
		if (bus->mmio.dev[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct bus_device *d = &bus->mmio.dev[lo - 1];
	return addr - d->base < d->len ? d : NULL;
}

const struct bus_device *bus_mmio(struct bus *bus, struct vcpu *vcpu, uint64_t addr,
                                  uint8_t *data, unsigned size, bool is_write)
{
	return dispatch(bus_find_mmio(bus, addr), vcpu, addr, data, size, is_write);
}
