/* The local APICs driven through the MMIO bus as each vCPU's loads and
 * stores would, with fake vCPU pointers and a fake virtual clock: no KVM,
 * no CPU. */
#include <errno.h>
#include <string.h>

#include "hw/lapic.h"
#include "tests/unit/check.h"
#include "tests/unit/fake_clock.h"

#define BASE     LAPIC_DEFAULT_BASE
#define NEW_BASE 0xfed00000u
#define NCPUS    4
#define TVEC     0x40 /* the timer's vector in the tests */

struct rig {
	struct vclock clk;
	struct bus bus;
	struct lapic_bus lb;
	char token[LAPIC_MAX_CPUS]; /* &token[i] is vCPU i */
	unsigned kicks[LAPIC_MAX_CPUS];
	uint64_t last_kick_ns[LAPIC_MAX_CPUS];
	unsigned inits[LAPIC_MAX_CPUS];
	unsigned sipis[LAPIC_MAX_CPUS];
	int sipi_vector[LAPIC_MAX_CPUS];
};

static struct rig rig;

static unsigned cpu_index(void *opaque, struct vcpu *vcpu)
{
	struct rig *r = opaque;
	return (unsigned)((char *)vcpu - r->token);
}

static void on_init(void *opaque, unsigned cpu)
{
	((struct rig *)opaque)->inits[cpu]++;
}

static void on_sipi(void *opaque, unsigned cpu, uint8_t vector)
{
	struct rig *r = opaque;
	r->sipis[cpu]++;
	r->sipi_vector[cpu] = vector;
}

static void on_kick(void *opaque, unsigned cpu)
{
	struct rig *r = opaque;
	r->kicks[cpu]++;
	r->last_kick_ns[cpu] = fake_ns;
}

static const struct lapic_ops ops = {cpu_index, on_init, on_sipi, on_kick};

static void clear_counts(void)
{
	memset(rig.kicks, 0, sizeof(rig.kicks));
	memset(rig.inits, 0, sizeof(rig.inits));
	memset(rig.sipis, 0, sizeof(rig.sipis));
	memset(rig.sipi_vector, -1, sizeof(rig.sipi_vector));
}

static void rig_up(unsigned ncpus)
{
	bus_destroy(&rig.bus);
	fake_clock_init(&rig.clk, 0);
	CHECK(bus_init(&rig.bus) == 0);
	CHECK(lapic_bus_init(&rig.lb, &rig.bus, &rig.clk, ncpus, &ops, &rig) == 0);
	clear_counts();
}

static struct vcpu *vcpu(unsigned cpu)
{
	return (struct vcpu *)&rig.token[cpu];
}

static struct lapic *apic(unsigned cpu)
{
	return lapic_of(&rig.lb, cpu);
}

static uint64_t mmio_read(unsigned cpu, uint64_t addr, unsigned size)
{
	uint8_t data[8] = {0};
	bus_mmio(&rig.bus, vcpu(cpu), addr, data, size, false);
	return bus_value(data, size);
}

static void mmio_write(unsigned cpu, uint64_t addr, uint64_t v, unsigned size)
{
	uint8_t data[8];
	bus_set_value(data, size, v);
	bus_mmio(&rig.bus, vcpu(cpu), addr, data, size, true);
}

static uint32_t rd(unsigned cpu, unsigned off)
{
	return (uint32_t)mmio_read(cpu, BASE + off, 4);
}

static void wr(unsigned cpu, unsigned off, uint32_t v)
{
	mmio_write(cpu, BASE + off, v, 4);
}

static bool irr_has(unsigned cpu, unsigned vec)
{
	return rd(cpu, LAPIC_IRR + (vec >> 5) * 0x10) >> (vec & 31) & 1;
}

static bool isr_has(unsigned cpu, unsigned vec)
{
	return rd(cpu, LAPIC_ISR + (vec >> 5) * 0x10) >> (vec & 31) & 1;
}

/* Latch and read the ESR as a guest does: write, then read. */
static uint32_t esr(unsigned cpu)
{
	wr(cpu, LAPIC_ESR, 0);
	return rd(cpu, LAPIC_ESR);
}

static void sw_enable_all(void)
{
	for (unsigned i = 0; i < rig.lb.count; i++)
		wr(i, LAPIC_SVR, LAPIC_SVR_ENABLE | 0xff);
}

static void ipi(unsigned from, uint8_t dest, uint32_t lo)
{
	wr(from, LAPIC_ICR_HI, (uint32_t)dest << 24);
	wr(from, LAPIC_ICR_LO, lo);
}

static void test_init_errors(void)
{
	struct lapic_bus lb;
	struct lapic_ops no_index = {0};
	CHECK(lapic_bus_init(&lb, &rig.bus, &rig.clk, 0, &ops, &rig) == -EINVAL);
	CHECK(lapic_bus_init(&lb, &rig.bus, &rig.clk, LAPIC_MAX_CPUS + 1, &ops, &rig) == -EINVAL);
	CHECK(lapic_bus_init(&lb, &rig.bus, &rig.clk, 1, &no_index, &rig) == -EINVAL);
}

