/* Print a line, then spin for ever in a tight loop: the target of Ctrl-C
 * and --timeout tests. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$msg, %si
	call	puts
	.globl	spin
spin:
	inc	%ecx
	jmp	spin
msg:	.asciz	"spinning\n"
	.include "com1.inc"

	.section .note.GNU-stack, "", @progbits
