/* REP string instructions for single-step tests: each stepi of a rep must
 * stop after one iteration, with EIP on the instruction while (E)CX counts
 * down (as hardware, QEMU and gdbserver do).  Every instruction a test
 * steps has a global label on it and one just after it. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp
	cld
	mov	$src, %si
	mov	$dst, %di
	mov	$5, %cx
	.globl	movs
movs:	rep movsb			/* 5 iterations */
	.globl	movs_end
movs_end:
	mov	$left, %si
	mov	$right, %di
	mov	$6, %cx
	.globl	cmps
cmps:	repe cmpsb			/* mismatch at the 3rd of 6 bytes */
	.globl	cmps_end
cmps_end:
	xor	%cx, %cx
	mov	$'!', %al
	.globl	zero
zero:	rep stosb			/* CX = 0: one step moves past */
	.globl	zero_end
zero_end:
	/* Prefixes before and after rep; ECX's high half is not the count
	 * under 16-bit addressing. */
	mov	$src, %si
	mov	$dst2, %di
	mov	$0x10002, %ecx
	.globl	csmovs
csmovs:	.byte	0x2e, 0xf3, 0x66, 0xa5	/* cs rep movsd: 2 dwords */
	.globl	csmovs_end
csmovs_end:
	mov	$dst3, %edi
	mov	$3, %ecx
	mov	$'z', %al
	.globl	stos32
stos32:	.byte	0xf3, 0x67, 0xaa	/* rep addr32 stosb: ECX counts */
	.globl	stos32_end
stos32_end:
	/* For nexti and next. */
	mov	$src, %si
	mov	$dst4, %di
	mov	$4, %cx
	.globl	again
again:	rep movsb
	.globl	again_end
again_end:
	mov	$src, %si
	mov	$dst5, %di
	mov	$3, %cx
	.globl	line
line:	rep movsb
	.globl	line_end
line_end:
	nop
	hlt

src:	.ascii	"HELLO, REP"
left:	.ascii	"abXdef"
right:	.ascii	"abYdef"
	.balign	16
dst:	.space	16
dst2:	.space	16
dst3:	.space	16
dst4:	.space	16
dst5:	.space	16

	.section .note.GNU-stack, "", @progbits