static void test_reset_values(void)
{
	rig_up(NCPUS);
	CHECK(bus_find_mmio(&rig.bus, BASE) != NULL);
	CHECK(bus_find_mmio(&rig.bus, BASE + 0xfff) != NULL);
	CHECK(bus_find_mmio(&rig.bus, BASE + 0x1000) == NULL);
	for (unsigned i = 0; i < NCPUS; i++) {
		CHECK(rd(i, LAPIC_ID) == i << 24);
		CHECK(lapic_id(apic(i)) == i);
		CHECK(rd(i, LAPIC_VER) == 0x00050014);
		CHECK(rd(i, LAPIC_TPR) == 0);
		CHECK(rd(i, LAPIC_PPR) == 0);
		CHECK(rd(i, LAPIC_APR) == 0);
		CHECK(rd(i, LAPIC_LDR) == 0);
		CHECK(rd(i, LAPIC_DFR) == 0xffffffff);
		CHECK(rd(i, LAPIC_SVR) == 0xff);
		CHECK(rd(i, LAPIC_ESR) == 0);
		CHECK(rd(i, LAPIC_ICR_LO) == 0 && rd(i, LAPIC_ICR_HI) == 0);
		for (unsigned r = 0; r < 8; r++)
			CHECK(rd(i, LAPIC_ISR + r * 16) == 0 && rd(i, LAPIC_TMR + r * 16) == 0 &&
			      rd(i, LAPIC_IRR + r * 16) == 0);
		for (unsigned off = LAPIC_LVT_TIMER; off <= LAPIC_LVT_ERROR; off += 16) {
			uint32_t want = i == 0 && off == LAPIC_LVT_LINT0 ? 0x700 : LAPIC_LVT_MASKED;
			CHECK(rd(i, off) == want);
		}
		CHECK(rd(i, LAPIC_TIMER_INIT) == 0 && rd(i, LAPIC_TIMER_CUR) == 0);
		CHECK(rd(i, LAPIC_TIMER_DIV) == 0);
		uint64_t msr = BASE | LAPIC_MSR_ENABLE | (i == 0 ? LAPIC_MSR_BSP : 0);
		CHECK(lapic_read_base_msr(&rig.lb, i) == msr);
		CHECK(lapic_accepts_pic(apic(i)) == (i == 0)); /* virtual wire to the BSP */
		CHECK(!lapic_intr_pending(apic(i)));
		CHECK(!lapic_take_nmi(apic(i)));
	}
	CHECK(lapic_of(&rig.lb, NCPUS) == NULL);
	CHECK(lapic_read_base_msr(&rig.lb, NCPUS) == 0);
	/* Read-only registers ignore writes. */
	wr(1, LAPIC_VER, 0);
	wr(1, LAPIC_PPR, 0xff);
	wr(1, LAPIC_IRR, ~0u);
	CHECK(rd(1, LAPIC_VER) == 0x00050014 && rd(1, LAPIC_PPR) == 0 && rd(1, LAPIC_IRR) == 0);
	CHECK(esr(1) == 0);
	/* Writable bits only. */
	wr(1, LAPIC_TPR, 0xffffffff);
	wr(1, LAPIC_LDR, 0xffffffff);
	wr(1, LAPIC_DFR, 0);
	wr(1, LAPIC_ICR_HI, 0xffffffff);
	wr(1, LAPIC_TIMER_DIV, 0xffffffff);
	CHECK(rd(1, LAPIC_TPR) == 0xff && rd(1, LAPIC_LDR) == 0xff000000);
	CHECK(rd(1, LAPIC_DFR) == 0x0fffffff && rd(1, LAPIC_ICR_HI) == 0xff000000);
	CHECK(rd(1, LAPIC_TIMER_DIV) == 0xb);
	/* An undefined register reads 0 and is an illegal-register error. */
	CHECK(rd(1, 0x0c0) == 0 && rd(1, 0x400) == 0);
	CHECK(esr(1) == LAPIC_ESR_ILLEGAL_REG);
	CHECK(esr(1) == 0); /* latched once */
}

static void test_per_cpu_views(void)
{
	rig_up(NCPUS);
	wr(1, LAPIC_TPR, 0x20);
	wr(2, LAPIC_ID, 7u << 24);
	CHECK(rd(0, LAPIC_TPR) == 0 && rd(1, LAPIC_TPR) == 0x20 && rd(2, LAPIC_TPR) == 0);
	CHECK(rd(2, LAPIC_ID) == 7u << 24 && lapic_id(apic(2)) == 7);
	CHECK(rd(3, LAPIC_ID) == 3u << 24 && lapic_id(apic(1)) == 1);
	/* A vCPU that is nobody's reads all ones. */
	CHECK(mmio_read(NCPUS, BASE + LAPIC_VER, 4) == 0xffffffff);
	mmio_write(NCPUS, BASE + LAPIC_TPR, 0x30, 4);
	for (unsigned i = 0; i < NCPUS; i++)
		CHECK(rd(i, LAPIC_TPR) == (i == 1 ? 0x20u : 0));
}

