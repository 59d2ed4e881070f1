/* What the two halves of the GDB stub share; nothing outside them includes it.
 *
 *   gdb_session.c  the connection: reading and framing, replies and acks,
 *                  console output, the watcher thread that interrupts the
 *                  target, the resume core, gdbstub_serve() and the life cycle
 *   gdbstub.c      the protocol: one handler per packet, the dispatch tables
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

/* Error replies: "E01" for anything the debugger got wrong in the packet,
 * otherwise the errno the target returned. */
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
	ACT_REPLY,       /* send the reply built in s->reply */
	ACT_SILENT,      /* no reply (only the ack) */
	ACT_DETACH,      /* send the reply, end the session: detached */
	ACT_KILL,        /* send the reply, end the session: killed */
	ACT_TERMINATED,  /* send the reply (an X stop), end the session: terminated */
	ACT_DISCONNECT,  /* the debugger is gone */
};

/* ---- gdb_session.c, for the handlers ---- */

/* Start the reply over (empty payload, the pending ack in front). */
void stub_reply_reset(struct gdbstub *s);
/* Ack the request now, before a long operation or several frames.  0 or -errno. */
int stub_flush_ack(struct gdbstub *s);
/* Text as 'O' packets, sent now: only where GDB accepts them (before a stop
 * reply or a qRcmd reply).  Leaves the reply reset.  0 or -EPIPE. */
int stub_send_output(struct gdbstub *s, const char *text, size_t len);

struct range {
	uint32_t start, end;
};
/* Resume the target until it stops, console output flowing and the watcher
 * armed; with a range [start, end), step while the pc stays inside it.
 * *stop is the stop to report.  0 or -errno (from the target).  Relies on
 * the interrupt contract of target.h and on nothing more (see the code). */
int stub_resume(struct gdbstub *s, enum target_resume how, const struct range *r,
                struct target_stop *stop);

/* ---- gdbstub.c, for the session ---- */

/* Handle one packet; the reply is built in s->reply. */
enum act stub_dispatch(struct gdbstub *s, const uint8_t *pkt, size_t len);
/* "Enn" from an error number (positive or negative errno, or ERR_PACKET). */
enum act stub_reply_err(struct gdbstub *s, int err);

#endif
