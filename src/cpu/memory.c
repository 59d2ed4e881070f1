/* Guest memory: the slow paths behind the inline accessors of cpu.h.
 * Paging (every access while CR0.PG is set), RAM accesses that touch
 * decoded code (self-modifying code), MMIO beyond the end of RAM,
 * watchpoints, and the replay of MMIO/port inputs. */
#include "cpu.h"

bool replay_take(struct cpu *c, uint64_t *v)
{
	if (c->replay_pos >= c->replay_n)
		return false;
	*v = c->replay[c->replay_pos++];
	return true;
}

/* Record the first watchpoint this access overlaps (a later write hit on
 * the same one upgrades it: a read-modify-write reports a write). */
static COLD void watch_check(struct cpu *c, uint32_t lin, unsigned sz, bool write)
{
	for (unsigned n = 0; n < c->n_wp; n++) {
		const struct vcpu_watchpoint *w = &c->wp[n];
		if ((uint64_t)lin >= (uint64_t)w->addr + w->len ||
		    (uint64_t)w->addr >= (uint64_t)lin + sz)
			continue;
		if (!((write ? VCPU_WATCH_WRITE : VCPU_WATCH_READ) & w->type))
			continue;
		if (!c->wp_hit) {
			c->wp_hit = (int)n + 1;
			c->wp_hit_write = write;
		} else if (c->wp_hit == (int)n + 1 && write)
			c->wp_hit_write = 1;
		c->stop = 1;
		return;
	}
}

/* An MMIO read of len bytes at gpa: the caller's value, or an exit. */
static uint32_t mmio_read(struct cpu *c, uint64_t gpa, unsigned len)
{
	uint64_t v;
	if (replay_take(c, &v))
		return (uint32_t)v;
	struct vcpu_exit e = {.reason = VCPU_EXIT_MMIO};
	e.mmio.addr = gpa;
	e.mmio.len = len;
	e.mmio.is_write = 0;
	cpu_abort_exit(c, &e);
}

static void mmio_write(struct cpu *c, uint64_t gpa, unsigned len, uint32_t v)
{
	struct pending_exit *p = cpu_queue_exit(c, VCPU_EXIT_MMIO);
	p->exit.mmio.addr = gpa;
	p->exit.mmio.len = len;
	p->exit.mmio.is_write = 1;
	memcpy(p->data, &v, len);
}

static bool in_hole(const struct cpu *c, uint64_t lin, uint64_t end)
{
	return lin < c->hole_end && end > c->hole_start;
}

/* With the A20 gate off, bit 20 of every physical address is 0 (the fast
 * path stops at 1 MiB then, so only slow accesses need this). */
#define A20_BIT (1u << 20)

/* A physical access of sz bytes at pa (linear lin, for watchpoints). */
static uint32_t phys_read(struct cpu *c, uint32_t lin, uint32_t pa, unsigned sz)
{
	if (c->a20_off)
		pa &= ~A20_BIT;
	uint64_t end = (uint64_t)pa + sz;

	if (c->n_wp)
		watch_check(c, lin, sz, false);
	if (in_hole(c, pa, end))
		return mmio_read(c, pa, sz) & sz_mask(sz);
	if (end <= c->ram_size)
		return load_le(c->ram + pa, sz);
	if (pa >= c->ram_size)
		return mmio_read(c, pa, sz) & sz_mask(sz);
	/* Straddles the end of RAM: the RAM part, then one MMIO read. */
	unsigned in_ram = (unsigned)(c->ram_size - pa);
	uint32_t v = 0;
	memcpy(&v, c->ram + pa, in_ram);
	uint32_t hi = mmio_read(c, c->ram_size, sz - in_ram);
	return (v | (hi << (8 * in_ram))) & sz_mask(sz);
}

