/* The MC146818 RTC/NVRAM driven through the port bus as a guest would,
 * on a fake virtual clock: no KVM, no CPU. */
#include <string.h>

#include "hw/cmos.h"
#include "tests/unit/check.h"
#include "tests/unit/fake_clock.h"

#define SEC NS_PER_SEC
#define MS  1000000ull
#define MIB (1024ull * 1024)

/* Unix times of the dates the tests start from. */
#define T_2000_01_01        946684800ll
#define T_1999_12_31_235958 (T_2000_01_01 - 2)

struct rig {
	struct vclock clk;
	struct bus bus;
	struct cmos cmos;
	struct irq_probe irq;
};

static void rig_up(struct rig *r, int64_t epoch_ns, uint64_t ram_size)
{
	memset(r, 0, sizeof(*r));
	fake_clock_init(&r->clk, epoch_ns);
	CHECK(bus_init(&r->bus) == 0);
	struct irq_line line = irq_probe_line(&r->irq, CMOS_IRQ);
	CHECK(cmos_init(&r->cmos, &r->bus, &r->clk, line, ram_size) == 0);
}

static void rig_down(struct rig *r)
{
	CHECK(r->irq.wrong == 0);
	bus_destroy(&r->bus);
}

static void advance_to(struct rig *r, uint64_t t)
{
	fake_clock_advance(&r->clk, t);
}

static void outb(struct rig *r, uint16_t port, uint8_t v)
{
	CHECK(bus_pio(&r->bus, NULL, port, &v, 1, true) != NULL);
}

static uint8_t inb(struct rig *r, uint16_t port)
{
	uint8_t v = 0;
	CHECK(bus_pio(&r->bus, NULL, port, &v, 1, false) != NULL);
	return v;
}

static uint8_t rd(struct rig *r, uint8_t reg)
{
	outb(r, CMOS_PORT_INDEX, reg);
	return inb(r, CMOS_PORT_DATA);
}

static void wr(struct rig *r, uint8_t reg, uint8_t v)
{
	outb(r, CMOS_PORT_INDEX, reg);
	outb(r, CMOS_PORT_DATA, v);
}

struct clock_regs {
	uint8_t sec, min, hour, wday, mday, mon, year, century;
};

static struct clock_regs read_clock(struct rig *r)
{
	return (struct clock_regs){rd(r, 0), rd(r, 2), rd(r, 4), rd(r, 6),
	                           rd(r, 7), rd(r, 8), rd(r, 9), rd(r, 0x32)};
}

static bool clock_is(struct rig *r, struct clock_regs want)
{
	struct clock_regs got = read_clock(r);
	if (memcmp(&got, &want, sizeof(got)) == 0)
		return true;
	fprintf(stderr,
	        "clock %02x:%02x:%02x wday %x %02x-%02x-%02x%02x, wanted "
	        "%02x:%02x:%02x wday %x %02x-%02x-%02x%02x\n",
	        got.hour, got.min, got.sec, got.wday, got.mday, got.mon, got.century, got.year,
	        want.hour, want.min, want.sec, want.wday, want.mday, want.mon, want.century,
	        want.year);
	return false;
}

/* Set the clock as a BIOS does: SET, the registers, SET off. */
static void set_clock(struct rig *r, struct clock_regs t)
{
	uint8_t b = rd(r, CMOS_REG_B);
	wr(r, CMOS_REG_B, b | CMOS_B_SET);
	const uint8_t regs[] = {0, 2, 4, 6, 7, 8, 9, 0x32};
	const uint8_t vals[] = {t.sec, t.min, t.hour, t.wday, t.mday, t.mon, t.year, t.century};
	for (unsigned i = 0; i < sizeof(regs); i++)
		wr(r, regs[i], vals[i]);
	wr(r, CMOS_REG_B, b & (uint8_t)~CMOS_B_SET);
}

