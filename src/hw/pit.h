/* The PC's 8254 programmable interval timer, and system control port B.
 *
 * Ports 0x40-0x42 are the counters' data ports, 0x43 the control word (a
 * read there returns 0xFF: the 8254 leaves the bus floating).  The input
 * clock is 1193182 Hz.  Channel 0's OUT drives IRQ 0; channel 1 (DRAM
 * refresh on a PC) just counts; channel 2's GATE and OUT are on port 0x61,
 * which this module also owns:
 *   port 0x61 ("system control port B", as on a PC/AT)
 *     bit 0  GATE2 (read/write)
 *     bit 1  speaker data enable (stored only; there is no speaker)
 *     bits 2-3  parity/channel check enables (stored only)
 *     bit 4  refresh toggle: flips every 18 input clocks (~15.085 us) of
 *            virtual time, which the classic BIOS delay loops poll
 *     bit 5  OUT2
 *     bits 6-7  parity/channel check status: read 0
 *
 * What the model does, per the 8254 datasheet: modes 0-5 (6 and 7 alias 2
 * and 3), binary and BCD counting (a count of 0 is 65536, or 10000 in BCD),
 * access by LSB, MSB or LSB then MSB (separate read and write byte
 * flip-flops, so reads and writes may interleave), the counter latch
 * command, the read-back command (count and/or status of any channels; a
 * latched status reads before a latched count), the status byte (OUT, null
 * count, the control bits as written), GATE: modes 0, 2, 3, 4 count only
 * while it is high, modes 2 and 3 force OUT high while it is low and restart
 * on its rising edge, modes 1 and 5 trigger on its rising edge.  A new count
 * in mode 0 or 4 restarts the counter (the first byte of an LSB/MSB pair
 * stops mode 0 with OUT low); in modes 2 and 3 it takes effect at the end of
 * the current period (the datasheet says half-period for mode 3); in modes 1
 * and 5 at the next trigger.
 * Not modelled: the one-clock delay between writing a count and loading it
 * (counting starts at the write); a count of 1 in modes 2 and 3 (illegal)
 * keeps OUT high.
 *
 * Time: nothing runs per tick.  Counts and OUT levels are computed from
 * vclock_now() when read.  Times are kept as ticks of the input clock since
 * virtual time 0 (tick = floor(ns * 1193182 / 1e9), an exact function of the
 * virtual ns), so that the arithmetic is exact.  A vtimer is armed only for
 * the next rising edge of channel 0's OUT, where IRQ 0 gets a rising edge
 * (low, then high again if it was high: modes 2 and 4 pulse low for one
 * clock, mode 3's falling edge half a period earlier is folded into it); if
 * the timer runs late by several periods, one edge is delivered, as the
 * PIC would latch only one.
 *
 * Reset (pit_init, pit_reset) leaves the channels as a PC BIOS does: channel
 * 0 in mode 3 with count 65536 (18.2 Hz on IRQ 0), channel 1 in mode 2 with
 * count 18, channel 2 in mode 3 waiting for a count, GATE2 low.
 */
#ifndef KVM_GDBSTUB_HW_PIT_H
#define KVM_GDBSTUB_HW_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/clock.h"
#include "hw/irq.h"

struct bus;

#define PIT_HZ       1193182u
#define PIT_BASE     0x40
#define PIT_PORT_B   0x61
#define PIT_CHANNELS 3

enum pit_phase {
	PIT_NO_COUNT,  /* control word written, no count yet */
	PIT_WAIT_GATE, /* modes 1 and 5: count written, no trigger yet */
	PIT_COUNTING,
};

/* One counter: every register it has, no pointers (snapshots copy it). */
struct pit_channel {
	uint64_t load_tick; /* the tick at which the count was loaded (d = 0) */
	uint64_t held;      /* d while GATE stops counting */
	uint32_t count;     /* the count being run, 1..65536 */
	uint32_t cr;        /* the count register: the count last written */
	uint16_t frozen;    /* the counting element while nothing counts */
	uint16_t latched;   /* the latched count, as the guest reads it */
	uint8_t ctrl;       /* control word bits 5..0 as written */
	uint8_t mode;       /* 0..5 */
	uint8_t access;     /* 1 LSB, 2 MSB, 3 LSB then MSB */
	uint8_t phase;      /* enum pit_phase */
	uint8_t status;     /* the latched status byte */
	uint8_t write_lsb;  /* the LSB of an LSB/MSB count being written */
	bool bcd, gate, paused, reload_pending, null_count;
	bool count_latched, status_latched, write_msb, read_msb;
};

/* The guest-visible state. */
struct pit_state {
	struct pit_channel ch[PIT_CHANNELS];
	uint8_t port_b;  /* port 0x61 bits 3..0 as written */
	bool irq0_level; /* the level last driven on IRQ 0 */
};

struct pit {
	struct pit_state state;
	struct vclock *clk;
	struct vtimer timer; /* the next rising edge of OUT0 */
	struct irq_line irq0;
	unsigned noted; /* one-time notes already printed */
};

/* Reset to the BIOS state above and drive IRQ 0 to channel 0's OUT. */
void pit_reset(struct pit *pit);

/* Reset, register the timer with clk and the ports (0x40-0x43, 0x61).
 * 0 or the bus's -errno. */
int pit_init(struct pit *pit, struct bus *bus, struct vclock *clk, struct irq_line irq0);

/* OUT of channel ch (0-2) now. */
bool pit_out(struct pit *pit, unsigned ch);

/* After state was overwritten (a snapshot restored): re-arm the timer (no
 * edge is delivered; IRQ 0's level is the state's). */
void pit_post_load(struct pit *pit);

#endif
