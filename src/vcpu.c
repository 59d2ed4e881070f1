/* Backend-independent pieces of the vCPU interface: reset state, real-mode
 * segment loading and the names of exit reasons. */
#include <string.h>

#include "vcpu.h"

void vcpu_segment_set_real(struct vcpu_segment *seg, uint16_t selector)
{
	seg->selector = selector;
	seg->base = (uint32_t)selector << 4;
	seg->limit = 0xffff;
	seg->type = 3; /* read/write data, accessed: what real mode loads */
	seg->s = 1;
	seg->dpl = 0;
	seg->present = 1;
	seg->db = 0;
	seg->g = 0;
	seg->avl = 0;
}

void vcpu_state_reset(struct vcpu_state *st)
{
	memset(st, 0, sizeof(*st));
	for (int i = 0; i < SREG_COUNT; i++)
		vcpu_segment_set_real(&st->seg[i], 0);
	st->seg[SREG_CS].type = 0xb; /* execute/read code, accessed */
	st->eflags = EFLAGS_FIXED;
	st->idt.limit = 0x3ff; /* the real-mode IVT at 0 */
	st->gdt.limit = 0xffff;
	st->cr0 = 0x60000010; /* CD, NW, ET: the architectural reset value */
}

#define EXIT_NAME(x) [VCPU_EXIT_##x] = #x
static const char *const exit_names[VCPU_EXIT_REASON_COUNT] = {
    EXIT_NAME(HLT),     EXIT_NAME(IO),         EXIT_NAME(MMIO),       EXIT_NAME(DEBUG),
    EXIT_NAME(INTR),    EXIT_NAME(SHUTDOWN),   EXIT_NAME(FAIL_ENTRY), EXIT_NAME(INTERNAL_ERROR),
    EXIT_NAME(UNKNOWN), EXIT_NAME(IRQ_WINDOW), EXIT_NAME(HYPERCALL),  EXIT_NAME(MSR),
};

const char *vcpu_exit_reason_name(enum vcpu_exit_reason reason)
{
	if ((unsigned)reason >= VCPU_EXIT_REASON_COUNT || !exit_names[reason])
		return "INVALID";
	return exit_names[reason];
}
