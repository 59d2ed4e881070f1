/* Reverse execution: the log of host calls, checkpoints, replay (history.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/emu.h"
#include "replay/history.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1u << PAGE_SHIFT)
/* Instructions between checkpoints: at least this many, and more with more
 * RAM, so that comparing RAM for a checkpoint stays ~1 % of the run. */
#define CHECKPOINT_INSNS (1024u * 1024)
#define MAX_CPUS         64

/* ---- the log ------------------------------------------------------- */

enum rec_kind {
	REC_RUN,          /* a run: the exit (reason) it returned, icount start..end */
	REC_INPUT,        /* the answer to the last input exit: a = value, gp */
	REC_SET_STATE,    /* payload: struct vcpu_state */
	REC_COMPLETE_IO,
	REC_INJECT,       /* a = vector */
	REC_IRQ_WINDOW,   /* a = on */
	REC_TAKE_PENDING,
	REC_RAM,          /* a = gpa, len, payload: the bytes written */
	REC_A20,          /* a = on */
};

struct rec_entry {
	uint8_t kind;
	uint8_t cpu;
	uint8_t reason; /* REC_RUN: enum vcpu_exit_reason, REASON_ERROR if the run failed */
	uint8_t gp;     /* REC_INPUT: the #GP verdict; REC_RUN: its exit takes nothing back */
	uint32_t len;
	uint64_t start, end;
	uint64_t a;
	void *payload;
};

#define REASON_ERROR 0xff

/* ---- RAM versions: each page's contents at the checkpoints that changed it */

struct page_version {
	uint64_t cp;   /* id of the checkpoint it was taken at */
	uint8_t *data; /* NULL: all zero */
};

struct page_hist {
	struct page_version *v; /* by cp, ascending */
	uint32_t n, cap;
};

struct checkpoint {
	uint64_t id;
	uint64_t entry;  /* its position: (entry, 0) */
	uint64_t insns;  /* instructions of every vCPU before it, since recording began */
	uint8_t *cpus;   /* each vCPU's emu_vcpu_save() */
};

struct rec_cpu {
	struct vcpu *vcpu;
	uint64_t run_start;   /* icount when its current run began */
	uint64_t host_limit;  /* the host's icount limit, while ours is in force */
	bool limited;
};

struct history {
	struct vcpu_observer observer; /* first: the observer is the history */
	uint8_t *ram;
	uint64_t ram_size, npages;
	struct rec_cpu cpus[MAX_CPUS];
	unsigned n_cpus;
	size_t cpu_size; /* emu_vcpu_saved_size() */

	struct rec_entry *log; /* log[i] is entry arr_base + i, i < log_len */
	uint64_t arr_base, log_len, log_cap;
	uint64_t log_base; /* the oldest entry kept (older ones are freed) */

	struct checkpoint *cps; /* oldest first */
	size_t n_cps, cps_cap;
	uint64_t next_cp_id;
	struct page_hist *pages;
	uint8_t *shadow; /* RAM as of the newest checkpoint */

	uint64_t interval, since_cp; /* instructions between checkpoints, since the last */
	uint64_t insns_total;        /* every vCPU's instructions since recording began */
	struct history_pos pos;      /* where the vCPUs are */
	bool in_past;
	bool replaying; /* the calls are ours: not recorded */
	int interrupted; /* __atomic */

	uint64_t bytes, budget, dropped, diverged;
	bool out_of_memory; /* recording stopped keeping entries */
};

static uint64_t log_end(const struct history *h)
{
	return h->arr_base + h->log_len;
}

static struct rec_entry *entry_at(struct history *h, uint64_t e)
{
	return &h->log[e - h->arr_base];
}

static int pos_cmp(struct history_pos a, struct history_pos b)
{
	if (a.entry != b.entry)
		return a.entry < b.entry ? -1 : 1;
	return a.insns < b.insns ? -1 : a.insns > b.insns;
}

static struct history_pos present(const struct history *h)
{
	return (struct history_pos){log_end(h), 0};
}

static int cpu_index(const struct history *h, const struct vcpu *v)
{
	for (unsigned i = 0; i < h->n_cpus; i++)
		if (h->cpus[i].vcpu == v)
			return (int)i;
	return -1;
}

static struct rec_entry *append(struct history *h, enum rec_kind kind, unsigned cpu)
{
	if (h->log_len == h->log_cap) {
		uint64_t cap = h->log_cap ? h->log_cap * 2 : 4096;
		struct rec_entry *n = realloc(h->log, cap * sizeof(*n));
		if (!n) {
			h->out_of_memory = true;
			return NULL;
		}
		h->bytes += (cap - h->log_cap) * sizeof(*n);
		h->log = n;
		h->log_cap = cap;
	}
	struct rec_entry *r = &h->log[h->log_len++];
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)kind;
	r->cpu = (uint8_t)cpu;
	return r;
}

static void *payload_dup(struct history *h, struct rec_entry *r, const void *src, size_t len)
{
	r->payload = malloc(len ? len : 1);
	if (!r->payload) {
		h->out_of_memory = true;
		return NULL;
	}
	memcpy(r->payload, src, len);
	h->bytes += len;
	return r->payload;
}

