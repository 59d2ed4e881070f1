/* The PIT at 1 kHz (count 1193: 1000.15 Hz), the CPU idle in `sti; hlt`
 * until TICKS interrupts have come; prints the ticks and the time they
 * took (hypercall time).  The stopwatch starts at the second tick, whose
 * handler ran as late as the last one's will: TICKS periods are expected.
 * (Not the first: reprogramming channel 0 can raise OUT0 at once, an edge
 * the masked PIC latches.) */
#ifndef TICKS
#define TICKS 2000
#endif
#include "machine.inc"
	START
	PIT_START 1193
0:	sti
	hlt
	cmpl	$2, ticks
	jb	0b
	cli
	movl	$0, ticks
	CLOCK_START
1:	sti
	hlt
	cmpl	$TICKS, ticks
	jb	1b
	cli
	REPORT
	hlt

	.section .note.GNU-stack, "", @progbits
