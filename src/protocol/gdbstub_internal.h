/* What the parts of the GDB stub share; nothing outside them includes it.
 *
 *   gdb_session.c  the connection: reading and framing, replies and acks,
 *                  console output, the watcher thread that interrupts the
 *                  target, the resume core, gdbstub_serve() and the life cycle
 *   gdbstub.c      the protocol: one handler per packet, the dispatch tables
 *   gdb_threads.c  threads: which exist, the stops kept for later (pending),
 *                  the breakpoints GDB has inserted (to check those stops)
 */
#ifndef KVM_GDBSTUB_GDBSTUB_INTERNAL_H
#define KVM_GDBSTUB_GDBSTUB_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/gdbstub.h"
#include "protocol/rsp.h"

#define REPLY_CAP (2 * GDBSTUB_PACKET_SIZE + 16) /* escaped binary may double */
#define IN_CAP    GDBSTUB_PACKET_SIZE
#define MON_CAP   65536 /* monitor command output */
#define CON_CHUNK 1024  /* console bytes per O packet */
#define TXQ_CAP   65536 /* console frames waiting for a slow reader */

struct range {
	uint32_t start, end;
};

/* A resume as the debugger asked for it. */
struct resume_plan {
	struct target_resume_req req;
	/* 'r' (range stepping): a stepping thread steps on while its pc stays
	 * in [start, end); start == end: a plain step. */
	struct range range[TARGET_MAX_THREADS];
	unsigned focus; /* the thread a stop without a tid is about */
	bool reverse;   /* bs/bc: target_ops.reverse moves thread focus as
	                 * req.how[focus - 1] says (the others are held) */
};

/* A stop kept for a later resume (gdbserver's "pending status"). */
struct pending_stop {
	bool valid;
	struct target_stop stop; /* .why points into why */
	uint32_t pc;             /* the thread's linear pc when it stopped */
	char why[160];
};

/* A breakpoint GDB inserted (Z0/Z1): a pending breakpoint stop is reported
 * only while its breakpoint is still there. */
struct stub_point {
	enum target_point type;
	uint32_t addr;
};

/* Error replies: "E01" for anything the debugger got wrong in the packet,
 * otherwise the errno the target returned (a failed bs/bc: "E.text", which
 * GDB prints; see gdbstub.c). */
#define ERR_PACKET 0x01

struct gdbstub {
	const struct target_ops *ops;
	void *ctx;
	char *xml;
	size_t xml_len;
	struct rsp_parser parser;
	struct rsp_buf reply;
	uint8_t *mem; /* m/M/X data */
	char *mon;    /* monitor output */
	int listen_fd;

	/* The session: touched by the serving thread only, unless noted. */
	int in_fd, out_fd;
	bool in_sock, out_sock;
	int out_flags; /* -1: out_fd's flags were not changed */
	bool noack, noack_next, extended, no_process, ack_pending;
	bool multiprocess; /* GDB offered multiprocess+: ids are "p1.1" */
	bool created;      /* the debugger started the guest (vRun) */
	bool last_valid;   /* s->reply holds the last frame sent (for a NAK) */
	bool have_stop;    /* stop: the last stop reported, for '?' */
	struct target_stop stop;
	uint8_t *in; /* bytes read, not parsed yet; the watcher appends while armed */

	/* Threads (gdb_threads.c), touched by the serving thread only. */
	unsigned g_tid; /* Hg: the thread of registers and memory */
	unsigned c_tid; /* Hc: the thread of c and s; 0 = all of them */
	struct pending_stop pending[TARGET_MAX_THREADS]; /* [tid - 1] */
	struct target_stop stops[TARGET_MAX_THREADS];    /* what resume() filled */
	struct stub_point *bps;                          /* inserted breakpoints */
	size_t nbps, bps_cap;
	size_t in_pos, in_len;

	/* The watcher: everything below is under lock. */
	pthread_mutex_t lock;
	pthread_t watcher;
	bool watcher_running, armed, quit, disconnected;
	int fired;   /* interrupt() called during this resume (read atomically) */
	int wake[2]; /* a byte here ends the watcher */
	int ep;      /* its epoll set: wake[0], in_fd, listen_fd */

