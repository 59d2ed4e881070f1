/* The decoder: prefixes, opcode tables, ModRM/SIB, displacements and
 * immediates, into a struct insn.  Runs once per instruction address; the
 * result is cached (exec.c). */
#include "cpu.h"

/* Operand layout flags of an opcode table entry. */
enum {
	F_M = 1 << 0,     /* ModRM follows */
	F_BYTE = 1 << 1,  /* byte operands (w = 0) */
	F_IB = 1 << 2,    /* imm8, zero-extended */
	F_IBS = 1 << 3,   /* imm8, sign-extended */
	F_IW = 1 << 4,    /* imm16 */
	F_IZ = 1 << 5,    /* imm16 or imm32 by operand size */
	F_AP = 1 << 6,    /* far pointer: offset (16/32), selector */
	F_MO = 1 << 7,    /* moffs: offset by address size */
	F_ENTER = 1 << 8, /* imm16, imm8 */
	F_JB = 1 << 9,    /* rel8 */
	F_JZ = 1 << 10,   /* rel16 or rel32 by operand size */
	F_GRP = 1 << 11,  /* handler chosen by the ModRM reg field */
	F_MREG = 1 << 12, /* ModRM whose mod is ignored (MOV CRn/DRn) */
};

struct opdesc {
	op_fn *fn;
	uint16_t f;
	uint8_t grp;
};

enum { G_1, G_3, G_4, G_5, G_8, G_C6, G_8F, G_C7, G_COUNT };

static op_fn *const groups[G_COUNT][8] = {
    [G_1] = {op_grp1, op_grp1, op_grp1, op_grp1, op_grp1, op_grp1, op_grp1, op_grp1},
    [G_3] = {op_grp3_test, op_grp3_test, op_grp3_not, op_grp3_neg, op_mul, op_imul1, op_div,
             op_idiv},
    [G_4] = {op_grp45_inc, op_grp45_dec, op_ud, op_ud, op_ud, op_ud, op_ud, op_ud},
    [G_5] = {op_grp45_inc, op_grp45_dec, op_call_rm, op_call_far_rm, op_jmp_rm, op_jmp_far_rm,
             op_push_rm, op_ud},
    [G_8] = {op_ud, op_ud, op_ud, op_ud, op_bt_imm, op_bt_imm, op_bt_imm, op_bt_imm},
    [G_C6] = {op_mov_rm_imm, op_ud, op_ud, op_ud, op_ud, op_ud, op_ud, op_ud},
    [G_8F] = {op_pop_rm, op_ud, op_ud, op_ud, op_ud, op_ud, op_ud, op_ud},
    [G_C7] = {op_ud, op_cmpxchg8b, op_ud, op_ud, op_ud, op_ud, op_ud, op_ud},
};

#define ALU6(b)                                                                                    \
	[b] = {op_alu_rm_r, F_M | F_BYTE, 0}, [b + 1] = {op_alu_rm_r, F_M, 0},                     \
	[b + 2] = {op_alu_r_rm, F_M | F_BYTE, 0}, [b + 3] = {op_alu_r_rm, F_M, 0},                 \
	[b + 4] = {op_alu_a_imm, F_IB | F_BYTE, 0}, [b + 5] = {op_alu_a_imm, F_IZ, 0}
#define R8(b, fn, f)                                                                               \
	[b] = {fn, f, 0}, [b + 1] = {fn, f, 0}, [b + 2] = {fn, f, 0}, [b + 3] = {fn, f, 0},        \
	[b + 4] = {fn, f, 0}, [b + 5] = {fn, f, 0}, [b + 6] = {fn, f, 0}, [b + 7] = {fn, f, 0}

