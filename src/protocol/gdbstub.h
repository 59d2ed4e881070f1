/* The GDB command layer: serves one debugger connection over a target.
 * gdbstub.c handles the packets, gdb_session.c the connection (see
 * gdbstub_internal.h).
 *
 * gdbstub never touches KVM or the CPU: everything it does to the guest goes
 * through struct target_ops (target.h).  It speaks the protocol through the
 * framing in rsp.c over two file descriptors (a socket twice, or stdin and
 * stdout), so it does not care what the transport is.
 */
#ifndef KVM_GDBSTUB_GDBSTUB_H
#define KVM_GDBSTUB_GDBSTUB_H

#include <stddef.h>

#include "protocol/target.h"

/* The PacketSize announced in qSupported: the largest packet GDB may send,
 * and room for a 64 KiB memory read (128 KiB of hex) in one reply. */
#define GDBSTUB_PACKET_SIZE 0x20000

/* Console text buffered while the guest is stopped (sent at the next resume). */
#define GDBSTUB_CONSOLE_PENDING 16384

struct gdbstub;

/* Why gdbstub_serve() returned. */
enum gdbstub_end {
	GDBSTUB_END_DETACH,     /* D: the debugger left; the guest may run on */
	GDBSTUB_END_KILL,       /* k or vKill outside extended mode */
	GDBSTUB_END_DISCONNECT, /* EOF, a write error or a hang-up; guest stopped */
	GDBSTUB_END_TERMINATED, /* gdbstub_terminate(): the guest is gone */
};

/* A stub over the target (ops, ctx).  ops must outlive the stub.  NULL if out
 * of memory. */
struct gdbstub *gdbstub_new(const struct target_ops *ops, void *ctx);

/* Free the stub (not while gdbstub_serve() runs).  NULL is fine. */
void gdbstub_free(struct gdbstub *stub);

/* Also watch this listening socket while serving: a second debugger that
 * connects is accepted, told that another one is attached, and closed, without
 * disturbing the first.  -1 (the default) turns it off. */
void gdbstub_set_listen_fd(struct gdbstub *stub, int listen_fd);

/* Serve one debugger: read packets from in_fd, write replies to out_fd (the
 * same fd for a socket) until it detaches, kills or disconnects.  Blocks.
 * The fds stay open (the caller closes them); a pipe out_fd is put in
 * non-blocking mode for the session and restored afterwards.  Call with
 * SIGPIPE ignored (net.c does).  Returns an enum gdbstub_end, or -errno if
 * the session could not be set up. */
int gdbstub_serve(struct gdbstub *stub, int in_fd, int out_fd);

/* The guest is gone, killed by GDB signal `signal` (e.g. GDB_SIGALRM for a
 * time limit).  A running target is interrupted (target_ops.interrupt) and
 * GDB gets "X" + signal as the stop reply it is waiting for.  A session
 * waiting for a packet ends at once and says nothing: in all-stop mode GDB
 * would take an unrequested X for the reply to its next packet (an `m`
 * would fail with "Invalid hex digit"), so it learns from the closed
 * connection.  Either way gdbstub_serve() returns GDBSTUB_END_TERMINATED,
 * and so does any later session.  Async-signal-safe: meant for a handler. */
void gdbstub_terminate(struct gdbstub *stub, int signal);

/* Console output of the guest (or of the target), for GDB to print.
 * Any thread may call it, any time, never from a signal handler.
 * While the guest is resumed the bytes go out at once as 'O' packets, with
 * non-blocking writes: if the debugger does not read, at most a bounded
 * queue waits and the rest is dropped (and counted).  While stopped, GDB
 * would take an 'O' packet for the reply to its next request, so up to
 * GDBSTUB_CONSOLE_PENDING bytes are kept for the next resume; more are
 * dropped and counted.  With no debugger connected, bytes are dropped. */
void gdbstub_console_output(struct gdbstub *stub, const void *buf, size_t len);

/* Counters, for `monitor stub-stats` and tests. */
struct gdbstub_stats {
	unsigned long packets;         /* good packets received */
	unsigned long bad_checksums;   /* NAKed (or E in no-ack mode) */
	unsigned long errors;          /* malformed or oversize packets */
	unsigned long resumes;         /* calls to target_ops.resume */
	unsigned long reverses;        /* calls to target_ops.reverse (bs, bc) */
	unsigned long interrupts;      /* target_ops.interrupt calls from the stub */
	unsigned long console_sent;    /* console bytes sent as O packets */
	unsigned long console_dropped; /* console bytes dropped */
	unsigned long rejected;        /* second debuggers turned away */
};
void gdbstub_get_stats(struct gdbstub *stub, struct gdbstub_stats *out);

#endif
