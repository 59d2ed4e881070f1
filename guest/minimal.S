/* The smallest guest: one hlt.  The VMM must exit 0 with no output. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	hlt

	.section .note.GNU-stack, "", @progbits
