/* The PC/AT's 8042 keyboard controller, the keyboard behind it, and system
 * control port A (0x92).
 *
 * Ports:
 *   0x60 read   the output buffer: the next byte from the controller or the
 *               keyboard (reading it clears OBF; with nothing new it reads
 *               the last byte again)
 *   0x60 write  the data byte of a controller command waiting for one, else
 *               a byte to the keyboard (which also re-enables the keyboard
 *               interface, as on real controllers)
 *   0x64 read   status: bit 0 OBF, 1 IBF (always 0: writes complete at
 *               once), 2 system flag, 3 last write was a command (0x64),
 *               4 keyboard not inhibited (always 1), 5 AUX OBF (0: no mouse),
 *               6-7 timeout and parity errors (0)
 *   0x64 write  a controller command:
 *     0x20-0x3F read controller RAM byte n (0x20: the command byte)
 *     0x60-0x7F write it (+ data byte).  Command byte: bit 0 keyboard IRQ
 *               enable, 1 AUX IRQ enable (stored), 2 system flag, 4 keyboard
 *               interface disabled, 5 AUX disabled (stored), 6 translation
 *     0xA7/0xA8 disable/enable AUX (command byte bit 5)
 *     0xAA      self-test: 0x55, sets the system flag
 *     0xAB      keyboard interface test: 0x00
 *     0xAD/0xAE disable/enable the keyboard interface (command byte bit 4)
 *     0xC0      read the input port: 0xA0 (keyboard not inhibited, no
 *               manufacturing jumper, colour display)
 *     0xD0      read the output port: bit 0 reset line (1 = running), 1 A20,
 *               4 keyboard OBF, 5 AUX OBF (0), the rest as written
 *     0xD1      write the output port (+ data byte): bit 1 A20; bit 0
 *               clear pulses the reset line (it reads 1 again after)
 *     0xD2      (+ data byte) the byte comes back as if the keyboard sent it
 *     0xD3/0xD4 (+ data byte) to the AUX port: dropped, there is no mouse
 *     0xDD/0xDF A20 off/on (output port bit 1, as HP Vectra-style BIOSes)
 *     0xF0-0xFF pulse the output port bits whose command bit is clear: bit
 *               0 resets the system (0xFE); 0xFF pulses nothing
 *   Anything else is ignored with a one-time note on stderr.
 *   0x92 read/write: bit 1 A20, bit 0 fast reset (writing 1 resets the
 *               system; reads 0, the reset clears it), other bits stored
 *
 * A20: the gate is open if EITHER the output port bit 1 OR port 0x92 bit 1
 * is set, as on chipsets that have both; the a20 callback reports every
 * change of that combined state.  At power-on the output port has A20 set
 * and port 0x92 reads 0: A20 is on (SeaBIOS leaves it on), and either
 * switch alone can turn it off.
 *
 * The keyboard: 0xFF reset (0xFA, 0xAA; defaults, scanning on), 0xF6 set
 * defaults, 0xF5 disable scanning (+ defaults), 0xF4 enable scanning, 0xED
 * LEDs and 0xF3 typematic (+ argument byte), 0xEE echo (0xEE), 0xF2 identify
 * (0xFA 0xAB 0x83), 0xF0 scan code set (+ byte: 0 reads it, 1-3 set it),
 * 0xFE resend (the last byte the keyboard sent).  Each command and argument
 * is acknowledged with 0xFA; anything else gets 0xFE.  With translation on
 * (command byte bit 6) the controller turns the set-2 bytes a keyboard sends
 * into set 1, and that shows in replies too: identify ends with 0x41 and the
 * scan code sets 1/2/3 read as 0x43/0x41/0x3F, as on real hardware.
 *
 * Keys: the host queues set-1 scan codes (see keymap.h) into a FIFO; they
 * reach the output buffer only while the keyboard interface is enabled and
 * scanning is on (until then they wait: a real keyboard would lose them).
 * Replies come first: controller replies, then keyboard replies, then keys.
 * Translation off and scan code sets other than 2 are noted once; keys stay
 * in set 1.
 *
 * IRQ 1 is high while the output buffer is full and command byte bit 0 is
 * set.  Reading 0x60 lowers it and, if another byte is waiting, loads it and
 * raises it again: one rising edge per byte for the 8259 in edge mode.
 */
#ifndef KVM_GDBSTUB_HW_I8042_H
#define KVM_GDBSTUB_HW_I8042_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/irq.h"

struct bus;

#define I8042_DATA_PORT   0x60
#define I8042_STATUS_PORT 0x64
#define I8042_PORT_A      0x92
#define I8042_IRQ         1
#define I8042_FIFO_SIZE   1024 /* scan code bytes typed ahead */
#define I8042_REPLY_MAX   8
#define I8042_RAM_SIZE    32

