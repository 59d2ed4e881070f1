/* KVM's vCPUs in parallel host threads.
 *
 * With several vCPUs on KVM each runs in a host thread of its own.  The
 * rest of the VMM (devices, the bus, the run loop's exit handlers) stays
 * single-threaded: a worker holds the machine lock except inside KVM_RUN.
 * runloop_run() starts a run and waits for its end; the first outcome other
 * than RUN_CONTINUE of any vCPU ends it for all (all-stop), by kicking the
 * others out of KVM_RUN.  The built-in CPU keeps running its vCPUs in turn
 * on one thread (runloop.c), so that its runs repeat exactly.
 */
#ifndef KVM_GDBSTUB_VCPU_THREADS_H
#define KVM_GDBSTUB_VCPU_THREADS_H

#include <stdbool.h>

#include "vmm/runloop.h"
#include "vmm/vm.h"

/* Does this VM run its vCPUs in threads (KVM, several vCPUs)? */
bool vm_threaded(const struct vm *vm);

/* One run of every vCPU that may run, until the first outcome. */
void vcpu_threads_run(struct vm *vm, struct run_result *res);

/* Kick every vCPU (async-signal-safe). */
void vcpu_threads_kick_all(struct vm *vm);

/* End the worker threads (before the vCPUs are destroyed). */
void vcpu_threads_destroy(struct vm *vm);

#endif
