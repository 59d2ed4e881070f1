/* IA32_APIC_BASE (MSR 0x1B) from the guest's side.  Real mode: rdmsr of it
 * works there too; an unknown MSR (read or write) and a write with the
 * x2APIC bit raise #GP (vector 13 through the IVT; the handler counts and
 * skips the 2-byte instruction).  32-bit protected mode, flat: the APIC
 * answers at 0xFEE00000, moves with the base to 0xFED00000 (the old page
 * reads all ones), stops answering when bit 11 is cleared, and comes back
 * when the MSR is restored.  Output (every value checked as well):
 *
 *	apic-base: real-mode rdmsr 0x1b ok
 *	apic-base: unknown MSR read: #GP
 *	apic-base: unknown MSR write: #GP
 *	apic-base: x2APIC enable bit: #GP, MSR unchanged
 *	apic-base: msr 0xfee00900 version 0x00050014 id 0x00000000
 *	apic-base: moved: msr 0xfed00900 new 0x00050014 old 0xffffffff
 *	apic-base: disabled: msr 0xfed00100 new 0xffffffff old 0xffffffff
 *	apic-base: restored: msr 0xfee00900 version 0x00050014
 *	apic-base: ok
 *
 * and then an INIT to itself, the bootstrap processor, resets the machine:
 * the run ends there (the VMM says so on stderr).
 */
	.set	COM1, 0x3f8
	.set	SEL_CODE32, 0x08
	.set	SEL_DATA32, 0x10
	.set	MSR_APIC_BASE, 0x1b
	.set	MSR_UNKNOWN, 0x12345678		/* no CPU has it */
	.set	BASE_RESET, 0xfee00900		/* default base, enabled, BSP */
	.set	BASE_MOVED, 0xfed00900
	.set	BASE_OFF, 0xfed00100		/* enable (bit 11) clear */
	.set	BASE_X2APIC, 0xfee00d00		/* bit 10: x2APIC, which is not there */
	.set	APIC_OLD, 0xfee00000
	.set	APIC_NEW, 0xfed00000
	.set	APIC_ID, 0x20
	.set	APIC_VERSION, 0x30
	.set	VERSION, 0x00050014
	.set	APIC_ICR_LO, 0x300
	.set	ICR_INIT_SELF, 0x00044500	/* shorthand self, INIT, assert */

	.code16
	.section .text.start, "ax"
	.globl	_start, real_tests, pm32, done, fail, gp_handler
_start:
	jmp	start16
	.org	0x40		/* the IVT's vectors 0-15 live here */
start16:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp
	movw	$gp_handler, 13 * 4
	movw	$0, 13 * 4 + 2

real_tests:
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	cmp	$BASE_RESET, %eax
	jne	fail16
	test	%edx, %edx
	jnz	fail16
	mov	$s_real, %si
	call	puts

	mov	$MSR_UNKNOWN, %ecx
	call	expect_gp_rdmsr
	mov	$s_gp_read, %si
	call	puts
	xor	%eax, %eax
	xor	%edx, %edx
	call	expect_gp_wrmsr
	mov	$s_gp_write, %si
	call	puts
	mov	$MSR_APIC_BASE, %ecx
	mov	$BASE_X2APIC, %eax
	call	expect_gp_wrmsr
	rdmsr
	cmp	$BASE_RESET, %eax
	jne	fail16
	mov	$s_gp_x2apic, %si
	call	puts

	lgdt	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmp	$SEL_CODE32, $pm32

/* rdmsr / wrmsr of ECX (EDX:EAX) that must fault: #GP counted once. */
expect_gp_rdmsr:
	movb	$0, gp_count
	rdmsr
	jmp	1f
expect_gp_wrmsr:
	movb	$0, gp_count
	wrmsr
1:	cmpb	$1, gp_count
	jne	fail16
	ret

/* #GP in real mode: no error code; skip the faulting rdmsr/wrmsr. */
gp_handler:
	push	%bp
	mov	%sp, %bp
	addw	$2, 2(%bp)
	incb	%cs:gp_count
	pop	%bp
	iret

fail16:
	mov	$s_fail, %si
	call	puts
	hlt

	.include "com1.inc"

	.code32
