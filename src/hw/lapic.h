/* The local APIC of each vCPU, in xAPIC (MMIO) mode; no x2APIC.
 *
 * One struct lapic_bus owns the APICs of all vCPUs (up to LAPIC_MAX_CPUS)
 * and registers their 4 KiB page once, at 0xFEE00000 after reset.  The
 * handler asks the machine which CPU made the access (ops->cpu_index), so
 * every vCPU sees its own APIC at the same address.  IA32_APIC_BASE (MSR
 * 0x1B) is per CPU: the backends call lapic_read_base_msr and
 * lapic_write_base_msr.  The page is registered at every base some enabled
 * APIC uses; an access from a CPU whose APIC is disabled (bit 11 clear) or
 * elsewhere is not decoded: reads return all ones, writes are dropped.  A
 * base inside RAM is accepted but only reached where the backend exits to
 * the bus (KVM does not exit for RAM).
 *
 * Registers (offsets in the page), per the Intel SDM vol. 3 ch. 11:
 *   0x020 ID (bits 31..24, writable; reset = CPU index)  0x030 version 0x00050014
 *   0x080 TPR  0x090 APR (computed)  0x0A0 PPR (computed)  0x0B0 EOI
 *   0x0D0 LDR  0x0E0 DFR  0x0F0 SVR (bit 8 software enable)
 *   0x100-0x170 ISR  0x180-0x1F0 TMR  0x200-0x270 IRR  0x280 ESR
 *   0x300/0x310 ICR low/high  0x320-0x370 LVT timer, thermal, perf, LINT0,
 *   LINT1, error  0x380 initial count  0x390 current count  0x3E0 divide.
 * Accesses as KVM treats them: a read of any size returns the bytes of the
 * 32-bit register at the 16-byte-aligned offset (bytes 4..15 of each slot
 * read 0); a write that is not 32 bits at the slot start is ignored (noted
 * once).  Unknown registers read 0 and set ESR bit 7 (illegal register).
 *
 * Interrupts: fixed interrupts set IRR (and TMR if level-triggered); the
 * highest IRR vector whose priority class is above the PPR's is pending;
 * lapic_intr_ack moves it to ISR, EOI clears the highest ISR bit.  A
 * software-disabled APIC (SVR bit 8 clear) accepts no new fixed interrupts,
 * keeps IRR/ISR, and holds every LVT masked; INIT, SIPI and NMI still
 * arrive.  Vectors 0-15 are illegal: ESR bits 5 (send) / 6 (receive).
 *
 * IPIs (a write of ICR low): fixed, lowest priority (to the matching APIC
 * with the lowest TPR), NMI (kept pending for lapic_take_nmi), INIT (the
 * target's APIC gets an INIT reset, then ops->init), Start-up (ops->sipi
 * with the vector; whether the target waits for one is the machine's
 * business); SMI and ExtINT are ignored (noted once); an INIT level
 * de-assert does nothing.  Destinations: physical APIC ID (0xFF: all),
 * logical flat or cluster model through LDR/DFR, or the shorthands self,
 * all, all but self; only hardware-enabled APICs receive.  Delivery is
 * immediate: the delivery status bit reads 0.  An IPI that reaches no CPU
 * is counted in ipis_dropped and said on stderr when verbose is set.
 * Every CPU that receives a fixed interrupt or an NMI is kicked (ops->kick),
 * the sender included.
 *
 * The timer counts at LAPIC_TIMER_HZ (1 GHz: one tick per virtual ns, as in
 * QEMU and KVM) divided by the divide configuration (1, 2, ..., 128).  A write
 * of the initial count loads it; it reaches 0 after count * divide ns, then
 * stops (one-shot) or reloads (periodic), and sets IRR for the LVT vector
 * unless masked.  The current count is computed from the clock when read.
 * A divide change keeps the count and goes on at the new rate; a mode
 * change applies to the running count.  Its vtimer is armed only while the
 * timer runs unmasked.
 *
 * LINT0/LINT1 are stored; after reset the BSP's LINT0 is ExtINT, unmasked
 * (as a BIOS leaves virtual-wire mode, and as KVM resets it), so the 8259
 * reaches the BSP: see lapic_accepts_pic.
 *
 * Not thread-safe: the machine serialises every call (its device lock)
 * including the bus accesses that reach the handler; callbacks run inside.
 */
