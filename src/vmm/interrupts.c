/* Interrupt delivery and the halted CPU: see interrupts.h. */
#include "vmm/interrupts.h"
#include "vmm/runloop.h"

static void set_window(struct vm *vm, bool on)
{
	if (on != vm->cpu->irq_window) {
		vcpu_request_interrupt_window(vm->vcpu, on);
		vm->cpu->irq_window = on;
	}
}

/* A debugger's single-step takes no interrupts (QEMU's gdbstub does the
 * same), so that stepi moves through the code being stepped, not into
 * handlers; a halted CPU still wakes, or the step would never end. */
static bool may_deliver(const struct vm *vm)
{
	return !(vm->watch && vm->watch->stepping) || vm->cpu->halted;
}

/* The 8259's INTR reaches the bootstrap processor, through its local
 * APIC's LINT0 in virtual-wire mode as after reset; every vCPU also has
 * its own APIC (IPIs, its timer). */
static bool pic_reaches(struct vm *vm, const struct vm_cpu *c)
{
	return c->index == 0 && lapic_accepts_pic(lapic_of(&vm->lapics, 0));
}

static bool intr_pending(struct vm *vm, const struct vm_cpu *c)
{
	return (pic_reaches(vm, c) && pic_intr_pending(&vm->board.pic)) ||
	       lapic_intr_pending(lapic_of(&vm->lapics, c->index));
}

/* The INTA cycle of c: its APIC's interrupt first, else the 8259's. */
static uint8_t intr_ack(struct vm *vm, const struct vm_cpu *c)
{
	struct lapic *a = lapic_of(&vm->lapics, c->index);
	return lapic_intr_pending(a) ? lapic_intr_ack(a) : pic_intr_ack(&vm->board.pic);
}

bool interrupts_pending(struct vm *vm, const struct vm_cpu *c)
{
	return intr_pending(vm, c);
}

void interrupts_before_run(struct vm *vm)
{
	struct pc_board *b = &vm->board;
	vclock_run_timers(&b->clock);
	bool want = may_deliver(vm) && intr_pending(vm, vm->cpu);
	if (want && vcpu_interrupt_ready(vm->vcpu) &&
	    vcpu_inject_interrupt(vm->vcpu, intr_ack(vm, vm->cpu)) == 0) {
		vm->cpu->halted = false;
		vm->stats.interrupts++;
		want = intr_pending(vm, vm->cpu); /* the next one, once this one's handler allows */
	}
	set_window(vm, want);
	vm_deadline_timer_arm(vm, pc_board_next_wakeup(b));
}

/* Another vCPU runs: it may yet send this one an IPI. */
static bool other_cpu_runs(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		const struct vm_cpu *c = &vm->cpus[i];
		if (c != vm->cpu && c->state == VM_CPU_RUNNING && !c->halted && !c->held)
			return true;
	}
	return false;
}

bool interrupts_hlt_can_wake(struct vm *vm)
{
	struct pc_board *b = &vm->board;
	if (!vcpu_interrupt_ready(vm->vcpu))
		return false; /* IF = 0: a hlt ends the guest, as it always has */
	return intr_pending(vm, vm->cpu) || pc_board_next_wakeup(b) != VCLOCK_NEVER ||
	       other_cpu_runs(vm);
}

/* Among the halted vCPUs, the first that can take an interrupt now
 * (selected), whether any could ever wake, or one a timer woke. */
static int find_wakeable(struct vm *vm, bool *any_can_wake)
{
	*any_can_wake = false;
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		struct vm_cpu *c = &vm->cpus[i];
		if (c->state != VM_CPU_RUNNING || c->held)
			continue;
		vm_select_cpu(vm, c);
		if (!c->halted)
			return RUN_CONTINUE; /* a timer ended its halt (the BIOS's timed wait) */
		if (!interrupts_hlt_can_wake(vm))
			continue;
		*any_can_wake = true;
		if (intr_pending(vm, c))
			return RUN_CONTINUE;
	}
	return RUN_HALTED;
}

int interrupts_wait_halted(struct vm *vm)
{
	struct pc_board *b = &vm->board;
	struct vm_cpu *was = vm->cpu;
	for (;;) {
		bool any_can_wake;
		vclock_run_timers(&b->clock);
		if (find_wakeable(vm, &any_can_wake) == RUN_CONTINUE)
			return RUN_CONTINUE;
		if (!any_can_wake) { /* nothing can ever wake any vCPU: the guest ends */
			for (unsigned i = 0; i < vm->n_cpus; i++)
				vm->cpus[i].halted = false;
			vm_select_cpu(vm, was);
			return RUN_HALTED;
		}
		vm_select_cpu(vm, was);
		vm_deadline_timer_arm(vm, VCLOCK_NEVER); /* poll() waits for it instead */
		if (vm_idle_wait(vm, pc_board_next_wakeup(b), -1)) {
			vm_kick_served(vm);
			return RUN_INTERRUPTED;
		}
	}
}