static void test_nvram_defaults(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 64 * MIB);
	CHECK(rd(&r, 0x10) == 0x40);
	CHECK(rd(&r, 0x14) == 0x01);
	CHECK(rd(&r, 0x15) == 0x80 && rd(&r, 0x16) == 0x02); /* 640 KiB */
	CHECK(rd(&r, 0x17) == 0x00 && rd(&r, 0x18) == 0xFC); /* 63 MiB = 0xFC00 KiB */
	CHECK(rd(&r, 0x30) == 0x00 && rd(&r, 0x31) == 0xFC);
	CHECK(rd(&r, 0x34) == 0x00 && rd(&r, 0x35) == 0x03); /* 48 MiB in 64 KiB */
	unsigned sum = 0;
	for (uint8_t i = 0x10; i <= 0x2D; i++)
		sum += rd(&r, i);
	CHECK(sum == 0x1BF);
	CHECK(rd(&r, 0x2E) == (sum >> 8) && rd(&r, 0x2F) == (sum & 0xFF));
	CHECK(rd(&r, CMOS_REG_A) == 0x26);
	CHECK(rd(&r, CMOS_REG_B) == CMOS_B_24H);
	CHECK(rd(&r, CMOS_REG_C) == 0);
	CHECK(rd(&r, CMOS_REG_D) == CMOS_D_VRT);
	CHECK(rd(&r, 0x50) == 0);
	rig_down(&r);

	rig_up(&r, 0, 1 * MIB); /* no extended memory */
	CHECK(rd(&r, 0x17) == 0 && rd(&r, 0x18) == 0 && rd(&r, 0x34) == 0);
	rig_down(&r);
	rig_up(&r, 0, 8192 * MIB); /* more than the fields hold: saturated */
	CHECK(rd(&r, 0x17) == 0xFF && rd(&r, 0x18) == 0xFF);
	CHECK(rd(&r, 0x34) == 0xFF && rd(&r, 0x35) == 0xFF);
	rig_down(&r);
}

static void test_nvram_persists(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 16 * MIB);
	for (unsigned i = 0x0E; i < CMOS_SIZE; i++)
		if (i != CMOS_CENTURY)
			wr(&r, (uint8_t)i, (uint8_t)(i * 7 + 3));
	advance_to(&r, 3600 * SEC);
	unsigned bad = 0;
	for (unsigned i = 0x0E; i < CMOS_SIZE; i++)
		if (i != CMOS_CENTURY && rd(&r, (uint8_t)i) != (uint8_t)(i * 7 + 3))
			bad++;
	CHECK(bad == 0);
	/* The index is 7 bits: 0x80 | 0x40 selects 0x40 (and masks NMI). */
	outb(&r, CMOS_PORT_INDEX, 0xC0);
	CHECK(inb(&r, CMOS_PORT_DATA) == (uint8_t)(0x40 * 7 + 3));
	/* A 16-bit `out 0x70, ax` is index then data. */
	uint8_t word[2] = {0x41, 0x5A};
	CHECK(bus_pio(&r.bus, NULL, CMOS_PORT_INDEX, word, 2, true) != NULL);
	CHECK(rd(&r, 0x41) == 0x5A);
	rig_down(&r);
}

static void test_nmi_bit(void)
{
	struct rig r;
	rig_up(&r, 0, 0);
	CHECK(!cmos_nmi_masked(&r.cmos));
	outb(&r, CMOS_PORT_INDEX, 0x80 | 0x0F);
	CHECK(cmos_nmi_masked(&r.cmos));
	CHECK(r.cmos.s.index == 0x0F);
	CHECK(inb(&r, CMOS_PORT_INDEX) == 0xFF); /* write-only */
	outb(&r, CMOS_PORT_INDEX, 0x0F);
	CHECK(!cmos_nmi_masked(&r.cmos));
	rig_down(&r);
}

static void test_bcd_and_binary(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 0);
	/* 2000-01-01 was a Saturday (7). */
	CHECK(clock_is(&r, (struct clock_regs){0x00, 0x00, 0x00, 7, 0x01, 0x01, 0x00, 0x20}));
	advance_to(&r, (12 * 3600 + 34 * 60 + 56) * SEC + 999 * MS);
	CHECK(clock_is(&r, (struct clock_regs){0x56, 0x34, 0x12, 7, 0x01, 0x01, 0x00, 0x20}));
	wr(&r, CMOS_REG_B, CMOS_B_24H | CMOS_B_DM);
	CHECK(clock_is(&r, (struct clock_regs){56, 34, 12, 7, 1, 1, 0, 20}));
	rig_down(&r);
}

