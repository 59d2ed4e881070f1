/* The exit path through the UART: 200,000 `out`s of '.' to COM1's data
 * port (0x3f8), unrolled 100 to a loop iteration, then hlt. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	mov	$0x3f8, %dx
	mov	$'.', %al
	mov	$2000, %cx
1:
	.rept	100
	out	%al, %dx
	.endr
	dec	%cx
	jnz	1b
	hlt

	.section .note.GNU-stack, "", @progbits
