/* Unit tests for the 8259A pair, driven through the bus as a guest's
 * in/out would, with the INTA cycle played by the test. */
#include <stdio.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/pic.h"

#include "check.h"
#include "guest_io.h"

static struct pic pic;
static unsigned kicks;

static void kick(void *opaque)
{
	(void)opaque;
	kicks++;
}

static void setup(void)
{
	bus_destroy(&bus);
	CHECK(bus_init(&bus) == 0);
	CHECK(pic_init(&pic, &bus) == 0);
	pic.on_intr = kick;
	kicks = 0;
}

/* The PC's usual programming (Linux, DOS): both chips in cascade, 8086
 * mode, with ICW4 = icw4. */
static void init_pair(uint8_t mbase, uint8_t sbase, uint8_t icw4)
{
	outb(0x20, 0x11);
	outb(0x21, mbase);
	outb(0x21, 0x04);
	outb(0x21, icw4);
	outb(0xa0, 0x11);
	outb(0xa1, sbase);
	outb(0xa1, 0x02);
	outb(0xa1, icw4);
}

static uint8_t read_isr(uint16_t cmd)
{
	outb(cmd, 0x0b);
	return inb(cmd);
}

static uint8_t read_irr(uint16_t cmd)
{
	outb(cmd, 0x0a);
	return inb(cmd);
}

static void pulse(unsigned irq)
{
	struct irq_line line = pic_irq_line(&pic, irq);
	irq_pulse(&line);
}

static void test_reset_state(void)
{
	setup();
	CHECK(inb(0x21) == 0xfb); /* all masked but the cascade */
	CHECK(inb(0xa1) == 0xff);
	for (unsigned irq = 0; irq < 16; irq++)
		pulse(irq);
	CHECK(!pic_intr_pending(&pic) && kicks == 0);
	CHECK(read_irr(0x20) == 0xfb && read_irr(0xa0) == 0xff); /* latched, masked */
	outb(0x21, 0xfa);                                        /* unmask IRQ 0 */
	CHECK(pic_intr_pending(&pic) && kicks == 1);
	CHECK(pic_intr_ack(&pic) == 0x08);
	outb(0x20, 0x20);
	outb(0xa1, 0xfe); /* unmask IRQ 8 */
	CHECK(pic_intr_ack(&pic) == 0x70);
	CHECK(read_isr(0x20) == 0x04 && read_isr(0xa0) == 0x01);
}

static void test_init_sequence(void)
{
	setup();
	init_pair(0x20, 0x28, 0x01);
	CHECK(inb(0x21) == 0x00 && inb(0xa1) == 0x00); /* ICW1 clears the IMR */
	outb(0x21, 0xf3);                              /* OCW1 after ICW4 */
	CHECK(inb(0x21) == 0xf3);
	pulse(3);
	CHECK(pic_intr_ack(&pic) == 0x23);
	outb(0x20, 0x20);
	pulse(14);
	CHECK(pic_intr_ack(&pic) == 0x2e);

	/* ICW2's low three bits are ignored in 8086 mode. */
	init_pair(0x47, 0x28, 0x01);
	pulse(0);
	CHECK(pic_intr_ack(&pic) == 0x40);

	/* ICW1 in the middle restarts: here ICW2, ICW1, ICW2, ICW3, ICW4. */
	outb(0x20, 0x11);
	outb(0x21, 0x50);
	outb(0x20, 0x11);
	outb(0x21, 0x60);
	outb(0x21, 0x04);
	outb(0x21, 0x01);
	outb(0x21, 0xfe); /* OCW1 */
	CHECK(inb(0x21) == 0xfe);
	pulse(0);
	pulse(1); /* masked */
	CHECK(pic_intr_ack(&pic) == 0x60);
	CHECK(pic_intr_ack(&pic) == 0x67); /* nothing left: spurious */

	/* ICW1 clears ISR and latched requests. */
	outb(0x21, 0xff);
	pulse(5);
	outb(0x20, 0x11);
	CHECK(read_isr(0x20) == 0 && read_irr(0x20) == 0);
}

