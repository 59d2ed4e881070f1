/* MMIO RTC reader: the Goldfish RTC at 0xD0000 (segment 0xD000).  Reads
 * the time with 32-bit moves (TIME_LOW latches TIME_HIGH), prints TIME_HIGH,
 * then sets the alarm 20 ms ahead and sleeps in `sti; hlt` until its
 * interrupt (IRQ 10, vector 0x72) comes, and prints ALARM_STATUS. */
	.code16
	.include "com1.inc"
	.include "pc.inc"

	PC_GUEST_START
	mov	$RTC_SEG, %ax
	mov	%ax, %es
	SET_VECTOR 0x72, irq10

	mov	%es:TIME_LOW, %ecx	/* latches the high half */
	mov	%es:TIME_HIGH, %ebx
	mov	$high_msg, %si
	call	puts
	mov	%ebx, %eax
	call	puthex
	mov	$nl, %si
	call	puts

	add	$20000000, %ecx		/* alarm 20 ms from now */
	adc	$0, %ebx
	movl	$1, %es:IRQ_ENABLED
	mov	%ebx, %es:ALARM_HIGH
	mov	%ecx, %es:ALARM_LOW	/* writing the low half arms it */
	UNMASK_IRQ 10
1:	sti
	hlt
	cmpb	$0, fired
	je	1b
	cli
	mov	$alarm_msg, %si
	call	puts
	mov	%es:ALARM_STATUS, %eax
	call	putdec
	mov	$nl, %si
	call	puts
	hlt

	.globl	irq10
irq10:	ALARM_HANDLER fired

high_msg:	.asciz	"TIME_HIGH "
alarm_msg:	.asciz	"alarm fired, ALARM_STATUS "
nl:	.asciz	"\n"
fired:	.byte	0

	.section .note.GNU-stack, "", @progbits
