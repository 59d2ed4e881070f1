/* Interrupts and exceptions: delivery through the real-mode IVT or the
 * protected-mode IDT, INT n / INT3 / INTO / INT1, IRET, BOUND, and the
 * hypercall instructions VMCALL / VMMCALL. */
#include "cpu.h"

void cpu_fault(struct cpu *c, int vec, int32_t err)
{
	c->fault_vec = vec;
	c->fault_err = err;
	longjmp(c->jb, 1);
}

static void deliver_real(struct cpu *c, unsigned vec, uint32_t ret_eip)
{
	if (vec * 4 + 3 > c->idt.limit)
		cpu_fault(c, EXC_GP, vec * 8 + 2);
	uint32_t a = c->idt.base + vec * 4;
	uint16_t ip = (uint16_t)lin_read(c, a, 2), sel = (uint16_t)lin_read(c, a + 2, 2);
	uint32_t sp = c->r[GPR_ESP];

	push_at(c, &sp, c->flags, 2);
	push_at(c, &sp, c->seg[SREG_CS].selector, 2);
	push_at(c, &sp, ret_eip, 2);
	set_sp(c, sp);
	c->flags &= ~(FL_IF | FL_TF | FL_AC | FL_RF);
	c->seg[SREG_CS].selector = sel;
	c->seg[SREG_CS].base = (uint32_t)sel << 4;
	seg_changed(c, SREG_CS);
	c->next_eip = ip;
}

/* IDT gate types (descriptor bits 8-12, S = 0). */
enum {
	GATE_TASK = 0x5,
	GATE_INT16 = 0x6,
	GATE_TRAP16 = 0x7,
	GATE_INT32 = 0xe,
	GATE_TRAP32 = 0xf,
};

/* A checked IDT gate and where it leads. */
struct gate {
	unsigned type;
	uint32_t off;
	struct vcpu_segment cs;
};

/* Read and check the IDT gate of vec.  Error codes carry EXT while an
 * event the program did not ask for (an exception, an external interrupt)
 * is being delivered.  INT n, INT3 and INTO (soft) need a gate DPL of at
 * least the CPL. */
static void read_gate(struct cpu *c, unsigned vec, bool soft, struct gate *g)
{
	int32_t idt_err = (int32_t)(vec * 8 + 2 + (c->delivering != DELIVER_NONE));
	if (vec * 8 + 7 > c->idt.limit)
		cpu_fault(c, EXC_GP, idt_err);
	uint32_t a = c->idt.base + vec * 8;
	uint32_t lo = sys_read(c, a, 4), hi = sys_read(c, a + 4, 4);
	unsigned type = (hi >> 8) & 0x1f;
	if (type != GATE_TASK && type != GATE_INT16 && type != GATE_TRAP16 && type != GATE_INT32 &&
	    type != GATE_TRAP32)
		cpu_fault(c, EXC_GP, idt_err);
	if (soft && ((hi >> 13) & 3) < c->cpl)
		cpu_fault(c, EXC_GP, idt_err);
	if (!(hi & 0x8000))
		cpu_fault(c, EXC_NP, idt_err);
	if (type == GATE_TASK)
		cpu_unsupported(c, vec); /* a task switch: not supported */
	g->type = type;
	g->off = (lo & 0xffff) | ((type & 8) ? (hi & 0xffff0000u) : 0);
	/* A handler in a less privileged segment is refused (#GP(sel)). */
	seg_fetch_cs(c, (uint16_t)(lo >> 16), &g->cs, CS_VIA_GATE);
}

/* The inner stack for privilege level cpl from the TSS: SS0:ESP0 (32-bit
 * TSS) or SS0:SP0 (16-bit TSS); #TS(TR) if the TSS is too short. */
static void tss_stack(struct cpu *c, unsigned cpl, uint16_t *ss, uint32_t *esp)
{
	const struct vcpu_segment *tr = &c->tr;
	bool tss32 = tr->type & 8;
	uint32_t at = tss32 ? 4 + cpl * 8 : 2 + cpl * 4, size = tss32 ? 4 : 2;
	if (!tr->present || at + size + 1 > tr->limit)
		cpu_fault(c, EXC_TS, tr->selector & ~3);
	*esp = sys_read(c, tr->base + at, size);
	*ss = (uint16_t)sys_read(c, tr->base + at + size, 2);
}

/* Push v onto stack segment ss at *sp (a supervisor access).  Past its
 * limit: #SS(0) on the current stack, #SS(selector) on an inner one. */