static void test_access_sizes(void)
{
	rig_up(NCPUS);
	CHECK(mmio_read(3, BASE + LAPIC_ID + 3, 1) == 3);
	CHECK(mmio_read(3, BASE + LAPIC_VER, 2) == 0x0014);
	CHECK(mmio_read(3, BASE + LAPIC_VER + 2, 1) == 0x05);
	CHECK(mmio_read(3, BASE + LAPIC_VER, 8) == 0x00050014);
	CHECK(mmio_read(3, BASE + LAPIC_VER + 4, 4) == 0);
	CHECK(mmio_read(3, BASE + LAPIC_ID + 2, 4) == 0x0300);         /* bytes 2, 3 then 0 */
	CHECK(mmio_read(3, BASE + 0xffc, 8) == 0xffffffff00000000ull); /* past the page */
	wr(3, LAPIC_TPR, 0x10);
	mmio_write(3, BASE + LAPIC_TPR, 0xff, 1);
	mmio_write(3, BASE + LAPIC_TPR, 0xffff, 2);
	mmio_write(3, BASE + LAPIC_TPR, 0xff, 8);
	mmio_write(3, BASE + LAPIC_TPR + 4, 0xff, 4);
	CHECK(rd(3, LAPIC_TPR) == 0x10);
}

static void test_priorities(void)
{
	rig_up(1);
	struct lapic *a = apic(0);
	wr(0, LAPIC_SVR, LAPIC_SVR_ENABLE | 0xff);
	lapic_set_irq(a, 0x31, false);
	lapic_set_irq(a, 0x45, true);
	CHECK(irr_has(0, 0x31) && irr_has(0, 0x45));
	CHECK(rd(0, LAPIC_TMR + 0x20) == 1u << 5); /* 0x45: level */
	CHECK(rd(0, LAPIC_APR) == 0x40);
	CHECK(lapic_intr_pending(a));
	CHECK(lapic_intr_ack(a) == 0x45);
	CHECK(isr_has(0, 0x45) && !irr_has(0, 0x45));
	CHECK(rd(0, LAPIC_PPR) == 0x40);
	wr(0, LAPIC_TPR, 0x47); /* the TPR's class is the ISR's: the PPR is the TPR */
	CHECK(rd(0, LAPIC_PPR) == 0x47);
	wr(0, LAPIC_TPR, 0);
	CHECK(!lapic_intr_pending(a)); /* 0x31 is below */
	lapic_set_irq(a, 0x41, false);
	CHECK(!lapic_intr_pending(a)); /* same class as the one in service */
	lapic_set_irq(a, 0x51, false);
	CHECK(lapic_intr_pending(a));
	CHECK(lapic_intr_ack(a) == 0x51); /* nests */
	CHECK(rd(0, LAPIC_PPR) == 0x50);
	CHECK(isr_has(0, 0x45) && isr_has(0, 0x51));
	wr(0, LAPIC_EOI, 0);
	CHECK(!isr_has(0, 0x51) && isr_has(0, 0x45));
	CHECK(!lapic_intr_pending(a));
	wr(0, LAPIC_EOI, 0);
	CHECK(rd(0, LAPIC_ISR + 0x20) == 0);
	CHECK(lapic_intr_ack(a) == 0x41);
	wr(0, LAPIC_EOI, 0);
	/* The TPR masks a whole priority class and below. */
	wr(0, LAPIC_TPR, 0x30);
	CHECK(rd(0, LAPIC_PPR) == 0x30);
	CHECK(!lapic_intr_pending(a));
	CHECK(lapic_intr_ack(a) == 0xff); /* spurious: nothing moves */
	CHECK(irr_has(0, 0x31) && !isr_has(0, 0x31));
	wr(0, LAPIC_TPR, 0x2f);
	CHECK(rd(0, LAPIC_PPR) == 0x2f);
	CHECK(lapic_intr_ack(a) == 0x31);
	CHECK(rd(0, LAPIC_PPR) == 0x30); /* the ISR's class is above the TPR's */
	wr(0, LAPIC_EOI, 0);
	CHECK(rd(0, LAPIC_ISR + 0x10) == 0);
	/* An EOI with nothing in service does nothing. */
	wr(0, LAPIC_EOI, 0);
	CHECK(!lapic_intr_pending(a));
}

