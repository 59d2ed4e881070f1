/* The run loop: decoded-instruction cache, the fast loop (no debugging),
 * the careful loop (breakpoints, watchpoints, single-step, guest TF,
 * interrupt shadows, re-execution with inputs), fault and external interrupt
 * delivery and the queue of exits. */
#include "cpu.h"

enum { JMP_FAULT = 1, JMP_EXIT = 2 };

/* cpu_unsupported()'s detail for an instruction that would queue more exits
 * than MAX_PENDING (none known: it used to overwrite the last one). */
#define DETAIL_EXIT_QUEUE_FULL 0xe0e0e0e0u

struct pending_exit *cpu_queue_exit(struct cpu *c, enum vcpu_exit_reason reason)
{
	if (c->pend_n >= MAX_PENDING) {
		c->pend_n = c->pend_mark; /* drop this instruction's exits, then fail it */
		cpu_unsupported(c, DETAIL_EXIT_QUEUE_FULL);
	}
	struct pending_exit *p = &c->pend[c->pend_n++];
	memset(p, 0, sizeof(*p));
	p->exit.reason = reason;
	c->stop = 1;
	return p;
}

void cpu_abort_exit(struct cpu *c, const struct vcpu_exit *e)
{
	c->pend_n = c->pend_mark;
	struct pending_exit *p = cpu_queue_exit(c, e->reason);
	p->exit = *e;
	p->input = (e->reason == VCPU_EXIT_IO && !e->io.is_write) ||
	           (e->reason == VCPU_EXIT_MMIO && !e->mmio.is_write) || e->reason == VCPU_EXIT_MSR;
	if (e->reason == VCPU_EXIT_MSR) { /* the wrmsr value */
		store_le(p->data, 4, (uint32_t)*e->msr.data);
		store_le(p->data + 4, 4, (uint32_t)(*e->msr.data >> 32));
	}
	longjmp(c->jb, JMP_EXIT);
}

void cpu_unsupported(struct cpu *c, uint64_t detail)
{
	struct vcpu_exit e = {.reason = VCPU_EXIT_INTERNAL_ERROR};
	e.internal.suberror = 1; /* KVM_INTERNAL_ERROR_EMULATION */
	e.internal.ndata = 2;
	e.internal.data[0] = c->seg[SREG_CS].base + c->eip;
	e.internal.data[1] = detail;
	cpu_abort_exit(c, &e);
}

/* Drop c's own decodes that reach into 64-byte block b: instructions
 * starting up to 15 bytes before it do. */
static void icache_drop_block(struct cpu *c, uint64_t b)
{
	uint64_t start = b << CODE_SHIFT;
	for (uint64_t a = start >= 15 ? start - 15 : 0; a < start + (1u << CODE_SHIFT); a++) {
		struct insn *i = &c->icache[a & (ICACHE_SIZE - 1)];
		if (i->lin == (uint32_t)a)
			i->mode = 0xff;
	}
}

static void icache_drop_all(struct cpu *c)
{
	for (unsigned n = 0; n < ICACHE_SIZE; n++)
		c->icache[n].mode = 0xff;
}

/* Blocks [b0, b1] of the shared map: are any marked? */
static bool code_marked(const struct cpu *c, uint64_t b0, uint64_t b1)
{
	for (uint64_t b = b0; b <= b1; b++)
		if (c->code_map[b])
			return true;
	return false;
}

/* The code map is shared by every vCPU of the VM (the code_next ring), so
 * a store by any of them drops the decodes of all: cross-modifying code
 * stays coherent without a serialising instruction. */
void icache_invalidate(struct cpu *c, uint64_t lin, uint64_t len)
{
	if (!len || lin >= c->ram_size)
		return;
	uint64_t end = lin + len;
	if (end > c->ram_size)
		end = c->ram_size;
	uint64_t b0 = lin >> CODE_SHIFT, b1 = (end - 1) >> CODE_SHIFT;
	if (b1 - b0 >= ICACHE_SIZE / 16) {
		/* A big write (a loader): drop everything, if it hit any code. */
		if (!code_marked(c, b0, b1))
			return;
		struct cpu *p = c;
		do {
			icache_drop_all(p);
		} while ((p = p->code_next) != c);
		memset(c->code_map + b0, 0, b1 - b0 + 1);
		return;
	}
	for (uint64_t b = b0; b <= b1; b++) {
		if (!c->code_map[b])
			continue;
		c->code_map[b] = 0;
		struct cpu *p = c;
		do {
			icache_drop_block(p, b);
		} while ((p = p->code_next) != c);
	}
}

