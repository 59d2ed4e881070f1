/* The Goldfish RTC driven through the MMIO bus as Linux's driver would, on
 * a fake virtual clock: no KVM, no CPU. */
#include <string.h>

#include "hw/goldfish_rtc.h"
#include "tests/unit/check.h"
#include "tests/unit/fake_clock.h"

#define SEC  NS_PER_SEC
#define BASE GOLDFISH_RTC_BASE

/* 2000-01-01T00:00:00Z in ns since the epoch. */
#define T_2000_01_01_NS (946684800ll * (int64_t)SEC)

struct rig {
	struct vclock clk;
	struct bus bus;
	struct goldfish_rtc rtc;
	struct irq_probe irq;
};

static void rig_up(struct rig *r, int64_t epoch_ns)
{
	memset(r, 0, sizeof(*r));
	fake_clock_init(&r->clk, epoch_ns);
	CHECK(bus_init(&r->bus) == 0);
	struct irq_line line = irq_probe_line(&r->irq, GOLDFISH_RTC_IRQ);
	CHECK(goldfish_rtc_init(&r->rtc, &r->bus, BASE, &r->clk, line) == 0);
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

static uint64_t mmio_read(struct rig *r, uint64_t off, unsigned size)
{
	uint8_t data[8] = {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};
	CHECK(bus_mmio(&r->bus, NULL, BASE + off, data, size, false) != NULL);
	return bus_value(data, size);
}

static void mmio_write(struct rig *r, uint64_t off, unsigned size, uint64_t v)
{
	uint8_t data[8];
	bus_set_value(data, size, v);
	CHECK(bus_mmio(&r->bus, NULL, BASE + off, data, size, true) != NULL);
}

static uint32_t readl(struct rig *r, uint64_t off)
{
	return (uint32_t)mmio_read(r, off, 4);
}

static void writel(struct rig *r, uint64_t off, uint32_t v)
{
	mmio_write(r, off, 4, v);
}

/* As rtc-goldfish.c's read_time: LOW, then HIGH. */
static uint64_t read_time(struct rig *r)
{
	uint64_t low = readl(r, GOLDFISH_RTC_TIME_LOW);
	return (uint64_t)readl(r, GOLDFISH_RTC_TIME_HIGH) << 32 | low;
}

/* As rtc-goldfish.c's set_alarm: HIGH, LOW, then IRQ_ENABLED. */
static void set_alarm(struct rig *r, uint64_t ns)
{
	writel(r, GOLDFISH_RTC_ALARM_HIGH, (uint32_t)(ns >> 32));
	writel(r, GOLDFISH_RTC_ALARM_LOW, (uint32_t)ns);
	writel(r, GOLDFISH_RTC_IRQ_ENABLED, 1);
}

static void test_time_and_latch(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01_NS);
	CHECK(read_time(&r) == (uint64_t)T_2000_01_01_NS);
	advance_to(&r, 1500 * 1000 * 1000ull);
	CHECK(read_time(&r) == (uint64_t)T_2000_01_01_NS + 1500 * 1000 * 1000ull);
	rig_down(&r);

	/* Low half just short of a carry: HIGH is what LOW's read latched. */
	const uint64_t high = 0x0D23ull;
	rig_up(&r, (int64_t)(high << 32 | 0xFFFFFF00u));
	CHECK(readl(&r, GOLDFISH_RTC_TIME_LOW) == 0xFFFFFF00u);
	advance_to(&r, 0x200);
	CHECK(readl(&r, GOLDFISH_RTC_TIME_HIGH) == high);
	CHECK(readl(&r, GOLDFISH_RTC_TIME_HIGH) == high);
	CHECK(readl(&r, GOLDFISH_RTC_TIME_LOW) == 0x100);
	CHECK(readl(&r, GOLDFISH_RTC_TIME_HIGH) == high + 1);
	rig_down(&r);
}

static void test_set_time(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01_NS);
	advance_to(&r, 7 * SEC);
	const uint64_t want = 4102444800ull * SEC; /* 2100-01-01 */
	writel(&r, GOLDFISH_RTC_TIME_HIGH, (uint32_t)(want >> 32));
	writel(&r, GOLDFISH_RTC_TIME_LOW, (uint32_t)want);
	CHECK(read_time(&r) == want);
	advance_to(&r, 9 * SEC);
	CHECK(read_time(&r) == want + 2 * SEC);
	rig_down(&r);
}

