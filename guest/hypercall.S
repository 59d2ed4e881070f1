/* Hypercall demo: probe the interface, write to the console, echo the
 * console input until it ends, read the clock, show the errors of an
 * unknown function and of a buffer outside RAM, then exit with status 7. */
	.include "hypercall.inc"
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp

	HCALL	HC_PROBE
	cmp	$HC_VERSION, %eax
	jne	fail
	mov	$hello, %si
	call	print

echo:	mov	$buf, %ebx		/* console read: up to 64 bytes */
	mov	$64, %ecx
	HCALL	HC_CONSOLE_READ
	test	%eax, %eax
	jz	echoed			/* 0: end of input */
	js	fail
	mov	%eax, %ecx		/* write back what came */
	mov	$buf, %ebx
	HCALL	HC_CONSOLE_WRITE
	jmp	echo
echoed:
	HCALL	HC_TIME			/* EDX:EAX = ns since 1970: EDX > 0 */
	test	%edx, %edx
	jz	fail
	mov	$time_ok, %si
	call	print

	HCALL	0x99			/* unknown: -1 */
	cmp	$-1, %eax
	jne	fail
	mov	$unknown_ok, %si
	call	print

	mov	$0xfff00000, %ebx	/* a buffer outside RAM: -1 */
	mov	$16, %ecx
	HCALL	HC_CONSOLE_WRITE
	cmp	$-1, %eax
	jne	fail
	mov	$bad_ok, %si
	call	print

	mov	$7, %ebx
	HCALL	HC_EXIT
	hlt				/* not reached */

fail:	mov	$failed, %si
	call	print
	mov	$1, %ebx
	HCALL	HC_EXIT
	hlt

/* Console-write the zero-terminated string at DS:SI. */
print:	HC_STRING
	HCALL	HC_CONSOLE_WRITE
	ret

hello:	.asciz	"hypercall interface 1\n"
time_ok:	.asciz	"clock ok\n"
unknown_ok:	.asciz	"unknown function: -1\n"
bad_ok:	.asciz	"buffer outside RAM: -1\n"
failed:	.asciz	"FAILED\n"
buf:	.space	64

	.section .note.GNU-stack, "", @progbits
