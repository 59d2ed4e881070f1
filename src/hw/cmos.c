/* The MC146818 RTC and CMOS NVRAM (see cmos.h for the model and the
 * NVRAM defaults).
 *
 * Time is kept in "phase time" q = virtual ns + the wall clock's sub-second
 * phase at virtual 0, so that q is a multiple of a second exactly when the
 * guest's clock updates; the 32.768 kHz divider's cycles and the periodic
 * ticks are counted in q as well, so every event time is exact.
 */
#include <string.h>

#include "hw/cmos.h"

#define DIVIDER_HZ         32768u
#define SECS_PER_DAY       86400
#define KIB                1024u
#define MIB                (1024u * KIB)
#define ALARM_DONT_CARE(v) (((v)&0xC0) == 0xC0)
#define FLAG_BITS          (CMOS_C_PF | CMOS_C_AF | CMOS_C_UF)

/* A broken-down time, as the registers count it. */
struct rtc_tm {
	int sec, min, hour; /* hour 0-23 */
	int wday;           /* 1-7, 1 = Sunday */
	int mday, mon;      /* 1-31, 1-12 */
	int64_t year;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

/* ---- calendar (proleptic Gregorian, days since 1970-01-01) ------------- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, struct rtc_tm *tm)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	tm->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = yoe + era * 400 + (tm->mon <= 2);
}

static void tm_from_seconds(int64_t s, struct rtc_tm *tm)
{
	int64_t days = floor_div(s, SECS_PER_DAY);
	int tod = (int)(s - days * SECS_PER_DAY);
	civil_from_days(days, tm);
	tm->hour = tod / 3600;
	tm->min = tod / 60 % 60;
	tm->sec = tod % 60;
	tm->wday = (int)floor_mod(days + 4, 7) + 1; /* 1970-01-01 was a Thursday */
}

static int64_t seconds_from_tm(const struct rtc_tm *tm)
{
	return days_from_civil(tm->year, tm->mon, tm->mday) * SECS_PER_DAY + tm->hour * 3600 +
	       tm->min * 60 + tm->sec;
}

/* ---- register encoding (B's DM and 24/12 bits) ------------------------- */

static uint8_t encode(const struct cmos *c, int v)
{
	if (c->s.ram[CMOS_REG_B] & CMOS_B_DM)
		return (uint8_t)v;
	return (uint8_t)((v / 10) << 4 | v % 10);
}

/* A guest-written value, clamped to [lo, hi]: the chip keeps nonsense, the
 * clock it becomes must still be a date. */
static int decode(const struct cmos *c, uint8_t v, int lo, int hi)
{
	int d = (c->s.ram[CMOS_REG_B] & CMOS_B_DM) ? v : (v >> 4) * 10 + (v & 0x0F);
	return d < lo ? lo : d > hi ? hi : d;
}

static uint8_t encode_hour(const struct cmos *c, int hour)
{
	if (c->s.ram[CMOS_REG_B] & CMOS_B_24H)
		return encode(c, hour);
	int h12 = hour % 12 ? hour % 12 : 12; /* 00:xx is 12 AM, 12:xx is 12 PM */
	return (uint8_t)(encode(c, h12) | (hour >= 12 ? 0x80 : 0));
}

static int decode_hour(const struct cmos *c, uint8_t v)
{
	if (c->s.ram[CMOS_REG_B] & CMOS_B_24H)
		return decode(c, v, 0, 23);
	return decode(c, v & 0x7F, 1, 12) % 12 + (v & 0x80 ? 12 : 0);
}

