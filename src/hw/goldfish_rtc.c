/* The Goldfish RTC: registers, the alarm timer and the access sizes (see
 * goldfish_rtc.h for what each register and access does). */
#include <stdio.h>
#include <string.h>

#include "hw/goldfish_rtc.h"

#define REG_SIZE 4u

/* The clock in ns since the epoch; unsigned, so any offset wraps cleanly. */
static uint64_t rtc_count(const struct goldfish_rtc *g, uint64_t now)
{
	return (uint64_t)g->clk->wall_epoch_ns + now + (uint64_t)g->s.offset_ns;
}

static void update_irq(struct goldfish_rtc *g)
{
	bool level = g->s.irq_pending && g->s.irq_enabled;
	if (level != g->s.irq_level) {
		g->s.irq_level = level;
		irq_set_level(&g->irq, level);
	}
}

static void alarm_fire(struct goldfish_rtc *g)
{
	vtimer_disarm(&g->timer);
	g->s.alarm_armed = 0;
	g->s.irq_pending = 1;
	update_irq(g);
}

static void timer_fired(void *opaque, uint64_t now)
{
	(void)now;
	alarm_fire(opaque);
}

/* Arm the timer for alarm_ns on the clock as it runs now; an alarm not in
 * the future fires at once. */
static void alarm_arm(struct goldfish_rtc *g, uint64_t now)
{
	uint64_t count = rtc_count(g, now);
	if (g->s.alarm_ns <= count) {
		alarm_fire(g);
		return;
	}
	uint64_t wait = g->s.alarm_ns - count;
	uint64_t last = VCLOCK_NEVER - 1; /* the latest time a timer can hold */
	vtimer_arm(&g->timer, wait > last - now ? last : now + wait);
	g->s.alarm_armed = 1;
}

/* Set one half of the clock: the other half keeps running. */
static void set_time_half(struct goldfish_rtc *g, uint64_t now, unsigned shift, uint32_t v)
{
	uint64_t count = rtc_count(g, now);
	uint64_t mask = (uint64_t)UINT32_MAX << shift;
	uint64_t wanted = (count & ~mask) | (uint64_t)v << shift;
	g->s.offset_ns = (int64_t)((uint64_t)g->s.offset_ns + (wanted - count));
	if (g->s.alarm_armed) /* the alarm is a clock reading: follow the clock */
		alarm_arm(g, now);
}

/* What a register holds, for merging a partial write: no side effects. */
static uint32_t write_base(const struct goldfish_rtc *g, unsigned reg, uint64_t now)
{
	switch (reg) {
	case GOLDFISH_RTC_TIME_LOW:
		return (uint32_t)rtc_count(g, now);
	case GOLDFISH_RTC_TIME_HIGH:
		return (uint32_t)(rtc_count(g, now) >> 32);
	case GOLDFISH_RTC_ALARM_LOW:
		return (uint32_t)g->s.alarm_ns;
	case GOLDFISH_RTC_ALARM_HIGH:
		return (uint32_t)(g->s.alarm_ns >> 32);
	case GOLDFISH_RTC_IRQ_ENABLED:
		return g->s.irq_enabled;
	default:
		return 0;
	}
}

static uint32_t read_reg(struct goldfish_rtc *g, unsigned reg, uint64_t now)
{
	switch (reg) {
	case GOLDFISH_RTC_TIME_LOW: {
		uint64_t count = rtc_count(g, now);
		g->s.time_high = (uint32_t)(count >> 32);
		return (uint32_t)count;
	}
	case GOLDFISH_RTC_TIME_HIGH:
		return g->s.time_high;
	case GOLDFISH_RTC_ALARM_LOW:
	case GOLDFISH_RTC_ALARM_HIGH:
	case GOLDFISH_RTC_IRQ_ENABLED:
		return write_base(g, reg, now);
	case GOLDFISH_RTC_ALARM_STATUS:
		return g->s.alarm_armed;
	default: /* write-only, or no register */
		return 0;
	}
}