static const struct opdesc one_byte[256] = {
    ALU6(0x00),
    ALU6(0x08),
    ALU6(0x10),
    ALU6(0x18),
    ALU6(0x20),
    ALU6(0x28),
    ALU6(0x30),
    ALU6(0x38),
    [0x06] = {op_push_sreg, 0, 0},
    [0x07] = {op_pop_sreg, 0, 0},
    [0x0e] = {op_push_sreg, 0, 0},
    [0x16] = {op_push_sreg, 0, 0},
    [0x17] = {op_pop_sreg, 0, 0},
    [0x1e] = {op_push_sreg, 0, 0},
    [0x1f] = {op_pop_sreg, 0, 0},
    [0x27] = {op_daa, 0, 0},
    [0x2f] = {op_das, 0, 0},
    [0x37] = {op_aaa, 0, 0},
    [0x3f] = {op_aas, 0, 0},
    R8(0x40, op_inc_r, 0),
    R8(0x48, op_dec_r, 0),
    R8(0x50, op_push_r, 0),
    R8(0x58, op_pop_r, 0),
    [0x60] = {op_pusha, 0, 0},
    [0x61] = {op_popa, 0, 0},
    [0x62] = {op_bound, F_M, 0},
    [0x63] = {op_arpl, F_M, 0},
    [0x68] = {op_push_imm, F_IZ, 0},
    [0x69] = {op_imul_r_rm_imm, F_M | F_IZ, 0},
    [0x6a] = {op_push_imm, F_IBS, 0},
    [0x6b] = {op_imul_r_rm_imm, F_M | F_IBS, 0},
    [0x6c] = {op_ins, F_BYTE, 0},
    [0x6d] = {op_ins, 0, 0},
    [0x6e] = {op_outs, F_BYTE, 0},
    [0x6f] = {op_outs, 0, 0},
    R8(0x70, op_jcc, F_JB),
    R8(0x78, op_jcc, F_JB),
    [0x80] = {NULL, F_M | F_IB | F_BYTE | F_GRP, G_1},
    [0x81] = {NULL, F_M | F_IZ | F_GRP, G_1},
    [0x82] = {NULL, F_M | F_IB | F_BYTE | F_GRP, G_1},
    [0x83] = {NULL, F_M | F_IBS | F_GRP, G_1},
    [0x84] = {op_test_rm_r, F_M | F_BYTE, 0},
    [0x85] = {op_test_rm_r, F_M, 0},
    [0x86] = {op_xchg_rm_r, F_M | F_BYTE, 0},
    [0x87] = {op_xchg_rm_r, F_M, 0},
    [0x88] = {op_mov_rm_r, F_M | F_BYTE, 0},
    [0x89] = {op_mov_rm_r, F_M, 0},
    [0x8a] = {op_mov_r_rm, F_M | F_BYTE, 0},
    [0x8b] = {op_mov_r_rm, F_M, 0},
    [0x8c] = {op_mov_rm_sreg, F_M, 0},
    [0x8d] = {op_lea, F_M, 0},
    [0x8e] = {op_mov_sreg_rm, F_M, 0},
    [0x8f] = {NULL, F_M | F_GRP, G_8F},
    [0x90] = {op_nop, 0, 0},
    [0x91] = {op_xchg_a_r, 0, 0},
    [0x92] = {op_xchg_a_r, 0, 0},
    [0x93] = {op_xchg_a_r, 0, 0},
    [0x94] = {op_xchg_a_r, 0, 0},
    [0x95] = {op_xchg_a_r, 0, 0},
    [0x96] = {op_xchg_a_r, 0, 0},
    [0x97] = {op_xchg_a_r, 0, 0},
    [0x98] = {op_cbw, 0, 0},
    [0x99] = {op_cwd, 0, 0},
    [0x9a] = {op_call_far, F_AP, 0},
    [0x9b] = {op_wait, 0, 0},
    [0x9c] = {op_pushf, 0, 0},
    [0x9d] = {op_popf, 0, 0},
    [0x9e] = {op_sahf, 0, 0},
    [0x9f] = {op_lahf, 0, 0},
    [0xa0] = {op_mov_a_moffs, F_MO | F_BYTE, 0},
    [0xa1] = {op_mov_a_moffs, F_MO, 0},
    [0xa2] = {op_mov_moffs_a, F_MO | F_BYTE, 0},
    [0xa3] = {op_mov_moffs_a, F_MO, 0},
    [0xa4] = {op_movs, F_BYTE, 0},
    [0xa5] = {op_movs, 0, 0},
    [0xa6] = {op_cmps, F_BYTE, 0},
    [0xa7] = {op_cmps, 0, 0},
    [0xa8] = {op_test_a_imm, F_IB | F_BYTE, 0},
    [0xa9] = {op_test_a_imm, F_IZ, 0},
    [0xaa] = {op_stos, F_BYTE, 0},
    [0xab] = {op_stos, 0, 0},
    [0xac] = {op_lods, F_BYTE, 0},
    [0xad] = {op_lods, 0, 0},
    [0xae] = {op_scas, F_BYTE, 0},
    [0xaf] = {op_scas, 0, 0},
    R8(0xb0, op_mov_r_imm, F_IB | F_BYTE),
    R8(0xb8, op_mov_r_imm, F_IZ),
    [0xc0] = {op_grp2, F_M | F_IB | F_BYTE, 0},
    [0xc1] = {op_grp2, F_M | F_IB, 0},
    [0xc2] = {op_ret, F_IW, 0},
    [0xc3] = {op_ret, 0, 0},
    [0xc4] = {op_lxs, F_M, 0},
    [0xc5] = {op_lxs, F_M, 0},
    [0xc6] = {NULL, F_M | F_IB | F_BYTE | F_GRP, G_C6},
    [0xc7] = {NULL, F_M | F_IZ | F_GRP, G_C6},
    [0xc8] = {op_enter, F_ENTER, 0},
    [0xc9] = {op_leave, 0, 0},
    [0xca] = {op_retf, F_IW, 0},
    [0xcb] = {op_retf, 0, 0},
    [0xcc] = {op_int3, 0, 0},
    [0xcd] = {op_int, F_IB, 0},
    [0xce] = {op_into, 0, 0},
    [0xcf] = {op_iret, 0, 0},
    [0xd0] = {op_grp2, F_M | F_BYTE, 0},
    [0xd1] = {op_grp2, F_M, 0},
    [0xd2] = {op_grp2, F_M | F_BYTE, 0},
    [0xd3] = {op_grp2, F_M, 0},
    [0xd4] = {op_aam, F_IB, 0},
    [0xd5] = {op_aad, F_IB, 0},
    [0xd6] = {op_salc, 0, 0},
    [0xd7] = {op_xlat, 0, 0},
    R8(0xd8, op_fpu, F_M),
    [0xe0] = {op_loop, F_JB, 0},
    [0xe1] = {op_loop, F_JB, 0},
    [0xe2] = {op_loop, F_JB, 0},
    [0xe3] = {op_jcxz, F_JB, 0},
    [0xe4] = {op_in, F_IB | F_BYTE, 0},
    [0xe5] = {op_in, F_IB, 0},
    [0xe6] = {op_out, F_IB | F_BYTE, 0},
    [0xe7] = {op_out, F_IB, 0},
    [0xe8] = {op_call_rel, F_JZ, 0},
    [0xe9] = {op_jmp_rel, F_JZ, 0},
    [0xea] = {op_jmp_far, F_AP, 0},
    [0xeb] = {op_jmp_rel, F_JB, 0},
    [0xec] = {op_in, F_BYTE, 0},
    [0xed] = {op_in, 0, 0},
    [0xee] = {op_out, F_BYTE, 0},
    [0xef] = {op_out, 0, 0},
    [0xf1] = {op_int1, 0, 0},
    [0xf4] = {op_hlt, 0, 0},
    [0xf5] = {op_flag_op, 0, 0},
    [0xf6] = {NULL, F_M | F_BYTE | F_GRP, G_3},
    [0xf7] = {NULL, F_M | F_GRP, G_3},
    [0xf8] = {op_flag_op, 0, 0},
    [0xf9] = {op_flag_op, 0, 0},
    [0xfa] = {op_flag_op, 0, 0},
    [0xfb] = {op_flag_op, 0, 0},
    [0xfc] = {op_flag_op, 0, 0},
    [0xfd] = {op_flag_op, 0, 0},
    [0xfe] = {NULL, F_M | F_BYTE | F_GRP, G_4},
    [0xff] = {NULL, F_M | F_GRP, G_5},
};