static size_t payload_size(const struct rec_entry *r)
{
	return r->kind == REC_SET_STATE ? sizeof(struct vcpu_state) : r->kind == REC_RAM ? r->len : 0;
}

/* Forget entries before upto (they precede the oldest checkpoint); the
 * array is compacted once the dead part outgrows the live one. */
static void free_entries(struct history *h, uint64_t upto)
{
	if (upto > log_end(h))
		upto = log_end(h);
	for (; h->log_base < upto; h->log_base++) {
		struct rec_entry *r = entry_at(h, h->log_base);
		h->bytes -= payload_size(r);
		free(r->payload);
	}
	uint64_t dead = h->log_base - h->arr_base;
	if (dead && dead >= h->log_len - dead) {
		memmove(h->log, h->log + dead, (h->log_len - dead) * sizeof(*h->log));
		h->log_len -= dead;
		h->arr_base = h->log_base;
	}
}

/* ---- checkpoints --------------------------------------------------- */

static bool page_is_zero(const uint8_t *p)
{
	static const uint8_t zero[PAGE_SIZE];
	return memcmp(p, zero, PAGE_SIZE) == 0;
}

static int page_add_version(struct history *h, uint64_t page, uint64_t cp)
{
	struct page_hist *ph = &h->pages[page];
	const uint8_t *src = h->ram + (page << PAGE_SHIFT);
	if (ph->n == ph->cap) {
		uint32_t cap = ph->cap ? ph->cap * 2 : 2;
		struct page_version *n = realloc(ph->v, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		h->bytes += (cap - ph->cap) * sizeof(*n);
		ph->v = n;
		ph->cap = cap;
	}
	uint8_t *data = NULL;
	if (!page_is_zero(src)) {
		data = malloc(PAGE_SIZE);
		if (!data)
			return -ENOMEM;
		memcpy(data, src, PAGE_SIZE);
		h->bytes += PAGE_SIZE;
	}
	ph->v[ph->n++] = (struct page_version){cp, data};
	return 0;
}

/* The version of a page as of checkpoint id cp (NULL data: zero). */
static const struct page_version *page_at(const struct history *h, uint64_t page, uint64_t cp)
{
	const struct page_hist *ph = &h->pages[page];
	for (uint32_t k = ph->n; k-- > 0;)
		if (ph->v[k].cp <= cp)
			return &ph->v[k];
	return NULL; /* not reached: the first checkpoint has every page */
}

/* Does a page of RAM hold version v? */
static bool page_holds(const uint8_t *page, const struct page_version *v)
{
	return v->data ? memcmp(page, v->data, PAGE_SIZE) == 0 : page_is_zero(page);
}

/* A checkpoint at the present: the pages changed since the newest one and
 * every vCPU's state. */
static int checkpoint_take(struct history *h)
{
	if (h->n_cps == h->cps_cap) {
		size_t cap = h->cps_cap ? h->cps_cap * 2 : 16;
		struct checkpoint *n = realloc(h->cps, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		h->cps = n;
		h->cps_cap = cap;
	}
	struct checkpoint *cp = &h->cps[h->n_cps];
	cp->id = h->next_cp_id;
	cp->entry = log_end(h);
	cp->insns = h->insns_total;
	cp->cpus = malloc(h->cpu_size * h->n_cpus);
	if (!cp->cpus)
		return -ENOMEM;
	for (unsigned i = 0; i < h->n_cpus; i++)
		emu_vcpu_save(h->cpus[i].vcpu, cp->cpus + i * h->cpu_size);
	bool first = h->n_cps == 0;
	for (uint64_t p = 0; p < h->npages; p++) {
		uint8_t *now = h->ram + (p << PAGE_SHIFT), *was = h->shadow + (p << PAGE_SHIFT);
		if (!first && memcmp(now, was, PAGE_SIZE) == 0)
			continue;
		if (page_add_version(h, p, cp->id) < 0) {
			free(cp->cpus); /* the versions taken so far are right, and kept */
			return -ENOMEM;
		}
		memcpy(was, now, PAGE_SIZE);
	}
	h->bytes += h->cpu_size * h->n_cpus;
	h->n_cps++;
	h->next_cp_id++;
	h->since_cp = 0;
	return 0;
}

static void drop_oldest_checkpoint(struct history *h)
{
	const struct checkpoint *next = &h->cps[1];
	for (uint64_t p = 0; p < h->npages; p++) {
		struct page_hist *ph = &h->pages[p];
		uint32_t keep = 0; /* the version valid at next, and the newer ones */
		for (uint32_t k = 0; k < ph->n; k++)
			if (ph->v[k].cp <= next->id)
				keep = k;
		for (uint32_t k = 0; k < keep; k++) {
			if (ph->v[k].data)
				h->bytes -= PAGE_SIZE;
			free(ph->v[k].data);
		}
		memmove(ph->v, ph->v + keep, (ph->n - keep) * sizeof(*ph->v));
		ph->n -= keep;
	}
	free_entries(h, next->entry);
	h->bytes -= h->cpu_size * h->n_cpus;
	free(h->cps[0].cpus);
	memmove(h->cps, h->cps + 1, (h->n_cps - 1) * sizeof(*h->cps));
	h->n_cps--;
	h->dropped++;
}

/* Keep within the budget while recording, never dropping the newest two
 * checkpoints. */
static void enforce_budget(struct history *h)
{
	while (h->bytes > h->budget && h->n_cps > 2)
		drop_oldest_checkpoint(h);
}

/* RAM and every vCPU as at checkpoint cp. */
static void checkpoint_restore(struct history *h, const struct checkpoint *cp)
{
	for (uint64_t p = 0; p < h->npages; p++) {
		const struct page_version *v = page_at(h, p, cp->id);
		uint8_t *to = h->ram + (p << PAGE_SHIFT);
		if (page_holds(to, v))
			continue;
		if (v->data)
			memcpy(to, v->data, PAGE_SIZE);
		else
			memset(to, 0, PAGE_SIZE);
	}
	for (unsigned i = 0; i < h->n_cpus; i++)
		emu_vcpu_restore(h->cpus[i].vcpu, cp->cpus + i * h->cpu_size);
	h->pos = (struct history_pos){cp->entry, 0};
}

static bool segment_equal(const struct vcpu_segment *a, const struct vcpu_segment *b)
{
	return a->base == b->base && a->limit == b->limit && a->selector == b->selector &&
	       a->type == b->type && a->s == b->s && a->dpl == b->dpl && a->present == b->present &&
	       a->db == b->db && a->g == b->g && a->avl == b->avl;
}

/* Field by field: padding bytes are nobody's state. */
static bool state_equal(const struct vcpu_state *a, const struct vcpu_state *b)
{
	if (memcmp(a->gpr, b->gpr, sizeof(a->gpr)) != 0 || a->eip != b->eip ||
	    a->eflags != b->eflags || a->cr0 != b->cr0 || a->cr2 != b->cr2 || a->cr3 != b->cr3 ||
	    a->cr4 != b->cr4 || a->gdt.base != b->gdt.base || a->gdt.limit != b->gdt.limit ||
	    a->idt.base != b->idt.base || a->idt.limit != b->idt.limit ||
	    !segment_equal(&a->tr, &b->tr) || !segment_equal(&a->ldt, &b->ldt))
		return false;
	for (unsigned s = 0; s < SREG_COUNT; s++)
		if (!segment_equal(&a->seg[s], &b->seg[s]))
			return false;
	return true;
}

/* Does RAM and every vCPU match checkpoint cp (the replay reproduced it)? */
static bool checkpoint_matches(const struct history *h, const struct checkpoint *cp)
{
	for (uint64_t p = 0; p < h->npages; p++)
		if (!page_holds(h->ram + (p << PAGE_SHIFT), page_at(h, p, cp->id)))
			return false;
	for (unsigned i = 0; i < h->n_cpus; i++) {
		struct vcpu_state now, then;
		struct vcpu *v = h->cpus[i].vcpu;
		if (vcpu_get_state(v, &now) < 0)
			return false;
		const uint8_t *buf = cp->cpus + i * h->cpu_size;
		if (emu_vcpu_saved_state(buf, &then) < 0 || !state_equal(&now, &then) ||
		    emu_vcpu_saved_instructions(buf) != emu_vcpu_instructions(v))
			return false;
	}
	return true;
}

/* The newest checkpoint at or before position pos. */
static const struct checkpoint *checkpoint_before(const struct history *h, struct history_pos pos)
{
	const struct checkpoint *best = &h->cps[0];
	for (size_t i = 0; i < h->n_cps; i++)
		if (h->cps[i].entry <= pos.entry)
			best = &h->cps[i];
	return best;
}

static const struct checkpoint *checkpoint_at_entry(const struct history *h, uint64_t entry)
{
	for (size_t i = h->n_cps; i-- > 0;)
		if (h->cps[i].entry == entry)
			return &h->cps[i];
	return NULL;
}

/* ---- recording ----------------------------------------------------- */

static uint64_t icount(const struct history *h, unsigned cpu)
{
	return emu_vcpu_instructions(h->cpus[cpu].vcpu);
}

/* Before a run: its start, the input it consumes, a checkpoint when one is
 * due, and a limit so that no run goes far past the next one. */
static void record_take_input(struct history *h, unsigned cpu, bool run)
{
	struct rec_cpu *rc = &h->cpus[cpu];
	uint64_t value;
	uint8_t gp;
	if (emu_vcpu_input(rc->vcpu, &value, &gp)) {
		struct rec_entry *r = append(h, REC_INPUT, cpu);
		if (r) {
			r->a = value;
			r->gp = gp;
		}
	}
	if (!run)
		return;
	if (h->since_cp >= h->interval) {
		if (checkpoint_take(h) < 0)
			h->out_of_memory = true;
		enforce_budget(h);
	}
	rc->run_start = icount(h, cpu);
	rc->host_limit = emu_vcpu_icount_limit(rc->vcpu);
	uint64_t due = rc->run_start + (h->interval - h->since_cp);
	rc->limited = due < rc->host_limit;
	if (rc->limited)
		emu_vcpu_set_icount_limit(rc->vcpu, due);
}

/* An exit after which the CPU goes on with nothing from the host: an
 * `out`, an MMIO write, a hlt, a step, a kick...  Not a read (its value
 * comes back) nor a fault. */
static bool passive_exit(const struct vcpu_exit *e)
{
	switch (e->reason) {
	case VCPU_EXIT_IO:
		return e->io.is_write;
	case VCPU_EXIT_MMIO:
		return e->mmio.is_write;
	case VCPU_EXIT_HLT:
	case VCPU_EXIT_DEBUG:
	case VCPU_EXIT_INTR:
	case VCPU_EXIT_IRQ_WINDOW:
	case VCPU_EXIT_HYPERCALL:
		return true;
	default:
		return false;
	}
}

/* The run entry a run of cpu from start may extend: the last entry, if it
 * is cpu's run that ended at a passive exit right there, with no host call
 * and no checkpoint since (a guest writing to a port in a loop, or a
 * debugger stepping, then costs one entry, not one per exit). */
static struct rec_entry *run_to_extend(struct history *h, unsigned cpu, uint64_t start)
{
	if (log_end(h) == h->log_base || h->cps[h->n_cps - 1].entry == log_end(h))
		return NULL;
	struct rec_entry *last = entry_at(h, log_end(h) - 1);
	return last->kind == REC_RUN && last->cpu == cpu && last->gp && last->end == start ? last
	                                                                                 : NULL;
}

static void record_run(struct history *h, unsigned cpu, const struct vcpu_call *call)
{
	struct rec_cpu *rc = &h->cpus[cpu];
	if (rc->limited)
		emu_vcpu_set_icount_limit(rc->vcpu, rc->host_limit);
	rc->limited = false;
	struct rec_entry *r = run_to_extend(h, cpu, rc->run_start);
	if (!r) {
		if (!(r = append(h, REC_RUN, cpu)))
			return;
		r->start = rc->run_start;
	}
	uint64_t end = icount(h, cpu);
	r->reason = call->result < 0 ? REASON_ERROR : (uint8_t)call->exit->reason;
	r->gp = call->result == 0 && passive_exit(call->exit);
	r->end = end;
	h->since_cp += end - rc->run_start;
	h->insns_total += end - rc->run_start;
}

/* The host wrote guest RAM: once per write, though every vCPU is told. */
static void record_ram(struct history *h, unsigned cpu, uint64_t gpa, uint64_t len)
{
	if (gpa >= h->ram_size)
		return;
	if (len > h->ram_size - gpa)
		len = h->ram_size - gpa;
	if (log_end(h) > h->log_base) {
		const struct rec_entry *last = entry_at(h, log_end(h) - 1);
		if (last->kind == REC_RAM && last->a == gpa && last->len == len &&
		    memcmp(last->payload, h->ram + gpa, len) == 0)
			return;
	}
	struct rec_entry *r = append(h, REC_RAM, cpu);
	if (!r)
		return;
	r->a = gpa;
	r->len = (uint32_t)len;
	payload_dup(h, r, h->ram + gpa, len);
}

/* The calls logged as themselves with their argument (a). */
static const uint8_t plain_calls[] = {
    [VCPU_CALL_COMPLETE_IO] = REC_COMPLETE_IO, [VCPU_CALL_INJECT] = REC_INJECT,
    [VCPU_CALL_IRQ_WINDOW] = REC_IRQ_WINDOW,   [VCPU_CALL_TAKE_PENDING] = REC_TAKE_PENDING,
    [VCPU_CALL_A20] = REC_A20,
};

static void observe(struct vcpu_observer *o, struct vcpu *v, const struct vcpu_call *call)
{
	struct history *h = (struct history *)o;
	int cpu = cpu_index(h, v);
	if (h->replaying || cpu < 0 || h->out_of_memory)
		return;
	struct rec_entry *r;
	switch (call->kind) {
	case VCPU_CALL_TAKE_INPUT:
		record_take_input(h, (unsigned)cpu, call->a != 0);
		return;
	case VCPU_CALL_RUN:
		record_run(h, (unsigned)cpu, call);
		break;
	case VCPU_CALL_SET_STATE:
		if ((r = append(h, REC_SET_STATE, (unsigned)cpu)))
			payload_dup(h, r, call->state, sizeof(*call->state));
		break;
	case VCPU_CALL_RAM_WRITTEN:
		record_ram(h, (unsigned)cpu, call->a, call->b);
		break;
	case VCPU_CALL_COMPLETE_IO:
	case VCPU_CALL_INJECT:
	case VCPU_CALL_IRQ_WINDOW:
	case VCPU_CALL_TAKE_PENDING:
	case VCPU_CALL_A20:
		if ((r = append(h, plain_calls[call->kind], (unsigned)cpu)))
			r->a = call->a;
		break;
	}
}

struct history *history_create(uint8_t *ram, uint64_t ram_size, struct vcpu *const *cpus,
                               unsigned n, uint64_t budget)
{
	if (n == 0 || n > MAX_CPUS || ram_size % PAGE_SIZE)
		return NULL; /* --mem is in 4 KiB pages */
	struct history *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->observer.observe = observe;
	h->ram = ram;
	h->ram_size = ram_size;
	h->npages = ram_size >> PAGE_SHIFT;
	h->n_cpus = n;
	h->cpu_size = emu_vcpu_saved_size();
	h->budget = budget;
	h->interval = ram_size / 4 > CHECKPOINT_INSNS ? ram_size / 4 : CHECKPOINT_INSNS;
	h->pages = calloc(h->npages, sizeof(*h->pages));
	h->shadow = malloc(h->npages << PAGE_SHIFT);
	for (unsigned i = 0; i < n; i++)
		h->cpus[i].vcpu = cpus[i];
	if (!h->pages || !h->shadow || checkpoint_take(h) < 0) {
		history_destroy(h);
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		cpus[i]->observer = &h->observer;
	return h;
}

void history_set_interval(struct history *h, uint64_t insns)
{
	h->interval = insns ? insns : 1;
}

void history_destroy(struct history *h)
{
	if (!h)
		return;
	for (unsigned i = 0; i < h->n_cpus; i++)
		if (h->cpus[i].vcpu && h->cpus[i].vcpu->observer == &h->observer)
			h->cpus[i].vcpu->observer = NULL;
	free_entries(h, log_end(h));
	free(h->log);
	for (size_t i = 0; i < h->n_cps; i++)
		free(h->cps[i].cpus);
	free(h->cps);
	for (uint64_t p = 0; h->pages && p < h->npages; p++) {
		for (uint32_t k = 0; k < h->pages[p].n; k++)
			free(h->pages[p].v[k].data);
		free(h->pages[p].v);
	}
	free(h->pages);
	free(h->shadow);
	free(h);
}

/* ---- replay -------------------------------------------------------- */

/* Exits that came from outside the instruction stream (a kick, the
 * instruction limit, the debugger's points): a replay stops there by the
 * instruction count.  All others the CPU makes again by itself. */
static bool exit_is_async(uint8_t reason)
{
	return reason == VCPU_EXIT_INTR || reason == VCPU_EXIT_DEBUG;
}

/* What a replay watches for: the debug exits of a setup the caller made. */
enum scan_mode {
	SCAN_FIRST, /* stop at the first hit */
	SCAN_LAST,  /* go on, keeping the last hit before `before` */
};

struct scan {
	enum scan_mode mode;
	struct history_pos before;
	bool found;
	struct history_pos at; /* SCAN_LAST: the hit's position */
	struct history_hit hit;
};

enum { REPLAY_OK = 0, REPLAY_HIT = 1, REPLAY_INTERRUPTED = 2, REPLAY_DIVERGED = 3 };

/* The run entry of vCPU cpu in which its instruction number count ran
 * (start <= count < end), searching back from entry `from`; -1 if none is
 * kept. */
static int64_t run_back(struct history *h, unsigned cpu, uint64_t count, int64_t from)
{
	for (int64_t e = from; e >= (int64_t)h->log_base; e--) {
		const struct rec_entry *r = entry_at(h, (uint64_t)e);
		if (r->kind != REC_RUN || r->cpu != cpu)
			continue;
		if (r->start <= count && count < r->end)
			return e;
		if (r->end <= count)
			return -1;
	}
	return -1;
}

/* The position just before vCPU cpu's instruction number count, searching
 * back from entry `from`: false if it is no longer kept. */
static bool before_insn(struct history *h, unsigned cpu, uint64_t count, int64_t from,
                        struct history_pos *at)
{
	int64_t e = run_back(h, cpu, count, from);
	if (e < 0)
		return false;
	*at = (struct history_pos){(uint64_t)e, count - entry_at(h, (uint64_t)e)->start};
	return true;
}

/* The same as run_back, searching forward from entry `from`. */
static int64_t run_forward(struct history *h, unsigned cpu, uint64_t count, uint64_t from)
{
	for (uint64_t e = from; e < log_end(h); e++) {
		const struct rec_entry *r = entry_at(h, e);
		if (r->kind == REC_RUN && r->cpu == cpu && r->start <= count && count < r->end)
			return (int64_t)e;
	}
	return -1;
}

/* The position after run entry e and the host's calls that followed it:
 * where the next run (of any vCPU) begins, or the present. */
static struct history_pos after_run(struct history *h, uint64_t e)
{
	for (uint64_t n = e + 1; n < log_end(h); n++)
		if (entry_at(h, n)->kind == REC_RUN)
			return (struct history_pos){n, 0};
	return present(h);
}

/* The end of a run is the position after its entry: one name for it. */
static struct history_pos canonical(struct history *h, struct history_pos at)
{
	const struct rec_entry *r = entry_at(h, at.entry);
	if (at.insns && at.insns == r->end - r->start)
		return (struct history_pos){at.entry + 1, 0};
	return at;
}

/* A debug exit during a replay with a scan: note the hit. */
static int scan_hit(struct history *h, uint64_t e, const struct vcpu_exit *exit, struct scan *sc)
{
	const struct rec_entry *r = entry_at(h, e);
	uint64_t now = icount(h, r->cpu);
	struct history_pos at = {e, now - r->start};
	bool watch = exit->debug.kind == VCPU_DEBUG_WATCHPOINT;
	if (sc->mode == SCAN_LAST && watch) {
		/* Backward, a watchpoint stops before the access. */
		if (!now || !before_insn(h, r->cpu, now - 1, (int64_t)e, &at))
			return REPLAY_OK;
	}
	at = canonical(h, at);
	if (!watch)
		emu_vcpu_skip_breakpoint(h->cpus[r->cpu].vcpu);
	if (sc->mode == SCAN_LAST && pos_cmp(at, sc->before) >= 0)
		return REPLAY_OK;
	sc->found = true;
	sc->at = at;
	sc->hit = (struct history_hit){
	    .stop = watch ? HISTORY_WATCHPOINT : HISTORY_BREAKPOINT, .cpu = r->cpu, .exit = *exit};
	return sc->mode == SCAN_FIRST ? REPLAY_HIT : REPLAY_OK;
}

static void report_divergence(struct history *h, uint64_t e, const char *what)
{
	h->diverged++;
	fprintf(stderr,
	        "kvm-gdbstub: replay did not reproduce the record at entry %llu (%s); "
	        "history before the present is dropped\n",
	        (unsigned long long)e, what);
}

/* Run entry e's vCPU on from the position to `until` instructions into it
 * (all of them: the run and its exit, as recorded). */
static int replay_run(struct history *h, uint64_t e, uint64_t until, struct scan *sc)
{
	const struct rec_entry *r = entry_at(h, e);
	struct vcpu *v = h->cpus[r->cpu].vcpu;
	uint64_t total = r->end - r->start;
	bool whole = until == total;
	bool sync = whole && !exit_is_async(r->reason);
	uint64_t host_limit = emu_vcpu_icount_limit(v);

	if (r->reason == REASON_ERROR) {
		h->pos = (struct history_pos){e + 1, 0};
		return REPLAY_OK;
	}
	for (;;) {
		uint64_t now = icount(h, r->cpu);
		if (now < r->start || now - r->start > until) {
			report_divergence(h, e, "instruction count");
			return REPLAY_DIVERGED;
		}
		h->pos = (struct history_pos){e, now - r->start};
		if (now - r->start == until && !sync)
			break;
		struct vcpu_exit exit;
		emu_vcpu_set_icount_limit(v, r->start + until + sync);
		int rc = vcpu_run(v, &exit);
		emu_vcpu_set_icount_limit(v, host_limit);
		if (rc < 0)
			return rc;
		now = icount(h, r->cpu);
		h->pos = (struct history_pos){e, now - r->start};
		if (exit.reason == VCPU_EXIT_DEBUG && sc) {
			rc = scan_hit(h, e, &exit, sc);
			if (rc != REPLAY_OK)
				return rc;
			continue;
		}
		if (exit.reason == VCPU_EXIT_INTR && !sync && now - r->start == until)
			break;
		if (exit.reason == VCPU_EXIT_INTR) {
			if (__atomic_load_n(&h->interrupted, __ATOMIC_SEQ_CST))
				return REPLAY_INTERRUPTED;
			continue; /* a kick left over from before: run on */
		}
		/* The recorded exit: its reason, at its count, passive or not (an
		 * `out` and the `in` after it end at the same count). */
		if (sync && exit.reason == r->reason && now == r->end && passive_exit(&exit) == r->gp)
			break;
		if (now <= r->end && passive_exit(&exit))
			continue; /* one of the exits the entry stands for */
		report_divergence(h, e, vcpu_exit_reason_name(exit.reason));
		return REPLAY_DIVERGED;
	}
	h->pos = whole ? (struct history_pos){e + 1, 0} : (struct history_pos){e, until};
	return REPLAY_OK;
}

/* Make again the host's call of entry r. */
static int replay_call(struct history *h, const struct rec_entry *r)
{
	struct vcpu *v = h->cpus[r->cpu].vcpu;
	switch ((enum rec_kind)r->kind) {
	case REC_INPUT:
		emu_vcpu_set_input(v, r->a, r->gp);
		return 0;
	case REC_SET_STATE:
		return vcpu_set_state(v, r->payload);
	case REC_COMPLETE_IO:
		return vcpu_complete_io(v);
	case REC_INJECT:
		return vcpu_inject_interrupt(v, (uint8_t)r->a);
	case REC_IRQ_WINDOW:
		vcpu_request_interrupt_window(v, r->a != 0);
		return 0;
	case REC_TAKE_PENDING:
		vcpu_take_pending_interrupt(v);
		return 0;
	case REC_RAM:
		memcpy(h->ram + r->a, r->payload, r->len);
		vcpu_ram_written(v, r->a, r->len);
		return 0;
	case REC_A20:
		emu_vcpu_set_a20(v, r->a != 0);
		return 0;
	case REC_RUN:
		break;
	}
	return -EINVAL;
}

/* Arrived at a checkpoint's position by replay: it must be what was
 * recorded.  If not, the history before it cannot be trusted: drop it and
 * go on from the checkpoint. */
static int verify_checkpoint(struct history *h)
{
	const struct checkpoint *cp = checkpoint_at_entry(h, h->pos.entry);
	if (!cp || h->pos.insns || checkpoint_matches(h, cp))
		return REPLAY_OK;
	report_divergence(h, h->pos.entry, "state at a checkpoint");
	return REPLAY_DIVERGED;
}

/* Replay from the position forward to target (at most the present). */
static int replay_to(struct history *h, struct history_pos target, struct scan *sc)
{
	if (pos_cmp(target, present(h)) > 0)
		target = present(h);
	while (pos_cmp(h->pos, target) < 0) {
		uint64_t e = h->pos.entry;
		const struct rec_entry *r = entry_at(h, e);
		int rc;
		if (r->kind == REC_RUN) {
			uint64_t total = r->end - r->start;
			rc = replay_run(h, e, target.entry == e ? target.insns : total, sc);
		} else {
			rc = replay_call(h, r) < 0 ? REPLAY_DIVERGED : REPLAY_OK;
			if (rc == REPLAY_DIVERGED)
				report_divergence(h, e, "a host call failed");
			h->pos = (struct history_pos){e + 1, 0};
		}
		if (rc == REPLAY_OK)
			rc = verify_checkpoint(h);
		if (rc != REPLAY_OK)
			return rc;
		if (__atomic_load_n(&h->interrupted, __ATOMIC_SEQ_CST))
			return REPLAY_INTERRUPTED;
	}
	return REPLAY_OK;
}

/* ---- moving through history ----------------------------------------- */

/* The first move back from the present keeps the present as a checkpoint,
 * to come back to exactly. */
static int leave_present(struct history *h)
{
	if (h->in_past)
		return 0;
	if (h->cps[h->n_cps - 1].entry != log_end(h) && checkpoint_take(h) < 0)
		return -ENOMEM;
	h->in_past = true;
	h->pos = present(h);
	return 0;
}

int history_to_present(struct history *h)
{
	if (!h->in_past)
		return 0;
	h->replaying = true;
	checkpoint_restore(h, &h->cps[h->n_cps - 1]);
	h->replaying = false;
	h->in_past = false;
	h->pos = present(h);
	return 0;
}

bool history_in_past(const struct history *h)
{
	return h->in_past;
}

/* A replay that did not reproduce the record: forget every checkpoint but
 * the present and stand there. */
static void drop_history(struct history *h)
{
	history_to_present(h);
	while (h->n_cps > 1)
		drop_oldest_checkpoint(h);
	h->pos = present(h);
}

/* Go to target without looking at anything on the way. */
static int seek(struct history *h, struct history_pos target)
{
	const struct checkpoint *cp = checkpoint_before(h, target);
	if (pos_cmp(h->pos, target) > 0 || h->pos.entry < cp->entry)
		checkpoint_restore(h, cp);
	return replay_to(h, target, NULL);
}

/* Set (dbg) or clear (NULL) every vCPU's debug setup for a scan. */
static int scan_debug(struct history *h, const struct vcpu_debug *dbg)
{
	static const struct vcpu_debug none;
	for (unsigned i = 0; i < h->n_cpus; i++) {
		int r = vcpu_set_debug(h->cpus[i].vcpu, dbg ? dbg : &none);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Do the entries from the position on execute nothing more (runs that
 * return at once, host calls)?  Then the position is the present's. */
static bool nothing_left(struct history *h)
{
	for (uint64_t e = h->pos.entry; e < log_end(h); e++) {
		const struct rec_entry *r = entry_at(h, e);
		uint64_t done = e == h->pos.entry ? h->pos.insns : 0;
		if (r->kind == REC_RUN && r->end - r->start > done)
			return false;
	}
	return true;
}

/* The end of a move: where it stopped, unless the replay went wrong. */
static int finish(struct history *h, int rc, struct history_hit *hit, enum history_stop stop)
{
	h->replaying = false;
	if (rc == REPLAY_DIVERGED) {
		drop_history(h);
		hit->stop = HISTORY_END;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (rc == REPLAY_INTERRUPTED)
		stop = HISTORY_INTERRUPTED;
	hit->stop = stop;
	if (stop == HISTORY_END || (stop == HISTORY_DONE && nothing_left(h)))
		history_to_present(h); /* a step that ends there is done */
	return 0;
}

static struct history_pos oldest(const struct history *h)
{
	return (struct history_pos){h->cps[0].entry, 0};
}

/* A move begins, backward (from anywhere) or forward (only in the past):
 * a Ctrl-C before it was answered already.  0 or -errno. */
static int begin_move(struct history *h, bool back, struct history_hit *hit, unsigned cpu)
{
	if (h->out_of_memory)
		return -ENOMEM; /* the record has a hole: nothing replays */
	if (cpu >= h->n_cpus || (!back && !h->in_past))
		return -EINVAL;
	int r = back ? leave_present(h) : 0;
	if (r < 0)
		return r;
	*hit = (struct history_hit){.cpu = cpu};
	__atomic_store_n(&h->interrupted, 0, __ATOMIC_SEQ_CST);
	h->replaying = true;
	scan_debug(h, NULL); /* the debugger's points stop nothing here */
	return 0;
}

int history_step_back(struct history *h, unsigned cpu, struct history_hit *hit)
{
	int r = begin_move(h, true, hit, cpu);
	if (r < 0)
		return r;
	uint64_t n = icount(h, cpu);
	int64_t from = (int64_t)h->pos.entry - (h->pos.insns ? 0 : 1);
	struct history_pos target;
	if (!n || !before_insn(h, cpu, n - 1, from, &target))
		return finish(h, seek(h, oldest(h)), hit, HISTORY_BEGIN);
	return finish(h, seek(h, target), hit, HISTORY_DONE);
}

int history_step_forward(struct history *h, unsigned cpu, struct history_hit *hit)
{
	int rc = begin_move(h, false, hit, cpu);
	if (rc < 0)
		return rc;
	uint64_t n = icount(h, cpu);
	int64_t e = run_forward(h, cpu, n, h->pos.entry);
	if (e < 0)
		return finish(h, REPLAY_OK, hit, HISTORY_END);
	const struct rec_entry *r = entry_at(h, (uint64_t)e);
	struct history_pos target = n + 1 < r->end ? (struct history_pos){(uint64_t)e, n + 1 - r->start}
	                                           : after_run(h, (uint64_t)e);
	return finish(h, seek(h, target), hit, HISTORY_DONE);
}

int history_continue_forward(struct history *h, const struct vcpu_debug *dbg,
                             struct history_hit *hit)
{
	int rc = begin_move(h, false, hit, 0);
	if (rc < 0)
		return rc;
	rc = scan_debug(h, dbg);
	for (unsigned i = 0; rc == 0 && i < h->n_cpus; i++)
		emu_vcpu_skip_breakpoint(h->cpus[i].vcpu); /* continuing from one */
	struct scan sc = {.mode = SCAN_FIRST};
	if (rc == 0)
		rc = replay_to(h, present(h), &sc);
	int cleared = scan_debug(h, NULL);
	if (rc == REPLAY_HIT) {
		*hit = sc.hit;
		return finish(h, cleared, hit, sc.hit.stop);
	}
	return finish(h, rc ? rc : cleared, hit, HISTORY_END);
}

/* Backward over the segment that begins at checkpoint k and ends at end:
 * the last hit in it, if any (sc->found). */
static int scan_segment(struct history *h, size_t k, struct history_pos end, struct scan *sc)
{
	checkpoint_restore(h, &h->cps[k]);
	sc->before = end;
	return replay_to(h, end, sc);
}

int history_continue_back(struct history *h, const struct vcpu_debug *dbg,
                          struct history_hit *hit)
{
	int r = begin_move(h, true, hit, 0);
	if (r < 0)
		return r;
	struct history_pos from = h->pos, end = from;
	struct scan sc = {.mode = SCAN_LAST};
	int rc = scan_debug(h, dbg);
	size_t k = (size_t)(checkpoint_before(h, from) - h->cps);
	for (;;) {
		if (rc == 0 && pos_cmp((struct history_pos){h->cps[k].entry, 0}, end) < 0)
			rc = scan_segment(h, k, end, &sc);
		if (rc != 0 || sc.found || k == 0)
			break;
		end = (struct history_pos){h->cps[k].entry, 0};
		k--;
	}
	int cleared = scan_debug(h, NULL);
	if (rc == 0)
		rc = cleared;
	if (rc != 0)
		return finish(h, rc, hit, HISTORY_INTERRUPTED);
	if (!sc.found)
		return finish(h, seek(h, oldest(h)), hit, HISTORY_BEGIN);
	*hit = sc.hit;
	/* A scan leaves the vCPUs as its setup made them: go there afresh. */
	checkpoint_restore(h, checkpoint_before(h, sc.at));
	return finish(h, seek(h, sc.at), hit, sc.hit.stop);
}

void history_interrupt(struct history *h)
{
	__atomic_store_n(&h->interrupted, 1, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < h->n_cpus; i++)
		vcpu_kick(h->cpus[i].vcpu);
}

void history_get_stats(const struct history *h, struct history_stats *st)
{
	uint64_t now = 0, newest = 0;
	for (unsigned i = 0; i < h->n_cpus; i++)
		now += emu_vcpu_instructions(h->cpus[i].vcpu);
	const struct checkpoint *last = &h->cps[h->n_cps - 1];
	for (unsigned i = 0; i < h->n_cpus; i++)
		newest += emu_vcpu_saved_instructions(last->cpus + i * h->cpu_size);
	*st = (struct history_stats){
	    .instructions = h->insns_total - h->cps[0].insns,
	    .entries = log_end(h) - h->log_base,
	    .checkpoints = h->n_cps,
	    .bytes = h->bytes,
	    .budget = h->budget,
	    .dropped = h->dropped,
	    .diverged = h->diverged,
	    .in_past = h->in_past,
	    .lost = h->out_of_memory,
	    .behind = h->in_past && newest > now ? newest - now : 0,
	};
}
