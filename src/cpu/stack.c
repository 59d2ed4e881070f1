/* Stack instructions: PUSH/POP of registers, segments, immediates and
 * memory, PUSHA/POPA, PUSHF/POPF, ENTER/LEAVE.  Each works on a copy of ESP
 * and commits it last, so a fault leaves ESP as it was. */
#include "cpu.h"

/* 50-57.  PUSH SP pushes the value before the push (286 and later). */
void op_push_r(struct cpu *c, const struct insn *i)
{
	push(c, reg_read(c, i->opc & 7, i->osz), i->osz);
}

/* 58-5F.  POP SP loads the popped value. */
void op_pop_r(struct cpu *c, const struct insn *i)
{
	uint32_t sp = c->r[GPR_ESP];
	uint32_t v = pop_at(c, &sp, i->osz);
	set_sp(c, sp);
	reg_write(c, i->opc & 7, i->osz, v);
}

static unsigned sreg_of(const struct insn *i)
{
	switch (i->opc) {
	case 0x06:
	case 0x07:
		return SREG_ES;
	case 0x0e:
		return SREG_CS;
	case 0x16:
	case 0x17:
		return SREG_SS;
	case 0x1e:
	case 0x1f:
		return SREG_DS;
	case 0xa0:
	case 0xa1:
		return SREG_FS;
	default:
		return SREG_GS;
	}
}

/* 06, 0E, 16, 1E, 0F A0, 0F A8 */
void op_push_sreg(struct cpu *c, const struct insn *i)
{
	push(c, c->seg[sreg_of(i)].selector, i->osz);
}

/* 07, 17, 1F, 0F A1, 0F A9 */
void op_pop_sreg(struct cpu *c, const struct insn *i)
{
	uint32_t sp = c->r[GPR_ESP];
	uint16_t sel = (uint16_t)pop_at(c, &sp, i->osz);
	seg_load(c, sreg_of(i), sel);
	set_sp(c, sp);
	if (sreg_of(i) == SREG_SS)
		cpu_shadow_next(c);
}

/* 68, 6A */
void op_push_imm(struct cpu *c, const struct insn *i)
{
	push(c, i->imm, i->osz);
}

/* FF /6 */
void op_push_rm(struct cpu *c, const struct insn *i)
{
	push(c, rm_read(c, i, i->osz), i->osz);
}

/* 8F /0.  An ESP-based destination address uses ESP after the pop. */
void op_pop_rm(struct cpu *c, const struct insn *i)
{
	if (i->reg != 0)
		cpu_fault(c, EXC_UD, -1);
	uint32_t old = c->r[GPR_ESP], sp = old;
	uint32_t v = pop_at(c, &sp, i->osz);
	if (i->mod == 3) {
		set_sp(c, sp);
		reg_write(c, i->rm, i->osz, v);
		return;
	}
	set_sp(c, sp);
	uint32_t off = ea(c, i);
	c->r[GPR_ESP] = old;
	mem_write(c, i->seg, off, i->osz, v);
	set_sp(c, sp);
}

/* 60 */
void op_pusha(struct cpu *c, const struct insn *i)
{
	uint32_t sp = c->r[GPR_ESP], orig = sp;
	for (unsigned r = 0; r < 8; r++)
		push_at(c, &sp, r == GPR_ESP ? orig : c->r[r], i->osz);
	set_sp(c, sp);
}

/* 61: the stored ESP is skipped. */
void op_popa(struct cpu *c, const struct insn *i)
{
	uint32_t sp = c->r[GPR_ESP], v[8];
	for (int r = 7; r >= 0; r--)
		v[r] = pop_at(c, &sp, i->osz);
	for (unsigned r = 0; r < 8; r++)
		if (r != GPR_ESP)
			reg_write(c, r, i->osz, v[r]);
	set_sp(c, sp);
}

/* 9C: VM and RF are never pushed. */
void op_pushf(struct cpu *c, const struct insn *i)
{
	push(c, (c->flags & ~(FL_VM | FL_RF)) | EFLAGS_FIXED, i->osz);
}

/* 9D */
void op_popf(struct cpu *c, const struct insn *i)
{
	uint32_t sp = c->r[GPR_ESP];
	uint32_t v = pop_at(c, &sp, i->osz);
	flags_write(c, v, flags_writable(c, i->osz));
	set_sp(c, sp);
}

/* C8 iw ib */
void op_enter(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->osz, level = i->imm2 & 31;
	uint32_t m = sp_mask(c);
	uint32_t sp = c->r[GPR_ESP], bp = c->r[GPR_EBP];

	push_at(c, &sp, reg_read(c, GPR_EBP, sz), sz);
	uint32_t frame = sp;
	if (level) {
		for (unsigned n = 1; n < level; n++) {
			bp = (bp & ~m) | ((bp - sz) & m);
			push_at(c, &sp, mem_read(c, SREG_SS, bp & m, sz), sz);
		}
		push_at(c, &sp, frame, sz);
	}
	uint32_t nsp = (sp - (i->imm & 0xffff)) & m;
	mem_check(c, SREG_SS, nsp, 1);
	reg_write(c, GPR_EBP, sz, frame);
	set_sp(c, nsp);
}

/* C9 */
void op_leave(struct cpu *c, const struct insn *i)
{
	uint32_t sp = c->r[GPR_EBP] & sp_mask(c);
	uint32_t v = pop_at(c, &sp, i->osz);
	set_sp(c, sp);
	reg_write(c, GPR_EBP, i->osz, v);
}