static void test_init_single_and_no_icw4(void)
{
	setup();
	/* Single mode with ICW4: ICW3 is skipped. */
	outb(0x20, 0x13);
	outb(0x21, 0x30);
	outb(0x21, 0x01); /* ICW4 */
	outb(0x21, 0x00); /* OCW1 */
	CHECK(inb(0x21) == 0x00);
	/* The master supplies IR2's vector itself: no cascade cycle. */
	outb(0xa1, 0xfd);
	pic_set_irq(&pic, 9, true);
	CHECK(pic_intr_ack(&pic) == 0x32);
	CHECK(read_isr(0xa0) == 0); /* the slave saw no INTA */

	/* Cascade without ICW4: ICW2, ICW3, then OCW1. */
	outb(0x20, 0x10);
	outb(0x21, 0x08);
	outb(0x21, 0x04);
	outb(0x21, 0x5a);
	CHECK(inb(0x21) == 0x5a);
}

static void test_masks_and_priority(void)
{
	setup();
	init_pair(0x08, 0x70, 0x01);
	outb(0x21, 0x02); /* mask IRQ 1 */
	pulse(1);
	CHECK(!pic_intr_pending(&pic));
	CHECK(read_irr(0x20) == 0x02);
	pulse(3);
	pulse(6);
	CHECK(pic_intr_ack(&pic) == 0x0b); /* 3 before 6 */
	CHECK(!pic_intr_pending(&pic));    /* 6 waits for 3's EOI */
	outb(0x21, 0x00);                  /* unmask 1: higher than 3, nests */
	CHECK(pic_intr_pending(&pic));
	CHECK(pic_intr_ack(&pic) == 0x09);
	CHECK(read_isr(0x20) == 0x0a);
	CHECK(!pic_intr_pending(&pic));
	outb(0x20, 0x20); /* non-specific EOI: the highest, 1 */
	CHECK(read_isr(0x20) == 0x08);
	CHECK(!pic_intr_pending(&pic));
	outb(0x20, 0x20);
	CHECK(read_isr(0x20) == 0x00);
	CHECK(pic_intr_ack(&pic) == 0x0e);
	CHECK(read_irr(0x20) == 0x00);
	/* The read selection persists; the data port always reads the IMR. */
	CHECK(inb(0x20) == 0x00 && inb(0x21) == 0x00);
	outb(0x20, 0x0b);
	CHECK(inb(0x20) == 0x40 && inb(0x20) == 0x40);
}

static void test_specific_eoi(void)
{
	setup();
	init_pair(0x08, 0x70, 0x01);
	pulse(3);
	CHECK(pic_intr_ack(&pic) == 0x0b);
	pulse(1);
	CHECK(pic_intr_ack(&pic) == 0x09);
	outb(0x20, 0x63); /* specific EOI for 3 */
	CHECK(read_isr(0x20) == 0x02);
	outb(0x20, 0x65); /* for 5: not in service, no effect */
	CHECK(read_isr(0x20) == 0x02);
	outb(0x20, 0x61);
	CHECK(read_isr(0x20) == 0x00);
}

static void test_auto_eoi(void)
{
	setup();
	init_pair(0x08, 0x70, 0x03);
	pulse(4);
	CHECK(pic_intr_ack(&pic) == 0x0c);
	CHECK(read_isr(0x20) == 0x00);
	pulse(6); /* lower priority, yet nothing is in service */
	CHECK(pic_intr_pending(&pic) && pic_intr_ack(&pic) == 0x0e);
	/* A slave IRQ: both chips end it themselves. */
	pulse(12);
	CHECK(pic_intr_ack(&pic) == 0x74);
	CHECK(read_isr(0x20) == 0 && read_isr(0xa0) == 0);
}