static void phys_write(struct cpu *c, uint32_t lin, uint32_t pa, unsigned sz, uint32_t v)
{
	if (c->a20_off)
		pa &= ~A20_BIT;
	uint64_t end = (uint64_t)pa + sz;

	if (c->n_wp)
		watch_check(c, lin, sz, true);
	if (in_hole(c, pa, end)) {
		mmio_write(c, pa, sz, v);
		return;
	}
	if (pa < c->ram_size) {
		unsigned in_ram = end <= c->ram_size ? sz : (unsigned)(c->ram_size - pa);
		uint32_t last = pa + in_ram - 1;
		if (c->code_map[pa >> CODE_SHIFT] | c->code_map[last >> CODE_SHIFT])
			icache_invalidate(c, pa, in_ram);
		memcpy(c->ram + pa, &v, in_ram);
		if (in_ram == sz)
			return;
		mmio_write(c, c->ram_size, sz - in_ram, v >> (8 * in_ram));
		return;
	}
	mmio_write(c, pa, sz, v);
}

/* Bytes of an access at lin that lie in its first page. */
static unsigned first_page_part(uint32_t lin, unsigned sz)
{
	unsigned room = 0x1000 - (lin & 0xfff);
	return room < sz ? room : sz;
}

/* The RAM behind lin if a TLB entry allows the access and nothing needs
 * the slow path (watchpoints, MMIO, a page boundary), else NULL. */
static inline uint8_t *tlb_ram(struct cpu *c, uint32_t lin, unsigned sz, unsigned need)
{
	const struct tlb_entry *e = &c->tlb[(lin >> 12) & (TLB_SIZE - 1)];
	if (e->vpn == lin >> 12 && (e->perm & (need | TLB_RAM)) == (need | TLB_RAM) &&
	    (lin & 0xfff) + sz <= 0x1000 && !c->n_wp)
		return c->ram + e->pbase + (lin & 0xfff);
	return NULL;
}

uint32_t lin_read_slow(struct cpu *c, uint32_t lin, unsigned sz, bool sys)
{
	if (!c->paging)
		return phys_read(c, lin, lin, sz);
	unsigned need = sys ? PERM_SR : access_need(c, false);
	uint8_t *host = tlb_ram(c, lin, sz, need);
	if (likely(host != NULL))
		return load_le(host, sz);
	unsigned n1 = first_page_part(lin, sz);
	uint32_t pa = translate(c, lin, need);
	if (n1 == sz)
		return phys_read(c, lin, pa, sz);
	/* Across a page boundary: both pages are checked before either is read. */
	uint32_t pa2 = translate(c, lin + n1, need);
	uint32_t lo = phys_read(c, lin, pa, n1);
	uint32_t hi = phys_read(c, lin + n1, pa2, sz - n1);
	return (lo | (hi << (8 * n1))) & sz_mask(sz);
}

void lin_write_slow(struct cpu *c, uint32_t lin, unsigned sz, uint32_t v, bool sys)
{
	if (!c->paging) {
		phys_write(c, lin, lin, sz, v);
		return;
	}
	unsigned need = sys ? PERM_SW : access_need(c, true);
	uint8_t *host = tlb_ram(c, lin, sz, need);
	if (likely(host != NULL)) {
		uint32_t pa = (uint32_t)(host - c->ram);
		if (!(c->code_map[pa >> CODE_SHIFT] | c->code_map[(pa + sz - 1) >> CODE_SHIFT])) {
			store_le(host, sz, v);
			return;
		}
	}
	unsigned n1 = first_page_part(lin, sz);
	uint32_t pa = translate(c, lin, need);
	if (n1 == sz) {
		phys_write(c, lin, pa, sz, v);
		return;
	}
	uint32_t pa2 = translate(c, lin + n1, need);
	phys_write(c, lin, pa, n1, v);
	phys_write(c, lin + n1, pa2, sz - n1, v >> (8 * n1));
}

void cpu_update_fast(struct cpu *c)
{
	c->fast_limit = c->n_wp || c->paging          ? 0
	                : c->hole_start < c->hole_end ? c->hole_start
	                                              : c->ram_size;
	if (c->a20_off && c->fast_limit > A20_BIT)
		c->fast_limit = A20_BIT;
	c->debug_slow = c->singlestep || c->n_wp;
}