static void test_spurious_and_svr(void)
{
	rig_up(1);
	struct lapic *a = apic(0);
	wr(0, LAPIC_SVR, 0x1ef);
	CHECK(rd(0, LAPIC_SVR) == 0x1ef);
	CHECK(lapic_intr_ack(a) == 0xef);
	lapic_set_irq(a, 0x80, false);
	CHECK(lapic_intr_pending(a));
	/* Software-disabled: what is in IRR is held, nothing new arrives, the
	 * LVT entries are masked and stay masked. */
	wr(0, LAPIC_SVR, 0xef);
	CHECK(lapic_intr_pending(a));
	lapic_set_irq(a, 0x90, false);
	CHECK(!irr_has(0, 0x90));
	CHECK(rd(0, LAPIC_LVT_LINT0) == (0x700 | LAPIC_LVT_MASKED));
	CHECK(!lapic_accepts_pic(a));
	wr(0, LAPIC_LVT_TIMER, TVEC);
	CHECK(rd(0, LAPIC_LVT_TIMER) == (TVEC | LAPIC_LVT_MASKED));
	CHECK(lapic_intr_ack(a) == 0x80);
	/* Enabled again, LINT0 back in ExtINT mode: the 8259 reaches the BSP. */
	wr(0, LAPIC_SVR, 0x1ff);
	wr(0, LAPIC_LVT_LINT0, 0x700);
	CHECK(lapic_accepts_pic(a));
	wr(0, LAPIC_LVT_LINT0, 0x000); /* fixed mode: not the 8259's */
	CHECK(!lapic_accepts_pic(a));
	/* Vectors 0-15 are illegal. */
	lapic_set_irq(a, 0x05, false);
	CHECK(rd(0, LAPIC_IRR) == 0);
	CHECK(esr(0) == LAPIC_ESR_RECV_VECTOR);
	/* With the error LVT unmasked, an error interrupts. */
	wr(0, LAPIC_LVT_ERROR, 0xfe);
	ipi(0, 0, LAPIC_SH_SELF << 18 | 0x03);
	CHECK(irr_has(0, 0xfe));
	CHECK(esr(0) == LAPIC_ESR_SEND_VECTOR);
}

/* The CPUs (a bit each) whose IRR has vec. */
static unsigned irr_on(unsigned vec)
{
	unsigned set = 0;
	for (unsigned i = 0; i < rig.lb.count; i++)
		set |= (unsigned)irr_has(i, vec) << i;
	return set;
}

/* The logical IDs of CPUs 1, 2 and 3. */
static void set_ldrs(uint8_t ldr1, uint8_t ldr2, uint8_t ldr3)
{
	wr(1, LAPIC_LDR, (uint32_t)ldr1 << 24);
	wr(2, LAPIC_LDR, (uint32_t)ldr2 << 24);
	wr(3, LAPIC_LDR, (uint32_t)ldr3 << 24);
}

static void test_fixed_ipis(void)
{
	rig_up(NCPUS);
	sw_enable_all();
	/* To one APIC by physical ID. */
	ipi(0, 2, 0x51);
	CHECK(rd(0, LAPIC_ICR_LO) == 0x51); /* delivery status 0: delivered */
	for (unsigned i = 0; i < NCPUS; i++) {
		CHECK(irr_has(i, 0x51) == (i == 2));
		CHECK(rig.kicks[i] == (i == 2));
	}
	CHECK(lapic_intr_ack(apic(2)) == 0x51);
	/* Self. */
	clear_counts();
	ipi(3, 0, LAPIC_SH_SELF << 18 | 0x52);
	for (unsigned i = 0; i < NCPUS; i++)
		CHECK(irr_has(i, 0x52) == (i == 3) && rig.kicks[i] == (i == 3));
	/* All including self. */
	clear_counts();
	ipi(1, 0, LAPIC_SH_ALL << 18 | 0x53);
	for (unsigned i = 0; i < NCPUS; i++)
		CHECK(irr_has(i, 0x53) && rig.kicks[i] == 1);
	/* All excluding self. */
	clear_counts();
	ipi(1, 0, LAPIC_SH_OTHERS << 18 | 0x54);
	for (unsigned i = 0; i < NCPUS; i++)
		CHECK(irr_has(i, 0x54) == (i != 1) && rig.kicks[i] == (i != 1));
	/* Physical broadcast. */
	clear_counts();
	ipi(0, 0xff, 0x55 | LAPIC_ICR_LEVEL | LAPIC_ICR_ASSERT);
	for (unsigned i = 0; i < NCPUS; i++)
		CHECK(irr_has(i, 0x55) && rd(i, LAPIC_TMR + 0x20) >> 0x15 & 1);
	/* A rewritten ID is what physical mode matches. */
	clear_counts();
	wr(3, LAPIC_ID, 9u << 24);
	ipi(0, 9, 0x56);
	CHECK(irr_has(3, 0x56) && rig.kicks[3] == 1);
	ipi(0, 3, 0x57);
	for (unsigned i = 0; i < NCPUS; i++)
		CHECK(!irr_has(i, 0x57));
	CHECK(rig.lb.ipis_dropped == 1);
	/* Logical, flat model: the LDR bits. */
	set_ldrs(0x01, 0x02, 0x04);
	ipi(0, 0x05, LAPIC_ICR_LOGICAL | 0x60);
	CHECK(irr_on(0x60) == (1u << 1 | 1u << 3));
	/* Logical, cluster model: cluster in the high nibble. */
	for (unsigned i = 0; i < NCPUS; i++)
		wr(i, LAPIC_DFR, 0x0fffffff);
	set_ldrs(0x11, 0x21, 0x12);
	ipi(0, 0x13, LAPIC_ICR_LOGICAL | 0x61);
	CHECK(irr_on(0x61) == (1u << 1 | 1u << 3));
	/* Lowest priority: the lowest TPR of the destinations. */
	wr(1, LAPIC_TPR, 0x20);
	wr(2, LAPIC_TPR, 0x10);
	wr(3, LAPIC_TPR, 0x30);
	wr(0, LAPIC_TPR, 0x40);
	ipi(0, 0, LAPIC_SH_ALL << 18 | LAPIC_DM_LOWEST << 8 | 0x62);
	for (unsigned i = 0; i < NCPUS; i++)
		CHECK(irr_has(i, 0x62) == (i == 2));
	/* A software-disabled target drops a fixed IPI. */
	wr(2, LAPIC_SVR, 0xff);
	ipi(0, 2, 0x63);
	CHECK(!irr_has(2, 0x63));
}

