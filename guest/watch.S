/* Data accesses of every size and alignment to a small area at 0x500 (on
 * the same 4 KiB page as the code), for watchpoint tests.  Each access has
 * a global label just after it, so a test can check where GDB stopped.
 * It ends by printing a checksum of the area: it must be the same with and
 * without watchpoints set. */
	.code16
	.section .text.start, "ax"
	.globl _start
	.set	AREA, 0x500
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7000, %sp
	movb	$0x11, AREA		/* byte write */
	.globl	w_byte
w_byte:	movw	$0x2233, AREA + 3	/* unaligned word write */
	.globl	w_word
w_word:	movl	$0x44556677, AREA + 4	/* dword write */
	.globl	w_dword
w_dword: mov	AREA, %al		/* byte read */
	.globl	r_byte
r_byte:	mov	AREA + 3, %bx		/* unaligned word read */
	.globl	r_word
r_word:	incw	AREA + 8		/* read-modify-write */
	.globl	rmw
rmw:	movb	$0x11, AREA		/* writes the value already there */
	.globl	same
same:	movb	$0x99, AREA + 15	/* a neighbour: not watched */
	.globl	neighbour
neighbour:
	mov	$src, %si
	mov	$AREA + 10, %di
	mov	$4, %cx
	cld
	rep movsb			/* string write */
	.globl	string
string:	xor	%ax, %ax		/* checksum the 16 bytes */
	mov	$AREA, %si
	mov	$16, %cx
1:	add	(%si), %al
	rol	$1, %al
	inc	%si
	loop	1b
	mov	%al, %bl
	mov	$0x3f8, %dx
	mov	$'w', %al
	out	%al, %dx
	mov	%bl, %al
	shr	$4, %al
	call	hexdigit
	mov	%bl, %al
	and	$15, %al
	call	hexdigit
	mov	$'\n', %al
	out	%al, %dx
	hlt

hexdigit:
	add	$'0', %al
	cmp	$'9', %al
	jbe	2f
	add	$7, %al
2:	out	%al, %dx
	ret

src:	.ascii	"ABCD"

	.section .note.GNU-stack, "", @progbits
