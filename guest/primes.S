/* Compute and print: the primes below 200 (trial division, 16-bit), then
 * 1! .. 12! with 32-bit arithmetic (operand-size prefixes), then halt.
 * The output is fixed, so every backend must print exactly the same. */
	.code16
	.section .text.start, "ax"
	.globl _start
	.set	COM1_DATA, 0x3f8
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp

	mov	$2, %bx			/* candidate */
candidate:
	mov	$2, %cx			/* divisor */
trial:
	mov	%cx, %ax
	mul	%cx			/* divisor squared > candidate: prime */
	cmp	%bx, %ax
	ja	prime
	mov	%bx, %ax
	xor	%dx, %dx
	div	%cx
	test	%dx, %dx
	jz	not_prime
	inc	%cx
	jmp	trial
prime:
	movzwl	%bx, %eax
	call	print_u32
	mov	$' ', %al
	call	putc
not_prime:
	inc	%bx
	cmp	$200, %bx
	jb	candidate
	mov	$'\n', %al
	call	putc

	mov	$1, %ecx		/* n */
	mov	$1, %ebx		/* n! */
factorial:
	imul	%ecx, %ebx
	mov	%ecx, %eax
	call	print_u32
	mov	$'!', %al
	call	putc
	mov	$'=', %al
	call	putc
	mov	%ebx, %eax
	call	print_u32
	mov	$'\n', %al
	call	putc
	inc	%ecx
	cmp	$12, %ecx
	jbe	factorial
	hlt

/* Print eax in decimal; keeps every register but eax. */
print_u32:
	push	%ecx
	push	%edx
	push	%esi
	mov	$10, %esi
	xor	%cx, %cx
1:	xor	%edx, %edx
	div	%esi
	push	%dx
	inc	%cx
	test	%eax, %eax
	jnz	1b
2:	pop	%ax
	add	$'0', %al
	call	putc
	loop	2b
	pop	%esi
	pop	%edx
	pop	%ecx
	ret

putc:
	push	%dx
	mov	$COM1_DATA, %dx
	out	%al, %dx
	pop	%dx
	ret

	.section .note.GNU-stack, "", @progbits
