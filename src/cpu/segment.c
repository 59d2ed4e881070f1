/* Segments, descriptor tables and control registers: segment loads in real
 * and protected mode with their privilege checks, the GDT and the LDT,
 * LGDT/LIDT/SGDT/SIDT/SMSW/LMSW/INVLPG, LTR/STR/LLDT/SLDT/VERR/VERW,
 * LAR/LSL/ARPL, MOV to/from CRn/DRn.
 *
 * The CPL is c->cpl, set whenever CS is loaded (0 in real mode).  Far
 * jumps and calls reach code of the same privilege only: call gates, task
 * gates and TSS selectors are INTERNAL_ERROR exits. */
#include "cpu.h"

/* Descriptor type bits (the 4-bit type field) of code/data segments. */
enum { TY_ACCESSED = 1, TY_WRITABLE = 2, TY_READABLE = 2, TY_CONFORMING = 4, TY_CODE = 8 };
/* System descriptor types. */
enum {
	SYS_TSS16 = 1,
	SYS_LDT = 2,
	SYS_TSS16_BUSY = 3,
	SYS_CALL16 = 4,
	SYS_TASK = 5,
	SYS_TSS32 = 9,
	SYS_TSS32_BUSY = 11,
	SYS_CALL32 = 12,
};

void seg_changed(struct cpu *c, unsigned s)
{
	const struct vcpu_segment *g = &c->seg[s];
	bool unusable = cpu_pmode(c) && !g->present;
	bool expand_down = g->s && !(g->type & 8) && (g->type & 4);

	c->flim[s] = (unusable || expand_down) ? -1 : (int64_t)g->limit;
	if (s == SREG_CS) {
		c->mode = g->db ? 1 : 0;
		c->ipmask = g->db ? 0xffffffffu : 0xffffu;
	}
}

/* The fault for an access past a limit.  The 286 data (and Intel's
 * real-mode exception lists) give #GP in real mode, stack or not; in
 * protected mode the stack segment gives #SS. */
static NORETURN void limit_fault(struct cpu *c, unsigned s)
{
	cpu_fault(c, (cpu_pmode(c) && s == SREG_SS) ? EXC_SS : EXC_GP, 0);
}

bool seg_contains(const struct vcpu_segment *g, uint32_t off, unsigned sz)
{
	uint64_t last = (uint64_t)off + sz - 1;
	if (g->s && !(g->type & TY_CODE) && (g->type & 4)) { /* expand-down data */
		uint64_t upper = g->db ? 0xffffffffu : 0xffffu;
		return off > g->limit && last <= upper;
	}
	return last <= g->limit;
}

uint32_t seg_check_slow(struct cpu *c, unsigned s, uint32_t off, unsigned sz)
{
	const struct vcpu_segment *g = &c->seg[s];

	if (cpu_pmode(c) && !g->present)
		limit_fault(c, s);
	if (seg_contains(g, off, sz))
		return g->base + off;
	limit_fault(c, s);
}

/* Linear address of the descriptor of sel in the GDT or (TI = 1) the LDT,
 * or false if it lies past the table's limit (or there is no LDT). */
static bool descriptor_at(const struct cpu *c, uint16_t sel, uint32_t *a)
{
	bool ldt = sel & 4;
	uint32_t limit = ldt ? c->ldtr.limit : c->gdt.limit;
	if ((ldt && !c->ldtr.present) || (uint32_t)(sel | 7) > limit)
		return false;
	*a = (ldt ? c->ldtr.base : c->gdt.base) + (sel & ~7u);
	return true;
}

/* Unpack the descriptor words lo, hi for selector sel. */
static void unpack_descriptor(uint16_t sel, uint32_t lo, uint32_t hi, struct vcpu_segment *d)
{
	d->selector = sel;
	d->limit = (lo & 0xffff) | (hi & 0xf0000);
	d->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
	d->type = (hi >> 8) & 15;
	d->s = (hi >> 12) & 1;
	d->dpl = (hi >> 13) & 3;
	d->present = (hi >> 15) & 1;
	d->avl = (hi >> 20) & 1;
	d->db = (hi >> 22) & 1;
	d->g = (hi >> 23) & 1;
	if (d->g)
		d->limit = (d->limit << 12) | 0xfff;
}

