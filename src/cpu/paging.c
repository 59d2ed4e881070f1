/* 32-bit paging: the page-table walk (shared with the debugger's view of
 * memory, x86_translate), the TLB, accessed/dirty bits and #PF.
 *
 * Page directory at CR3, 4 KiB pages through page tables, 4 MiB pages when
 * CR4.PSE and PDE.PS.  The TLB is a direct-mapped cache of translations
 * with the accesses each allows; it is flushed on CR3 writes, INVLPG (one
 * page) and changes of CR0.PG/WP and CR4.  Global pages are not kept over
 * a CR3 write (CPUID does not offer PGE).  Page-table entries outside RAM
 * read as not present. */
#include <errno.h>

#include "cpu.h"
#include "emu.h"

enum {
	PTE_P = 1u << 0,
	PTE_W = 1u << 1,
	PTE_U = 1u << 2,
	PTE_A = 1u << 5,
	PTE_D = 1u << 6,
	PDE_PS = 1u << 7,
};

/* Where a walk went: the entries and their physical addresses. */
struct pt_walk {
	uint32_t pde_at, pte_at;
	uint32_t pde, pte;
	bool big; /* a 4 MiB page: no page table */
	uint32_t phys;
};

static uint32_t pt_read(const uint8_t *ram, uint64_t ram_size, uint32_t at)
{
	if ((uint64_t)at + 4 > ram_size)
		return 0; /* not present */
	return load_le(ram + at, 4);
}

/* Follow the tables for lin.  0, or -1 if an entry is not present. */
static int pt_walk(const uint8_t *ram, uint64_t ram_size, uint32_t cr3, uint32_t cr4, uint32_t lin,
                   struct pt_walk *w)
{
	w->pde_at = (cr3 & 0xfffff000u) + (lin >> 22) * 4;
	w->pde = pt_read(ram, ram_size, w->pde_at);
	if (!(w->pde & PTE_P))
		return -1;
	w->big = (w->pde & PDE_PS) && (cr4 & CR4_PSE);
	if (w->big) {
		w->phys = (w->pde & 0xffc00000u) | (lin & 0x3fffff);
		return 0;
	}
	w->pte_at = (w->pde & 0xfffff000u) + ((lin >> 12) & 0x3ff) * 4;
	w->pte = pt_read(ram, ram_size, w->pte_at);
	if (!(w->pte & PTE_P))
		return -1;
	w->phys = (w->pte & 0xfffff000u) | (lin & 0xfff);
	return 0;
}

int x86_translate(const uint8_t *ram, uint64_t ram_size, uint32_t cr0, uint32_t cr3, uint32_t cr4,
                  uint32_t lin, uint32_t *phys)
{
	struct pt_walk w;
	if (!(cr0 & CR0_PG) || !(cr0 & CR0_PE)) {
		*phys = lin;
		return 0;
	}
	if (pt_walk(ram, ram_size, cr3, cr4, lin, &w) < 0)
		return -EFAULT;
	*phys = w.phys;
	return 0;
}

void cpu_page_fault(struct cpu *c, uint32_t lin, uint32_t err)
{
	c->cr2 = lin;
	cpu_fault(c, EXC_PF, (int32_t)err);
}

/* Set bits in the page-table entry at physical at (in RAM: the walk read
 * it), as the processor's locked update does. */
static void pt_set(struct cpu *c, uint32_t at, uint32_t *entry, uint32_t bits)
{
	if ((*entry & bits) == bits)
		return;
	*entry |= bits;
	if (c->code_map[at >> CODE_SHIFT])
		icache_invalidate(c, at, 4);
	store_le(c->ram + at, 4, *entry);
}

uint32_t tlb_miss(struct cpu *c, uint32_t lin, unsigned need)
{
	struct pt_walk w;
	bool user = need & (PERM_UR | PERM_UW), write = need & (PERM_SW | PERM_UW);
	uint32_t err = (write ? 2u : 0) | (user ? 4u : 0);

	if (pt_walk(c->ram, c->ram_size, c->cr3, c->cr4, lin, &w) < 0)
		cpu_page_fault(c, lin, err);
	uint32_t eff = w.big ? w.pde : w.pde & w.pte; /* U and W of both levels */
	bool u = eff & PTE_U, wr = eff & PTE_W;
	if ((user && !u) || (write && !wr && (user || (c->cr0 & CR0_WP))))
		cpu_page_fault(c, lin, err | 1);
	pt_set(c, w.pde_at, &w.pde, PTE_A | (w.big && write ? PTE_D : 0));
	if (!w.big)
		pt_set(c, w.pte_at, &w.pte, PTE_A | (write ? PTE_D : 0));
	bool dirty = (w.big ? w.pde : w.pte) & PTE_D;
	bool sup_write = wr || !(c->cr0 & CR0_WP);

	struct tlb_entry *e = &c->tlb[(lin >> 12) & (TLB_SIZE - 1)];
	e->vpn = lin >> 12;
	e->pbase = w.phys & 0xfffff000u;
	e->perm = PERM_SR | (u ? PERM_UR : 0) | (dirty && sup_write ? PERM_SW : 0) |
	          (dirty && u && wr ? PERM_UW : 0);
	uint64_t pend = (uint64_t)e->pbase + 0x1000;
	if (pend <= c->ram_size && !(e->pbase < c->hole_end && pend > c->hole_start))
		e->perm |= TLB_RAM;
	return w.phys;
}

void tlb_flush(struct cpu *c)
{
	for (unsigned n = 0; n < TLB_SIZE; n++)
		c->tlb[n].vpn = TLB_EMPTY;
}

void tlb_flush_page(struct cpu *c, uint32_t lin)
{
	struct tlb_entry *e = &c->tlb[(lin >> 12) & (TLB_SIZE - 1)];
	if (e->vpn == lin >> 12)
		e->vpn = TLB_EMPTY;
}

void paging_changed(struct cpu *c)
{
	c->paging = (c->cr0 & CR0_PG) && (c->cr0 & CR0_PE);
	tlb_flush(c);
	cpu_update_fast(c);
	c->stop = 1; /* the fast loop picks its paged or unpaged form per batch */
}