static void test_alarm(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01_NS);
	advance_to(&r, 1 * SEC);
	uint64_t at = read_time(&r) + 5 * SEC;
	set_alarm(&r, at);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_STATUS) == 1);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_LOW) == (uint32_t)at);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_HIGH) == (uint32_t)(at >> 32));
	CHECK(readl(&r, GOLDFISH_RTC_IRQ_ENABLED) == 1);
	CHECK(vclock_next_deadline(&r.clk) == 6 * SEC);
	advance_to(&r, 6 * SEC - 1);
	CHECK(!r.irq.level);
	advance_to(&r, 6 * SEC);
	CHECK(r.irq.level && r.irq.rises == 1);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_STATUS) == 0);
	CHECK(vclock_next_deadline(&r.clk) == VCLOCK_NEVER);
	advance_to(&r, 10 * SEC); /* level: stays up until cleared */
	CHECK(r.irq.level);
	writel(&r, GOLDFISH_RTC_CLEAR_INTERRUPT, 1);
	CHECK(!r.irq.level);

	/* An alarm already past fires at once. */
	set_alarm(&r, read_time(&r) - 1);
	CHECK(r.irq.level && r.irq.rises == 2);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_STATUS) == 0);
	writel(&r, GOLDFISH_RTC_CLEAR_INTERRUPT, 1);

	/* CLEAR_ALARM disarms. */
	set_alarm(&r, read_time(&r) + SEC);
	writel(&r, GOLDFISH_RTC_CLEAR_ALARM, 1);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_STATUS) == 0);
	CHECK(vclock_next_deadline(&r.clk) == VCLOCK_NEVER);
	advance_to(&r, 20 * SEC);
	CHECK(!r.irq.level && r.irq.rises == 2);

	/* The alarm follows a change of the clock: 10 s ahead, then the clock
	 * is set 4 s forward, so it fires 6 s later. */
	set_alarm(&r, read_time(&r) + 10 * SEC);
	uint64_t t = read_time(&r) + 4 * SEC;
	writel(&r, GOLDFISH_RTC_TIME_HIGH, (uint32_t)(t >> 32));
	writel(&r, GOLDFISH_RTC_TIME_LOW, (uint32_t)t);
	CHECK(vclock_next_deadline(&r.clk) == 26 * SEC);
	advance_to(&r, 26 * SEC);
	CHECK(r.irq.level && r.irq.rises == 3);
	rig_down(&r);
}

static void test_irq_disabled(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01_NS);
	uint64_t at = read_time(&r) + 2 * SEC;
	writel(&r, GOLDFISH_RTC_ALARM_HIGH, (uint32_t)(at >> 32));
	writel(&r, GOLDFISH_RTC_ALARM_LOW, (uint32_t)at);
	advance_to(&r, 3 * SEC);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_STATUS) == 0); /* it did fire */
	CHECK(!r.irq.level && r.irq.rises == 0);
	/* Pending: enabling raises the line, disabling lowers it again. */
	writel(&r, GOLDFISH_RTC_IRQ_ENABLED, 1);
	CHECK(r.irq.level);
	writel(&r, GOLDFISH_RTC_IRQ_ENABLED, 0);
	CHECK(!r.irq.level);
	writel(&r, GOLDFISH_RTC_CLEAR_INTERRUPT, 1);
	writel(&r, GOLDFISH_RTC_IRQ_ENABLED, 0xFFFFFFFE); /* only bit 0 counts */
	CHECK(readl(&r, GOLDFISH_RTC_IRQ_ENABLED) == 0);
	CHECK(!r.irq.level);
	rig_down(&r);
}

