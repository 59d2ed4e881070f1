/* Real-mode segmentation: non-zero DS, ES and SS, a rep movsb between
 * segments checked with repe cmpsb, a far jump to CS=0200, far calls into
 * segments 0000 and 0210 (one with a stack argument and `lret $2`), all
 * reported on COM1.  Output:
 *
 *	segments: ds=0100 es=4000 ss=3000 sp=1000
 *	segments: copied to es:0000
 *	segments: at 0200:0010
 *	segments: far call from 0200, arg 1234
 *	segments: ok
 *
 * Layout (linear = offset in the flat image, about 8.5 KiB):
 *	0000	_start and the far procedures puts/puthex, CS = 0000
 *	1000	strings, DS = 0100
 *	2010	seg2, reached by ljmp 0200:0010
 *	2100	far_proc, called as 0210:0000
 * Symbols are linear addresses, so `break *seg2` stops at 0200:0010.
 * Stack at 3000:1000 (linear 0x31000 down), copy target 4000:0000 (0x40000).
 */
	.code16
	.section .text.start, "ax"

	.set	DATA_SEG, 0x0100
	.set	SEG2_SEG, 0x0200
	.set	FAR_SEG, 0x0210
	.set	COM1, 0x3f8

	.globl	_start, puts, puthex, newline, fail, copy, seg2, far_proc, done
_start:
	cli
	mov	$0x3000, %ax
	mov	%ax, %ss
	mov	$0x1000, %sp
	mov	$DATA_SEG, %ax
	mov	%ax, %ds
	mov	$0x4000, %ax
	mov	%ax, %es
	mov	$0x3fb, %dx		/* line control: 8N1 */
	mov	$0x03, %al
	out	%al, %dx

	mov	$s_ds - data, %si
	lcall	$0, $puts
	mov	%ds, %ax
	lcall	$0, $puthex
	mov	$s_es - data, %si
	lcall	$0, $puts
	mov	%es, %ax
	lcall	$0, $puthex
	mov	$s_ss - data, %si
	lcall	$0, $puts
	mov	%ss, %ax
	lcall	$0, $puthex
	mov	$s_sp - data, %si
	lcall	$0, $puts
	mov	%sp, %ax
	lcall	$0, $puthex
	lcall	$0, $newline

copy:	/* DS:copy_src -> ES:0000, then compare the two */
	cld
	mov	$copy_src - data, %si
	xor	%di, %di
	mov	$copy_len, %cx
	rep movsb
	mov	$copy_src - data, %si
	xor	%di, %di
	mov	$copy_len, %cx
	repe cmpsb
	jne	fail
	push	%ds			/* print the copy through DS = ES */
	push	%es
	pop	%ds
	xor	%si, %si
	lcall	$0, $puts
	pop	%ds
	ljmp	$SEG2_SEG, $seg2 - SEG2_SEG * 16

fail:
	mov	$DATA_SEG, %ax
	mov	%ax, %ds
	mov	$s_fail - data, %si
	lcall	$0, $puts
	hlt

/* puts: the zero-terminated string at DS:SI to COM1.  Far. */
puts:
	push	%ax
	push	%dx
	push	%si
	mov	$COM1, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	pop	%si
	pop	%dx
	pop	%ax
	lret

/* puthex: AX as four lower-case hex digits.  Far. */
puthex:
	push	%ax
	push	%bx
	push	%cx
	push	%dx
	mov	%ax, %bx
	mov	$4, %cx
	mov	$COM1, %dx
1:	rol	$4, %bx
	mov	%bl, %al
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$'a' - '9' - 1, %al
2:	out	%al, %dx
	loop	1b
	pop	%dx
	pop	%cx
	pop	%bx
	pop	%ax
	lret

/* newline: "\n".  Far. */
newline:
	push	%ax
	push	%dx
	mov	$COM1, %dx
	mov	$'\n', %al
	out	%al, %dx
	pop	%dx
	pop	%ax
	lret

	.org	DATA_SEG * 16
data:
s_ds:	.asciz	"segments: ds="
s_es:	.asciz	" es="
s_ss:	.asciz	" ss="
s_sp:	.asciz	" sp="
copy_src:
	.asciz	"segments: copied to es:0000\n"
	.set	copy_len, . - copy_src
s_at:	.asciz	"segments: at "
s_colon:
	.asciz	":"
s_far:	.asciz	"segments: far call from "
s_arg:	.asciz	", arg "
s_ok:	.asciz	"segments: ok\n"
s_fail:	.asciz	"segments: FAIL\n"

/* CS = 0200: report where we run, far-call into segment 0210. */
	.org	SEG2_SEG * 16 + 0x10
seg2:
	mov	$s_at - data, %si
	lcall	$0, $puts
	mov	%cs, %ax
	lcall	$0, $puthex
	mov	$s_colon - data, %si
	lcall	$0, $puts
	call	1f			/* IP of the next instruction, from the stack */
1:	pop	%ax
	sub	$1b - seg2, %ax
	lcall	$0, $puthex
	lcall	$0, $newline

	mov	%sp, %bp
	push	$0x1234
	lcall	$FAR_SEG, $far_proc - FAR_SEG * 16
	cmp	%sp, %bp		/* lret $2 dropped the argument */
	jne	2f
	cmp	$0x1235, %ax
	jne	2f
	mov	$s_ok - data, %si
	lcall	$0, $puts
done:
	hlt
2:	ljmp	$0, $fail

/* CS = 0210: print the caller's CS and the argument; return it plus one. */
	.org	FAR_SEG * 16
far_proc:
	push	%bp
	mov	%sp, %bp
	push	%si
	mov	$s_far - data, %si
	lcall	$0, $puts
	mov	4(%bp), %ax		/* return CS */
	lcall	$0, $puthex
	mov	$s_arg - data, %si
	lcall	$0, $puts
	mov	6(%bp), %ax		/* the argument */
	lcall	$0, $puthex
	lcall	$0, $newline
	inc	%ax
	pop	%si
	pop	%bp
	lret	$2

	.section .note.GNU-stack, "", @progbits
