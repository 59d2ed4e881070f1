/* Print a line, then spin for ever in a tight loop: the target of Ctrl-C
 * and --timeout tests. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$0x3f8, %dx
	mov	$msg, %si
1:	lodsb
	test	%al, %al
	jz	spin
	out	%al, %dx
	jmp	1b
	.globl	spin
spin:
	inc	%ecx
	jmp	spin
msg:	.asciz	"spinning\n"

	.section .note.GNU-stack, "", @progbits