/* Read the descriptor for sel into *d (a supervisor access, whatever the
 * CPL).  Fault vec(sel) if it lies outside its table. */
static void read_descriptor(struct cpu *c, uint16_t sel, struct vcpu_segment *d, int vec)
{
	uint32_t a;
	if (!descriptor_at(c, sel, &a))
		cpu_fault(c, vec, sel & ~3);
	uint32_t lo = sys_read(c, a, 4), hi = sys_read(c, a + 4, 4);
	unpack_descriptor(sel, lo, hi, d);
}

/* Set type bits in a loaded descriptor, in the cache and in its table
 * (hardware and KVM's emulator write the accessed bit back; so does a
 * TSS going busy).  A table outside RAM is left. */
static void set_type_bits(struct cpu *c, struct vcpu_segment *d, uint8_t bits)
{
	uint32_t a;
	if ((d->type & bits) == bits || !descriptor_at(c, d->selector, &a))
		return;
	d->type |= bits;
	a += 5;
	uint32_t pa = c->paging ? translate(c, a, PERM_SW) : a;
	if (pa >= c->ram_size)
		return;
	if (c->code_map[pa >> CODE_SHIFT])
		icache_invalidate(c, pa, 1);
	c->ram[pa] |= bits;
}

static void mark_accessed(struct cpu *c, struct vcpu_segment *d)
{
	set_type_bits(c, d, TY_ACCESSED);
}

void seg_load(struct cpu *c, unsigned s, uint16_t sel)
{
	struct vcpu_segment d;

	if (!cpu_pmode(c)) {
		/* Real mode changes only selector and base (the 386 keeps the
		 * cached limit and attributes: "unreal mode" works).  A cache
		 * left unusable by a null selector in protected mode gets the
		 * real-mode defaults instead. */
		if (!c->seg[s].present)
			vcpu_segment_set_real(&c->seg[s], sel);
		c->seg[s].selector = sel;
		c->seg[s].base = (uint32_t)sel << 4;
		seg_changed(c, s);
		return;
	}
	if ((sel & ~3) == 0) {
		if (s == SREG_SS)
			cpu_fault(c, EXC_GP, 0);
		memset(&d, 0, sizeof(d));
		d.selector = sel;
		c->seg[s] = d;
		seg_changed(c, s);
		return;
	}
	if (s == SREG_SS) {
		seg_fetch_ss(c, sel, c->cpl, &d, EXC_GP);
	} else {
		read_descriptor(c, sel, &d, EXC_GP);
		unsigned rpl = sel & 3, max = rpl > c->cpl ? rpl : c->cpl;
		bool code = d.type & TY_CODE;
		if (!d.s || (code && !(d.type & TY_READABLE))) /* system, execute-only */
			cpu_fault(c, EXC_GP, sel & ~3);
		if ((!code || !(d.type & TY_CONFORMING)) && d.dpl < max)
			cpu_fault(c, EXC_GP, sel & ~3);
		if (!d.present)
			cpu_fault(c, EXC_NP, sel & ~3);
	}
	mark_accessed(c, &d);
	c->seg[s] = d;
	seg_changed(c, s);
}

void seg_fetch_ss(struct cpu *c, uint16_t sel, unsigned cpl, struct vcpu_segment *out, int vec_bad)
{
	if ((sel & ~3) == 0)
		cpu_fault(c, vec_bad, 0);
	read_descriptor(c, sel, out, vec_bad);
	if ((sel & 3) != cpl || !out->s || (out->type & TY_CODE) || !(out->type & TY_WRITABLE) ||
	    out->dpl != cpl)
		cpu_fault(c, vec_bad, sel & ~3);
	if (!out->present)
		cpu_fault(c, EXC_SS, sel & ~3);
}

