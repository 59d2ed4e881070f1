/* The baseline of the exit benchmark: the same start, no `out`, hlt. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	mov	$0x80, %dx
	xor	%al, %al
	hlt

	.section .note.GNU-stack, "", @progbits