static void test_nmi(void)
{
	rig_up(NCPUS);
	ipi(0, 2, LAPIC_DM_NMI << 8);
	CHECK(rig.kicks[2] == 1);
	CHECK(!lapic_take_nmi(apic(1)));
	CHECK(lapic_take_nmi(apic(2)));
	CHECK(!lapic_take_nmi(apic(2)));
}

static void test_init_sipi(void)
{
	rig_up(NCPUS);
	sw_enable_all();
	wr(1, LAPIC_TPR, 0x20);
	wr(1, LAPIC_ID, 1u << 24);
	/* INIT, then SIPI with the vector, to CPU 1. */
	ipi(0, 1, LAPIC_DM_INIT << 8 | LAPIC_ICR_ASSERT | LAPIC_ICR_LEVEL);
	CHECK(rig.inits[1] == 1 && rig.inits[0] == 0 && rig.inits[2] == 0);
	CHECK(rd(1, LAPIC_TPR) == 0 && rd(1, LAPIC_SVR) == 0xff); /* INIT reset */
	CHECK(rd(1, LAPIC_ID) == 1u << 24);
	CHECK(lapic_read_base_msr(&rig.lb, 1) == (BASE | LAPIC_MSR_ENABLE));
	ipi(0, 1, LAPIC_DM_STARTUP << 8 | 0x08);
	CHECK(rig.sipis[1] == 1 && rig.sipi_vector[1] == 0x08);
	CHECK(rig.sipis[0] == 0 && rig.sipis[2] == 0);
	/* INIT level de-assert: nothing. */
	clear_counts();
	ipi(0, 0xff, LAPIC_DM_INIT << 8 | LAPIC_ICR_LEVEL);
	for (unsigned i = 0; i < NCPUS; i++)
		CHECK(rig.inits[i] == 0);
	/* INIT-SIPI-SIPI to all but self, as an SMP kernel starts its APs. */
	ipi(0, 0, LAPIC_SH_OTHERS << 18 | LAPIC_DM_INIT << 8 | LAPIC_ICR_ASSERT);
	ipi(0, 0, LAPIC_SH_OTHERS << 18 | LAPIC_DM_STARTUP << 8 | 0x9a);
	ipi(0, 0, LAPIC_SH_OTHERS << 18 | LAPIC_DM_STARTUP << 8 | 0x9a);
	CHECK(rig.inits[0] == 0 && rig.sipis[0] == 0);
	for (unsigned i = 1; i < NCPUS; i++)
		CHECK(rig.inits[i] == 1 && rig.sipis[i] == 2 && rig.sipi_vector[i] == 0x9a);
	/* To an APIC ID nobody has: ignored, counted. */
	clear_counts();
	unsigned dropped = rig.lb.ipis_dropped;
	ipi(0, NCPUS + 5, LAPIC_DM_INIT << 8 | LAPIC_ICR_ASSERT);
	ipi(0, NCPUS + 5, LAPIC_DM_STARTUP << 8 | 0x10);
	for (unsigned i = 0; i < NCPUS; i++)
		CHECK(rig.inits[i] == 0 && rig.sipis[i] == 0);
	CHECK(rig.lb.ipis_dropped == dropped + 2);
	/* SMI and ExtINT IPIs are ignored. */
	ipi(0, 1, LAPIC_DM_SMI << 8);
	ipi(0, 1, LAPIC_DM_EXTINT << 8);
	CHECK(rig.inits[1] == 0 && rig.sipis[1] == 0 && rig.kicks[1] == 0);
}

/* Divide configuration register values and their divisors. */
static const struct {
	uint32_t reg;
	unsigned div;
} divides[] = {{0xb, 1}, {0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32}, {0x9, 64}, {0xa, 128}};

static void test_timer_one_shot(void)
{
	for (unsigned d = 0; d < sizeof(divides) / sizeof(divides[0]); d++) {
		rig_up(2);
		sw_enable_all();
		struct lapic *a = apic(1);
		unsigned div = divides[d].div;
		fake_clock_advance(&rig.clk, 5000);
		wr(1, LAPIC_TIMER_DIV, divides[d].reg);
		wr(1, LAPIC_LVT_TIMER, TVEC);
		wr(1, LAPIC_TIMER_INIT, 1000);
		uint64_t t0 = 5000, expiry = t0 + 1000ull * div;
		CHECK(rd(1, LAPIC_TIMER_CUR) == 1000);
		CHECK(a->timer.deadline == expiry);
		fake_clock_advance(&rig.clk, t0 + div - 1);
		CHECK(rd(1, LAPIC_TIMER_CUR) == 1000);
		fake_clock_advance(&rig.clk, t0 + div);
		CHECK(rd(1, LAPIC_TIMER_CUR) == 999);
		fake_clock_advance(&rig.clk, t0 + 250ull * div + div / 2);
		CHECK(rd(1, LAPIC_TIMER_CUR) == 750);
		fake_clock_advance(&rig.clk, expiry - 1);
		CHECK(rd(1, LAPIC_TIMER_CUR) == 1);
		CHECK(!irr_has(1, TVEC) && rig.kicks[1] == 0);
		fake_clock_advance(&rig.clk, expiry);
		CHECK(irr_has(1, TVEC) && rig.kicks[1] == 1 && rig.last_kick_ns[1] == expiry);
		CHECK(rd(1, LAPIC_TIMER_CUR) == 0);
		CHECK(!vtimer_armed(&a->timer));
		CHECK(!irr_has(0, TVEC) && rig.kicks[0] == 0);
		fake_clock_advance(&rig.clk, expiry + 100000);
		CHECK(rig.kicks[1] == 1 && rd(1, LAPIC_TIMER_CUR) == 0);
		CHECK(rd(1, LAPIC_TIMER_INIT) == 1000);
		CHECK(lapic_intr_ack(a) == TVEC);
	}
}

