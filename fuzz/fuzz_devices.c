/* libFuzzer target: the PC board's devices driven through the bus.
 *
 * A struct pc_board (the 8259 pair, the PIT, the CMOS RTC, the MMIO RTC)
 * (with the 8042 and the VGA) plus the COM1 UART on the same bus, with a clock
 * the input advances.  The input is a sequence of operations, each an
 * opcode byte and its argument bytes (missing bytes read as 0):
 *   port read/write   size 1, 2 or 4 at a device's port or any port
 *   MMIO read/write   size 1, 2, 4 or 8 at 0xD0000 + offset, any alignment
 *                     (a little past the page too)
 *   clock             advance virtual time, run the due timers
 *   INTA              the interrupt acknowledge cycle
 *   IRQ lines         raise, lower or pulse a line 0-15 (or a bad one)
 *   host              key codes into the 8042; read the VGA screen
 *   snapshot          save the device states, reset, restore
 * Invariants checked beyond crashes and sanitizer reports:
 *   - an INTA returns a vector of one of the chips' programmed bases (base
 *     + IR, spurious IR 7 included) or 0xFF (cascade with no slave on the
 *     bus);
 *   - pc_board_next_wakeup() is never earlier than the clock's earliest
 *     deadline;
 *   - an access where no device is reads as all ones;
 *   - no timer is left due after vclock_run_timers() unless it re-armed
 *     itself for a later time (each firing moves time forward);
 *   - restoring a snapshot a second time changes no device state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/i8042.h"
#include "hw/pc.h"
#include "hw/uart.h"
#include "hw/vga.h"

/* The corpus replay.c runs when given no directory. */
const char fuzz_corpus_name[] = "devices";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Virtual time never comes near the ns that fit an int64 (292 years). */
#define TIME_LIMIT (1ull << 60)

struct machine {
	struct pc_board board;
	struct uart uart;
	struct i8042 *kbd; /* the board's */
	struct vga *vga;
	uint64_t now;
};

/* The input, read an argument at a time; past its end, zeros. */
struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++) {
		uint8_t b = 0;
		if (in->left) {
			b = *in->p++;
			in->left--;
		}
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static uint64_t fake_clock(void *opaque)
{
	return ((struct machine *)opaque)->now;
}

static void discard(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
}

static uint8_t text_ram[VGA_TEXT_SIZE];

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_devices: %s\n", what);
	abort();
}

/* Every device's ports, so that most accesses hit one. */
static const uint16_t device_ports[] = {
    0x20,  0x21,  0xa0,  0xa1,  0x4d0, 0x4d1, 0x40,  0x41,  0x42,  0x43,  0x61,
    0x70,  0x71,  0x60,  0x64,  0x92,  0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd,
    0x3fe, 0x3ff, 0xe9,  0x3b4, 0x3b5, 0x3ba, 0x3c0, 0x3c1, 0x3c2, 0x3c3, 0x3c4,
    0x3c5, 0x3c6, 0x3c7, 0x3c8, 0x3c9, 0x3ca, 0x3cc, 0x3ce, 0x3cf, 0x3d4, 0x3d5,
    0x3da,
};
#define N_DEVICE_PORTS (sizeof(device_ports) / sizeof(device_ports[0]))

static uint16_t take_port(struct input *in)
{
	unsigned i = (unsigned)take(in, 1);
	return i < N_DEVICE_PORTS ? device_ports[i] : (uint16_t)take(in, 2);
}

static void port_access(struct machine *m, struct input *in, bool is_write)
{
	static const unsigned sizes[] = {1, 2, 4};
	uint16_t port = take_port(in);
	unsigned size = sizes[take(in, 1) % 3];
	uint8_t buf[4];
	bus_set_value(buf, 4, is_write ? take(in, 4) : 0x5a5a5a5a);
	if (!bus_pio(&m->board.bus, NULL, port, buf, size, is_write) && !is_write &&
	    bus_value(buf, size) != (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1))
		fail("a port nobody claims did not read all ones");
}