/* The value of a time register (0x00-0x09 or the century) at tm. */
static uint8_t time_register(const struct cmos *c, unsigned reg, const struct rtc_tm *tm)
{
	switch (reg) {
	case CMOS_SECONDS:
		return encode(c, tm->sec);
	case CMOS_MINUTES:
		return encode(c, tm->min);
	case CMOS_HOURS:
		return encode_hour(c, tm->hour);
	case CMOS_DAY_OF_WEEK:
		return encode(c, tm->wday);
	case CMOS_DAY_OF_MONTH:
		return encode(c, tm->mday);
	case CMOS_MONTH:
		return encode(c, tm->mon);
	case CMOS_YEAR:
		return encode(c, (int)floor_mod(tm->year, 100));
	default: /* CMOS_CENTURY */
		return encode(c, (int)floor_mod(floor_div(tm->year, 100), 100));
	}
}

static const uint8_t time_registers[] = {
    CMOS_SECONDS,      CMOS_MINUTES, CMOS_HOURS, CMOS_DAY_OF_WEEK,
    CMOS_DAY_OF_MONTH, CMOS_MONTH,   CMOS_YEAR,  CMOS_CENTURY,
};

static bool is_time_register(unsigned reg)
{
	return memchr(time_registers, (int)reg, sizeof(time_registers)) != NULL;
}

/* The frozen registers as a time; the day of the week is derived from the
 * date, whatever the guest wrote there. */
static int64_t frozen_seconds(const struct cmos *c)
{
	const uint8_t *r = c->s.ram;
	struct rtc_tm tm = {
	    .sec = decode(c, r[CMOS_SECONDS], 0, 59),
	    .min = decode(c, r[CMOS_MINUTES], 0, 59),
	    .hour = decode_hour(c, r[CMOS_HOURS]),
	    .mday = decode(c, r[CMOS_DAY_OF_MONTH], 1, 31),
	    .mon = decode(c, r[CMOS_MONTH], 1, 12),
	    .year = decode(c, r[CMOS_CENTURY], 0, 99) * 100 + decode(c, r[CMOS_YEAR], 0, 99),
	};
	return seconds_from_tm(&tm);
}

/* ---- time -------------------------------------------------------------- */

static bool clock_frozen(const struct cmos *c)
{
	return c->s.ram[CMOS_REG_B] & CMOS_B_SET;
}

/* Phase time at virtual time t (see the top of the file). */
static uint64_t phase_ns(const struct cmos *c, uint64_t t)
{
	return t + (uint64_t)floor_mod(c->clk->wall_epoch_ns, (int64_t)NS_PER_SEC);
}

/* The virtual time of phase time q (q is never before virtual 0 here). */
static uint64_t virtual_ns(const struct cmos *c, uint64_t q)
{
	return q - (uint64_t)floor_mod(c->clk->wall_epoch_ns, (int64_t)NS_PER_SEC);
}

/* The guest's clock in whole seconds at virtual time t (SET aside). */
static int64_t rtc_seconds(const struct cmos *c, uint64_t t)
{
	int64_t epoch_s = floor_div(c->clk->wall_epoch_ns, (int64_t)NS_PER_SEC);
	return epoch_s + (int64_t)(phase_ns(c, t) / NS_PER_SEC) + c->s.offset_s;
}

/* Copy the running clock into the time registers (SET going on). */
static void freeze(struct cmos *c, uint64_t now)
{
	struct rtc_tm tm;
	tm_from_seconds(rtc_seconds(c, now), &tm);
	for (unsigned i = 0; i < sizeof(time_registers); i++)
		c->s.ram[time_registers[i]] = time_register(c, time_registers[i], &tm);
}

/* Run the clock from the time registers (SET going off): the whole-second
 * offset changes, the divider's phase does not. */
static void thaw(struct cmos *c, uint64_t now)
{
	c->s.offset_s += frozen_seconds(c) - rtc_seconds(c, now);
}

static bool update_in_progress(const struct cmos *c, uint64_t now)
{
	return !clock_frozen(c) && phase_ns(c, now) % NS_PER_SEC >= NS_PER_SEC - CMOS_UIP_NS;
}

/* ---- periodic ticks ---------------------------------------------------- */

/* Divider cycles per periodic tick, 0 = off.  Rates 1 and 2 are 256 and
 * 128 Hz with the 32.768 kHz time base, not 32768 and 16384 (datasheet). */
