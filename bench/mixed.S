/* Benchmark guest: ITERS iterations of a mixed real-mode workload: a
 * 32-byte rep movsb, a near call summing words with memory operands,
 * 32-bit memory arithmetic (add/adc), a 32-byte repe cmpsb, a loop on
 * a 32-bit register.  22 instructions per iteration (a rep instruction
 * counts once), plus 10 around the loop: 22 * ITERS + 10 in all.  Ends
 * with an `out` to port 0xf4 (QEMU's isa-debug-exit) and hlt.
 * Build: gcc -m16 -c -DITERS=N mixed.S. */
	.code16
	.section .text.start, "ax"
	.globl	_start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp
	cld
	mov	$ITERS, %ebp
outer:
	mov	$src, %si		/* 5: copy */
	mov	$dst, %di
	mov	$32, %cx
	rep movsb
	call	sum
	add	%ax, total		/* 2: 32-bit total in memory */
	adcw	$0, total + 2
	mov	$src, %si		/* 5: compare */
	mov	$dst, %di
	mov	$32, %cx
	repe cmpsb
	jne	fail
	dec	%ebp			/* 2 */
	jnz	outer
	xor	%al, %al
	out	%al, $0xf4
	hlt
fail:
	mov	$1, %al
	out	%al, $0xf4
	hlt

sum:					/* 8 */
	xor	%ax, %ax
	mov	$dst, %bx
	add	(%bx), %ax
	add	2(%bx), %ax
	add	4(%bx), %ax
	add	6(%bx), %ax
	incw	calls
	ret

	/* Data on its own page: QEMU's TCG retranslates a code page on every
	 * write to it, which would measure that instead. */
	.p2align 12
total:	.long	0
calls:	.word	0
src:	.ascii	"0123456789abcdefghijklmnopqrstuv"
dst:	.fill	32, 1, 0

	.section .note.GNU-stack, "", @progbits
