/* The guest memory accessor over one host buffer (bios_regs.h). */
#include <string.h>

#include "bios/bios_regs.h"

static bool in_ram(const struct bios_ram *ram, uint32_t gpa, uint32_t len)
{
	return gpa <= ram->size && len <= ram->size - gpa;
}

static int ram_read(void *ctx, uint32_t gpa, void *buf, uint32_t len)
{
	struct bios_ram *ram = ctx;

	if (!in_ram(ram, gpa, len))
		return -1;
	memcpy(buf, ram->base + gpa, len);
	return 0;
}

static int ram_write(void *ctx, uint32_t gpa, const void *buf, uint32_t len)
{
	struct bios_ram *ram = ctx;

	if (!in_ram(ram, gpa, len))
		return -1;
	memcpy(ram->base + gpa, buf, len);
	return 0;
}

struct bios_mem bios_mem_over(struct bios_ram *ram)
{
	return (struct bios_mem){ram, ram_read, ram_write};
}
