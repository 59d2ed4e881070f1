/* Register dumps. */
#include <stdio.h>

#include "text.h"
#include "vmm/report.h"
#include "vmm/runloop.h"
#include "vmm/vm.h"

static const char *const gpr_names[GPR_COUNT] = {"eax", "ecx", "edx", "ebx",
                                                 "esp", "ebp", "esi", "edi"};
static const char *const sreg_names[SREG_COUNT] = {"es", "cs", "ss", "ds", "fs", "gs"};

void report_format_pc(const struct vcpu_state *st, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%04x (linear %#x)", st->seg[SREG_CS].selector, st->eip,
	         vcpu_state_pc(st));
}

size_t report_format_registers(const struct vcpu_state *st, char *buf, size_t len)
{
	struct text o = {buf, len, 0};
	if (len)
		buf[0] = 0;
	for (int i = 0; i < GPR_COUNT; i++)
		text_printf(&o, "%s=%08x%s", gpr_names[i], st->gpr[i], i % 4 == 3 ? "\n" : " ");
	text_printf(&o, "eip=%08x eflags=%08x pc=%#x %s\n", st->eip, st->eflags, vcpu_state_pc(st),
	            st->cr0 & CR0_PE ? "protected mode" : "real mode");
	for (int i = 0; i < SREG_COUNT; i++) {
		const struct vcpu_segment *s = &st->seg[i];
		text_printf(&o, "%s=%04x base=%08x limit=%08x type=%x%s%s\n", sreg_names[i],
		            s->selector, s->base, s->limit, s->type, s->db ? " 32-bit" : "",
		            s->present ? "" : " not-present");
	}
	text_printf(&o, "cr0=%08x cr2=%08x cr3=%08x cr4=%08x\n", st->cr0, st->cr2, st->cr3,
	            st->cr4);
	text_printf(&o, "gdtr=%08x:%04x idtr=%08x:%04x\n", st->gdt.base, st->gdt.limit,
	            st->idt.base, st->idt.limit);
	return o.used;
}

void report_stop(struct vcpu *vcpu, const char *what)
{
	struct vcpu_state st;
	char pc[64], regs[1024];
	if (vcpu_get_state(vcpu, &st) < 0) {
		fprintf(stderr, "kvm-gdbstub: %s (registers unavailable)\n", what);
		return;
	}
	report_format_pc(&st, pc, sizeof(pc));
	report_format_registers(&st, regs, sizeof(regs));
	fprintf(stderr, "kvm-gdbstub: %s at %s\n%s", what, pc, regs);
}

void report_fault_reason(const struct vcpu_exit *e, char *buf, size_t len)
{
	if (e->reason == VCPU_EXIT_SHUTDOWN)
		snprintf(buf, len, "shut down (triple fault)");
	else
		runloop_describe_exit(e, buf, len);
}

#define STUCK_IN(insn)                                                                             \
	"the guest is stuck in a " insn ", which this host's KVM does not deliver to the VMM: "    \
	"make hypercalls through port 0xEA (out %ax, $0xea)"

/* The message for a vmcall/vmmcall at gpa that the VM's vCPU does not
 * deliver, or NULL. */
static const char *undelivered_at(struct vm *vm, uint64_t gpa)
{
	const struct vcpu_caps *c = &vm->vcpu->caps;
	uint8_t b[3];
	if (vm_read_ram(vm, gpa, b, sizeof(b)) < 0 || b[0] != 0x0f || b[1] != 0x01)
		return NULL;
	if (b[2] == 0xc1 && !c->hypercall_vmcall)
		return STUCK_IN("vmcall");
	if (b[2] == 0xd9 && !c->hypercall_vmmcall)
		return STUCK_IN("vmmcall");
	return NULL;
}

const char *report_stuck_hypercall(struct vm *vm)
{
	struct vcpu_state st;
	if (vcpu_get_state(vm->vcpu, &st) < 0)
		return NULL;
	/* At it, or right after it: a kick has the backend perform it. */
	uint32_t pc = vcpu_state_pc(&st);
	const char *at = undelivered_at(vm, pc);
	return at ? at : pc >= 3 ? undelivered_at(vm, pc - 3) : NULL;
}