static const struct opdesc two_byte[256] = {
    [0x00] = {op_grp6, F_M, 0},
    [0x01] = {op_grp7, F_M, 0},
    [0x06] = {op_clts, 0, 0},
    [0x02] = {op_lar_lsl, F_M, 0},
    [0x03] = {op_lar_lsl, F_M, 0},
    [0x08] = {op_invd, 0, 0},
    [0x09] = {op_invd, 0, 0},
    [0x0b] = {op_ud, 0, 0},
    [0x19] = {op_nop_modrm, F_M, 0},
    [0x1a] = {op_nop_modrm, F_M, 0},
    [0x1b] = {op_nop_modrm, F_M, 0},
    [0x1c] = {op_nop_modrm, F_M, 0},
    [0x1d] = {op_nop_modrm, F_M, 0},
    [0x1e] = {op_nop_modrm, F_M, 0},
    [0x1f] = {op_nop_modrm, F_M, 0},
    [0x20] = {op_mov_cr, F_MREG, 0},
    [0x21] = {op_mov_dr, F_MREG, 0},
    [0x22] = {op_mov_cr, F_MREG, 0},
    [0x23] = {op_mov_dr, F_MREG, 0},
    [0x30] = {op_wrmsr, 0, 0},
    [0x31] = {op_rdtsc, 0, 0},
    [0x32] = {op_rdmsr, 0, 0},
    R8(0x40, op_cmovcc, F_M),
    R8(0x48, op_cmovcc, F_M),
    R8(0x80, op_jcc, F_JZ),
    R8(0x88, op_jcc, F_JZ),
    R8(0x90, op_setcc, F_M | F_BYTE),
    R8(0x98, op_setcc, F_M | F_BYTE),
    [0xa0] = {op_push_sreg, 0, 0},
    [0xa1] = {op_pop_sreg, 0, 0},
    [0xa2] = {op_cpuid, 0, 0},
    [0xa3] = {op_bt_r, F_M, 0},
    [0xa4] = {op_shld, F_M | F_IB, 0},
    [0xa5] = {op_shld, F_M, 0},
    [0xa8] = {op_push_sreg, 0, 0},
    [0xa9] = {op_pop_sreg, 0, 0},
    [0xab] = {op_bt_r, F_M, 0},
    [0xac] = {op_shrd, F_M | F_IB, 0},
    [0xad] = {op_shrd, F_M, 0},
    [0xaf] = {op_imul_r_rm, F_M, 0},
    [0xb0] = {op_cmpxchg, F_M | F_BYTE, 0},
    [0xb1] = {op_cmpxchg, F_M, 0},
    [0xb2] = {op_lxs, F_M, 0},
    [0xb3] = {op_bt_r, F_M, 0},
    [0xb4] = {op_lxs, F_M, 0},
    [0xb5] = {op_lxs, F_M, 0},
    [0xb6] = {op_movzx, F_M, 0},
    [0xb7] = {op_movzx, F_M, 0},
    [0xba] = {NULL, F_M | F_IB | F_GRP, G_8},
    [0xbb] = {op_bt_r, F_M, 0},
    [0xbc] = {op_bsf, F_M, 0},
    [0xbd] = {op_bsr, F_M, 0},
    [0xbe] = {op_movsx, F_M, 0},
    [0xbf] = {op_movsx, F_M, 0},
    [0xc0] = {op_xadd, F_M | F_BYTE, 0},
    [0xc1] = {op_xadd, F_M, 0},
    [0xc7] = {NULL, F_M | F_GRP, G_C7},
    R8(0xc8, op_bswap, 0),
};

