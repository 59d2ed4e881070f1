/* SMP bring-up the x86 way: the bootstrap processor enters 32-bit protected
 * mode and starts the others with INIT-SIPI-SIPI through its local APIC.
 * Each application processor enters protected mode too, reads its APIC ID,
 * prints "CPU n up" under a spinlock, and adds 1 to a shared counter
 * 1,000,000 times with `lock xadd`, as does the BSP; the BSP then prints the
 * exact total and halts.  The number of vCPUs comes from CMOS byte 0x5F
 * (count - 1), where QEMU's BIOS finds it too.
 *
 * Layout: the BSP's code from 0; the APs' real-mode start at 0x1000 (SIPI
 * vector 0x01); stacks at 0x7000 (BSP) and 0x20000 + 4 KiB x APIC ID.
 */
	.set	COM1, 0x3f8
	.set	SEL_CODE32, 0x08
	.set	SEL_DATA32, 0x10
	.set	APIC_ID, 0xfee00020
	.set	APIC_ICR_LO, 0xfee00300
	.set	APIC_ICR_HI, 0xfee00310
	.set	ICR_INIT_OTHERS, 0x000c4500	/* all excluding self, INIT, assert */
	.set	ICR_SIPI_OTHERS, 0x000c4600	/* all excluding self, start-up | vector */
	.set	AP_VECTOR, 0x01			/* the APs start at 0100:0000 = 0x1000 */
	.set	ADDS, 1000000

	.code16
	.section .text.start, "ax"
	.globl	_start, bsp32, ap16, ap32, work, counter, done
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	lgdt	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmp	$SEL_CODE32, $bsp32

	.code32
bsp32:
	mov	$SEL_DATA32, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %esp
	mov	$0x5f, %al		/* vCPUs - 1, from CMOS */
	out	%al, $0x70
	in	$0x71, %al
	movzbl	%al, %eax
	mov	%eax, aps

	movl	$0, APIC_ICR_HI
	movl	$ICR_INIT_OTHERS, APIC_ICR_LO
	movl	$(ICR_SIPI_OTHERS | AP_VECTOR), APIC_ICR_LO
	movl	$(ICR_SIPI_OTHERS | AP_VECTOR), APIC_ICR_LO /* a second SIPI: ignored by running CPUs */

	call	work
1:	mov	done, %eax		/* every AP has done its share */
	cmp	aps, %eax
	jb	1b
	cmpl	$0, cpuid_mismatch
	je	1f
	mov	$s_mismatch, %esi
	call	puts32
1:	mov	$s_total, %esi
	call	puts32
	mov	counter, %eax
	call	putdec32
	mov	$s_nl, %esi
	call	puts32
	cli
	hlt

/* ADDS atomic additions of 1 to counter. */
work:	mov	$ADDS, %ecx
1:	mov	$1, %eax
	lock xadd %eax, counter
	loop	1b
	ret

/* The zero-terminated string at ESI to COM1. */
puts32:	mov	$COM1, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	ret

/* EAX in decimal to COM1. */
putdec32:
	mov	$10, %ebx
	xor	%ecx, %ecx
1:	xor	%edx, %edx
	div	%ebx
	push	%edx
	inc	%ecx
	test	%eax, %eax
	jnz	1b
	mov	$COM1, %dx
2:	pop	%eax
	add	$'0', %al
	out	%al, %dx
	loop	2b
	ret

	.code16
	.org	0x1000
ap16:	cli
	xor	%ax, %ax
	mov	%ax, %ds
	lgdt	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmp	$SEL_CODE32, $ap32

	.code32
ap32:	mov	$SEL_DATA32, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	APIC_ID, %eax
	shr	$24, %eax
	mov	%eax, %edi		/* the APIC ID */
	mov	$1, %eax		/* CPUID.1:EBX[31:24] must say the same */
	cpuid
	shr	$24, %ebx
	cmp	%edi, %ebx
	je	1f
	incl	cpuid_mismatch
1:	mov	%edi, %eax
	shl	$12, %eax
	lea	0x20000(%eax), %esp
1:	mov	$1, %eax		/* take the console lock */
	xchg	%eax, conlock
	test	%eax, %eax
	jz	2f
	pause
	jmp	1b
2:	mov	$s_cpu, %esi
	call	puts32
	mov	%edi, %eax
	call	putdec32
	mov	$s_up, %esi
	call	puts32
	movl	$0, conlock
	call	work
	lock incl done
	cli
	hlt

	.balign	8
gdt:	.quad	0
	.quad	0x00cf9a000000ffff	/* 08: flat 32-bit code */
	.quad	0x00cf92000000ffff	/* 10: flat 32-bit data */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt
	.balign	4
counter: .long	0
done:	.long	0
aps:	.long	0
conlock: .long	0
cpuid_mismatch: .long	0
s_mismatch: .asciz "CPUID and the APIC disagree on an APIC ID\n"
s_total: .asciz	"total "
s_cpu:	.asciz	"CPU "
s_up:	.asciz	" up\n"
s_nl:	.asciz	"\n"

	.section .note.GNU-stack, "", @progbits