static void test_cascade(void)
{
	setup();
	init_pair(0x08, 0x70, 0x01);
	pulse(10);
	CHECK(pic_intr_pending(&pic) && kicks == 1);
	CHECK(pic_intr_ack(&pic) == 0x72);
	CHECK(read_isr(0x20) == 0x04 && read_isr(0xa0) == 0x04);
	pulse(11); /* lower than 10 on the slave: waits */
	CHECK(!pic_intr_pending(&pic));
	pulse(1); /* above IR2 on the master: nests */
	CHECK(pic_intr_ack(&pic) == 0x09);
	outb(0x20, 0x20);
	CHECK(read_isr(0x20) == 0x04);
	pulse(3);         /* below IR2, still in service on the master */
	outb(0xa0, 0x20); /* the slave's EOI first, as handlers do */
	CHECK(read_isr(0xa0) == 0x00 && !pic_intr_pending(&pic));
	outb(0x20, 0x20); /* then the master's */
	CHECK(read_isr(0x20) == 0x00);
	CHECK(pic_intr_ack(&pic) == 0x73); /* 11 via IR2 beats 3 */
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	CHECK(pic_intr_ack(&pic) == 0x0b);
	outb(0x20, 0x20);
	CHECK(!pic_intr_pending(&pic));

	/* IRQ 2 is the bus's IRQ2/9 pin: the slave's IR1. */
	pic_set_irq(&pic, 2, true);
	CHECK(pic_intr_ack(&pic) == 0x71);
	pic_set_irq(&pic, 2, false);
	pic_set_irq(&pic, 99, true); /* no such line */
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	CHECK(!pic_intr_pending(&pic));
}

static void test_spurious(void)
{
	setup();
	init_pair(0x08, 0x70, 0x01);
	CHECK(pic_intr_ack(&pic) == 0x0f); /* nothing at all */
	CHECK(read_isr(0x20) == 0x00);

	/* A level request that goes away before INTA: spurious 7. */
	outb(0x4d0, 0x08);
	pic_set_irq(&pic, 3, true);
	CHECK(pic_intr_pending(&pic));
	pic_set_irq(&pic, 3, false);
	CHECK(pic_intr_ack(&pic) == 0x0f);
	CHECK(read_isr(0x20) == 0x00);

	/* The slave's request goes away after the master latched IR2:
	 * spurious 15, with IR2 in service on the master only. */
	pulse(10);
	outb(0xa1, 0x04); /* the slave masks it */
	CHECK(pic_intr_pending(&pic));
	CHECK(pic_intr_ack(&pic) == 0x77);
	CHECK(read_isr(0x20) == 0x04 && read_isr(0xa0) == 0x00);
	outb(0x20, 0x20);
	outb(0xa1, 0x00); /* unmasked again: 10 is still latched */
	CHECK(pic_intr_ack(&pic) == 0x72);
}

static void test_rotation(void)
{
	setup();
	init_pair(0x08, 0x70, 0x01);
	pulse(1);
	CHECK(pic_intr_ack(&pic) == 0x09);
	outb(0x20, 0xa0); /* rotate on non-specific EOI: 1 becomes lowest */
	pulse(1);
	pulse(5);
	CHECK(pic_intr_ack(&pic) == 0x0d);
	outb(0x20, 0xe5); /* rotate on specific EOI 5: 6 is highest */
	CHECK(pic_intr_ack(&pic) == 0x09);
	outb(0x20, 0x20);
	outb(0x20, 0xc3); /* set priority: 3 lowest, 4 highest */
	pulse(3);
	pulse(4);
	pulse(2); /* the IRQ2 pin is IRQ 9: through the cascade */
	CHECK(pic_intr_ack(&pic) == 0x0c);
	outb(0x20, 0x20);
	CHECK(pic_intr_ack(&pic) == 0x71); /* IR2 ranks above 3 now */
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	CHECK(pic_intr_ack(&pic) == 0x0b);
	outb(0x20, 0x20);

	/* Rotate in auto-EOI mode. */
	init_pair(0x08, 0x70, 0x03);
	outb(0x20, 0x80);
	pulse(0);
	CHECK(pic_intr_ack(&pic) == 0x08);
	pulse(0);
	pulse(7);
	CHECK(pic_intr_ack(&pic) == 0x0f); /* 0 is lowest now; a real 7 */
	CHECK(pic_intr_ack(&pic) == 0x08);
	outb(0x20, 0x00); /* rotate in auto-EOI: clear (1 stays highest) */
	pulse(0);
	pulse(7);
	CHECK(pic_intr_ack(&pic) == 0x0f);
	pulse(7);
	CHECK(pic_intr_ack(&pic) == 0x0f); /* 7 did not become lowest */
	CHECK(pic_intr_ack(&pic) == 0x08);
}