/* Far jmp/call to a system descriptor: a call gate, a task gate or a TSS
 * would switch privilege or task (not supported); the rest is #GP. */
static void far_to_system(struct cpu *c, const struct vcpu_segment *d)
{
	static const uint8_t unsupported[16] = {
	    [SYS_TSS16] = 1, [SYS_CALL16] = 1, [SYS_TASK] = 1, [SYS_TSS32] = 1, [SYS_CALL32] = 1};
	if (unsupported[d->type])
		cpu_unsupported(c, d->selector);
	cpu_fault(c, EXC_GP, d->selector & ~3);
}

/* The privilege rules for reaching code segment d through `via`. */
static bool code_privilege_ok(const struct cpu *c, const struct vcpu_segment *d, enum cs_via via)
{
	unsigned rpl = d->selector & 3, cpl = c->cpl;
	bool conforming = d->type & TY_CONFORMING;
	switch (via) {
	case CS_VIA_JUMP:
		return conforming ? d->dpl <= cpl : rpl <= cpl && d->dpl == cpl;
	case CS_VIA_RETURN:
		return rpl >= cpl && (conforming ? d->dpl <= rpl : d->dpl == rpl);
	default:
		return d->dpl <= cpl;
	}
}

void seg_fetch_cs(struct cpu *c, uint16_t sel, struct vcpu_segment *out, enum cs_via via)
{
	if (!cpu_pmode(c)) {
		*out = c->seg[SREG_CS];
		out->selector = sel;
		out->base = (uint32_t)sel << 4;
		return;
	}
	if ((sel & ~3) == 0)
		cpu_fault(c, EXC_GP, 0);
	read_descriptor(c, sel, out, EXC_GP);
	if (!out->s && via == CS_VIA_JUMP)
		far_to_system(c, out);
	if (!out->s || !(out->type & TY_CODE) || !code_privilege_ok(c, out, via))
		cpu_fault(c, EXC_GP, sel & ~3);
	if (!out->present)
		cpu_fault(c, EXC_NP, sel & ~3);
	mark_accessed(c, out);
}

void seg_set_cs(struct cpu *c, const struct vcpu_segment *cs, unsigned cpl)
{
	c->seg[SREG_CS] = *cs;
	if (cpu_pmode(c))
		c->seg[SREG_CS].selector = (uint16_t)((cs->selector & ~3u) | cpl);
	c->cpl = (uint8_t)cpl;
	seg_changed(c, SREG_CS);
}

void seg_null_inaccessible(struct cpu *c)
{
	static const uint8_t data_regs[] = {SREG_ES, SREG_DS, SREG_FS, SREG_GS};
	for (unsigned n = 0; n < sizeof(data_regs); n++) {
		struct vcpu_segment *g = &c->seg[data_regs[n]];
		bool conforming_code =
		    (g->type & (TY_CODE | TY_CONFORMING)) == (TY_CODE | TY_CONFORMING);
		if (g->present && !conforming_code && g->dpl < c->cpl) {
			memset(g, 0, sizeof(*g));
			seg_changed(c, data_regs[n]);
		}
	}
}

uint32_t flags_writable(const struct cpu *c, unsigned sz)
{
	uint32_t m = FL_ARITH | FL_TF | FL_DF | FL_NT;
	if (c->cpl == 0)
		m |= FL_IOPL;
	if (c->cpl <= cpu_iopl(c))
		m |= FL_IF;
	if (sz == 4)
		m |= FL_AC | FL_ID | FL_RF;
	return m;
}

void flags_write(struct cpu *c, uint32_t v, uint32_t mask)
{
	uint32_t old = c->flags;
	c->flags = ((old & ~mask) | (v & mask) | EFLAGS_FIXED) & ~(0x8028u | FL_RF);
	/* TF: the careful loop takes over; IF set: an interrupt window opens. */
	if ((old ^ c->flags) & FL_TF || (~old & c->flags & FL_IF))
		c->stop = 1;
}

