/* Bit and condition instructions of the 386/486/Pentium: SETcc, CMOVcc,
 * BT/BTS/BTR/BTC, BSF/BSR, SHLD/SHRD, BSWAP, XADD, CMPXCHG, CMPXCHG8B. */
#include "cpu.h"

/* 0F 90-9F */
void op_setcc(struct cpu *c, const struct insn *i)
{
	rm_write(c, i, 1, cond(c, i->opc & 15));
}

/* 0F 40-4F.  The source is read (and may fault) even when no move happens. */
void op_cmovcc(struct cpu *c, const struct insn *i)
{
	uint32_t v = rm_read(c, i, i->osz);
	if (cond(c, i->opc & 15))
		reg_write(c, i->reg, i->osz, v);
}

/* 0F C8-CF.  With a 16-bit operand the result is undefined; hardware
 * clears the register's low word, so do the same. */
void op_bswap(struct cpu *c, const struct insn *i)
{
	unsigned r = i->opc & 7;
	if (i->osz == 4)
		c->r[r] = __builtin_bswap32(c->r[r]);
	else
		reg_write(c, r, 2, 0);
}

/* Bit test family on operand [ea + displacement given by bit offset]. */
static void bt_common(struct cpu *c, const struct insn *i, unsigned op, uint32_t bitoff,
                      bool reg_off)
{
	unsigned sz = i->osz, bits = sz * 8;
	uint32_t off = 0, v, nv;

	if (i->mod == 3) {
		bitoff &= bits - 1;
		v = reg_read(c, i->rm, sz);
	} else {
		off = ea(c, i);
		if (reg_off) {
			/* A register bit offset is signed and may reach any word. */
			int32_t s = sz == 2 ? (int16_t)bitoff : (int32_t)bitoff;
			int32_t words =
			    s >= 0 ? s / (int32_t)bits : -((-(int64_t)s + bits - 1) / bits);
			off += (uint32_t)(words * (int32_t)sz);
			if (i->asz == 2)
				off &= 0xffff;
		}
		bitoff &= bits - 1;
		v = mem_read(c, i->seg, off, sz);
	}
	uint32_t bit = 1u << bitoff;
	switch (op) {
	case 1:
		nv = v | bit;
		break;
	case 2:
		nv = v & ~bit;
		break;
	case 3:
		nv = v ^ bit;
		break;
	default:
		nv = v;
		break;
	}
	if (op) {
		if (i->mod == 3)
			reg_write(c, i->rm, sz, nv);
		else
			mem_write(c, i->seg, off, sz, nv);
	}
	c->flags = (c->flags & ~FL_CF) | ((v & bit) ? FL_CF : 0);
}

/* 0F A3, AB, B3, BB: BT/BTS/BTR/BTC Ev, Gv */
void op_bt_r(struct cpu *c, const struct insn *i)
{
	bt_common(c, i, (i->opc >> 3) & 3, reg_read(c, i->reg, i->osz), true);
}

/* 0F BA /4-/7: BT/BTS/BTR/BTC Ev, imm8 */
void op_bt_imm(struct cpu *c, const struct insn *i)
{
	bt_common(c, i, i->reg - 4, i->imm & 0xff, false);
}

/* 0F BC.  A zero source sets ZF and leaves the destination alone. */
void op_bsf(struct cpu *c, const struct insn *i)
{
	uint32_t v = rm_read(c, i, i->osz);
	if (!v) {
		c->flags |= FL_ZF;
		return;
	}
	reg_write(c, i->reg, i->osz, __builtin_ctz(v));
	c->flags = (c->flags & ~FL_ARITH) | flags_szp(__builtin_ctz(v), i->osz);
	c->flags &= ~FL_ZF;
}

/* 0F BD */
void op_bsr(struct cpu *c, const struct insn *i)
{
	uint32_t v = rm_read(c, i, i->osz);
	if (!v) {
		c->flags |= FL_ZF;
		return;
	}
	uint32_t n = 31 - __builtin_clz(v);
	reg_write(c, i->reg, i->osz, n);
	c->flags = (c->flags & ~FL_ARITH) | flags_szp(n, i->osz);
	c->flags &= ~FL_ZF;
}

/* SHLD (left) / SHRD: shift dst, filling from src.  Counts above the
 * operand size (16-bit forms) give an undefined result; this computes the
 * shift of the 32-bit-or-wider concatenation. */
