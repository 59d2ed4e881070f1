/* The PC board: devices, their ports and their interrupt lines. */
#include <string.h>

#include "hw/pc.h"

struct irq_line pc_board_irq(struct pc_board *b, unsigned n)
{
	return pic_irq_line(&b->pic, n);
}

uint64_t pc_board_next_wakeup(const struct pc_board *b)
{
	uint64_t first = VCLOCK_NEVER;
	for (const struct vtimer *t = b->clock.timers; t; t = t->next)
		if (t->deadline < first && (t->irq < 0 || pic_irq_open(&b->pic, (unsigned)t->irq)))
			first = t->deadline;
	return first;
}

int pc_board_init(struct pc_board *b, uint64_t ram_size, int64_t wall_epoch_ns)
{
	return pc_board_init_clocked(b, ram_size, wall_epoch_ns, NULL, NULL);
}

int pc_board_init_clocked(struct pc_board *b, uint64_t ram_size, int64_t wall_epoch_ns,
                          vclock_source_fn source, void *source_opaque)
{
	memset(b, 0, sizeof(*b));
	vclock_init(&b->clock, wall_epoch_ns);
	vclock_set_source(&b->clock, source, source_opaque); /* before a device reads it */
	int r = bus_init(&b->bus);
	if (r == 0)
		r = pic_init(&b->pic, &b->bus);
	if (r == 0)
		r = pit_init(&b->pit, &b->bus, &b->clock, pc_board_irq(b, PC_PIT_IRQ));
	if (r == 0)
		r = cmos_init(&b->cmos, &b->bus, &b->clock, pc_board_irq(b, PC_CMOS_IRQ), ram_size);
	if (r == 0)
		r = goldfish_rtc_init(&b->rtc, &b->bus, PC_RTC_MMIO_BASE, &b->clock,
		                      pc_board_irq(b, PC_RTC_IRQ));
	if (r == 0)
		r = vga_init(&b->vga, &b->bus, &b->clock, NULL);
	if (r == 0)
		r = i8042_init(&b->kbd, &b->bus, pc_board_irq(b, PC_KBD_IRQ));
	/* Which line each device timer drives, for pc_board_next_wakeup(). */
	b->pit.timer.irq = PC_PIT_IRQ;
	b->cmos.timer.irq = PC_CMOS_IRQ;
	b->rtc.timer.irq = PC_RTC_IRQ;
	return r;
}

void pc_board_set_text_ram(struct pc_board *b, const uint8_t *ram, uint64_t ram_size)
{
	b->vga.text = ram && ram_size >= VGA_TEXT_BASE + VGA_TEXT_SIZE ? ram + VGA_TEXT_BASE : NULL;
}

void pc_board_destroy(struct pc_board *b)
{
	bus_destroy(&b->bus);
}

void pc_board_save(const struct pc_board *b, struct pc_board_state *s)
{
	s->pic = b->pic.state;
	s->pit = b->pit.state;
	s->cmos = b->cmos.s;
	s->rtc = b->rtc.s;
	s->vga = b->vga.s;
	s->kbd = b->kbd.s;
}

void pc_board_restore(struct pc_board *b, const struct pc_board_state *s)
{
	b->pic.state = s->pic;
	b->pit.state = s->pit;
	b->cmos.s = s->cmos;
	b->rtc.s = s->rtc;
	b->vga.s = s->vga; /* plain registers: every access checks its index */
	b->kbd.s = s->kbd;
	/* IRQ lines first reach the PIC, whose INTR is then recomputed. */
	pit_post_load(&b->pit);
	cmos_resync(&b->cmos);
	goldfish_rtc_resync(&b->rtc);
	i8042_post_load(&b->kbd);
	pic_post_load(&b->pic);
}
