/* The debug-mechanism layer: which mechanism serves each breakpoint and
 * watchpoint, patching and shadowing guest memory, and the backend's debug
 * setup.  See debug.h for the policy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/debug.h"

#define INT3_OPCODE 0xcc
#define HLT_OPCODE  0xf4

void debug_init(struct debug *d, uint8_t *ram, uint64_t ram_size, const struct vcpu_caps *caps,
                bool kvm)
{
	memset(d, 0, sizeof(*d));
	d->ram = ram;
	d->ram_size = ram_size;
	d->caps = *caps;
	d->kvm = kvm;
}

void debug_free(struct debug *d)
{
	debug_remove_all(d);
	free(d->points);
	free(d->bp_buf);
	free(d->wp_buf);
	d->points = NULL;
	d->bp_buf = NULL;
	d->wp_buf = NULL;
	d->cap = d->buf_room = 0;
}

const char *debug_mech_name(enum debug_mech m)
{
	static const char *const names[] = {
	    [MECH_NATIVE] = "built-in CPU",
	    [MECH_DEBUGREG] = "debug register",
	    [MECH_INT3] = "int3 patch",
	    [MECH_HLT] = "hlt patch",
	    [MECH_EMULATED] = "built-in CPU standing in for KVM",
	};
	return names[m];
}

static bool is_breakpoint(enum target_point t)
{
	return t == TARGET_BP_SW || t == TARGET_BP_HW;
}

static bool is_patch(enum debug_mech m)
{
	return m == MECH_INT3 || m == MECH_HLT;
}

static unsigned debugregs_used(const struct debug *d)
{
	unsigned n = 0;
	for (size_t i = 0; i < d->count; i++)
		n += d->points[i].mech == MECH_DEBUGREG;
	return n;
}

/* A watchpoint a debug register can take: 1, 2, 4 or 8 bytes, aligned. */
static bool debugreg_can_watch(uint32_t addr, uint32_t len)
{
	return (len == 1 || len == 2 || len == 4 || len == 8) && !(addr & (len - 1));
}

static enum debug_mech choose_breakpoint(const struct debug *d, enum target_point type)
{
	bool dr_free = debugregs_used(d) < VCPU_DEBUG_REGS;
	enum debug_mech patch = d->caps.sw_breakpoints_trap ? MECH_INT3 : MECH_HLT;
	/* int3 is the standard software breakpoint and costs no debug register;
	 * without it, a free debug register beats patching memory. */
	if (type == TARGET_BP_SW && patch == MECH_INT3)
		return MECH_INT3;
	return dr_free ? MECH_DEBUGREG : patch;
}

static enum debug_mech choose_watchpoint(const struct debug *d, const struct debug_point *p)
{
	/* x86 has no read-only data breakpoint: rwatch is exact only emulated. */
	if (d->caps.watchpoints_fire && p->type != TARGET_WP_READ &&
	    debugreg_can_watch(p->addr, p->len) && debugregs_used(d) < VCPU_DEBUG_REGS)
		return MECH_DEBUGREG;
	return MECH_EMULATED;
}

static enum debug_mech choose(const struct debug *d, const struct debug_point *p)
{
	if (!d->kvm)
		return MECH_NATIVE;
	return is_breakpoint(p->type) ? choose_breakpoint(d, p->type) : choose_watchpoint(d, p);
}

/* Every byte the layer writes into guest RAM goes through here, so that a
 * CPU caching decoded instructions (the built-in CPU) sees it. */
static void poke(struct debug *d, uint32_t addr, uint8_t byte)
{
	d->ram[addr] = byte;
	if (d->ram_changed)
		d->ram_changed(d->ram_changed_ctx, addr);
}

static uint8_t patch_byte(const struct debug_point *p)
{
	return p->mech == MECH_INT3 ? INT3_OPCODE : HLT_OPCODE;
}

/* The patch at physical address phys, other than `except`. */
static const struct debug_point *patch_at(const struct debug *d, uint32_t phys,
                                          const struct debug_point *except)
{
	for (size_t i = 0; i < d->count; i++)
		if (&d->points[i] != except && is_patch(d->points[i].mech) &&
		    d->points[i].phys == phys)
			return &d->points[i];
	return NULL;
}

static void patch(struct debug *d, struct debug_point *p)
{
	const struct debug_point *other = patch_at(d, p->phys, p);
	p->saved = other ? other->saved : d->ram[p->phys];
	poke(d, p->phys, patch_byte(p));
}

