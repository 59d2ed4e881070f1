/* The local APICs: registers, priorities, IPIs, the timer and the page on
 * the bus.  Behaviour follows the Intel SDM vol. 3 ch. 11; see lapic.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "hw/lapic.h"

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR };

/* The bits a guest may write in each LVT entry: the delivery status (12)
 * and remote IRR (14) are read-only, TSC-deadline mode (18) is absent. */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
    0x300ff, /* timer: vector, mask, periodic */
    0x107ff, /* thermal: vector, delivery mode, mask */
    0x107ff, /* performance counters: the same */
    0x1a7ff, /* LINT0: also polarity and trigger mode */
    0x1a7ff, /* LINT1 */
    0x100ff, /* error: vector, mask */
};

#define ICR_LO_WRITABLE 0x000ccfffu /* vector..dest mode, level, trigger, shorthand */
#define SVR_WRITABLE    0x3ffu      /* vector, enable, focus checking */
#define ID_BITS         0xff000000u
#define MSR_RESERVED    (~(LAPIC_MSR_BASE_MASK | LAPIC_MSR_BSP | LAPIC_MSR_ENABLE))

/* The 16-byte slots (offset >> 4) that hold a register. */
#define SLOT(off)     (1ull << ((off) >> 4))
#define SLOTS(lo, hi) ((SLOT(hi) - SLOT(lo)) | SLOT(hi))
static const uint64_t defined_slots = SLOT(LAPIC_ID) | SLOT(LAPIC_VER) |
                                      SLOTS(LAPIC_TPR, LAPIC_EOI) | SLOTS(LAPIC_LDR, LAPIC_ESR) |
                                      SLOTS(LAPIC_ICR_LO, LAPIC_TIMER_CUR) | SLOT(LAPIC_TIMER_DIV);

static bool defined_register(unsigned off)
{
	return off < 0x400 && (defined_slots >> (off >> 4) & 1);
}

static const char *const mode_name[8] = {"fixed", "lowest-priority", "SMI",   "reserved", "NMI",
                                         "INIT",  "start-up",        "ExtINT"};

enum lapic_note { NOTE_WRITE_SIZE = 1, NOTE_MODE = 2, NOTE_CPU = 4, NOTE_MAP = 8 };

static void note_once(struct lapic_bus *lb, enum lapic_note what, const char *msg)
{
	if (lb->noted & what)
		return;
	lb->noted |= what;
	fprintf(stderr, "kvm-gdbstub: lapic: %s\n", msg);
}

/* ---- 256-bit vector sets (ISR, TMR, IRR) ---- */

static void vset(uint32_t *v, unsigned vec)
{
	v[vec >> 5] |= 1u << (vec & 31);
}

static void vclear(uint32_t *v, unsigned vec)
{
	v[vec >> 5] &= ~(1u << (vec & 31));
}

/* The highest vector in the set, or -1. */
static int vhighest(const uint32_t *v)
{
	for (int i = 7; i >= 0; i--)
		if (v[i])
			return i * 32 + 31 - __builtin_clz(v[i]);
	return -1;
}

static unsigned class_of(int vec)
{
	return vec < 0 ? 0 : (unsigned)vec >> 4;
}

/* ---- state helpers ---- */

static bool hw_enabled(const struct lapic *a)
{
	return a->s.base_msr & LAPIC_MSR_ENABLE;
}

static bool sw_enabled(const struct lapic *a)
{
	return a->s.svr & LAPIC_SVR_ENABLE;
}

static uint64_t base_of(const struct lapic *a)
{
	return a->s.base_msr & LAPIC_MSR_BASE_MASK;
}

static void kick(struct lapic *a)
{
	struct lapic_bus *lb = a->owner;
	if (lb->ops.kick)
		lb->ops.kick(lb->opaque, a->index);
}

static uint32_t ppr(const struct lapic *a)
{
	int isrv = vhighest(a->s.isr);
	if ((a->s.tpr >> 4) >= class_of(isrv))
		return a->s.tpr;
	return class_of(isrv) << 4;
}

static uint32_t apr(const struct lapic *a)
{
	unsigned tpr = a->s.tpr >> 4, isr = class_of(vhighest(a->s.isr));
	unsigned irr = class_of(vhighest(a->s.irr));
	if (tpr >= irr && tpr > isr)
		return a->s.tpr;
	unsigned top = tpr > isr ? tpr : isr;
	return (top > irr ? top : irr) << 4;
}

