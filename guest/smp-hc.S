/* Several vCPUs without leaving real mode: the bootstrap processor starts
 * each application processor with the start-vCPU hypercall (function 5:
 * EBX = index, ECX = CS, EDX = IP).  AP i starts at (0x100 - i):(16 i),
 * which is linear 0x1000 for every i, and finds its index in CS.  Each AP
 * prints "CPU n up" under a spinlock and adds 1 to a shared counter
 * 1,000,000 times with `lock xadd`, as does the BSP, which then prints the
 * total.  Starting a running vCPU again, or one that does not exist, is
 * refused (-1). */
	.code16
	.include "hypercall.inc"
	.include "com1.inc"
	.include "pc.inc"
	.set	ADDS, 1000000

	PC_GUEST_START
	mov	$0x5f, %al		/* vCPUs - 1, from CMOS */
	out	%al, $0x70
	in	$0x71, %al
	movzbl	%al, %eax
	mov	%eax, aps
	mov	$1, %ebx
1:	cmp	aps, %ebx		/* start APs 1..aps */
	ja	2f
	mov	$0x100, %ecx
	sub	%ebx, %ecx		/* CS = 0x100 - i */
	mov	%ebx, %edx
	shl	$4, %edx		/* IP = 16 i */
	push	%ebx
	HCALL	HC_START_VCPU
	pop	%ebx
	test	%eax, %eax
	jnz	fail
	inc	%ebx
	jmp	1b
2:	cmpl	$0, aps			/* start CPU 1 again: refused */
	je	3f
	mov	$1, %ebx
	mov	$0xff, %ecx
	mov	$16, %edx
	HCALL	HC_START_VCPU
	cmp	$-1, %eax
	jne	fail
3:	mov	aps, %ebx		/* a vCPU that does not exist: refused */
	inc	%ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	HCALL	HC_START_VCPU
	cmp	$-1, %eax
	jne	fail
	mov	$refused_msg, %si
	call	locked_puts

	call	work
4:	mov	done, %eax		/* every AP has done its share */
	cmp	aps, %eax
	jb	4b
	mov	$total_msg, %si
	call	puts
	mov	counter, %eax
	call	putdec
	mov	$nl, %si
	call	puts
	hlt

fail:	mov	$fail_msg, %si
	call	puts
	hlt

/* ADDS atomic additions of 1 to counter. */
work:	mov	$ADDS, %ecx
1:	mov	$1, %eax
	lock xadd %eax, counter
	dec	%ecx			/* not loop: in 16-bit code it counts CX */
	jnz	1b
	ret

/* puts under the console spinlock (xchg with memory is atomic). */
locked_puts:
1:	mov	$1, %al
	xchg	%al, conlock
	test	%al, %al
	jz	2f
	pause
	jmp	1b
2:	call	puts
	movb	$0, conlock
	ret

	.org	0x1000			/* every AP starts here, CS = 0x100 - index */
ap:	cli
	mov	%cs, %bx
	ljmp	$0, $ap0		/* CS = 0 from here: the code is linked at 0 */
ap0:	mov	$0x100, %ax
	sub	%bx, %ax		/* the index */
	movzwl	%ax, %edi
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	%di, %sp
	shl	$8, %sp
	add	$0x2000, %sp		/* 256 bytes of stack each, 0x2000 up */
1:	mov	$1, %al
	xchg	%al, conlock
	test	%al, %al
	jz	2f
	pause
	jmp	1b
2:	mov	$cpu_msg, %si
	call	puts
	mov	%edi, %eax
	call	putdec
	mov	$up_msg, %si
	call	puts
	movb	$0, conlock
	call	work
	lock incl done
	hlt

total_msg:	.asciz	"total "
cpu_msg:	.asciz	"CPU "
up_msg:	.asciz	" up\n"
refused_msg:	.asciz	"starting a running or missing vCPU is refused\n"
fail_msg:	.asciz	"FAILED\n"
nl:	.asciz	"\n"
	.balign	4
counter:	.long	0
done:	.long	0
aps:	.long	0
conlock:	.byte	0

	.section .note.GNU-stack, "", @progbits