static void push_inner(struct cpu *c, const struct vcpu_segment *ss, uint32_t *sp, uint32_t v,
                       unsigned sz)
{
	uint32_t n = (*sp - sz) & (ss->db ? 0xffffffffu : 0xffffu);
	if (!seg_contains(ss, n, sz))
		cpu_fault(c, EXC_SS, ss == &c->seg[SREG_SS] ? 0 : ss->selector & ~3);
	sys_write(c, ss->base + n, sz, v);
	*sp = n;
}

/* The interrupt frame (EFLAGS, CS, EIP, error code) pushed by gsz bytes. */
static void push_frame(struct cpu *c, const struct vcpu_segment *ss, uint32_t *sp, unsigned gsz,
                       uint32_t ret_eip, int32_t err)
{
	push_inner(c, ss, sp, c->flags & ~FL_RF, gsz);
	push_inner(c, ss, sp, c->seg[SREG_CS].selector, gsz);
	push_inner(c, ss, sp, ret_eip, gsz);
	if (err >= 0)
		push_inner(c, ss, sp, (uint32_t)err, gsz);
}

/* Protected mode: 16- and 32-bit interrupt and trap gates, to the same
 * privilege or, from ring 3 into a more privileged non-conforming
 * segment, with the stack switch to SS:ESP of that level from the TSS
 * (the old SS and ESP pushed first). */
static void deliver_prot(struct cpu *c, unsigned vec, uint32_t ret_eip, int32_t err, bool soft)
{
	struct gate g;
	read_gate(c, vec, soft, &g);
	unsigned gsz = (g.type & 8) ? 4 : 2;
	unsigned cpl = (g.cs.type & 4) ? c->cpl : g.cs.dpl; /* conforming: stays */
	bool inner = cpl < c->cpl;
	struct vcpu_segment ss;
	const struct vcpu_segment *stack = &c->seg[SREG_SS];
	uint32_t sp = c->r[GPR_ESP] & sp_mask(c);

	if (g.off > g.cs.limit)
		cpu_fault(c, EXC_GP, 0);
	if (inner) {
		uint16_t ss_sel;
		tss_stack(c, cpl, &ss_sel, &sp);
		seg_fetch_ss(c, ss_sel, cpl, &ss, EXC_TS);
		stack = &ss;
		push_inner(c, stack, &sp, c->seg[SREG_SS].selector, gsz);
		push_inner(c, stack, &sp, c->r[GPR_ESP], gsz);
	}
	push_frame(c, stack, &sp, gsz, ret_eip, err);
	if (inner) {
		c->seg[SREG_SS] = ss;
		seg_changed(c, SREG_SS);
		c->r[GPR_ESP] = sp;
	} else
		set_sp(c, sp);
	c->flags &= ~(FL_TF | FL_NT | FL_RF | FL_VM);
	if (g.type == GATE_INT16 || g.type == GATE_INT32)
		c->flags &= ~FL_IF;
	seg_set_cs(c, &g.cs, cpl);
	c->next_eip = g.off;
	c->stop = 1;
}

static void deliver(struct cpu *c, unsigned vec, uint32_t ret_eip, int32_t err, bool soft)
{
	if (cpu_pmode(c))
		deliver_prot(c, vec, ret_eip, err, soft);
	else
		deliver_real(c, vec, ret_eip);
	if (c->flags & FL_TF)
		c->stop = 1;
}

void cpu_interrupt(struct cpu *c, unsigned vec, uint32_t ret_eip, int32_t err)
{
	deliver(c, vec, ret_eip, err, false);
}

void cpu_soft_interrupt(struct cpu *c, unsigned vec, uint32_t ret_eip)
{
	deliver(c, vec, ret_eip, -1, true);
}

void cpu_deliver_event(struct cpu *c, unsigned vec, int32_t err, enum deliver_class cls)
{
	c->delivering = (uint8_t)cls;
	cpu_interrupt(c, vec, c->eip, err);
	c->delivering = DELIVER_NONE;
	c->eip = c->next_eip;
	c->inhibit = 0;
}

/* CC.  Under the debugger's sw_breakpoints it stops with EIP at the int3. */
void op_int3(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (c->sw_bp) {
		struct pending_exit *p = cpu_queue_exit(c, VCPU_EXIT_DEBUG);
		p->exit.debug.kind = VCPU_DEBUG_SW_BREAK;
		p->exit.debug.addr = c->seg[SREG_CS].base + c->eip;
		c->next_eip = c->eip;
		return;
	}
	cpu_soft_interrupt(c, EXC_BP, c->next_eip);
}

