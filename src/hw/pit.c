/* The 8254 interval timer and port 0x61: counters computed lazily from the
 * virtual clock, one timer for channel 0's rising edges.  See pit.h. */
#include <stdio.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/pit.h"

#define PIT_CONTROL   (PIT_BASE + 3)
#define REFRESH_TICKS 18 /* the PC's DRAM refresh period: ~15.085 us */
#define NO_EDGE       UINT64_MAX

enum { ACCESS_LSB = 1, ACCESS_MSB = 2, ACCESS_WORD = 3 };
enum pit_note { NOTE_BAD_BCD = 1, NOTE_COUNT_1 = 2 };

static void note_once(struct pit *pit, enum pit_note what, const char *msg)
{
	if (pit->noted & what)
		return;
	pit->noted |= what;
	fprintf(stderr, "kvm-gdbstub: pit: %s\n", msg);
}

/* ---- time: ticks of the input clock since virtual 0 ---- */

static uint64_t tick_at(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * PIT_HZ / NS_PER_SEC);
}

/* The first ns at which tick_at() reaches tick. */
static uint64_t ns_of_tick(uint64_t tick)
{
	unsigned __int128 ns = ((unsigned __int128)tick * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ;
	return ns < VCLOCK_NEVER ? (uint64_t)ns : VCLOCK_NEVER - 1;
}

/* ---- one counter ---- */

static uint32_t modulus(const struct pit_channel *c)
{
	return c->bcd ? 10000 : 0x10000;
}

static uint16_t to_bcd(uint32_t v)
{
	return (uint16_t)(v % 10 | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 |
	                  (v / 1000 % 10) << 12);
}

/* Modes 1 and 5 count regardless of GATE (it triggers them). */
static bool gate_stops(unsigned mode)
{
	return mode != 1 && mode != 5;
}

/* d: input clocks counted since the count was loaded. */
static uint64_t elapsed(const struct pit_channel *c, uint64_t t)
{
	if (c->paused)
		return c->held;
	return t > c->load_tick ? t - c->load_tick : 0;
}

/* Load the count register into the counting element: counting starts. */
static void start(struct pit_channel *c, uint64_t t)
{
	c->count = c->cr;
	c->load_tick = t;
	c->held = 0;
	c->phase = PIT_COUNTING;
	c->reload_pending = c->null_count = false;
	c->paused = !c->gate && gate_stops(c->mode);
}

/* Modes 2 and 3: a count written during a period takes over at its end. */
static void settle(struct pit_channel *c, uint64_t t)
{
	if (c->phase != PIT_COUNTING || !c->reload_pending || c->paused || elapsed(c, t) < c->count)
		return;
	c->load_tick += c->count;
	c->count = c->cr;
	c->reload_pending = c->null_count = false;
}

/* Mode 3 counts down by two; an odd count spends one clock more high
 * (N, N-1, N-3, ... 2) than low (N, N-3, ... 2). */
static uint32_t mode3_element(uint32_t n, uint64_t d)
{
	uint32_t h = (uint32_t)(d % n);
	if (n % 2 == 0)
		return n - 2 * (h % (n / 2));
	uint32_t high = (n + 1) / 2;
	if (h < high)
		return h == 0 ? n : n - 1 - 2 * (h - 1);
	uint32_t l = h - high;
	return l == 0 ? n : n - 3 - 2 * (l - 1);
}

/* The counting element now, in binary (0..modulus-1). */
static uint32_t counting_element(const struct pit_channel *c, uint64_t t)
{
	uint32_t m = modulus(c);
	if (c->phase != PIT_COUNTING)
		return c->frozen % m;
	uint64_t d = elapsed(c, t);
	uint32_t n = c->count;
	switch (c->mode) {
	case 2:
		return (n - (uint32_t)(d % n)) % m;
	case 3:
		return mode3_element(n, d) % m;
	default: /* 0, 1, 4, 5 wrap around after terminal count */
		return (uint32_t)((n + m - d % m) % m);
	}
}

static bool channel_out(const struct pit_channel *c, uint64_t t)
{
	if (c->phase == PIT_NO_COUNT)
		return c->mode != 0;
	if (c->phase == PIT_WAIT_GATE)
		return true;
	uint64_t d = elapsed(c, t), n = c->count;
	switch (c->mode) {
	case 0:
	case 1:
		return d >= n;
	case 2: /* low for the one clock while the element holds 1 */
		return c->paused || n < 2 || d % n != n - 1;
	case 3:
		return c->paused || d % n < (n + 1) / 2;
	default: /* 4, 5: low for the one clock at terminal count */
		return d != n;
	}
}

/* The tick of OUT's next rising edge after t, or NO_EDGE. */
static uint64_t next_rise(const struct pit_channel *c, uint64_t t)
{
	if (c->phase != PIT_COUNTING || c->paused)
		return NO_EDGE;
	uint64_t d = elapsed(c, t), n = c->count, at;
	switch (c->mode) {
	case 0:
	case 1:
		if (d >= n)
			return NO_EDGE;
		at = n;
		break;
	case 2:
	case 3:
		if (n < 2)
			return NO_EDGE;
		at = (d / n + 1) * n; /* a pending reload is at n: d < n */
		break;
	default:
		if (d > n)
			return NO_EDGE;
		at = n + 1;
		break;
	}
	return c->load_tick + at;
}

static void set_gate(struct pit_channel *c, bool level, uint64_t t)
{
	if (level == c->gate)
		return;
	c->gate = level;
	if (c->phase == PIT_NO_COUNT)
		return;
	if (!level) {
		if (gate_stops(c->mode) && !c->paused) {
			c->held = elapsed(c, t);
			c->paused = true;
		}
	} else if (c->mode == 0 || c->mode == 4) {
		if (c->paused) { /* resume where it stopped */
			c->load_tick = t - c->held;
			c->paused = false;
		}
	} else {
		start(c, t); /* trigger or retrigger (1, 5), restart (2, 3) */
	}
}

/* ---- the channel-0 timer and IRQ 0 ---- */

static void drive_irq0(struct pit *pit, bool level)
{
	if (pit->state.irq0_level == level)
		return;
	pit->state.irq0_level = level;
	irq_set_level(&pit->irq0, level);
}

static void arm(struct pit *pit, uint64_t t)
{
	uint64_t edge = next_rise(&pit->state.ch[0], t);
	if (edge == NO_EDGE)
		vtimer_disarm(&pit->timer);
	else
		vtimer_arm(&pit->timer, ns_of_tick(edge));
}

/* Bring every counter to time now; returns its tick. */
static uint64_t settle_all(struct pit *pit, uint64_t now)
{
	uint64_t t = tick_at(now);
	for (unsigned i = 0; i < PIT_CHANNELS; i++)
		settle(&pit->state.ch[i], t);
	return t;
}

/* OUT0 rose at or before now: one rising edge on IRQ 0, however late. */
static void fire(void *opaque, uint64_t now)
{
	struct pit *pit = opaque;
	uint64_t t = settle_all(pit, now);
	drive_irq0(pit, false);
	drive_irq0(pit, true);
	drive_irq0(pit, channel_out(&pit->state.ch[0], t));
	arm(pit, t);
}

/* Deliver an edge that is due before channel 0 changes under it. */
static void catch_up(struct pit *pit, uint64_t now)
{
	if (vtimer_armed(&pit->timer) && pit->timer.deadline <= now) {
		vtimer_disarm(&pit->timer);
		fire(pit, now);
	}
}

/* ---- programming ---- */

static void latch_count(struct pit_channel *c, uint64_t t)
{
	if (c->count_latched)
		return; /* a second latch before the read is ignored */
	uint32_t v = counting_element(c, t);
	c->latched = c->bcd ? to_bcd(v) : (uint16_t)v;
	c->count_latched = true;
}

static void latch_status(struct pit_channel *c, uint64_t t)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)(channel_out(c, t) << 7 | c->null_count << 6 | c->ctrl);
	c->status_latched = true;
}

