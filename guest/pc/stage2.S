/* The second stage: loaded at 0000:7E00 by boot.S.  It prints what the
 * BIOS says of the machine (int 12h, int 15h E820) and halts with
 * interrupts off, which ends the run. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	mov	$loaded, %si
	call	puts
	int	$0x12
	call	puthex16
	mov	$kib, %si
	call	puts

	xor	%ebx, %ebx			/* E820: the map, entry by entry */
next_entry:
	mov	$0xe820, %eax
	mov	$20, %ecx
	mov	$0x534d4150, %edx		/* "SMAP" */
	mov	$entry, %di
	int	$0x15
	jc	done
	mov	$e820, %si
	call	puts
	mov	entry + 2, %ax			/* base, bits 31-0 */
	call	puthex16
	mov	entry, %ax
	call	puthex16
	mov	$plus, %si
	call	puts
	mov	entry + 10, %ax			/* length, bits 31-0 */
	call	puthex16
	mov	entry + 8, %ax
	call	puthex16
	mov	$type, %si
	call	puts
	mov	entry + 16, %ax
	call	puthex16
	mov	$crlf, %si
	call	puts
	test	%ebx, %ebx
	jnz	next_entry
done:
	mov	$bye, %si
	call	puts
	cli
	hlt

#include "bios.inc"

loaded:	.asciz	"Stage 2 loaded: all sectors read\r\nint 12h: "
kib:	.asciz	" KiB\r\n"
e820:	.asciz	"E820 "
plus:	.asciz	" + "
type:	.asciz	" type "
crlf:	.asciz	"\r\n"
bye:	.asciz	"Halting.\r\n"
entry:	.fill	20

	.org	STAGE2_SECTORS * 512 - 2
	.byte	0x2b, 0x2b			/* the mark boot.S checks */
	.section .note.GNU-stack, "", @progbits
