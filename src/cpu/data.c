/* Data movement and miscellany: MOV (all forms), LEA, XCHG, MOVZX/MOVSX,
 * CBW/CWD, XLAT, LAHF/SAHF, far pointer loads, flag instructions, CPUID,
 * RDTSC, HLT, and the handlers for what is not implemented (#UD, #NM). */
#include "cpu.h"

static inline unsigned opsize(const struct insn *i)
{
	return i->w ? i->osz : 1;
}

/* 88, 89 */
void op_mov_rm_r(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	rm_write(c, i, sz, reg_read(c, i->reg, sz));
}

/* 8A, 8B */
void op_mov_r_rm(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	reg_write(c, i->reg, sz, rm_read(c, i, sz));
}

/* B0-BF */
void op_mov_r_imm(struct cpu *c, const struct insn *i)
{
	reg_write(c, i->opc & 7, opsize(i), i->imm);
}

/* C6 /0, C7 /0 */
void op_mov_rm_imm(struct cpu *c, const struct insn *i)
{
	rm_write(c, i, opsize(i), i->imm);
}

/* A0, A1: AL/eAX = [moffs] */
void op_mov_a_moffs(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	reg_write(c, GPR_EAX, sz, mem_read(c, i->seg, i->imm, sz));
}

/* A2, A3: [moffs] = AL/eAX */
void op_mov_moffs_a(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	mem_write(c, i->seg, i->imm, sz, reg_read(c, GPR_EAX, sz));
}

/* 8C: a register destination takes the selector zero-extended, memory
 * always gets 16 bits. */
void op_mov_rm_sreg(struct cpu *c, const struct insn *i)
{
	if (i->reg >= SREG_COUNT)
		cpu_fault(c, EXC_UD, -1);
	uint16_t sel = c->seg[i->reg].selector;
	if (i->mod == 3)
		reg_write(c, i->rm, i->osz, sel);
	else
		rm_write(c, i, 2, sel);
}

/* 8E: CS cannot be loaded this way. */
void op_mov_sreg_rm(struct cpu *c, const struct insn *i)
{
	if (i->reg >= SREG_COUNT || i->reg == SREG_CS)
		cpu_fault(c, EXC_UD, -1);
	seg_load(c, i->reg, (uint16_t)rm_read(c, i, 2));
	if (i->reg == SREG_SS)
		cpu_shadow_next(c);
}

/* 8D */
void op_lea(struct cpu *c, const struct insn *i)
{
	if (i->mod == 3)
		cpu_fault(c, EXC_UD, -1);
	reg_write(c, i->reg, i->osz, ea(c, i));
}

/* 86, 87 */
void op_xchg_rm_r(struct cpu *c, const struct insn *i)
{
	unsigned sz = opsize(i);
	uint32_t a = reg_read(c, i->reg, sz);

	if (i->mod == 3) {
		reg_write(c, i->reg, sz, reg_read(c, i->rm, sz));
		reg_write(c, i->rm, sz, a);
		return;
	}
	uint32_t off = ea(c, i);
	uint32_t m = mem_read(c, i->seg, off, sz);
	mem_write(c, i->seg, off, sz, a);
	reg_write(c, i->reg, sz, m);
}

/* 91-97 */
void op_xchg_a_r(struct cpu *c, const struct insn *i)
{
	unsigned r = i->opc & 7, sz = i->osz;
	uint32_t a = reg_read(c, GPR_EAX, sz);
	reg_write(c, GPR_EAX, sz, reg_read(c, r, sz));
	reg_write(c, r, sz, a);
}

/* 90 (also F3 90, PAUSE) */
void op_nop(struct cpu *c, const struct insn *i)
{
	(void)c;
	(void)i;
}

/* 0F 1F /0 and the reserved-NOP hints 0F 19-1E: no memory access. */
void op_nop_modrm(struct cpu *c, const struct insn *i)
{
	(void)c;
	(void)i;
}

/* 98: CBW / CWDE */
void op_cbw(struct cpu *c, const struct insn *i)
{
	if (i->osz == 4)
		c->r[GPR_EAX] = (uint32_t)(int32_t)(int16_t)c->r[GPR_EAX];
	else
		reg_write(c, GPR_EAX, 2, (uint16_t)(int16_t)(int8_t)c->r[GPR_EAX]);
}

/* 99: CWD / CDQ */
void op_cwd(struct cpu *c, const struct insn *i)
{
	uint32_t sign = c->r[GPR_EAX] & sz_sign(i->osz);
	reg_write(c, GPR_EDX, i->osz, sign ? 0xffffffffu : 0);
}

/* 0F B6, B7 */
void op_movzx(struct cpu *c, const struct insn *i)
{
	unsigned ssz = (i->opc & 1) ? 2 : 1;
	reg_write(c, i->reg, i->osz, rm_read(c, i, ssz));
}

/* 0F BE, BF */
void op_movsx(struct cpu *c, const struct insn *i)
{
	unsigned ssz = (i->opc & 1) ? 2 : 1;
	uint32_t v = rm_read(c, i, ssz);
	v = ssz == 1 ? (uint32_t)(int32_t)(int8_t)v : (uint32_t)(int32_t)(int16_t)v;
	reg_write(c, i->reg, i->osz, v);
}