/* Instruction bytes being decoded. */
struct fetch {
	struct cpu *c;
	uint32_t lin;
	unsigned n, avail, limit_avail;
	bool next_page; /* under paging: bytes from the next page were needed */
	uint8_t b[16];
};

/* Copy the instruction bytes at physical pa into f->b from f->avail on, up
 * to `want` bytes in all, as far as RAM goes. */
static void fetch_fill(struct fetch *f, uint32_t pa, unsigned want)
{
	const struct cpu *c = f->c;
	unsigned n = want - f->avail;
	if (pa >= c->ram_size)
		n = 0;
	else if (c->ram_size - pa < n)
		n = (unsigned)(c->ram_size - pa);
	memcpy(f->b + f->avail, c->ram + pa, n);
	f->avail += n;
}

static COLD NORETURN void fetch_fail(struct fetch *f)
{
	struct cpu *c = f->c;
	if (f->n >= 15 || f->n >= f->limit_avail)
		cpu_fault(c, EXC_GP, 0); /* too long, or past the CS limit */
	struct vcpu_exit e = {.reason = VCPU_EXIT_INTERNAL_ERROR};
	e.internal.suberror = 1; /* KVM_INTERNAL_ERROR_EMULATION */
	e.internal.ndata = 1;
	e.internal.data[0] = (uint32_t)(f->lin + f->n);
	cpu_abort_exit(c, &e);
}