/* The decoded instruction at linear lin.  The cache is keyed by physical
 * address, so a CR3 switch needs no flush and a store through any alias of
 * a page finds the decodes of it; with paging every lookup translates
 * (the TLB checks the fetch is allowed at this CPL). */
static inline __attribute__((always_inline)) struct insn *lookup(struct cpu *c, uint32_t lin,
                                                                 bool paged)
{
	uint32_t key = paged ? translate(c, lin, access_need(c, false)) : lin;
	struct insn *i = &c->icache[key & (ICACHE_SIZE - 1)];
	if (unlikely(i->lin != key || i->mode != c->mode))
		decode(c, lin, key, i);
	return i;
}

/* Might lin be a breakpoint?  The filter has no false negatives. */
static inline bool bp_filter_hit(const struct cpu *c, uint32_t lin)
{
	return c->bp_filter[lin & (BP_FILTER_SIZE - 1)];
}

/* Up to FAST_BATCH instructions with no debug checks but breakpoints (bps:
 * a filter; a possible one ends the batch before it, for the careful loop
 * to decide).  Paging turned on or off ends a batch, so each form serves a
 * whole batch. */
static inline __attribute__((always_inline)) void exec_batch(struct cpu *c, bool paged, bool bps)
{
	uint64_t left = c->icount_limit - c->icount; /* > 0: the caller checked */
	uint64_t end = c->icount + (left < FAST_BATCH ? left : FAST_BATCH);

	/* c->icount stays exact per instruction: a REP string instruction adds
	 * its iterations as it goes and stops at icount_limit (string.c). */
	c->stop = 0;
	do {
		uint32_t lin = c->seg[SREG_CS].base + c->eip;
		if (bps && unlikely(bp_filter_hit(c, lin))) {
			c->at_bp = true;
			break;
		}
		struct insn *i = lookup(c, lin, paged);
		c->next_eip = (c->eip + i->len) & c->ipmask;
		i->op(c, i);
		c->eip = c->next_eip;
	} while (++c->icount < end && !c->stop);
	if (unlikely(c->inhibit))
		c->inhibit = 1; /* the batch ended at the STI / MOV SS / POP SS */
}

static void exec_fast(struct cpu *c)
{
	exec_batch(c, false, false);
}

static void exec_fast_paged(struct cpu *c)
{
	exec_batch(c, true, false);
}

static void exec_fast_bp(struct cpu *c)
{
	exec_batch(c, false, true);
}

static void exec_fast_paged_bp(struct cpu *c)
{
	exec_batch(c, true, true);
}

/* The fast loop for the current paging mode and breakpoints. */
static void exec_fast_any(struct cpu *c)
{
	static void (*const forms[2][2])(struct cpu *) = {{exec_fast, exec_fast_bp},
	                                                   {exec_fast_paged, exec_fast_paged_bp}};
	forms[c->paging][c->n_bp != 0](c);
}

