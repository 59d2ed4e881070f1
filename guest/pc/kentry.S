/* The example kernel's entry and interrupt stubs (32-bit protected mode).
 * _start is at KERNEL_ADDR, where kstage2.S jumps with flat segments.  Each
 * stub pushes an error code (0 where the CPU pushes none) and its vector,
 * saves the general registers and calls isr_dispatch(struct isr_frame *). */
	.code32
	.altmacro
	.section .text.start, "ax"
	.globl	_start, isr_stubs
_start:
	cld
	mov	$__bss_start, %edi		/* .bss is not in kernel.bin */
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb
	mov	$stack_top, %esp
	xor	%ebp, %ebp
	call	kernel_main
1:	cli
	hlt
	jmp	1b

/* Vectors 8, 10-14 and 17 come with an error code. */
.macro	STUB vector
	.p2align 4
	.if (\vector == 8) || (\vector >= 10 && \vector <= 14) || (\vector == 17)
	.else
	push	$0
	.endif
	push	$\vector
	jmp	isr_common
.endm

	.text
	.p2align 4
isr_stubs:
	.set	v, 0
	.rept	48
	STUB	%v
	.set	v, v + 1
	.endr

isr_common:
	pusha
	push	%esp
	cld
	call	isr_dispatch
	add	$4, %esp
	popa
	add	$8, %esp			/* vector and error code */
	iret

	.bss
	.p2align 4
	.space	16384
stack_top:
	.section .note.GNU-stack, "", @progbits
