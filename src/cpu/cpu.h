/* Internal interface of the built-in x86 CPU.
 *
 * One struct cpu holds the architectural state and the machinery around it
 * (decode cache, pending exits, debug setup).  Instructions are decoded once
 * into a struct insn, cached by linear address, and executed by a handler of
 * one signature chosen by the decoder from the opcode tables (decode.c).
 *
 * Control flow for the unusual: a fault, or an access that needs the caller
 * (an MMIO or port read), abandons the instruction with longjmp back to the
 * run loop (exec.c).  Handlers therefore do every read and every check before
 * they change registers, so an abandoned instruction leaves nothing behind and
 * can simply be executed again.
 */
#ifndef KVM_GDBSTUB_CPU_CPU_H
#define KVM_GDBSTUB_CPU_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vcpu.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define COLD        __attribute__((cold, noinline))
#define NORETURN    __attribute__((noreturn))

/* EFLAGS bits. */
#define FL_CF    0x0001u
#define FL_PF    0x0004u
#define FL_AF    0x0010u
#define FL_ZF    0x0040u
#define FL_SF    0x0080u
#define FL_TF    0x0100u
#define FL_IF    0x0200u
#define FL_DF    0x0400u
#define FL_OF    0x0800u
#define FL_IOPL  0x3000u
#define FL_NT    0x4000u
#define FL_RF    0x10000u
#define FL_VM    0x20000u
#define FL_AC    0x40000u
#define FL_ID    0x200000u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* Exception vectors. */
enum {
	EXC_DE = 0,
	EXC_DB = 1,
	EXC_BP = 3,
	EXC_OF = 4,
	EXC_BR = 5,
	EXC_UD = 6,
	EXC_NM = 7,
	EXC_DF = 8,
	EXC_TS = 10,
	EXC_NP = 11,
	EXC_SS = 12,
	EXC_GP = 13,
	EXC_PF = 14,
};

/* Control register bits. */
#define CR0_WP  0x00010000u
#define CR0_PG  0x80000000u
#define CR4_PSE 0x00000010u

/* The class of an event being delivered, which decides what a fault during
 * its delivery becomes (Intel SDM vol. 3, table "Conditions for Generating a
 * Double Fault"): NONE means no delivery is under way (a fault of INT n is an
 * ordinary fault); any other class also sets EXT in the error codes. */
enum deliver_class {
	DELIVER_NONE,
	DELIVER_BENIGN,
	DELIVER_CONTRIBUTORY,
	DELIVER_PAGE_FAULT,
	DELIVER_DOUBLE
};

#define REG_ZERO    8  /* index of an always-zero register (absent base/index) */
#define ICACHE_BITS 13 /* decoded-instruction cache: 8192 entries */
#define ICACHE_SIZE (1u << ICACHE_BITS)
#define CODE_SHIFT  6    /* code_map granularity: 64-byte blocks of RAM */
#define MAX_PENDING 24   /* queued exits (MMIO writes of one instruction, debug) */
#define MAX_REPLAY  16   /* input values of one instruction (MMIO/port reads) */
#define FAST_BATCH  1024 /* instructions between checks of the kick flag */
#define TLB_BITS    8    /* translation cache: 256 entries, direct mapped */
#define TLB_SIZE    (1u << TLB_BITS)
#define TLB_EMPTY   0xffffffffu /* a vpn no linear address has */
#define BP_FILTER_SIZE 1024     /* breakpoint filter: by the low bits of the address */

/* What an access needs of a TLB entry: bit (user * 2 + write). */
enum { PERM_SR = 1, PERM_SW = 2, PERM_UR = 4, PERM_UW = 8 };
/* TLB entry flag: the page is plain RAM (no MMIO hole), so a hit may go
 * straight to c->ram. */
#define TLB_RAM 0x10u

/* One cached linear -> physical page translation, with the accesses it
 * allows without a walk (a write to a page whose dirty bit is clear is not
 * one of them: the walk sets it). */
struct tlb_entry {
	uint32_t vpn;   /* linear address >> 12, TLB_EMPTY if unused */
	uint32_t pbase; /* physical page address */
	uint32_t perm;  /* PERM_* bits */
};

struct cpu;
struct insn;

