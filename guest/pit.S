/* PIT tick counter: channel 0 at 100 Hz (mode 2) raises IRQ 0, whose
 * handler counts ticks; the guest idles in `sti; hlt` until 100 ticks have
 * come, then prints how many ticks and how long they took (hypercall time)
 * and the wake-ups, and halts with interrupts off. */
	.code16
	.include "hypercall.inc"
	.include "com1.inc"
	.include "pc.inc"
	PC_GUEST_START
	SET_VECTOR 0x08, irq0

	HCALL	HC_TIME
	mov	%eax, start_ns
	mov	%edx, start_ns + 4

	PIT_RATE 11932			/* 1193182 Hz / 11932 = 100 Hz */
	UNMASK_IRQ 0

	.globl	idle
idle:	sti
	hlt				/* the CPU sleeps until the next tick */
	incl	wakeups
	cmpl	$100, ticks
	jb	idle
	cli

	HCALL	HC_TIME			/* elapsed ms = (now - start) / 1e6 */
	sub	start_ns, %eax
	sbb	start_ns + 4, %edx
	mov	$1000000, %ebx
	div	%ebx
	mov	%eax, %edi

	mov	ticks, %eax
	call	putdec
	mov	$ticks_msg, %si
	call	puts
	mov	wakeups, %eax
	call	putdec
	mov	$wakeups_msg, %si
	call	puts
	mov	%edi, %eax
	call	putdec
	mov	$ms_msg, %si
	call	puts
	hlt				/* IF = 0: the guest ends */

	.globl	irq0
irq0:	TICK_HANDLER ticks

ticks_msg:	.asciz	" ticks\n"
wakeups_msg:	.asciz	" wake-ups\n"
ms_msg:	.asciz	" ms\n"
	.balign	4
	.globl	ticks
ticks:	.long	0
wakeups:	.long	0
start_ns:	.long	0, 0

	.section .note.GNU-stack, "", @progbits