static void shxd(struct cpu *c, const struct insn *i, unsigned count, bool left)
{
	unsigned sz = i->osz, bits = sz * 8;
	uint32_t mask = sz_mask(sz), src = reg_read(c, i->reg, sz), off = 0, dst, res, cf;

	count &= 31;
	if (i->mod == 3)
		dst = reg_read(c, i->rm, sz);
	else {
		off = ea(c, i);
		dst = mem_read(c, i->seg, off, sz);
	}
	if (!count)
		return;
	if (left) {
		uint64_t x = ((uint64_t)dst << bits) | src;
		if (sz == 2)
			x = (x << 16) | src; /* dst:src:src, as hardware does for counts > 16 */
		unsigned total = sz == 2 ? 48 : 64;
		res = (uint32_t)(x >> (total - bits - count)) & mask;
		cf = (uint32_t)(x >> (total - count)) & 1;
	} else {
		uint64_t x = ((uint64_t)src << bits) | dst;
		if (sz == 2)
			x |= (uint64_t)src << 32;
		res = (uint32_t)(x >> count) & mask;
		cf = (uint32_t)(x >> (count - 1)) & 1;
	}
	uint32_t of = ((res ^ dst) & sz_sign(sz)) ? FL_OF : 0;
	if (i->mod == 3)
		reg_write(c, i->rm, sz, res);
	else
		mem_write(c, i->seg, off, sz, res);
	c->flags = (c->flags & ~FL_ARITH) | cf | of | flags_szp(res, sz);
}

/* 0F A4 (imm8), 0F A5 (CL) */
void op_shld(struct cpu *c, const struct insn *i)
{
	shxd(c, i, i->opc == 0xa4 ? i->imm : c->r[GPR_ECX], true);
}

/* 0F AC (imm8), 0F AD (CL) */
void op_shrd(struct cpu *c, const struct insn *i)
{
	shxd(c, i, i->opc == 0xac ? i->imm : c->r[GPR_ECX], false);
}

/* 0F C0, C1 */
void op_xadd(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->w ? i->osz : 1;
	uint32_t src = reg_read(c, i->reg, sz), off = 0, dst, sum;

	if (i->mod == 3)
		dst = reg_read(c, i->rm, sz);
	else {
		off = ea(c, i);
		dst = mem_read(c, i->seg, off, sz);
	}
	sum = alu(c, ALU_ADD, dst, src, sz);
	reg_write(c, i->reg, sz, dst);
	if (i->mod == 3)
		reg_write(c, i->rm, sz, sum);
	else
		mem_write(c, i->seg, off, sz, sum);
}

/* 0F B0, B1.  The destination is written back even when unequal, as the
 * bus cycle of real hardware is. */
void op_cmpxchg(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->w ? i->osz : 1;
	uint32_t off = 0, dst, acc = reg_read(c, GPR_EAX, sz);

	if (i->mod == 3)
		dst = reg_read(c, i->rm, sz);
	else {
		off = ea(c, i);
		dst = mem_read(c, i->seg, off, sz);
	}
	uint32_t saved = c->flags;
	alu(c, ALU_CMP, acc, dst, sz);
	uint32_t nf = c->flags;
	c->flags = saved;
	uint32_t nv = acc == dst ? reg_read(c, i->reg, sz) : dst;
	if (i->mod == 3)
		reg_write(c, i->rm, sz, nv);
	else
		mem_write(c, i->seg, off, sz, nv);
	if (acc != dst)
		reg_write(c, GPR_EAX, sz, dst);
	c->flags = nf;
}

/* 0F C7 /1 (memory operand only) */
void op_cmpxchg8b(struct cpu *c, const struct insn *i)
{
	if (i->mod == 3 || i->reg != 1)
		cpu_fault(c, EXC_UD, -1);
	uint32_t off = ea(c, i);
	uint32_t off2 = i->asz == 2 ? (off + 4) & 0xffff : off + 4;
	uint32_t lo = mem_read(c, i->seg, off, 4), hi = mem_read(c, i->seg, off2, 4);
	if (lo == c->r[GPR_EAX] && hi == c->r[GPR_EDX]) {
		mem_write(c, i->seg, off, 4, c->r[GPR_EBX]);
		mem_write(c, i->seg, off2, 4, c->r[GPR_ECX]);
		c->flags |= FL_ZF;
	} else {
		mem_write(c, i->seg, off, 4, lo);
		mem_write(c, i->seg, off2, 4, hi);
		c->r[GPR_EAX] = lo;
		c->r[GPR_EDX] = hi;
		c->flags &= ~FL_ZF;
	}
}
