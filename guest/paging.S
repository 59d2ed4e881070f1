/* A tiny protected-mode kernel with paging and a ring-3 task.  Real mode
 * prints and switches to 32-bit protected mode; ring 0 loads a TSS, an IDT
 * (#PF, #GP, a DPL 3 system call gate at 0x80), builds a page directory
 * mapping the first 4 MiB 1:1 (supervisor pages, but the task's code and
 * stack pages), turns paging on, takes a page fault on an unmapped page and
 * maps it, then iret's to ring 3.  The task prints through the system call,
 * reads a supervisor page (the #PF handler makes it a user page) and asks to
 * exit; ring 0 prints ok and halts.  Output:
 *
 *	paging: real mode
 *	paging: paging on
 *	paging: page fault at 0x00400000 err 0x00000002
 *	paging: stored through the new mapping 0x00001234
 *	paging: hello from ring 3
 *	paging: page fault at 0x00031000 err 0x00000005
 *	paging: ring 3 read 0x00005678
 *	paging: ok
 *
 * GDT: 08 code DPL0, 10 data DPL0, 18 code DPL3, 20 data DPL3, 28 TSS.
 * Memory: page directory 0x20000, page tables 0x21000 (0-4 MiB) and
 * 0x22000 (4-8 MiB, empty at first), the page the #PF handler maps
 * 0x30000, the supervisor page ring 3 reads 0x31000, ring-0 stack below
 * 0x9000, ring-3 stack below 0x7000 (its page user), the task's code in its
 * own page.
 */
	.set	COM1, 0x3f8
	.set	SEL_CODE0, 0x08
	.set	SEL_DATA0, 0x10
	.set	SEL_CODE3, 0x1b
	.set	SEL_DATA3, 0x23
	.set	SEL_TSS, 0x28
	.set	PD, 0x20000
	.set	PT0, 0x21000
	.set	PT1, 0x22000
	.set	PT1_AT_0, PT1 - 0x400 * 4	/* PT1 indexed by linear >> 12 */
	.set	NEW_PAGE, 0x30000
	.set	SECRET, 0x31000
	.set	R0_STACK, 0x9000
	.set	R3_STACK, 0x7000
	.set	PTE_PW, 0x3		/* present, writable */
	.set	PTE_U, 0x4
	.set	GATE_INT32, 0x8e00	/* present, DPL 0, 32-bit interrupt gate */
	.set	GATE_USER, 0xee00	/* the same with DPL 3 */

	.code16
	.section .text.start, "ax"
	.globl	_start, pm32, kernel, pf_handler, syscall, task, fail, done
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	$s_real, %esi
	call	puts16
	lgdt	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmp	$SEL_CODE0, $pm32

puts16:
	mov	$COM1, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	ret

	.code32
pm32:
	mov	$SEL_DATA0, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	mov	$R0_STACK, %esp
	call	setup_tss
	call	setup_idt
	call	setup_paging

kernel:
	mov	$s_paging, %esi
	call	puts32
	movl	$0x1234, 0x400000	/* unmapped: #PF, the handler maps it */
	mov	$s_stored, %esi
	call	puts32
	mov	NEW_PAGE, %eax		/* the same page, 1:1 */
	call	hex32
	call	nl32
	movl	$0x5678, SECRET
	push	$SEL_DATA3		/* to ring 3: ss, esp, eflags, cs, eip */
	push	$R3_STACK
	push	$0x2
	push	$SEL_CODE3
	push	$task
	iret

/* The TSS descriptor's base (only known here), ESP0/SS0, and ltr. */
setup_tss:
	mov	$tss, %eax
	mov	%ax, gdt + SEL_TSS + 2
	shr	$16, %eax
	mov	%al, gdt + SEL_TSS + 4
	mov	%ah, gdt + SEL_TSS + 7
	movl	$R0_STACK, tss + 4
	movl	$SEL_DATA0, tss + 8
	movw	$104, tss + 102		/* no I/O bitmap: ring 3 has no ports */
	mov	$SEL_TSS, %ax
	ltr	%ax
	ret

/* Every vector to `fail`, then #GP, #PF and the system call. */
setup_idt:
	xor	%ecx, %ecx
1:	mov	$fail, %eax
	mov	$GATE_INT32, %edx
	call	set_gate
	inc	%ecx
	cmp	$256, %ecx
	jb	1b
	mov	$14, %ecx
	mov	$pf_handler, %eax
	call	set_gate
	mov	$0x80, %ecx
	mov	$syscall, %eax
	mov	$GATE_USER, %edx
	call	set_gate
	lidt	idt_desc
	ret