/* An instruction handler.  c->eip is the instruction's address, c->next_eip
 * the address after it; a handler changes next_eip to branch. */
typedef void op_fn(struct cpu *c, const struct insn *i);

/* A decoded instruction. */
struct insn {
	op_fn *op;
	uint32_t lin; /* physical address of its first byte (cache tag; with
	                 paging off that is the linear address) */
	uint8_t mode; /* CS.D when decoded (cache tag), 0xff = empty, 0xfe = not
	                 cacheable (it crossed a page boundary under paging) */
	uint8_t len;  /* bytes, prefixes included */
	uint8_t osz;  /* operand size in bytes: 2 or 4 */
	uint8_t asz;  /* address size in bytes: 2 or 4 */
	uint8_t opc;  /* opcode byte (the second one after 0x0F) */
	uint8_t mod;  /* ModRM fields; mod == 3: register operand */
	uint8_t reg;
	uint8_t rm;
	uint8_t seg;   /* segment of the memory operand (override or default) */
	uint8_t rep;   /* 0, 2 (F2 repne), 3 (F3 rep/repe) */
	uint8_t base;  /* memory operand: base register or REG_ZERO */
	uint8_t index; /* index register or REG_ZERO */
	uint8_t scale; /* shift count for index */
	uint8_t w;     /* 1 = word/dword form, 0 = byte form */
	uint16_t imm2; /* second immediate (far pointer selector, enter level) */
	uint32_t disp;
	uint32_t imm;
};

/* An exit waiting to be returned by vcpu_run(). */
struct pending_exit {
	struct vcpu_exit exit;
	uint8_t data[8];
	bool input; /* a read: the caller's value comes back in xfer */
};

struct cpu {
	struct vcpu vcpu; /* must be first */
	/* Set by vcpu_kick() from any thread, consumed by vcpu_run().  These two
	 * come first: emu_vcpu_restore() writes everything after them. */
	volatile int kicked;

	/* Architectural state. */
	uint32_t r[9]; /* GPRs in encoding order; r[REG_ZERO] is always 0 */
	uint32_t eip;
	uint32_t next_eip;
	uint32_t flags;
	struct vcpu_segment seg[SREG_COUNT];
	int64_t flim[SREG_COUNT]; /* fast limit check: last valid offset, -1 = slow */
	struct vcpu_dtable gdt, idt;
	struct vcpu_segment tr, ldtr; /* task register, LDT register */
	uint32_t cr0, cr2, cr3, cr4;
	uint8_t cpl; /* current privilege level: 0 in real mode */
	bool paging; /* CR0.PG (and PE) */
	uint32_t dr[8];
	uint8_t mode;    /* CS.D: 1 = 32-bit code segment */
	uint32_t ipmask; /* 0xffff or 0xffffffff: EIP wraps within it */

	/* Memory. */
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t fast_limit;           /* accesses below go straight to RAM; 0 = all slow */
	uint64_t hole_start, hole_end; /* MMIO inside RAM: [start, end), empty if equal */
	bool a20_off;                  /* physical addresses wrap at 1 MiB (bit 20 is 0) */
	uint8_t *code_map;             /* per 64-byte block: nonzero = decodes cached (by any
	                                  vCPU of the VM: shared by the code_next ring) */
	struct cpu *code_next;         /* ring of the vCPUs sharing code_map (itself if alone) */
	struct insn *icache;
	struct tlb_entry tlb[TLB_SIZE]; /* used only while paging */

	/* Run control. */
	int stop;            /* leave the inner loop after this instruction */
	jmp_buf jb;
	uint64_t icount;
	uint8_t apic_id; /* CPUID.1:EBX[31:24]: the vCPU's index */
	uint64_t icount_limit; /* exit INTR once icount reaches it (UINT64_MAX: never) */
	uint32_t tsc_base;

	/* Fault being raised, and delivery nesting. */
	int fault_vec;
	int32_t fault_err;  /* -1: no error code */
	uint8_t delivering; /* enum deliver_class of the event being delivered */

	/* External interrupts (vcpu_inject_interrupt and friends). */
	uint8_t inhibit;  /* interrupt shadow: 2 = set by this instruction, 1 = on */
	bool irq_pending; /* irq_vector is delivered before the next instruction */
	uint8_t irq_vector;
	bool irq_window; /* exit IRQ_WINDOW as soon as cpu_irq_ready() */