static uint32_t periodic_divisor(const struct cmos *c)
{
	unsigned rate = c->s.ram[CMOS_REG_A] & CMOS_A_RS_MASK;
	if (rate == 0)
		return 0;
	return rate <= 2 ? 1u << (rate + 6) : 1u << (rate - 1);
}

/* 32.768 kHz cycles completed by phase time q: floor(q * 32768 / 1e9). */
static uint64_t divider_cycles(uint64_t q)
{
	return q / NS_PER_SEC * DIVIDER_HZ + q % NS_PER_SEC * DIVIDER_HZ / NS_PER_SEC;
}

/* The first phase time at which `cycles` cycles are complete. */
static uint64_t cycles_start(uint64_t cycles)
{
	uint64_t part = cycles % DIVIDER_HZ * NS_PER_SEC;
	return cycles / DIVIDER_HZ * NS_PER_SEC + (part + DIVIDER_HZ - 1) / DIVIDER_HZ;
}

static uint64_t periodic_ticks(const struct cmos *c, uint64_t t)
{
	return divider_cycles(phase_ns(c, t)) / periodic_divisor(c);
}

static uint64_t next_periodic_tick(const struct cmos *c, uint64_t now)
{
	uint64_t next = periodic_ticks(c, now) + 1;
	return virtual_ns(c, cycles_start(next * periodic_divisor(c)));
}

/* ---- alarm --------------------------------------------------------------- */

enum { MATCH_NONE = -1, MATCH_ANY = -2 };

/* Which value of a field an alarm register matches: one, any or none (a
 * value no clock reading can have, e.g. BCD 0x6A seconds). */
static int alarm_target(const struct cmos *c, unsigned reg, int count)
{
	uint8_t a = c->s.ram[reg];
	if (ALARM_DONT_CARE(a))
		return MATCH_ANY;
	for (int v = 0; v < count; v++)
		if ((reg == CMOS_HOURS_ALARM ? encode_hour(c, v) : encode(c, v)) == a)
			return v;
	return MATCH_NONE;
}

static bool field_matches(int target, int v)
{
	return target == MATCH_ANY || target == v;
}

/* Seconds from second s to the next one (1-86400 later) whose time of day
 * the alarm registers match, or 0 if none ever does. */
static int64_t seconds_to_alarm(const struct cmos *c, int64_t s)
{
	int hour = alarm_target(c, CMOS_HOURS_ALARM, 24);
	int min = alarm_target(c, CMOS_MINUTES_ALARM, 60);
	int sec = alarm_target(c, CMOS_SECONDS_ALARM, 60);
	if (hour == MATCH_NONE || min == MATCH_NONE || sec == MATCH_NONE)
		return 0;
	int64_t tod = floor_mod(s, SECS_PER_DAY);
	for (int64_t h = 0; h < 48; h++) { /* today and tomorrow */
		if (!field_matches(hour, (int)(h % 24)) || h * 3600 + 3599 <= tod)
			continue;
		for (int64_t m = 0; m < 60; m++) {
			int64_t start = h * 3600 + m * 60;
			if (!field_matches(min, (int)m) || start + 59 <= tod)
				continue;
			int64_t first =
			    sec == MATCH_ANY ? (start > tod ? start : tod + 1) : start + sec;
			if (first > tod)
				return first - tod;
		}
	}
	return 0;
}

/* ---- register C and the IRQ line ---------------------------------------- */

/* Set the flags for every event between flags_ns and now: a periodic tick,
 * an update (only while the clock runs), an alarm match at an update. */
static void account(struct cmos *c, uint64_t now)
{
	uint64_t since = c->s.flags_ns;
	c->s.flags_ns = now;
	if (now <= since) /* nothing happened, or a restore went back in time */
		return;
	if (periodic_divisor(c) && periodic_ticks(c, now) > periodic_ticks(c, since))
		c->s.flags |= CMOS_C_PF;
	if (clock_frozen(c))
		return;
	int64_t from = rtc_seconds(c, since), to = rtc_seconds(c, now);
	if (to > from)
		c->s.flags |= CMOS_C_UF;
	int64_t alarm = seconds_to_alarm(c, from);
	if (alarm && alarm <= to - from)
		c->s.flags |= CMOS_C_AF;
}