static void test_poll(void)
{
	setup();
	init_pair(0x08, 0x70, 0x01);
	outb(0x21, 0xff); /* masked requests do not poll */
	outb(0x20, 0x0c);
	CHECK(inb(0x20) == 0x00);
	outb(0x21, 0x00);
	pulse(5);
	outb(0x20, 0x0c);
	CHECK(inb(0x20) == 0x85);
	CHECK(read_isr(0x20) == 0x20);
	CHECK(inb(0x20) == 0x20); /* poll is for one read only */
	outb(0x20, 0x20);
	pulse(13);
	outb(0x20, 0x0c);
	CHECK(inb(0x20) == 0x82); /* the master names the cascade */
	outb(0xa0, 0x0c);
	CHECK(inb(0xa0) == 0x85);
}

static void test_special_modes(void)
{
	setup();
	init_pair(0x08, 0x70, 0x01);
	pulse(3);
	CHECK(pic_intr_ack(&pic) == 0x0b);
	pulse(5);
	CHECK(!pic_intr_pending(&pic));
	outb(0x21, 0x08); /* mask 3 ... */
	outb(0x20, 0x68); /* ... in special mask mode: 5 may interrupt 3 */
	CHECK(pic_intr_ack(&pic) == 0x0d);
	CHECK(read_isr(0x20) == 0x28);
	outb(0x20, 0x20); /* non-specific EOI skips masked 3 */
	CHECK(read_isr(0x20) == 0x08);
	outb(0x20, 0x48); /* special mask mode off */
	outb(0x20, 0x63);

	/* Special fully nested mode: a higher slave IRQ interrupts a lower one. */
	init_pair(0x08, 0x70, 0x01);
	pulse(12);
	CHECK(pic_intr_ack(&pic) == 0x74);
	pulse(9);
	CHECK(!pic_intr_pending(&pic)); /* fully nested: IR2 is in service */
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	CHECK(pic_intr_ack(&pic) == 0x71);
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
	outb(0x20, 0x11);
	outb(0x21, 0x08);
	outb(0x21, 0x04);
	outb(0x21, 0x11); /* SFNM on the master */
	pulse(12);
	CHECK(pic_intr_ack(&pic) == 0x74);
	pulse(9);
	CHECK(pic_intr_pending(&pic) && pic_intr_ack(&pic) == 0x71);
	pulse(3); /* below IR2: still blocked */
	CHECK(!pic_intr_pending(&pic));
	CHECK(read_isr(0xa0) == 0x12 && read_isr(0x20) == 0x04);
}

