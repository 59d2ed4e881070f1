/* The PC's pair of 8259A programmable interrupt controllers.
 *
 * Master at ports 0x20/0x21, slave at 0xA0/0xA1, the slave's INT output on
 * the master's IR2; the edge/level control registers (ELCR) at 0x4D0/0x4D1.
 * Devices drive IRQ 0-15 through pic_set_irq (an irq_set_fn); the machine
 * reads the INTR output (pic_intr_pending) and runs the INTA cycle
 * (pic_intr_ack), which returns the vector.
 *
 * What the model does, per the 8259A datasheet:
 * - ICW1-ICW4 in sequence (ICW3 only in cascade mode, ICW4 only if ICW1
 *   asks); ICW1 at any time restarts it: IMR, ISR and latched edges are
 *   cleared, IR0 gets the highest priority, ICW4 functions default to off.
 * - Single mode: the chip supplies every vector itself.  Cascade mode: an
 *   IR whose ICW3 bit is set is a slave's; the slave answers if its ICW3 ID
 *   matches, otherwise nobody drives the bus and the vector reads 0xFF.
 * - Edge triggering (a request latches on a rising edge and stays latched
 *   until acknowledged, as QEMU does) or level triggering, per input by the
 *   ELCR or for a whole chip by ICW1's LTIM bit.
 * - Fully nested mode with priority rotation: non-specific and specific
 *   EOI, both with rotation, rotate in auto-EOI mode, set priority; auto-EOI;
 *   special fully nested mode (the master lets a slave in service interrupt
 *   again); special mask mode (OCW3); poll mode (OCW3 P: the next read of
 *   the command port acknowledges and returns 0x80 | IR, or 0).
 * - OCW3 selects IRR or ISR for reads of the command port; the data port
 *   reads the IMR.
 * - Spurious interrupts: an INTA with no request left returns base + 7
 *   without setting ISR; if the slave has nothing left, the master's IR2 is
 *   in service and the vector is the slave's base + 7.
 * Not modelled: the 8080/8085 call sequence (ICW4 uPM = 0 is noted once and
 * treated as 8086 mode), buffered mode (no effect on a PC), a request that
 * drops before INTA (it stays latched).
 *
 * Reset (pic_init, pic_reset) leaves the pair as a PC BIOS does: initialised
 * in cascade mode, 8086 mode, edge-triggered, vector bases 0x08 (master) and
 * 0x70 (slave), and every IRQ masked except the cascade IR2, so that nothing
 * reaches a guest that never programs the PIC until it unmasks a line.
 */
#ifndef KVM_GDBSTUB_HW_PIC_H
#define KVM_GDBSTUB_HW_PIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/irq.h"

struct bus;

#define PIC_MASTER_BASE  0x20
#define PIC_SLAVE_BASE   0xa0
#define PIC_ELCR_BASE    0x4d0
#define PIC_CASCADE_IR   2
#define PIC_MASTER_VBASE 0x08
#define PIC_SLAVE_VBASE  0x70

/* One 8259A: every register it has, no pointers (snapshots copy it). */
struct pic_chip {
	uint8_t irr, isr, imr;
	uint8_t input;     /* IR pin levels, for edge detection */
	uint8_t elcr;      /* inputs the ELCR makes level-triggered */
	uint8_t base;      /* ICW2: the vector of IR0 (bits 7..3) */
	uint8_t icw3;      /* master: IRs with a slave; slave: its ID (bits 2..0) */
	uint8_t highest;   /* the IR with the highest priority (rotation) */
	uint8_t init_step; /* 0 = ready, else the ICW (2..4) the data port expects */
	bool need_icw4, single, ltim;
	bool auto_eoi, rotate_aeoi, sfnm, x86_mode;
	bool special_mask, poll, read_isr;
};

/* The guest-visible state of the pair: chip[0] master, chip[1] slave. */
struct pic_state {
	struct pic_chip chip[2];
};

struct pic {
	struct pic_state state;
	/* Called when INTR goes from low to high, so that the machine can kick
	 * a sleeping or running vCPU.  NULL: nobody is told. */
	void (*on_intr)(void *opaque);
	void *on_intr_opaque;
	bool intr;      /* INTR as last computed (derived from state) */
	unsigned noted; /* one-time notes already printed */
};

/* Can a request on IRQ irq (0-15) reach INTR: unmasked on its chip and,
 * for the slave's lines, on the master's cascade input too? */
bool pic_irq_open(const struct pic *pic, unsigned irq);

/* Reset to the BIOS state above (IR input levels are kept). */
void pic_reset(struct pic *pic);

/* Reset and register the ports (0x20-0x21, 0xA0-0xA1, 0x4D0-0x4D1).
 * 0 or the bus's -errno. */
int pic_init(struct pic *pic, struct bus *bus);

/* Drive input line irq (0-15) to level.  IRQ 2 is the ISA bus's IRQ2/9 pin,
 * wired to the slave's IR1 as on a PC/AT; irq > 15 is ignored. */
void pic_set_irq(void *opaque, unsigned irq, bool level);

/* An irq_line that drives pic input irq. */
struct irq_line pic_irq_line(struct pic *pic, unsigned irq);

/* The INTR output: true if the master has a request to deliver. */
bool pic_intr_pending(const struct pic *pic);

/* The INTA cycle: the vector to deliver, with ISR/IRR updated (cascade and
 * spurious cases included).  Valid to call with INTR low (spurious 7). */
uint8_t pic_intr_ack(struct pic *pic);

/* After state was overwritten (a snapshot restored): recompute INTR and
 * call on_intr if it is asserted. */
void pic_post_load(struct pic *pic);

#endif
