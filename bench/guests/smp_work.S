/* Parallel work: every vCPU (started with the start-vCPU hypercall; real
 * mode) counts down 4,000,000 on its own, then checks in; the BSP exits
 * when all have.  The same work per vCPU whatever their number: N vCPUs
 * that run in parallel take about as long as one. */
	.code16
	.include "hypercall.inc"
	.include "com1.inc"
	.include "pc.inc"
	.set	WORK, 4000000

	PC_GUEST_START
	mov	$0x5f, %al		/* vCPUs - 1, from CMOS */
	out	%al, $0x70
	in	$0x71, %al
	movzbl	%al, %eax
	mov	%eax, aps
	mov	$1, %ebx
1:	cmp	aps, %ebx
	ja	2f
	mov	$0x100, %ecx		/* AP i at (0x100 - i):(16 i) = 0x1000 */
	sub	%ebx, %ecx
	mov	%ebx, %edx
	shl	$4, %edx
	push	%ebx
	HCALL	HC_START_VCPU
	pop	%ebx
	inc	%ebx
	jmp	1b
2:	call	work
3:	mov	done, %eax
	cmp	aps, %eax
	jb	3b
	xor	%ebx, %ebx
	HCALL	HC_EXIT

work:	mov	$WORK, %ecx
1:	dec	%ecx
	jnz	1b
	ret

	.org	0x1000
ap:	ljmp	$0, $ap0
ap0:	xor	%ax, %ax
	mov	%ax, %ds
	call	work
	lock incl done
	cli
	hlt

	.balign	4
done:	.long	0
aps:	.long	0

	.section .note.GNU-stack, "", @progbits