/* Read-back: bit 5 clear latches counts, bit 4 clear statuses, of the
 * channels in bits 3..1. */
static void read_back(struct pit *pit, uint8_t v, uint64_t t)
{
	for (unsigned i = 0; i < PIT_CHANNELS; i++) {
		struct pit_channel *c = &pit->state.ch[i];
		if (!(v & 2u << i))
			continue;
		if (!(v & 0x20))
			latch_count(c, t);
		if (!(v & 0x10))
			latch_status(c, t);
	}
}

static void write_control(struct pit *pit, uint8_t v, uint64_t t)
{
	unsigned sc = v >> 6;
	if (sc == 3) {
		read_back(pit, v, t);
		return;
	}
	struct pit_channel *c = &pit->state.ch[sc];
	if ((v & 0x30) == 0) {
		latch_count(c, t);
		return;
	}
	c->frozen = (uint16_t)counting_element(c, t);
	c->ctrl = v & 0x3f;
	c->access = (v >> 4) & 3;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4; /* 6, 7 are 2, 3 */
	c->bcd = v & 1;
	c->phase = PIT_NO_COUNT;
	c->null_count = true;
	c->paused = c->reload_pending = false;
	c->count_latched = c->status_latched = c->write_msb = c->read_msb = false;
}

/* A count as written (binary or BCD) in input clocks; 0 is the maximum. */
static uint32_t count_value(struct pit *pit, const struct pit_channel *c, uint16_t raw)
{
	uint32_t n = raw;
	if (c->bcd) {
		if ((raw & 0x000f) > 9 || (raw & 0x00f0) > 0x90 || (raw & 0x0f00) > 0x900 ||
		    raw > 0x9999)
			note_once(pit, NOTE_BAD_BCD, "count with a digit above 9 in BCD mode");
		n = (raw & 0xf) + (raw >> 4 & 0xf) * 10 + (raw >> 8 & 0xf) * 100 +
		    (raw >> 12) * 1000u;
	}
	return n ? n : modulus(c);
}