#ifndef KVM_GDBSTUB_HW_LAPIC_H
#define KVM_GDBSTUB_HW_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/bus.h"
#include "hw/clock.h"

#define LAPIC_MAX_CPUS     64
#define LAPIC_DEFAULT_BASE 0xfee00000u
#define LAPIC_PAGE_SIZE    0x1000u
#define LAPIC_BASE_MSR     0x1b
#define LAPIC_TIMER_HZ     NS_PER_SEC
#define LAPIC_VERSION      0x00050014u /* version 0x14, max LVT entry 5 */

/* IA32_APIC_BASE bits */
#define LAPIC_MSR_BSP       (1ull << 8)
#define LAPIC_MSR_ENABLE    (1ull << 11)
#define LAPIC_MSR_BASE_MASK 0x000ffffffffff000ull

/* Register offsets */
enum {
	LAPIC_ID = 0x020,
	LAPIC_VER = 0x030,
	LAPIC_TPR = 0x080,
	LAPIC_APR = 0x090,
	LAPIC_PPR = 0x0a0,
	LAPIC_EOI = 0x0b0,
	LAPIC_LDR = 0x0d0,
	LAPIC_DFR = 0x0e0,
	LAPIC_SVR = 0x0f0,
	LAPIC_ISR = 0x100,
	LAPIC_TMR = 0x180,
	LAPIC_IRR = 0x200,
	LAPIC_ESR = 0x280,
	LAPIC_ICR_LO = 0x300,
	LAPIC_ICR_HI = 0x310,
	LAPIC_LVT_TIMER = 0x320,
	LAPIC_LVT_THERMAL = 0x330,
	LAPIC_LVT_PERF = 0x340,
	LAPIC_LVT_LINT0 = 0x350,
	LAPIC_LVT_LINT1 = 0x360,
	LAPIC_LVT_ERROR = 0x370,
	LAPIC_TIMER_INIT = 0x380,
	LAPIC_TIMER_CUR = 0x390,
	LAPIC_TIMER_DIV = 0x3e0,
};

/* Register bits */
#define LAPIC_SVR_ENABLE      (1u << 8)
#define LAPIC_LVT_MASKED      (1u << 16)
#define LAPIC_LVT_PERIODIC    (1u << 17)
#define LAPIC_DM_FIXED        0
#define LAPIC_DM_LOWEST       1
#define LAPIC_DM_SMI          2
#define LAPIC_DM_NMI          4
#define LAPIC_DM_INIT         5
#define LAPIC_DM_STARTUP      6
#define LAPIC_DM_EXTINT       7
#define LAPIC_ICR_LOGICAL     (1u << 11)
#define LAPIC_ICR_ASSERT      (1u << 14)
#define LAPIC_ICR_LEVEL       (1u << 15)
#define LAPIC_SH_NONE         0
#define LAPIC_SH_SELF         1
#define LAPIC_SH_ALL          2
#define LAPIC_SH_OTHERS       3
#define LAPIC_ESR_SEND_VECTOR (1u << 5)
#define LAPIC_ESR_RECV_VECTOR (1u << 6)
#define LAPIC_ESR_ILLEGAL_REG (1u << 7)

enum { LAPIC_LVT_COUNT = 6 }; /* timer, thermal, perf, LINT0, LINT1, error */

/* Everything the guest can see of one APIC, plain data: a snapshot is a
 * copy; after restoring call lapic_post_load. */
struct lapic_state {
	uint64_t base_msr; /* IA32_APIC_BASE */
	uint32_t id, tpr, ldr, dfr, svr;
	uint32_t isr[8], tmr[8], irr[8];
	uint32_t esr;         /* as last latched by a write */
	uint32_t esr_pending; /* errors since then */
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[LAPIC_LVT_COUNT];
	uint32_t timer_initial; /* 0: the timer is stopped */
	uint32_t timer_divide;  /* the divide configuration register */
	int64_t timer_start;    /* virtual ns of tick 0 of the running count */
	bool nmi_pending;
};

struct lapic_bus;