/* The IRR vector the CPU would take now, or -1. */
static int pending_vector(const struct lapic *a)
{
	int irrv = vhighest(a->s.irr);
	if (!hw_enabled(a) || irrv < 0 || class_of(irrv) <= ppr(a) >> 4)
		return -1;
	return irrv;
}

static void set_irr(struct lapic *a, unsigned vec, bool level)
{
	vset(a->s.irr, vec);
	if (level)
		vset(a->s.tmr, vec);
	else
		vclear(a->s.tmr, vec);
}

/* Record errors; the error LVT, if unmasked, interrupts. */
static void raise_error(struct lapic *a, uint32_t bits)
{
	a->s.esr_pending |= bits;
	uint32_t lvt = a->s.lvt[LVT_ERROR];
	if (!(lvt & LAPIC_LVT_MASKED) && (lvt & 0xff) >= 16 && sw_enabled(a)) {
		set_irr(a, lvt & 0xff, false);
		kick(a);
	}
}

/* A fixed interrupt arrives: a disabled APIC drops it. */
static void deliver_fixed(struct lapic *a, uint8_t vec, bool level)
{
	if (!hw_enabled(a) || !sw_enabled(a))
		return;
	if (vec < 16) {
		raise_error(a, LAPIC_ESR_RECV_VECTOR);
		return;
	}
	set_irr(a, vec, level);
	kick(a);
}

/* ---- the timer ---- */

static uint64_t divisor(const struct lapic *a)
{
	uint32_t d = a->s.timer_divide;
	unsigned code = (d & 3) | (d >> 1 & 4);
	return 1ull << ((code + 1) & 7);
}

static bool periodic(const struct lapic *a)
{
	return a->s.lvt[LVT_TIMER] & LAPIC_LVT_PERIODIC;
}

static int64_t now_ns(const struct lapic *a)
{
	return (int64_t)vclock_now(a->owner->clk);
}

/* Whole ticks since tick 0 of the running count. */
static uint64_t ticks_since_start(const struct lapic *a, int64_t now)
{
	return now > a->s.timer_start ? (uint64_t)(now - a->s.timer_start) / divisor(a) : 0;
}

/* How far the count has gone down in the current period (0..initial). */
static uint64_t ticks_done(const struct lapic *a, int64_t now)
{
	uint64_t e = ticks_since_start(a, now), n = a->s.timer_initial;
	if (n == 0)
		return 0;
	return periodic(a) ? e % n : (e < n ? e : n);
}

static uint32_t current_count(const struct lapic *a)
{
	return a->s.timer_initial - (uint32_t)ticks_done(a, now_ns(a));
}

/* Arm the vtimer for the next time the count reaches 0, if that can
 * interrupt; else disarm it. */
static void timer_update(struct lapic *a, int64_t now)
{
	uint64_t n = a->s.timer_initial, e = ticks_since_start(a, now);
	if (n == 0 || (a->s.lvt[LVT_TIMER] & LAPIC_LVT_MASKED) || !hw_enabled(a) ||
	    (!periodic(a) && e >= n)) {
		vtimer_disarm(&a->timer);
		return;
	}
	uint64_t periods = periodic(a) ? e / n + 1 : 1;
	vtimer_arm(&a->timer, (uint64_t)(a->s.timer_start + (int64_t)(periods * n * divisor(a))));
}

static void timer_fire(void *opaque, uint64_t now)
{
	struct lapic *a = opaque;
	uint32_t lvt = a->s.lvt[LVT_TIMER];
	if (!(lvt & LAPIC_LVT_MASKED))
		deliver_fixed(a, lvt & 0xff, false);
	timer_update(a, (int64_t)now);
}

/* A new timer LVT or divide configuration.  If the mode or the rate
 * changes, the count goes on from where it is, at the new rate. */
static void set_timer_config(struct lapic *a, uint32_t lvt, uint32_t divide)
{
	int64_t now = now_ns(a);
	bool rebase =
	    (lvt ^ a->s.lvt[LVT_TIMER]) & LAPIC_LVT_PERIODIC || divide != a->s.timer_divide;
	uint64_t done = ticks_done(a, now);
	a->s.lvt[LVT_TIMER] = lvt;
	a->s.timer_divide = divide;
	if (rebase)
		a->s.timer_start = now - (int64_t)(done * divisor(a));
	timer_update(a, now);
}

