/* `monitor` commands (GDB's qRcmd) of the VM target. */
#ifndef KVM_GDBSTUB_MONITOR_H
#define KVM_GDBSTUB_MONITOR_H

#include <stddef.h>

struct gdb_target;

/* Run one command line; its text goes to out (NUL-terminated).  0, or
 * -ENOENT for an unknown command (out then says so), -EINVAL for bad
 * arguments. */
int monitor_run(struct gdb_target *t, const char *line, char *out, size_t outlen);

#endif
