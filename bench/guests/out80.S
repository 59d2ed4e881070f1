/* The exit path: 200,000 `out`s to port 0x80 (no device: the VMM only
 * decodes and drops it), unrolled 100 to a loop iteration, then hlt. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	mov	$0x80, %dx
	xor	%al, %al
	mov	$2000, %cx
1:
	.rept	100
	out	%al, %dx
	.endr
	dec	%cx
	jnz	1b
	hlt

	.section .note.GNU-stack, "", @progbits