static void unpatch_if_last(struct debug *d, const struct debug_point *p)
{
	if (is_patch(p->mech) && !patch_at(d, p->phys, p))
		poke(d, p->phys, p->saved);
}

/* Where linear addr is in guest RAM now (the guest's paging), addr itself
 * without a translate hook; false if unmapped. */
static bool to_phys(const struct debug *d, uint32_t addr, uint32_t *phys)
{
	*phys = addr;
	return !d->translate || d->translate(d->translate_ctx, addr, phys) == 0;
}

int debug_insert(struct debug *d, enum target_point type, uint32_t addr, uint32_t len)
{
	uint32_t phys;
	if (is_breakpoint(type))
		len = 1;
	if (len == 0 || len > 8 || !to_phys(d, addr, &phys) || phys >= d->ram_size ||
	    len > d->ram_size - phys)
		return -EINVAL;
	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct debug_point *np = realloc(d->points, cap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		d->points = np;
		d->cap = cap;
	}
	struct debug_point *p = &d->points[d->count];
	*p = (struct debug_point){.type = type, .addr = addr, .phys = phys, .len = len};
	p->mech = choose(d, p);
	if (is_patch(p->mech))
		patch(d, p);
	d->count++;
	d->generation++;
	return 0;
}

int debug_set_model(struct debug *d, const struct vcpu_caps *caps, bool kvm)
{
	size_t n = d->count;
	struct debug_point *was = malloc((n ? n : 1) * sizeof(*was));
	if (!was)
		return -ENOMEM;
	if (n)
		memcpy(was, d->points, n * sizeof(*was));
	debug_remove_all(d);
	d->caps = *caps;
	d->kvm = kvm;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++)
		r = debug_insert(d, was[i].type, was[i].addr, was[i].len);
	free(was);
	return r;
}

int debug_remove(struct debug *d, enum target_point type, uint32_t addr, uint32_t len)
{
	if (is_breakpoint(type))
		len = 1;
	for (size_t i = d->count; i-- > 0;) {
		struct debug_point *p = &d->points[i];
		if (p->type != type || p->addr != addr || p->len != len)
			continue;
		unpatch_if_last(d, p);
		d->points[i] = d->points[--d->count];
		d->generation++;
		return 0;
	}
	return -ENOENT;
}

void debug_remove_all(struct debug *d)
{
	while (d->count) {
		struct debug_point *p = &d->points[d->count - 1];
		unpatch_if_last(d, p);
		d->count--;
	}
	d->generation++;
}

const struct debug_point *debug_find_breakpoint(const struct debug *d, uint32_t addr)
{
	for (size_t i = 0; i < d->count; i++)
		if (is_breakpoint(d->points[i].type) && d->points[i].addr == addr)
			return &d->points[i];
	return NULL;
}

bool debug_needs_emulation(const struct debug *d)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->points[i].mech == MECH_EMULATED)
			return true;
	return false;
}

static enum vcpu_watch_type watch_type(enum target_point t)
{
	return t == TARGET_WP_WRITE  ? VCPU_WATCH_WRITE
	       : t == TARGET_WP_READ ? VCPU_WATCH_READ
	                             : VCPU_WATCH_ACCESS;
}

/* Does the backend the setup is for implement p itself? */
static bool backend_takes(const struct debug_point *p, bool emulated)
{
	if (emulated)
		return true; /* the built-in CPU takes everything, patches too */
	return p->mech == MECH_NATIVE || p->mech == MECH_DEBUGREG;
}

void debug_forget_applied(struct debug *d)
{
	d->applied_vcpu = NULL;
}

static bool already_applied(const struct debug *d, struct vcpu *vcpu, bool singlestep,
                            uint32_t skip, bool emulated)
{
	return d->applied_vcpu == vcpu && d->applied_generation == d->generation &&
	       d->applied_step == singlestep && d->applied_skip == skip &&
	       d->applied_emulated == emulated;
}

