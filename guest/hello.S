/* Print "Hello, KVM!" on COM1 and halt: 13 port writes (line control,
 * then 12 characters) and one hlt, so `-v` shows exits #0-#12 and #13. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$0x3fb, %dx		/* line control: 8 data bits, no parity, 1 stop */
	mov	$0x03, %al
	out	%al, %dx
	mov	$0x3f8, %dx		/* transmit holding register */
	mov	$msg, %si
	mov	$msg_len, %cx
next:
	lodsb
	out	%al, %dx
	loop	next
	hlt

msg:	.ascii	"Hello, KVM!\n"
	.set	msg_len, . - msg

	.section .note.GNU-stack, "", @progbits