static bool is_breakpoint(const struct cpu *c, uint32_t lin)
{
	unsigned lo = 0, hi = c->n_bp;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (c->bp[mid] == lin)
			return true;
		if (c->bp[mid] < lin)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool queue_has(const struct cpu *c, enum vcpu_exit_reason r)
{
	for (unsigned n = 0; n < c->pend_n; n++)
		if (c->pend[n].exit.reason == r)
			return true;
	return false;
}

/* After one instruction (or a fault delivered) under debugging: report a
 * watchpoint hit, or the single-step, unless a stop is already queued. */
static void after_step(struct cpu *c)
{
	if (c->wp_hit) {
		const struct vcpu_watchpoint *w = &c->wp[c->wp_hit - 1];
		struct pending_exit *p = cpu_queue_exit(c, VCPU_EXIT_DEBUG);
		p->exit.debug.kind = VCPU_DEBUG_WATCHPOINT;
		p->exit.debug.addr = w->addr;
		p->exit.debug.len = w->len;
		p->exit.debug.is_write = (uint8_t)c->wp_hit_write;
		p->exit.debug.dr6 = 0xffff0ff1u;
		c->wp_hit = 0;
		return;
	}
	if (c->singlestep && !queue_has(c, VCPU_EXIT_HLT) && !queue_has(c, VCPU_EXIT_DEBUG)) {
		struct pending_exit *p = cpu_queue_exit(c, VCPU_EXIT_DEBUG);
		p->exit.debug.kind = VCPU_DEBUG_STEP;
		p->exit.debug.addr = c->seg[SREG_CS].base + c->eip;
		p->exit.debug.dr6 = 0xffff4ff0u;
	}
}

/* One instruction with every check. */
static void exec_one(struct cpu *c)
{
	bool tf = c->flags & FL_TF;
	uint32_t lin = c->seg[SREG_CS].base + c->eip;

	c->stop = 0;
	c->wp_hit = 0;
	c->replay_pos = 0;
	struct insn *i = lookup(c, lin, c->paging);
	c->next_eip = (c->eip + i->len) & c->ipmask;
	i->op(c, i);
	c->bp_inhibit_on = c->next_eip == c->eip && i->rep;
	c->bp_inhibit = lin;
	c->eip = c->next_eip;
	c->icount++;
	c->replay_n = c->replay_pos = 0;
	c->pend_mark = c->pend_n;
	if (c->inhibit)
		c->inhibit--; /* a shadow ends after the instruction it covers */
	if (tf && !queue_has(c, VCPU_EXIT_DEBUG)) {
		/* Guest single-step trap (EFLAGS.TF): #DB after the instruction. */
		cpu_deliver_event(c, EXC_DB, -1, DELIVER_BENIGN);
	}
}

static enum deliver_class fault_class(int vec)
{
	switch (vec) {
	case EXC_DE:
	case EXC_TS:
	case EXC_NP:
	case EXC_SS:
	case EXC_GP:
		return DELIVER_CONTRIBUTORY;
	case EXC_DF:
		return DELIVER_DOUBLE;
	case EXC_PF:
		return DELIVER_PAGE_FAULT;
	default:
		return DELIVER_BENIGN;
	}
}

static bool has_error_code(int vec)
{
	return vec == EXC_DF || (vec >= EXC_TS && vec <= EXC_GP) || vec == 14 || vec == 17;
}

/* A fault was raised: deliver it.  One raised while delivering another
 * event is delivered after it, or becomes #DF (two contributory faults),
 * or shutdown (a fault delivering #DF). */
static void handle_fault(struct cpu *c)
{
	int vec = c->fault_vec;
	int32_t err = c->fault_err;
	enum deliver_class first = c->delivering;

	c->replay_n = c->replay_pos = 0;
	c->pend_n = c->pend_mark;
	c->delivering = DELIVER_NONE;
	if (first == DELIVER_DOUBLE) {
		cpu_queue_exit(c, VCPU_EXIT_SHUTDOWN);
		return;
	}
	enum deliver_class second = fault_class(vec);
	if ((first == DELIVER_CONTRIBUTORY && second == DELIVER_CONTRIBUTORY) ||
	    (first == DELIVER_PAGE_FAULT &&
	     (second == DELIVER_CONTRIBUTORY || second == DELIVER_PAGE_FAULT))) {
		vec = EXC_DF;
		err = 0;
	}
	if (!cpu_pmode(c) || !has_error_code(vec))
		err = -1;
	cpu_deliver_event(c, (unsigned)vec, err, vec == EXC_DF ? DELIVER_DOUBLE : second);
	c->icount++;
	if (c->debug_slow)
		after_step(c);
}

/* Deliver the injected external interrupt.  Under single-step the
 * handler's first instruction runs before the step is reported, as on KVM;
 * for the instruction count the delivery is one of its own, so that a
 * position between the delivery and the handler's first instruction (a
 * breakpoint there) is a count a replay can stop at. */
static void deliver_irq(struct cpu *c)
{
	c->irq_pending = false;
	cpu_deliver_event(c, c->irq_vector, -1, DELIVER_BENIGN);
	c->icount++;
}

/* Between instructions: an injected interrupt or an open interrupt window
 * the caller asked for.  True if an exit is now queued. */
static bool irq_check(struct cpu *c)
{
	if (c->irq_pending)
		deliver_irq(c);
	else if (c->irq_window && cpu_irq_ready(c))
		cpu_queue_exit(c, VCPU_EXIT_IRQ_WINDOW);
	return c->pend_n != 0;
}

static void pop_exit(struct cpu *c, struct vcpu_exit *exit)
{
	struct pending_exit *p = &c->pend[0];

	*exit = p->exit;
	memcpy(c->xfer, p->data, sizeof(c->xfer));
	if (exit->reason == VCPU_EXIT_IO)
		exit->io.data = c->xfer;
	else if (exit->reason == VCPU_EXIT_MMIO)
		exit->mmio.data = c->xfer;
	if (exit->reason == VCPU_EXIT_MSR) {
		c->msr_data = (uint64_t)load_le(p->data + 4, 4) << 32 | load_le(p->data, 4);
		c->msr_gp = 0;
		exit->msr.data = &c->msr_data;
		exit->msr.gp = &c->msr_gp;
		c->awaiting_input = AWAIT_MSR;
	} else if (p->input) {
		memset(c->xfer, 0, sizeof(c->xfer));
		c->awaiting_input = 1;
		c->in_len = exit->reason == VCPU_EXIT_IO ? exit->io.size : exit->mmio.len;
	}
	memmove(&c->pend[0], &c->pend[1], (c->pend_n - 1) * sizeof(c->pend[0]));
	c->pend_n--;
}

/* The caller has stored the value of the last input exit: log it for the
 * re-execution of its instruction. */
static void take_input(struct cpu *c)
{
	if (!c->awaiting_input)
		return;
	if (c->awaiting_input == AWAIT_MSR) { /* two inputs: the #GP verdict, the value */
		c->awaiting_input = 0;
		if (c->replay_n + 2 <= MAX_REPLAY) {
			c->replay[c->replay_n++] = c->msr_gp;
			c->replay[c->replay_n++] = c->msr_data;
		}
		return;
	}
	uint64_t val = 0;
	memcpy(&val, c->xfer, c->in_len > 8 ? 8 : c->in_len);
	if (c->replay_n < MAX_REPLAY)
		c->replay[c->replay_n++] = val;
	c->awaiting_input = 0;
}

/* Execute again the instruction abandoned for its input, which is now in
 * the replay log: it completes, or stops at its next input exit. */
static void finish_input_insn(struct cpu *c)
{
	c->pend_mark = 0;
	c->delivering = DELIVER_NONE;
	switch (setjmp(c->jb)) {
	case 0:
		exec_one(c);
		if (c->debug_slow)
			after_step(c);
		break;
	case JMP_FAULT:
		handle_fault(c);
		break;
	default: /* it needs another input: the next run returns that exit */
		c->bp_inhibit_on = true;
		c->bp_inhibit = c->seg[SREG_CS].base + c->eip;
		break;
	}
}

int emu_cpu_complete_io(struct vcpu *v)
{
	struct cpu *c = cpu_of(v);

	take_input(c);
	if (c->replay_n && !c->pend_n)
		finish_input_insn(c);
	/* The caller reports this stop itself: a single-step report queued
	 * behind an `out` would make the next run return without running. */
	unsigned kept = 0;
	for (unsigned n = 0; n < c->pend_n; n++)
		if (c->pend[n].exit.reason != VCPU_EXIT_DEBUG ||
		    c->pend[n].exit.debug.kind != VCPU_DEBUG_STEP)
			c->pend[kept++] = c->pend[n];
	c->pend_n = kept;
	return 0;
}

int emu_cpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
	struct cpu *c = cpu_of(v);

	take_input(c);
	if (c->pend_n) {
		pop_exit(c, exit);
		return 0;
	}
	c->pend_mark = 0;
	c->delivering = DELIVER_NONE;

	switch (setjmp(c->jb)) {
	case 0:
		break;
	case JMP_FAULT:
		handle_fault(c);
		break;
	default: /* JMP_EXIT: the exit is queued, the instruction not done */
		c->bp_inhibit_on = true; /* it was started: no breakpoint on retry */
		c->bp_inhibit = c->seg[SREG_CS].base + c->eip;
		goto out;
	}

	while (!c->pend_n) {
		/* An instruction waiting for its input completes before a kick is
		 * taken: the input is consumed exactly once. */
		if (!c->replay_n && __atomic_load_n(&c->kicked, __ATOMIC_RELAXED)) {
			__atomic_store_n(&c->kicked, 0, __ATOMIC_RELAXED);
			cpu_queue_exit(c, VCPU_EXIT_INTR);
			break;
		}
		if (unlikely(c->icount >= c->icount_limit) && !c->replay_n) {
			cpu_queue_exit(c, VCPU_EXIT_INTR); /* the clock's next deadline */
			break;
		}
		if (unlikely(c->irq_pending | c->irq_window) && !c->replay_n) {
			bool delivering = c->irq_pending;
			if (irq_check(c))
				break;
			if (delivering)
				continue; /* the delivery counted: the limit again */
		}
		if (!c->debug_slow && !(c->flags & FL_TF) && !c->replay_n && !c->inhibit &&
		    !c->at_bp) {
			exec_fast_any(c);
			continue;
		}
		c->at_bp = false;
		uint32_t lin = c->seg[SREG_CS].base + c->eip;
		if (c->n_bp && !(c->bp_inhibit_on && c->bp_inhibit == lin) &&
		    is_breakpoint(c, lin)) {
			struct pending_exit *p = cpu_queue_exit(c, VCPU_EXIT_DEBUG);
			p->exit.debug.kind = VCPU_DEBUG_BREAKPOINT;
			p->exit.debug.addr = lin;
			p->exit.debug.dr6 = 0xffff0ff0u;
			break;
		}
		exec_one(c);
		if (c->debug_slow)
			after_step(c);
	}
out:
	pop_exit(c, exit);
	return 0;
}
