/* The system services: int 11h (equipment), 12h (base memory), 15h (memory
 * map, extended memory, wait, configuration table, A20), 14h (COM1),
 * 18h/19h (no boot
 * device: the guest ends), 1Ah (ticks and the CMOS clock), and IRQ 0's
 * tick count. */
#include <stdio.h>

#include "bios/bios.h"

#define MIB           0x100000u
#define E820_RAM      1
#define E820_RESERVED 2
#define E820_SMAP     0x534d4150u /* "SMAP" */
#define E820_ENTRY    20u
#define EXT_MEM_MAX   (63u * 1024) /* int 15h AH=88h: KiB, as SeaBIOS caps it */
#define CMOS_INDEX    0x70
#define CMOS_DATA     0x71
#define CMOS_SECONDS  0x00
#define CMOS_MINUTES  0x02
#define CMOS_HOURS    0x04
#define CMOS_DAY      0x07
#define CMOS_MONTH    0x08
#define CMOS_YEAR     0x09
#define CMOS_STATUS_B 0x0b
#define CMOS_CENTURY  0x32
#define CMOS_B_BINARY 0x04
#define CMOS_B_DST    0x01
#define MOTOR_COUNT   0x440u
#define MOTOR_STATUS  0x43fu

void bios_irq_timer(struct bios *b)
{
	uint32_t ticks = bios_rd32(b, BDA_TICKS) + 1;
	if (ticks >= BIOS_TICKS_PER_DAY) {
		ticks = 0;
		bios_wr8(b, BDA_MIDNIGHT, 1);
	}
	bios_wr32(b, BDA_TICKS, ticks);
	uint8_t motor = bios_rd8(b, MOTOR_COUNT);
	if (motor && --motor == 0)
		bios_wr8(b, MOTOR_STATUS, bios_rd8(b, MOTOR_STATUS) & 0xf0); /* motors off */
	bios_wr8(b, MOTOR_COUNT, motor);
}

/* ---- int 15h ------------------------------------------------------------ */

struct e820_entry {
	uint64_t base, len;
	uint32_t type;
};

/* The memory map: base memory below the EBDA; the EBDA, the video and ROM
 * area (where the MMIO RTC page lies) reserved; RAM from 1 MiB.  Returns
 * the number of entries (at most 3). */
static unsigned e820_map(const struct bios *b, struct e820_entry *e)
{
	unsigned n = 0;
	uint32_t ebda = BIOS_EBDA_SEG * 16;
	e[n++] = (struct e820_entry){0, ebda, E820_RAM};
	e[n++] = (struct e820_entry){ebda, MIB - ebda, E820_RESERVED};
	if (b->ram_size > MIB)
		e[n++] = (struct e820_entry){MIB, b->ram_size - MIB, E820_RAM};
	return n;
}

/* AX=E820: EBX continuation (the entry's index), ES:DI buffer, ECX its
 * size (at least 20), EDX "SMAP". */
static void e820(struct bios *b, struct bios_regs *r)
{
	struct e820_entry map[3];
	unsigned n = e820_map(b, map);
	if (r->edx != E820_SMAP || r->ecx < E820_ENTRY || r->ebx >= n) {
		bios_set_hi(&r->eax, 0x86);
		bios_set_cf(r, true);
		return;
	}
	const struct e820_entry *e = &map[r->ebx];
	uint8_t buf[E820_ENTRY];
	for (int i = 0; i < 8; i++) {
		buf[i] = (uint8_t)(e->base >> (8 * i));
		buf[8 + i] = (uint8_t)(e->len >> (8 * i));
	}
	for (int i = 0; i < 4; i++)
		buf[16 + i] = (uint8_t)(e->type >> (8 * i));
	if (b->mem.write(b, bios_linear(r->es, bios_x(r->edi)), buf, E820_ENTRY) < 0) {
		bios_set_hi(&r->eax, 0x86); /* the buffer is not RAM */
		bios_set_cf(r, true);
		return;
	}
	r->eax = E820_SMAP;
	r->ecx = E820_ENTRY;
	r->ebx = r->ebx + 1 < n ? r->ebx + 1 : 0;
	bios_set_cf(r, false);
}

/* AX=E801: KiB between 1 and 16 MiB (AX = CX), 64 KiB blocks above (BX = DX). */
static void e801(const struct bios *b, struct bios_regs *r)
{
	uint64_t above = b->ram_size > MIB ? b->ram_size - MIB : 0;
	uint64_t low = above > 15 * MIB ? 15 * MIB : above;
	uint64_t high = above - low;
	if (high / 0x10000 > 0xffff)
		high = 0xffffull * 0x10000;
	bios_set_x(&r->eax, (uint16_t)(low / 1024));
	bios_set_x(&r->ecx, (uint16_t)(low / 1024));
	bios_set_x(&r->ebx, (uint16_t)(high / 0x10000));
	bios_set_x(&r->edx, (uint16_t)(high / 0x10000));
	bios_set_cf(r, false);
}

