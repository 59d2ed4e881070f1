/* A boot sector that echoes keys: int 16h AH=00 reads one, int 10h AH=0Eh
 * prints it, until Enter; then it prints the line's length and halts. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$prompt, %si
	call	puts
	xor	%cx, %cx
read_key:
	xor	%ah, %ah
	int	$0x16
	cmp	$0x0d, %al
	je	enter
	mov	$0x0e, %ah
	xor	%bx, %bx
	int	$0x10
	inc	%cx
	jmp	read_key
enter:
	mov	$got, %si
	call	puts
	mov	%cx, %ax
	call	puthex16
	mov	$keys, %si
	call	puts
	cli
	hlt

#include "bios.inc"

prompt:	.asciz	"Type: "
got:	.asciz	"\r\nGot "
keys:	.asciz	" keys\r\n"

	.org	510
	.byte	0x55, 0xaa
	.section .note.GNU-stack, "", @progbits