static void start_timer(struct lapic *a, uint32_t count)
{
	int64_t now = now_ns(a);
	a->s.timer_initial = count;
	a->s.timer_start = now;
	timer_update(a, now);
}

/* ---- reset and the page on the bus ---- */

static void lapic_access(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data,
                         unsigned size, bool is_write);

/* INIT reset: the power-up state except the ID and the base MSR. */
static void reset_registers(struct lapic *a)
{
	uint64_t msr = a->s.base_msr;
	uint32_t id = a->s.id;
	memset(&a->s, 0, sizeof(a->s));
	a->s.base_msr = msr;
	a->s.id = id;
	a->s.dfr = 0xffffffff;
	a->s.svr = 0xff;
	for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
		a->s.lvt[i] = LAPIC_LVT_MASKED;
	if (msr & LAPIC_MSR_BSP) /* virtual-wire mode: the 8259 reaches the BSP */
		a->s.lvt[LVT_LINT0] = LAPIC_DM_EXTINT << 8;
	vtimer_disarm(&a->timer);
}

static void power_up(struct lapic *a)
{
	a->s.base_msr = LAPIC_DEFAULT_BASE | LAPIC_MSR_ENABLE | (a->index == 0 ? LAPIC_MSR_BSP : 0);
	a->s.id = a->index << 24;
	reset_registers(a);
}

static bool contains(const uint64_t *set, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i] == v)
			return true;
	return false;
}

/* Put the page on the bus at exactly the bases enabled APICs use.
 * 0, or the first registration's -errno (that base stays unmapped). */
static int remap(struct lapic_bus *lb)
{
	uint64_t want[LAPIC_MAX_CPUS];
	unsigned nwant = 0, nkept = 0;
	for (unsigned i = 0; i < lb->count; i++)
		if (hw_enabled(&lb->cpu[i]) && !contains(want, nwant, base_of(&lb->cpu[i])))
			want[nwant++] = base_of(&lb->cpu[i]);
	for (unsigned i = 0; i < lb->nmapped; i++) {
		if (contains(want, nwant, lb->mapped[i]))
			lb->mapped[nkept++] = lb->mapped[i];
		else
			bus_unregister_mmio(lb->bus, lb->mapped[i]);
	}
	lb->nmapped = nkept;
	int err = 0;
	for (unsigned i = 0; i < nwant; i++) {
		if (contains(lb->mapped, lb->nmapped, want[i]))
			continue;
		int r =
		    bus_register_mmio(lb->bus, "lapic", want[i], LAPIC_PAGE_SIZE, lapic_access, lb);
		if (r == 0) {
			lb->mapped[lb->nmapped++] = want[i];
		} else {
			note_once(lb, NOTE_MAP, "an APIC base overlaps another device: not mapped");
			err = err ? err : r;
		}
	}
	return err;
}

/* ---- IPIs ---- */

static bool logical_match(const struct lapic *a, uint8_t dest)
{
	uint8_t ldr = (uint8_t)(a->s.ldr >> 24);
	if ((a->s.dfr >> 28) == 0xf) /* flat model: a bit per APIC */
		return ldr & dest;
	return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf); /* cluster model */
}

static bool dest_match(const struct lapic *a, bool logical, uint8_t dest)
{
	if (dest == 0xff)
		return true; /* broadcast in either mode */
	return logical ? logical_match(a, dest) : lapic_id(a) == dest;
}

/* The CPUs (a bit per index) that an IPI from src reaches. */
static uint64_t destinations(const struct lapic *src)
{
	const struct lapic_bus *lb = src->owner;
	unsigned shorthand = src->s.icr_lo >> 18 & 3;
	bool logical = src->s.icr_lo & LAPIC_ICR_LOGICAL;
	uint8_t dest = (uint8_t)(src->s.icr_hi >> 24);
	uint64_t set = 0;
	for (unsigned i = 0; i < lb->count; i++) {
		const struct lapic *a = &lb->cpu[i];
		bool hit = shorthand == LAPIC_SH_SELF     ? a == src
		           : shorthand == LAPIC_SH_ALL    ? true
		           : shorthand == LAPIC_SH_OTHERS ? a != src
		                                          : dest_match(a, logical, dest);
		if (hit && hw_enabled(a))
			set |= 1ull << i;
	}
	return set;
}