static void test_year_and_century_rollover(void)
{
	struct rig r;
	rig_up(&r, T_1999_12_31_235958 * (int64_t)SEC, 0);
	wr(&r, CMOS_REG_B, CMOS_B_24H | CMOS_B_DM);
	CHECK(clock_is(&r, (struct clock_regs){58, 59, 23, 6, 31, 12, 99, 19})); /* Friday */
	advance_to(&r, 2 * SEC - 1);
	CHECK(rd(&r, CMOS_SECONDS) == 59);
	advance_to(&r, 2 * SEC);
	CHECK(clock_is(&r, (struct clock_regs){0, 0, 0, 7, 1, 1, 0, 20}));
	/* 31 days later: February, then (2000 is a leap year) the 29th. */
	advance_to(&r, 2 * SEC + (31 + 28) * 86400 * SEC);
	CHECK(clock_is(&r, (struct clock_regs){0, 0, 0, 3, 29, 2, 0, 20})); /* Tuesday */
	advance_to(&r, 2 * SEC + (31 + 29) * 86400 * SEC);
	CHECK(clock_is(&r, (struct clock_regs){0, 0, 0, 4, 1, 3, 0, 20}));
	rig_down(&r);
}

static void test_guest_set_time(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 0);
	advance_to(&r, 300 * MS);
	/* 2100 is not a leap year: 28 February is followed by 1 March.  The
	 * day of the week written (1) is wrong: the date decides (Sunday). */
	set_clock(&r, (struct clock_regs){0x58, 0x59, 0x23, 1, 0x28, 0x02, 0x00, 0x21});
	CHECK(clock_is(&r, (struct clock_regs){0x58, 0x59, 0x23, 1, 0x28, 0x02, 0x00, 0x21}));
	/* The divider keeps its phase: the update comes at the next whole
	 * second of virtual time, not a second after SET went off. */
	advance_to(&r, 1 * SEC - 1);
	CHECK(rd(&r, CMOS_SECONDS) == 0x58);
	advance_to(&r, 2 * SEC);
	CHECK(clock_is(&r, (struct clock_regs){0x00, 0x00, 0x00, 2, 0x01, 0x03, 0x00, 0x21}));

	/* 2024-02-29 (leap day, a Thursday) through a frozen clock. */
	wr(&r, CMOS_REG_B, CMOS_B_24H | CMOS_B_SET);
	set_clock(&r, (struct clock_regs){0x56, 0x34, 0x12, 0, 0x29, 0x02, 0x24, 0x20});
	CHECK(clock_is(&r, (struct clock_regs){0x56, 0x34, 0x12, 5, 0x29, 0x02, 0x24, 0x20}));
	advance_to(&r, 3 * SEC);
	CHECK(rd(&r, CMOS_SECONDS) == 0x57);

	/* A time register written while the clock runs sets it at once. */
	wr(&r, CMOS_MINUTES, 0x07);
	CHECK(clock_is(&r, (struct clock_regs){0x57, 0x07, 0x12, 5, 0x29, 0x02, 0x24, 0x20}));
	advance_to(&r, 4 * SEC);
	CHECK(rd(&r, CMOS_SECONDS) == 0x58 && rd(&r, CMOS_MINUTES) == 0x07);

	/* Nonsense is clamped into a date, not trusted: month 0x19 -> 12. */
	set_clock(&r, (struct clock_regs){0x99, 0x00, 0x00, 0, 0x01, 0x19, 0x99, 0x19});
	CHECK(clock_is(&r, (struct clock_regs){0x59, 0x00, 0x00, 4, 0x01, 0x12, 0x99, 0x19}));
	rig_down(&r);
}

static void test_set_freezes(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 0);
	wr(&r, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	wr(&r, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE | CMOS_B_SET);
	CHECK(rd(&r, CMOS_REG_B) == (CMOS_B_24H | CMOS_B_SET)); /* SET clears UIE */
	CHECK(vclock_next_deadline(&r.clk) == VCLOCK_NEVER);
	advance_to(&r, 5 * SEC + 999 * MS);
	CHECK(rd(&r, CMOS_SECONDS) == 0x00);
	CHECK(!(rd(&r, CMOS_REG_A) & CMOS_A_UIP));
	CHECK((rd(&r, CMOS_REG_C) & CMOS_C_UF) == 0); /* no updates while frozen */
	wr(&r, CMOS_REG_B, CMOS_B_24H);
	CHECK(rd(&r, CMOS_SECONDS) == 0x00); /* resumes where it stopped */
	advance_to(&r, 6 * SEC);
	CHECK(rd(&r, CMOS_SECONDS) == 0x01);
	rig_down(&r);
}

