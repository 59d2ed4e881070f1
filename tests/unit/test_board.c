/* The PC board as a whole: its devices wired to the PIC, and a snapshot of
 * every device's state that comes back exactly (save, change, restore). */
#include <string.h>

#include "check.h"
#include "fake_clock.h"
#include "hw/pc.h"

static uint64_t fake_source(void *opaque)
{
	(void)opaque;
	return fake_ns;
}

static uint8_t in8(struct pc_board *b, uint16_t port)
{
	uint8_t v = 0;
	bus_pio(&b->bus, NULL, port, &v, 1, false);
	return v;
}

static void out8(struct pc_board *b, uint16_t port, uint8_t v)
{
	bus_pio(&b->bus, NULL, port, &v, 1, true);
}

static uint8_t cmos_read(struct pc_board *b, uint8_t reg)
{
	out8(b, 0x70, reg);
	return in8(b, 0x71);
}

/* PIT channel 0 at 1 kHz (mode 2), IRQ 0 and 8 unmasked, CMOS periodic
 * interrupts at 2 Hz, an NVRAM byte. */
static void program(struct pc_board *b)
{
	out8(b, 0x43, 0x34);
	out8(b, 0x40, 1193 & 0xff);
	out8(b, 0x40, 1193 >> 8);
	out8(b, 0x21, 0xfa); /* IRQ 0 and the cascade open */
	out8(b, 0xa1, 0xfe); /* IRQ 8 open */
	out8(b, 0x70, 0x0a);
	out8(b, 0x71, 0x2f); /* rate 15: 2 Hz */
	out8(b, 0x70, 0x0b);
	out8(b, 0x71, 0x42); /* PIE, 24-hour */
	out8(b, 0x70, 0x40);
	out8(b, 0x71, 0x5a);
}

static void test_wiring(void)
{
	struct pc_board b;
	fake_ns = 0;
	CHECK(pc_board_init(&b, 1u << 20, 946684800ll * 1000000000) == 0);
	vclock_set_source(&b.clock, fake_source, NULL);
	/* Reset: every line masked but the cascade, so no timer wakes a CPU. */
	CHECK(pc_board_next_wakeup(&b) == VCLOCK_NEVER);
	program(&b);
	CHECK(pc_board_next_wakeup(&b) < 2000000); /* the PIT's next edge, within 1 ms */
	fake_clock_advance(&b.clock, 1000000);
	CHECK(pic_intr_pending(&b.pic));
	CHECK(pic_intr_ack(&b.pic) == 0x08); /* IRQ 0 at the BIOS's base */
	out8(&b, 0x20, 0x20);
	fake_clock_advance(&b.clock, 500000000); /* half a second: the RTC's tick */
	unsigned vectors = 0, rtc = 0;
	while (pic_intr_pending(&b.pic) && vectors < 10) {
		uint8_t v = pic_intr_ack(&b.pic);
		vectors++;
		if (v == 0x70) {
			rtc++;
			CHECK(cmos_read(&b, 0x0c) & 0x40); /* PF, and reading C lowers IRQ 8 */
			out8(&b, 0xa0, 0x20);
		}
		out8(&b, 0x20, 0x20);
	}
	CHECK(rtc == 1);
	pc_board_destroy(&b);
}

