/* Unit tests for the 8042 keyboard controller, its keyboard, port 0x92 and
 * the host keymap, driven through the bus as a guest's or a BIOS's in/out
 * would. */
#include <stdio.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/i8042.h"
#include "hw/keymap.h"
#include "hw/pic.h"

#include "check.h"
#include "guest_io.h"

static struct i8042 kbc;

/* IRQ 1 as the test sees it. */
static bool irq_level;
static unsigned rising_edges;

/* The callbacks. */
static unsigned a20_calls, reset_calls;
static bool a20_last;
static bool reset_resets_device; /* the board's reset: reset the device too */

static void irq1_set(void *opaque, unsigned irq, bool level)
{
	(void)opaque;
	CHECK(irq == I8042_IRQ);
	if (level && !irq_level)
		rising_edges++;
	irq_level = level;
}

static void on_a20(void *opaque, bool on)
{
	CHECK(opaque == &kbc);
	CHECK(on != a20_last); /* only changes are reported */
	a20_last = on;
	a20_calls++;
}

static void on_reset(void *opaque)
{
	CHECK(opaque == &kbc);
	reset_calls++;
	if (reset_resets_device)
		i8042_reset(&kbc);
}

static void setup_with(struct irq_line irq1)
{
	bus_destroy(&bus);
	CHECK(bus_init(&bus) == 0);
	irq_level = false;
	CHECK(i8042_init(&kbc, &bus, irq1) == 0);
	kbc.a20 = on_a20;
	kbc.reset = on_reset;
	kbc.opaque = &kbc;
	a20_last = true;
	a20_calls = reset_calls = rising_edges = 0;
	reset_resets_device = false;
}

static void setup(void)
{
	setup_with((struct irq_line){irq1_set, NULL, I8042_IRQ});
}

static bool obf(void)
{
	return inb(I8042_STATUS_PORT) & I8042_STR_OBF;
}

/* What a BIOS does: wait for OBF, then read the byte; 0x100 if none. */
static unsigned read_byte(void)
{
	return obf() ? inb(I8042_DATA_PORT) : 0x100;
}

static void command(uint8_t cmd)
{
	outb(I8042_STATUS_PORT, cmd);
}

static unsigned command_reply(uint8_t cmd)
{
	command(cmd);
	return read_byte();
}

static void command_data(uint8_t cmd, uint8_t data)
{
	command(cmd);
	outb(I8042_DATA_PORT, data);
}

static void write_command_byte(uint8_t v)
{
	command_data(0x60, v);
}

/* Send bytes to the keyboard and check its replies, then that no more come. */
static bool keyboard_exchange(const uint8_t *send, size_t nsend, const uint8_t *want, size_t nwant)
{
	bool ok = true;
	for (size_t i = 0; i < nsend; i++)
		outb(I8042_DATA_PORT, send[i]);
	for (size_t i = 0; i < nwant; i++) {
		unsigned got = read_byte();
		if (got != want[i]) {
			fprintf(stderr, "reply %zu: got 0x%02X, want 0x%02X\n", i, got, want[i]);
			ok = false;
		}
	}
	return ok && !obf();
}

#define EXCHANGE(send, want) keyboard_exchange(send, sizeof(send), want, sizeof(want))

static void type(const char *text)
{
	for (; *text; text++) {
		uint8_t codes[KEYMAP_MAX_CODES];
		int n = keymap_from_byte((uint8_t)*text, codes, sizeof(codes));
		CHECK(n > 0);
		i8042_key_codes(&kbc, codes, (size_t)n);
	}
}

/* Read bytes while OBF is set (at most max): how many. */
static size_t drain(uint8_t *out, size_t max)
{
	size_t n = 0;
	while (n < max && obf())
		out[n++] = inb(I8042_DATA_PORT);
	return n;
}

/* ---- keymap ------------------------------------------------------------- */