static bool irqf(const struct cmos *c)
{
	return c->s.flags & c->s.ram[CMOS_REG_B] & FLAG_BITS;
}

static void update_irq(struct cmos *c)
{
	bool level = irqf(c);
	if (level != c->s.irq_level) {
		c->s.irq_level = level;
		irq_set_level(&c->irq, level);
	}
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Arm the timer for the next event that would raise the line: only for an
 * enabled interrupt whose flag is not already pending. */
static void reschedule(struct cmos *c, uint64_t now)
{
	uint8_t want = c->s.ram[CMOS_REG_B] & FLAG_BITS & ~c->s.flags;
	uint64_t next = VCLOCK_NEVER;
	if ((want & CMOS_C_PF) && periodic_divisor(c))
		next = next_periodic_tick(c, now);
	if (!clock_frozen(c)) {
		uint64_t second = phase_ns(c, now) / NS_PER_SEC;
		if (want & CMOS_C_UF)
			next = earliest(next, virtual_ns(c, (second + 1) * NS_PER_SEC));
		int64_t alarm = (want & CMOS_C_AF) ? seconds_to_alarm(c, rtc_seconds(c, now)) : 0;
		if (alarm)
			next =
			    earliest(next, virtual_ns(c, (second + (uint64_t)alarm) * NS_PER_SEC));
	}
	if (next == VCLOCK_NEVER)
		vtimer_disarm(&c->timer);
	else
		vtimer_arm(&c->timer, next);
}

static void timer_fired(void *opaque, uint64_t now)
{
	struct cmos *c = opaque;
	account(c, now);
	update_irq(c);
	reschedule(c, now);
}

static uint8_t read_reg_c(struct cmos *c)
{
	uint8_t v = c->s.flags | (irqf(c) ? CMOS_C_IRQF : 0);
	c->s.flags = 0;
	return v;
}

/* ---- register access ---------------------------------------------------- */

static uint8_t read_register(struct cmos *c, unsigned reg, uint64_t now)
{
	if (is_time_register(reg) && !clock_frozen(c)) {
		struct rtc_tm tm;
		tm_from_seconds(rtc_seconds(c, now), &tm);
		return time_register(c, reg, &tm);
	}
	switch (reg) {
	case CMOS_REG_A:
		return (uint8_t)(c->s.ram[reg] | (update_in_progress(c, now) ? CMOS_A_UIP : 0));
	case CMOS_REG_C:
		return read_reg_c(c);
	case CMOS_REG_D:
		return CMOS_D_VRT;
	default:
		return c->s.ram[reg];
	}
}

static void write_reg_b(struct cmos *c, uint8_t v, uint64_t now)
{
	bool was_frozen = clock_frozen(c);
	if (v & CMOS_B_SET)
		v &= (uint8_t)~CMOS_B_UIE; /* the datasheet: SET clears UIE */
	c->s.ram[CMOS_REG_B] = v;
	/* The registers hold the time in the format B has from now on. */
	if (!was_frozen && clock_frozen(c))
		freeze(c, now);
	else if (was_frozen && !clock_frozen(c))
		thaw(c, now);
}

static void write_register(struct cmos *c, unsigned reg, uint8_t v, uint64_t now)
{
	if (is_time_register(reg)) {
		bool running = !clock_frozen(c);
		if (running) /* the registers are the clock: set it at once */
			freeze(c, now);
		c->s.ram[reg] = v;
		if (running)
			thaw(c, now);
		return;
	}
	switch (reg) {
	case CMOS_REG_A:
		c->s.ram[reg] = v & (uint8_t)~CMOS_A_UIP;
		break;
	case CMOS_REG_B:
		write_reg_b(c, v, now);
		break;
	case CMOS_REG_C: /* read-only */
	case CMOS_REG_D:
		break;
	default:
		c->s.ram[reg] = v;
	}
}

/* One byte at port 0x70 or 0x71.  The index port is write-only (reads as
 * 0xFF, like most chipsets). */
static uint8_t port_access(struct cmos *c, uint64_t port, uint8_t v, bool is_write)
{
	if (port == CMOS_PORT_INDEX) {
		if (is_write) {
			c->s.index = v & 0x7F;
			c->s.nmi_masked = v >> 7;
		}
		return 0xFF;
	}
	uint64_t now = vclock_now(c->clk);
	account(c, now); /* every change below applies from now on */
	if (is_write)
		write_register(c, c->s.index, v, now);
	else
		v = read_register(c, c->s.index, now);
	update_irq(c);
	reschedule(c, now);
	return v;
}

/* A wider access is one byte per port, as two `in al` would be; bytes past
 * 0x71 read as an open bus. */
static void cmos_io(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data, unsigned size,
                    bool is_write)
{
	(void)vcpu;
	for (unsigned i = 0; i < size; i++) {
		uint64_t port = addr + i;
		if (port == CMOS_PORT_INDEX || port == CMOS_PORT_DATA)
			data[i] = port_access(opaque, port, data[i], is_write);
		else if (!is_write)
			data[i] = 0xFF;
	}
}

/* ---- set-up -------------------------------------------------------------- */

static void put16(uint8_t *ram, unsigned reg, uint64_t v)
{
	v = v > 0xFFFF ? 0xFFFF : v;
	ram[reg] = (uint8_t)v;
	ram[reg + 1] = (uint8_t)(v >> 8);
}

static void nvram_defaults(uint8_t *ram, uint64_t ram_size)
{
	uint64_t ext_kib = ram_size > MIB ? (ram_size - MIB) / KIB : 0;
	uint64_t high_64k = ram_size > 16 * MIB ? (ram_size - 16 * MIB) / (64 * KIB) : 0;
	ram[CMOS_REG_A] = 0x26;
	ram[CMOS_REG_B] = CMOS_B_24H;
	ram[0x10] = 0x40; /* drive A: 1.44 MB */
	ram[0x14] = 0x01; /* a floppy drive, EGA/VGA, no FPU */
	put16(ram, 0x15, 640);
	put16(ram, 0x17, ext_kib);
	put16(ram, 0x30, ext_kib);
	put16(ram, 0x34, high_64k);
	unsigned sum = 0;
	for (unsigned i = 0x10; i <= 0x2D; i++)
		sum += ram[i];
	ram[0x2E] = (uint8_t)(sum >> 8);
	ram[0x2F] = (uint8_t)sum;
}

int cmos_init(struct cmos *c, struct bus *bus, struct vclock *clk, struct irq_line irq8,
              uint64_t ram_size)
{
	memset(c, 0, sizeof(*c));
	c->clk = clk;
	c->irq = irq8;
	nvram_defaults(c->s.ram, ram_size);
	c->s.flags_ns = vclock_now(clk);
	int r = bus_register_pio(bus, "cmos", CMOS_PORT_INDEX, 2, cmos_io, c);
	if (r < 0)
		return r;
	vtimer_init(&c->timer, clk, timer_fired, c); /* only once nothing can fail */
	return 0;
}

bool cmos_nmi_masked(const struct cmos *c)
{
	return c->s.nmi_masked;
}

void cmos_resync(struct cmos *c)
{
	uint64_t now = vclock_now(c->clk);
	irq_set_level(&c->irq, c->s.irq_level);
	account(c, now);
	update_irq(c);
	reschedule(c, now);
}

void cmos_nvram_set(struct cmos *c, uint8_t reg, uint8_t value)
{
	if (reg >= 0x0e && reg < CMOS_SIZE && reg != 0x32)
		c->s.ram[reg] = value;
}