/* Write CR0.  PG needs PE (#GP(0) otherwise); a change of PE, PG or WP
 * changes how addresses work, so the fast paths are recomputed. */
static void write_cr0(struct cpu *c, uint32_t v)
{
	if ((v & CR0_PG) && !(v & CR0_PE))
		cpu_fault(c, EXC_GP, 0);
	uint32_t old = c->cr0;
	c->cr0 = (v & 0xe005003fu) | 0x10; /* ET is hardwired */
	if ((old ^ c->cr0) & CR0_PE) {
		c->cpl = 0; /* real mode runs at 0; PE is set at CPL 0 */
		for (unsigned s = 0; s < SREG_COUNT; s++)
			seg_changed(c, s);
		c->stop = 1;
	}
	if ((old ^ c->cr0) & (CR0_PE | CR0_PG | CR0_WP))
		paging_changed(c);
}

/* 0F 01: SGDT, SIDT, LGDT, LIDT, SMSW, LMSW, INVLPG; the register forms
 * but SMSW/LMSW are VMCALL, VMMCALL or #UD (op_hypercall). */
void op_grp7(struct cpu *c, const struct insn *i)
{
	struct vcpu_dtable *t = (i->reg & 1) ? &c->idt : &c->gdt;
	uint32_t off, base;

	if (i->mod == 3 && i->reg != 4 && i->reg != 6) {
		op_hypercall(c, i);
		return;
	}
	if (i->reg == 2 || i->reg == 3 || i->reg >= 6)
		cpu_require_cpl0(c); /* LGDT, LIDT, LMSW, INVLPG */
	switch (i->reg) {
	case 0:
	case 1:
		off = ea(c, i);
		base = i->osz == 4 ? t->base : (t->base & 0xffffff);
		mem_check(c, i->seg, off, 2);
		mem_write(c, i->seg, off, 2, t->limit);
		mem_write(c, i->seg, i->asz == 2 ? (off + 2) & 0xffff : off + 2, 4, base);
		return;
	case 2:
	case 3:
		off = ea(c, i);
		{
			uint16_t limit = (uint16_t)mem_read(c, i->seg, off, 2);
			base = mem_read(c, i->seg, i->asz == 2 ? (off + 2) & 0xffff : off + 2, 4);
			if (i->osz == 2)
				base &= 0xffffff;
			t->limit = limit;
			t->base = base;
		}
		return;
	case 4:
		if (i->mod == 3)
			reg_write(c, i->rm, i->osz, c->cr0);
		else
			rm_write(c, i, 2, c->cr0);
		return;
	case 6: {
		/* LMSW sets PE, MP, EM, TS; it cannot clear PE. */
		uint32_t v = rm_read(c, i, 2);
		write_cr0(c, (c->cr0 & ~0xeu) | (v & 0xf));
		return;
	}
	case 7:
		tlb_flush_page(c, c->seg[i->seg].base + ea(c, i)); /* INVLPG */
		return;
	default:
		cpu_fault(c, EXC_UD, -1);
	}
}

/* 0F 20 (read CRn), 0F 22 (write CRn): always a register operand, CPL 0. */
void op_mov_cr(struct cpu *c, const struct insn *i)
{
	uint32_t *cr;
	cpu_require_cpl0(c);
	switch (i->reg) {
	case 0:
		cr = &c->cr0;
		break;
	case 2:
		cr = &c->cr2;
		break;
	case 3:
		cr = &c->cr3;
		break;
	case 4:
		cr = &c->cr4;
		break;
	default:
		cpu_fault(c, EXC_UD, -1);
	}
	if (i->opc == 0x20) {
		c->r[i->rm] = *cr;
		return;
	}
	if (i->reg == 0) {
		write_cr0(c, c->r[i->rm]);
		return;
	}
	*cr = c->r[i->rm];
	if (i->reg != 2)
		tlb_flush(c); /* CR3: new tables; CR4: PSE may have changed */
}