static void load(struct pit *pit, struct pit_channel *c, uint16_t raw, uint64_t t)
{
	c->cr = count_value(pit, c, raw);
	c->null_count = true;
	if (c->cr == 1 && (c->mode == 2 || c->mode == 3))
		note_once(pit, NOTE_COUNT_1, "count 1 in mode 2 or 3 (illegal): OUT stays high");
	switch (c->mode) {
	case 1:
	case 5:
		if (c->phase == PIT_NO_COUNT)
			c->phase = PIT_WAIT_GATE;
		break;
	case 2:
	case 3:
		if (c->phase == PIT_COUNTING) {
			/* Rebase to the current period; its end reloads. */
			uint64_t d = elapsed(c, t);
			if (c->paused)
				c->held = d % c->count;
			else
				c->load_tick += d - d % c->count;
			c->reload_pending = true;
			break;
		}
		start(c, t);
		break;
	default:
		start(c, t);
		break;
	}
}

static void write_count(struct pit *pit, struct pit_channel *c, uint8_t v, uint64_t t)
{
	switch (c->access) {
	case ACCESS_LSB:
		load(pit, c, v, t);
		break;
	case ACCESS_MSB:
		load(pit, c, (uint16_t)(v << 8), t);
		break;
	default:
		if (c->write_msb) {
			c->write_msb = false;
			load(pit, c, (uint16_t)(c->write_lsb | v << 8), t);
			break;
		}
		c->write_lsb = v;
		c->write_msb = true;
		c->null_count = true;
		if (c->mode == 0) { /* the LSB stops mode 0, OUT low */
			c->frozen = (uint16_t)counting_element(c, t);
			c->phase = PIT_NO_COUNT;
		}
		break;
	}
}

static uint8_t read_count(struct pit_channel *c, uint64_t t)
{
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	uint16_t v = c->latched;
	if (!c->count_latched) {
		uint32_t ce = counting_element(c, t);
		v = c->bcd ? to_bcd(ce) : (uint16_t)ce;
	}
	bool msb = c->access == ACCESS_MSB;
	if (c->access == ACCESS_WORD) {
		msb = c->read_msb;
		c->read_msb = !msb;
	}
	if (msb || c->access != ACCESS_WORD)
		c->count_latched = false; /* the latch holds until fully read */
	return (uint8_t)(msb ? v >> 8 : v);
}