	/* Exits queued by the current instruction and not yet returned. */
	struct pending_exit pend[MAX_PENDING];
	unsigned pend_head, pend_n;
	unsigned pend_mark; /* queue length when the instruction began */

	/* Inputs (port / MMIO reads) of the current instruction, in order:
	 * an abandoned instruction re-executes and gets them back here. */
	uint64_t replay[MAX_REPLAY];
	unsigned replay_n, replay_pos;
	int awaiting_input;  /* last exit was a read: take its data on next run */
	uint64_t msr_data;   /* data of the MSR exit last returned */
	uint8_t msr_gp;      /* the caller's #GP verdict on it */
	unsigned in_len;     /* bytes of that read */
	uint8_t xfer[8];     /* data buffer of the exit last returned */
	uint32_t bp_inhibit; /* linear address of a rep resumed: no breakpoint */
	bool bp_inhibit_on;

	/* Debug.  Breakpoints alone keep the fast loop, which stops before any
	 * address the filter marks (at_bp) and lets the careful loop decide. */
	bool singlestep, sw_bp, debug_slow;
	bool at_bp;
	unsigned n_bp, n_wp;
	uint32_t *bp;
	uint8_t bp_filter[BP_FILTER_SIZE];
	struct vcpu_watchpoint *wp;
	int wp_hit; /* index + 1 of the first watchpoint hit by this instruction */
	int wp_hit_write;
};

static inline struct cpu *cpu_of(struct vcpu *v)
{
	return (struct cpu *)v;
}

/* ---- flags (alu.c) ---- */

extern const uint8_t parity_table[256];

static inline uint32_t sz_mask(unsigned sz)
{
	return sz == 4 ? 0xffffffffu : (1u << (sz * 8)) - 1;
}
static inline uint32_t sz_sign(unsigned sz)
{
	return 1u << (sz * 8 - 1);
}
/* SF, ZF and PF of a result of sz bytes. */
static inline uint32_t flags_szp(uint32_t res, unsigned sz)
{
	res &= sz_mask(sz);
	return (res ? 0 : FL_ZF) | ((res & sz_sign(sz)) ? FL_SF : 0) | parity_table[res & 0xff];
}
static inline void flags_set(struct cpu *c, uint32_t mask, uint32_t val)
{
	c->flags = (c->flags & ~mask) | (val & mask);
}
/* Evaluate condition code cc (the low nibble of Jcc/SETcc/CMOVcc). */
static inline bool cond(const struct cpu *c, unsigned cc)
{
	uint32_t f = c->flags;
	bool r;
	switch (cc >> 1) {
	case 0:
		r = f & FL_OF;
		break;
	case 1:
		r = f & FL_CF;
		break;
	case 2:
		r = f & FL_ZF;
		break;
	case 3:
		r = f & (FL_CF | FL_ZF);
		break;
	case 4:
		r = f & FL_SF;
		break;
	case 5:
		r = f & FL_PF;
		break;
	case 6:
		r = !(f & FL_SF) != !(f & FL_OF);
		break;
	default:
		r = (f & FL_ZF) || (!(f & FL_SF) != !(f & FL_OF));
		break;
	}
	return r ^ (cc & 1);
}

/* The eight ALU operations of opcodes 00-3F and group 1, in encoding order. */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };
/* a OP b on sz bytes; sets the arithmetic flags, returns the result. */
uint32_t alu(struct cpu *c, unsigned op, uint32_t a, uint32_t b, unsigned sz);
/* Shift/rotate group 2 (reg field op) of v by count; sets flags. */
uint32_t alu_shift(struct cpu *c, unsigned op, uint32_t v, unsigned count, unsigned sz);
uint32_t alu_inc(struct cpu *c, uint32_t v, unsigned sz);
uint32_t alu_dec(struct cpu *c, uint32_t v, unsigned sz);

/* ---- registers ---- */

