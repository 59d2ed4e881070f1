/* The 8259A pair: priority logic, the ICW/OCW programming and the INTA
 * cycle.  Behaviour follows the Intel 8259A datasheet; see pic.h. */
#include <stdio.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/pic.h"

enum { MASTER, SLAVE };

/* ELCR bits that may be set: IRQ 0, 1, 2, 8 and 13 are always edge on a PC. */
static const uint8_t elcr_writable[2] = {0xf8, 0xde};

enum pic_note { NOTE_8080 = 1, NOTE_NO_SLAVE = 2 };

static void note_once(struct pic *pic, enum pic_note what, const char *msg)
{
	if (pic->noted & what)
		return;
	pic->noted |= what;
	fprintf(stderr, "kvm-gdbstub: pic: %s\n", msg);
}

static uint8_t level_lines(const struct pic_chip *c)
{
	return c->ltim ? 0xff : c->elcr;
}

/* Rank of IR ir: 0 is the highest priority, 7 the lowest. */
static unsigned rank(const struct pic_chip *c, unsigned ir)
{
	return (ir - c->highest) & 7;
}

/* The IR of highest priority among bits, or -1. */
static int highest_of(const struct pic_chip *c, uint8_t bits)
{
	for (unsigned r = 0; r < 8; r++) {
		unsigned ir = (c->highest + r) & 7;
		if (bits & (1u << ir))
			return (int)ir;
	}
	return -1;
}

static bool is_cascade(const struct pic_chip *c, unsigned ir)
{
	return !c->single && (c->icw3 >> ir & 1);
}

/* The IR this chip would present on INT now, or -1.  A request needs a
 * higher priority than everything in service; in special mask mode masked
 * levels in service do not count; in special fully nested mode a slave's
 * IR in service does not block that slave's further requests. */
static int chip_pending(const struct pic_chip *c, bool master)
{
	uint8_t req = c->irr & ~c->imr;
	int ir = highest_of(c, req);
	if (ir < 0)
		return -1;
	uint8_t svc = c->special_mask ? c->isr & ~c->imr : c->isr;
	int cur = highest_of(c, svc);
	if (cur < 0 || rank(c, (unsigned)ir) < rank(c, (unsigned)cur))
		return ir;
	if (ir == cur && master && c->sfnm && is_cascade(c, (unsigned)ir))
		return ir;
	return -1;
}

static void chip_input(struct pic_chip *c, unsigned ir, bool level)
{
	uint8_t bit = (uint8_t)(1u << ir);
	if (level_lines(c) & bit)
		c->irr = level ? c->irr | bit : c->irr & ~bit;
	else if (level && !(c->input & bit))
		c->irr |= bit; /* a rising edge latches until INTA */
	c->input = level ? c->input | bit : c->input & ~bit;
}

/* The slave's INT drives the master's IR2; then INTR is recomputed. */
static void update(struct pic *pic)
{
	struct pic_chip *chip = pic->state.chip;
	chip_input(&chip[MASTER], PIC_CASCADE_IR, chip_pending(&chip[SLAVE], false) >= 0);
	bool was = pic->intr;
	pic->intr = chip_pending(&chip[MASTER], true) >= 0;
	if (pic->intr && !was && pic->on_intr)
		pic->on_intr(pic->on_intr_opaque);
}

/* The acknowledge part of INTA (or of a poll read) for IR ir. */
static void chip_ack(struct pic_chip *c, unsigned ir)
{
	uint8_t bit = (uint8_t)(1u << ir);
	if (c->auto_eoi) {
		if (c->rotate_aeoi)
			c->highest = (ir + 1) & 7;
	} else {
		c->isr |= bit;
	}
	c->irr &= ~bit | level_lines(c); /* a level request stays while high */
}

static void chip_reset_bios(struct pic_chip *c, uint8_t base, uint8_t icw3, uint8_t imr)
{
	uint8_t input = c->input;
	memset(c, 0, sizeof(*c));
	c->input = input;
	c->base = base;
	c->icw3 = icw3;
	c->imr = imr;
	c->need_icw4 = true;
	c->x86_mode = true;
}

void pic_reset(struct pic *pic)
{
	chip_reset_bios(&pic->state.chip[MASTER], PIC_MASTER_VBASE, 1u << PIC_CASCADE_IR,
	                (uint8_t) ~(1u << PIC_CASCADE_IR));
	chip_reset_bios(&pic->state.chip[SLAVE], PIC_SLAVE_VBASE, PIC_CASCADE_IR, 0xff);
	pic->intr = false;
	update(pic);
}