static void test_12_hour(void)
{
	static const struct {
		unsigned hour, min;
		uint8_t bcd;
	} cases[] = {
	    {0, 0, 0x12},  {0, 59, 0x12},  {1, 0, 0x01},  {11, 59, 0x11},
	    {12, 0, 0x92}, {12, 59, 0x92}, {13, 0, 0x81}, {23, 59, 0x91},
	};
	struct rig r;
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 0);
	wr(&r, CMOS_REG_B, 0); /* 12-hour, BCD */
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		advance_to(&r, (cases[i].hour * 3600 + cases[i].min * 60) * SEC);
		CHECK(rd(&r, CMOS_HOURS) == cases[i].bcd);
	}
	wr(&r, CMOS_REG_B, CMOS_B_DM); /* 12-hour, binary: 11 PM */
	CHECK(rd(&r, CMOS_HOURS) == (0x80 | 11));

	/* Written in 12-hour form, read in 24-hour form. */
	wr(&r, CMOS_REG_B, 0);
	const uint8_t written[] = {0x12, 0x92, 0x01, 0x81};
	const uint8_t as_24[] = {0x00, 0x12, 0x01, 0x13};
	for (unsigned i = 0; i < sizeof(written); i++) {
		wr(&r, CMOS_REG_B, CMOS_B_SET);
		wr(&r, CMOS_HOURS, written[i]);
		wr(&r, CMOS_REG_B, 0);
		CHECK(rd(&r, CMOS_HOURS) == written[i]);
		wr(&r, CMOS_REG_B, CMOS_B_24H);
		CHECK(rd(&r, CMOS_HOURS) == as_24[i]);
		wr(&r, CMOS_REG_B, 0);
	}
	rig_down(&r);
}

static void test_uip(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 0);
	const struct {
		uint64_t t;
		bool uip;
	} cases[] = {
	    {0, false},
	    {SEC - CMOS_UIP_NS - 1, false},
	    {SEC - CMOS_UIP_NS, true},
	    {SEC - 1, true},
	    {SEC, false},
	    {2 * SEC - CMOS_UIP_NS, true},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		advance_to(&r, cases[i].t);
		uint8_t a = rd(&r, CMOS_REG_A);
		CHECK(!!(a & CMOS_A_UIP) == cases[i].uip);
		CHECK((a & 0x7F) == 0x26);
	}
	/* The update comes right after UIP: the seconds change at SEC. */
	advance_to(&r, 3 * SEC - 1);
	CHECK(rd(&r, CMOS_SECONDS) == 0x02);
	advance_to(&r, 3 * SEC);
	CHECK(rd(&r, CMOS_SECONDS) == 0x03);
	/* A guest write cannot set UIP. */
	wr(&r, CMOS_REG_A, 0xA6);
	CHECK(rd(&r, CMOS_REG_A) == 0x26);
	rig_down(&r);

	/* A wall clock half-way through a second: so is the update. */
	rig_up(&r, T_2000_01_01 * (int64_t)SEC + 500 * (int64_t)MS, 0);
	advance_to(&r, 500 * MS - CMOS_UIP_NS - 1);
	CHECK(!(rd(&r, CMOS_REG_A) & CMOS_A_UIP));
	advance_to(&r, 500 * MS - CMOS_UIP_NS);
	CHECK(rd(&r, CMOS_REG_A) & CMOS_A_UIP);
	CHECK(rd(&r, CMOS_SECONDS) == 0x00);
	advance_to(&r, 500 * MS);
	CHECK(rd(&r, CMOS_SECONDS) == 0x01);
	rig_down(&r);
}

/* Serve IRQ 8 as an OS would over [from, to]: each time the line is high,
 * read C (which must say why) and count. */