static bool codes_are(uint8_t byte, const uint8_t *want, int nwant)
{
	uint8_t codes[KEYMAP_MAX_CODES];
	int n = keymap_from_byte(byte, codes, sizeof(codes));
	return n == nwant && memcmp(codes, want, (size_t)n) == 0;
}

static void test_keymap_codes(void)
{
	CHECK(codes_are('a', (const uint8_t[]){0x1E, 0x9E}, 2));
	CHECK(codes_are('A', (const uint8_t[]){0x2A, 0x1E, 0x9E, 0xAA}, 4));
	CHECK(codes_are('1', (const uint8_t[]){0x02, 0x82}, 2));
	CHECK(codes_are('!', (const uint8_t[]){0x2A, 0x02, 0x82, 0xAA}, 4));
	CHECK(codes_are(' ', (const uint8_t[]){0x39, 0xB9}, 2));
	CHECK(codes_are('\n', (const uint8_t[]){0x1C, 0x9C}, 2));
	CHECK(codes_are('\r', (const uint8_t[]){0x1C, 0x9C}, 2));
	CHECK(codes_are(0x7F, (const uint8_t[]){0x0E, 0x8E}, 2));
	CHECK(codes_are(0x08, (const uint8_t[]){0x0E, 0x8E}, 2));
	CHECK(codes_are('\t', (const uint8_t[]){0x0F, 0x8F}, 2));
	CHECK(codes_are(0x1B, (const uint8_t[]){0x01, 0x81}, 2));
	CHECK(codes_are(0x03, (const uint8_t[]){0x1D, 0x2E, 0xAE, 0x9D}, 4));
	CHECK(codes_are(0x1A, (const uint8_t[]){0x1D, 0x2C, 0xAC, 0x9D}, 4));
	CHECK(codes_are('/', (const uint8_t[]){0x35, 0xB5}, 2));
	CHECK(codes_are('~', (const uint8_t[]){0x2A, 0x29, 0xA9, 0xAA}, 4));
	/* Every character the brief names needs Shift; their digits' keys not. */
	for (const char *c = "ABCXYZ!@#$%^&*()_+{}|:\"<>?~"; *c; c++) {
		uint8_t codes[KEYMAP_MAX_CODES];
		CHECK(keymap_from_byte((uint8_t)*c, codes, sizeof(codes)) == 4);
		CHECK(codes[0] == KEYMAP_LEFT_SHIFT && codes[3] == (KEYMAP_LEFT_SHIFT | 0x80));
	}
	for (const char *c = "abz0123456789-=[]\\;',./`"; *c; c++) {
		uint8_t codes[KEYMAP_MAX_CODES];
		CHECK(keymap_from_byte((uint8_t)*c, codes, sizeof(codes)) == 2);
	}
	uint8_t small[3];
	CHECK(keymap_from_byte('A', small, 3) == -1);
	CHECK(keymap_from_byte('a', small, 2) == 2);
	for (unsigned b = 0x80; b < 0x100; b++)
		CHECK(keymap_from_byte((uint8_t)b, small, 3) == 0 &&
		      keymap_bios_key((uint8_t)b) == 0);
}

/* Every byte 0x00-0x7F has a key; no two printable characters share one
 * press; the BIOS word names the same key. */
static void test_keymap_total(void)
{
	static uint8_t seen[0x80][KEYMAP_MAX_CODES + 1];
	for (unsigned b = 0; b < 0x80; b++) {
		uint8_t codes[KEYMAP_MAX_CODES];
		int n = keymap_from_byte((uint8_t)b, codes, sizeof(codes));
		CHECK(n == 2 || n == 4);
		if (n < 2)
			continue;
		uint8_t make = codes[n == 4 ? 1 : 0];
		CHECK(codes[n == 4 ? 2 : 1] == (make | 0x80));
		CHECK(keymap_bios_key((uint8_t)b) >> 8 == make);
		seen[b][0] = (uint8_t)n;
		memcpy(seen[b] + 1, codes, (size_t)n);
		for (unsigned other = 0x20; b >= 0x20 && b < 0x7F && other < b; other++)
			CHECK(memcmp(seen[other], seen[b], sizeof(seen[b])) != 0);
	}
}