static inline uint32_t reg_read(const struct cpu *c, unsigned r, unsigned sz)
{
	if (sz == 1)
		return (c->r[r & 3] >> ((r & 4) << 1)) & 0xff;
	return c->r[r] & sz_mask(sz);
}
static inline void reg_write(struct cpu *c, unsigned r, unsigned sz, uint32_t v)
{
	if (sz == 4)
		c->r[r] = v;
	else if (sz == 2)
		c->r[r] = (c->r[r] & 0xffff0000u) | (v & 0xffff);
	else {
		unsigned sh = (r & 4) << 1;
		c->r[r & 3] = (c->r[r & 3] & ~(0xffu << sh)) | ((v & 0xff) << sh);
	}
}

/* ---- faults and exits (interrupt.c, exec.c) ---- */

/* Abandon the instruction and raise exception vec (err < 0: no error code). */
NORETURN void cpu_fault(struct cpu *c, int vec, int32_t err);
/* awaiting_input of an MSR exit (else 1: an IO or MMIO read). */
#define AWAIT_MSR 2
/* Abandon the instruction and make vcpu_run() return *e; the instruction
 * runs again on the next vcpu_run().  Exits queued by the abandoned attempt
 * are dropped (the new attempt queues them again).  An MSR exit's
 * *e->msr.data is copied (the value of a wrmsr). */
NORETURN void cpu_abort_exit(struct cpu *c, const struct vcpu_exit *e);
/* Queue an exit to return after this instruction; returns it to fill in. */
struct pending_exit *cpu_queue_exit(struct cpu *c, enum vcpu_exit_reason reason);
/* Deliver interrupt vec through the IVT/IDT with return address ret_eip. */
void cpu_interrupt(struct cpu *c, unsigned vec, uint32_t ret_eip, int32_t err);
/* INT n, INT3, INTO: cpu_interrupt() plus the gate's DPL check. */
void cpu_soft_interrupt(struct cpu *c, unsigned vec, uint32_t ret_eip);
/* Raise #PF for lin (sets CR2); err: P, W/R, U/S bits. */
NORETURN void cpu_page_fault(struct cpu *c, uint32_t lin, uint32_t err);
/* Deliver an event of class cls at the boundary before c->eip (an exception,
 * the TF trap, an external interrupt) and move EIP to its handler. */
void cpu_deliver_event(struct cpu *c, unsigned vec, int32_t err, enum deliver_class cls);
/* Abandon the instruction with an INTERNAL_ERROR exit (suberror 1, emulation
 * failure, as KVM reports it): data[0] = linear EIP, data[1] = detail. */
NORETURN void cpu_unsupported(struct cpu *c, uint64_t detail);
/* An external interrupt would be taken here: IF set, no interrupt shadow. */
static inline bool cpu_irq_ready(const struct cpu *c)
{
	return (c->flags & FL_IF) && !c->inhibit;
}
/* STI (setting IF), MOV SS and POP SS hold interrupts off until after the
 * next instruction; the fast loop ends so the careful one runs that one. */
static inline void cpu_shadow_next(struct cpu *c)
{
	c->inhibit = 2;
	c->stop = 1;
}
/* Invalidate the cached decodes, of every vCPU sharing c's code map, that
 * overlap physical [lin, lin+len). */
void icache_invalidate(struct cpu *c, uint64_t lin, uint64_t len);
/* vcpu_ops.run and .complete_io (exec.c). */
int emu_cpu_run(struct vcpu *v, struct vcpu_exit *exit);
int emu_cpu_complete_io(struct vcpu *v);

/* ---- memory (memory.c) ---- */

/* Next recorded input of this instruction, or false if none is recorded. */
bool replay_take(struct cpu *c, uint64_t *v);

uint32_t seg_check_slow(struct cpu *c, unsigned s, uint32_t off, unsigned sz);
/* Linear accesses past the fast path: paging, MMIO, watchpoints, decoded
 * code.  sys: an implicit supervisor access (descriptor tables, TSS, the
 * inner stack of an interrupt), whatever the CPL. */
uint32_t lin_read_slow(struct cpu *c, uint32_t lin, unsigned sz, bool sys);
void lin_write_slow(struct cpu *c, uint32_t lin, unsigned sz, uint32_t v, bool sys);

/* ---- paging (paging.c) ---- */

/* Walk the page tables for lin on a TLB miss (or a permission the entry
 * does not grant): sets accessed/dirty bits, fills the entry, returns the
 * physical address; #PF (CR2 = lin) if the access is not allowed. */