/* AH=86h: wait CX:DX microseconds.  The first call arms a deadline and
 * the VMM's wake-up; the guest sleeps in the wait tail; calls made again
 * after a wake-up return once it has passed. */
static enum bios_outcome wait_us(struct bios *b, struct bios_regs *r)
{
	uint64_t now = b->host.now_ns(b->host.ctx);
	if (!b->wait_armed) {
		uint64_t us = (uint64_t)bios_x(r->ecx) << 16 | bios_x(r->edx);
		b->wait_deadline = now + us * 1000;
		b->wait_armed = true;
	}
	if (now < b->wait_deadline) {
		b->host.wake_at(b->host.ctx, b->wait_deadline);
		return BIOS_WAIT;
	}
	b->wait_armed = false;
	bios_set_hi(&r->eax, 0);
	bios_set_cf(r, false);
	return BIOS_DONE;
}

/* AX=2400-2403: A20 off, on, state, support (port 0x92 and the 8042). */
static enum bios_outcome a20(struct bios *b, struct bios_call *c)
{
	struct bios_regs *r = &c->r;
	uint8_t al = bios_lo(r->eax);
	switch (al) {
	case 0x00:
	case 0x01:
		b->host.a20(b->host.ctx, al);
		bios_set_hi(&r->eax, 0);
		break;
	case 0x02:
		bios_set_x(&r->eax, b->host.a20(b->host.ctx, -1));
		bios_set_x(&r->ecx, 0);
		break;
	case 0x03:
		bios_set_hi(&r->eax, 0);
		bios_set_x(&r->ebx, 0x0003); /* keyboard controller and port 0x92 */
		break;
	default:
		return bios_unsupported(b, 0x15, c);
	}
	bios_set_cf(r, false);
	return BIOS_DONE;
}

static enum bios_outcome int15(struct bios *b, struct bios_call *c)
{
	struct bios_regs *r = &c->r;
	switch (bios_hi(r->eax)) {
	case 0x24:
		return a20(b, c);
	case 0x86:
		return wait_us(b, r);
	case 0x88: {
		uint64_t kib = b->ram_size > MIB ? (b->ram_size - MIB) / 1024 : 0;
		bios_set_x(&r->eax, (uint16_t)(kib > EXT_MEM_MAX ? EXT_MEM_MAX : kib));
		bios_set_cf(r, false);
		return BIOS_DONE;
	}
	case 0xc0:
		r->es = BIOS_SEG;
		bios_set_x(&r->ebx, BIOS_CONFIG_OFF);
		bios_set_hi(&r->eax, 0);
		bios_set_cf(r, false);
		return BIOS_DONE;
	case 0xe8:
		if (bios_lo(r->eax) == 0x20) {
			e820(b, r);
			return BIOS_DONE;
		}
		if (bios_lo(r->eax) == 0x01) {
			e801(b, r);
			return BIOS_DONE;
		}
		break;
	case 0x4f: /* keyboard intercept: keep the scan code */
	case 0x91: /* device post: nothing waits on it */
		bios_set_cf(r, bios_hi(r->eax) == 0x4f);
		return BIOS_DONE;
	}
	return bios_unsupported(b, 0x15, c);
}

/* ---- int 14h ------------------------------------------------------------ */

#define COM1_PORT       0x3f8
#define COM_LSR         5
#define COM_MSR         6
#define COM_TIMEOUT     0x80

/* The serial port services on COM1 (DX=0), the one port the BDA lists:
 * AH=00 initialise and AH=03 status return the line and modem status;
 * AH=01 sends AL; AH=02 has nothing to receive (timeout).  Other ports
 * time out. */
static enum bios_outcome int14(struct bios *b, struct bios_call *c)
{
	struct bios_regs *r = &c->r;
	uint8_t ah = bios_hi(r->eax);
	if (ah > 3)
		return bios_unsupported(b, 0x14, c);
	if (bios_x(r->edx) != 0) {
		bios_set_hi(&r->eax, COM_TIMEOUT);
		return BIOS_DONE;
	}
	if (ah == 1)
		b->host.outb(b->host.ctx, COM1_PORT, bios_lo(r->eax));
	uint8_t lsr = b->host.inb(b->host.ctx, COM1_PORT + COM_LSR);
	uint8_t msr = b->host.inb(b->host.ctx, COM1_PORT + COM_MSR);
	if (ah == 2)
		bios_set_hi(&r->eax, lsr | COM_TIMEOUT);
	else if (ah == 1)
		bios_set_hi(&r->eax, lsr);
	else
		bios_set_x(&r->eax, (uint16_t)(lsr << 8 | msr));
	return BIOS_DONE;
}

