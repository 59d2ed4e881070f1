/* A20: with the gate open FFFF:0510 is 0x100500, closed it wraps to
 * 0x000500.  Prints what 0000:0500 holds after writing FFFF:0510, with the
 * gate on at boot, off by int 15h AX=2400, on by port 0x92, off by the
 * 8042 (0xDD) and port 0x92 together, on by int 15h AX=2401, and what
 * AX=2402 reports. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$0xffff, %ax
	mov	%ax, %es
	call	probe				/* on at boot */
	mov	$0x2400, %ax
	int	$0x15
	call	probe				/* off */
	call	status
	in	$0x92, %al
	or	$2, %al
	out	%al, $0x92
	call	probe				/* on through port 0x92 */
	mov	$0xdd, %al
	out	%al, $0x64
	in	$0x92, %al
	and	$0xfd, %al
	out	%al, $0x92
	call	probe				/* off through the 8042 and 0x92 */
	mov	$0x2401, %ax
	int	$0x15
	call	probe				/* on */
	call	status
	cli
	hlt

/* Write 0x11 to 0000:0500, then 0x22 to FFFF:0510; print the former. */
probe:
	movb	$0x11, 0x500
	movb	$0x22, %es:0x510
	mov	0x500, %al
	xor	%ah, %ah
	call	puthex16
	mov	$sep, %si
	jmp	puts

status:
	mov	$0x2402, %ax
	int	$0x15
	call	puthex16
	mov	$sep, %si
	jmp	puts

#include "bios.inc"

sep:	.asciz	"\r\n"
	.org	510
	.byte	0x55, 0xaa
	.section .note.GNU-stack, "", @progbits
