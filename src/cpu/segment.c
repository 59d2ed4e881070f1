/* Segments, descriptor tables and control registers: segment loads in real
 * and protected mode, LGDT/LIDT/SGDT/SIDT/SMSW/LMSW, MOV to/from CRn/DRn.
 *
 * Privilege is not modelled: everything runs as CPL 0.  There is no LDT,
 * no task state segment and no paging. */
#include "cpu.h"

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

uint32_t seg_check_slow(struct cpu *c, unsigned s, uint32_t off, unsigned sz)
{
	const struct vcpu_segment *g = &c->seg[s];
	uint64_t last = (uint64_t)off + sz - 1;

	if (cpu_pmode(c) && !g->present)
		limit_fault(c, s);
	if (g->s && !(g->type & 8) && (g->type & 4)) {
		uint64_t upper = g->db ? 0xffffffffu : 0xffffu;
		if (off > g->limit && last <= upper)
			return g->base + off;
	} else if (last <= g->limit)
		return g->base + off;
	limit_fault(c, s);
}

/* Read the GDT descriptor for sel into *d.  #GP(sel) if outside the GDT
 * or in the (unsupported) LDT. */
static void read_descriptor(struct cpu *c, uint16_t sel, struct vcpu_segment *d, int vec)
{
	if ((sel & 4) || (uint32_t)(sel | 7) > c->gdt.limit)
		cpu_fault(c, vec, sel & ~3);
	uint32_t a = c->gdt.base + (sel & ~7u);
	uint32_t lo = lin_read(c, a, 4), hi = lin_read(c, a + 4, 4);

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

/* Loading a descriptor sets its accessed bit, in the cache and in the GDT
 * (hardware and KVM's emulator write it back; a GDT outside RAM is left). */
static void mark_accessed(struct cpu *c, struct vcpu_segment *d)
{
	uint32_t a = c->gdt.base + (d->selector & ~7u) + 5;

	if (d->type & 1)
		return;
	d->type |= 1;
	if (a >= c->ram_size)
		return;
	if (c->code_map[a >> CODE_SHIFT])
		icache_invalidate(c, a, 1);
	c->ram[a] |= 1;
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
	read_descriptor(c, sel, &d, EXC_GP);
	if (!d.s)
		cpu_fault(c, EXC_GP, sel & ~3);
	if (s == SREG_SS) {
		if ((d.type & 8) || !(d.type & 2))
			cpu_fault(c, EXC_GP, sel & ~3);
		if (!d.present)
			cpu_fault(c, EXC_SS, sel & ~3);
	} else {
		if ((d.type & 0xa) == 8) /* execute-only code */
			cpu_fault(c, EXC_GP, sel & ~3);
		if (!d.present)
			cpu_fault(c, EXC_NP, sel & ~3);
	}
	mark_accessed(c, &d);
	c->seg[s] = d;
	seg_changed(c, s);
}

void seg_fetch_cs(struct cpu *c, uint16_t sel, struct vcpu_segment *out)
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
	if (!out->s || !(out->type & 8))
		cpu_fault(c, EXC_GP, sel & ~3); /* gates and TSSs are not supported */
	if (!out->present)
		cpu_fault(c, EXC_NP, sel & ~3);
	mark_accessed(c, out);
}

uint32_t flags_writable(const struct cpu *c, unsigned sz)
{
	(void)c;
	uint32_t m = FL_ARITH | FL_TF | FL_IF | FL_DF | FL_IOPL | FL_NT;
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

/* Write CR0; paging cannot be enabled here. */
static void write_cr0(struct cpu *c, uint32_t v)
{
	if (v & 0x80000000u)
		cpu_unsupported(c, v);
	uint32_t old = c->cr0;
	c->cr0 = (v & 0x6005003fu) | 0x10; /* ET is hardwired */
	if ((old ^ c->cr0) & CR0_PE) {
		for (unsigned s = 0; s < SREG_COUNT; s++)
			seg_changed(c, s);
		c->stop = 1;
	}
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
		return; /* INVLPG: no TLB */
	default:
		cpu_fault(c, EXC_UD, -1);
	}
}

/* 0F 20 (read CRn), 0F 22 (write CRn): always a register operand. */
void op_mov_cr(struct cpu *c, const struct insn *i)
{
	uint32_t *cr;
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
	if (i->reg == 0)
		write_cr0(c, c->r[i->rm]);
	else
		*cr = c->r[i->rm];
}

/* 0F 21, 0F 23: debug registers are stored but have no effect (the
 * debugger's breakpoints come through set_debug). */
void op_mov_dr(struct cpu *c, const struct insn *i)
{
	unsigned n = i->reg;
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
	c->cr0 &= ~8u;
}

/* 0F 00: SLDT, STR, LLDT, LTR, VERR, VERW: no LDT or TSS here. */
void op_grp6(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_fault(c, EXC_UD, -1);
}
