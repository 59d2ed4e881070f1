/* Echo COM1 input back to COM1 until end of input (the line status
 * register's break bit) or an EOT (Ctrl-D, 0x04) byte, then halt. */
	.code16
	.section .text.start, "ax"
	.globl _start
	.set	COM1_DATA, 0x3f8
	.set	COM1_LSR, 0x3fd
	.set	LSR_DATA_READY, 0x01
	.set	LSR_BREAK, 0x10
	.set	EOT, 0x04
_start:
	mov	$COM1_LSR, %dx
wait:
	in	%dx, %al
	test	$LSR_BREAK, %al
	jnz	done
	test	$LSR_DATA_READY, %al
	jz	wait
	mov	$COM1_DATA, %dx
	in	%dx, %al
	cmp	$EOT, %al
	je	done
	out	%al, %dx
	mov	$COM1_LSR, %dx
	jmp	wait
done:
	hlt

	.section .note.GNU-stack, "", @progbits
