/* Reverse execution for the GDB target: when history is recorded, moving
 * through it for GDB (bs, bc, and forward resumes while in the past), and
 * the rule that the past is read-only.  The history itself is
 * src/replay/history.c; doc/reverse.md says what is recorded where. */
#ifndef KVM_GDBSTUB_REVERSE_H
#define KVM_GDBSTUB_REVERSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/target.h"

struct gdb_target;
struct text;

/* What recording does by default: on (the built-in CPU records whenever a
 * debugger is attached) unless --no-record, and the memory it may use. */
void reverse_configure(struct gdb_target *t, bool record, uint64_t budget);

/* A debugger attached (or the guest was reset under one): record, if that
 * is the default here.  0 or -errno. */
int reverse_attach(struct gdb_target *t);

/* Stop recording: back to the present, history freed (detach, reset,
 * a snapshot loaded).  The default stays as it was. */
void reverse_release(struct gdb_target *t);

/* Is the guest at a point in the past (so it must not run live, and its
 * registers and memory must not change)? */
bool reverse_in_past(const struct gdb_target *t);

/* target_ops.reverse. */
int reverse_move(void *ctx, unsigned tid, enum target_resume how, struct target_stop *stop);

/* A forward resume while in the past: replay, not a live run.  cpu is the
 * vCPU stepped (how == TARGET_STEP).  0 or -errno. */
int reverse_forward(struct gdb_target *t, unsigned cpu, enum target_resume how,
                    struct target_stop *stop);

/* Ctrl-C during a move (any thread). */
void reverse_interrupt(struct gdb_target *t);

/* `monitor record [on|off]`.  0 or -errno. */
int reverse_monitor(struct gdb_target *t, const char *args, struct text *o);

#endif