/* Status register (port 0x64) */
#define I8042_STR_OBF      0x01
#define I8042_STR_IBF      0x02
#define I8042_STR_SYS      0x04
#define I8042_STR_CMD      0x08
#define I8042_STR_UNLOCKED 0x10
#define I8042_STR_AUX_OBF  0x20

/* Command byte (controller RAM byte 0) */
#define I8042_CTR_KBD_INT 0x01
#define I8042_CTR_AUX_INT 0x02
#define I8042_CTR_SYS     0x04
#define I8042_CTR_KBD_DIS 0x10
#define I8042_CTR_AUX_DIS 0x20
#define I8042_CTR_XLATE   0x40

/* Output port */
#define I8042_OUT_RESET   0x01 /* 0 = reset asserted */
#define I8042_OUT_A20     0x02
#define I8042_OUT_OBF     0x10
#define I8042_OUT_AUX_OBF 0x20

/* Port 0x92 */
#define I8042_PORTA_RESET 0x01
#define I8042_PORTA_A20   0x02

/* The command byte and the output port as a BIOS leaves them: keyboard
 * IRQ on, system flag, AUX off, translation on (KBD_INT | SYS | AUX_DIS |
 * XLATE); reset line high, A20 on, keyboard clock and data high. */
#define I8042_CTR_DEFAULT       0x65
#define I8042_OUT_DEFAULT       0xCF
#define I8042_INPUT_PORT        0xA0
#define I8042_TYPEMATIC_DEFAULT 0x2B /* 10.9 characters/s after 500 ms */

/* A short queue of reply bytes. */
struct i8042_replies {
	uint8_t len;
	uint8_t byte[I8042_REPLY_MAX];
};

/* Everything the guest can see or that decides what it sees next: plain
 * data, so a snapshot is a copy.  After restoring it call i8042_post_load. */
struct i8042_state {
	uint8_t ram[I8042_RAM_SIZE]; /* controller RAM; ram[0] is the command byte */
	uint8_t out;                 /* the output buffer */
	bool obf;                    /* ... holds a byte the guest has not read */
	bool sys_flag;               /* status bit 2 */
	bool last_was_command;       /* status bit 3 */
	uint8_t ctrl_pending;        /* controller command awaiting its data byte, 0 none */
	uint8_t output_port;         /* bits 4-5 read live */
	uint8_t port_a;              /* port 0x92 as written, bit 0 aside */
	bool irq_level;              /* what IRQ 1 was last driven to */
	struct i8042_replies ctrl_reply, kbd_reply;
	/* the keyboard */
	uint8_t kbd_pending; /* command awaiting its argument byte, 0 none */
	uint8_t kbd_last;    /* the last byte it sent, for 0xFE (resend) */
	uint8_t scan_set, leds, typematic;
	bool scanning;
	/* keys typed by the host, set 1; last: i8042_reset keeps them */
	uint16_t key_head, key_count;
	uint8_t keys[I8042_FIFO_SIZE];
};

struct i8042 {
	struct i8042_state s;
	struct irq_line irq;
	/* The combined A20 gate changed (on = addresses wrap at 1 MiB no more).
	 * NULL: nobody is told. */
	void (*a20)(void *opaque, bool on);
	/* The guest pulsed the reset line (0xFE, 0xD1 with bit 0 clear, port
	 * 0x92 bit 0).  NULL: nobody is told. */
	void (*reset)(void *opaque);
	void *opaque;         /* for a20 and reset */
	unsigned noted;       /* one-time notes already printed */
	bool reset_requested; /* during an access: call reset when it is done */
};

/* Power-on state (see above), as after a system reset; the typed-ahead
 * keys are kept.  Drives IRQ 1 low and reports an A20 change through the
 * callback. */
void i8042_reset(struct i8042 *k);

/* Zero k, reset it, wire IRQ 1 to irq1 and register ports 0x60, 0x64 and
 * 0x92 on bus.  Set the callbacks afterwards.  0 or bus_register_pio's
 * -errno. */
int i8042_init(struct i8042 *k, struct bus *bus, struct irq_line irq1);

/* Queue n scan code bytes of one key press (set 1): all of them, or none
 * (with a one-time note) if the FIFO has less room than n. */
void i8042_key_codes(struct i8042 *k, const uint8_t *codes, size_t n);

/* Free bytes in the key FIFO, so that a caller can hold input back rather
 * than have it dropped. */
size_t i8042_key_room(const struct i8042 *k);

/* The combined A20 gate: true if the output port or port 0x92 enables it. */
bool i8042_a20(const struct i8042 *k);

/* After k->s was overwritten (a restored snapshot): clamp its queue
 * indexes into range and drive IRQ 1 to match.  The A20 state is
 * i8042_a20(); no callback is called. */
void i8042_post_load(struct i8042 *k);

#endif