/* 0F 21, 0F 23: debug registers are stored but have no effect (the
 * debugger's breakpoints come through set_debug). */
void op_mov_dr(struct cpu *c, const struct insn *i)
{
	unsigned n = i->reg;
	cpu_require_cpl0(c);
	if (n == 4 || n == 5)
		n += 2;
	if (i->opc == 0x21)
		c->r[i->rm] = c->dr[n];
	else
		c->dr[n] = c->r[i->rm];
}

/* 0F 06 */
void op_clts(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_require_cpl0(c);
	c->cr0 &= ~8u;
}

/* 0F 08 INVD, 0F 09 WBINVD: no caches to drop; privileged. */
void op_invd(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_require_cpl0(c);
}

/* An MSR access, through the caller as an IN is: the instruction is
 * abandoned with a VCPU_EXIT_MSR and runs again with the caller's answer
 * in the replay log (its #GP verdict, then the value), for a wrmsr too,
 * since a refused write must fault before the instruction completes. */
static uint64_t msr_access(struct cpu *c, bool is_write, uint64_t value)
{
	uint64_t gp, v = 0;
	if (replay_take(c, &gp)) {
		replay_take(c, &v);
		if (gp)
			cpu_fault(c, EXC_GP, 0);
		return v;
	}
	struct vcpu_exit e = {.reason = VCPU_EXIT_MSR};
	e.msr.index = c->r[GPR_ECX];
	e.msr.is_write = is_write;
	e.msr.data = &value;
	cpu_abort_exit(c, &e);
}

/* 0F 32 RDMSR: EDX:EAX = MSR[ECX].  Privileged (allowed in real mode). */
void op_rdmsr(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_require_cpl0(c);
	uint64_t v = msr_access(c, false, 0);
	c->r[GPR_EAX] = (uint32_t)v;
	c->r[GPR_EDX] = (uint32_t)(v >> 32);
}

/* 0F 30 WRMSR: MSR[ECX] = EDX:EAX.  Privileged. */
void op_wrmsr(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_require_cpl0(c);
	msr_access(c, true, (uint64_t)c->r[GPR_EDX] << 32 | c->r[GPR_EAX]);
}

/* LLDT: a null selector leaves no LDT; otherwise an LDT descriptor in the
 * GDT. */
static void load_ldtr(struct cpu *c, uint16_t sel)
{
	struct vcpu_segment d;
	if ((sel & ~3) == 0) {
		memset(&c->ldtr, 0, sizeof(c->ldtr));
		return;
	}
	if (sel & 4)
		cpu_fault(c, EXC_GP, sel & ~3);
	read_descriptor(c, sel, &d, EXC_GP);
	if (d.s || d.type != SYS_LDT)
		cpu_fault(c, EXC_GP, sel & ~3);
	if (!d.present)
		cpu_fault(c, EXC_NP, sel & ~3);
	c->ldtr = d;
}

/* LTR: an available TSS in the GDT, which becomes busy. */
static void load_tr(struct cpu *c, uint16_t sel)
{
	struct vcpu_segment d;
	if ((sel & ~3) == 0)
		cpu_fault(c, EXC_GP, 0);
	if (sel & 4)
		cpu_fault(c, EXC_GP, sel & ~3);
	read_descriptor(c, sel, &d, EXC_GP);
	if (d.s || (d.type != SYS_TSS16 && d.type != SYS_TSS32))
		cpu_fault(c, EXC_GP, sel & ~3);
	if (!d.present)
		cpu_fault(c, EXC_NP, sel & ~3);
	set_type_bits(c, &d, 2); /* busy */
	c->tr = d;
}

/* The descriptor of sel as VERR/VERW/LAR/LSL see it, if it is visible at
 * this CPL and RPL: no fault for a bad selector, only ZF = 0. */
