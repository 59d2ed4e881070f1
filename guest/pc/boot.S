/* A boot sector, as OS-dev tutorials write them: print with int 10h, read
 * the second stage (STAGE2_SECTORS sectors from sector 2, more than a track
 * of a 1.44M floppy, so the one int 13h AH=02 call crosses track and head
 * boundaries) to 0000:7E00, check its last sector's mark and jump to it. */
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

	mov	$0x0200 + STAGE2_SECTORS, %ax	/* AH=02 read, AL sectors */
	mov	$0x0002, %cx			/* cylinder 0, sector 2 */
	xor	%dh, %dh			/* head 0 */
	mov	boot_drive, %dl
	mov	$0x7e00, %bx			/* ES:BX */
	int	$0x13
	jc	disk_error
	cmp	$STAGE2_SECTORS, %al
	jne	disk_error
	cmpw	$0x2b2b, 0x7e00 + STAGE2_SECTORS * 512 - 2
	jne	disk_error
	mov	boot_drive, %dl
	jmp	0x7e00

disk_error:
	mov	$failed, %si
	call	puts
	cli
	hlt

#include "bios.inc"

hello:	.asciz	"Booting from the boot sector\r\n"
failed:	.asciz	"Disk read failed\r\n"
boot_drive:
	.byte	0

	.org	510
	.byte	0x55, 0xaa
	.section .note.GNU-stack, "", @progbits