static unsigned serve_irqs(struct rig *r, uint64_t to, uint8_t want_flag)
{
	unsigned served = 0;
	for (uint64_t d; (d = vclock_next_deadline(&r->clk)) <= to;) {
		fake_ns = d;
		vclock_run_timers(&r->clk);
		if (r->irq.level) {
			uint8_t c = rd(r, CMOS_REG_C);
			CHECK((c & (CMOS_C_IRQF | want_flag)) == (CMOS_C_IRQF | want_flag));
			CHECK(!r->irq.level);
			served++;
		}
	}
	fake_ns = to;
	return served;
}

static void test_periodic_rates(void)
{
	static const struct {
		uint8_t rate;
		unsigned hz;
	} rates[] = {{1, 256}, {2, 128}, {3, 8192}, {6, 1024}, {13, 8}, {15, 2}};
	for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct rig r;
		/* A start that is not on a tick: 123456789 ns into a second. */
		rig_up(&r, T_2000_01_01 * (int64_t)SEC + 123456789, 0);
		uint64_t start = 5 * SEC + 777;
		advance_to(&r, start);
		wr(&r, CMOS_REG_A, (uint8_t)(0x20 | rates[i].rate));
		CHECK(vclock_next_deadline(&r.clk) == VCLOCK_NEVER); /* PIE off: no timer */
		rd(&r, CMOS_REG_C); /* flags from before the start */
		wr(&r, CMOS_REG_B, CMOS_B_24H | CMOS_B_PIE);
		unsigned rises = r.irq.rises;
		unsigned served = serve_irqs(&r, start + SEC, CMOS_C_PF);
		CHECK(served == rates[i].hz);
		CHECK(r.irq.rises - rises == rates[i].hz);
		if (served != rates[i].hz)
			fprintf(stderr, "rate %u: %u interrupts, wanted %u\n", rates[i].rate,
			        served, rates[i].hz);
		/* Rate 0 stops them. */
		wr(&r, CMOS_REG_A, 0x20);
		CHECK(vclock_next_deadline(&r.clk) == VCLOCK_NEVER);
		rig_down(&r);
	}
}

static void test_update_interrupt(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 0);
	wr(&r, CMOS_REG_A, 0x20); /* no periodic flag in C below */
	advance_to(&r, 100 * MS);
	rd(&r, CMOS_REG_C);
	wr(&r, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	CHECK(vclock_next_deadline(&r.clk) == 1 * SEC);
	CHECK(serve_irqs(&r, 3 * SEC + 500 * MS, CMOS_C_UF) == 3);
	/* Not served: the line stays high, no more timers until C is read. */
	advance_to(&r, 4 * SEC);
	CHECK(r.irq.level);
	CHECK(vclock_next_deadline(&r.clk) == VCLOCK_NEVER);
	advance_to(&r, 6 * SEC);
	CHECK(r.irq.level);
	CHECK(rd(&r, CMOS_REG_C) == (CMOS_C_IRQF | CMOS_C_UF));
	CHECK(!r.irq.level);
	CHECK(rd(&r, CMOS_REG_C) == 0); /* reading cleared it */
	CHECK(vclock_next_deadline(&r.clk) == 7 * SEC);
	/* Clearing the enable drops the line (IRQF = UF & UIE). */
	advance_to(&r, 7 * SEC);
	CHECK(r.irq.level);
	wr(&r, CMOS_REG_B, CMOS_B_24H);
	CHECK(!r.irq.level);
	CHECK(rd(&r, CMOS_REG_C) == CMOS_C_UF);
	rig_down(&r);
}

