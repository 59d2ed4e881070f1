/* Port I/O: IN and OUT, and the exits that carry them to the caller.
 *
 * An IN abandons the instruction with an IO exit; the caller puts the value
 * into exit->io.data and the next vcpu_run() executes the instruction again,
 * which then finds the value in the replay log (memory.c).  An OUT queues
 * an IO exit carrying the data and completes.  Above IOPL the TSS's I/O
 * permission bitmap decides (io_check_bitmap). */
#include "cpu.h"

uint32_t io_read(struct cpu *c, uint16_t port, unsigned sz)
{
	uint64_t v;
	if (replay_take(c, &v))
		return (uint32_t)v & sz_mask(sz);

	struct vcpu_exit e = {.reason = VCPU_EXIT_IO};
	e.io.port = port;
	e.io.size = (uint8_t)sz;
	e.io.is_write = 0;
	e.io.count = 1;
	cpu_abort_exit(c, &e);
}

void io_write(struct cpu *c, uint16_t port, unsigned sz, uint32_t v)
{
	struct pending_exit *p = cpu_queue_exit(c, VCPU_EXIT_IO);
	p->exit.io.port = port;
	p->exit.io.size = (uint8_t)sz;
	p->exit.io.is_write = 1;
	p->exit.io.count = 1;
	store_le(p->data, sz, v);
}

/* E4, E5 (imm8 port), EC, ED (DX) */
void op_in(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->w ? i->osz : 1;
	uint16_t port = i->opc >= 0xec ? (uint16_t)c->r[GPR_EDX] : (uint16_t)(i->imm & 0xff);
	io_check(c, port, sz);
	reg_write(c, GPR_EAX, sz, io_read(c, port, sz));
}

/* E6, E7 (imm8 port), EE, EF (DX) */
void op_out(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->w ? i->osz : 1;
	uint16_t port = i->opc >= 0xec ? (uint16_t)c->r[GPR_EDX] : (uint16_t)(i->imm & 0xff);
	io_check(c, port, sz);
	io_write(c, port, sz, reg_read(c, GPR_EAX, sz));
}

/* CPL > IOPL: every bit of the port's bytes in the 32-bit TSS's I/O
 * permission bitmap must be clear; a bitmap past the TSS limit (or a 16-bit
 * TSS, which has none) denies. */
void io_check_bitmap(struct cpu *c, uint16_t port, unsigned sz)
{
	const struct vcpu_segment *tr = &c->tr;
	if (!tr->present || tr->s || (tr->type | 2) != 11 || tr->limit < 0x67) /* 32-bit TSS */
		cpu_fault(c, EXC_GP, 0);
	uint32_t at = (uint16_t)sys_read(c, tr->base + 0x66, 2) + port / 8u;
	if (at + 1 > tr->limit)
		cpu_fault(c, EXC_GP, 0);
	uint32_t bits = sys_read(c, tr->base + at, 2) >> (port & 7);
	if (bits & ((1u << sz) - 1))
		cpu_fault(c, EXC_GP, 0);
}