	/* Console: under con_lock.  txq is the console's only while running. */
	pthread_mutex_t con_lock;
	bool connected, running;
	struct rsp_buf obuf;
	uint8_t *txq;
	size_t txq_len;
	uint8_t *pend;
	size_t pend_len;

	struct gdbstub_stats stats;

	/* gdbstub_terminate(): set from a signal handler, never cleared. */
	volatile int terminate; /* the GDB signal, 0 while the guest lives */
	int term_fd;            /* eventfd, readable once terminate is set */
};

/* What a command handler wants done after it returns. */
enum act {
	ACT_REPLY,      /* send the reply built in s->reply */
	ACT_SILENT,     /* no reply (only the ack) */
	ACT_DETACH,     /* send the reply, end the session: detached */
	ACT_KILL,       /* send the reply, end the session: killed */
	ACT_TERMINATED, /* send the reply (an X stop), end the session: terminated */
	ACT_DISCONNECT, /* the debugger is gone */
};

/* ---- gdb_session.c, for the handlers ---- */

/* Start the reply over (empty payload, the pending ack in front). */
void stub_reply_reset(struct gdbstub *s);
/* Ack the request now, before a long operation or several frames.  0 or -errno. */
int stub_flush_ack(struct gdbstub *s);
/* Text as 'O' packets, sent now: only where GDB accepts them (before a stop
 * reply or a qRcmd reply).  Leaves the reply reset.  0 or -EPIPE. */
int stub_send_output(struct gdbstub *s, const char *text, size_t len);

/* Resume the target as p says until it stops, console output flowing and
 * the watcher armed; range-stepping threads step on while inside their
 * range; a reverse plan runs target_ops.reverse instead.  *stop is the stop
 * to report (its tid filled in); the other stops of that instant are kept
 * pending.  0 or -errno (from the target; then stop->why may still hold the
 * target's explanation).  Relies on the contract of target.h and on nothing
 * more (see the code). */
int stub_resume(struct gdbstub *s, const struct resume_plan *p, struct target_stop *stop);

/* ---- gdb_threads.c ---- */

/* The threads that exist: ids 1..stub_nthreads(). */
unsigned stub_nthreads(struct gdbstub *s);
/* Whether thread tid exists (whatever the process's state). */
bool stub_thread_exists(struct gdbstub *s, unsigned tid);
/* A new session, guest or process: thread 1 selected, nothing pending, no
 * breakpoints known. */
void stub_threads_reset(struct gdbstub *s);
/* Forget every pending stop. */
void stub_pending_clear(struct gdbstub *s);
/* Note a Z0/Z1 the target accepted (insert) or a z0/z1 (remove); other
 * types are ignored.  0, or -ENOMEM (nothing noted). */
int stub_note_point(struct gdbstub *s, enum target_point type, uint32_t addr, bool insert);
/* The pending stop of the first thread p runs whose stop still stands,
 * taken out into *stop; false if there is none (then p must really run). */
bool stub_take_pending(struct gdbstub *s, const struct resume_plan *p, struct target_stop *stop);
/* s->stops[0..n) as resume() filled them: name the thread of each (0 or
 * unknown: p->focus), drop the steps of range-stepping threads still inside
 * their range.  Returns how many remain (at the front). */
unsigned stub_sift_stops(struct gdbstub *s, const struct resume_plan *p, unsigned n);
/* Choose the stop to report from s->stops[0..n) (n >= 1) into *report (its
 * text copied to s->mon) and keep the others pending. */
void stub_settle_stops(struct gdbstub *s, const struct resume_plan *p, unsigned n,
                       struct target_stop *report);

/* ---- gdbstub.c, for the session ---- */

/* Handle one packet; the reply is built in s->reply. */
enum act stub_dispatch(struct gdbstub *s, const uint8_t *pkt, size_t len);
/* "Enn" from an error number (positive or negative errno, or ERR_PACKET). */
enum act stub_reply_err(struct gdbstub *s, int err);

#endif