uint32_t tlb_miss(struct cpu *c, uint32_t lin, unsigned need);
/* Drop every cached translation (CR3 write, CR0.PG/WP or CR4 change). */
void tlb_flush(struct cpu *c);
/* Drop the translation of the page holding lin (INVLPG). */
void tlb_flush_page(struct cpu *c, uint32_t lin);
/* Recompute c->paging from CR0, flush the TLB and the fast paths. */
void paging_changed(struct cpu *c);

/* Physical address of lin for an access needing `need` (PERM_*). */
static inline uint32_t translate(struct cpu *c, uint32_t lin, unsigned need)
{
	const struct tlb_entry *e = &c->tlb[(lin >> 12) & (TLB_SIZE - 1)];
	if (likely(e->vpn == lin >> 12 && (e->perm & need)))
		return e->pbase | (lin & 0xfff);
	return tlb_miss(c, lin, need);
}
/* The PERM_* bit an access of the program itself needs at this CPL. */
static inline unsigned access_need(const struct cpu *c, bool write)
{
	return 1u << ((c->cpl == 3) * 2 + write);
}

/* Linear address of seg:off for an access of sz bytes; faults past the limit. */
static inline uint32_t seg_lin(struct cpu *c, unsigned s, uint32_t off, unsigned sz)
{
	if (unlikely((int64_t)((uint64_t)off + sz - 1) > c->flim[s]))
		return seg_check_slow(c, s, off, sz);
	return c->seg[s].base + off;
}
static inline uint32_t load_le(const uint8_t *p, unsigned sz)
{
	if (sz == 1)
		return *p;
	if (sz == 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static inline void store_le(uint8_t *p, unsigned sz, uint32_t v)
{
	if (sz == 1)
		*p = (uint8_t)v;
	else if (sz == 2) {
		uint16_t w = (uint16_t)v;
		memcpy(p, &w, 2);
	} else
		memcpy(p, &v, 4);
}
/* Linear accesses.  The fast path (straight to RAM: linear = physical) is
 * open only with paging off (fast_limit is 0 while paging). */
static inline uint32_t lin_read(struct cpu *c, uint32_t lin, unsigned sz)
{
	if (likely((uint64_t)lin + sz <= c->fast_limit))
		return load_le(c->ram + lin, sz);
	return lin_read_slow(c, lin, sz, false);
}
static inline void lin_write(struct cpu *c, uint32_t lin, unsigned sz, uint32_t v)
{
	if (likely((uint64_t)lin + sz <= c->fast_limit &&
	           !(c->code_map[lin >> CODE_SHIFT] | c->code_map[(lin + sz - 1) >> CODE_SHIFT])))
		store_le(c->ram + lin, sz, v);
	else
		lin_write_slow(c, lin, sz, v, false);
}
/* Implicit supervisor accesses (descriptor tables, TSS, inner stacks). */
static inline uint32_t sys_read(struct cpu *c, uint32_t lin, unsigned sz)
{
	if (likely((uint64_t)lin + sz <= c->fast_limit))
		return load_le(c->ram + lin, sz);
	return lin_read_slow(c, lin, sz, true);
}
static inline void sys_write(struct cpu *c, uint32_t lin, unsigned sz, uint32_t v)
{
	lin_write_slow(c, lin, sz, v, true);
}
/* Segmented data accesses: limit check, then RAM, MMIO or watchpoint path. */
static inline uint32_t mem_read(struct cpu *c, unsigned s, uint32_t off, unsigned sz)
{
	return lin_read(c, seg_lin(c, s, off, sz), sz);
}
static inline void mem_write(struct cpu *c, unsigned s, uint32_t off, unsigned sz, uint32_t v)
{
	lin_write(c, seg_lin(c, s, off, sz), sz, v);
}
/* Check that seg:off..+sz may be written, before any side effect. */
static inline void mem_check(struct cpu *c, unsigned s, uint32_t off, unsigned sz)
{
	(void)seg_lin(c, s, off, sz);
}

/* Effective address (offset) of the memory operand. */
static inline uint32_t ea(const struct cpu *c, const struct insn *i)
{
	uint32_t a = c->r[i->base] + (c->r[i->index] << i->scale) + i->disp;
	return i->asz == 4 ? a : (a & 0xffff);
}
static inline uint32_t rm_read(struct cpu *c, const struct insn *i, unsigned sz)
{
	if (i->mod == 3)
		return reg_read(c, i->rm, sz);
	return mem_read(c, i->seg, ea(c, i), sz);
}
static inline void rm_write(struct cpu *c, const struct insn *i, unsigned sz, uint32_t v)
{
	if (i->mod == 3)
		reg_write(c, i->rm, sz, v);
	else
		mem_write(c, i->seg, ea(c, i), sz, v);
}

/* ---- stack (stack.c) ---- */

static inline uint32_t sp_mask(const struct cpu *c)
{
	return c->seg[SREG_SS].db ? 0xffffffffu : 0xffffu;
}
/* Stores v below *sp (a working copy of ESP) without committing ESP. */
static inline void push_at(struct cpu *c, uint32_t *sp, uint32_t v, unsigned sz)
{
	uint32_t n = (*sp - sz) & sp_mask(c);
	mem_write(c, SREG_SS, n, sz, v);
	*sp = n;
}
static inline uint32_t pop_at(struct cpu *c, uint32_t *sp, unsigned sz)
{
	uint32_t v = mem_read(c, SREG_SS, *sp & sp_mask(c), sz);
	*sp = (*sp + sz) & sp_mask(c);
	return v;
}
/* Commit a working stack pointer: only SP changes with a 16-bit stack. */
static inline void set_sp(struct cpu *c, uint32_t sp)
{
	uint32_t m = sp_mask(c);
	c->r[GPR_ESP] = (c->r[GPR_ESP] & ~m) | (sp & m);
}
static inline void push(struct cpu *c, uint32_t v, unsigned sz)
{
	uint32_t sp = c->r[GPR_ESP];
	push_at(c, &sp, v, sz);
	set_sp(c, sp);
}

/* ---- segments and control registers (segment.c) ---- */

static inline bool cpu_pmode(const struct cpu *c)
{
	return c->cr0 & CR0_PE;
}
/* Load segment register s with selector sel (real or protected mode),
 * with the privilege checks of a MOV/POP/LxS at the current CPL. */
void seg_load(struct cpu *c, unsigned s, uint16_t sel);
/* How a code segment is reached: the privilege rules differ. */
enum cs_via {
	CS_VIA_JUMP,   /* far jmp/call: same privilege */
	CS_VIA_RETURN, /* far ret/iret: same or outer privilege (RPL) */
	CS_VIA_GATE,   /* interrupt gate: same or inner privilege (DPL) */
};
/* The descriptor CS would get from sel, checked for `via` at the current
 * CPL; faults if it cannot be loaded.  Marks it accessed; nothing else
 * changes.  A call gate, task gate or TSS for a far jmp/call is an
 * INTERNAL_ERROR exit (not supported). */
void seg_fetch_cs(struct cpu *c, uint16_t sel, struct vcpu_segment *out, enum cs_via via);
/* Load CS from a checked descriptor and make cpl the CPL (the selector's
 * RPL becomes cpl). */
void seg_set_cs(struct cpu *c, const struct vcpu_segment *cs, unsigned cpl);
/* The descriptor SS gets from sel at privilege level cpl (a stack switch
 * or an outer return): #GP(sel) on a wrong selector or type (vec_bad:
 * EXC_GP, or EXC_TS for a TSS stack), #SS(sel) if not present. */
void seg_fetch_ss(struct cpu *c, uint16_t sel, unsigned cpl, struct vcpu_segment *out, int vec_bad);
/* After a return to an outer level: ES, DS, FS, GS holding a segment the new
 * CPL may not use become null. */
void seg_null_inaccessible(struct cpu *c);
/* Is [off, off+sz) inside segment g (expand-down aware)? */
bool seg_contains(const struct vcpu_segment *g, uint32_t off, unsigned sz);
/* Recompute derived fields (flim, mode, ipmask) after seg[s] changed. */
void seg_changed(struct cpu *c, unsigned s);
/* Recompute fast paths after debug setup or memory layout changed. */
void cpu_update_fast(struct cpu *c);
/* #GP(0) unless the CPL is 0 (privileged instructions). */
static inline void cpu_require_cpl0(struct cpu *c)
{
	if (unlikely(c->cpl))
		cpu_fault(c, EXC_GP, 0);
}
static inline unsigned cpu_iopl(const struct cpu *c)
{
	return (c->flags & FL_IOPL) >> 12;
}
/* Write EFLAGS under mask, keeping the fixed bits right. */
void flags_write(struct cpu *c, uint32_t v, uint32_t mask);
/* The mask of EFLAGS bits popf/iret may change at this operand size and
 * the current CPL (IOPL only at CPL 0, IF only at CPL <= IOPL). */
uint32_t flags_writable(const struct cpu *c, unsigned sz);

/* ---- decoder (decode.c) ---- */

/* Decode the instruction at linear lin, physical phys (its translation,
 * already checked for a fetch) into *out (unknown opcodes decode to a #UD
 * handler); #PF if it runs into a page it may not fetch from, exits
 * INTERNAL_ERROR if it is not in RAM. */
void decode(struct cpu *c, uint32_t lin, uint32_t phys, struct insn *out);

/* ---- handlers, by file ---- */

/* alu.c */
op_fn op_alu_rm_r, op_alu_r_rm, op_alu_a_imm, op_grp1, op_inc_r, op_dec_r, op_grp2, op_test_rm_r,
    op_test_a_imm, op_grp3_test, op_grp3_not, op_grp3_neg, op_grp45_inc, op_grp45_dec;
/* muldiv.c */
op_fn op_mul, op_imul1, op_div, op_idiv, op_imul_r_rm, op_imul_r_rm_imm;
/* bcd.c */
op_fn op_daa, op_das, op_aaa, op_aas, op_aam, op_aad;
/* bits.c */
op_fn op_setcc, op_cmovcc, op_bswap, op_bt_r, op_bt_imm, op_bsf, op_bsr, op_shld, op_shrd, op_xadd,
    op_cmpxchg, op_cmpxchg8b;
/* data.c */
op_fn op_mov_rm_r, op_mov_r_rm, op_mov_r_imm, op_mov_rm_imm, op_mov_a_moffs, op_mov_moffs_a,
    op_mov_rm_sreg, op_mov_sreg_rm, op_lea, op_xchg_rm_r, op_xchg_a_r, op_nop, op_cbw, op_cwd,
    op_movzx, op_movsx, op_xlat, op_lahf, op_sahf, op_salc, op_lxs, op_flag_op, op_cpuid, op_rdtsc,
    op_hlt, op_ud, op_fpu, op_wait, op_nop_modrm;
/* stack.c */
op_fn op_push_r, op_pop_r, op_push_sreg, op_pop_sreg, op_push_imm, op_push_rm, op_pop_rm, op_pusha,
    op_popa, op_pushf, op_popf, op_enter, op_leave;
/* control.c */
op_fn op_jcc, op_jmp_rel, op_call_rel, op_ret, op_retf, op_jmp_far, op_call_far, op_jmp_rm,
    op_call_rm, op_jmp_far_rm, op_call_far_rm, op_loop, op_jcxz;
/* interrupt.c */
op_fn op_int3, op_int, op_into, op_int1, op_iret, op_bound, op_hypercall;
/* segment.c */
op_fn op_grp7, op_mov_cr, op_mov_dr, op_clts, op_grp6, op_lar_lsl, op_arpl, op_invd, op_rdmsr,
    op_wrmsr;
/* string.c */
op_fn op_movs, op_cmps, op_stos, op_lods, op_scas, op_ins, op_outs;
/* io.c */
op_fn op_in, op_out;

/* Port I/O (io.c): a port read returns the caller's value or abandons the
 * instruction with an IO exit; a write queues an IO exit. */
uint32_t io_read(struct cpu *c, uint16_t port, unsigned sz);
void io_write(struct cpu *c, uint16_t port, unsigned sz, uint32_t v);
/* CPL > IOPL: the TSS's I/O permission bitmap decides; #GP(0) if denied. */
void io_check_bitmap(struct cpu *c, uint16_t port, unsigned sz);
/* Permission check for port access. */
static inline void io_check(struct cpu *c, uint16_t port, unsigned sz)
{
	if (unlikely(c->cpl > cpu_iopl(c)))
		io_check_bitmap(c, port, sz);
}

#endif
