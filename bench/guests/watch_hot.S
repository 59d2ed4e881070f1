/* bench/watch_bench.sh, "hot" workload: ITERS iterations of a loop whose
 * store lands on the SAME 4 KiB page as the watched variable (0x2000), but
 * not on the watched bytes; the watched variable is written once, at the
 * very end, so a watchpoint on it fires exactly once.  Then hlt.
 *
 * Per iteration 4 instructions: mov %cx,(0x2010); add %ecx,%ebx; dec %ecx;
 * jnz.  Instructions retired: 4 * ITERS + 9 (set-up 7, the final store and
 * hlt).  ITERS is set with -DITERS=n (bench/watch_bench.sh); the default
 * keeps bench/guests/build.sh, which builds every guest here, working. */
#ifndef ITERS
#define ITERS 1000000
#endif
#define WATCHED	0x2000		/* the watched word: watch *(short*)0x2000 */
#define OTHER	0x2010		/* same page as WATCHED */

	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	$ITERS, %ecx
	xor	%ebx, %ebx
loop:
	mov	%cx, OTHER
	add	%ecx, %ebx
	dec	%ecx
	jnz	loop
	mov	%bx, WATCHED		/* the one write the watchpoint reports */
	hlt

	.section .note.GNU-stack, "", @progbits