/* Lowest-priority arbitration: the lowest TPR, then the lowest index. */
static uint64_t lowest_priority(const struct lapic_bus *lb, uint64_t set)
{
	int best = -1;
	for (unsigned i = 0; i < lb->count; i++)
		if ((set >> i & 1) && (best < 0 || lb->cpu[i].s.tpr < lb->cpu[best].s.tpr))
			best = (int)i;
	return best < 0 ? 0 : 1ull << best;
}

static void drop_ipi(struct lapic *src, unsigned mode)
{
	struct lapic_bus *lb = src->owner;
	lb->ipis_dropped++;
	if (lb->verbose)
		fprintf(
		    stderr,
		    "kvm-gdbstub: lapic: CPU %u: %s IPI (ICR %08x:%08x) reached no CPU: ignored\n",
		    src->index, mode_name[mode], src->s.icr_hi, src->s.icr_lo);
}

/* Deliver one IPI of delivery mode `mode` to the APIC t. */
static void ipi_to(struct lapic *t, unsigned mode, uint8_t vec, bool level)
{
	struct lapic_bus *lb = t->owner;
	switch (mode) {
	case LAPIC_DM_FIXED:
	case LAPIC_DM_LOWEST:
		deliver_fixed(t, vec, level);
		break;
	case LAPIC_DM_NMI:
		t->s.nmi_pending = true;
		kick(t);
		break;
	case LAPIC_DM_INIT:
		reset_registers(t);
		if (lb->ops.init)
			lb->ops.init(lb->opaque, t->index);
		break;
	case LAPIC_DM_STARTUP:
		if (lb->ops.sipi)
			lb->ops.sipi(lb->opaque, t->index, vec);
		break;
	default:
		break;
	}
}

/* A write of ICR low sends the IPI it describes. */
static void send_ipi(struct lapic *src)
{
	uint32_t lo = src->s.icr_lo;
	unsigned mode = lo >> 8 & 7;
	uint8_t vec = (uint8_t)lo;
	bool level = lo & LAPIC_ICR_LEVEL;
	if (mode == LAPIC_DM_SMI || mode == 3 || mode == LAPIC_DM_EXTINT) {
		note_once(src->owner, NOTE_MODE, "SMI, ExtINT and reserved IPIs are ignored");
		return;
	}
	if (mode == LAPIC_DM_INIT && level && !(lo & LAPIC_ICR_ASSERT))
		return; /* INIT level de-assert: nothing on P4 and later */
	if ((mode == LAPIC_DM_FIXED || mode == LAPIC_DM_LOWEST) && vec < 16) {
		raise_error(src, LAPIC_ESR_SEND_VECTOR);
		return;
	}
	uint64_t set = destinations(src);
	if (mode == LAPIC_DM_LOWEST)
		set = lowest_priority(src->owner, set);
	if (!set) {
		drop_ipi(src, mode);
		return;
	}
	for (unsigned i = 0; i < src->owner->count; i++)
		if (set >> i & 1)
			ipi_to(&src->owner->cpu[i], mode, vec, level);
}

/* ---- registers ---- */

static void eoi(struct lapic *a)
{
	int v = vhighest(a->s.isr);
	if (v >= 0)
		vclear(a->s.isr, (unsigned)v); /* a level EOI would go to an I/O APIC: none */
}

static void write_svr(struct lapic *a, uint32_t v)
{
	a->s.svr = v & SVR_WRITABLE;
	if (sw_enabled(a))
		return;
	for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
		a->s.lvt[i] |= LAPIC_LVT_MASKED;
	timer_update(a, now_ns(a));
}

static void write_lvt(struct lapic *a, unsigned i, uint32_t v)
{
	v &= lvt_writable[i];
	if (!sw_enabled(a))
		v |= LAPIC_LVT_MASKED; /* a software-disabled APIC keeps them masked */
	if (i == LVT_TIMER)
		set_timer_config(a, v, a->s.timer_divide);
	else
		a->s.lvt[i] = v;
}

static bool in_bank(unsigned off, unsigned bank)
{
	return off >= bank && off < bank + 0x80;
}

