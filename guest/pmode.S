/* Into 32-bit protected mode and back.  Real mode prints, loads a GDT,
 * sets CR0.PE and far-jumps to 32-bit code, which prints, sums the squares
 * 1..1000 (and fills and sums a table at 1 MiB - 64 KiB with 32-bit
 * addressing), then returns to real mode the way Intel prescribes: a 16-bit
 * code segment, 16-bit data segments with 64 KiB limits, clear PE, a far
 * jump to reload CS, real-mode segment loads.  Output:
 *
 *	pmode: real mode
 *	pmode: 32-bit protected mode
 *	pmode: sum of squares 0x13e5e51c
 *	pmode: table sum 0x3fff0000
 *	pmode: back in real mode, cr0.pe=0, result 0x13e5e51c
 *	pmode: ok
 *
 * GDT: 08 flat 32-bit code, 10 flat 32-bit data, 18 16-bit code (base 0,
 * 64 KiB), 20 16-bit data (base 0, 64 KiB).  The descriptors are loaded
 * with their accessed bits clear: the CPU sets them in memory.
 */
	.set	COM1, 0x3f8
	.set	SEL_CODE32, 0x08
	.set	SEL_DATA32, 0x10
	.set	SEL_CODE16, 0x18
	.set	SEL_DATA16, 0x20
	.set	TABLE, 0xf0000		/* 64 KiB of dwords below 1 MiB */
	.set	TABLE_DWORDS, 0x4000

	.code16
	.section .text.start, "ax"
	.globl	_start, to_pmode, pm32, pm32_compute, to_real, pm16, rm_again, done, fail
	.globl	result, gdt, gdt_desc
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	$0x3fb, %dx		/* line control: 8N1 */
	mov	$0x03, %al
	out	%al, %dx
	mov	$s_real, %si
	call	puts16

to_pmode:
	lgdt	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmp	$SEL_CODE32, $pm32

/* puts16: the zero-terminated string at DS:SI to COM1. */
puts16:
	mov	$COM1, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	ret

/* hex16: EAX as 0x and eight hex digits. */
hex16:
	push	%eax
	mov	$s_0x, %si
	call	puts16
	pop	%ebx
	mov	$8, %cx
1:	rol	$4, %ebx
	mov	%bl, %al
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$'a' - '9' - 1, %al
2:	out	%al, %dx
	loop	1b
	ret

	.code32
pm32:
	mov	$SEL_DATA32, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x90000, %esp		/* above 64 KiB: only reachable in 32-bit mode */
	mov	$s_pm32, %esi
	call	puts32

pm32_compute:
	xor	%eax, %eax		/* sum of i*i for i = 1..1000 */
	mov	$1, %ecx
1:	mov	%ecx, %edx
	imul	%edx, %edx
	add	%edx, %eax
	inc	%ecx
	cmp	$1000, %ecx
	jbe	1b
	mov	%eax, result
	mov	$s_squares, %esi
	call	puts32
	mov	result, %eax
	call	hex32
	call	nl32

	cld				/* table[i] = i * 8, then sum it */
	mov	$TABLE, %edi
	xor	%eax, %eax
	mov	$TABLE_DWORDS, %ecx
1:	stosl
	add	$8, %eax
	loop	1b
	xor	%eax, %eax
	xor	%ebx, %ebx
2:	add	TABLE(,%ebx,4), %eax
	inc	%ebx
	cmp	$TABLE_DWORDS, %ebx
	jb	2b
	push	%eax
	mov	$s_table, %esi
	call	puts32
	pop	%eax
	call	hex32
	call	nl32
	ljmp	$SEL_CODE16, $pm16

/* puts32: the zero-terminated string at ESI to COM1. */
puts32:
	mov	$COM1, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	ret

/* hex32: EAX as 0x and eight hex digits. */
hex32:
	push	%eax
	mov	$s_0x, %esi
	call	puts32
	pop	%ebx
	mov	$8, %ecx
1:	rol	$4, %ebx
	mov	%bl, %al
	and	$0x0f, %al
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$'a' - '9' - 1, %al
2:	out	%al, %dx
	loop	1b
	ret

nl32:
	mov	$COM1, %dx
	mov	$'\n', %al
	out	%al, %dx
	ret

/* 16-bit protected mode: real-mode-like limits into the segment caches,
 * then leave protected mode. */
	.code16
pm16:
to_real:
	mov	$SEL_DATA16, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr0, %eax
	and	$~1, %eax
	mov	%eax, %cr0
	ljmp	$0, $rm_again

rm_again:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	$s_back, %si
	call	puts16
	mov	%cr0, %eax
	and	$1, %al
	add	$'0', %al
	mov	$COM1, %dx
	out	%al, %dx
	mov	$s_result, %si
	call	puts16
	mov	result, %eax
	call	hex16
	mov	$'\n', %al
	out	%al, %dx
	cmpl	$0x13e5e51c, result	/* 1000 * 1001 * 2001 / 6 = 333833500 */
	jne	fail
	testb	$1, gdt + SEL_CODE32 + 5	/* the CPU set the accessed bit */
	jz	fail
	mov	$s_ok, %si
	call	puts16
done:
	hlt
fail:
	mov	$s_fail, %si
	call	puts16
	hlt

	.p2align 3
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 08: code, base 0, 4 GiB, 32-bit */
	.quad	0x00cf92000000ffff	/* 10: data, base 0, 4 GiB, 32-bit */
	.quad	0x00009a000000ffff	/* 18: code, base 0, 64 KiB, 16-bit */
	.quad	0x000092000000ffff	/* 20: data, base 0, 64 KiB, 16-bit */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	.p2align 2
result:	.long	0

s_real:	.asciz	"pmode: real mode\n"
s_pm32:	.asciz	"pmode: 32-bit protected mode\n"
s_squares:
	.asciz	"pmode: sum of squares "
s_table:
	.asciz	"pmode: table sum "
s_back:	.asciz	"pmode: back in real mode, cr0.pe="
s_result:
	.asciz	", result "
s_0x:	.asciz	"0x"
s_ok:	.asciz	"pmode: ok\n"
s_fail:	.asciz	"pmode: FAIL\n"

	.section .note.GNU-stack, "", @progbits
