/* A guest that uses int3 itself: its IVT vector 3 points at its own
 * handler.  Under a debugger the int3 must still reach the guest. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	movw	$handler, 3 * 4		/* IVT[3] = 0000:handler */
	movw	$0, 3 * 4 + 2
	.globl	guest_int3
guest_int3:
	int3
	mov	$back, %si
	call	puts
	hlt

	.globl	handler
handler:
	push	%si
	mov	$handled, %si
	call	puts
	pop	%si
	iret

	.include "com1.inc"

handled: .asciz	"int3 handled\n"
back:	.asciz	"back\n"

	.section .note.GNU-stack, "", @progbits