static void test_snapshot(void)
{
	struct pc_board b;
	struct pc_board_state saved, after;
	fake_ns = 0;
	CHECK(pc_board_init(&b, 1u << 20, 0) == 0);
	vclock_set_source(&b.clock, fake_source, NULL);
	program(&b);
	fake_clock_advance(&b.clock, 250000);
	uint64_t wakeup = pc_board_next_wakeup(&b);
	memset(&saved, 0, sizeof(saved)); /* padding too: compared with memcmp */
	memset(&after, 0, sizeof(after));
	pc_board_save(&b, &saved);

	/* Change everything: mask the PIC, stop the PIT, rewrite NVRAM. */
	out8(&b, 0x21, 0xff);
	out8(&b, 0x43, 0x30); /* channel 0 mode 0: waits for a count */
	out8(&b, 0x70, 0x40);
	out8(&b, 0x71, 0xa5);
	CHECK(cmos_read(&b, 0x40) == 0xa5);
	CHECK(pc_board_next_wakeup(&b) == VCLOCK_NEVER);

	pc_board_restore(&b, &saved);
	pc_board_save(&b, &after);
	CHECK(memcmp(&saved.pic, &after.pic, sizeof(saved.pic)) == 0);
	CHECK(memcmp(&saved.pit, &after.pit, sizeof(saved.pit)) == 0);
	/* The CMOS accounts its flags lazily (up to flags_ns): the rest is exact. */
	CHECK(memcmp(saved.cmos.ram, after.cmos.ram, sizeof(saved.cmos.ram)) == 0);
	CHECK(saved.cmos.index == after.cmos.index && saved.cmos.offset_s == after.cmos.offset_s);
	CHECK(memcmp(&saved.rtc, &after.rtc, sizeof(saved.rtc)) == 0);
	CHECK(cmos_read(&b, 0x40) == 0x5a);
	CHECK(in8(&b, 0x21) == 0xfa);
	CHECK(pc_board_next_wakeup(&b) == wakeup); /* the PIT's timer is armed again */
	fake_clock_advance(&b.clock, 1000000);
	CHECK(pic_intr_pending(&b.pic) && pic_intr_ack(&b.pic) == 0x08);
	pc_board_destroy(&b);
}

/* The VGA's registers and the 8042's keys, command byte and A20 come back;
 * a key waiting in the output buffer raises IRQ 1 again. */
static void test_snapshot_vga_kbd(void)
{
	struct pc_board b;
	struct pc_board_state saved, after;
	fake_ns = 0;
	CHECK(pc_board_init(&b, 1u << 20, 0) == 0);
	vclock_set_source(&b.clock, fake_source, NULL);
	out8(&b, 0x21, 0xf9); /* IRQ 1 and the cascade open */
	out8(&b, 0x3d4, 0x0e); /* the cursor at cell 0x123 */
	out8(&b, 0x3d5, 0x01);
	out8(&b, 0x3d4, 0x0f);
	out8(&b, 0x3d5, 0x23);
	out8(&b, 0x92, 0x00); /* port 0x92 alone cannot close A20: the output port has it */
	out8(&b, 0x64, 0xd1);
	out8(&b, 0x60, 0x01); /* output port: A20 off */
	CHECK(!i8042_a20(&b.kbd));
	const uint8_t keys[] = {0x1e, 0x9e, 0x30, 0xb0}; /* a, b pressed and released */
	i8042_key_codes(&b.kbd, keys, sizeof(keys));
	CHECK(pic_intr_pending(&b.pic));
	memset(&saved, 0, sizeof(saved));
	memset(&after, 0, sizeof(after));
	pc_board_save(&b, &saved);

	/* Change them: the cursor moves, the keys are read, A20 opens. */
	out8(&b, 0x3d4, 0x0f);
	out8(&b, 0x3d5, 0x00);
	for (unsigned i = 0; i < sizeof(keys); i++)
		(void)in8(&b, 0x60);
	CHECK(!(in8(&b, 0x64) & 0x01));
	out8(&b, 0x64, 0xdf);
	CHECK(i8042_a20(&b.kbd));
	CHECK(pic_intr_ack(&b.pic) == 0x09); /* IRQ 1's request, taken */
	out8(&b, 0x20, 0x20);
	CHECK(!pic_intr_pending(&b.pic));

	pc_board_restore(&b, &saved);
	pc_board_save(&b, &after);
	CHECK(memcmp(&saved.vga, &after.vga, sizeof(saved.vga)) == 0);
	CHECK(memcmp(&saved.kbd, &after.kbd, sizeof(saved.kbd)) == 0);
	unsigned row, col;
	bool visible;
	vga_cursor(&b.vga, &row, &col, &visible);
	CHECK(row == 0x123 / 80 && col == 0x123 % 80);
	CHECK(!i8042_a20(&b.kbd));
	CHECK(pic_intr_pending(&b.pic) && pic_intr_ack(&b.pic) == 0x09);
	for (unsigned i = 0; i < sizeof(keys); i++) {
		CHECK(in8(&b, 0x64) & 0x01);
		CHECK(in8(&b, 0x60) == keys[i]);
	}
	pc_board_destroy(&b);
}

int main(void)
{
	test_wiring();
	test_snapshot();
	test_snapshot_vga_kbd();
	return check_status("test_board");
}