static void test_keymap_bios(void)
{
	CHECK(keymap_bios_key('a') == 0x1E61);
	CHECK(keymap_bios_key('A') == 0x1E41);
	CHECK(keymap_bios_key('\n') == 0x1C0D);
	CHECK(keymap_bios_key('\r') == 0x1C0D);
	CHECK(keymap_bios_key(0x7F) == 0x0E08);
	CHECK(keymap_bios_key(0x08) == 0x0E08);
	CHECK(keymap_bios_key(0x1B) == 0x011B);
	CHECK(keymap_bios_key(0x03) == 0x2E03);
	CHECK(keymap_bios_key('\t') == 0x0F09);
	CHECK(keymap_bios_key(' ') == 0x3920);
	CHECK(keymap_bios_key('!') == 0x0221);
	CHECK(keymap_bios_key('0') == 0x0B30);
	CHECK(keymap_bios_key(0x00) == 0x0300); /* Ctrl-@: Ctrl+2 */
	CHECK(keymap_bios_key(0x1C) == 0x2B1C); /* Ctrl-\ */
	CHECK(keymap_bios_key(0x1E) == 0x071E); /* Ctrl-^: Ctrl+6 */
	CHECK(keymap_bios_key(0x1F) == 0x0C1F); /* Ctrl-_: Ctrl+- */
	struct keymap_key key;
	CHECK(keymap_lookup(0x03, &key) && key.modifier == KEYMAP_CTRL && key.scan == 0x2E);
	CHECK(keymap_lookup('"', &key) && key.modifier == KEYMAP_SHIFT && key.scan == 0x28);
	CHECK(!keymap_lookup(0xC3, &key));
}

/* ---- the controller -------------------------------------------------------- */

static void test_power_on(void)
{
	setup();
	CHECK(inb(I8042_STATUS_PORT) == (I8042_STR_SYS | I8042_STR_UNLOCKED));
	CHECK(command_reply(0x20) == I8042_CTR_DEFAULT);
	CHECK(I8042_CTR_DEFAULT ==
	      (I8042_CTR_KBD_INT | I8042_CTR_SYS | I8042_CTR_AUX_DIS | I8042_CTR_XLATE));
	CHECK(command_reply(0xD0) == 0xCF);
	CHECK(command_reply(0xC0) == 0xA0);
	CHECK(inb(I8042_PORT_A) == 0);
	CHECK(i8042_a20(&kbc) && a20_calls == 0);
	CHECK(!obf());
	/* Nothing new: the data port reads the last byte again, OBF stays clear. */
	CHECK(inb(I8042_DATA_PORT) == 0xA0 && !obf());
	/* Wide accesses: one byte per port; 0x61 is somebody else's. */
	uint8_t wide[2] = {0, 0};
	command(0xAB);
	bus_pio(&bus, NULL, I8042_DATA_PORT, wide, 2, false);
	CHECK(wide[0] == 0x00 && wide[1] == 0xFF && !obf());
}

static void test_self_test_and_status(void)
{
	setup();
	write_command_byte(0x61); /* system flag clear */
	CHECK(!(inb(I8042_STATUS_PORT) & I8042_STR_SYS));
	CHECK(!(inb(I8042_STATUS_PORT) & I8042_STR_CMD)); /* last write: data */
	command(0xAA);
	uint8_t st = inb(I8042_STATUS_PORT);
	CHECK(st == (I8042_STR_OBF | I8042_STR_SYS | I8042_STR_CMD | I8042_STR_UNLOCKED));
	CHECK(inb(I8042_DATA_PORT) == 0x55);
	CHECK(inb(I8042_STATUS_PORT) == (I8042_STR_SYS | I8042_STR_CMD | I8042_STR_UNLOCKED));
	CHECK(command_reply(0xAB) == 0x00);
	CHECK(!(inb(I8042_STATUS_PORT) & (I8042_STR_IBF | I8042_STR_AUX_OBF)));
}

