/* A guest that dies: an empty IDT, protected mode, int3 -> #GP -> #DF ->
 * triple fault.  (KVM without VT-x/AMD-V reports an emulation failure.) */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	mov	$0x1234, %bx
	lidt	empty_idt
	mov	%cr0, %eax
	or	$1, %al
	mov	%eax, %cr0
	.globl	crash
crash:
	int3
	hlt
empty_idt:
	.word	0
	.long	0

	.section .note.GNU-stack, "", @progbits
