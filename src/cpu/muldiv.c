/* Multiplication and division: MUL, IMUL (all forms), DIV, IDIV. */
#include "cpu.h"

static inline unsigned opsize(const struct insn *i)
{
	return i->w ? i->osz : 1;
}

static inline int64_t sext(uint32_t v, unsigned sz)
{
	unsigned sh = 32 - sz * 8;
	return (int32_t)(v << sh) >> sh;
}

/* MUL/IMUL leave SF, ZF, PF and AF undefined; set them from the low half as
 * the 386 happens to, with CF = OF = "the high half is significant". */
static void mul_flags(struct cpu *c, uint32_t lo, bool overflow, unsigned sz)
{
	c->flags = (c->flags & ~FL_ARITH) | flags_szp(lo, sz) | (overflow ? FL_CF | FL_OF : 0);
}

/* Store a double-width product: AX for bytes, DX:AX or EDX:EAX. */
static void store_wide(struct cpu *c, uint64_t p, unsigned sz)
{
	if (sz == 1) {
		reg_write(c, GPR_EAX, 2, (uint32_t)p);
		return;
	}
	reg_write(c, GPR_EAX, sz, (uint32_t)p);
	reg_write(c, GPR_EDX, sz, (uint32_t)(p >> (sz * 8)));
}

/* F6/F7 /4 */
void op_mul(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	uint64_t p = (uint64_t)rm_read(c, i, sz) * reg_read(c, GPR_EAX, sz);
	store_wide(c, p, sz);
	mul_flags(c, (uint32_t)p, (p >> (sz * 8)) != 0, sz);
}

/* F6/F7 /5 */
void op_imul1(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	int64_t p = sext(rm_read(c, i, sz), sz) * sext(reg_read(c, GPR_EAX, sz), sz);
	store_wide(c, (uint64_t)p, sz);
	mul_flags(c, (uint32_t)p, p != sext((uint32_t)p & sz_mask(sz), sz), sz);
}

/* Dividend for a divide of size sz: AX, DX:AX or EDX:EAX. */
static uint64_t dividend(const struct cpu *c, unsigned sz)
{
	if (sz == 1)
		return c->r[GPR_EAX] & 0xffff;
	return ((uint64_t)reg_read(c, GPR_EDX, sz) << (sz * 8)) | reg_read(c, GPR_EAX, sz);
}

static void store_divide(struct cpu *c, uint32_t q, uint32_t r, unsigned sz)
{
	if (sz == 1) {
		reg_write(c, GPR_EAX, 2, (q & 0xff) | ((r & 0xff) << 8));
		return;
	}
	reg_write(c, GPR_EAX, sz, q);
	reg_write(c, GPR_EDX, sz, r);
}

/* F6/F7 /6.  Flags are undefined after a divide; they are left alone. */
void op_div(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	uint32_t d = rm_read(c, i, sz);
	uint64_t n = dividend(c, sz);

	if (!d)
		cpu_fault(c, EXC_DE, -1);
	uint64_t q = n / d;
	if (q > sz_mask(sz))
		cpu_fault(c, EXC_DE, -1);
	store_divide(c, (uint32_t)q, (uint32_t)(n % d), sz);
}

/* F6/F7 /7.  The 286 and later accept the most negative quotient. */
void op_idiv(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	int64_t d = sext(rm_read(c, i, sz), sz);
	uint64_t un = dividend(c, sz);
	int64_t n;

	if (sz == 4)
		n = (int64_t)un;
	else
		n = sext((uint32_t)un, sz * 2);
	if (!d)
		cpu_fault(c, EXC_DE, -1);
	if (sz == 4 && n == INT64_MIN && d == -1)
		cpu_fault(c, EXC_DE, -1);
	int64_t q = n / d, r = n % d;
	int64_t lim = (int64_t)1 << (sz * 8 - 1);
	if (q >= lim || q < -lim)
		cpu_fault(c, EXC_DE, -1);
	store_divide(c, (uint32_t)q, (uint32_t)r, sz);
}

static void imul_2(struct cpu *c, unsigned dst, uint32_t a, uint32_t b, unsigned sz)
{
	int64_t p = sext(a, sz) * sext(b, sz);
	reg_write(c, dst, sz, (uint32_t)p);
	mul_flags(c, (uint32_t)p, p != sext((uint32_t)p & sz_mask(sz), sz), sz);
}

/* 0F AF: IMUL Gv, Ev */
void op_imul_r_rm(struct cpu *c, const struct insn *i)
{
	imul_2(c, i->reg, reg_read(c, i->reg, i->osz), rm_read(c, i, i->osz), i->osz);
}

/* 69, 6B: IMUL Gv, Ev, imm */
void op_imul_r_rm_imm(struct cpu *c, const struct insn *i)
{
	imul_2(c, i->reg, rm_read(c, i, i->osz), i->imm, i->osz);
}