/* CD ib */
void op_int(struct cpu *c, const struct insn *i)
{
	cpu_soft_interrupt(c, i->imm & 0xff, c->next_eip);
}

/* CE */
void op_into(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (c->flags & FL_OF)
		cpu_soft_interrupt(c, EXC_OF, c->next_eip);
}

/* F1 (ICEBP): no gate DPL check, as for an exception. */
void op_int1(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_interrupt(c, EXC_DB, c->next_eip, -1);
}

/* IRET to an outer privilege level: SS:ESP come off the stack too; data
 * segments the new CPL may not use become null. */
static void iret_outer(struct cpu *c, const struct insn *i, const struct vcpu_segment *cs,
                       uint32_t ip, uint32_t sp, uint32_t fl)
{
	struct vcpu_segment ss;
	unsigned rpl = cs->selector & 3;
	uint32_t esp = pop_at(c, &sp, i->osz);
	uint16_t ss_sel = (uint16_t)pop_at(c, &sp, i->osz);
	seg_fetch_ss(c, ss_sel, rpl, &ss, EXC_GP);
	if (ip > cs->limit)
		cpu_fault(c, EXC_GP, 0);
	flags_write(c, fl, flags_writable(c, i->osz)); /* at the old CPL */
	seg_set_cs(c, cs, rpl);
	c->seg[SREG_SS] = ss;
	seg_changed(c, SREG_SS);
	c->r[GPR_ESP] = i->osz == 2 ? (c->r[GPR_ESP] & 0xffff0000u) | (esp & 0xffff) : esp;
	c->next_eip = ip;
	seg_null_inaccessible(c);
	c->stop = 1;
}

/* CF.  In protected mode a return to the same or an outer privilege level;
 * a task return (NT set) and a return to virtual-8086 mode are not
 * supported (INTERNAL_ERROR). */
void op_iret(struct cpu *c, const struct insn *i)
{
	struct vcpu_segment cs;
	uint32_t sp = c->r[GPR_ESP];

	if (cpu_pmode(c) && (c->flags & FL_NT))
		cpu_unsupported(c, FL_NT);
	uint32_t ip = pop_at(c, &sp, i->osz);
	uint16_t sel = (uint16_t)pop_at(c, &sp, i->osz);
	uint32_t fl = pop_at(c, &sp, i->osz);

	if (cpu_pmode(c) && i->osz == 4 && (fl & FL_VM) && c->cpl == 0)
		cpu_unsupported(c, FL_VM);
	seg_fetch_cs(c, sel, &cs, CS_VIA_RETURN);
	if (i->osz == 2)
		ip &= 0xffff;
	if (cpu_pmode(c) && (sel & 3) > c->cpl) {
		iret_outer(c, i, &cs, ip, sp, fl);
		return;
	}
	if (ip > cs.limit)
		cpu_fault(c, EXC_GP, 0);
	flags_write(c, fl, flags_writable(c, i->osz));
	seg_set_cs(c, &cs, c->cpl);
	c->next_eip = ip;
	set_sp(c, sp);
	c->stop = 1;
}

/* 62: #BR (a fault: IP at the BOUND) when the index is out of range. */
void op_bound(struct cpu *c, const struct insn *i)
{
	if (i->mod == 3)
		cpu_fault(c, EXC_UD, -1);
	unsigned sz = i->osz;
	uint32_t off = ea(c, i), off2 = off + sz;
	if (i->asz == 2)
		off2 &= 0xffff;
	int32_t lo = (int32_t)mem_read(c, i->seg, off, sz),
	        hi = (int32_t)mem_read(c, i->seg, off2, sz);
	int32_t v = (int32_t)c->r[i->reg];
	if (sz == 2) {
		lo = (int16_t)lo;
		hi = (int16_t)hi;
		v = (int16_t)v;
	}
	if (v < lo || v > hi)
		cpu_fault(c, EXC_BR, -1);
}

/* 0F 01 C1 VMCALL, 0F 01 D9 VMMCALL: an exit to the caller, EIP past it.
 * Any other register form of group 7 (but SMSW, LMSW) is #UD. */
void op_hypercall(struct cpu *c, const struct insn *i)
{
	enum vcpu_hypercall_insn insn;

	if (i->reg == 0 && i->rm == 1)
		insn = VCPU_HYPERCALL_VMCALL;
	else if (i->reg == 3 && i->rm == 1)
		insn = VCPU_HYPERCALL_VMMCALL;
	else
		cpu_fault(c, EXC_UD, -1);
	cpu_queue_exit(c, VCPU_EXIT_HYPERCALL)->exit.hypercall.insn = insn;
}
