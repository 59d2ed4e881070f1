/* Unit tests for the 8254 and port 0x61, driven through the bus as a
 * guest's in/out would, on a fake clock the test moves. */
#include <stdio.h>
#include <string.h>

#include "hw/bus.h"
#include "hw/clock.h"
#include "hw/pic.h"
#include "hw/pit.h"

#include "check.h"
#include "guest_io.h"

static struct vclock clk;
static struct pit pit;
static uint64_t now_ns;

/* IRQ 0 as the test sees it. */
static bool irq_level;
static unsigned rising_edges;
static uint64_t last_edge_ns;

static uint64_t fake_now(void *opaque)
{
	(void)opaque;
	return now_ns;
}

static void irq0_set(void *opaque, unsigned irq, bool level)
{
	(void)opaque;
	(void)irq;
	if (level && !irq_level) {
		rising_edges++;
		last_edge_ns = now_ns;
	}
	irq_level = level;
}

/* The first ns of input clock `tick`. */
static uint64_t at(uint64_t tick)
{
	return (uint64_t)(((unsigned __int128)tick * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ);
}

/* The machine's run loop: fire each timer at its deadline up to ns. */
static void run_until(uint64_t ns)
{
	for (uint64_t d; (d = vclock_next_deadline(&clk)) <= ns;) {
		now_ns = d;
		vclock_run_timers(&clk);
	}
	now_ns = ns;
	vclock_run_timers(&clk);
}

static void setup(struct irq_line irq0)
{
	bus_destroy(&bus);
	CHECK(bus_init(&bus) == 0);
	now_ns = 0;
	vclock_init(&clk, 0);
	vclock_set_source(&clk, fake_now, NULL);
	irq_level = false;
	CHECK(pit_init(&pit, &bus, &clk, irq0) == 0);
	rising_edges = 0;
}

static void setup_counting(void)
{
	setup((struct irq_line){irq0_set, NULL, 0});
}

static void program(unsigned ch, uint8_t ctrl_rest, uint16_t count)
{
	outb(0x43, (uint8_t)(ch << 6 | ctrl_rest));
	unsigned access = ctrl_rest >> 4 & 3;
	if (access & 1)
		outb((uint16_t)(0x40 + ch), (uint8_t)count);
	if (access & 2)
		outb((uint16_t)(0x40 + ch), (uint8_t)(count >> 8));
}

/* The counter latch command, then the count in its access mode. */
static unsigned latched_count(unsigned ch)
{
	outb(0x43, (uint8_t)(ch << 6));
	unsigned lo = inb((uint16_t)(0x40 + ch));
	return lo | (unsigned)inb((uint16_t)(0x40 + ch)) << 8;
}

static uint8_t status(unsigned ch)
{
	outb(0x43, (uint8_t)(0xe0 | 2u << ch)); /* read-back: status only */
	return inb((uint16_t)(0x40 + ch));
}

static bool out_at(unsigned ch, uint64_t tick)
{
	now_ns = at(tick);
	return status(ch) >> 7;
}

static unsigned count_at(unsigned ch, uint64_t tick)
{
	now_ns = at(tick);
	return latched_count(ch);
}

#define B 1000000u /* a start tick well past 0 */

/* Move time forward to tick, running due timers; count edges from there. */
static void go(uint64_t tick)
{
	run_until(at(tick));
	rising_edges = 0;
}

static void test_reset_state(void)
{
	setup_counting();
	CHECK(status(0) == 0xb6 && status(1) == 0x94 && status(2) == 0xf6);
	CHECK(irq_level); /* mode 3 starts high */
	CHECK(vclock_next_deadline(&clk) == at(65536));
	run_until(at(65536 * 3));
	CHECK(rising_edges == 3); /* 18.2 Hz */
	CHECK(inb(0x43) == 0xff);
	CHECK((inb(0x61) & 0x0f) == 0);
}

static void test_mode0(void)
{
	setup_counting();
	go(B);
	program(0, 0x30, 1000);
	CHECK(!irq_level && status(0) == 0x30); /* OUT low, count loaded */
	CHECK(vclock_next_deadline(&clk) == at(B + 1000));
	CHECK(count_at(0, B) == 1000);
	CHECK(count_at(0, B + 1) == 999);
	CHECK(count_at(0, B + 999) == 1 && !out_at(0, B + 999));
	run_until(at(B + 999));
	CHECK(rising_edges == 0);
	run_until(at(B + 1000));
	CHECK(rising_edges == 1 && irq_level && last_edge_ns == at(B + 1000));
	CHECK(out_at(0, B + 1000) && count_at(0, B + 1000) == 0);
	CHECK(count_at(0, B + 1001) == 0xffff);            /* it keeps counting */
	CHECK(vclock_next_deadline(&clk) == VCLOCK_NEVER); /* idle costs nothing */
	run_until(at(B + 200000));
	CHECK(rising_edges == 1 && out_at(0, B + 200000));

	/* The LSB of a new count stops it with OUT low; the MSB restarts. */
	now_ns = at(B + 300000);
	outb(0x40, 0x10);
	CHECK(!irq_level && !out_at(0, B + 300050));
	unsigned held = count_at(0, B + 300100);
	CHECK(held == count_at(0, B + 300200));
	now_ns = at(B + 300300);
	outb(0x40, 0x00);
	CHECK(count_at(0, B + 300310) == 0x10 - 10);
	run_until(at(B + 300316));
	CHECK(rising_edges == 2 && last_edge_ns == at(B + 300316));

	/* GATE low pauses mode 0 (channel 2, gate on port 0x61). */
	const uint64_t T = B + 400000;
	go(T);
	program(2, 0x30, 100);
	CHECK(count_at(2, T + 50) == 100); /* GATE2 is low: no counting */
	now_ns = at(T + 60);
	outb(0x61, 0x01);
	CHECK(count_at(2, T + 90) == 70);
	now_ns = at(T + 90);
	outb(0x61, 0x00);
	CHECK(count_at(2, T + 150) == 70);
	now_ns = at(T + 200);
	outb(0x61, 0x01);
	CHECK(!(inb(0x61) & 0x20) && !out_at(2, T + 269));
	now_ns = at(T + 270);
	CHECK(inb(0x61) & 0x20); /* OUT2 */
}

static void test_mode1_and_5(void)
{
	setup_counting();
	go(B);
	program(2, 0x32, 20);     /* mode 1 */
	CHECK(status(2) == 0xf2); /* OUT high, null count until the trigger */
	CHECK(out_at(2, B + 100));
	now_ns = at(B + 100);
	outb(0x61, 0x01);         /* trigger */
	CHECK(status(2) == 0x32); /* OUT low */
	CHECK(count_at(2, B + 105) == 15 && !out_at(2, B + 119) && out_at(2, B + 120));
	now_ns = at(B + 130);
	outb(0x61, 0x00);
	now_ns = at(B + 135);
	outb(0x61, 0x01); /* retrigger */
	CHECK(!out_at(2, B + 154) && out_at(2, B + 155));
	/* A new count waits for the next trigger. */
	now_ns = at(B + 160);
	outb(0x42, 50);
	outb(0x42, 0);
	CHECK(status(2) >> 6 == 3); /* OUT high, null count */
	now_ns = at(B + 170);
	outb(0x61, 0x00);
	outb(0x61, 0x01);
	CHECK(count_at(2, B + 171) == 49 && !out_at(2, B + 219) && out_at(2, B + 220));

	/* Mode 5: OUT strobes low for one clock at terminal count. */
	now_ns = at(B + 1000);
	outb(0x61, 0x00);
	program(2, 0x3a, 30);
	outb(0x61, 0x01);
	CHECK(count_at(2, B + 1010) == 20);
	CHECK(out_at(2, B + 1029) && !out_at(2, B + 1030) && out_at(2, B + 1031));
}

static void test_mode2(void)
{
	setup_counting();
	go(B);
	program(0, 0x34, 100);
	const unsigned edges0 = 0;
	CHECK(irq_level && count_at(0, B) == 100 && count_at(0, B + 1) == 99);
	CHECK(count_at(0, B + 99) == 1 && !out_at(0, B + 99));
	CHECK(count_at(0, B + 100) == 100 && out_at(0, B + 100));
	CHECK(out_at(0, B + 198) && !out_at(0, B + 199) && count_at(0, B + 250) == 50);
	run_until(at(B + 1000));
	CHECK(rising_edges - edges0 == 10 && last_edge_ns == at(B + 1000) && irq_level);
	/* A new count (no control word) takes over at the end of the period. */
	now_ns = at(B + 1030);
	outb(0x40, 40);
	outb(0x40, 0);
	CHECK(count_at(0, B + 1050) == 50 && status(0) >> 6 == 3);
	CHECK(count_at(0, B + 1100) == 40 && count_at(0, B + 1139) == 1);
	CHECK(count_at(0, B + 1140) == 40 && (status(0) & 0x40) == 0);
	run_until(at(B + 1180));
	CHECK(rising_edges - edges0 == 13 && last_edge_ns == at(B + 1180));
	/* Mode 6 is mode 2; the status shows the bits as written. */
	outb(0x43, 0x3c);
	CHECK((status(0) & 0x3f) == 0x3c);
	/* GATE low forces OUT high and stops; its rising edge restarts. */
	const uint64_t T = B + 2000;
	go(T);
	program(2, 0x34, 10);
	CHECK(count_at(2, T + 5) == 10 && out_at(2, T + 9));
	now_ns = at(T + 20);
	outb(0x61, 0x01);
	CHECK(count_at(2, T + 23) == 7 && !out_at(2, T + 29) && out_at(2, T + 30));
}

static void test_mode3(void)
{
	setup_counting();
	go(B);
	program(2, 0x36, 10);
	outb(0x61, 0x01);
	static const unsigned even[] = {10, 8, 6, 4, 2, 10, 8, 6, 4, 2, 10};
	for (unsigned d = 0; d <= 10; d++) {
		CHECK(count_at(2, B + d) == even[d]);
		CHECK(out_at(2, B + d) == (d % 10 < 5));
	}
	const uint64_t T = B + 100;
	go(T);
	outb(0x61, 0x00);
	program(2, 0x36, 5);
	outb(0x61, 0x01);
	static const unsigned odd[] = {5, 4, 2, 5, 2, 5, 4};
	static const bool odd_out[] = {1, 1, 1, 0, 0, 1, 1};
	for (unsigned d = 0; d < 7; d++) {
		CHECK(count_at(2, T + d) == odd[d]);
		CHECK(out_at(2, T + d) == odd_out[d]);
	}
	/* GATE low forces OUT high at once. */
	now_ns = at(T + 13);
	outb(0x61, 0x00);
	CHECK(out_at(2, T + 13) && out_at(2, T + 14) && count_at(2, T + 19) == 5);

	/* Channel 0 in mode 3: one rising edge per period on IRQ 0; a look at
	 * the second half lowers the line early, without an extra edge. */
	const uint64_t T3 = B + 1000;
	go(T3);
	program(0, 0x36, 1000);
	run_until(at(T3 + 10000));
	CHECK(rising_edges == 10 && irq_level);
	CHECK(!out_at(0, T3 + 10700) && !irq_level);
	run_until(at(T3 + 11000));
	CHECK(rising_edges == 11 && irq_level);
}

static void test_mode4(void)
{
	setup_counting();
	go(B);
	program(0, 0x38, 50);
	CHECK(vclock_next_deadline(&clk) == at(B + 51));
	CHECK(irq_level && count_at(0, B + 10) == 40);
	CHECK(out_at(0, B + 49) && !out_at(0, B + 50) && out_at(0, B + 51));
	CHECK(count_at(0, B + 60) == 0xfff6);
	run_until(at(B + 100000));
	CHECK(rising_edges == 1 && last_edge_ns == at(B + 51));
	/* GATE low stops the count in mode 4 (channel 2). */
	program(2, 0x38, 50);
	CHECK(count_at(2, B + 100030) == 50);
}

static void test_access_modes(void)
{
	setup_counting();
	go(B);
	program(1, 0x14, 0x34); /* LSB only: count 0x0034 */
	CHECK(inb(0x41) == 0x34 && inb(0x41) == 0x34);
	now_ns = at(B + 4);
	CHECK(inb(0x41) == 0x30);
	program(1, 0x24, 0x1200); /* MSB only: count 0x1200 */
	now_ns = at(B + 4 + 0x100);
	CHECK(inb(0x41) == 0x11);

	/* LSB then MSB: the read flip-flop alternates on live reads too. */
	const uint64_t T = B + 0x1000;
	go(T);
	program(1, 0x34, 0x1234);
	now_ns = at(T + 2);
	CHECK(inb(0x41) == 0x32);
	now_ns = at(T + 0x40);
	CHECK(inb(0x41) == 0x11); /* the MSB now: 0x11f4 */
	/* Reads and writes interleave: read LSB, write LSB, read MSB, write MSB. */
	outb(0x43, 0x40);
	CHECK(inb(0x41) == 0xf4);
	outb(0x41, 0x00);
	CHECK(inb(0x41) == 0x11);
	outb(0x41, 0x20);
	CHECK(count_at(1, T + 0x1234) == 0x2000 && count_at(1, T + 0x1235) == 0x1fff);

	/* The latch: a second command before the read is ignored, and the
	 * latched value holds until both bytes are read. */
	now_ns = at(T + 0x1300);
	outb(0x43, 0x40);
	now_ns = at(T + 0x1310);
	outb(0x43, 0x40);
	CHECK(inb(0x41) == 0x34);
	now_ns = at(T + 0x1320);
	CHECK(inb(0x41) == 0x1f);
	CHECK(latched_count(1) == 0x2000 - 0x1320 + 0x1234);
}

static void test_read_back(void)
{
	setup_counting();
	go(B);
	outb(0x43, 0xb2); /* channel 2, LSB/MSB, mode 1, binary */
	CHECK(status(2) == 0xf2);
	program(0, 0x30, 300);
	program(1, 0x35, 0x0300); /* mode 2 BCD: 300 */
	now_ns = at(B + 10);
	outb(0x43, 0xc6); /* count and status of 0 and 1 */
	now_ns = at(B + 20);
	CHECK(inb(0x40) == 0x30 && inb(0x40) == (uint8_t)290 && inb(0x40) == 290 >> 8);
	CHECK(inb(0x41) == 0xb5 && inb(0x41) == 0x90 && inb(0x41) == 0x02);
	outb(0x43, 0xd2); /* count only */
	outb(0x43, 0xe2); /* status only */
	CHECK(inb(0x40) == 0x30 && inb(0x40) == (uint8_t)280);
	/* A second status latch before the read is ignored. */
	now_ns = at(B + 299);
	outb(0x43, 0xe2);
	now_ns = at(B + 300);
	outb(0x43, 0xe2);
	CHECK(inb(0x40) == 0x30 && status(0) == 0xb0);
}

static void test_count_zero_and_bcd(void)
{
	setup_counting();
	go(B);
	program(0, 0x34, 0); /* 65536 */
	CHECK(vclock_next_deadline(&clk) == at(B + 65536));
	CHECK(count_at(0, B) == 0 && count_at(0, B + 1) == 0xffff);
	go(B + 100);
	program(0, 0x31, 0); /* mode 0 BCD: 10000 */
	CHECK(vclock_next_deadline(&clk) == at(B + 100 + 10000));
	CHECK(count_at(0, B + 101) == 0x9999 && count_at(0, B + 1334) == 0x8766);
	go(B + 2000);
	program(0, 0x35, 0x1234); /* mode 2 BCD 1234 */
	CHECK(vclock_next_deadline(&clk) == at(B + 2000 + 1234));
	CHECK(count_at(0, B + 3000) == 0x0234);
	go(B + 4000);
	program(0, 0x30, 1); /* the smallest one-shot */
	CHECK(!out_at(0, B + 4000) && out_at(0, B + 4001));
}

/* IRQ 0 at 1 kHz (count 1193): one rising edge per period, the edge n at
 * input clock n * 1193, so floor(seconds * 1193182 / 1193) edges in all. */
static void test_irq0_rate(void)
{
	setup_counting();
	program(0, 0x34, 1193);
	unsigned edges0 = rising_edges;
	unsigned last = 0;
	bool on_time = true;
	for (unsigned s = 1; s <= 10; s++) {
		while (vclock_next_deadline(&clk) <= s * NS_PER_SEC) {
			now_ns = vclock_next_deadline(&clk);
			vclock_run_timers(&clk);
			unsigned n = rising_edges - edges0;
			on_time &= last_edge_ns == at((uint64_t)n * 1193);
		}
		unsigned per_second = rising_edges - edges0 - last;
		if (s == 1)
			CHECK(per_second == 1000);
		CHECK(per_second >= 1000 && per_second <= 1001);
		last = rising_edges - edges0;
	}
	CHECK(on_time);
	CHECK(last == 10ull * PIT_HZ / 1193);

	/* A run loop late by 5.5 periods gets one edge, then the schedule. */
	uint64_t t0 = (uint64_t)last * 1193;
	now_ns = at(t0 + 5 * 1193 + 600);
	unsigned before = rising_edges;
	CHECK(vclock_run_timers(&clk) == 1 && rising_edges == before + 1);
	CHECK(vclock_next_deadline(&clk) == at(t0 + 6 * 1193));

	/* Through the PIC as the machine will wire it: 1000 vectors 0x08. */
	struct pic pic;
	struct bus picbus;
	CHECK(bus_init(&picbus) == 0 && pic_init(&pic, &picbus) == 0);
	setup(pic_irq_line(&pic, 0));
	program(0, 0x34, 1193);
	uint8_t unmask = 0xfa, eoi = 0x20;
	bus_pio(&picbus, NULL, 0x21, &unmask, 1, true);
	unsigned vectors = 0;
	if (pic_intr_pending(&pic) && pic_intr_ack(&pic) == 0x08) /* the reset edge */
		bus_pio(&picbus, NULL, 0x20, &eoi, 1, true);
	while (vclock_next_deadline(&clk) <= NS_PER_SEC) {
		now_ns = vclock_next_deadline(&clk);
		vclock_run_timers(&clk);
		while (pic_intr_pending(&pic)) {
			vectors += pic_intr_ack(&pic) == 0x08;
			bus_pio(&picbus, NULL, 0x20, &eoi, 1, true);
		}
	}
	CHECK(vectors == 1000);
	bus_destroy(&picbus);
}

static void test_port_b(void)
{
	setup_counting();
	for (uint64_t t = 0; t < 200; t++) {
		now_ns = at(B + t);
		CHECK(((inb(0x61) >> 4) & 1) == ((B + t) / 18 & 1));
	}
	outb(0x61, 0xff);
	CHECK((inb(0x61) & 0xcf) == 0x0f); /* bits 7, 6 read 0; 4 and 5 are not stored */
	outb(0x61, 0x02);
	CHECK((inb(0x61) & 0x0f) == 0x02);
	/* The classic delay: channel 2 one-shot, poll OUT2. */
	go(B + 1000);
	program(2, 0x30, 1193); /* mode 0 */
	outb(0x61, 0x03);
	unsigned polls = 0;
	while (!(inb(0x61) & 0x20) && polls < 100000) {
		now_ns += 1000;
		polls++;
	}
	CHECK(polls >= 999 && polls <= 1000);
	CHECK(pit_out(&pit, 2) && !pit_out(&pit, 7));
}

static void test_snapshot(void)
{
	setup_counting();
	program(0, 0x34, 1000);
	run_until(at(2500));
	struct pit_state saved = pit.state;
	unsigned edges = rising_edges;
	run_until(at(5500));
	CHECK(rising_edges == edges + 3);
	pit.state = saved;
	pit_post_load(&pit);
	CHECK(vclock_next_deadline(&clk) == at(6000));
	now_ns = at(2600);
	pit_post_load(&pit);
	CHECK(vclock_next_deadline(&clk) == at(3000));
}

/* Any sequence of accesses is survivable; the timer stays sane. */
static void test_random_programming(void)
{
	setup_counting();
	static const uint16_t ports[] = {0x40, 0x41, 0x42, 0x43, 0x61};
	uint32_t x = 777;
	for (unsigned i = 0; i < 300000; i++) {
		uint32_t r = random_pio(&x, ports, 5);
		if ((r >> 24 & 3) == 3)
			run_until(now_ns + (r >> 16 & 0x0f) * 7919u);
		uint64_t d = vclock_next_deadline(&clk);
		if (d != VCLOCK_NEVER && d <= now_ns)
			run_until(now_ns);
	}
	CHECK(vclock_next_deadline(&clk) > now_ns);
	program(0, 0x34, 100);
	uint64_t t = (now_ns * PIT_HZ) / NS_PER_SEC;
	unsigned before = rising_edges;
	run_until(at(t + 1000));
	CHECK(rising_edges - before == 10);
}

int main(void)
{
	test_reset_state();
	test_mode0();
	test_mode1_and_5();
	test_mode2();
	test_mode3();
	test_mode4();
	test_access_modes();
	test_read_back();
	test_count_zero_and_bcd();
	test_irq0_rate();
	test_port_b();
	test_snapshot();
	test_random_programming();
	bus_destroy(&bus);
	return check_status("test_pit");
}
