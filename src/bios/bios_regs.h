/* The register block a BIOS service written in C works on: the ROM stub
 * in the guest traps into the VMM, which copies the guest's registers in,
 * calls the service, and copies them back.  Shared by every BIOS service
 * (int 13h and the others) so they agree on one layout.
 *
 * Only the carry flag is an output of the services; the other flag bits
 * are carried through untouched.
 */
#ifndef KVM_GDBSTUB_BIOS_BIOS_REGS_H
#define KVM_GDBSTUB_BIOS_BIOS_REGS_H

#include <stdbool.h>
#include <stdint.h>

#define BIOS_FLAG_CF 0x0001u

struct bios_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi;
	uint16_t es, ds;
	uint32_t flags; /* EFLAGS image: the services set or clear BIOS_FLAG_CF */
};

/* The high byte (AH, BH, CH, DH) of a 32-bit register. */
static inline uint8_t bios_hi(uint32_t reg)
{
	return (uint8_t)(reg >> 8);
}

/* The low byte (AL, BL, CL, DL) of a 32-bit register. */
static inline uint8_t bios_lo(uint32_t reg)
{
	return (uint8_t)reg;
}

/* The low 16 bits (AX, BX, ..., SI, DI) of a 32-bit register. */
static inline uint16_t bios_x(uint32_t reg)
{
	return (uint16_t)reg;
}

/* Set the high byte of *reg, keeping its other bits. */
static inline void bios_set_hi(uint32_t *reg, uint8_t v)
{
	*reg = (*reg & ~0xFF00u) | (uint32_t)v << 8;
}

/* Set the low byte of *reg, keeping its other bits. */
static inline void bios_set_lo(uint32_t *reg, uint8_t v)
{
	*reg = (*reg & ~0xFFu) | v;
}

/* Set the low 16 bits of *reg, keeping the upper half. */
static inline void bios_set_x(uint32_t *reg, uint16_t v)
{
	*reg = (*reg & ~0xFFFFu) | v;
}

/* Set or clear the carry flag, the services' error indicator. */
static inline void bios_set_cf(struct bios_regs *r, bool on)
{
	r->flags = on ? r->flags | BIOS_FLAG_CF : r->flags & ~BIOS_FLAG_CF;
}

/* True if the carry flag is set. */
static inline bool bios_cf(const struct bios_regs *r)
{
	return (r->flags & BIOS_FLAG_CF) != 0;
}

/* The linear address of the real-mode pointer seg:off (no A20 wrap). */
static inline uint32_t bios_linear(uint16_t seg, uint16_t off)
{
	return (uint32_t)seg * 16 + off;
}

/* How a BIOS service reaches guest memory: physical addresses, checked
 * against RAM by the accessor.  read and write return 0 when the whole
 * range [gpa, gpa + len) is RAM and was copied, and -1, having copied
 * nothing, when any of it is not (including gpa + len past 4 GiB). */
struct bios_mem {
	void *ctx;
	int (*read)(void *ctx, uint32_t gpa, void *buf, uint32_t len);
	int (*write)(void *ctx, uint32_t gpa, const void *buf, uint32_t len);
};

/* Guest RAM that is one host buffer: physical 0 to size - 1 (callers with
 * 4 GiB or more pass 0xFFFFFFFF). */
struct bios_ram {
	uint8_t *base;
	uint32_t size;
};

/* A bios_mem over ram, which must outlive it: bounds-checked memcpy. */
struct bios_mem bios_mem_over(struct bios_ram *ram);

#endif
