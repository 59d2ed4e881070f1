/* Cross-modifying code with two vCPUs.  The BSP starts the AP with the
 * start-vCPU hypercall; the AP calls `value` (mov $1, %al; ret) over and
 * over and stores what it returns in `seen`.  Once the AP has seen 1 (so a
 * built-in CPU has the routine decoded and cached), the BSP stores 2 over
 * the immediate and waits for the AP to see 2: "SMC ok".  Then the VMM
 * writes over it: a console-read hypercall puts the first byte of stdin
 * there, and the AP must see that byte: "VMM write ok".  A wait that runs
 * out prints "SMC timeout" or "VMM write timeout" instead; the exit status
 * (exit hypercall) is 0 only if both worked. */
	.code16
	.include "hypercall.inc"
	.include "com1.inc"
	.include "pc.inc"
	.set	WAIT, 20000000		/* polls of `seen` before giving up */

	PC_GUEST_START
	mov	$1, %ebx		/* start vCPU 1 at 0:ap */
	xor	%ecx, %ecx
	mov	$ap, %edx
	HCALL	HC_START_VCPU
	test	%eax, %eax
	jnz	fail
	mov	$1, %al			/* the AP runs the routine */
	call	wait_seen
	jc	smc_timeout
	movb	$2, value + 1		/* a guest store over the immediate */
	mov	$2, %al
	call	wait_seen
	jc	smc_timeout
	mov	$smc_ok, %si
	call	puts
	mov	$value + 1, %ebx	/* the VMM writes stdin's byte over the immediate */
	mov	$1, %ecx
	HCALL	HC_CONSOLE_READ
	cmp	$1, %eax
	jne	fail
	mov	value + 1, %al
	call	wait_seen
	jc	vmm_timeout
	mov	$vmm_ok, %si
	call	puts
	xor	%ebx, %ebx		/* exit 0: the AP would spin on forever */
	HCALL	HC_EXIT

smc_timeout:
	mov	$smc_timeout_msg, %si
	jmp	1f
vmm_timeout:
	mov	$vmm_timeout_msg, %si
	jmp	1f
fail:	mov	$fail_msg, %si
1:	call	puts
	mov	$1, %ebx
	HCALL	HC_EXIT

/* Wait until seen == AL; carry set if it did not within WAIT polls. */
wait_seen:
	mov	$WAIT, %ecx
1:	cmp	%al, seen
	je	2f
	dec	%ecx			/* not loop: in 16-bit code it counts CX */
	jnz	1b
	stc
	ret
2:	clc
	ret

smc_ok:	.asciz	"SMC ok\n"
vmm_ok:	.asciz	"VMM write ok\n"
smc_timeout_msg:	.asciz	"SMC timeout: the AP still runs the old code\n"
vmm_timeout_msg:	.asciz	"VMM write timeout: the AP still runs the old code\n"
fail_msg:	.asciz	"FAILED\n"

	.balign	64			/* the AP's code in blocks of its own */
ap:	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x3000, %sp
1:	call	value
	mov	%al, seen
	jmp	1b

value:	mov	$1, %al			/* the BSP rewrites this immediate */
	ret

	.balign	64			/* data apart from the code */
seen:	.byte	0

	.section .note.GNU-stack, "", @progbits