/* ---- the INTA cycle ---- */

bool pic_intr_pending(const struct pic *pic)
{
	return chip_pending(&pic->state.chip[MASTER], true) >= 0;
}

/* The master put cascade address ir on CAS0-2: the slave answers if its ID
 * matches, with its own vector (base + 7 if its request went away). */
static uint8_t slave_ack(struct pic *pic, unsigned ir)
{
	struct pic_chip *s = &pic->state.chip[SLAVE];
	if (s->single || (s->icw3 & 7) != ir) {
		note_once(pic, NOTE_NO_SLAVE,
		          "cascade cycle with no slave of that ID: vector 0xff");
		return 0xff;
	}
	int sir = chip_pending(s, false);
	if (sir < 0)
		return (uint8_t)(s->base + 7);
	chip_ack(s, (unsigned)sir);
	return (uint8_t)(s->base + sir);
}

uint8_t pic_intr_ack(struct pic *pic)
{
	struct pic_chip *m = &pic->state.chip[MASTER];
	int ir = chip_pending(m, true);
	uint8_t vector;
	if (ir < 0) {
		vector = (uint8_t)(m->base + 7); /* spurious: ISR untouched */
	} else {
		chip_ack(m, (unsigned)ir);
		vector = is_cascade(m, (unsigned)ir) ? slave_ack(pic, (unsigned)ir)
		                                     : (uint8_t)(m->base + ir);
	}
	update(pic);
	return vector;
}

/* ---- programming ---- */

static void write_icw1(struct pic_chip *c, uint8_t v)
{
	c->need_icw4 = v & 0x01;
	c->single = v & 0x02;
	c->ltim = v & 0x08;
	/* The edge sense circuit resets: latched edges go, a line held high
	 * must go low and high again; level requests stay. */
	c->irr = c->input & level_lines(c);
	c->isr = 0;
	c->imr = 0;
	c->highest = 0;
	c->special_mask = false;
	c->poll = false;
	c->read_isr = false;
	c->auto_eoi = c->rotate_aeoi = c->sfnm = c->x86_mode = false;
	c->init_step = 2;
}

static void write_icw4(struct pic_chip *c, uint8_t v)
{
	c->x86_mode = v & 0x01;
	c->auto_eoi = v & 0x02;
	c->sfnm = v & 0x10;
}

static void write_data(struct pic *pic, struct pic_chip *c, uint8_t v)
{
	switch (c->init_step) {
	case 2:
		c->base = v & 0xf8;
		c->init_step = !c->single ? 3 : c->need_icw4 ? 4 : 0;
		break;
	case 3:
		c->icw3 = v;
		c->init_step = c->need_icw4 ? 4 : 0;
		break;
	case 4:
		write_icw4(c, v);
		c->init_step = 0;
		break;
	default:
		c->imr = v; /* OCW1 */
		break;
	}
	if (c->init_step == 0 && !c->x86_mode)
		note_once(pic, NOTE_8080, "8080/8085 mode (ICW4 bit 0 clear) runs as 8086 mode");
}

static void eoi(struct pic_chip *c, int ir, bool rotate)
{
	if (ir < 0)
		return;
	c->isr &= (uint8_t) ~(1u << ir);
	if (rotate)
		c->highest = (uint8_t)((ir + 1) & 7);
}

/* OCW2: R SL EOI in bits 7..5, the level L in bits 2..0. */
static void write_ocw2(struct pic_chip *c, uint8_t v)
{
	unsigned level = v & 7;
	uint8_t svc = c->special_mask ? c->isr & ~c->imr : c->isr;
	switch (v >> 5) {
	case 0: /* rotate in auto-EOI mode: clear */
	case 4: /* set */
		c->rotate_aeoi = v >> 7;
		break;
	case 1: /* non-specific EOI */
	case 5: /* rotate on non-specific EOI */
		eoi(c, highest_of(c, svc), v >> 7);
		break;
	case 3: /* specific EOI */
	case 7: /* rotate on specific EOI */
		eoi(c, (int)level, v >> 7);
		break;
	case 6: /* set priority: L becomes the lowest */
		c->highest = (level + 1) & 7;
		break;
	default: /* 2: no operation */
		break;
	}
}

