/* Write 300 dots to COM1 (more than COM1_QUEUE_AFTER, so KVM starts
 * queuing COM1 output), then a newline, 'A' and 'B', each out followed by a
 * global label: port catchpoint tests check where the guest stopped. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	mov	$0x3f8, %dx
	mov	$300, %cx
1:	mov	$'.', %al
	out	%al, %dx
	loop	1b
	.globl	dots_done
dots_done:
	mov	$'\n', %al
	out	%al, %dx
	.globl	after_newline
after_newline:
	mov	$'A', %al
	out	%al, %dx
	.globl	after_a
after_a:
	mov	$'B', %al
	out	%al, %dx
	.globl	after_b
after_b:
	mov	$'\n', %al
	out	%al, %dx
	hlt

	.section .note.GNU-stack, "", @progbits