/* ---- ports ---- */

static uint8_t pit_read8(void *opaque, uint64_t port)
{
	struct pit *pit = opaque;
	if (port == PIT_CONTROL)
		return 0xff; /* the 8254 does not drive the bus */
	uint64_t t = settle_all(pit, vclock_now(pit->clk));
	return read_count(&pit->state.ch[port - PIT_BASE], t);
}

static void pit_write8(void *opaque, uint64_t port, uint8_t v)
{
	struct pit *pit = opaque;
	uint64_t now = vclock_now(pit->clk);
	catch_up(pit, now);
	uint64_t t = settle_all(pit, now);
	if (port == PIT_CONTROL)
		write_control(pit, v, t);
	else
		write_count(pit, &pit->state.ch[port - PIT_BASE], v, t);
	drive_irq0(pit, channel_out(&pit->state.ch[0], t));
	arm(pit, t);
}

static void pit_access(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data, unsigned size,
                       bool is_write)
{
	(void)vcpu;
	bus_bytewise(opaque, addr, data, size, is_write, PIT_BASE + 4, pit_read8, pit_write8);
}

static uint8_t port_b_read8(void *opaque, uint64_t port)
{
	struct pit *pit = opaque;
	(void)port;
	uint64_t t = settle_all(pit, vclock_now(pit->clk));
	bool refresh = (t / REFRESH_TICKS) & 1;
	bool out2 = channel_out(&pit->state.ch[2], t);
	return (uint8_t)((pit->state.port_b & 0x0f) | refresh << 4 | out2 << 5);
}

static void port_b_write8(void *opaque, uint64_t port, uint8_t v)
{
	struct pit *pit = opaque;
	(void)port;
	uint64_t t = settle_all(pit, vclock_now(pit->clk));
	pit->state.port_b = v & 0x0f;
	set_gate(&pit->state.ch[2], v & 1, t);
}

static void port_b_access(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data,
                          unsigned size, bool is_write)
{
	(void)vcpu;
	bus_bytewise(opaque, addr, data, size, is_write, PIT_PORT_B + 1, port_b_read8,
	             port_b_write8);
}

/* ---- wiring ---- */

void pit_reset(struct pit *pit)
{
	bool irq0_level = pit->state.irq0_level;
	memset(&pit->state, 0, sizeof(pit->state));
	pit->state.irq0_level = irq0_level;
	vtimer_disarm(&pit->timer);
	pit->state.ch[0].gate = pit->state.ch[1].gate = true; /* tied high on a PC */
	static const uint8_t bios[][2] = {
	    {PIT_CONTROL, 0x36}, {PIT_BASE, 0},      {PIT_BASE, 0}, /* 0: mode 3, 65536 */
	    {PIT_CONTROL, 0x54}, {PIT_BASE + 1, 18},                /* 1: mode 2, 18 */
	    {PIT_CONTROL, 0xb6},                                    /* 2: mode 3 */
	};
	for (unsigned i = 0; i < sizeof(bios) / sizeof(bios[0]); i++)
		pit_write8(pit, bios[i][0], bios[i][1]);
}

int pit_init(struct pit *pit, struct bus *bus, struct vclock *clk, struct irq_line irq0)
{
	memset(pit, 0, sizeof(*pit));
	pit->clk = clk;
	pit->irq0 = irq0;
	vtimer_init(&pit->timer, clk, fire, pit);
	pit_reset(pit);
	int r = bus_register_pio(bus, "pit", PIT_BASE, 4, pit_access, pit);
	if (r == 0)
		r = bus_register_pio(bus, "port-b", PIT_PORT_B, 1, port_b_access, pit);
	return r;
}

bool pit_out(struct pit *pit, unsigned ch)
{
	if (ch >= PIT_CHANNELS)
		return false;
	uint64_t t = settle_all(pit, vclock_now(pit->clk));
	return channel_out(&pit->state.ch[ch], t);
}

void pit_post_load(struct pit *pit)
{
	arm(pit, settle_all(pit, vclock_now(pit->clk)));
}