static void test_alarm(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 0);
	wr(&r, CMOS_SECONDS_ALARM, 0x05);
	wr(&r, CMOS_MINUTES_ALARM, 0x00);
	wr(&r, CMOS_HOURS_ALARM, 0x00);
	wr(&r, CMOS_REG_B, CMOS_B_24H | CMOS_B_AIE);
	CHECK(vclock_next_deadline(&r.clk) == 5 * SEC);
	advance_to(&r, 5 * SEC - 1);
	CHECK(!r.irq.level);
	advance_to(&r, 5 * SEC);
	CHECK(r.irq.level);
	CHECK((rd(&r, CMOS_REG_C) & (CMOS_C_IRQF | CMOS_C_AF)) == (CMOS_C_IRQF | CMOS_C_AF));
	CHECK(!r.irq.level);
	/* The same time tomorrow. */
	CHECK(vclock_next_deadline(&r.clk) == (86400 + 5) * SEC);

	/* Don't-care hours and minutes: every minute at :30. */
	wr(&r, CMOS_HOURS_ALARM, 0xC0);
	wr(&r, CMOS_MINUTES_ALARM, 0xFF);
	wr(&r, CMOS_SECONDS_ALARM, 0x30);
	CHECK(serve_irqs(&r, 5 * SEC + 180 * SEC, CMOS_C_AF) == 3);
	/* Every field don't-care: every second. */
	wr(&r, CMOS_SECONDS_ALARM, 0xC0);
	CHECK(serve_irqs(&r, 5 * SEC + 190 * SEC, CMOS_C_AF) == 10);
	/* An alarm no clock can match (BCD 0x6A): no timer at all. */
	wr(&r, CMOS_SECONDS_ALARM, 0x6A);
	CHECK(vclock_next_deadline(&r.clk) == VCLOCK_NEVER);
	rig_down(&r);

	/* 12-hour mode compares the PM bit; AF is set without AIE (no timer,
	 * no interrupt), found when C is read. */
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 0);
	wr(&r, CMOS_REG_A, 0x20); /* no periodic flag in C below */
	wr(&r, CMOS_REG_B, 0);
	wr(&r, CMOS_HOURS_ALARM, 0x81); /* 1 PM */
	wr(&r, CMOS_MINUTES_ALARM, 0x00);
	wr(&r, CMOS_SECONDS_ALARM, 0x00);
	CHECK(vclock_next_deadline(&r.clk) == VCLOCK_NEVER);
	advance_to(&r, 3600 * SEC);
	CHECK((rd(&r, CMOS_REG_C) & CMOS_C_AF) == 0); /* 1 AM is not 1 PM */
	advance_to(&r, 13 * 3600 * SEC);
	CHECK(rd(&r, CMOS_REG_C) == (CMOS_C_AF | CMOS_C_UF));
	CHECK(r.irq.rises == 0);
	/* Enabling AIE with AF pending raises the line at once. */
	advance_to(&r, 37 * 3600 * SEC + 30 * SEC);
	wr(&r, CMOS_REG_B, CMOS_B_AIE);
	CHECK(r.irq.level);
	rig_down(&r);
}

static void test_resync(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01 * (int64_t)SEC, 0);
	wr(&r, CMOS_REG_B, CMOS_B_24H | CMOS_B_UIE);
	struct cmos_state saved = r.cmos.s;
	advance_to(&r, 3 * SEC);
	CHECK(r.irq.level);
	r.cmos.s = saved;
	fake_ns = 0;
	cmos_resync(&r.cmos);
	CHECK(!r.irq.level);
	CHECK(vclock_next_deadline(&r.clk) == 1 * SEC);
	rig_down(&r);
}

/* Any sequence of accesses at any times: no crash, no UB (run under
 * -fsanitize=address,undefined), and the line always matches C. */
static void test_random_accesses(void)
{
	struct rig r;
	rig_up(&r, -1234567890123456789ll, 0);
	uint64_t x = 0x9E3779B97F4A7C15ull;
	for (unsigned i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint8_t v = (uint8_t)(x >> 8);
		switch (x % 4) {
		case 0:
			outb(&r, (uint16_t)(CMOS_PORT_INDEX + (x >> 20) % 2), v);
			break;
		case 1:
			inb(&r, (uint16_t)(CMOS_PORT_INDEX + (x >> 20) % 2));
			break;
		case 2:
			advance_to(&r, fake_ns + (x >> 16) % (3 * SEC));
			break;
		default: {
			uint8_t word[4] = {v, (uint8_t)x, 0, 0};
			bus_pio(&r.bus, NULL, CMOS_PORT_DATA, word, 1 + (x >> 24) % 4, x & 16);
		}
		}
		CHECK(r.irq.level == !!(r.cmos.s.flags & r.cmos.s.ram[CMOS_REG_B] & 0x70));
	}
	rig_down(&r);
}

int main(void)
{
	test_nvram_defaults();
	test_nvram_persists();
	test_nmi_bit();
	test_bcd_and_binary();
	test_year_and_century_rollover();
	test_guest_set_time();
	test_set_freezes();
	test_12_hour();
	test_uip();
	test_periodic_rates();
	test_update_interrupt();
	test_alarm();
	test_resync();
	test_random_accesses();
	return check_status("test_cmos");
}