/* The instruction goes on into the next page: translate it (#PF there if
 * it may not be fetched) and take its bytes. */
static COLD void fetch_next_page(struct fetch *f)
{
	struct cpu *c = f->c;
	uint32_t lin = f->lin + f->n;
	uint32_t pa = translate(c, lin, access_need(c, false));
	f->next_page = true;
	fetch_fill(f, pa, f->limit_avail);
}

static inline uint8_t fetch8(struct fetch *f)
{
	if (unlikely(f->n >= f->avail)) {
		if (f->c->paging && !f->next_page && f->n < f->limit_avail &&
		    !((f->lin + f->n) & 0xfff))
			fetch_next_page(f);
		if (f->n >= f->avail)
			fetch_fail(f);
	}
	return f->b[f->n++];
}
static uint32_t fetch16(struct fetch *f)
{
	uint32_t lo = fetch8(f);
	return lo | ((uint32_t)fetch8(f) << 8);
}
static uint32_t fetch32(struct fetch *f)
{
	uint32_t lo = fetch16(f);
	return lo | (fetch16(f) << 16);
}

static void modrm16(struct fetch *f, struct insn *i)
{
	static const uint8_t base[8] = {GPR_EBX,  GPR_EBX,  GPR_EBP, GPR_EBP,
	                                REG_ZERO, REG_ZERO, GPR_EBP, GPR_EBX};
	static const uint8_t index[8] = {GPR_ESI, GPR_EDI, GPR_ESI,  GPR_EDI,
	                                 GPR_ESI, GPR_EDI, REG_ZERO, REG_ZERO};

	i->base = base[i->rm];
	i->index = index[i->rm];
	if (i->mod == 0 && i->rm == 6) {
		i->base = REG_ZERO;
		i->disp = fetch16(f);
	} else if (i->mod == 1)
		i->disp = (uint32_t)(int8_t)fetch8(f);
	else if (i->mod == 2)
		i->disp = fetch16(f);
	if (i->base == GPR_EBP)
		i->seg = SREG_SS;
}

static void modrm32(struct fetch *f, struct insn *i)
{
	i->base = i->rm;
	if (i->rm == 4) {
		uint8_t sib = fetch8(f);
		i->scale = sib >> 6;
		i->index = (sib >> 3) & 7;
		if (i->index == 4)
			i->index = REG_ZERO;
		i->base = sib & 7;
		if (i->base == 5 && i->mod == 0) {
			i->base = REG_ZERO;
			i->disp = fetch32(f);
		}
	} else if (i->rm == 5 && i->mod == 0) {
		i->base = REG_ZERO;
		i->disp = fetch32(f);
	}
	if (i->mod == 1)
		i->disp = (uint32_t)(int8_t)fetch8(f);
	else if (i->mod == 2)
		i->disp = fetch32(f);
	if (i->base == GPR_ESP || i->base == GPR_EBP)
		i->seg = SREG_SS;
}

/* Mark the 64-byte blocks holding physical [pa, pa+len) as containing
 * decoded code. */
static void mark_code(struct cpu *c, uint32_t pa, unsigned len)
{
	uint64_t end = (uint64_t)pa + len;
	if (end > c->ram_size)
		end = c->ram_size;
	for (uint64_t b = pa >> CODE_SHIFT; (b << CODE_SHIFT) < end; b++)
		c->code_map[b] = 1;
}