struct lapic {
	struct lapic_state s;
	struct lapic_bus *owner;
	unsigned index;
	struct vtimer timer;
};

/* What the APICs need from the machine.  Only cpu_index is required. */
struct lapic_ops {
	/* The index (0 .. count-1) of the CPU making an access; anything else:
	 * the access is not decoded. */
	unsigned (*cpu_index)(void *opaque, struct vcpu *vcpu);
	/* INIT reached CPU cpu (its APIC was reset already). */
	void (*init)(void *opaque, unsigned cpu);
	/* A Start-up IPI with vector reached CPU cpu: start at vector:0000 if
	 * it waits for one. */
	void (*sipi)(void *opaque, unsigned cpu, uint8_t vector);
	/* CPU cpu has a new interrupt or NMI: wake it or make it look. */
	void (*kick)(void *opaque, unsigned cpu);
};

struct lapic_bus {
	struct lapic cpu[LAPIC_MAX_CPUS];
	unsigned count;
	struct bus *bus;
	struct vclock *clk;
	struct lapic_ops ops;
	void *opaque;
	bool verbose;                    /* say dropped IPIs on stderr */
	unsigned ipis_dropped;           /* IPIs that reached no CPU */
	uint64_t mapped[LAPIC_MAX_CPUS]; /* bases where the page is on the bus */
	unsigned nmapped;
	unsigned noted; /* one-time notes already printed */
};

/* Create ncpus (1..LAPIC_MAX_CPUS) APICs in their reset state (CPU 0 the
 * BSP) and register the page at LAPIC_DEFAULT_BASE.  lb must not move
 * afterwards.  0, -EINVAL (ncpus, or no ops->cpu_index) or the bus's
 * -errno. */
int lapic_bus_init(struct lapic_bus *lb, struct bus *bus, struct vclock *clk, unsigned ncpus,
                   const struct lapic_ops *ops, void *opaque);

/* CPU cpu's APIC, or NULL if there is no such CPU. */
struct lapic *lapic_of(struct lapic_bus *lb, unsigned cpu);

/* Power-up reset of CPU cpu's APIC: ID = cpu, base MSR = default base,
 * enabled, BSP flag for CPU 0; registers as the SDM's reset state. */
void lapic_reset(struct lapic_bus *lb, unsigned cpu);

/* IA32_APIC_BASE of CPU cpu (0 if there is no such CPU). */
uint64_t lapic_read_base_msr(const struct lapic_bus *lb, unsigned cpu);

/* Write IA32_APIC_BASE of CPU cpu: the base moves (the page follows), bit
 * 11 enables; clearing it resets the APIC.  The BSP flag is read-only.
 * 0, or -EINVAL if a reserved bit is set (x2APIC included): the backend
 * raises #GP and nothing changes. */
int lapic_write_base_msr(struct lapic_bus *lb, unsigned cpu, uint64_t value);

/* The APIC ID register's ID (bits 31..24): what CPUID.1:EBX[31:24]
 * reports (the CPU index unless the guest rewrote the ID). */
uint8_t lapic_id(const struct lapic *a);

/* An external fixed interrupt (an I/O APIC or MSI in the future): set IRR
 * (and TMR if level) unless the APIC is disabled, and kick. */
void lapic_set_irq(struct lapic *a, uint8_t vector, bool level);

/* Is an IRR vector above the PPR's priority class waiting? */
bool lapic_intr_pending(const struct lapic *a);

/* The INTA cycle: the pending vector moves from IRR to ISR and is
 * returned; the spurious vector (SVR bits 7..0) if nothing is pending. */
uint8_t lapic_intr_ack(struct lapic *a);

/* An NMI sent by IPI waits: true once per NMI received, clearing it. */
bool lapic_take_nmi(struct lapic *a);

/* Should the 8259's INTR reach this CPU: its APIC is hardware-disabled
 * and it is the BSP, or LINT0 is unmasked in ExtINT mode. */
bool lapic_accepts_pic(const struct lapic *a);

/* After every s was overwritten (a restored snapshot): put the page at the
 * bases in use, re-arm the timers, kick CPUs with something pending. */
void lapic_post_load(struct lapic_bus *lb);

#endif