static void mmio_access(struct machine *m, struct input *in, bool is_write)
{
	static const unsigned sizes[] = {1, 2, 4, 8};
	/* The page, and 16 bytes either side of it. */
	uint64_t addr = PC_RTC_MMIO_BASE - 16 + take(in, 2) % (PC_RTC_MMIO_SIZE + 32);
	unsigned size = sizes[take(in, 1) % 4];
	uint8_t buf[8];
	bus_set_value(buf, 8, is_write ? take(in, 8) : 0x5a5a5a5a5a5a5a5aull);
	if (!bus_mmio(&m->board.bus, NULL, addr, buf, size, is_write) && !is_write &&
	    bus_value(buf, size) != (size == 8 ? ~0ull : (1ull << (8 * size)) - 1))
		fail("MMIO nobody claims did not read all ones");
}

/* Advance by a 16-bit amount scaled by 2^0..2^35 ns: from one PIT clock to
 * days, so that both single edges and long gaps happen. */
static void advance(struct machine *m, struct input *in)
{
	uint64_t amount = take(in, 2) << (take(in, 1) % 36);
	if (amount < TIME_LIMIT - m->now)
		m->now += amount;
}

static void run_timers(struct machine *m)
{
	vclock_run_timers(&m->board.clock);
	/* A timer that fired re-arms for a later time, never for now or before. */
	if (vclock_next_deadline(&m->board.clock) <= m->now)
		fail("a timer is still due after vclock_run_timers");
}

static bool vector_of(const struct pic_chip *c, uint8_t v)
{
	return (v & 0xf8) == (c->base & 0xf8);
}

static void inta(struct machine *m)
{
	struct pic *pic = &m->board.pic;
	struct pic_state before = pic->state;
	uint8_t v = pic_intr_ack(pic);
	if (!vector_of(&before.chip[0], v) && !vector_of(&before.chip[1], v) && v != 0xff) {
		fprintf(stderr, "fuzz_devices: INTA vector %#x, bases %#x and %#x\n", v,
		        before.chip[0].base, before.chip[1].base);
		abort();
	}
}

static void check_wakeup(struct machine *m)
{
	uint64_t w = pc_board_next_wakeup(&m->board);
	if (w < vclock_next_deadline(&m->board.clock))
		fail("next wake-up before the earliest deadline");
}

/* Raise, lower or pulse a line: the PIC's own inputs, as a device would. */
static void irq_op(struct machine *m, struct input *in, bool raise, bool lower)
{
	struct irq_line line = pc_board_irq(&m->board, (unsigned)take(in, 1) % 17); /* 16: ignored */
	if (raise)
		irq_raise(&line);
	if (lower)
		irq_lower(&line);
}

static void keys(struct machine *m, struct input *in)
{
	uint8_t codes[8];
	size_t n = take(in, 1) % (sizeof(codes) + 1);
	for (size_t i = 0; i < n; i++)
		codes[i] = (uint8_t)take(in, 1);
	i8042_key_codes(m->kbd, codes, n);
}

static void read_screen(struct machine *m, struct input *in)
{
	static struct vga_screen screen;
	char text[VGA_ROWS * (VGA_COLS * 3 + 1) + 1];
	unsigned row, col;
	bool visible;
	size_t len = 1 + take(in, 2) % sizeof(text);
	vga_screen(m->vga, &screen);
	vga_cursor(m->vga, &row, &col, &visible);
	if (vga_screen_text(m->vga, text, len) >= len || strlen(text) >= len)
		fail("vga_screen_text overflowed its buffer");
}

/* Every device's guest-visible state: plain data, copied with memcpy so
 * that padding compares too. */
struct snapshot {
	struct pic_state pic;
	struct pit_state pit;
	struct cmos_state cmos;
	struct goldfish_rtc_state rtc;
	struct i8042_state kbd;
};

static void save(struct machine *m, struct snapshot *s)
{
	memcpy(&s->pic, &m->board.pic.state, sizeof(s->pic));
	memcpy(&s->pit, &m->board.pit.state, sizeof(s->pit));
	memcpy(&s->cmos, &m->board.cmos.s, sizeof(s->cmos));
	memcpy(&s->rtc, &m->board.rtc.s, sizeof(s->rtc));
	memcpy(&s->kbd, &m->kbd->s, sizeof(s->kbd));
}