static uint32_t read_reg(struct lapic *a, unsigned off)
{
	if (!defined_register(off)) {
		raise_error(a, LAPIC_ESR_ILLEGAL_REG);
		return 0;
	}
	if (in_bank(off, LAPIC_ISR))
		return a->s.isr[(off - LAPIC_ISR) >> 4];
	if (in_bank(off, LAPIC_TMR))
		return a->s.tmr[(off - LAPIC_TMR) >> 4];
	if (in_bank(off, LAPIC_IRR))
		return a->s.irr[(off - LAPIC_IRR) >> 4];
	if (off >= LAPIC_LVT_TIMER && off <= LAPIC_LVT_ERROR)
		return a->s.lvt[(off - LAPIC_LVT_TIMER) >> 4];
	switch (off) {
	case LAPIC_ID:
		return a->s.id;
	case LAPIC_VER:
		return LAPIC_VERSION;
	case LAPIC_TPR:
		return a->s.tpr;
	case LAPIC_APR:
		return apr(a);
	case LAPIC_PPR:
		return ppr(a);
	case LAPIC_LDR:
		return a->s.ldr;
	case LAPIC_DFR:
		return a->s.dfr;
	case LAPIC_SVR:
		return a->s.svr;
	case LAPIC_ESR:
		return a->s.esr;
	case LAPIC_ICR_LO:
		return a->s.icr_lo;
	case LAPIC_ICR_HI:
		return a->s.icr_hi;
	case LAPIC_TIMER_INIT:
		return a->s.timer_initial;
	case LAPIC_TIMER_CUR:
		return current_count(a);
	case LAPIC_TIMER_DIV:
		return a->s.timer_divide;
	default: /* EOI (write-only) */
		return 0;
	}
}

static void write_reg(struct lapic *a, unsigned off, uint32_t v)
{
	if (!defined_register(off)) {
		raise_error(a, LAPIC_ESR_ILLEGAL_REG);
		return;
	}
	if (off >= LAPIC_LVT_TIMER && off <= LAPIC_LVT_ERROR) {
		write_lvt(a, (off - LAPIC_LVT_TIMER) >> 4, v);
		return;
	}
	switch (off) {
	case LAPIC_ID:
		a->s.id = v & ID_BITS;
		break;
	case LAPIC_TPR:
		a->s.tpr = v & 0xff;
		break;
	case LAPIC_EOI:
		eoi(a);
		break;
	case LAPIC_LDR:
		a->s.ldr = v & ID_BITS;
		break;
	case LAPIC_DFR:
		a->s.dfr = v | 0x0fffffff;
		break;
	case LAPIC_SVR:
		write_svr(a, v);
		break;
	case LAPIC_ESR: /* a write latches the errors seen since the last one */
		a->s.esr = a->s.esr_pending;
		a->s.esr_pending = 0;
		break;
	case LAPIC_ICR_LO:
		a->s.icr_lo = v & ICR_LO_WRITABLE;
		send_ipi(a);
		break;
	case LAPIC_ICR_HI:
		a->s.icr_hi = v & ID_BITS;
		break;
	case LAPIC_TIMER_INIT:
		start_timer(a, v);
		break;
	case LAPIC_TIMER_DIV:
		set_timer_config(a, a->s.lvt[LVT_TIMER], v & 0xb);
		break;
	default: /* read-only: version, APR, PPR, ISR, TMR, IRR, current count */
		break;
	}
}

/* ---- the MMIO page ---- */

/* The APIC an access reaches: the accessing CPU's, if enabled at this
 * page; NULL if the page is not decoded for it. */
static struct lapic *accessed(struct lapic_bus *lb, struct vcpu *vcpu, uint64_t addr)
{
	unsigned i = lb->ops.cpu_index(lb->opaque, vcpu);
	if (i >= lb->count) {
		note_once(lb, NOTE_CPU, "an access from no known CPU reads all ones");
		return NULL;
	}
	struct lapic *a = &lb->cpu[i];
	if (!hw_enabled(a) || base_of(a) != (addr & ~(uint64_t)(LAPIC_PAGE_SIZE - 1)))
		return NULL;
	return a;
}

/* Reads: each byte of the 32-bit register at its 16-byte slot, each
 * register read once; bytes 4..15 of a slot read 0. */
static void read_bytes(struct lapic *a, unsigned off, uint8_t *data, unsigned size)
{
	unsigned slot = UINT_MAX;
	uint32_t value = 0;
	for (unsigned i = 0; i < size; i++) {
		unsigned o = off + i;
		if (o >= LAPIC_PAGE_SIZE) {
			data[i] = 0xff; /* past the page: nobody */
		} else if ((o & 0xf) >= 4) {
			data[i] = 0;
		} else {
			if ((o & ~0xfu) != slot) {
				slot = o & ~0xfu;
				value = read_reg(a, slot);
			}
			data[i] = (uint8_t)(value >> 8 * (o & 3));
		}
	}
}

