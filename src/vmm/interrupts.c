/* Interrupt delivery and the halted CPU: see interrupts.h. */
#include "vmm/interrupts.h"
#include "vmm/runloop.h"

static void set_window(struct vm *vm, bool on)
{
	if (on != vm->irq_window) {
		vcpu_request_interrupt_window(vm->vcpu, on);
		vm->irq_window = on;
	}
}

/* A debugger's single-step takes no interrupts (QEMU's gdbstub does the
 * same), so that stepi moves through the code being stepped, not into
 * handlers; a halted CPU still wakes, or the step would never end. */
static bool may_deliver(const struct vm *vm)
{
	return !(vm->watch && vm->watch->stepping) || vm->halted;
}

void interrupts_before_run(struct vm *vm)
{
	struct pc_board *b = &vm->board;
	vclock_run_timers(&b->clock);
	bool want = may_deliver(vm) && pic_intr_pending(&b->pic);
	if (want && vcpu_interrupt_ready(vm->vcpu) &&
	    vcpu_inject_interrupt(vm->vcpu, pic_intr_ack(&b->pic)) == 0) {
		vm->halted = false;
		vm->stats.interrupts++;
		want = pic_intr_pending(&b->pic); /* the next one, once this one's handler allows */
	}
	set_window(vm, want);
	vm_deadline_timer_arm(vm, pc_board_next_wakeup(b));
}

bool interrupts_hlt_can_wake(struct vm *vm)
{
	struct pc_board *b = &vm->board;
	if (!vcpu_interrupt_ready(vm->vcpu))
		return false; /* IF = 0: a hlt ends the guest, as it always has */
	return pic_intr_pending(&b->pic) || pc_board_next_wakeup(b) != VCLOCK_NEVER;
}

int interrupts_wait_halted(struct vm *vm)
{
	struct pc_board *b = &vm->board;
	for (;;) {
		vclock_run_timers(&b->clock);
		if (!vm->halted)
			return RUN_CONTINUE; /* a timer ended the halt (the BIOS's timed wait) */
		if (!interrupts_hlt_can_wake(vm)) {
			vm->halted = false;
			return RUN_HALTED;
		}
		if (pic_intr_pending(&b->pic))
			return RUN_CONTINUE;
		vm_deadline_timer_arm(vm, VCLOCK_NEVER); /* poll() waits for it instead */
		if (vm_idle_wait(vm, pc_board_next_wakeup(b), -1)) {
			vm_kick_served(vm);
			return RUN_INTERRUPTED;
		}
	}
}
