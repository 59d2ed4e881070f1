/* The example kernel's boot sector: print with int 10h, read the second
 * stage (kstage2.S, one sector) to 0000:7E00 with int 13h and jump to it
 * with the boot drive in DL. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7c00, %sp
	sti
	mov	%dl, boot_drive
	mov	$hello, %si
	call	puts

	mov	$0x0201, %ax			/* AH=02 read, one sector */
	mov	$0x0002, %cx			/* cylinder 0, sector 2 */
	xor	%dh, %dh			/* head 0 */
	mov	boot_drive, %dl
	mov	$0x7e00, %bx			/* ES:BX */
	int	$0x13
	jc	disk_error
	mov	boot_drive, %dl
	jmp	0x7e00

disk_error:
	mov	$failed, %si
	call	puts
	cli
	hlt

#include "bios.inc"

hello:	.asciz	"Loading the kernel\r\n"
failed:	.asciz	"Disk read failed\r\n"
boot_drive:
	.byte	0

	.org	510
	.byte	0x55, 0xaa
	.section .note.GNU-stack, "", @progbits
