/* A PIT guest that goes quiet: 10 ticks at 100 Hz on IRQ 0, then it masks
 * IRQ 0 and sleeps in `sti; hlt` for 2.5 s, until the MMIO RTC's alarm
 * (IRQ 10) wakes it; it prints the ticks and the wake-ups of the quiet
 * part (1: nothing else woke it) and halts with interrupts off.  For
 * stopping a CPU that idles with nothing due for a long time (Ctrl-C). */
	.code16
	.include "com1.inc"
	.include "pc.inc"
	.set	QUIET_NS, 2500000000

	.section .text.start, "ax"
	.globl _start
_start:
	jmp	main
	.org	0x400			/* past the IVT */
main:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	$RTC_SEG, %ax
	mov	%ax, %es
	SET_VECTOR 0x08, irq0
	SET_VECTOR 0x72, irq10

	PIT_RATE 11932			/* 1193182 Hz / 11932 = 100 Hz */
	UNMASK_IRQ 0
1:	sti
	hlt
	cmpl	$10, ticks
	jb	1b

	cli				/* the PIT goes quiet: IRQ 0 masked */
	in	$PIC1_DATA, %al
	or	$1, %al
	out	%al, $PIC1_DATA
	mov	%es:TIME_LOW, %ecx	/* latches the high half */
	mov	%es:TIME_HIGH, %ebx
	add	$QUIET_NS & 0xffffffff, %ecx
	adc	$QUIET_NS >> 32, %ebx
	movl	$1, %es:IRQ_ENABLED
	mov	%ebx, %es:ALARM_HIGH
	mov	%ecx, %es:ALARM_LOW	/* writing the low half arms it */
	UNMASK_IRQ 10

	.globl	quiet
quiet:	sti
	hlt				/* nothing is due for 2.5 s */
	.globl	woke
woke:	incl	wakeups
	cmpb	$0, fired
	je	quiet
	cli

	mov	ticks, %eax
	call	putdec
	mov	$ticks_msg, %si
	call	puts
	mov	wakeups, %eax
	call	putdec
	mov	$wakeups_msg, %si
	call	puts
	hlt				/* IF = 0: the guest ends */

	.globl	irq0
irq0:	TICK_HANDLER ticks

	.globl	irq10
irq10:	ALARM_HANDLER fired

ticks_msg:	.asciz	" ticks\n"
wakeups_msg:	.asciz	" quiet wake-ups\n"
	.balign	4
	.globl	ticks
ticks:	.long	0
wakeups:	.long	0
fired:	.byte	0

	.section .note.GNU-stack, "", @progbits