int debug_build(struct debug *d, bool singlestep, uint32_t skip, bool emulated,
                struct vcpu_debug *dbg)
{
	if (d->buf_room < d->count) {
		uint32_t *nb = realloc(d->bp_buf, d->count * sizeof(*nb));
		if (nb)
			d->bp_buf = nb;
		struct vcpu_watchpoint *nw = realloc(d->wp_buf, d->count * sizeof(*nw));
		if (nw)
			d->wp_buf = nw;
		if (!nb || !nw)
			return -ENOMEM;
		d->buf_room = d->count;
	}
	uint32_t *bps = d->bp_buf;
	struct vcpu_watchpoint *wps = d->wp_buf;
	*dbg = (struct vcpu_debug){.singlestep = singlestep, .breakpoints = bps, .watchpoints = wps};
	for (size_t i = 0; i < d->count; i++) {
		const struct debug_point *p = &d->points[i];
		if (p->mech == MECH_INT3)
			dbg->sw_breakpoints = true;
		if (!backend_takes(p, emulated))
			continue;
		if (is_breakpoint(p->type)) {
			if (p->addr != skip)
				bps[dbg->n_breakpoints++] = p->addr;
		} else {
			wps[dbg->n_watchpoints++] =
			    (struct vcpu_watchpoint){p->addr, p->len, watch_type(p->type)};
		}
	}
	return 0;
}

int debug_apply(struct debug *d, struct vcpu *vcpu, bool singlestep, uint32_t skip, bool emulated)
{
	if (already_applied(d, vcpu, singlestep, skip, emulated))
		return 0;
	struct vcpu_debug dbg;
	int r = debug_build(d, singlestep, skip, emulated, &dbg);
	if (r == 0)
		r = vcpu_set_debug(vcpu, &dbg);
	d->applied_vcpu = r == 0 ? vcpu : NULL;
	d->applied_generation = d->generation;
	d->applied_step = singlestep;
	d->applied_skip = skip;
	d->applied_emulated = emulated;
	return r;
}

const struct debug_point *debug_find_watchpoint(const struct debug *d, uint32_t addr)
{
	for (size_t i = 0; i < d->count; i++) {
		const struct debug_point *p = &d->points[i];
		if (!is_breakpoint(p->type) && addr >= p->addr && addr - p->addr < p->len)
			return p;
	}
	return NULL;
}

void debug_shadow(const struct debug *d, uint32_t addr, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < d->count; i++) {
		const struct debug_point *p = &d->points[i];
		if (is_patch(p->mech) && p->phys >= addr && p->phys - addr < len)
			buf[p->phys - addr] = p->saved;
	}
}

void debug_after_write(struct debug *d, uint32_t addr, size_t len)
{
	for (size_t i = 0; i < d->count; i++) {
		struct debug_point *p = &d->points[i];
		if (!is_patch(p->mech) || p->phys < addr || p->phys - addr >= len)
			continue;
		p->saved = d->ram[p->phys];
		poke(d, p->phys, patch_byte(p));
	}
}

void debug_after_run(struct debug *d)
{
	for (size_t i = 0; i < d->count; i++) {
		struct debug_point *p = &d->points[i];
		if (!is_patch(p->mech) || d->ram[p->phys] == patch_byte(p))
			continue;
		/* Points sharing the address share the byte. */
		for (size_t j = 0; j < d->count; j++)
			if (d->points[j].phys == p->phys && is_patch(d->points[j].mech))
				d->points[j].saved = d->ram[p->phys];
		poke(d, p->phys, patch_byte(p));
	}
}

void debug_unpatch(struct debug *d, const struct debug_point *p)
{
	if (is_patch(p->mech))
		poke(d, p->phys, p->saved);
}

void debug_repatch(struct debug *d, const struct debug_point *p)
{
	if (is_patch(p->mech))
		poke(d, p->phys, patch_byte(p));
}

static const char *point_name(enum target_point t)
{
	static const char *const names[] = {
	    [TARGET_BP_SW] = "breakpoint",
	    [TARGET_BP_HW] = "hw breakpoint",
	    [TARGET_WP_WRITE] = "watchpoint",
	    [TARGET_WP_READ] = "read watchpoint",
	    [TARGET_WP_ACCESS] = "access watchpoint",
	};
	return names[t];
}

size_t debug_describe(const struct debug *d, char *buf, size_t len)
{
	size_t used = 0;
	if (len)
		buf[0] = 0;
	if (!d->count && len)
		used = (size_t)snprintf(buf, len, "no breakpoints or watchpoints\n");
	for (size_t i = 0; i < d->count && used < len; i++) {
		const struct debug_point *p = &d->points[i];
		int n = snprintf(buf + used, len - used, "%-17s at %#x len %u: %s\n",
		                 point_name(p->type), p->addr, p->len, debug_mech_name(p->mech));
		if (n > 0)
			used += (size_t)n;
	}
	return used < len ? used : len;
}
