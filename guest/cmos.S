/* CMOS clock reader: waits for the update-in-progress bit to clear, reads
 * the date and time (BCD, as the PC BIOS leaves register B) with the century
 * at 0x32, then the year again in binary mode, checks an NVRAM byte, and
 * counts 256 periodic interrupts at 1024 Hz on IRQ 8. */
	.code16
	.include "com1.inc"
	.include "pc.inc"
	.set	CMOS_INDEX, 0x70
	.set	CMOS_DATA, 0x71

	/* AL = CMOS register \reg (NMI stays enabled: bit 7 clear). */
	.macro	CMOS_READ reg
	mov	$\reg, %al
	out	%al, $CMOS_INDEX
	in	$CMOS_DATA, %al
	.endm
	.macro	CMOS_WRITE reg, val
	mov	$\reg, %al
	out	%al, $CMOS_INDEX
	mov	\val, %al
	out	%al, $CMOS_DATA
	.endm

	PC_GUEST_START
	SET_VECTOR 0x70, irq8

1:	CMOS_READ 0x0a			/* wait while an update is in progress */
	test	$0x80, %al
	jnz	1b
	mov	$date_msg, %si
	call	puts
	CMOS_READ 0x32			/* century */
	call	putbcd
	CMOS_READ 0x09			/* year */
	call	putbcd
	mov	$'-', %al
	call	putc
	CMOS_READ 0x08			/* month */
	call	putbcd
	mov	$'-', %al
	call	putc
	CMOS_READ 0x07			/* day of month */
	call	putbcd
	mov	$' ', %al
	call	putc
	CMOS_READ 0x04			/* hours */
	call	putbcd
	mov	$':', %al
	call	putc
	CMOS_READ 0x02			/* minutes */
	call	putbcd
	mov	$wday_msg, %si
	call	puts
	CMOS_READ 0x06			/* day of week, 1 = Sunday */
	call	putbcd
	mov	$'\n', %al
	call	putc

	CMOS_READ 0x0b			/* binary mode: register B bit 2 */
	or	$0x04, %al
	mov	%al, %bl
	CMOS_WRITE 0x0b, %bl
	mov	$binary_msg, %si
	call	puts
	CMOS_READ 0x08
	movzbl	%al, %eax
	call	putdec
	mov	$'\n', %al
	call	putc

	CMOS_WRITE 0x40, $0x5a		/* NVRAM keeps what is written */
	CMOS_READ 0x40
	cmp	$0x5a, %al
	jne	fail
	mov	$nvram_msg, %si
	call	puts

	CMOS_READ 0x0c			/* clear any old flags */
	CMOS_WRITE 0x0a, $0x26		/* 32.768 kHz base, rate 6 = 1024 Hz */
	CMOS_READ 0x0b
	or	$0x40, %al		/* PIE */
	mov	%al, %bl
	CMOS_WRITE 0x0b, %bl
	UNMASK_IRQ 8			/* IRQ 2, the cascade, is open already */
2:	sti
	hlt
	cmpl	$256, periodic
	jb	2b
	cli
	CMOS_READ 0x0b			/* periodic interrupts off again */
	and	$~0x40, %al
	mov	%al, %bl
	CMOS_WRITE 0x0b, %bl
	mov	periodic, %eax
	call	putdec
	mov	$periodic_msg, %si
	call	puts
	hlt

fail:	mov	$fail_msg, %si
	call	puts
	hlt

	.globl	irq8
irq8:	push	%ax
	incl	periodic
	CMOS_READ 0x0c			/* reading C acknowledges the interrupt */
	mov	$PIC_EOI, %al
	out	%al, $PIC2_CMD
	out	%al, $PIC1_CMD
	pop	%ax
	iret

/* Print AL as two BCD digits. */
putbcd:	push	%ax
	shr	$4, %al
	add	$'0', %al
	call	putc
	pop	%ax
	and	$0x0f, %al
	add	$'0', %al
	/* fall through */
putc:	push	%dx
	mov	$0x3f8, %dx
	out	%al, %dx
	pop	%dx
	ret

date_msg:	.asciz	"CMOS "
wday_msg:	.asciz	" weekday "
binary_msg:	.asciz	"binary month "
nvram_msg:	.asciz	"NVRAM ok\n"
periodic_msg:	.asciz	" periodic interrupts\n"
fail_msg:	.asciz	"FAILED\n"
	.balign	4
periodic:	.long	0

	.section .note.GNU-stack, "", @progbits
