/* The Goldfish RTC (Android's emulator, QEMU's virt machines): a 64-bit
 * nanosecond clock since the Unix epoch with one alarm, behind eight 32-bit
 * little-endian MMIO registers.  Linux drives it with drivers/rtc/
 * rtc-goldfish.c.
 *
 *   0x00 TIME_LOW        read: the clock's low half, latching the high half;
 *                        write: set the low half of the clock
 *   0x04 TIME_HIGH       read: the half latched by the last TIME_LOW read;
 *                        write: set the high half of the clock
 *   0x08 ALARM_LOW       write: set the low half and arm the alarm at
 *                        ALARM_HIGH:ALARM_LOW (a time not in the future
 *                        fires at once)
 *   0x0C ALARM_HIGH      the alarm's high half (Linux writes it first)
 *   0x10 IRQ_ENABLED     bit 0: the alarm may raise the line
 *   0x14 CLEAR_ALARM     write: disarm the alarm
 *   0x18 ALARM_STATUS    read: 1 while the alarm is armed
 *   0x1C CLEAR_INTERRUPT write: drop the pending interrupt
 *
 * The clock is vclock_wall_ns plus an offset that the guest's TIME writes
 * set (as in QEMU's model); an armed alarm follows such a change.  The
 * line is high while an alarm interrupt is pending and IRQ_ENABLED is set.
 *
 * Accesses other than 32-bit aligned ones:
 *  - 1 or 2 bytes inside one register: those byte lanes of it.  A read has
 *    the register's side effect (a byte of TIME_LOW latches TIME_HIGH); a
 *    write merges into the register's current value, then writes it whole.
 *  - 8 bytes at a multiple of 8: the register pair; a read reads the lower
 *    register first (so TIME reads whole), a write writes the higher one
 *    first (so ALARM arms with both halves, as Linux's order does).
 *  - Anything else (across registers): reads 0, writes are ignored, and
 *    stderr says so once per device.
 * Offsets past 0x1F (up to the end of the 4 KiB page) read 0 and ignore
 * writes, as do the write-only registers when read and ALARM_STATUS when
 * written.
 */
#ifndef KVM_GDBSTUB_HW_GOLDFISH_RTC_H
#define KVM_GDBSTUB_HW_GOLDFISH_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/bus.h"
#include "hw/clock.h"
#include "hw/irq.h"

#define GOLDFISH_RTC_BASE 0xD0000u
#define GOLDFISH_RTC_SIZE 0x1000u
#define GOLDFISH_RTC_IRQ  10

enum {
	GOLDFISH_RTC_TIME_LOW = 0x00,
	GOLDFISH_RTC_TIME_HIGH = 0x04,
	GOLDFISH_RTC_ALARM_LOW = 0x08,
	GOLDFISH_RTC_ALARM_HIGH = 0x0C,
	GOLDFISH_RTC_IRQ_ENABLED = 0x10,
	GOLDFISH_RTC_CLEAR_ALARM = 0x14,
	GOLDFISH_RTC_ALARM_STATUS = 0x18,
	GOLDFISH_RTC_CLEAR_INTERRUPT = 0x1C,
};

/* Everything the guest can see: plain data, so a snapshot is a copy.
 * After restoring it call goldfish_rtc_resync(). */
struct goldfish_rtc_state {
	int64_t offset_ns;   /* clock = vclock_wall_ns + offset_ns (mod 2^64) */
	uint64_t alarm_ns;   /* ALARM_HIGH:ALARM_LOW */
	uint32_t time_high;  /* latched by the last TIME_LOW read */
	uint8_t alarm_armed; /* ALARM_STATUS */
	uint8_t irq_pending; /* the alarm fired, not yet cleared */
	uint8_t irq_enabled; /* IRQ_ENABLED bit 0 */
	uint8_t irq_level;   /* what the line was last driven to */
};

struct goldfish_rtc {
	struct goldfish_rtc_state s;
	uint64_t base;
	struct vclock *clk;
	struct irq_line irq;
	struct vtimer timer; /* armed while the alarm is */
	bool warned;         /* the unaligned-access note was printed */
};

/* Map the device's 4 KiB page at guest-physical base on bus, reading time
 * from clk and raising irq.  Returns 0 or bus_register_mmio's -errno. */
int goldfish_rtc_init(struct goldfish_rtc *g, struct bus *bus, uint64_t base, struct vclock *clk,
                      struct irq_line irq);

/* After g->s was overwritten (a restored snapshot): re-arm the alarm timer
 * and drive the IRQ line to match the state. */
void goldfish_rtc_resync(struct goldfish_rtc *g);

#endif
