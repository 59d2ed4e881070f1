/* The reverse-execution benchmark's guest (bench/reverse_bench.sh): ITERS
 * rounds of 256 word stores spread over 16 KiB (0x8000-0xbfff, so each
 * checkpoint has pages to keep) and one `out` to port 0x80 (a VM exit, so
 * the log has runs and port I/O to record), then the magic breakpoint
 * (port 0x8a00: the stop GDB's `continue` returns at, with no breakpoint
 * set) and hlt.
 *
 * Instructions: 7 set-up, per round 1 + 5 * 256 + 3 = 1284, then 3 for the
 * magic breakpoint: 1284 * ITERS + 10 up to the stop.  ITERS is set with
 * -DITERS=n; the default keeps bench/guests/build.sh working. */
#ifndef ITERS
#define ITERS 1000
#endif

	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	xor	%di, %di
	mov	$ITERS, %esi
round:
	mov	$256, %cx
store:
	mov	%cx, 0x8000(%di)
	add	$2, %di
	and	$0x3ffe, %di
	dec	%cx
	jnz	store
	out	%al, $0x80
	dec	%esi
	jnz	round
	mov	$0x8a00, %dx		/* the magic breakpoint: GDB stops here */
	mov	$0x8ae0, %ax
	out	%ax, %dx
	hlt

	.section .note.GNU-stack, "", @progbits