static void lapic_access(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data,
                         unsigned size, bool is_write)
{
	struct lapic_bus *lb = opaque;
	struct lapic *a = accessed(lb, vcpu, addr);
	unsigned off = (unsigned)(addr & (LAPIC_PAGE_SIZE - 1));
	if (!a) {
		if (!is_write)
			memset(data, 0xff, size);
	} else if (!is_write) {
		read_bytes(a, off, data, size);
	} else if (size != 4 || (off & 0xf)) {
		note_once(lb, NOTE_WRITE_SIZE,
		          "a write that is not 32 bits at a register is ignored");
	} else {
		write_reg(a, off, (uint32_t)bus_value(data, 4));
	}
}

/* ---- the interface ---- */

int lapic_bus_init(struct lapic_bus *lb, struct bus *bus, struct vclock *clk, unsigned ncpus,
                   const struct lapic_ops *ops, void *opaque)
{
	if (ncpus == 0 || ncpus > LAPIC_MAX_CPUS || !ops || !ops->cpu_index)
		return -EINVAL;
	memset(lb, 0, sizeof(*lb));
	lb->count = ncpus;
	lb->bus = bus;
	lb->clk = clk;
	lb->ops = *ops;
	lb->opaque = opaque;
	for (unsigned i = 0; i < ncpus; i++) {
		struct lapic *a = &lb->cpu[i];
		a->owner = lb;
		a->index = i;
		vtimer_init(&a->timer, clk, timer_fire, a);
		power_up(a);
	}
	return remap(lb);
}

struct lapic *lapic_of(struct lapic_bus *lb, unsigned cpu)
{
	return cpu < lb->count ? &lb->cpu[cpu] : NULL;
}

void lapic_reset(struct lapic_bus *lb, unsigned cpu)
{
	if (cpu >= lb->count)
		return;
	power_up(&lb->cpu[cpu]);
	remap(lb);
}

uint64_t lapic_read_base_msr(const struct lapic_bus *lb, unsigned cpu)
{
	return cpu < lb->count ? lb->cpu[cpu].s.base_msr : 0;
}

int lapic_write_base_msr(struct lapic_bus *lb, unsigned cpu, uint64_t value)
{
	if (cpu >= lb->count || (value & MSR_RESERVED))
		return -EINVAL;
	struct lapic *a = &lb->cpu[cpu];
	bool was_enabled = hw_enabled(a);
	a->s.base_msr = (value & ~LAPIC_MSR_BSP) | (a->s.base_msr & LAPIC_MSR_BSP);
	if (was_enabled && !hw_enabled(a)) { /* SDM: back to the power-up state */
		a->s.id = a->index << 24;
		reset_registers(a);
	}
	remap(lb);
	return 0;
}

uint8_t lapic_id(const struct lapic *a)
{
	return (uint8_t)(a->s.id >> 24);
}

void lapic_set_irq(struct lapic *a, uint8_t vector, bool level)
{
	deliver_fixed(a, vector, level);
}

bool lapic_intr_pending(const struct lapic *a)
{
	return pending_vector(a) >= 0;
}

uint8_t lapic_intr_ack(struct lapic *a)
{
	int v = pending_vector(a);
	if (v < 0)
		return (uint8_t)a->s.svr; /* spurious: ISR untouched */
	vclear(a->s.irr, (unsigned)v);
	vset(a->s.isr, (unsigned)v);
	return (uint8_t)v;
}

bool lapic_take_nmi(struct lapic *a)
{
	bool nmi = a->s.nmi_pending;
	a->s.nmi_pending = false;
	return nmi;
}

bool lapic_accepts_pic(const struct lapic *a)
{
	if (!hw_enabled(a))
		return a->s.base_msr & LAPIC_MSR_BSP; /* LINT0 is the INTR pin */
	uint32_t lint0 = a->s.lvt[LVT_LINT0];
	return !(lint0 & LAPIC_LVT_MASKED) && (lint0 >> 8 & 7) == LAPIC_DM_EXTINT;
}

void lapic_post_load(struct lapic_bus *lb)
{
	remap(lb);
	for (unsigned i = 0; i < lb->count; i++) {
		struct lapic *a = &lb->cpu[i];
		timer_update(a, now_ns(a));
		if (lapic_intr_pending(a) || a->s.nmi_pending)
			kick(a);
	}
}