static void test_odd_accesses(void)
{
	struct rig r;
	rig_up(&r, (int64_t)0x1122334455667788ll);
	/* Byte lanes of TIME_LOW; each read latches. */
	CHECK(mmio_read(&r, 0, 1) == 0x88);
	CHECK(mmio_read(&r, 1, 1) == 0x77);
	CHECK(mmio_read(&r, 2, 2) == 0x5566);
	CHECK(mmio_read(&r, 3, 1) == 0x55);
	CHECK(mmio_read(&r, 4, 2) == 0x3344);
	CHECK(mmio_read(&r, 7, 1) == 0x11);
	/* An aligned 8-byte read is the whole clock. */
	CHECK(mmio_read(&r, 0, 8) == 0x1122334455667788ull);

	/* A byte written into ALARM_LOW merges, and arms. */
	writel(&r, GOLDFISH_RTC_ALARM_HIGH, 0x11223344);
	writel(&r, GOLDFISH_RTC_ALARM_LOW, 0x55667700);
	CHECK(r.irq.rises == 0); /* 0x...7700 < now: fired, but IRQ disabled */
	mmio_write(&r, GOLDFISH_RTC_ALARM_LOW + 3, 1, 0x66);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_LOW) == 0x66667700);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_STATUS) == 1);
	CHECK(vclock_next_deadline(&r.clk) == 0x66667700ull - 0x55667788ull);
	CHECK(mmio_read(&r, GOLDFISH_RTC_ALARM_LOW + 2, 2) == 0x6666);
	/* An 8-byte write at ALARM_LOW: HIGH first, then LOW arms. */
	mmio_write(&r, GOLDFISH_RTC_ALARM_LOW, 8, 0x1122334455667799ull);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_STATUS) == 1);
	CHECK(vclock_next_deadline(&r.clk) == 0x11);
	/* A 2-byte write to IRQ_ENABLED. */
	mmio_write(&r, GOLDFISH_RTC_IRQ_ENABLED, 2, 1);
	CHECK(mmio_read(&r, GOLDFISH_RTC_IRQ_ENABLED, 1) == 1);

	/* Across registers: reads 0, writes ignored (stderr says so once). */
	CHECK(mmio_read(&r, 2, 4) == 0);
	CHECK(mmio_read(&r, 3, 2) == 0);
	CHECK(mmio_read(&r, 4, 8) == 0);
	mmio_write(&r, GOLDFISH_RTC_ALARM_LOW + 1, 4, 0);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_LOW) == 0x55667799);
	CHECK(r.rtc.warned);

	/* Write-only and missing registers read 0; read-only ones ignore
	 * writes. */
	CHECK(readl(&r, GOLDFISH_RTC_CLEAR_ALARM) == 0);
	CHECK(readl(&r, GOLDFISH_RTC_CLEAR_INTERRUPT) == 0);
	CHECK(readl(&r, 0x20) == 0);
	CHECK(readl(&r, 0xFFC) == 0);
	CHECK(mmio_read(&r, 0xFF8, 8) == 0);
	writel(&r, GOLDFISH_RTC_ALARM_STATUS, 0);
	CHECK(readl(&r, GOLDFISH_RTC_ALARM_STATUS) == 1);
	writel(&r, 0x800, 0xFFFFFFFF);
	rig_down(&r);
}

static void test_resync(void)
{
	struct rig r;
	rig_up(&r, T_2000_01_01_NS);
	set_alarm(&r, read_time(&r) + 3 * SEC);
	struct goldfish_rtc_state saved = r.rtc.s;
	advance_to(&r, 4 * SEC);
	CHECK(r.irq.level);
	r.rtc.s = saved;
	fake_ns = 1 * SEC;
	goldfish_rtc_resync(&r.rtc);
	CHECK(!r.irq.level);
	CHECK(vclock_next_deadline(&r.clk) == 3 * SEC);
	rig_down(&r);
}

/* Any access at any offset and size at any time: no crash, no UB. */
static void test_random_accesses(void)
{
	struct rig r;
	rig_up(&r, -5);
	uint64_t x = 0x2545F4914F6CDD1Dull;
	static const unsigned sizes[] = {1, 2, 4, 8};
	for (unsigned i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t off = (x >> 8) % 0x30;
		unsigned size = sizes[(x >> 20) % 4];
		if (off + size > GOLDFISH_RTC_SIZE)
			continue;
		if (x % 5 == 0)
			advance_to(&r, fake_ns + (x >> 24) % (2 * SEC));
		else if (x % 5 <= 2)
			mmio_write(&r, off, size, x * 0x9E3779B97F4A7C15ull);
		else
			mmio_read(&r, off, size);
		CHECK(r.irq.level == (r.rtc.s.irq_pending && r.rtc.s.irq_enabled));
	}
	rig_down(&r);
}

int main(void)
{
	test_time_and_latch();
	test_set_time();
	test_alarm();
	test_irq_disabled();
	test_odd_accesses();
	test_resync();
	test_random_accesses();
	return check_status("test_goldfish_rtc");
}
