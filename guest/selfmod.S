/* A guest that reads and then rewrites the first byte of an instruction
 * (where a debugger puts its breakpoint patches), then runs it:
 * `mov $1, %bl` (b3 01) becomes `mov $1, %cl` (b1 01).  It reports on COM1
 * the byte it read and which register the instruction set. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	xor	%bx, %bx
	xor	%cx, %cx
	mov	target, %al		/* read the opcode byte */
	.globl	after_read
after_read:
	movb	$0xb1, target		/* rewrite it */
	.globl	after_write
after_write:
	nop
	.globl	target
target:
	mov	$1, %bl
	.globl	after_target
after_target:
	mov	$0x3f8, %dx
	add	$'0', %bl		/* "10": the old instruction ran, "01": the new one */
	add	$'0', %cl
	mov	%bl, %al
	out	%al, %dx
	mov	%cl, %al
	out	%al, %dx
	mov	$'\n', %al
	out	%al, %dx
	hlt

	.section .note.GNU-stack, "", @progbits
