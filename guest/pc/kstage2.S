/* The example kernel's second stage, at 0000:7E00 (loaded by boot.S built
 * for one sector, kboot.bin): read the kernel
 * (KERNEL_SECTORS sectors from LBA 2 of a 1.44M floppy) to KERNEL_ADDR one
 * sector at a time with int 13h (CHS from the LBA, so any BIOS can do it),
 * switch A20 on (port 0x92), load a flat GDT, set CR0.PE, far-jump to
 * 32-bit code, load the data segments and a stack and jump to the kernel. */
	.set	SECTORS_PER_TRACK, 18
	.set	HEADS, 2
	.set	KERNEL_LBA, 2
	.set	KERNEL_SEG, KERNEL_ADDR >> 4
	.set	SEL_CODE, 0x08
	.set	SEL_DATA, 0x10
	.set	STACK_TOP, 0x90000

	.code16
	.section .text.start, "ax"
	.globl	_start, read_kernel, to_pmode, set_pe, far_jump, pm32
_start:
	mov	%dl, drive
	mov	$KERNEL_SEG, %ax
	mov	%ax, %es
	mov	$KERNEL_LBA, %si		/* SI = the LBA to read */
read_kernel:
	mov	%si, %ax			/* LBA to CHS */
	xor	%dx, %dx
	mov	$SECTORS_PER_TRACK, %cx
	div	%cx				/* AX = track, DX = sector - 1 */
	mov	%dl, %cl
	inc	%cl				/* CL = sector */
	xor	%dx, %dx
	mov	$HEADS, %bx
	div	%bx				/* AX = cylinder, DX = head */
	mov	%al, %ch
	mov	%dl, %dh
	mov	drive, %dl
	xor	%bx, %bx
	mov	$0x0201, %ax
	int	$0x13
	jc	disk_error
	mov	%es, %ax			/* next 512 bytes */
	add	$0x20, %ax
	mov	%ax, %es
	inc	%si
	cmp	$KERNEL_LBA + KERNEL_SECTORS, %si
	jb	read_kernel

	mov	$loaded, %si
	call	puts
	in	$0x92, %al			/* fast A20 on, no reset */
	or	$0x02, %al
	and	$0xfe, %al
	out	%al, $0x92

to_pmode:
	cli
	lgdt	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
set_pe:
	mov	%eax, %cr0
far_jump:
	ljmp	$SEL_CODE, $pm32

disk_error:
	mov	$failed, %si
	call	puts
	cli
	hlt

#include "bios.inc"

	.code32
pm32:
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	$STACK_TOP, %esp
	mov	$KERNEL_ADDR, %eax
	jmp	*%eax

	.p2align 3
gdt:	.quad	0
	.quad	0x00cf9a000000ffff		/* 08: code, base 0, 4 GiB, 32-bit */
	.quad	0x00cf92000000ffff		/* 10: data, base 0, 4 GiB */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt

drive:	.byte	0
loaded:	.asciz	"Stage 2: kernel read, entering protected mode\r\n"
failed:	.asciz	"Kernel read failed\r\n"

	.org	510
	.byte	0x2b, 0x2b			/* the mark boot.S checks */
	.section .note.GNU-stack, "", @progbits
