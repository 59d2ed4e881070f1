/* The magic breakpoint: writing 0x8ae0 to port 0x8a00 (Bochs' debugger
 * port) stops into GDB when one is attached, and does nothing otherwise. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$before, %si
	call	puts
	mov	$0x8a00, %dx
	mov	$0x8ae0, %ax
	out	%ax, %dx
	.globl	after_magic
after_magic:
	mov	$after, %si
	call	puts
	hlt

	.include "com1.inc"

before:	.asciz	"before\n"
after:	.asciz	"after\n"

	.section .note.GNU-stack, "", @progbits
