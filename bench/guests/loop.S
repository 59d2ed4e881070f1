/* The GDB benchmark's guest: a counter loop that never ends, at fixed
 * addresses so every target (kvm-gdbstub, QEMU, the null stub) is asked the
 * same thing.  bench_bp (0x42) is where the breakpoint goes; the loop is
 * three instructions: inc %ecx; add %ecx,%ebx; jmp loop. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp
	xor	%ecx, %ecx
	xor	%ebx, %ebx
	jmp	loop

	.org	0x40
	.globl	loop
loop:
	inc	%ecx			/* 0x40: 66 41 */
	.globl	bench_bp
bench_bp:
	add	%ecx, %ebx		/* 0x42: 66 01 cb */
	jmp	loop			/* 0x45: eb f9 */

	.section .note.GNU-stack, "", @progbits