static void test_timer_periodic(void)
{
	for (unsigned d = 0; d < sizeof(divides) / sizeof(divides[0]); d += 3) {
		rig_up(1);
		sw_enable_all();
		struct lapic *a = apic(0);
		unsigned div = divides[d].div;
		uint64_t period = 250ull * div;
		wr(0, LAPIC_TIMER_DIV, divides[d].reg);
		wr(0, LAPIC_LVT_TIMER, TVEC | LAPIC_LVT_PERIODIC);
		wr(0, LAPIC_TIMER_INIT, 250);
		for (unsigned k = 1; k <= 5; k++) {
			fake_clock_advance(&rig.clk, k * period - 1);
			CHECK(rig.kicks[0] == k - 1);
			CHECK(rd(0, LAPIC_TIMER_CUR) == 1);
			fake_clock_advance(&rig.clk, k * period);
			CHECK(rig.kicks[0] == k && rig.last_kick_ns[0] == k * period);
			CHECK(rd(0, LAPIC_TIMER_CUR) == 250); /* reloaded */
			CHECK(lapic_intr_ack(a) == TVEC);
			wr(0, LAPIC_EOI, 0);
		}
		fake_clock_advance(&rig.clk, 5 * period + 100 * div);
		CHECK(rd(0, LAPIC_TIMER_CUR) == 150);
		/* A count of 0 stops it. */
		wr(0, LAPIC_TIMER_INIT, 0);
		CHECK(!vtimer_armed(&a->timer) && rd(0, LAPIC_TIMER_CUR) == 0);
		fake_clock_advance(&rig.clk, 20 * period);
		CHECK(rig.kicks[0] == 5 && !irr_has(0, TVEC));
	}
}

static void test_timer_masked_and_changes(void)
{
	rig_up(1);
	sw_enable_all();
	struct lapic *a = apic(0);
	/* Masked: the count runs, nothing is armed, nothing arrives. */
	wr(0, LAPIC_TIMER_DIV, 0xb); /* 1 */
	wr(0, LAPIC_LVT_TIMER, TVEC | LAPIC_LVT_MASKED | LAPIC_LVT_PERIODIC);
	wr(0, LAPIC_TIMER_INIT, 1000);
	CHECK(!vtimer_armed(&a->timer));
	fake_clock_advance(&rig.clk, 2300);
	CHECK(rd(0, LAPIC_TIMER_CUR) == 700);
	CHECK(!irr_has(0, TVEC) && rig.kicks[0] == 0);
	/* Unmasked: armed for the next reload, same phase. */
	wr(0, LAPIC_LVT_TIMER, TVEC | LAPIC_LVT_PERIODIC);
	CHECK(a->timer.deadline == 3000);
	fake_clock_advance(&rig.clk, 3000);
	CHECK(rig.kicks[0] == 1 && irr_has(0, TVEC));
	lapic_intr_ack(a);
	wr(0, LAPIC_EOI, 0);
	/* A divide change keeps the count: 600 left at 3400, then 2 ns each. */
	fake_clock_advance(&rig.clk, 3400);
	CHECK(rd(0, LAPIC_TIMER_CUR) == 600);
	wr(0, LAPIC_TIMER_DIV, 0x0);
	CHECK(rd(0, LAPIC_TIMER_CUR) == 600);
	CHECK(a->timer.deadline == 3400 + 1200);
	fake_clock_advance(&rig.clk, 3400 + 1200);
	CHECK(rig.kicks[0] == 2 && rig.last_kick_ns[0] == 4600);
	/* The next period runs at the new divide. */
	CHECK(a->timer.deadline == 4600 + 2000);
	/* Periodic to one-shot mid-count: the count goes on to 0 and stops. */
	fake_clock_advance(&rig.clk, 5600); /* 500 left */
	wr(0, LAPIC_LVT_TIMER, TVEC);
	CHECK(rd(0, LAPIC_TIMER_CUR) == 500);
	fake_clock_advance(&rig.clk, 6600);
	CHECK(rig.kicks[0] == 3 && rig.last_kick_ns[0] == 6600);
	fake_clock_advance(&rig.clk, 20000);
	CHECK(rig.kicks[0] == 3 && rd(0, LAPIC_TIMER_CUR) == 0);
	/* A new initial count restarts it from now. */
	wr(0, LAPIC_TIMER_INIT, 10);
	CHECK(a->timer.deadline == 20020);
	/* Software-disabling masks the timer. */
	wr(0, LAPIC_SVR, 0xff);
	CHECK(!vtimer_armed(&a->timer));
	CHECK(rd(0, LAPIC_LVT_TIMER) & LAPIC_LVT_MASKED);
}

