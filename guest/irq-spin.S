/* Timer interrupts while the CPU computes: the PIT at 1 kHz on IRQ 0, and a
 * loop with interrupts on (no hlt), a pop ss shadow in it, until 20 ticks
 * have come; then it prints the ticks and halts.  The lockstep test
 * (tests/unit/test_lockstep.c) runs it with IRQ 0's vector injected at the
 * same steps on KVM and on the built-in CPU. */
	.code16
	.include "com1.inc"
	.include "pc.inc"
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
	SET_VECTOR 0x08, irq0
	PIT_RATE 1193			/* 1193182 Hz / 1193 = 1 kHz */
	UNMASK_IRQ 0
	xor	%ecx, %ecx
	xor	%ebx, %ebx
	sti
	.globl	spin
spin:	inc	%ecx
	add	%ecx, %ebx
	rol	$3, %ebx
	push	%ss
	pop	%ss			/* no interrupt before the next instruction */
	pushf
	popf
	cmpl	$20, ticks
	jb	spin
	cli
	mov	ticks, %eax
	call	putdec
	mov	$ticks_msg, %si
	call	puts
	hlt

	.globl	irq0
irq0:	TICK_HANDLER ticks

ticks_msg:	.asciz	" ticks\n"
	.balign	4
	.globl	ticks
ticks:	.long	0

	.section .note.GNU-stack, "", @progbits