static void test_command_byte(void)
{
	setup();
	write_command_byte(0x47);
	CHECK(command_reply(0x20) == 0x47);
	command(0xAD);
	CHECK(command_reply(0x20) == (0x47 | I8042_CTR_KBD_DIS));
	command(0xAE);
	CHECK(command_reply(0x20) == 0x47);
	command(0xA7);
	CHECK(command_reply(0x20) == (0x47 | I8042_CTR_AUX_DIS));
	command(0xA8);
	CHECK(command_reply(0x20) == 0x47);
	/* The rest of the controller's RAM. */
	command_data(0x65, 0x5A);
	CHECK(command_reply(0x25) == 0x5A && command_reply(0x20) == 0x47);
	/* A command between a command and its data byte cancels the first. */
	command(0x60);
	command(0xAB);
	CHECK(read_byte() == 0x00);
	outb(I8042_DATA_PORT, 0xEE); /* to the keyboard: echo */
	CHECK(read_byte() == 0xEE && command_reply(0x20) == 0x47);
	/* 0xD2: the byte comes back as keyboard data. */
	command_data(0xD2, 0x9C);
	CHECK(read_byte() == 0x9C && !obf());
	/* 0xD4: for the missing mouse, swallowed. */
	command_data(0xD4, 0xFF);
	CHECK(!obf());
	/* Unknown commands do nothing (and are noted once). */
	command(0xA1);
	command(0x05);
	CHECK(!obf() && command_reply(0x20) == 0x47);
}

static void test_keyboard_commands(void)
{
	setup();
	CHECK(EXCHANGE(((uint8_t[]){0xFF}), ((uint8_t[]){0xFA, 0xAA})));
	CHECK(EXCHANGE(((uint8_t[]){0xED, 0x07}), ((uint8_t[]){0xFA, 0xFA})));
	CHECK(kbc.s.leds == 7);
	CHECK(EXCHANGE(((uint8_t[]){0xEE}), ((uint8_t[]){0xEE})));
	/* Translation on: the controller turns the ID's 0x83 into 0x41. */
	CHECK(EXCHANGE(((uint8_t[]){0xF2}), ((uint8_t[]){0xFA, 0xAB, 0x41})));
	CHECK(EXCHANGE(((uint8_t[]){0xF0, 0x00}), ((uint8_t[]){0xFA, 0xFA, 0x41})));
	CHECK(EXCHANGE(((uint8_t[]){0xF0, 0x01, 0xF0, 0x00}),
	               ((uint8_t[]){0xFA, 0xFA, 0xFA, 0xFA, 0x43})));
	CHECK(EXCHANGE(((uint8_t[]){0xF3, 0x20}), ((uint8_t[]){0xFA, 0xFA})));
	CHECK(kbc.s.typematic == 0x20);
	CHECK(EXCHANGE(((uint8_t[]){0xF5, 0xF4}), ((uint8_t[]){0xFA, 0xFA})));
	CHECK(EXCHANGE(((uint8_t[]){0x42}), ((uint8_t[]){0xFE})));
	CHECK(EXCHANGE(((uint8_t[]){0xEE, 0xFE}), ((uint8_t[]){0xEE, 0xEE}))); /* resend */
	/* Translation off: the keyboard's own bytes. */
	write_command_byte(0x25);
	CHECK(EXCHANGE(((uint8_t[]){0xF2}), ((uint8_t[]){0xFA, 0xAB, 0x83})));
	CHECK(EXCHANGE(((uint8_t[]){0xF6, 0xF0, 0x00}), ((uint8_t[]){0xFA, 0xFA, 0xFA, 0x02})));
	/* Reset: defaults back, LEDs off. */
	CHECK(EXCHANGE(((uint8_t[]){0xFF}), ((uint8_t[]){0xFA, 0xAA})));
	CHECK(kbc.s.leds == 0 && kbc.s.typematic == I8042_TYPEMATIC_DEFAULT);
}

