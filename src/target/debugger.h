/* GDB mode: serve the VM to a debugger over TCP or stdio. */
#ifndef KVM_GDBSTUB_DEBUGGER_H
#define KVM_GDBSTUB_DEBUGGER_H

#include "vmm/options.h"
#include "vmm/vm.h"

/* Wait for GDB, serve it, and go on serving new connections until the
 * guest is gone or the stub is killed.  Returns the process exit status. */
int debugger_main(struct vm *vm, const struct options *o);

#endif