void decode(struct cpu *c, uint32_t lin, uint32_t phys, struct insn *out)
{
	struct fetch f = {.c = c, .lin = lin};
	struct insn tmp, *i = &tmp; /* the cache entry is written only when complete */
	const struct opdesc *d;
	int seg = -1;
	uint8_t op;

	/* Bytes available: up to 15, within RAM and within the CS limit. */
	uint64_t lim = (uint64_t)c->seg[SREG_CS].limit + 1 - c->eip;
	if (c->eip > c->seg[SREG_CS].limit)
		lim = 0;
	f.limit_avail = lim < 15 ? (unsigned)lim : 15;
	unsigned want = f.limit_avail;
	if (c->paging && 0x1000 - (lin & 0xfff) < want)
		want = 0x1000 - (lin & 0xfff); /* the next page only if needed */
	fetch_fill(&f, phys, want);

	memset(i, 0, sizeof(*i));
	i->osz = i->asz = c->mode ? 4 : 2;
	for (;;) {
		op = fetch8(&f);
		switch (op) {
		case 0x26:
			seg = SREG_ES;
			continue;
		case 0x2e:
			seg = SREG_CS;
			continue;
		case 0x36:
			seg = SREG_SS;
			continue;
		case 0x3e:
			seg = SREG_DS;
			continue;
		case 0x64:
			seg = SREG_FS;
			continue;
		case 0x65:
			seg = SREG_GS;
			continue;
		case 0x66:
			i->osz = c->mode ? 2 : 4;
			continue;
		case 0x67:
			i->asz = c->mode ? 2 : 4;
			continue;
		case 0xf0:
			continue; /* LOCK: nothing to lock against */
		case 0xf2:
			i->rep = 2;
			continue;
		case 0xf3:
			i->rep = 3;
			continue;
		}
		break;
	}
	if (op == 0x0f) {
		op = fetch8(&f);
		d = &two_byte[op];
	} else
		d = &one_byte[op];
	i->opc = op;
	i->w = !(d->f & F_BYTE);
	i->seg = SREG_DS;
	i->base = i->index = REG_ZERO;
	i->op = d->fn ? d->fn : op_ud;

	if (d->f & (F_M | F_MREG)) {
		uint8_t m = fetch8(&f);
		i->mod = m >> 6;
		i->reg = (m >> 3) & 7;
		i->rm = m & 7;
		if (d->f & F_MREG)
			i->mod = 3;
		else if (i->mod != 3) {
			if (i->asz == 4)
				modrm32(&f, i);
			else
				modrm16(&f, i);
		}
		if (d->f & F_GRP)
			i->op = groups[d->grp][i->reg];
	}
	if (seg >= 0)
		i->seg = (uint8_t)seg;

	if (d->f & F_IB)
		i->imm = fetch8(&f);
	else if (d->f & (F_IBS | F_JB))
		i->imm = (uint32_t)(int8_t)fetch8(&f);
	else if (d->f & F_IW)
		i->imm = fetch16(&f);
	else if (d->f & F_IZ)
		i->imm = i->osz == 4 ? fetch32(&f) : fetch16(&f);
	else if (d->f & F_JZ)
		i->imm = i->osz == 4 ? fetch32(&f) : (uint32_t)(int16_t)fetch16(&f);
	else if (d->f & F_MO)
		i->imm = i->asz == 4 ? fetch32(&f) : fetch16(&f);
	else if (d->f & F_AP) {
		i->imm = i->osz == 4 ? fetch32(&f) : fetch16(&f);
		i->imm2 = (uint16_t)fetch16(&f);
	} else if (d->f & F_ENTER) {
		i->imm = fetch16(&f);
		i->imm2 = fetch8(&f);
	}
	/* Group 3 TEST is the only member with an immediate. */
	if ((op == 0xf6 || op == 0xf7) && d == &one_byte[op] && i->reg < 2)
		i->imm = (op == 0xf6 || i->osz == 2) ? (op == 0xf6 ? fetch8(&f) : fetch16(&f))
		                                     : fetch32(&f);

	i->len = (uint8_t)f.n;
	i->lin = phys;
	i->mode = c->mode;
	if (f.next_page)
		i->mode = 0xfe; /* two pages, mapped independently: decode each time */
	else
		mark_code(c, phys, f.n);
	*out = tmp;
}
