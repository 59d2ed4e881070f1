/* Start-up for C guests: flat real mode, every segment 0, the stack at the
 * top of the first 64 KiB, call main, halt.  gcc -m16 code addresses the
 * stack through %esp/%ebp, so their upper halves must be zero, and uses
 * 32-bit return addresses (calll/retl). */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0xfff0, %esp
	/* zero .bss: the loader does it for ELF, a flat .bin relies on us */
	mov	$__bss_start, %di
	mov	$_end, %cx
	sub	%di, %cx
	xor	%al, %al
	cld
	rep stosb
	calll	main
	hlt
	.globl	_halt
_halt:
	hlt
	jmp	_halt

	.section .note.GNU-stack, "", @progbits
