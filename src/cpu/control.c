/* Control transfer: Jcc, JMP, CALL, RET (near and far, a far return also
 * to an outer privilege level), LOOP, JCXZ. */
#include "cpu.h"

/* Set the branch target: truncated to the operand size, checked against
 * the CS limit (#GP(0) before anything changes). */
static inline void branch(struct cpu *c, uint32_t target, unsigned osz)
{
	if (osz == 2)
		target &= 0xffff;
	if (unlikely(target > c->seg[SREG_CS].limit))
		cpu_fault(c, EXC_GP, 0);
	c->next_eip = target;
}

/* 70-7F, 0F 80-8F */
void op_jcc(struct cpu *c, const struct insn *i)
{
	if (cond(c, i->opc & 15))
		branch(c, c->next_eip + i->imm, i->osz);
}

/* E9, EB */
void op_jmp_rel(struct cpu *c, const struct insn *i)
{
	branch(c, c->next_eip + i->imm, i->osz);
}

/* E8 */
void op_call_rel(struct cpu *c, const struct insn *i)
{
	uint32_t ret = c->next_eip;
	branch(c, ret + i->imm, i->osz);
	push(c, ret, i->osz);
}

/* C3, C2 iw */
void op_ret(struct cpu *c, const struct insn *i)
{
	uint32_t sp = c->r[GPR_ESP];
	uint32_t target = pop_at(c, &sp, i->osz);
	branch(c, target, i->osz);
	if (i->opc == 0xc2)
		sp = (sp + (i->imm & 0xffff)) & sp_mask(c);
	set_sp(c, sp);
}

/* Far transfer to sel:off, after the checks: CS loaded at privilege cpl,
 * EIP set. */
static void far_to(struct cpu *c, const struct vcpu_segment *cs, uint32_t off, unsigned osz,
                   unsigned cpl)
{
	if (osz == 2)
		off &= 0xffff;
	if (off > cs->limit)
		cpu_fault(c, EXC_GP, 0);
	seg_set_cs(c, cs, cpl);
	c->next_eip = off;
	c->stop = 1; /* the code size may have changed: re-enter the loop */
}

/* A far return to an outer privilege level (RPL of the popped CS > CPL):
 * SS:ESP come off the stack too, after `skip` bytes of parameters. */
static void retf_outer(struct cpu *c, const struct insn *i, const struct vcpu_segment *cs,
                       uint32_t off, uint32_t sp, uint32_t skip)
{
	struct vcpu_segment ss;
	unsigned rpl = cs->selector & 3;
	sp = (sp + skip) & sp_mask(c);
	uint32_t esp = pop_at(c, &sp, i->osz);
	uint16_t ss_sel = (uint16_t)pop_at(c, &sp, i->osz);
	seg_fetch_ss(c, ss_sel, rpl, &ss, EXC_GP);
	far_to(c, cs, off, i->osz, rpl);
	c->seg[SREG_SS] = ss;
	seg_changed(c, SREG_SS);
	set_sp(c, esp + skip);
	seg_null_inaccessible(c);
}

/* CB, CA iw */
void op_retf(struct cpu *c, const struct insn *i)
{
	struct vcpu_segment cs;
	uint32_t sp = c->r[GPR_ESP];
	uint32_t off = pop_at(c, &sp, i->osz);
	uint16_t sel = (uint16_t)pop_at(c, &sp, i->osz);
	uint32_t skip = i->opc == 0xca ? i->imm & 0xffff : 0;
	seg_fetch_cs(c, sel, &cs, CS_VIA_RETURN);
	if (cpu_pmode(c) && (sel & 3) > c->cpl) {
		retf_outer(c, i, &cs, off, sp, skip);
		return;
	}
	sp = (sp + skip) & sp_mask(c);
	far_to(c, &cs, off, i->osz, c->cpl);
	set_sp(c, sp);
}

/* EA ptr16:16/32 */
void op_jmp_far(struct cpu *c, const struct insn *i)
{
	struct vcpu_segment cs;
	seg_fetch_cs(c, i->imm2, &cs, CS_VIA_JUMP);
	far_to(c, &cs, i->imm, i->osz, c->cpl);
}

static void call_far(struct cpu *c, const struct insn *i, uint16_t sel, uint32_t off)
{
	struct vcpu_segment cs;
	uint32_t sp = c->r[GPR_ESP];
	seg_fetch_cs(c, sel, &cs, CS_VIA_JUMP);
	push_at(c, &sp, c->seg[SREG_CS].selector, i->osz);
	push_at(c, &sp, c->next_eip, i->osz);
	far_to(c, &cs, off, i->osz, c->cpl);
	set_sp(c, sp);
}

/* 9A ptr16:16/32 */
void op_call_far(struct cpu *c, const struct insn *i)
{
	call_far(c, i, i->imm2, i->imm);
}

/* FF /4 */
void op_jmp_rm(struct cpu *c, const struct insn *i)
{
	branch(c, rm_read(c, i, i->osz), i->osz);
}

/* FF /2 */
void op_call_rm(struct cpu *c, const struct insn *i)
{
	uint32_t ret = c->next_eip;
	branch(c, rm_read(c, i, i->osz), i->osz);
	push(c, ret, i->osz);
}

/* Read the m16:16 / m16:32 far pointer of FF /3, FF /5. */
static void far_pointer(struct cpu *c, const struct insn *i, uint16_t *sel, uint32_t *off)
{
	if (i->mod == 3)
		cpu_fault(c, EXC_UD, -1);
	uint32_t a = ea(c, i);
	uint32_t a2 = a + i->osz;
	if (i->asz == 2)
		a2 &= 0xffff;
	*off = mem_read(c, i->seg, a, i->osz);
	*sel = (uint16_t)mem_read(c, i->seg, a2, 2);
}

/* FF /5 */
void op_jmp_far_rm(struct cpu *c, const struct insn *i)
{
	struct vcpu_segment cs;
	uint16_t sel;
	uint32_t off;
	far_pointer(c, i, &sel, &off);
	seg_fetch_cs(c, sel, &cs, CS_VIA_JUMP);
	far_to(c, &cs, off, i->osz, c->cpl);
}

/* FF /3 */
void op_call_far_rm(struct cpu *c, const struct insn *i)
{
	uint16_t sel;
	uint32_t off;
	far_pointer(c, i, &sel, &off);
	call_far(c, i, sel, off);
}

/* E0 LOOPNE, E1 LOOPE, E2 LOOP: the count is CX or ECX by address size. */
void op_loop(struct cpu *c, const struct insn *i)
{
	uint32_t n = (reg_read(c, GPR_ECX, i->asz) - 1) & sz_mask(i->asz);
	bool take = n != 0;
	if (i->opc == 0xe0)
		take = take && !(c->flags & FL_ZF);
	else if (i->opc == 0xe1)
		take = take && (c->flags & FL_ZF);
	if (take)
		branch(c, c->next_eip + i->imm, i->osz);
	reg_write(c, GPR_ECX, i->asz, n);
}

/* E3 JCXZ / JECXZ */
void op_jcxz(struct cpu *c, const struct insn *i)
{
	if (!reg_read(c, GPR_ECX, i->asz))
		branch(c, c->next_eip + i->imm, i->osz);
}
