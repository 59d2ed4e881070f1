/* Console throughput: 1 MiB of text to COM1 (0x3f8) without polling the
 * line status register, then hlt.  16384 lines of 64 bytes:
 *   "kvm-gdbstub console bench, line 0xNNNN: quick brown fox jumps!!\n"
 * with NNNN the line number in hex (bench/console_bench.sh rebuilds the
 * expected text the same way). */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	$0x3f8, %dx
	xor	%bx, %bx
line:
	mov	$prefix, %si
	call	puts
	mov	%bx, %di
	mov	$4, %cx
1:	rol	$4, %di
	mov	%di, %si
	and	$0xf, %si
	mov	hexdigits(%si), %al
	out	%al, %dx
	loop	1b
	mov	$suffix, %si
	call	puts
	inc	%bx
	cmp	$16384, %bx
	jne	line
	hlt

puts:
	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	puts
2:	ret

hexdigits:	.ascii	"0123456789abcdef"
prefix:		.asciz	"kvm-gdbstub console bench, line 0x"
suffix:		.asciz	": quick brown fox jumps!!\n"

	.section .note.GNU-stack, "", @progbits
