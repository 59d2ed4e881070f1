/* Benchmark guest: ITERS port writes (`out` to the unused port 0x80), one
 * VM exit each under KVM, in a `dec ecx; jnz` loop: 3 instructions per
 * iteration, 3 * ITERS + 4 in all.  Ends with an `out` to port 0xf4
 * (QEMU's isa-debug-exit) and hlt.  Build: gcc -m16 -c -DITERS=N outs.S. */
	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	mov	$ITERS, %ecx
1:	out	%al, $0x80
	dec	%ecx
	jnz	1b
	xor	%al, %al
	out	%al, $0xf4
	hlt

	.section .note.GNU-stack, "", @progbits
