/* Benchmark guest: ITERS iterations of `dec ecx; jnz` (2 instructions
 * each), then an `out` to port 0xf4 (QEMU's isa-debug-exit ends there;
 * elsewhere it is an unused port) and hlt.  Instructions retired:
 * 2 * ITERS + 4.  Build: gcc -m16 -c -DITERS=N loop.S. */
	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	mov	$ITERS, %ecx
1:	dec	%ecx
	jnz	1b
	xor	%al, %al
	out	%al, $0xf4
	hlt

	.section .note.GNU-stack, "", @progbits