pm32:
	mov	$SEL_DATA32, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %esp

	/* At reset: base 0xFEE00000, enabled, BSP; the APIC answers there. */
	mov	$s_reset, %esi
	call	show_reset_base
	mov	$s_id, %esi
	mov	APIC_OLD + APIC_ID, %eax
	call	show
	test	%eax, %eax
	jnz	fail
	call	newline

	/* Moved: the new page answers, the old one is unassigned. */
	mov	$BASE_MOVED, %eax
	call	write_msr
	mov	$s_moved, %esi
	call	show_msr
	cmp	$BASE_MOVED, %eax
	jne	fail
	call	show_pages
	cmp	$VERSION, %eax
	jne	fail
	cmp	$0xffffffff, %ebx
	jne	fail

	/* Disabled (bit 11 clear): no page at all. */
	mov	$BASE_OFF, %eax
	call	write_msr
	mov	$s_disabled, %esi
	call	show_msr
	cmp	$BASE_OFF, %eax
	jne	fail
	call	show_pages
	cmp	$0xffffffff, %eax
	jne	fail
	cmp	$0xffffffff, %ebx
	jne	fail

	/* Restored: back at 0xFEE00000. */
	mov	$BASE_RESET, %eax
	call	write_msr
	mov	$s_restored, %esi
	call	show_reset_base
	call	newline
	mov	$s_ok, %esi
	call	puts32
	/* INIT to itself: on a PC that resets the machine, which ends the run. */
	movl	$ICR_INIT_SELF, APIC_OLD + APIC_ICR_LO
	mov	$s_no_reset, %esi
	call	puts32
done:
	hlt
fail:
	mov	$s_fail, %esi
	call	puts32
	hlt

/* The label at ESI, IA32_APIC_BASE (it must be the reset value) and the
 * version register at 0xFEE00000 (it must answer). */
show_reset_base:
	call	show_msr
	cmp	$BASE_RESET, %eax
	jne	fail
	mov	$s_version, %esi
	mov	APIC_OLD + APIC_VERSION, %eax
	call	show
	cmp	$VERSION, %eax
	jne	fail
	ret

/* IA32_APIC_BASE = EAX (high half 0). */
write_msr:
	mov	$MSR_APIC_BASE, %ecx
	xor	%edx, %edx
	wrmsr
	ret

/* The label at ESI, then " msr " and IA32_APIC_BASE's low half, in EAX
 * (the high half must be 0). */
show_msr:
	call	puts32
	mov	$MSR_APIC_BASE, %ecx
	rdmsr
	test	%edx, %edx
	jnz	fail
	mov	$s_msr, %esi
	jmp	show

/* " new " version at the new base (EAX), " old " at the old one (EBX). */
show_pages:
	mov	$s_new, %esi
	mov	APIC_NEW + APIC_VERSION, %eax
	call	show
	push	%eax
	mov	$s_old, %esi
	mov	APIC_OLD + APIC_VERSION, %eax
	call	show
	mov	%eax, %ebx
	pop	%eax
	jmp	newline

/* The string at ESI, then EAX as 0x and eight hex digits; keeps EAX,
 * clobbers EBX, ECX, EDX. */
show:
	push	%eax
	call	puts32
	mov	(%esp), %ebx
	mov	$COM1, %dx
	mov	$'0', %al
	out	%al, %dx
	mov	$'x', %al
	out	%al, %dx
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
	pop	%eax
	ret

newline:
	push	%eax
	mov	$COM1, %dx
	mov	$'\n', %al
	out	%al, %dx
	pop	%eax
	ret

/* puts32: the zero-terminated string at ESI to COM1. */
puts32:
	push	%eax
	mov	$COM1, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	pop	%eax
	ret

	.p2align 3
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 08: code, base 0, 4 GiB, 32-bit */
	.quad	0x00cf92000000ffff	/* 10: data, base 0, 4 GiB, 32-bit */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

gp_count:
	.byte	0

s_real:	.asciz	"apic-base: real-mode rdmsr 0x1b ok\n"
s_gp_read:
	.asciz	"apic-base: unknown MSR read: #GP\n"
s_gp_write:
	.asciz	"apic-base: unknown MSR write: #GP\n"
s_gp_x2apic:
	.asciz	"apic-base: x2APIC enable bit: #GP, MSR unchanged\n"
s_reset:
	.asciz	"apic-base:"
s_moved:
	.asciz	"apic-base: moved:"
s_disabled:
	.asciz	"apic-base: disabled:"
s_restored:
	.asciz	"apic-base: restored:"
s_msr:	.asciz	" msr "
s_version:
	.asciz	" version "
s_id:	.asciz	" id "
s_new:	.asciz	" new "
s_old:	.asciz	" old "
s_ok:	.asciz	"apic-base: ok\n"
s_no_reset:	.asciz	"apic-base: INIT to the BSP did not reset the machine\n"
s_fail:	.asciz	"apic-base: FAIL\n"

	.section .note.GNU-stack, "", @progbits
