/* Idle: the PIT at 100 Hz, the CPU in `sti; hlt` until 100 ticks (one
 * second) have come, then it ends.  machine_bench.sh measures the host CPU
 * time the VMM spends meanwhile. */
#include "machine.inc"
	START
	PIT_START 11932			/* 1193182 / 11932 = 100.0 Hz */
	CLOCK_START
1:	sti
	hlt
	cmpl	$100, ticks
	jb	1b
	cli
	REPORT
	hlt				/* IF = 0: the guest ends */

	.section .note.GNU-stack, "", @progbits
