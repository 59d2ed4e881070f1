/* Interrupts between the PC board and the vCPU, and the halted CPU.
 *
 * The interrupt controller lives in user space on both backends (KVM's
 * user-space irqchip model): before every entry into the guest the run loop
 * fires the device timers that are due, injects the PIC's interrupt if the
 * CPU can take it now, or else asks the vCPU for an exit as soon as it can
 * (the interrupt window).  A guest that executes hlt with IF=1 and a source
 * that can wake it sleeps here, in poll(), until its next timer deadline.
 */
#ifndef KVM_GDBSTUB_INTERRUPTS_H
#define KVM_GDBSTUB_INTERRUPTS_H

#include <stdbool.h>

#include "vmm/vm.h"

/* Before entering the guest: fire due timers, inject or request a window,
 * and arm the host timer that kicks the vCPU at the next device deadline. */
void interrupts_before_run(struct vm *vm);

/* Could a hlt executed now ever end: IF=1 and an interrupt pending or a
 * device timer on an unmasked line armed? */
bool interrupts_hlt_can_wake(struct vm *vm);

/* Has vCPU c an interrupt waiting (from the 8259 for the BSP, or its APIC)? */
bool interrupts_pending(struct vm *vm, const struct vm_cpu *c);

/* Every vCPU that may run is halted: sleep until one can take an
 * interrupt (it becomes vm->cpu).
 * Returns RUN_CONTINUE (enter the guest: the interrupt goes in first),
 * RUN_HALTED (nothing can wake it any more: the guest ends, as a hlt with
 * IF=0 does) or RUN_INTERRUPTED (vm_kick() while it slept). */
int interrupts_wait_halted(struct vm *vm);

#endif
