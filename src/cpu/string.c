/* String instructions: MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, with or
 * without REP/REPE/REPNE, 16- or 32-bit addressing.
 *
 * A rep instruction commits each iteration (registers, memory) before the
 * next one.  One iteration is the unit every stop sees: it stops early, with
 * EIP still at the instruction and the count reduced, when an iteration
 * queued an exit (port I/O, MMIO write), hit a watchpoint, or the CPU was
 * kicked or reached its instruction limit (each iteration counts as one
 * instruction), and after every iteration under single-step (the debugger's
 * or the guest's TF), as hardware traps per iteration; the next run resumes
 * it.  An iteration abandoned for an MMIO or port read leaves the earlier
 * ones done.
 */
#include "cpu.h"
#include "emu.h"

enum str_kind { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS, STR_INS, STR_OUTS };

/* The iteration is complete: its inputs are consumed and its exits kept. */
static inline void iter_commit(struct cpu *c)
{
	c->replay_n = c->replay_pos = 0;
	c->pend_mark = c->pend_n;
}

/* Hardware single-steps a rep instruction one iteration at a time. */
static inline bool stepping(const struct cpu *c)
{
	return c->singlestep || (c->flags & FL_TF);
}

static void string_op(struct cpu *c, const struct insn *i, enum str_kind k)
{
	unsigned sz = i->w ? i->osz : 1, asz = i->asz;
	uint32_t am = sz_mask(asz);
	uint32_t delta = (c->flags & FL_DF) ? (uint32_t)-sz : sz;
	uint32_t count = reg_read(c, GPR_ECX, asz);
	uint16_t port = (uint16_t)c->r[GPR_EDX];
	unsigned n = 0;

	if (i->rep && !count)
		return;
	for (;;) {
		uint32_t si = c->r[GPR_ESI] & am, di = c->r[GPR_EDI] & am, v;
		bool adv_si = false, adv_di = false;

		switch (k) {
		case STR_MOVS:
			v = mem_read(c, i->seg, si, sz);
			mem_write(c, SREG_ES, di, sz, v);
			adv_si = adv_di = true;
			break;
		case STR_CMPS:
			v = mem_read(c, i->seg, si, sz);
			alu(c, ALU_CMP, v, mem_read(c, SREG_ES, di, sz), sz);
			adv_si = adv_di = true;
			break;
		case STR_STOS:
			mem_write(c, SREG_ES, di, sz, reg_read(c, GPR_EAX, sz));
			adv_di = true;
			break;
		case STR_LODS:
			reg_write(c, GPR_EAX, sz, mem_read(c, i->seg, si, sz));
			adv_si = true;
			break;
		case STR_SCAS:
			alu(c, ALU_CMP, reg_read(c, GPR_EAX, sz), mem_read(c, SREG_ES, di, sz), sz);
			adv_di = true;
			break;
		case STR_INS:
			io_check(c, port, sz);
			mem_check(c, SREG_ES, di, sz);
			v = io_read(c, port, sz);
			mem_write(c, SREG_ES, di, sz, v);
			adv_di = true;
			break;
		case STR_OUTS:
			io_check(c, port, sz);
			io_write(c, port, sz, mem_read(c, i->seg, si, sz));
			adv_si = true;
			break;
		}
		if (adv_si)
			reg_write(c, GPR_ESI, asz, si + delta);
		if (adv_di)
			reg_write(c, GPR_EDI, asz, di + delta);
		if (!i->rep)
			break;
		iter_commit(c);
		reg_write(c, GPR_ECX, asz, --count);
		if (!count)
			break;
		if (k == STR_CMPS || k == STR_SCAS) {
			bool zf = c->flags & FL_ZF;
			if ((i->rep == 3 && !zf) || (i->rep == 2 && zf))
				break;
		}
		/* Every iteration is an instruction of its own for the count (the
		 * caller counts the last one done here): it stops at icount_limit
		 * like any other, so that a run reproduces to the iteration. */
		if (c->stop || stepping(c) || c->icount + 1 >= c->icount_limit ||
		    (++n % 4096 == 0 && __atomic_load_n(&c->kicked, __ATOMIC_RELAXED))) {
			c->next_eip = c->eip; /* resume here */
			c->stop = 1;
			break;
		}
		c->icount++;
	}
}

/* A4, A5 */
void op_movs(struct cpu *c, const struct insn *i)
{
	string_op(c, i, STR_MOVS);
}

/* A6, A7 */
void op_cmps(struct cpu *c, const struct insn *i)
{
	string_op(c, i, STR_CMPS);
}

/* AA, AB */
void op_stos(struct cpu *c, const struct insn *i)
{
	string_op(c, i, STR_STOS);
}

/* AC, AD */
void op_lods(struct cpu *c, const struct insn *i)
{
	string_op(c, i, STR_LODS);
}

/* AE, AF */
void op_scas(struct cpu *c, const struct insn *i)
{
	string_op(c, i, STR_SCAS);
}

/* 6C, 6D */
void op_ins(struct cpu *c, const struct insn *i)
{
	string_op(c, i, STR_INS);
}

/* 6E, 6F */
void op_outs(struct cpu *c, const struct insn *i)
{
	string_op(c, i, STR_OUTS);
}

/* ---- REP string instructions in raw code (emu.h) ---- */

static bool is_string_opcode(uint8_t op)
{
	return (op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf) ||
	       (op >= 0x6c && op <= 0x6f);
}

/* Legacy prefixes: lock, repne, rep, segment overrides, operand/address size. */
static bool is_prefix(uint8_t b)
{
	static const uint8_t prefixes[] = {0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36,
	                                   0x3e, 0x64, 0x65, 0x66, 0x67};
	return memchr(prefixes, b, sizeof(prefixes)) != NULL;
}

bool x86_rep_string_decode(const uint8_t *code, size_t n, bool code32, struct x86_rep_string *out)
{
	uint8_t rep = 0;
	bool a_override = false;
	size_t k = 0;

	for (; k < n && k < 15 && is_prefix(code[k]); k++) {
		if (code[k] == 0xf2 || code[k] == 0xf3)
			rep = code[k]; /* the last of several counts */
		a_override |= code[k] == 0x67;
	}
	if (!rep || k >= n || k >= 15 || !is_string_opcode(code[k]))
		return false;
	uint8_t op = code[k];
	*out = (struct x86_rep_string){
	    .len = (uint8_t)(k + 1),
	    .addr_size = code32 != a_override ? 4 : 2,
	    .rep = rep,
	    .compares = (op >= 0xa6 && op <= 0xa7) || op >= 0xae,
	};
	return true;
}
