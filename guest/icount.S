/* Where do timer interrupts land?  A busy loop counts while the PIT (1 kHz)
 * interrupts it; the handler records the loop count at each of 10 ticks.
 * With --icount the ten numbers are the same in every run: the clock is
 * the instruction count.  With the host's clock they vary. */
	.code16
	.include "com1.inc"
	.include "pc.inc"
	.section .text.start, "ax"
	.globl _start
_start:
	jmp	main
	.org	0x400
main:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	SET_VECTOR 0x08, irq0
	mov	$0x34, %al		/* channel 0, lo/hi, mode 2 */
	out	%al, $0x43
	mov	$1193, %ax		/* 1 kHz */
	out	%al, $0x40
	mov	%ah, %al
	out	%al, $0x40
	UNMASK_IRQ 0
	xor	%ecx, %ecx
	sti
spin:	inc	%ecx			/* counted between ticks */
	cmpw	$10, ticks
	jb	spin
	cli
	xor	%bx, %bx
1:	mov	seen(,%ebx,4), %eax
	call	putdec
	mov	$nl, %si
	call	puts
	inc	%bx
	cmp	$10, %bx
	jb	1b
	hlt

irq0:	push	%bx
	mov	ticks, %bx
	cmp	$10, %bx
	jae	2f
	shl	$2, %bx
	mov	%ecx, seen(%bx)
	xor	%ecx, %ecx
	incw	ticks
2:	push	%ax
	mov	$PIC_EOI, %al
	out	%al, $PIC1_CMD
	pop	%ax
	pop	%bx
	iret

nl:	.asciz	"\n"
	.balign	4
ticks:	.word	0, 0
seen:	.space	40

	.section .note.GNU-stack, "", @progbits