/* Reset the devices that can be, then load s and bring them in line with
 * it (and the clock), as restoring a snapshot does. */
static void restore(struct machine *m, const struct snapshot *s)
{
	struct pc_board *b = &m->board;
	pic_reset(&b->pic);
	pit_reset(&b->pit);
	i8042_reset(m->kbd);
	memcpy(&b->pic.state, &s->pic, sizeof(s->pic));
	memcpy(&b->pit.state, &s->pit, sizeof(s->pit));
	memcpy(&b->cmos.s, &s->cmos, sizeof(s->cmos));
	memcpy(&b->rtc.s, &s->rtc, sizeof(s->rtc));
	memcpy(&m->kbd->s, &s->kbd, sizeof(s->kbd));
	pic_post_load(&b->pic);
	pit_post_load(&b->pit);
	cmos_resync(&b->cmos);
	goldfish_rtc_resync(&b->rtc);
	i8042_post_load(m->kbd);
}

/* Save, reset, restore; then the same again: the first restore may bring
 * the state up to the clock (and the IRQ inputs to what the devices drive,
 * where the fuzzer drove them otherwise), the second must change nothing. */
static void snapshot(struct machine *m)
{
	static struct snapshot first, second;
	save(m, &first);
	restore(m, &first);
	save(m, &first);
	restore(m, &first);
	save(m, &second);
	if (memcmp(&first, &second, sizeof(first)))
		fail("restoring a restored snapshot changed the devices' state");
}

enum op {
	OP_PORT_READ,
	OP_PORT_WRITE,
	OP_MMIO_READ,
	OP_MMIO_WRITE,
	OP_ADVANCE,
	OP_RUN_TIMERS,
	OP_INTA,
	OP_INTA_IF_PENDING,
	OP_IRQ_RAISE,
	OP_IRQ_LOWER,
	OP_IRQ_PULSE,
	OP_KEYS,
	OP_SCREEN,
	OP_SNAPSHOT,
	OP_COUNT
};

static void step(struct machine *m, struct input *in)
{
	enum op op = (enum op)(take(in, 1) % OP_COUNT);
	switch (op) {
	case OP_PORT_READ:
		port_access(m, in, false);
		break;
	case OP_PORT_WRITE:
		port_access(m, in, true);
		break;
	case OP_MMIO_READ:
		mmio_access(m, in, false);
		break;
	case OP_MMIO_WRITE:
		mmio_access(m, in, true);
		break;
	case OP_ADVANCE:
		advance(m, in);
		break;
	case OP_RUN_TIMERS:
		run_timers(m);
		break;
	case OP_INTA:
		inta(m);
		break;
	case OP_INTA_IF_PENDING:
		if (pic_intr_pending(&m->board.pic))
			inta(m);
		break;
	case OP_IRQ_RAISE:
		irq_op(m, in, true, false);
		break;
	case OP_IRQ_LOWER:
		irq_op(m, in, false, true);
		break;
	case OP_IRQ_PULSE:
		irq_op(m, in, true, true);
		break;
	case OP_KEYS:
		keys(m, in);
		break;
	case OP_SCREEN:
		read_screen(m, in);
		break;
	case OP_SNAPSHOT:
		snapshot(m);
		break;
	case OP_COUNT: /* not an operation: the modulus keeps op below it */
		break;
	}
	check_wakeup(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct machine m;
	struct input in = {data, size};

	memset(&m, 0, sizeof(m));
	/* 2000-01-01T00:00:00Z at virtual time 0, as --clock would give it. */
	if (pc_board_init_clocked(&m.board, 1u << 20, 946684800ll * 1000000000ll, fake_clock, &m) < 0)
		abort();
	uart_init(&m.uart, (struct console_sink){.write = discard}, -1);
	memcpy(text_ram, data, size < sizeof(text_ram) ? size : sizeof(text_ram));
	m.kbd = &m.board.kbd;
	m.vga = &m.board.vga;
	m.vga->text = text_ram;
	if (uart_register(&m.uart, &m.board.bus) < 0)
		abort();
	while (in.left)
		step(&m, &in);
	pc_board_destroy(&m.board);
	return 0;
}
