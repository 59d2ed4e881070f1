/* The MC146818 real-time clock and CMOS NVRAM at ports 0x70 (index) and
 * 0x71 (data), as on the PC/AT.
 *
 * The time comes from the machine clock (vclock_wall_ns: the host's time or
 * a fixed --clock start, advancing with virtual time) plus a whole-second
 * offset the guest sets through the SET bit; the sub-second phase (when
 * the update cycle and the periodic ticks happen) is that of the virtual
 * wall clock, as if the divider chain had run since the epoch.
 *
 * Register C's flags are worked out from virtual time when they are read,
 * so an RTC whose interrupts are disabled arms no timer at all; with PIE,
 * AIE or UIE set, one vtimer is armed for the next event that can raise
 * IRQ 8.  The line is high while IRQF (C bit 7) is set: until the guest
 * reads register C (or clears the enable bit).
 *
 * Register A's divider bits are stored; the clock runs whatever they hold
 * (no divider reset).  While SET is on, the time registers hold what the
 * guest wrote, read back as written; clearing SET starts the clock from
 * them, read in the format register B has then (day of week ignored: it
 * follows the date; out-of-range fields are clamped).  A write to a time
 * register while the clock runs sets the clock at once.
 *
 * What the NVRAM holds at start (everything else is 0), with R = ram_size:
 *   0x0A-0x0D  A = 0x26 (32.768 kHz time base, 1024 Hz rate), B = 0x02
 *              (24-hour, BCD, no interrupts), C = 0, D = 0x80 (VRT)
 *   0x10       0x40: drive A is a 1.44 MB 3.5" floppy, no drive B
 *   0x14       0x01: equipment: a floppy drive, EGA/VGA, no FPU (the
 *              built-in CPU has none)
 *   0x15/0x16  640: base memory in KiB (little-endian)
 *   0x17/0x18  extended memory above 1 MiB in KiB, at most 0xFFFF
 *   0x30/0x31  the same again (the copy the BIOS POST reports)
 *   0x34/0x35  memory above 16 MiB in 64 KiB units, at most 0xFFFF
 *              (what SeaBIOS and QEMU use)
 *   0x2E/0x2F  checksum: the 16-bit sum of 0x10-0x2D, high byte first
 * The checksum is computed once: like the chip, the device does not update
 * it when the guest writes NVRAM (that is the BIOS's job).
 */
#ifndef KVM_GDBSTUB_HW_CMOS_H
#define KVM_GDBSTUB_HW_CMOS_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/bus.h"
#include "hw/clock.h"
#include "hw/irq.h"

#define CMOS_PORT_INDEX 0x70
#define CMOS_PORT_DATA  0x71
#define CMOS_IRQ        8
#define CMOS_SIZE       128

/* Register numbers (index values). */
enum {
	CMOS_SECONDS = 0x00,
	CMOS_SECONDS_ALARM = 0x01,
	CMOS_MINUTES = 0x02,
	CMOS_MINUTES_ALARM = 0x03,
	CMOS_HOURS = 0x04,
	CMOS_HOURS_ALARM = 0x05,
	CMOS_DAY_OF_WEEK = 0x06,
	CMOS_DAY_OF_MONTH = 0x07,
	CMOS_MONTH = 0x08,
	CMOS_YEAR = 0x09,
	CMOS_REG_A = 0x0A,
	CMOS_REG_B = 0x0B,
	CMOS_REG_C = 0x0C,
	CMOS_REG_D = 0x0D,
	CMOS_CENTURY = 0x32,
};

/* Register A */
#define CMOS_A_UIP     0x80 /* update in progress (read-only) */
#define CMOS_A_DV_MASK 0x70 /* divider; 0x20 = 32.768 kHz time base */
#define CMOS_A_RS_MASK 0x0F /* periodic rate select, 0 = off */
/* Register B */
#define CMOS_B_SET  0x80 /* freeze the clock: the guest sets the time */
#define CMOS_B_PIE  0x40
#define CMOS_B_AIE  0x20
#define CMOS_B_UIE  0x10
#define CMOS_B_SQWE 0x08 /* stored only: no square-wave pin */
#define CMOS_B_DM   0x04 /* 1 = binary, 0 = BCD */
#define CMOS_B_24H  0x02 /* 1 = 24-hour, 0 = 12-hour with bit 7 = PM */
#define CMOS_B_DSE  0x01 /* stored only: no daylight-saving switch */
/* Register C (reading clears it) */
#define CMOS_C_IRQF 0x80
#define CMOS_C_PF   0x40
#define CMOS_C_AF   0x20
#define CMOS_C_UF   0x10
/* Register D */
#define CMOS_D_VRT 0x80 /* the battery is fine */

/* The update cycle: UIP is set this long before each second's update. */
#define CMOS_UIP_NS 244000u

/* Everything the guest can see or that decides what it sees next: plain
 * data, so a snapshot is a copy.  After restoring it call cmos_resync(). */
struct cmos_state {
	uint8_t ram[CMOS_SIZE]; /* NVRAM, alarms, A, B; 0x00-0x09 and 0x32
	                           only count while SET freezes the clock */
	uint8_t index;          /* the selected register, 0-0x7F */
	uint8_t nmi_masked;     /* bit 7 of the last index write */
	uint8_t flags;          /* register C's PF/AF/UF, accounted up to flags_ns */
	uint8_t irq_level;      /* what the line was last driven to */
	int64_t offset_s;       /* guest time = wall clock + offset_s seconds */
	uint64_t flags_ns;      /* virtual time the flags are accounted up to */
};

struct cmos {
	struct cmos_state s;
	struct vclock *clk;
	struct irq_line irq;
	struct vtimer timer; /* armed only for an enabled interrupt */
};

/* Set up the chip with its NVRAM defaults (see above) for a machine with
 * ram_size bytes of RAM, register ports 0x70-0x71 on bus, and its timer on
 * clk.  Returns 0 or bus_register_pio's -errno. */
int cmos_init(struct cmos *c, struct bus *bus, struct vclock *clk, struct irq_line irq8,
              uint64_t ram_size);

/* NVRAM byte QEMU's BIOS reads the CPU count from (count - 1). */
#define CMOS_SMP_CPUS 0x5f

/* Set an NVRAM byte as firmware would (reg 0x0E-0x7F, not the clock). */
void cmos_nvram_set(struct cmos *c, uint8_t reg, uint8_t value);

/* True if the guest's last index write had bit 7 (NMI disable) set. */
bool cmos_nmi_masked(const struct cmos *c);

/* After c->s was overwritten (a restored snapshot): re-arm the timer and
 * drive the IRQ line to match the state. */
void cmos_resync(struct cmos *c);

#endif