static void test_base_msr(void)
{
	rig_up(NCPUS);
	uint64_t bsp = BASE | LAPIC_MSR_ENABLE | LAPIC_MSR_BSP;
	/* Reserved bits (x2APIC enable among them): refused, nothing changes. */
	CHECK(lapic_write_base_msr(&rig.lb, 0, bsp | (1u << 10)) == -EINVAL);
	CHECK(lapic_write_base_msr(&rig.lb, 0, bsp | 1) == -EINVAL);
	CHECK(lapic_write_base_msr(&rig.lb, 0, bsp | 1ull << 60) == -EINVAL);
	CHECK(lapic_write_base_msr(&rig.lb, NCPUS, bsp) == -EINVAL);
	CHECK(lapic_read_base_msr(&rig.lb, 0) == bsp);
	/* The BSP flag is read-only. */
	CHECK(lapic_write_base_msr(&rig.lb, 1, bsp) == 0);
	CHECK(lapic_read_base_msr(&rig.lb, 1) == (BASE | LAPIC_MSR_ENABLE));
	/* CPU 0 moves its APIC; the others stay. */
	wr(0, LAPIC_TPR, 0x20);
	CHECK(lapic_write_base_msr(&rig.lb, 0, NEW_BASE | LAPIC_MSR_ENABLE) == 0);
	CHECK(lapic_read_base_msr(&rig.lb, 0) == (NEW_BASE | LAPIC_MSR_ENABLE | LAPIC_MSR_BSP));
	CHECK(mmio_read(0, NEW_BASE + LAPIC_TPR, 4) == 0x20);
	CHECK(mmio_read(0, NEW_BASE + LAPIC_ID, 4) == 0);
	CHECK(rd(0, LAPIC_VER) == 0xffffffff); /* not decoded for CPU 0 */
	CHECK(rd(1, LAPIC_ID) == 1u << 24);
	CHECK(mmio_read(1, NEW_BASE + LAPIC_VER, 4) == 0xffffffff);
	/* All move: the old page leaves the bus. */
	for (unsigned i = 1; i < NCPUS; i++)
		CHECK(lapic_write_base_msr(&rig.lb, i, NEW_BASE | LAPIC_MSR_ENABLE) == 0);
	CHECK(bus_find_mmio(&rig.bus, BASE) == NULL);
	CHECK(bus_find_mmio(&rig.bus, NEW_BASE) != NULL);
	CHECK(mmio_read(3, NEW_BASE + LAPIC_ID, 4) == 3u << 24);
	/* Disable CPU 2: not decoded, no IPIs, state reset when enabled again. */
	mmio_write(2, NEW_BASE + LAPIC_SVR, 0x1ff, 4);
	mmio_write(2, NEW_BASE + LAPIC_ID, 0x0e000000, 4);
	CHECK(lapic_write_base_msr(&rig.lb, 2, NEW_BASE) == 0);
	CHECK(mmio_read(2, NEW_BASE + LAPIC_VER, 4) == 0xffffffff);
	mmio_write(2, NEW_BASE + LAPIC_TPR, 0x50, 4);
	mmio_write(0, NEW_BASE + LAPIC_SVR, 0x1ff, 4);
	mmio_write(0, NEW_BASE + LAPIC_ICR_LO, LAPIC_SH_OTHERS << 18 | LAPIC_DM_INIT << 8, 4);
	CHECK(rig.inits[1] == 1 && rig.inits[2] == 0 && rig.inits[3] == 1);
	lapic_set_irq(apic(2), 0x70, false);
	CHECK(!lapic_intr_pending(apic(2)));
	CHECK(!lapic_accepts_pic(apic(2))); /* disabled, but not the BSP */
	CHECK(lapic_write_base_msr(&rig.lb, 2, NEW_BASE | LAPIC_MSR_ENABLE) == 0);
	CHECK(mmio_read(2, NEW_BASE + LAPIC_ID, 4) == 2u << 24);
	CHECK(mmio_read(2, NEW_BASE + LAPIC_SVR, 4) == 0xff);
	CHECK(mmio_read(2, NEW_BASE + LAPIC_TPR, 4) == 0);
	CHECK(mmio_read(2, NEW_BASE + LAPIC_IRR + 0x30, 4) == 0);
	/* A disabled BSP lets the 8259 in (LINT0 is its INTR pin). */
	CHECK(lapic_write_base_msr(&rig.lb, 0, NEW_BASE) == 0);
	CHECK(lapic_accepts_pic(apic(0)));
	/* Every APIC disabled: no page at all. */
	for (unsigned i = 1; i < NCPUS; i++)
		CHECK(lapic_write_base_msr(&rig.lb, i, NEW_BASE) == 0);
	CHECK(bus_find_mmio(&rig.bus, NEW_BASE) == NULL);
	/* Reset brings back the default. */
	for (unsigned i = 0; i < NCPUS; i++)
		lapic_reset(&rig.lb, i);
	CHECK(bus_find_mmio(&rig.bus, BASE) != NULL && bus_find_mmio(&rig.bus, NEW_BASE) == NULL);
	CHECK(rd(0, LAPIC_VER) == LAPIC_VERSION && lapic_read_base_msr(&rig.lb, 0) == bsp);
	/* A base on another device's range: refused by the bus, so not
	 * decoded there, and the other device keeps its range. */
	CHECK(bus_register_mmio(&rig.bus, "other", 0xfec00000, 0x1000, NULL, NULL) == 0);
	CHECK(lapic_write_base_msr(&rig.lb, 1, 0xfec00000 | LAPIC_MSR_ENABLE) == 0);
	CHECK(strcmp(bus_find_mmio(&rig.bus, 0xfec00000)->name, "other") == 0);
	CHECK(rig.lb.nmapped == 1);
}

