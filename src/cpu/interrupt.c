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

/* Read and check the IDT gate of vec: returns its type, the handler's
 * offset and code segment.  Error codes carry EXT while an event the program
 * did not ask for (an exception, an external interrupt) is being delivered. */
static unsigned read_gate(struct cpu *c, unsigned vec, uint32_t *off, struct vcpu_segment *cs)
{
	int32_t idt_err = (int32_t)(vec * 8 + 2 + (c->delivering != DELIVER_NONE));
	if (vec * 8 + 7 > c->idt.limit)
		cpu_fault(c, EXC_GP, idt_err);
	uint32_t a = c->idt.base + vec * 8;
	uint32_t lo = lin_read(c, a, 4), hi = lin_read(c, a + 4, 4);
	unsigned type = (hi >> 8) & 0x1f;
	if (type != GATE_TASK && type != GATE_INT16 && type != GATE_TRAP16 && type != GATE_INT32 &&
	    type != GATE_TRAP32)
		cpu_fault(c, EXC_GP, idt_err);
	if (!(hi & 0x8000))
		cpu_fault(c, EXC_NP, idt_err);
	if (type == GATE_TASK)
		cpu_unsupported(c, vec); /* a task switch: no TSS here */
	*off = (lo & 0xffff) | ((type & 8) ? (hi & 0xffff0000u) : 0);
	seg_fetch_cs(c, (uint16_t)(lo >> 16), cs);
	/* Everything runs at CPL 0, so no gate changes privilege; a handler in
	 * a less privileged non-conforming segment is refused, as hardware
	 * does. */
	if (!(cs->type & 4) && cs->dpl > 0)
		cpu_fault(c, EXC_GP, (lo >> 16) & ~3u);
	return type;
}

/* Protected mode: 16- and 32-bit interrupt and trap gates to a code
 * segment at the same privilege (there is only CPL 0 here). */
static void deliver_prot(struct cpu *c, unsigned vec, uint32_t ret_eip, int32_t err)
{
	struct vcpu_segment cs;
	uint32_t off;
	unsigned type = read_gate(c, vec, &off, &cs);
	unsigned gsz = (type & 8) ? 4 : 2;

	if (off > cs.limit)
		cpu_fault(c, EXC_GP, 0);
	uint32_t sp = c->r[GPR_ESP];
	push_at(c, &sp, c->flags & ~FL_RF, gsz);
	push_at(c, &sp, c->seg[SREG_CS].selector, gsz);
	push_at(c, &sp, ret_eip, gsz);
	if (err >= 0)
		push_at(c, &sp, (uint32_t)err, gsz);
	set_sp(c, sp);
	c->flags &= ~(FL_TF | FL_NT | FL_RF | FL_VM);
	if (type == GATE_INT16 || type == GATE_INT32)
		c->flags &= ~FL_IF;
	c->seg[SREG_CS] = cs;
	seg_changed(c, SREG_CS);
	c->next_eip = off;
	c->stop = 1;
}

void cpu_interrupt(struct cpu *c, unsigned vec, uint32_t ret_eip, int32_t err)
{
	if (cpu_pmode(c))
		deliver_prot(c, vec, ret_eip, err);
	else
		deliver_real(c, vec, ret_eip);
	if (c->flags & FL_TF)
		c->stop = 1;
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
	cpu_interrupt(c, EXC_BP, c->next_eip, -1);
}

/* CD ib */
void op_int(struct cpu *c, const struct insn *i)
{
	cpu_interrupt(c, i->imm & 0xff, c->next_eip, -1);
}

/* CE */
void op_into(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (c->flags & FL_OF)
		cpu_interrupt(c, EXC_OF, c->next_eip, -1);
}

/* F1 (ICEBP) */
void op_int1(struct cpu *c, const struct insn *i)
{
	(void)i;
	cpu_interrupt(c, EXC_DB, c->next_eip, -1);
}

/* CF.  In protected mode only a return to the same privilege (and no task
 * return through NT) is supported. */
void op_iret(struct cpu *c, const struct insn *i)
{
	struct vcpu_segment cs;
	uint32_t sp = c->r[GPR_ESP];
	uint32_t ip = pop_at(c, &sp, i->osz);
	uint16_t sel = (uint16_t)pop_at(c, &sp, i->osz);
	uint32_t fl = pop_at(c, &sp, i->osz);

	seg_fetch_cs(c, sel, &cs);
	if (i->osz == 2)
		ip &= 0xffff;
	if (ip > cs.limit)
		cpu_fault(c, EXC_GP, 0);
	flags_write(c, fl, flags_writable(c, i->osz));
	c->seg[SREG_CS] = cs;
	seg_changed(c, SREG_CS);
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