/* SeaBIOS's keyboard set-up, step by step. */
static void test_seabios_sequence(void)
{
	setup();
	write_command_byte(I8042_CTR_AUX_DIS | I8042_CTR_KBD_DIS);
	CHECK(command_reply(0xAA) == 0x55);
	CHECK(command_reply(0xAB) == 0x00);
	/* Keyboard bytes wait while the interface is disabled ... */
	type("x");
	CHECK(!obf());
	/* ... sending to the keyboard enables it: the reply comes first. */
	CHECK(EXCHANGE(((uint8_t[]){0xFF}), ((uint8_t[]){0xFA, 0xAA, 0x2D, 0xAD})));
	CHECK(command_reply(0x20) == I8042_CTR_AUX_DIS);
	write_command_byte(I8042_CTR_AUX_DIS | I8042_CTR_XLATE | I8042_CTR_KBD_INT);
	CHECK(
	    EXCHANGE(((uint8_t[]){0xF5, 0xF0, 0x02, 0xF4}), ((uint8_t[]){0xFA, 0xFA, 0xFA, 0xFA})));
}

static void test_typing(void)
{
	setup();
	type("Hi!\n");
	static const uint8_t want[] = {0x2A, 0x23, 0xA3, 0xAA, 0x17, 0x97,
	                               0x2A, 0x02, 0x82, 0xAA, 0x1C, 0x9C};
	uint8_t got[32];
	size_t n = drain(got, sizeof(got));
	CHECK(n == sizeof(want) && memcmp(got, want, sizeof(want)) == 0);
	CHECK(inb(I8042_STATUS_PORT) == (I8042_STR_SYS | I8042_STR_UNLOCKED));
	CHECK(rising_edges == sizeof(want) && !irq_level);
}

static void test_replies_before_keys(void)
{
	setup();
	type("a");
	CHECK(obf());     /* 0x1E is in the output buffer */
	command(0x20);    /* its reply waits for it ... */
	outb(0x60, 0xEE); /* ... and the keyboard's echo for that */
	uint8_t got[8];
	CHECK(drain(got, sizeof(got)) == 4);
	CHECK(got[0] == 0x1E && got[1] == 0x65 && got[2] == 0xEE && got[3] == 0x9E);
}

static void test_keys_wait(void)
{
	setup();
	command(0xAD);
	type("a");
	CHECK(!obf());
	CHECK(command_reply(0xD0) == 0xCF); /* the controller still answers */
	command(0xAE);
	CHECK(read_byte() == 0x1E && read_byte() == 0x9E);
	outb(I8042_DATA_PORT, 0xF5); /* scanning off: keys wait too */
	type("a");
	CHECK(read_byte() == 0xFA && !obf());
	outb(I8042_DATA_PORT, 0xF4);
	CHECK(read_byte() == 0xFA && read_byte() == 0x1E && read_byte() == 0x9E && !obf());
	/* OBF shows in the output port's bit 4 until the guest reads the byte. */
	type("b");
	command(0xD0);
	CHECK(read_byte() == 0x30);
	CHECK(read_byte() == (0xCF | I8042_OUT_OBF));
	CHECK(read_byte() == 0xB0);
}

static void test_irq_edges(void)
{
	setup();
	type("a");
	CHECK(rising_edges == 1 && irq_level);
	(void)inb(I8042_STATUS_PORT); /* status reads change nothing */
	CHECK(rising_edges == 1 && irq_level);
	CHECK(inb(I8042_DATA_PORT) == 0x1E);
	CHECK(rising_edges == 2 && irq_level);
	CHECK(inb(I8042_DATA_PORT) == 0x9E);
	CHECK(rising_edges == 2 && !irq_level);
	CHECK(command_reply(0xAB) == 0x00 && rising_edges == 3 && !irq_level);

	/* IRQ enable off: no edges, polling still works. */
	write_command_byte(I8042_CTR_DEFAULT & ~I8042_CTR_KBD_INT);
	unsigned before = rising_edges;
	type("ab");
	uint8_t got[8];
	CHECK(drain(got, sizeof(got)) == 4 && rising_edges == before && !irq_level);

	/* Enabling it with a byte waiting raises the line. */
	type("c");
	CHECK(!irq_level);
	write_command_byte(I8042_CTR_DEFAULT);
	CHECK(irq_level && rising_edges == before + 1);
	/* Disabling it drops the line. */
	write_command_byte(I8042_CTR_DEFAULT & ~I8042_CTR_KBD_INT);
	CHECK(!irq_level);
}