static void test_snapshot(void)
{
	rig_up(2);
	sw_enable_all();
	wr(1, LAPIC_TIMER_DIV, 0xb); /* 1 */
	wr(1, LAPIC_LVT_TIMER, TVEC | LAPIC_LVT_PERIODIC);
	wr(1, LAPIC_TIMER_INIT, 500);
	lapic_set_irq(apic(0), 0x77, false);
	fake_clock_advance(&rig.clk, 1200);
	struct lapic_state saved[2] = {apic(0)->s, apic(1)->s};
	uint64_t deadline = apic(1)->timer.deadline;
	CHECK(deadline == 1500);
	lapic_reset(&rig.lb, 0);
	lapic_reset(&rig.lb, 1);
	CHECK(!vtimer_armed(&apic(1)->timer));
	clear_counts();
	apic(0)->s = saved[0];
	apic(1)->s = saved[1];
	lapic_post_load(&rig.lb);
	CHECK(apic(1)->timer.deadline == deadline);
	CHECK(rd(1, LAPIC_TIMER_CUR) == 300);
	CHECK(rig.kicks[0] == 1 && rig.kicks[1] == 1); /* 0x77 and the timer's IRR */
	CHECK(lapic_intr_ack(apic(0)) == 0x77);
}

/* Random accesses from random CPUs, clock steps, INTAs and base MSR
 * writes: nothing crashes, and the page stays where enabled APICs are. */
static void test_fuzz(void)
{
	rig_up(NCPUS);
	uint32_t x = 12345;
	static const unsigned sizes[] = {1, 2, 4, 8};
	for (unsigned step = 0; step < 200000; step++) {
		x = x * 1103515245 + 12345;
		uint32_t y = x * 2654435761u;
		unsigned cpu = (x >> 4) % (NCPUS + 1);
		unsigned size = sizes[(x >> 8) & 3];
		uint64_t base = (x >> 10 & 1) ? BASE : NEW_BASE;
		/* Mostly defined registers, 32-bit aligned. */
		unsigned off = (x >> 11 & 3) ? (y >> 4 & 0x3f) << 4 : y >> 20;
		switch (x >> 28) {
		case 0:
			fake_clock_advance(&rig.clk, fake_ns + (y & 0xffff));
			break;
		case 1:
			if (cpu < NCPUS && lapic_intr_ack(apic(cpu)) != 0xff)
				wr(cpu, LAPIC_EOI, 0);
			break;
		case 2:
			if ((y & 0xff) == 0)
				lapic_write_base_msr(&rig.lb, cpu % NCPUS,
				                     (y & 0x100 ? BASE : NEW_BASE) |
				                         (y & 0x200 ? LAPIC_MSR_ENABLE : 0));
			break;
		case 3:
		case 4:
		case 5:
		case 6:
		case 7:
			mmio_read(cpu, base + off, size);
			break;
		default:
			mmio_write(cpu, base + off, (uint64_t)y << 32 | (x ^ y), size);
			break;
		}
	}
	for (unsigned i = 0; i < NCPUS; i++) {
		struct lapic *a = apic(i);
		CHECK((bus_find_mmio(&rig.bus, lapic_read_base_msr(&rig.lb, i) & ~0xfffull) !=
		       NULL) ||
		      !(lapic_read_base_msr(&rig.lb, i) & LAPIC_MSR_ENABLE));
		CHECK(!vtimer_armed(&a->timer) || a->timer.deadline > fake_ns);
	}
}

int main(void)
{
	CHECK(bus_init(&rig.bus) == 0);
	fake_clock_init(&rig.clk, 0);
	test_init_errors();
	test_reset_values();
	test_per_cpu_views();
	test_access_sizes();
	test_priorities();
	test_spurious_and_svr();
	test_fixed_ipis();
	test_nmi();
	test_init_sipi();
	test_timer_one_shot();
	test_timer_periodic();
	test_timer_masked_and_changes();
	test_base_msr();
	test_snapshot();
	test_fuzz();
	bus_destroy(&rig.bus);
	return check_status("test_lapic");
}