/* D7 */
void op_xlat(struct cpu *c, const struct insn *i)
{
	uint32_t off = c->r[GPR_EBX] + (c->r[GPR_EAX] & 0xff);
	if (i->asz == 2)
		off &= 0xffff;
	reg_write(c, GPR_EAX, 1, mem_read(c, i->seg, off, 1));
}

/* 9F */
void op_lahf(struct cpu *c, const struct insn *i)
{
	(void)i;
	reg_write(c, 4 /* AH */, 1, (c->flags & 0xd5) | 2);
}

/* 9E */
void op_sahf(struct cpu *c, const struct insn *i)
{
	(void)i;
	flags_set(c, 0xd5, (c->r[GPR_EAX] >> 8) & 0xd5);
}

/* D6: SALC, undocumented but run by every x86: AL = CF ? 0xFF : 0 */
void op_salc(struct cpu *c, const struct insn *i)
{
	(void)i;
	reg_write(c, GPR_EAX, 1, (c->flags & FL_CF) ? 0xff : 0);
}

/* C4 LES, C5 LDS, 0F B2 LSS, 0F B4 LFS, 0F B5 LGS */
void op_lxs(struct cpu *c, const struct insn *i)
{
	unsigned s;
	switch (i->opc) {
	case 0xc4:
		s = SREG_ES;
		break;
	case 0xc5:
		s = SREG_DS;
		break;
	case 0xb2:
		s = SREG_SS;
		break;
	case 0xb4:
		s = SREG_FS;
		break;
	default:
		s = SREG_GS;
		break;
	}
	if (i->mod == 3)
		cpu_fault(c, EXC_UD, -1);
	uint32_t off = ea(c, i);
	uint32_t off2 = off + i->osz;
	if (i->asz == 2)
		off2 &= 0xffff;
	uint32_t v = mem_read(c, i->seg, off, i->osz);
	uint16_t sel = (uint16_t)mem_read(c, i->seg, off2, 2);
	seg_load(c, s, sel);
	reg_write(c, i->reg, i->osz, v);
}

/* F5 CMC, F8 CLC, F9 STC, FA CLI, FB STI, FC CLD, FD STD */
void op_flag_op(struct cpu *c, const struct insn *i)
{
	switch (i->opc) {
	case 0xf5:
		c->flags ^= FL_CF;
		break;
	case 0xf8:
		c->flags &= ~FL_CF;
		break;
	case 0xf9:
		c->flags |= FL_CF;
		break;
	case 0xfa:
		if (c->cpl > cpu_iopl(c))
			cpu_fault(c, EXC_GP, 0);
		c->flags &= ~FL_IF;
		break;
	case 0xfb:
		if (c->cpl > cpu_iopl(c))
			cpu_fault(c, EXC_GP, 0);
		if (!(c->flags & FL_IF))
			cpu_shadow_next(c);
		c->flags |= FL_IF;
		break;
	case 0xfc:
		c->flags &= ~FL_DF;
		break;
	default:
		c->flags |= FL_DF;
		break;
	}
}

/* 0F A2: a plain i686 (Pentium Pro class) with PSE, TSC, MSR, CX8, APIC and
 * CMOV, no FPU (x87 instructions raise #NM), no MMX/SSE. */
void op_cpuid(struct cpu *c, const struct insn *i)
{
	(void)i;
	uint32_t leaf = c->r[GPR_EAX];
	uint32_t a = 0, b = 0, cx = 0, d = 0;

	if (leaf == 0) {
		a = 1;
		memcpy(&b, "Genu", 4);
		memcpy(&d, "ineI", 4);
		memcpy(&cx, "ntel", 4);
	} else if (leaf == 1) {
		a = 0x0611; /* family 6, model 1, stepping 1 */
		b = (uint32_t)c->apic_id << 24;
		/* PSE, TSC, MSR, CX8, APIC, CMOV */
		d = (1u << 3) | (1u << 4) | (1u << 5) | (1u << 8) | (1u << 9) | (1u << 15);
	}
	c->r[GPR_EAX] = a;
	c->r[GPR_EBX] = b;
	c->r[GPR_ECX] = cx;
	c->r[GPR_EDX] = d;
}

/* 0F 31: a monotonic count, the instructions retired plus one per read. */
void op_rdtsc(struct cpu *c, const struct insn *i)
{
	(void)i;
	uint64_t t = c->icount + (++c->tsc_base);
	c->r[GPR_EAX] = (uint32_t)t;
	c->r[GPR_EDX] = (uint32_t)(t >> 32);
}

/* F4: the exit reports EIP past the hlt.  Privileged. */
void op_hlt(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_require_cpl0(c);
	cpu_queue_exit(c, VCPU_EXIT_HLT);
}

/* Anything not implemented, and the invalid forms. */
void op_ud(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_fault(c, EXC_UD, -1);
}

/* D8-DF: no FPU, as with CR0.EM set. */
void op_fpu(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_fault(c, EXC_NM, -1);
}

/* 9B WAIT: faults only with CR0.MP and CR0.TS both set (as hardware). */
void op_wait(struct cpu *c, const struct insn *i)
{
	(void)i;
	if ((c->cr0 & 0xa) == 0xa)
		cpu_fault(c, EXC_NM, -1);
}
