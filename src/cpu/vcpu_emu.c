/* The vcpu_ops adapter: struct vcpu over the built-in CPU. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpu.h"
#include "emu.h"

static int emu_get_state(struct vcpu *v, struct vcpu_state *st)
{
	struct cpu *c = cpu_of(v);

	memset(st, 0, sizeof(*st));
	memcpy(st->gpr, c->r, sizeof(st->gpr));
	st->eip = c->eip;
	st->eflags = c->flags;
	memcpy(st->seg, c->seg, sizeof(st->seg));
	st->gdt = c->gdt;
	st->idt = c->idt;
	st->tr = c->tr;
	st->ldt = c->ldtr;
	st->cr0 = c->cr0;
	st->cr2 = c->cr2;
	st->cr3 = c->cr3;
	st->cr4 = c->cr4;
	return 0;
}

static int emu_set_state(struct vcpu *v, const struct vcpu_state *st)
{
	struct cpu *c = cpu_of(v);
	bool moved = st->eip != c->eip || st->seg[SREG_CS].base != c->seg[SREG_CS].base;

	memcpy(c->r, st->gpr, sizeof(st->gpr));
	c->r[REG_ZERO] = 0;
	c->eip = st->eip;
	c->flags = (st->eflags | EFLAGS_FIXED) & ~0xffc08028u;
	memcpy(c->seg, st->seg, sizeof(c->seg));
	c->gdt = st->gdt;
	c->idt = st->idt;
	c->tr = st->tr;
	c->ldtr = st->ldt;
	c->cr0 = st->cr0 | 0x10;
	c->cr2 = st->cr2;
	c->cr3 = st->cr3;
	c->cr4 = st->cr4;
	/* The CPL is SS.DPL, as KVM keeps it (CS.DPL differs in conforming code). */
	c->cpl = cpu_pmode(c) ? c->seg[SREG_SS].dpl : 0;
	for (unsigned s = 0; s < SREG_COUNT; s++)
		seg_changed(c, s);
	paging_changed(c);
	if (moved) {
		/* An instruction waiting for its input will not be re-executed. */
		c->awaiting_input = 0;
		c->replay_n = c->replay_pos = 0;
		c->bp_inhibit_on = false;
		c->inhibit = 0; /* a shadow covers only the instruction it was at */
	}
	return 0;
}

