/* Decimal adjust: DAA, DAS, AAA, AAS, AAM, AAD. */
#include "cpu.h"

static inline uint8_t al(const struct cpu *c)
{
	return c->r[GPR_EAX] & 0xff;
}

/* Flags the BCD instructions set from AL, keeping the ones passed in. */
static void bcd_flags(struct cpu *c, uint8_t v, uint32_t cf_af)
{
	c->flags = (c->flags & ~FL_ARITH) | flags_szp(v, 1) | cf_af;
}

/* 27 */
void op_daa(struct cpu *c, const struct insn *i)
{
	(void)i;
	uint8_t old = al(c), v = old;
	uint32_t f = 0;

	if ((v & 0xf) > 9 || (c->flags & FL_AF)) {
		v += 6;
		f |= FL_AF;
	}
	if (old > 0x99 || (c->flags & FL_CF)) {
		v += 0x60;
		f |= FL_CF;
	}
	reg_write(c, GPR_EAX, 1, v);
	bcd_flags(c, v, f);
	/* OF is undefined; the 286/386 set it like an ADD of the correction. */
	if (!(old & 0x80) && (v & 0x80))
		c->flags |= FL_OF;
}

/* 2F */
void op_das(struct cpu *c, const struct insn *i)
{
	(void)i;
	uint8_t old = al(c), v = old;
	uint32_t f = 0;

	if ((v & 0xf) > 9 || (c->flags & FL_AF)) {
		v -= 6;
		f |= FL_AF;
	}
	if (old > 0x99 || (c->flags & FL_CF)) {
		v -= 0x60;
		f |= FL_CF;
	}
	reg_write(c, GPR_EAX, 1, v);
	bcd_flags(c, v, f);
	if ((old & 0x80) && !(v & 0x80))
		c->flags |= FL_OF;
}

/* 37 */
void op_aaa(struct cpu *c, const struct insn *i)
{
	(void)i;
	uint32_t ax = c->r[GPR_EAX] & 0xffff, f = 0;

	if ((ax & 0xf) > 9 || (c->flags & FL_AF)) {
		ax += 0x106;
		f = FL_AF | FL_CF;
	}
	ax &= 0xff0f;
	reg_write(c, GPR_EAX, 2, ax);
	bcd_flags(c, ax & 0xff, f);
}

/* 3F */
void op_aas(struct cpu *c, const struct insn *i)
{
	(void)i;
	uint32_t ax = c->r[GPR_EAX] & 0xffff, f = 0;

	if ((ax & 0xf) > 9 || (c->flags & FL_AF)) {
		ax = (ax - 6) & 0xffff;
		ax = (ax & 0xff) | (((ax >> 8) - 1) & 0xff) << 8;
		f = FL_AF | FL_CF;
	}
	ax &= 0xff0f;
	reg_write(c, GPR_EAX, 2, ax);
	bcd_flags(c, ax & 0xff, f);
}

/* D4 ib */
void op_aam(struct cpu *c, const struct insn *i)
{
	uint8_t base = i->imm & 0xff, v = al(c);

	if (!base)
		cpu_fault(c, EXC_DE, -1);
	reg_write(c, GPR_EAX, 2, ((v / base) << 8) | (v % base));
	bcd_flags(c, v % base, 0);
}

/* D5 ib */
void op_aad(struct cpu *c, const struct insn *i)
{
	uint32_t ax = c->r[GPR_EAX];
	uint8_t base = i->imm & 0xff;
	uint8_t v = (uint8_t)(((ax >> 8) & 0xff) * base);

	/* Computed as an 8-bit ADD of AH*base to AL, which sets the flags. */
	uint8_t res = (uint8_t)alu(c, ALU_ADD, ax & 0xff, v, 1);
	reg_write(c, GPR_EAX, 2, res);
}
