/* Arithmetic and logic: the eight ALU operations, INC/DEC, NOT/NEG/TEST,
 * shifts and rotates, and the flag helpers they share. */
#include "cpu.h"

/* PF for each low byte of a result: set when the number of 1 bits is even. */
#define P2(n) n, n ^ 4, n ^ 4, n
#define P4(n) P2(n), P2(n ^ 4), P2(n ^ 4), P2(n)
#define P6(n) P4(n), P4(n ^ 4), P4(n ^ 4), P4(n)
const uint8_t parity_table[256] = {P6(4), P6(0), P6(0), P6(4)};

uint32_t alu(struct cpu *c, unsigned op, uint32_t a, uint32_t b, unsigned sz)
{
	uint32_t mask = sz_mask(sz), sign = sz_sign(sz), res, f;
	unsigned bits = sz * 8;
	uint64_t r;

	a &= mask;
	b &= mask;
	switch (op) {
	case ALU_ADD:
	case ALU_ADC:
		r = (uint64_t)a + b + (op == ALU_ADC ? (c->flags & FL_CF) : 0);
		res = (uint32_t)r & mask;
		f = ((r >> bits) & 1) | ((a ^ res) & (b ^ res) & sign ? FL_OF : 0) |
		    ((a ^ b ^ res) & FL_AF);
		break;
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP:
		r = (uint64_t)a - b - (op == ALU_SBB ? (c->flags & FL_CF) : 0);
		res = (uint32_t)r & mask;
		f = ((r >> bits) & 1) | ((a ^ b) & (a ^ res) & sign ? FL_OF : 0) |
		    ((a ^ b ^ res) & FL_AF);
		break;
	case ALU_OR:
		res = a | b;
		f = 0;
		break;
	case ALU_AND:
		res = a & b;
		f = 0;
		break;
	default:
		res = a ^ b;
		f = 0;
		break;
	}
	c->flags = (c->flags & ~FL_ARITH) | f | flags_szp(res, sz);
	return res;
}

uint32_t alu_inc(struct cpu *c, uint32_t v, unsigned sz)
{
	uint32_t res = (v + 1) & sz_mask(sz);
	uint32_t f = flags_szp(res, sz) | ((v ^ res) & FL_AF);
	if (res == sz_sign(sz))
		f |= FL_OF;
	c->flags = (c->flags & ~(FL_ARITH & ~FL_CF)) | f;
	return res;
}

uint32_t alu_dec(struct cpu *c, uint32_t v, unsigned sz)
{
	uint32_t res = (v - 1) & sz_mask(sz);
	uint32_t f = flags_szp(res, sz) | ((v ^ res) & FL_AF);
	if (res == sz_sign(sz) - 1)
		f |= FL_OF;
	c->flags = (c->flags & ~(FL_ARITH & ~FL_CF)) | f;
	return res;
}

/* Group 2.  The count is masked to 5 bits (286 and later); a zero count
 * changes nothing, not even flags.  OF is defined only for a count of 1 and
 * AF not at all; what is computed for them here matches the 386 closely
 * enough for the conformance data (whose mask hides them). */
uint32_t alu_shift(struct cpu *c, unsigned op, uint32_t v, unsigned count, unsigned sz)
{
	uint32_t mask = sz_mask(sz), sign = sz_sign(sz), res, cf, of;
	unsigned bits = sz * 8, n = count & 31;
	uint64_t x;

	v &= mask;
	if (!n)
		return v;
	switch (op) {
	case 0: /* ROL */
		n %= bits;
		res = n ? ((v << n) | (v >> (bits - n))) & mask : v;
		cf = res & 1;
		of = !!(res & sign) ^ cf;
		c->flags = (c->flags & ~(FL_CF | FL_OF)) | cf | (of ? FL_OF : 0);
		return res;
	case 1: /* ROR */
		n %= bits;
		res = n ? ((v >> n) | (v << (bits - n))) & mask : v;
		cf = !!(res & sign);
		of = cf ^ !!(res & (sign >> 1));
		c->flags = (c->flags & ~(FL_CF | FL_OF)) | cf | (of ? FL_OF : 0);
		return res;
	case 2: /* RCL */
	case 3: /* RCR */
		if (sz < 4)
			n %= bits + 1;
		if (!n)
			return v;
		x = ((uint64_t)(c->flags & FL_CF) << bits) | v;
		if (op == 2)
			x = (x << n) | (x >> (bits + 1 - n));
		else
			x = (x >> n) | (x << (bits + 1 - n));
		res = (uint32_t)x & mask;
		cf = (x >> bits) & 1;
		if (op == 2)
			of = !!(res & sign) ^ cf;
		else
			of = !!(res & sign) ^ !!(res & (sign >> 1));
		c->flags = (c->flags & ~(FL_CF | FL_OF)) | cf | (of ? FL_OF : 0);
		return res;
	case 4: /* SHL */
	case 6: /* SAL (undocumented alias, as the 386 runs it) */
		x = (uint64_t)v << n;
		res = (uint32_t)x & mask;
		cf = (x >> bits) & 1;
		of = !!(res & sign) ^ cf;
		break;
	case 5: /* SHR */
		res = (uint32_t)((uint64_t)v >> n);
		cf = (uint32_t)((uint64_t)v >> (n - 1)) & 1;
		of = !!(v & sign);
		break;
	default: { /* SAR */
		int64_t s = (int64_t)(int32_t)(v << (32 - bits)) >> (32 - bits);
		res = (uint32_t)(s >> n) & mask;
		cf = (uint32_t)(s >> (n - 1)) & 1;
		of = 0;
		break;
	}
	}
	c->flags = (c->flags & ~FL_ARITH) | cf | (of ? FL_OF : 0) | flags_szp(res, sz);
	return res;
}