/* The fast loop's filter of the breakpoints (cpu.h). */
static void bp_filter_fill(struct cpu *c)
{
	memset(c->bp_filter, 0, sizeof(c->bp_filter));
	for (unsigned n = 0; n < c->n_bp; n++)
		c->bp_filter[c->bp[n] & (BP_FILTER_SIZE - 1)] = 1;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int emu_set_debug(struct vcpu *v, const struct vcpu_debug *dbg)
{
	struct cpu *c = cpu_of(v);
	uint32_t *bp = NULL;
	struct vcpu_watchpoint *wp = NULL;

	for (unsigned n = 0; n < dbg->n_watchpoints; n++)
		if (dbg->watchpoints[n].len < 1 || dbg->watchpoints[n].len > 8 ||
		    !(dbg->watchpoints[n].type & VCPU_WATCH_ACCESS))
			return -EINVAL;
	if (dbg->n_breakpoints) {
		bp = malloc(dbg->n_breakpoints * sizeof(*bp));
		if (!bp)
			return -ENOMEM;
		memcpy(bp, dbg->breakpoints, dbg->n_breakpoints * sizeof(*bp));
		qsort(bp, dbg->n_breakpoints, sizeof(*bp), cmp_u32);
	}
	if (dbg->n_watchpoints) {
		wp = malloc(dbg->n_watchpoints * sizeof(*wp));
		if (!wp) {
			free(bp);
			return -ENOMEM;
		}
		memcpy(wp, dbg->watchpoints, dbg->n_watchpoints * sizeof(*wp));
	}
	free(c->bp);
	free(c->wp);
	c->bp = bp;
	c->wp = wp;
	c->n_bp = dbg->n_breakpoints;
	c->n_wp = dbg->n_watchpoints;
	c->singlestep = dbg->singlestep;
	c->sw_bp = dbg->sw_breakpoints;
	c->bp_inhibit_on = false;
	bp_filter_fill(c);
	cpu_update_fast(c);
	return 0;
}

static void emu_kick(struct vcpu *v)
{
	__atomic_store_n(&cpu_of(v)->kicked, 1, __ATOMIC_RELAXED);
}

static bool emu_interrupt_ready(struct vcpu *v)
{
	struct cpu *c = cpu_of(v);
	return cpu_irq_ready(c) && !c->irq_pending;
}

/* Delivered by the next run, before its first instruction (exec.c). */
static int emu_take_pending_interrupt(struct vcpu *v)
{
	struct cpu *c = cpu_of(v);
	if (!c->irq_pending)
		return -1;
	c->irq_pending = false;
	return c->irq_vector;
}

static int emu_inject_interrupt(struct vcpu *v, uint8_t vector)
{
	struct cpu *c = cpu_of(v);
	if (c->irq_pending)
		return -EBUSY;
	if (!cpu_irq_ready(c))
		return -EAGAIN;
	c->irq_pending = true;
	c->irq_vector = vector;
	return 0;
}

static void emu_request_interrupt_window(struct vcpu *v, bool on)
{
	cpu_of(v)->irq_window = on;
}

static void emu_ram_written(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	icache_invalidate(cpu_of(v), gpa, len);
}

/* Leave the ring of vCPUs sharing c's code map; the last one frees it. */
static void code_share_leave(struct cpu *c)
{
	if (!c->code_next || c->code_next == c) {
		free(c->code_map);
		return;
	}
	struct cpu *p = c->code_next;
	while (p->code_next != c)
		p = p->code_next;
	p->code_next = c->code_next;
}

/* Make c (fresh: nothing cached) use the code map of with, so a store by
 * either drops the other's decodes too. */
static void code_share_join(struct cpu *c, struct cpu *with)
{
	free(c->code_map);
	c->code_map = with->code_map;
	c->code_next = with->code_next;
	with->code_next = c;
}

static void emu_destroy(struct vcpu *v)
{
	struct cpu *c = cpu_of(v);
	free(c->bp);
	free(c->wp);
	free(c->icache);
	code_share_leave(c);
	free(c);
}

static const struct vcpu_ops emu_ops = {
    .name = "emu",
    .run = emu_cpu_run,
    .get_state = emu_get_state,
    .set_state = emu_set_state,
    .set_debug = emu_set_debug,
    .kick = emu_kick,
    .ram_written = emu_ram_written,
    .complete_io = emu_cpu_complete_io,
    .interrupt_ready = emu_interrupt_ready,
    .inject_interrupt = emu_inject_interrupt,
    .take_pending_interrupt = emu_take_pending_interrupt,
    .request_interrupt_window = emu_request_interrupt_window,
    .destroy = emu_destroy,
};

void emu_vcpu_map_hole(struct vcpu *v, uint64_t start, uint64_t len)
{
	struct cpu *c = cpu_of(v);
	if (start >= c->ram_size)
		return; /* past RAM, accesses are MMIO already */
	c->hole_start = start;
	c->hole_end = start + len;
	tlb_flush(c); /* TLB_RAM depends on the hole */
	cpu_update_fast(c);
}

void emu_vcpu_set_a20(struct vcpu *v, bool on)
{
	struct cpu *c = cpu_of(v);
	c->a20_off = !on;
	cpu_update_fast(c);
	vcpu_observe(v, VCPU_CALL_A20, 0, on, 0);
}

struct vcpu *emu_vcpu_create(uint8_t *ram, uint64_t ram_size)
{
	struct cpu *c = calloc(1, sizeof(*c));
	struct vcpu_state st;

	if (!c)
		return NULL;
	c->vcpu.ops = &emu_ops;
	c->icount_limit = UINT64_MAX;
	c->vcpu.caps = (struct vcpu_caps){
	    .backend = "emu",
	    .builtin = true,
	    .max_breakpoints = UINT32_MAX,
	    .max_watchpoints = UINT32_MAX,
	    .watchpoints_fire = true,
	    .sw_breakpoints_trap = true,
	    .hlt_exits_when_stepping = true,
	    .rep_steps_per_iteration = true,
	    .hypercall_vmcall = true,
	    .hypercall_vmmcall = true,
	    .msr_exits = true,
	};
	c->ram = ram;
	c->ram_size = ram_size;
	c->icache = malloc(ICACHE_SIZE * sizeof(*c->icache));
	c->code_map = calloc((ram_size >> CODE_SHIFT) + 2, 1);
	c->code_next = c;
	if (!c->icache || !c->code_map) {
		emu_destroy(&c->vcpu);
		return NULL;
	}
	for (unsigned n = 0; n < ICACHE_SIZE; n++) {
		c->icache[n].mode = 0xff;
		c->icache[n].lin = 0;
	}
	cpu_update_fast(c);
	vcpu_state_reset(&st);
	emu_set_state(&c->vcpu, &st);
	return &c->vcpu;
}

void emu_vcpu_set_apic_id(struct vcpu *v, uint8_t id)
{
	cpu_of(v)->apic_id = id;
}

void emu_vcpu_set_icount_limit(struct vcpu *v, uint64_t limit)
{
	cpu_of(v)->icount_limit = limit;
}

uint64_t emu_vcpu_instructions(struct vcpu *v)
{
	return cpu_of(v)->icount;
}

size_t emu_vcpu_saved_size(void)
{
	return sizeof(struct cpu);
}

void emu_vcpu_save(struct vcpu *v, void *buf)
{
	memcpy(buf, cpu_of(v), sizeof(struct cpu));
}

/* Everything a run reproduces comes back; what the host set up (RAM, the
 * MMIO hole, the caches, the debug setup, the instruction limit) stays as
 * it is now, and so do the vCPU header and a kick (other threads read and
 * set them meanwhile: they are never written here). */
void emu_vcpu_restore(struct vcpu *v, const void *buf)
{
	struct cpu *c = cpu_of(v);
	const struct cpu keep = {
	    .ram = c->ram, .ram_size = c->ram_size, .hole_start = c->hole_start,
	    .hole_end = c->hole_end, .code_map = c->code_map, .code_next = c->code_next,
	    .icache = c->icache, .icount_limit = c->icount_limit, .singlestep = c->singlestep,
	    .sw_bp = c->sw_bp, .n_bp = c->n_bp, .n_wp = c->n_wp, .bp = c->bp, .wp = c->wp};
	size_t from = offsetof(struct cpu, r);

	memcpy((char *)c + from, (const char *)buf + from, sizeof(*c) - from);
	c->ram = keep.ram;
	c->ram_size = keep.ram_size;
	c->hole_start = keep.hole_start;
	c->hole_end = keep.hole_end;
	c->code_map = keep.code_map;
	c->code_next = keep.code_next;
	c->icache = keep.icache;
	c->icount_limit = keep.icount_limit;
	c->singlestep = keep.singlestep;
	c->sw_bp = keep.sw_bp;
	c->n_bp = keep.n_bp;
	c->n_wp = keep.n_wp;
	c->bp = keep.bp;
	c->wp = keep.wp;
	c->wp_hit = 0;
	c->at_bp = false;
	bp_filter_fill(c);
	cpu_update_fast(c);
	icache_invalidate(c, 0, c->ram_size); /* the caller restored RAM too */
}

uint64_t emu_vcpu_icount_limit(struct vcpu *v)
{
	return cpu_of(v)->icount_limit;
}

bool emu_vcpu_input(struct vcpu *v, uint64_t *value, uint8_t *gp)
{
	struct cpu *c = cpu_of(v);
	*value = 0;
	*gp = 0;
	if (c->awaiting_input == AWAIT_MSR) {
		*value = c->msr_data;
		*gp = c->msr_gp;
	} else if (c->awaiting_input) {
		memcpy(value, c->xfer, c->in_len > 8 ? 8 : c->in_len);
	}
	return c->awaiting_input != 0;
}

void emu_vcpu_set_input(struct vcpu *v, uint64_t value, uint8_t gp)
{
	struct cpu *c = cpu_of(v);
	if (c->awaiting_input == AWAIT_MSR) {
		c->msr_data = value;
		c->msr_gp = gp;
	} else if (c->awaiting_input) {
		memcpy(c->xfer, &value, c->in_len > 8 ? 8 : c->in_len);
	}
}

int emu_vcpu_saved_state(const void *buf, struct vcpu_state *st)
{
	return emu_get_state((struct vcpu *)buf, st); /* reads only */
}

uint64_t emu_vcpu_saved_instructions(const void *buf)
{
	return ((const struct cpu *)buf)->icount;
}

void emu_vcpu_skip_breakpoint(struct vcpu *v)
{
	struct cpu *c = cpu_of(v);
	c->bp_inhibit_on = true;
	c->bp_inhibit = c->seg[SREG_CS].base + c->eip;
}

/* ---- the built-in CPU's VM: RAM shared by its vCPUs ---------------- */

#define EMU_MAX_VCPUS 64

struct emu_vm {
	struct vcpu_vm base; /* first */
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t hole_start, hole_len;
	struct vcpu *vcpus[EMU_MAX_VCPUS]; /* to give each a hole mapped later */
	unsigned n_vcpus;
};

static struct emu_vm *to_emu_vm(struct vcpu_vm *vm)
{
	return (struct emu_vm *)vm;
}

static struct vcpu *emu_vm_create_vcpu(struct vcpu_vm *base, unsigned index, char *err,
                                       size_t errlen)
{
	struct emu_vm *vm = to_emu_vm(base);
	if (vm->n_vcpus == EMU_MAX_VCPUS) {
		snprintf(err, errlen, "the built-in CPU runs at most %u vCPUs", EMU_MAX_VCPUS);
		return NULL;
	}
	struct vcpu *v = emu_vcpu_create(vm->ram, vm->ram_size);
	if (!v) {
		snprintf(err, errlen, "cannot create built-in vCPU %u: out of memory", index);
		return NULL;
	}
	if (vm->hole_len)
		emu_vcpu_map_hole(v, vm->hole_start, vm->hole_len);
	emu_vcpu_set_apic_id(v, (uint8_t)index);
	if (vm->n_vcpus)
		code_share_join(cpu_of(v), cpu_of(vm->vcpus[0]));
	vm->vcpus[vm->n_vcpus++] = v;
	return v;
}

static int emu_vm_map_hole(struct vcpu_vm *base, uint64_t start, uint64_t len)
{
	struct emu_vm *vm = to_emu_vm(base);
	vm->hole_start = start;
	vm->hole_len = len;
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		emu_vcpu_map_hole(vm->vcpus[i], start, len);
	return 0;
}

static void emu_vm_destroy(struct vcpu_vm *base)
{
	free(to_emu_vm(base));
}

static const struct vcpu_vm_ops emu_vm_ops = {
    .create_vcpu = emu_vm_create_vcpu,
    .map_hole = emu_vm_map_hole,
    .destroy = emu_vm_destroy,
};

struct vcpu_vm *emu_vm_create(uint8_t *ram, uint64_t ram_size)
{
	struct emu_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return NULL;
	vm->base = (struct vcpu_vm){.ops = &emu_vm_ops, .backend = "emu"};
	vm->ram = ram;
	vm->ram_size = ram_size;
	return &vm->base;
}