static void test_level_and_elcr(void)
{
	setup();
	outb(0x4d0, 0xff);
	outb(0x4d1, 0xff);
	CHECK(inb(0x4d0) == 0xf8 && inb(0x4d1) == 0xde);
	outb(0x4d0, 0x00);
	outb(0x4d1, 0x00);

	/* LTIM: every input level-triggered. */
	outb(0x20, 0x19);
	outb(0x21, 0x08);
	outb(0x21, 0x04);
	outb(0x21, 0x01);
	pic_set_irq(&pic, 4, true);
	CHECK(pic_intr_ack(&pic) == 0x0c);
	outb(0x20, 0x20);
	CHECK(pic_intr_ack(&pic) == 0x0c); /* still high: again */
	outb(0x20, 0x20);
	outb(0x20, 0x19); /* ICW1 again: a level request stays */
	outb(0x21, 0x08);
	outb(0x21, 0x04);
	outb(0x21, 0x01);
	CHECK(read_irr(0x20) == 0x10 && pic_intr_ack(&pic) == 0x0c);
	pic_set_irq(&pic, 4, false);
	outb(0x20, 0x20);
	CHECK(!pic_intr_pending(&pic));
	/* A held line needs a new rising edge after ICW1 in edge mode. */
	init_pair(0x08, 0x70, 0x01);
	pic_set_irq(&pic, 6, true);
	init_pair(0x08, 0x70, 0x01);
	CHECK(!pic_intr_pending(&pic));
	pic_set_irq(&pic, 6, false);
	pic_set_irq(&pic, 6, true);
	CHECK(pic_intr_ack(&pic) == 0x0e);
}

static void test_wide_access_and_kicks(void)
{
	setup();
	uint8_t w[2] = {0x11, 0x20}; /* outw 0x20: ICW1 at 0x20, ICW2 at 0x21 */
	bus_pio(&bus, NULL, 0x20, w, 2, true);
	outb(0x21, 0x04);
	outb(0x21, 0x01);
	uint8_t r[4] = {0};
	outb(0x21, 0x3c);
	bus_pio(&bus, NULL, 0x20, r, 2, false);
	CHECK(r[0] == 0x00 && r[1] == 0x3c);
	bus_pio(&bus, NULL, 0x21, r, 2, false); /* 0x22 is not ours */
	CHECK(r[0] == 0x3c && r[1] == 0xff);
	kicks = 0;
	pulse(0);
	pulse(1); /* INTR already high: no second kick */
	CHECK(kicks == 1);
	pic_intr_ack(&pic);
	outb(0x20, 0x20);
	CHECK(kicks == 2); /* 1 raises INTR again */
	struct pic_state saved = pic.state;
	pic_intr_ack(&pic);
	pic.state = saved;
	pic_post_load(&pic);
	CHECK(pic_intr_pending(&pic) && pic_intr_ack(&pic) == 0x21);
}

/* Any sequence of accesses is survivable, and a full init recovers. */
static void test_random_programming(void)
{
	setup();
	static const uint16_t ports[] = {0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1};
	uint32_t x = 12345;
	for (unsigned i = 0; i < 200000; i++) {
		uint32_t r = random_pio(&x, ports, 6);
		uint8_t v = (uint8_t)(r >> 16);
		if ((r >> 24 & 3) != 3)
			continue;
		if (v & 0x80)
			pic_set_irq(&pic, v & 31, v & 0x20);
		else if (pic_intr_pending(&pic) || (v & 1))
			pic_intr_ack(&pic);
	}
	outb(0x4d0, 0);
	outb(0x4d1, 0);
	init_pair(0x08, 0x70, 0x01);
	for (unsigned irq = 0; irq < 16; irq++)
		pic_set_irq(&pic, irq, false);
	pulse(7);
	CHECK(pic_intr_ack(&pic) == 0x0f && read_isr(0x20) == 0x80);
}

int main(void)
{
	test_reset_state();
	test_init_sequence();
	test_init_single_and_no_icw4();
	test_masks_and_priority();
	test_specific_eoi();
	test_auto_eoi();
	test_cascade();
	test_spurious();
	test_rotation();
	test_poll();
	test_special_modes();
	test_level_and_elcr();
	test_wide_access_and_kicks();
	test_random_programming();
	bus_destroy(&bus);
	return check_status("test_pic");
}