/* Through the real 8259: one interrupt per byte, each read in the handler. */
static void test_irq_through_pic(void)
{
	static struct pic pic;
	bus_destroy(&bus);
	CHECK(bus_init(&bus) == 0);
	CHECK(pic_init(&pic, &bus) == 0);
	CHECK(i8042_init(&kbc, &bus, pic_irq_line(&pic, I8042_IRQ)) == 0);
	outb(0x21, 0xF9); /* unmask IRQ 1 and the cascade */
	type("A");
	uint8_t got[8];
	size_t n = 0;
	while (n < sizeof(got) && pic_intr_pending(&pic)) {
		CHECK(pic_intr_ack(&pic) == PIC_MASTER_VBASE + 1);
		got[n++] = inb(I8042_DATA_PORT); /* the handler reads one byte */
		outb(0x20, 0x20);                /* and sends EOI */
	}
	CHECK(n == 4 && memcmp(got, (const uint8_t[]){0x2A, 0x1E, 0x9E, 0xAA}, 4) == 0);
	CHECK(!obf());
}

static void test_a20(void)
{
	setup();
	command_data(0xD1, 0xCD); /* A20 off */
	CHECK(!i8042_a20(&kbc) && a20_calls == 1 && !a20_last);
	CHECK(command_reply(0xD0) == 0xCD);
	outb(I8042_PORT_A, 0x02); /* on through port 0x92 */
	CHECK(i8042_a20(&kbc) && a20_calls == 2 && a20_last);
	CHECK(inb(I8042_PORT_A) == 0x02);
	command_data(0xD1, 0xCF); /* both on: no change */
	CHECK(a20_calls == 2);
	outb(I8042_PORT_A, 0x00); /* the output port still enables it */
	CHECK(i8042_a20(&kbc) && a20_calls == 2);
	command_data(0xD1, 0xCD);
	CHECK(!i8042_a20(&kbc) && a20_calls == 3 && !a20_last);
	command(0xDF);
	CHECK(i8042_a20(&kbc) && a20_calls == 4 && command_reply(0xD0) == 0xCF);
	command(0xDD);
	CHECK(!i8042_a20(&kbc) && a20_calls == 5 && command_reply(0xD0) == 0xCD);
	command(0xDD);
	CHECK(a20_calls == 5);
	/* Other port 0x92 bits are stored. */
	outb(I8042_PORT_A, 0xC8);
	CHECK(inb(I8042_PORT_A) == 0xC8 && a20_calls == 5);
	CHECK(reset_calls == 0);
	/* A system reset turns it back on. */
	i8042_reset(&kbc);
	CHECK(i8042_a20(&kbc) && a20_calls == 6 && a20_last && inb(I8042_PORT_A) == 0);
}

static void test_reset_pulse(void)
{
	setup();
	command(0xFE);
	CHECK(reset_calls == 1);
	command(0xFF); /* pulses nothing */
	command(0xFD);
	CHECK(reset_calls == 1);
	command(0xF0);
	CHECK(reset_calls == 2);
	command_data(0xD1, 0xCE); /* reset bit clear */
	CHECK(reset_calls == 3);
	CHECK(command_reply(0xD0) == 0xCF); /* the line is high again */
	outb(I8042_PORT_A, 0x03);
	CHECK(reset_calls == 4);
	CHECK(inb(I8042_PORT_A) == 0x02);
	outb(I8042_PORT_A, 0x02);
	CHECK(reset_calls == 4 && a20_calls == 0);
	/* The board resets the device from the callback: safe. */
	reset_resets_device = true;
	write_command_byte(0x00);
	command(0xFE);
	CHECK(reset_calls == 5 && command_reply(0x20) == I8042_CTR_DEFAULT);
}

