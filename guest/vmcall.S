/* Hypercalls by instruction instead of port 0xEA: the probe and a console
 * write with vmcall, a console write with vmmcall, then the exit call (status
 * 42) with vmcall.  Where the CPU raises #UD for vmmcall (KVM on some hosts)
 * its handler says so through the port and skips it.  Where the host's KVM
 * never hands a vmcall to the VMM (README, "The machine") the guest is stuck
 * at the first one; --timeout ends it and says why. */
	.code16
	.include "hypercall.inc"
	.set	UD_VECTOR, 6

	.section .text.start, "ax"
	.globl _start
_start:
	jmp	main
	.org	0x400			/* past the IVT */
main:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp
	movw	$ud, UD_VECTOR * 4
	movw	$0, UD_VECTOR * 4 + 2

	mov	$HC_PROBE, %eax
	.globl	first_vmcall
first_vmcall:
	vmcall
	cmp	$HC_VERSION, %eax
	jne	fail
	mov	$probe_ok, %si
	call	print_vmcall
	mov	$write_ok, %si
	call	print_vmcall
	mov	$by_vmmcall, %si
	call	print_vmmcall

	mov	$42, %ebx
	mov	$HC_EXIT, %eax
	vmcall
	hlt				/* not reached */

fail:	mov	$failed, %si
	call	length
	HCALL	HC_CONSOLE_WRITE
	mov	$1, %ebx
	HCALL	HC_EXIT
	hlt

/* EBX = the zero-terminated string at DS:SI, ECX = its length. */
length:	HC_STRING
	ret

/* Console-write the string at DS:SI with vmcall; all of it must be written. */
print_vmcall:
	call	length
	mov	$HC_CONSOLE_WRITE, %eax
	vmcall
	cmp	%ecx, %eax
	jne	fail
	ret

/* The same with vmmcall; -1 if it raised #UD (ud said so). */
print_vmmcall:
	call	length
	mov	$HC_CONSOLE_WRITE, %eax
	vmmcall
	cmp	%ecx, %eax
	je	1f
	cmp	$-1, %eax
	jne	fail
1:	ret

/* #UD: only vmmcall may raise it here.  Say so, return -1 past it. */
ud:	push	%bp
	mov	%sp, %bp
	addw	$3, 2(%bp)		/* the saved IP: past the 3-byte vmmcall */
	pop	%bp
	mov	$no_vmmcall, %si
	call	length
	HCALL	HC_CONSOLE_WRITE
	mov	$-1, %eax
	iret

probe_ok:	.asciz	"vmcall: probe: interface 1\n"
write_ok:	.asciz	"vmcall: console write\n"
by_vmmcall:	.asciz	"vmmcall: console write\n"
no_vmmcall:	.asciz	"vmmcall: #UD\n"
failed:		.asciz	"FAILED\n"

	.section .note.GNU-stack, "", @progbits
