/* The reverse-execution benchmark's spin loop (bench/reverse_bench.sh):
 * ITERS iterations of `dec %ecx; jnz` (guest/spin.S's tight loop, with a
 * count), then the magic breakpoint (port 0x8a00: `continue` stops there)
 * and hlt.  Instructions up to the stop: 2 * ITERS + 4.  ITERS is set with
 * -DITERS=n; the default keeps bench/guests/build.sh working. */
#ifndef ITERS
#define ITERS 1000
#endif

	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	mov	$ITERS, %ecx
spin:
	dec	%ecx
	jnz	spin
	mov	$0x8a00, %dx		/* the magic breakpoint: GDB stops here */
	mov	$0x8ae0, %ax
	out	%ax, %dx
	hlt

	.section .note.GNU-stack, "", @progbits