static void write_reg(struct goldfish_rtc *g, unsigned reg, uint32_t v, uint64_t now)
{
	switch (reg) {
	case GOLDFISH_RTC_TIME_LOW:
		set_time_half(g, now, 0, v);
		break;
	case GOLDFISH_RTC_TIME_HIGH:
		set_time_half(g, now, 32, v);
		break;
	case GOLDFISH_RTC_ALARM_LOW:
		g->s.alarm_ns = (g->s.alarm_ns & ~(uint64_t)UINT32_MAX) | v;
		alarm_arm(g, now);
		break;
	case GOLDFISH_RTC_ALARM_HIGH:
		g->s.alarm_ns = (g->s.alarm_ns & UINT32_MAX) | (uint64_t)v << 32;
		break;
	case GOLDFISH_RTC_IRQ_ENABLED:
		g->s.irq_enabled = v & 1;
		update_irq(g);
		break;
	case GOLDFISH_RTC_CLEAR_ALARM:
		vtimer_disarm(&g->timer);
		g->s.alarm_armed = 0;
		break;
	case GOLDFISH_RTC_CLEAR_INTERRUPT:
		g->s.irq_pending = 0;
		update_irq(g);
		break;
	default: /* read-only, or no register */
		break;
	}
}

/* 1 or 2 bytes at byte `lane` of register reg. */
static void lanes_access(struct goldfish_rtc *g, unsigned reg, unsigned lane, uint8_t *data,
                         unsigned size, bool is_write, uint64_t now)
{
	unsigned shift = lane * 8;
	uint32_t mask = (uint32_t)((1ull << (size * 8)) - 1) << shift;
	if (!is_write) {
		bus_set_value(data, size, (read_reg(g, reg, now) & mask) >> shift);
		return;
	}
	uint32_t v = (uint32_t)bus_value(data, size) << shift;
	write_reg(g, reg, (write_base(g, reg, now) & ~mask) | v, now);
}

/* An aligned 8-byte access: the register pair (see the header for why
 * reads go low first and writes high first). */
static void pair_access(struct goldfish_rtc *g, unsigned reg, uint8_t *data, bool is_write,
                        uint64_t now)
{
	if (is_write) {
		write_reg(g, reg + REG_SIZE, (uint32_t)bus_value(data + REG_SIZE, REG_SIZE), now);
		write_reg(g, reg, (uint32_t)bus_value(data, REG_SIZE), now);
		return;
	}
	bus_set_value(data, REG_SIZE, read_reg(g, reg, now));
	bus_set_value(data + REG_SIZE, REG_SIZE, read_reg(g, reg + REG_SIZE, now));
}

static void goldfish_rtc_io(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data,
                            unsigned size, bool is_write)
{
	struct goldfish_rtc *g = opaque;
	(void)vcpu;
	uint64_t off = addr - g->base; /* the bus only sends our page */
	uint64_t now = vclock_now(g->clk);
	unsigned lane = (unsigned)(off % REG_SIZE);
	unsigned reg = (unsigned)(off - lane);

	if (size == REG_SIZE && lane == 0) {
		if (is_write)
			write_reg(g, reg, (uint32_t)bus_value(data, size), now);
		else
			bus_set_value(data, size, read_reg(g, reg, now));
	} else if ((size == 1 || size == 2) && lane + size <= REG_SIZE) {
		lanes_access(g, reg, lane, data, size, is_write, now);
	} else if (size == 2 * REG_SIZE && off % size == 0) {
		pair_access(g, reg, data, is_write, now);
	} else {
		if (!g->warned)
			fprintf(stderr,
			        "goldfish-rtc: %u-byte %s at offset 0x%llx spans registers: "
			        "reads 0, writes ignored (said once)\n",
			        size, is_write ? "write" : "read", (unsigned long long)off);
		g->warned = true;
		if (!is_write)
			memset(data, 0, size);
	}
}

int goldfish_rtc_init(struct goldfish_rtc *g, struct bus *bus, uint64_t base, struct vclock *clk,
                      struct irq_line irq)
{
	memset(g, 0, sizeof(*g));
	g->base = base;
	g->clk = clk;
	g->irq = irq;
	int r = bus_register_mmio(bus, "goldfish-rtc", base, GOLDFISH_RTC_SIZE, goldfish_rtc_io, g);
	if (r < 0)
		return r;
	vtimer_init(&g->timer, clk, timer_fired, g); /* only once nothing can fail */
	return 0;
}

void goldfish_rtc_resync(struct goldfish_rtc *g)
{
	irq_set_level(&g->irq, g->s.irq_level);
	if (g->s.alarm_armed)
		alarm_arm(g, vclock_now(g->clk));
	else
		vtimer_disarm(&g->timer);
	update_irq(g);
}
