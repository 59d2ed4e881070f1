/* The PC's devices on one bus: the 8259 pair, the 8254 PIT, the CMOS RTC,
 * the Goldfish RTC, the VGA (text mode) and the 8042 keyboard controller
 * with port 0x92, wired to their IRQ lines and to the machine clock.
 * No CPU and no backend: the VM owns a board and runs a vCPU against it;
 * tests and the device fuzzer drive a board alone. */
#ifndef KVM_GDBSTUB_HW_PC_H
#define KVM_GDBSTUB_HW_PC_H

#include <stdint.h>

#include "hw/bus.h"
#include "hw/clock.h"
#include "hw/cmos.h"
#include "hw/goldfish_rtc.h"
#include "hw/i8042.h"
#include "hw/pic.h"
#include "hw/pit.h"
#include "hw/vga.h"

/* The MMIO RTC's page, in the range a PC leaves to ROMs and devices: RAM
 * has a hole there whatever the RAM size. */
#define PC_RTC_MMIO_BASE 0xd0000u
#define PC_RTC_MMIO_SIZE 0x1000u
#define PC_PIT_IRQ       0
#define PC_CASCADE_IRQ   2
#define PC_CMOS_IRQ      8
#define PC_RTC_IRQ       10
#define PC_KBD_IRQ       I8042_IRQ

struct pc_board {
	struct bus bus;
	struct vclock clock;
	struct pic pic;
	struct pit pit;
	struct cmos cmos;
	struct goldfish_rtc rtc;
	struct vga vga;
	struct i8042 kbd;
};

/* Every device's guest-visible state, plain data: a snapshot of the board. */
struct pc_board_state {
	struct pic_state pic;
	struct pit_state pit;
	struct cmos_state cmos;
	struct goldfish_rtc_state rtc;
	struct vga_state vga;
	struct i8042_state kbd;
};

/* Copy the devices' state out, or back in (re-arming timers and re-driving
 * IRQ lines to match).  The clock is the caller's: restore into a board
 * whose clock reads the time the state was saved at, or devices see the
 * difference as time passed.  The 8042's A20 gate comes back without its
 * callback: the caller applies i8042_a20(&b->kbd) to its memory. */
void pc_board_save(const struct pc_board *b, struct pc_board_state *s);
void pc_board_restore(struct pc_board *b, const struct pc_board_state *s);

/* Create the bus and every device for a machine with ram_size bytes of RAM
 * whose guest time starts at wall_epoch_ns (Unix ns).  0 or -errno. */
int pc_board_init(struct pc_board *b, uint64_t ram_size, int64_t wall_epoch_ns);

/* The same with virtual time from source (vclock_set_source; NULL = the
 * host) from the start, so that the devices' reset state already follows
 * it: a counter-driven or fake clock gives the same machine every time. */
int pc_board_init_clocked(struct pc_board *b, uint64_t ram_size, int64_t wall_epoch_ns,
                          vclock_source_fn source, void *source_opaque);

void pc_board_destroy(struct pc_board *b);

/* Show guest RAM's text window (ram holds ram_size bytes from physical 0)
 * on the VGA; a RAM too small to reach 0xC0000 leaves the screen blank. */
void pc_board_set_text_ram(struct pc_board *b, const uint8_t *ram, uint64_t ram_size);

/* The interrupt controller's input line n (0-15). */
struct irq_line pc_board_irq(struct pc_board *b, unsigned n);

/* The earliest virtual time a device timer may interrupt the CPU: timers
 * whose IRQ is masked do not count (their state is computed when read).
 * VCLOCK_NEVER if none: then only an interrupt already pending can wake a
 * halted CPU. */
uint64_t pc_board_next_wakeup(const struct pc_board *b);

#endif