static bool peek_descriptor(struct cpu *c, uint16_t sel, struct vcpu_segment *d, uint32_t *hi)
{
	uint32_t a;
	if ((sel & ~3) == 0 || !descriptor_at(c, sel, &a))
		return false;
	uint32_t lo = sys_read(c, a, 4);
	*hi = sys_read(c, a + 4, 4);
	unpack_descriptor(sel, lo, *hi, d);
	unsigned rpl = sel & 3, max = rpl > c->cpl ? rpl : c->cpl;
	bool conforming_code =
	    d->s && (d->type & (TY_CODE | TY_CONFORMING)) == (TY_CODE | TY_CONFORMING);
	return conforming_code || d->dpl >= max;
}

static void set_zf(struct cpu *c, bool on)
{
	flags_set(c, FL_ZF, on ? FL_ZF : 0);
}

/* VERR (write = false) / VERW: is the segment readable / writable here? */
static void verify(struct cpu *c, uint16_t sel, bool write)
{
	struct vcpu_segment d;
	uint32_t hi;
	bool ok = peek_descriptor(c, sel, &d, &hi) && d.s;
	if (ok && write)
		ok = !(d.type & TY_CODE) && (d.type & TY_WRITABLE);
	else if (ok)
		ok = !(d.type & TY_CODE) || (d.type & TY_READABLE);
	set_zf(c, ok);
}

/* 0F 00: SLDT, STR, LLDT, LTR, VERR, VERW (protected mode only). */
void op_grp6(struct cpu *c, const struct insn *i)
{
	if (!cpu_pmode(c) || i->reg > 5)
		cpu_fault(c, EXC_UD, -1);
	if (i->reg < 2) {
		uint16_t sel = i->reg ? c->tr.selector : c->ldtr.selector;
		rm_write(c, i, i->mod == 3 ? i->osz : 2, sel);
		return;
	}
	uint16_t sel = (uint16_t)rm_read(c, i, 2);
	if (i->reg == 2 || i->reg == 3) {
		cpu_require_cpl0(c);
		if (i->reg == 2)
			load_ldtr(c, sel);
		else
			load_tr(c, sel);
		return;
	}
	verify(c, sel, i->reg == 5);
}

/* System descriptor types LAR (lar = true) and LSL accept. */
static bool lar_lsl_type_ok(uint8_t type, bool lar)
{
	static const uint8_t lar_ok[16] = {
	    [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [9] = 1, [11] = 1, [12] = 1};
	static const uint8_t lsl_ok[16] = {[1] = 1, [2] = 1, [3] = 1, [9] = 1, [11] = 1};
	return lar ? lar_ok[type] : lsl_ok[type];
}

/* 0F 02 LAR, 0F 03 LSL: access rights or limit of a visible descriptor. */
void op_lar_lsl(struct cpu *c, const struct insn *i)
{
	struct vcpu_segment d;
	uint32_t hi;
	bool lar = i->opc == 0x02;
	if (!cpu_pmode(c))
		cpu_fault(c, EXC_UD, -1);
	uint16_t sel = (uint16_t)rm_read(c, i, 2);
	bool ok = peek_descriptor(c, sel, &d, &hi) && (d.s || lar_lsl_type_ok(d.type, lar));
	set_zf(c, ok);
	if (ok)
		reg_write(c, i->reg, i->osz, lar ? hi & 0x00ffff00u : d.limit);
}

/* 63 ARPL (protected mode; #UD in real mode): raise the RPL of the
 * destination selector to the source's. */
void op_arpl(struct cpu *c, const struct insn *i)
{
	if (!cpu_pmode(c))
		cpu_fault(c, EXC_UD, -1);
	uint16_t dst = (uint16_t)rm_read(c, i, 2), src = (uint16_t)reg_read(c, i->reg, 2);
	bool raise = (dst & 3) < (src & 3);
	if (raise)
		rm_write(c, i, 2, (dst & ~3u) | (src & 3));
	set_zf(c, raise);
}