/* ---- int 1Ah ------------------------------------------------------------ */

static uint8_t cmos_read(struct bios *b, uint8_t reg)
{
	b->host.outb(b->host.ctx, CMOS_INDEX, reg);
	return b->host.inb(b->host.ctx, CMOS_DATA);
}

static void cmos_write(struct bios *b, uint8_t reg, uint8_t v)
{
	b->host.outb(b->host.ctx, CMOS_INDEX, reg);
	b->host.outb(b->host.ctx, CMOS_DATA, v);
}

static bool cmos_binary(struct bios *b)
{
	return cmos_read(b, CMOS_STATUS_B) & CMOS_B_BINARY;
}

/* A clock register in BCD, whatever mode the CMOS counts in. */
static uint8_t cmos_bcd(struct bios *b, uint8_t reg)
{
	uint8_t v = cmos_read(b, reg);
	return cmos_binary(b) ? (uint8_t)((v / 10) << 4 | v % 10) : v;
}

static void cmos_set_bcd(struct bios *b, uint8_t reg, uint8_t bcd)
{
	cmos_write(b, reg, cmos_binary(b) ? (uint8_t)((bcd >> 4) * 10 + (bcd & 15)) : bcd);
}

static enum bios_outcome int1a(struct bios *b, struct bios_call *c)
{
	struct bios_regs *r = &c->r;
	uint32_t ticks;
	switch (bios_hi(r->eax)) {
	case 0x00:
		ticks = bios_rd32(b, BDA_TICKS);
		bios_set_x(&r->ecx, (uint16_t)(ticks >> 16));
		bios_set_x(&r->edx, (uint16_t)ticks);
		bios_set_lo(&r->eax, bios_rd8(b, BDA_MIDNIGHT));
		bios_wr8(b, BDA_MIDNIGHT, 0);
		break;
	case 0x01:
		bios_wr32(b, BDA_TICKS, (uint32_t)bios_x(r->ecx) << 16 | bios_x(r->edx));
		bios_wr8(b, BDA_MIDNIGHT, 0);
		break;
	case 0x02:
		bios_set_hi(&r->ecx, cmos_bcd(b, CMOS_HOURS));
		bios_set_lo(&r->ecx, cmos_bcd(b, CMOS_MINUTES));
		bios_set_hi(&r->edx, cmos_bcd(b, CMOS_SECONDS));
		bios_set_lo(&r->edx, cmos_read(b, CMOS_STATUS_B) & CMOS_B_DST);
		break;
	case 0x03:
		cmos_set_bcd(b, CMOS_HOURS, bios_hi(r->ecx));
		cmos_set_bcd(b, CMOS_MINUTES, bios_lo(r->ecx));
		cmos_set_bcd(b, CMOS_SECONDS, bios_hi(r->edx));
		break;
	case 0x04:
		bios_set_hi(&r->ecx, cmos_bcd(b, CMOS_CENTURY));
		bios_set_lo(&r->ecx, cmos_bcd(b, CMOS_YEAR));
		bios_set_hi(&r->edx, cmos_bcd(b, CMOS_MONTH));
		bios_set_lo(&r->edx, cmos_bcd(b, CMOS_DAY));
		break;
	case 0x05:
		cmos_set_bcd(b, CMOS_CENTURY, bios_hi(r->ecx));
		cmos_set_bcd(b, CMOS_YEAR, bios_lo(r->ecx));
		cmos_set_bcd(b, CMOS_MONTH, bios_hi(r->edx));
		cmos_set_bcd(b, CMOS_DAY, bios_lo(r->edx));
		break;
	default:
		return bios_unsupported(b, 0x1a, c);
	}
	bios_set_cf(r, false);
	return BIOS_DONE;
}

/* int 18h/19h: no (further) boot device.  The guest ends with status 5,
 * as a guest that cannot go on. */
static enum bios_outcome no_boot(struct bios *b, int vector)
{
	fprintf(stderr, "kvm-gdbstub: int %02xh: no bootable disk: the guest ends\n", vector);
	b->exit_status = 5;
	return BIOS_EXIT;
}

enum bios_outcome bios_system(struct bios *b, int vector, struct bios_call *c)
{
	struct bios_regs *r = &c->r;
	switch (vector) {
	case 0x11:
		bios_set_x(&r->eax, bios_rd16(b, BDA_EQUIPMENT));
		return BIOS_DONE;
	case 0x12:
		bios_set_x(&r->eax, bios_rd16(b, BDA_MEMORY_KIB));
		return BIOS_DONE;
	case 0x15:
		return int15(b, c);
	case 0x18:
	case 0x19:
		return no_boot(b, vector);
	case 0x1a:
		return int1a(b, c);
	case 0x14:
		return int14(b, c);
	default: /* int 17h (printer): none here */
		return bios_unsupported(b, vector, c);
	}
}