static void test_fifo_overflow(void)
{
	setup();
	CHECK(i8042_key_room(&kbc) == I8042_FIFO_SIZE);
	unsigned keys = 0;
	while (i8042_key_room(&kbc) >= 2) {
		type("a");
		keys++;
	}
	/* The first byte went to the output buffer at once. */
	CHECK(keys == I8042_FIFO_SIZE / 2 && i8042_key_room(&kbc) == 1);
	type("b"); /* dropped whole */
	type("B"); /* 4 bytes: dropped whole */
	static uint8_t got[I8042_FIFO_SIZE + 8];
	size_t n = drain(got, sizeof(got));
	CHECK(n == I8042_FIFO_SIZE);
	bool alternate = true;
	for (size_t i = 0; i < n; i++)
		alternate &= got[i] == (i % 2 ? 0x9E : 0x1E);
	CHECK(alternate);
	CHECK(i8042_key_room(&kbc) == I8042_FIFO_SIZE);
	/* Typed-ahead keys survive a system reset. */
	command(0xAD);
	type("q");
	i8042_reset(&kbc);
	CHECK(read_byte() == 0x10 && read_byte() == 0x90);
}

static void test_snapshot(void)
{
	setup();
	type("Hi");
	CHECK(inb(I8042_DATA_PORT) == 0x2A);
	struct i8042_state saved = kbc.s;
	uint8_t first[8], again[8];
	size_t n = drain(first, sizeof(first));
	CHECK(n == 5 && !irq_level);
	kbc.s = saved;
	i8042_post_load(&kbc);
	CHECK(irq_level);
	CHECK(drain(again, sizeof(again)) == n && memcmp(first, again, n) == 0);
}

static void test_random_guest(void)
{
	setup();
	reset_resets_device = true;
	static const uint16_t ports[] = {I8042_DATA_PORT, I8042_STATUS_PORT, I8042_PORT_A};
	uint32_t x = 4242;
	for (unsigned i = 0; i < 200000; i++) {
		uint32_t r = random_pio(&x, ports, 3);
		if ((r >> 24 & 3) == 3 && (r & 1))
			type((r >> 16 & 1) ? "Hello, World!\n" : "x");
	}
	/* Whatever happened, the controller still answers a BIOS. */
	write_command_byte(I8042_CTR_DEFAULT);
	outb(I8042_PORT_A, 0);
	outb(I8042_DATA_PORT, 0xF4); /* maybe an argument byte, */
	outb(I8042_DATA_PORT, 0xF4); /* then surely scanning on */
	uint8_t sink[I8042_FIFO_SIZE + 64];
	drain(sink, sizeof(sink));
	CHECK(!obf());
	CHECK(command_reply(0xAA) == 0x55 && !obf());
	CHECK(EXCHANGE(((uint8_t[]){0xFF}), ((uint8_t[]){0xFA, 0xAA})));
	CHECK(a20_last == i8042_a20(&kbc) && reset_calls > 0);
}

int main(void)
{
	test_keymap_codes();
	test_keymap_total();
	test_keymap_bios();
	test_power_on();
	test_self_test_and_status();
	test_command_byte();
	test_keyboard_commands();
	test_seabios_sequence();
	test_typing();
	test_replies_before_keys();
	test_keys_wait();
	test_irq_edges();
	test_irq_through_pic();
	test_a20();
	test_reset_pulse();
	test_fifo_overflow();
	test_snapshot();
	test_random_guest();
	bus_destroy(&bus);
	return check_status("test_i8042");
}