/* OCW3: ESMM SMM in bits 6..5, P in bit 2, RR RIS in bits 1..0. */
static void write_ocw3(struct pic_chip *c, uint8_t v)
{
	if (v & 0x40)
		c->special_mask = v & 0x20;
	c->poll = v & 0x04;
	if (v & 0x02)
		c->read_isr = v & 0x01;
}

static void write_command(struct pic_chip *c, uint8_t v)
{
	if (v & 0x10)
		write_icw1(c, v);
	else if (v & 0x08)
		write_ocw3(c, v);
	else
		write_ocw2(c, v);
}

/* A poll read: the next read of the command port is an INTA. */
static uint8_t poll_read(struct pic_chip *c, bool master)
{
	c->poll = false;
	int ir = chip_pending(c, master);
	if (ir < 0)
		return 0;
	chip_ack(c, (unsigned)ir);
	return (uint8_t)(0x80 | ir);
}

static struct pic_chip *chip_at(struct pic *pic, uint64_t port)
{
	return &pic->state.chip[(port & 0x80) ? SLAVE : MASTER];
}

static uint8_t pic_read8(void *opaque, uint64_t port)
{
	struct pic *pic = opaque;
	struct pic_chip *c = chip_at(pic, port);
	if (port & 1)
		return c->imr;
	if (!c->poll)
		return c->read_isr ? c->isr : c->irr;
	uint8_t v = poll_read(c, c == &pic->state.chip[MASTER]);
	update(pic);
	return v;
}

static void pic_write8(void *opaque, uint64_t port, uint8_t v)
{
	struct pic *pic = opaque;
	struct pic_chip *c = chip_at(pic, port);
	if (port & 1)
		write_data(pic, c, v);
	else
		write_command(c, v);
	update(pic);
}

static void pic_access(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data, unsigned size,
                       bool is_write)
{
	(void)vcpu;
	bus_bytewise(opaque, addr, data, size, is_write, (addr & ~1ull) + 2, pic_read8, pic_write8);
}

/* ---- the ELCR (one byte per chip) ---- */

static uint8_t elcr_read8(void *opaque, uint64_t port)
{
	struct pic *pic = opaque;
	return pic->state.chip[port & 1].elcr;
}

static void elcr_write8(void *opaque, uint64_t port, uint8_t v)
{
	struct pic *pic = opaque;
	struct pic_chip *c = &pic->state.chip[port & 1];
	c->elcr = v & elcr_writable[port & 1];
	uint8_t lvl = level_lines(c);
	c->irr = (uint8_t)((c->irr & ~lvl) | (c->input & lvl)); /* level IRR follows the pin */
	update(pic);
}

static void elcr_access(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data,
                        unsigned size, bool is_write)
{
	(void)vcpu;
	bus_bytewise(opaque, addr, data, size, is_write, PIC_ELCR_BASE + 2, elcr_read8,
	             elcr_write8);
}

/* ---- wiring ---- */

int pic_init(struct pic *pic, struct bus *bus)
{
	memset(pic, 0, sizeof(*pic));
	pic_reset(pic);
	int r = bus_register_pio(bus, "pic-master", PIC_MASTER_BASE, 2, pic_access, pic);
	if (r == 0)
		r = bus_register_pio(bus, "pic-slave", PIC_SLAVE_BASE, 2, pic_access, pic);
	if (r == 0)
		r = bus_register_pio(bus, "elcr", PIC_ELCR_BASE, 2, elcr_access, pic);
	return r;
}

void pic_set_irq(void *opaque, unsigned irq, bool level)
{
	struct pic *pic = opaque;
	if (irq > 15)
		return;
	if (irq == PIC_CASCADE_IR)
		irq = 9; /* the ISA IRQ2 pin is the slave's IR1 on an AT */
	chip_input(&pic->state.chip[irq >> 3], irq & 7, level);
	update(pic);
}

struct irq_line pic_irq_line(struct pic *pic, unsigned irq)
{
	return (struct irq_line){pic_set_irq, pic, irq};
}

void pic_post_load(struct pic *pic)
{
	pic->intr = false;
	update(pic);
}

bool pic_irq_open(const struct pic *pic, unsigned irq)
{
	const struct pic_chip *master = &pic->state.chip[MASTER], *slave = &pic->state.chip[SLAVE];
	if (irq < 8)
		return !(master->imr & (1u << irq));
	return irq < 16 && !(master->imr & (1u << PIC_CASCADE_IR)) &&
	       !(slave->imr & (1u << (irq - 8)));
}