/* set_gate: vector ECX to handler EAX, type and DPL in DX. */
set_gate:
	lea	idt(,%ecx,8), %edi
	mov	%ax, (%edi)
	movw	$SEL_CODE0, 2(%edi)
	mov	%dx, 4(%edi)
	shr	$16, %eax
	mov	%ax, 6(%edi)
	ret

/* 0-4 MiB 1:1 as supervisor pages; the task's code and stack pages user;
 * 4-8 MiB through an empty table. */
setup_paging:
	cld
	mov	$PD, %edi
	xor	%eax, %eax
	mov	$3 * 1024, %ecx		/* PD, PT0, PT1 */
	rep	stosl
	movl	$PT0 | PTE_PW | PTE_U, PD
	movl	$PT1 | PTE_PW | PTE_U, PD + 4
	mov	$PT0, %edi
	mov	$PTE_PW, %eax
	mov	$1024, %ecx
1:	stosl
	add	$0x1000, %eax
	loop	1b
	mov	$task, %eax
	shr	$12, %eax
	orl	$PTE_U, PT0(,%eax,4)
	orl	$PTE_U, PT0 + (R3_STACK - 0x1000) / 1024
	mov	$PD, %eax
	mov	%eax, %cr3
	mov	%cr0, %eax
	or	$0x80000000, %eax
	mov	%eax, %cr0
	ret

/* #PF: above 4 MiB, map NEW_PAGE there; below, a supervisor page ring 3
 * touched becomes a user page.  The access is retried. */
pf_handler:
	push	%eax
	push	%ebx
	push	%edx
	push	%esi
	mov	$s_pf, %esi
	call	puts32
	mov	%cr2, %eax
	call	hex32
	mov	$s_err, %esi
	call	puts32
	mov	16(%esp), %eax
	call	hex32
	call	nl32
	mov	%cr2, %ebx
	shr	$12, %ebx
	cmp	$0x400, %ebx
	jb	1f
	movl	$NEW_PAGE | PTE_PW, PT1_AT_0(,%ebx,4)
	jmp	2f
1:	orl	$PTE_U, PT0(,%ebx,4)
2:	mov	%cr2, %eax
	invlpg	(%eax)
	pop	%esi
	pop	%edx
	pop	%ebx
	pop	%eax
	add	$4, %esp		/* the error code */
	iret

/* int 0x80: EAX 1 prints the string at EBX, 2 reads EBX's dword and
 * prints it, 3 ends the program. */
syscall:
	push	%esi
	cmp	$1, %eax
	jne	1f
	mov	$s_prefix, %esi
	call	puts32
	mov	%ebx, %esi
	call	puts32
	jmp	3f
1:	cmp	$2, %eax
	jne	2f
	mov	$s_read, %esi
	call	puts32
	mov	%ebx, %eax
	call	hex32
	call	nl32
	jmp	3f
2:	cmp	$3, %eax
	je	done
	jmp	fail
3:	pop	%esi
	iret

done:
	mov	$s_ok, %esi
	call	puts32
	hlt

fail:
	mov	$s_fail, %esi
	call	puts32
	hlt

puts32:
	mov	$COM1, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	ret

hex32:
	push	%ecx
	push	%ebx
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
	pop	%ebx
	pop	%ecx
	ret

nl32:
	mov	$COM1, %dx
	mov	$'\n', %al
	out	%al, %dx
	ret

/* Ring 3, in a page of its own. */
	.balign	4096
task:
	mov	$SEL_DATA3, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	$1, %eax
	mov	$s_hello, %ebx
	int	$0x80
	mov	SECRET, %ebx		/* a supervisor page: #PF, made user */
	mov	$2, %eax
	int	$0x80
	mov	$3, %eax
	int	$0x80
	jmp	.
	.balign	4096

	.section .rodata
s_real:		.asciz	"paging: real mode\n"
s_paging:	.asciz	"paging: paging on\n"
s_pf:		.asciz	"paging: page fault at "
s_err:		.asciz	" err "
s_stored:	.asciz	"paging: stored through the new mapping "
s_prefix:	.asciz	"paging: "
s_hello:	.asciz	"hello from ring 3\n"
s_read:		.asciz	"paging: ring 3 read "
s_ok:		.asciz	"paging: ok\n"
s_fail:		.asciz	"paging: unexpected exception\n"
s_0x:		.asciz	"0x"

	.section .data
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 08 code DPL0 */
	.quad	0x00cf92000000ffff	/* 10 data DPL0 */
	.quad	0x00cffa000000ffff	/* 18 code DPL3 */
	.quad	0x00cff2000000ffff	/* 20 data DPL3 */
	.quad	0x0000890000000067	/* 28 TSS (base set at run time) */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt
idt_desc:
	.word	256 * 8 - 1
	.long	idt
	.balign	8
tss:
	.fill	104, 1, 0

	.section .bss
	.balign	8
idt:
	.fill	256 * 8, 1, 0