static inline unsigned opsize(const struct insn *i)
{
	return i->w ? i->osz : 1;
}

/* 00-3F: op Eb/Ev, Gb/Gv */
void op_alu_rm_r(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i), op = (i->opc >> 3) & 7;
	uint32_t b = reg_read(c, i->reg, sz), res;

	if (i->mod == 3) {
		res = alu(c, op, reg_read(c, i->rm, sz), b, sz);
		if (op != ALU_CMP)
			reg_write(c, i->rm, sz, res);
		return;
	}
	uint32_t off = ea(c, i);
	res = alu(c, op, mem_read(c, i->seg, off, sz), b, sz);
	if (op != ALU_CMP)
		mem_write(c, i->seg, off, sz, res);
}

/* 00-3F: op Gb/Gv, Eb/Ev */
void op_alu_r_rm(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i), op = (i->opc >> 3) & 7;
	uint32_t res = alu(c, op, reg_read(c, i->reg, sz), rm_read(c, i, sz), sz);
	if (op != ALU_CMP)
		reg_write(c, i->reg, sz, res);
}

/* 00-3F: op AL/eAX, imm */
void op_alu_a_imm(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i), op = (i->opc >> 3) & 7;
	uint32_t res = alu(c, op, reg_read(c, GPR_EAX, sz), i->imm, sz);
	if (op != ALU_CMP)
		reg_write(c, GPR_EAX, sz, res);
}

/* 80-83: op Eb/Ev, imm (83: sign-extended by the decoder) */
void op_grp1(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i), op = i->reg;
	uint32_t res;

	if (i->mod == 3) {
		res = alu(c, op, reg_read(c, i->rm, sz), i->imm, sz);
		if (op != ALU_CMP)
			reg_write(c, i->rm, sz, res);
		return;
	}
	uint32_t off = ea(c, i);
	res = alu(c, op, mem_read(c, i->seg, off, sz), i->imm, sz);
	if (op != ALU_CMP)
		mem_write(c, i->seg, off, sz, res);
}

/* 40-47 */
void op_inc_r(struct cpu *c, const struct insn *i)
{
	unsigned r = i->opc & 7;
	if (i->osz == 4)
		c->r[r] = alu_inc(c, c->r[r], 4);
	else
		reg_write(c, r, 2, alu_inc(c, c->r[r], 2));
}

/* 48-4F */
void op_dec_r(struct cpu *c, const struct insn *i)
{
	unsigned r = i->opc & 7;
	if (i->osz == 4)
		c->r[r] = alu_dec(c, c->r[r], 4);
	else
		reg_write(c, r, 2, alu_dec(c, c->r[r], 2));
}

/* C0, C1, D0-D3: shift/rotate by imm8, 1 or CL */
void op_grp2(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	unsigned count = i->opc >= 0xd2 ? (c->r[GPR_ECX] & 0xff) : i->opc >= 0xd0 ? 1 : i->imm;

	if (i->mod == 3) {
		reg_write(c, i->rm, sz, alu_shift(c, i->reg, reg_read(c, i->rm, sz), count, sz));
		return;
	}
	uint32_t off = ea(c, i);
	uint32_t v = mem_read(c, i->seg, off, sz);
	if (count & 31)
		mem_write(c, i->seg, off, sz, alu_shift(c, i->reg, v, count, sz));
}

/* 84, 85 */
void op_test_rm_r(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	alu(c, ALU_AND, rm_read(c, i, sz), reg_read(c, i->reg, sz), sz);
}

/* A8, A9 */
void op_test_a_imm(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	alu(c, ALU_AND, reg_read(c, GPR_EAX, sz), i->imm, sz);
}

/* F6/F7 /0 and /1 (the undocumented alias the 386 runs as TEST) */
void op_grp3_test(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	alu(c, ALU_AND, rm_read(c, i, sz), i->imm, sz);
}

/* F6/F7 /2 */
void op_grp3_not(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	if (i->mod == 3) {
		reg_write(c, i->rm, sz, ~reg_read(c, i->rm, sz));
		return;
	}
	uint32_t off = ea(c, i);
	mem_write(c, i->seg, off, sz, ~mem_read(c, i->seg, off, sz));
}

/* F6/F7 /3 */
void op_grp3_neg(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	if (i->mod == 3) {
		reg_write(c, i->rm, sz, alu(c, ALU_SUB, 0, reg_read(c, i->rm, sz), sz));
		return;
	}
	uint32_t off = ea(c, i);
	uint32_t v = mem_read(c, i->seg, off, sz);
	mem_write(c, i->seg, off, sz, alu(c, ALU_SUB, 0, v, sz));
}

/* FE/FF /0 */
void op_grp45_inc(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	if (i->mod == 3) {
		reg_write(c, i->rm, sz, alu_inc(c, reg_read(c, i->rm, sz), sz));
		return;
	}
	uint32_t off = ea(c, i);
	uint32_t v = mem_read(c, i->seg, off, sz);
	mem_write(c, i->seg, off, sz, alu_inc(c, v, sz));
}

/* FE/FF /1 */
void op_grp45_dec(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	if (i->mod == 3) {
		reg_write(c, i->rm, sz, alu_dec(c, reg_read(c, i->rm, sz), sz));
		return;
	}
	uint32_t off = ea(c, i);
	uint32_t v = mem_read(c, i->seg, off, sz);
	mem_write(c, i->seg, off, sz, alu_dec(c, v, sz));
}
