/* GDB command layer: one packet in, one table lookup, one reply out.
 *
 * Threads: gdbstub_serve() runs in the caller's thread and calls the target
 * from there.  While target_ops.resume() blocks, a watcher thread (one per
 * session, asleep in epoll_wait) sees a Ctrl-C, any other request, a hang-up
 * or a second debugger knocking, and calls target_ops.interrupt().
 * A thread rather than SIGIO: no process-wide signal handler to share with
 * the VMM's own vCPU-kick signals, no EINTR in the serving thread, the same
 * code for sockets and pipes.  epoll makes it cheap: the connection is in
 * the watcher's epoll set only while armed (EPOLLONESHOT, re-enabled with
 * EPOLL_CTL_MOD around each resume call), so requests handled while stopped
 * never wake the watcher, and arming costs two syscalls and no thread
 * wake-up.  The watcher reads the connection and calls interrupt() only while
 * armed, under s->lock, so the two threads never read at once.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4, pipe2 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb_regs.h"
#include "gdbstub.h"
#include "rsp.h"

#define REPLY_CAP    (2 * GDBSTUB_PACKET_SIZE + 16) /* escaped binary may double */
#define IN_CAP       GDBSTUB_PACKET_SIZE
#define MON_CAP      65536                     /* monitor command output */
#define MON_CMD_MAX  1024                      /* monitor command text */
#define CON_CHUNK    1024                      /* console bytes per O packet */
#define TXQ_CAP      65536                     /* console frames waiting for a slow reader */
#define MEM_MAX_READ (GDBSTUB_PACKET_SIZE / 2) /* hex doubles it */

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
	bool last_valid; /* s->reply holds the last frame sent (for a NAK) */
	uint8_t *in;     /* bytes read, not parsed yet; the watcher appends while armed */
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
};

/* What a command handler wants done after it returns. */
enum act {
	ACT_REPLY,       /* send the reply built in s->reply */
	ACT_SILENT,      /* no reply (only the ack) */
	ACT_DETACH,      /* send the reply, end the session: detached */
	ACT_KILL,        /* send the reply, end the session: killed */
	ACT_KILL_SILENT, /* no reply, end the session: killed */
	ACT_DISCONNECT,  /* the debugger is gone */
};

/* A cursor over a packet's arguments; never reads past end. */
struct cur {
	const char *p, *end;
};

typedef enum act (*cmd_fn)(struct gdbstub *s, struct cur *c);

/* ---- decoding helpers ---- */

static bool cur_eof(const struct cur *c)
{
	return c->p >= c->end;
}

static bool cur_eat(struct cur *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* At least one hex digit; false on none or on overflowing 64 bits. */
static bool cur_hex(struct cur *c, uint64_t *v)
{
	uint64_t x = 0;
	const char *start = c->p;
	int h;

	while (c->p < c->end && (h = rsp_hex_value((unsigned char)*c->p)) >= 0) {
		if (x >> 60)
			return false;
		x = x << 4 | (uint64_t)h;
		c->p++;
	}
	*v = x;
	return c->p != start;
}

static size_t cur_left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

/* "addr,len" with the range inside the 32-bit linear address space. */
static int parse_range(struct cur *c, uint64_t *addr, uint64_t *len, uint64_t max_len)
{
	if (!cur_hex(c, addr) || !cur_eat(c, ',') || !cur_hex(c, len))
		return -ERR_PACKET;
	if (*len > max_len)
		return -E2BIG;
	if (*addr > 0xffffffffu || *len > 0x100000000u - *addr)
		return -EFAULT;
	return 0;
}

/* Thread ids: "1", "0" (any), "-1" (all), "p1.1", "p1", "p-1.-1". */
static bool parse_id(struct cur *c, int64_t *id)
{
	uint64_t v;

	if (cur_eat(c, '-')) {
		if (!cur_eat(c, '1'))
			return false;
		*id = -1;
		return true;
	}
	if (!cur_hex(c, &v) || v > INT32_MAX)
		return false;
	*id = (int64_t)v;
	return true;
}

static bool parse_tid(struct cur *c, int64_t *tid)
{
	int64_t pid;

	if (cur_eat(c, 'p')) {
		if (!parse_id(c, &pid))
			return false;
		if (!cur_eat(c, '.')) {
			*tid = -1;
			return true;
		}
	}
	return parse_id(c, tid);
}

/* ---- replies ---- */

static void reply_reset(struct gdbstub *s)
{
	s->last_valid = false;
	rsp_buf_begin(&s->reply, s->ack_pending);
}

static enum act reply_str(struct gdbstub *s, const char *str)
{
	rsp_put_str(&s->reply, str);
	return ACT_REPLY;
}

/* "Enn" from an error number (positive or negative errno, or ERR_PACKET). */
static enum act reply_err(struct gdbstub *s, int err)
{
	if (err < 0)
		err = -err;
	reply_reset(s);
	rsp_put_char(&s->reply, 'E');
	rsp_put_hex8(&s->reply, (uint8_t)(err ? err : ERR_PACKET));
	return ACT_REPLY;
}

static ssize_t out_write(struct gdbstub *s, const void *buf, size_t len, bool nonblock)
{
	if (s->out_sock)
		return send(s->out_fd, buf, len, MSG_NOSIGNAL | (nonblock ? MSG_DONTWAIT : 0));
	return write(s->out_fd, buf, len); /* a pipe: O_NONBLOCK while serving */
}

/* Write everything, waiting for the reader if needed.  0 or -errno. */
static int write_all(struct gdbstub *s, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = out_write(s, buf, len, false);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = {.fd = s->out_fd, .events = POLLOUT};
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				return -errno;
		} else if (n < 0 && errno != EINTR) {
			return -errno;
		}
	}
	return 0;
}

/* Console frames queued during the last run go before anything else. */
static int flush_txq(struct gdbstub *s)
{
	int rc = write_all(s, s->txq, s->txq_len);

	s->txq_len = 0;
	return rc;
}

/* Close and send the reply: one write() in the common case. */
static int send_reply(struct gdbstub *s)
{
	if (rsp_buf_finish(&s->reply) < 0) {
		reply_err(s, E2BIG);
		rsp_buf_finish(&s->reply);
	}
	s->ack_pending = false;
	if (s->txq_len && flush_txq(s) < 0)
		return -EPIPE;
	int rc = write_all(s, s->reply.data, s->reply.len);
	s->last_valid = true;
	if (s->noack_next) {
		/* QStartNoAckMode: acks stop after its OK. */
		s->noack = true;
		s->noack_next = false;
	}
	return rc;
}

/* Ack a request now, before a long operation or several frames. */
static int flush_ack(struct gdbstub *s)
{
	if (!s->ack_pending)
		return 0;
	s->ack_pending = false;
	reply_reset(s);
	return write_all(s, (const uint8_t *)"+", 1);
}

/* One 'O' packet of text, sent now (GDB is waiting for a reply that
 * accepts them: a stop reply or a qRcmd reply). */
static int send_output(struct gdbstub *s, const char *text, size_t len)
{
	while (len) {
		size_t n = len < CON_CHUNK ? len : CON_CHUNK;

		reply_reset(s);
		rsp_put_char(&s->reply, 'O');
		rsp_put_hex(&s->reply, text, n);
		if (send_reply(s) < 0)
			return -EPIPE;
		text += n;
		len -= n;
	}
	reply_reset(s);
	return 0;
}

/* ---- registers and stop replies ---- */

static void put_reg(struct gdbstub *s, const struct vcpu_state *st, unsigned regno)
{
	uint8_t v[GDB_REG_MAX_BYTES];
	int n = gdb_reg_get(st, regno, v);

	rsp_put_hex8(&s->reply, (uint8_t)regno);
	rsp_put_char(&s->reply, ':');
	rsp_put_hex(&s->reply, v, (size_t)n);
	rsp_put_char(&s->reply, ';');
}

static const char *watch_reason(enum target_point p)
{
	switch (p) {
	case TARGET_WP_READ:
		return "rwatch";
	case TARGET_WP_ACCESS:
		return "awatch";
	default:
		return "watch";
	}
}

/* T/W stop reply for stop, with pc, sp and fp expedited. */
static void put_stop(struct gdbstub *s, const struct target_stop *stop)
{
	struct rsp_buf *b = &s->reply;
	struct vcpu_state st;
	int sig = 5;

	if (stop->kind == TARGET_STOP_EXITED) {
		rsp_put_char(b, 'W');
		rsp_put_hex8(b, (uint8_t)stop->code);
		return;
	}
	if (stop->kind == TARGET_STOP_INTERRUPT)
		sig = 2;
	else if (stop->kind == TARGET_STOP_SIGNAL)
		sig = stop->signal;
	rsp_put_char(b, 'T');
	rsp_put_hex8(b, (uint8_t)sig);
	switch (stop->kind) {
	case TARGET_STOP_SWBREAK:
		rsp_put_str(b, "swbreak:;");
		break;
	case TARGET_STOP_HWBREAK:
		rsp_put_str(b, "hwbreak:;");
		break;
	case TARGET_STOP_WATCH:
		rsp_put_str(b, watch_reason(stop->point));
		rsp_put_char(b, ':');
		rsp_put_hexnum(b, stop->addr);
		rsp_put_char(b, ';');
		break;
	default:
		break;
	}
	if (s->ops->get_state(s->ctx, &st) == 0) {
		put_reg(s, &st, GDB_REG_EIP);
		put_reg(s, &st, GDB_REG_ESP);
		put_reg(s, &st, GDB_REG_EBP);
	}
	rsp_put_str(b, "thread:1;");
}

/* ---- the watcher (see the top of the file) ---- */

/* Under s->lock, armed. */
static void fire(struct gdbstub *s)
{
	s->armed = false; /* stop watching a fd nobody drains until the stop */
	if (__atomic_load_n(&s->fired, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&s->fired, 1, __ATOMIC_RELAXED);
	s->stats.interrupts++;
	s->ops->interrupt(s->ctx);
}

static bool fd_readable_now(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) > 0;
}

/* Turn a second debugger away: "E.text" is what GDB 13 prints as the reply
 * to its first packet (the leading '+' acks that packet). */
static void reject_client(struct gdbstub *s)
{
	static const char msg[] = "E.kvm-gdbstub: another debugger is already attached";
	struct rsp_buf b;
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (rsp_buf_init(&b, sizeof(msg) + 8) == 0) {
		rsp_buf_begin(&b, true);
		rsp_put_str(&b, msg);
		if (rsp_buf_finish(&b) == 0 &&
		    send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* nothing more to do for a client we are turning away */
		}
		rsp_buf_free(&b);
	}
	shutdown(fd, SHUT_WR);
	close(fd);
	s->stats.rejected++;
}

/* Under s->lock, armed: take what the debugger sent during the run, all of
 * it (the watcher's epoll is edge-triggered).  Acks of O packets are not
 * requests; anything else is, and so are a hang-up and a full buffer. */
static void watcher_read(struct gdbstub *s)
{
	while (s->armed && fd_readable_now(s->in_fd)) { /* a pipe read would block */
		size_t space = IN_CAP - s->in_len;
		ssize_t n;

		if (space == 0) {
			fire(s);
			return;
		}
		if (s->in_sock)
			n = recv(s->in_fd, s->in + s->in_len, space, MSG_DONTWAIT);
		else
			n = read(s->in_fd, s->in + s->in_len, space);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			s->disconnected = true;
			fire(s);
			return;
		}
		for (ssize_t i = 0; i < n; i++) {
			uint8_t c = s->in[s->in_len + i];
			if (c != '+' && c != '-')
				fire(s);
		}
		s->in_len += (size_t)n;
	}
}

/* Under s->lock: every connection waiting on the listening socket. */
static void reject_pending(struct gdbstub *s)
{
	while (s->listen_fd >= 0 && fd_readable_now(s->listen_fd))
		reject_client(s);
}

enum { EV_WAKE, EV_CONN, EV_LISTEN };

/* Let the connection wake the watcher once (EPOLLONESHOT), or not at all. */
static void watch_conn(struct gdbstub *s, bool on)
{
	struct epoll_event ev = {
	    .events = EPOLLONESHOT | (on ? EPOLLIN | EPOLLRDHUP : 0),
	    .data.u32 = EV_CONN,
	};

	epoll_ctl(s->ep, EPOLL_CTL_MOD, s->in_fd, &ev);
}

static void *watcher_main(void *arg)
{
	struct gdbstub *s = arg;
	struct epoll_event ev[4];

	for (;;) {
		int n = epoll_wait(s->ep, ev, 4, -1);

		if (n < 0 && errno != EINTR)
			break;
		pthread_mutex_lock(&s->lock);
		bool quit = s->quit;
		for (int i = 0; i < n && !quit && s->armed; i++) {
			if (ev[i].data.u32 == EV_CONN) {
				watcher_read(s);
				if (s->armed) /* only acks: watch on */
					watch_conn(s, true);
			} else if (ev[i].data.u32 == EV_LISTEN) {
				reject_pending(s);
			}
		}
		/* Disarmed: the serving thread reads and accepts itself. */
		pthread_mutex_unlock(&s->lock);
		if (quit)
			break;
	}
	return NULL;
}

/* ---- console ---- */

/* Under con_lock, running: O packets for text, never blocking. */
static void console_emit(struct gdbstub *s, const uint8_t *text, size_t len)
{
	while (len) {
		size_t n = len < CON_CHUNK ? len : CON_CHUNK;

		rsp_buf_begin(&s->obuf, false);
		rsp_put_char(&s->obuf, 'O');
		rsp_put_hex(&s->obuf, text, n);
		rsp_buf_finish(&s->obuf);
		text += n;
		len -= n;

		const uint8_t *f = s->obuf.data;
		size_t flen = s->obuf.len;
		if (s->txq_len) {
			/* Older frames first; whatever still waits stays. */
			ssize_t w = out_write(s, s->txq, s->txq_len, true);
			if (w > 0) {
				memmove(s->txq, s->txq + w, s->txq_len - (size_t)w);
				s->txq_len -= (size_t)w;
			}
		}
		if (s->txq_len == 0) {
			ssize_t w = out_write(s, f, flen, true);
			if (w > 0) {
				f += w;
				flen -= (size_t)w;
			}
		}
		if (flen && TXQ_CAP - s->txq_len < flen) {
			s->stats.console_dropped += n;
			continue;
		}
		memcpy(s->txq + s->txq_len, f, flen);
		s->txq_len += flen;
		s->stats.console_sent += n;
	}
}

void gdbstub_console_output(struct gdbstub *s, const void *buf, size_t len)
{
	pthread_mutex_lock(&s->con_lock);
	if (s->running) {
		console_emit(s, buf, len);
	} else if (s->connected) {
		size_t n = GDBSTUB_CONSOLE_PENDING - s->pend_len;
		if (n > len)
			n = len;
		memcpy(s->pend + s->pend_len, buf, n);
		s->pend_len += n;
		s->stats.console_dropped += len - n;
	} else {
		s->stats.console_dropped += len;
	}
	pthread_mutex_unlock(&s->con_lock);
}

/* ---- resuming ---- */

static bool has_request(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != '+' && b[i] != '-')
			return true;
	return false;
}

/* Console output goes out directly while the guest may run. */
static void console_running(struct gdbstub *s, bool on)
{
	pthread_mutex_lock(&s->con_lock);
	s->running = on;
	if (on) {
		console_emit(s, s->pend, s->pend_len);
		s->pend_len = 0;
	}
	pthread_mutex_unlock(&s->con_lock);
}

/* Around each target_ops.resume() call: the watcher calls interrupt() only
 * between arm and disarm, so the stub knows (s->fired) whether a request may
 * be pending in the target when resume returns. */
static void arm(struct gdbstub *s)
{
	pthread_mutex_lock(&s->lock);
	__atomic_store_n(&s->fired, 0, __ATOMIC_RELAXED);
	s->armed = true;
	/* A Ctrl-C that came in with the resume request is already read.
	 * Otherwise watch: EPOLL_CTL_MOD reports bytes already waiting too. */
	if (has_request(s->in + s->in_pos, s->in_len - s->in_pos))
		fire(s);
	else
		watch_conn(s, true);
	pthread_mutex_unlock(&s->lock);
}

static void disarm(struct gdbstub *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->armed)
		watch_conn(s, false);
	s->armed = false;
	pthread_mutex_unlock(&s->lock);
}

struct range {
	uint32_t start, end;
};

/* Resume (repeatedly for a range step) and build the stop reply. */
static enum act resume(struct gdbstub *s, enum target_resume how, const struct range *r)
{
	struct target_stop stop = {0};
	struct vcpu_state st;
	int rc;

	if (s->no_process)
		return reply_err(s, ESRCH);
	if (flush_ack(s) < 0)
		return ACT_DISCONNECT;
	console_running(s, true);
	for (;;) {
		s->stats.resumes++;
		arm(s);
		rc = s->ops->resume(s->ctx, how, &stop);
		disarm(s);
		if (rc < 0 || stop.kind == TARGET_STOP_INTERRUPT)
			break;
		if (__atomic_load_n(&s->fired, __ATOMIC_RELAXED)) {
			/* The guest stopped for another reason as the request came:
			 * it is still pending in the target, and would stop the next
			 * run at once.  Consume it now (a resume with a request
			 * pending returns without running the guest). */
			struct target_stop tmp;
			s->ops->resume(s->ctx, TARGET_STEP, &tmp);
			if (r && stop.kind == TARGET_STOP_STEP)
				stop = (struct target_stop){.kind = TARGET_STOP_INTERRUPT,
				                            .signal = 2};
			break;
		}
		if (!r || stop.kind != TARGET_STOP_STEP)
			break;
		/* Range stepping: on while pc stays in [start, end). */
		if (s->ops->get_state(s->ctx, &st) < 0)
			break;
		uint32_t pc = vcpu_state_pc(&st);
		if (pc < r->start || pc >= r->end)
			break;
	}
	console_running(s, false);
	if (s->disconnected)
		return ACT_DISCONNECT;
	reply_reset(s);
	if (rc < 0)
		return reply_err(s, rc);
	if (stop.why && send_output(s, stop.why, strlen(stop.why)) < 0)
		return ACT_DISCONNECT;
	if (stop.kind == TARGET_STOP_EXITED)
		s->no_process = true;
	put_stop(s, &stop);
	return ACT_REPLY;
}

/* Optional new linear pc, as in "c addr". */
static int set_pc(struct gdbstub *s, uint64_t pc)
{
	struct vcpu_state st;
	uint8_t v[4] = {(uint8_t)pc, (uint8_t)(pc >> 8), (uint8_t)(pc >> 16), (uint8_t)(pc >> 24)};
	int rc;

	if (pc > 0xffffffffu)
		return -EINVAL;
	rc = s->ops->get_state(s->ctx, &st);
	if (rc == 0)
		rc = gdb_reg_set(&st, GDB_REG_EIP, v);
	if (rc == 0)
		rc = s->ops->set_state(s->ctx, &st);
	return rc;
}

/* c/s [addr] and C/S sig[;addr].  Signals cannot be delivered to a bare
 * x86 guest: the number is checked and ignored. */
static enum act resume_cmd(struct gdbstub *s, struct cur *c, enum target_resume how, bool sig)
{
	uint64_t v;

	if (sig) {
		if (!cur_hex(c, &v) || v > 0xff)
			return reply_err(s, ERR_PACKET);
		if (!cur_eof(c) && (!cur_eat(c, ';') || cur_eof(c)))
			return reply_err(s, ERR_PACKET);
	}
	if (!cur_eof(c)) {
		if (!cur_hex(c, &v) || !cur_eof(c))
			return reply_err(s, ERR_PACKET);
		int rc = set_pc(s, v);
		if (rc < 0)
			return reply_err(s, rc);
	}
	return resume(s, how, NULL);
}

static enum act cmd_c(struct gdbstub *s, struct cur *c)
{
	return resume_cmd(s, c, TARGET_CONTINUE, false);
}

static enum act cmd_C(struct gdbstub *s, struct cur *c)
{
	return resume_cmd(s, c, TARGET_CONTINUE, true);
}

static enum act cmd_s(struct gdbstub *s, struct cur *c)
{
	return resume_cmd(s, c, TARGET_STEP, false);
}

static enum act cmd_S(struct gdbstub *s, struct cur *c)
{
	return resume_cmd(s, c, TARGET_STEP, true);
}

/* ---- registers ---- */

static enum act cmd_stop_reason(struct gdbstub *s, struct cur *c)
{
	struct target_stop stop = {.kind = TARGET_STOP_SIGNAL, .signal = 5};

	if (s->no_process)
		return reply_str(s, "W00");
	s->ops->last_stop(s->ctx, &stop);
	put_stop(s, &stop);
	return ACT_REPLY;
}

static enum act cmd_g(struct gdbstub *s, struct cur *c)
{
	struct vcpu_state st;
	uint8_t buf[GDB_REGS_BYTES];
	int rc;

	if (!cur_eof(c))
		return reply_err(s, ERR_PACKET);
	rc = s->ops->get_state(s->ctx, &st);
	if (rc < 0)
		return reply_err(s, rc);
	gdb_regs_get_all(&st, buf);
	rsp_put_hex(&s->reply, buf, sizeof(buf));
	return ACT_REPLY;
}

static enum act cmd_G(struct gdbstub *s, struct cur *c)
{
	struct vcpu_state st;
	uint8_t buf[GDB_REGS_BYTES];
	int rc;

	if (cur_left(c) != 2 * sizeof(buf) || rsp_unhex(buf, c->p, sizeof(buf)) < 0)
		return reply_err(s, ERR_PACKET);
	rc = s->ops->get_state(s->ctx, &st);
	if (rc == 0)
		rc = gdb_regs_set_all(&st, buf);
	if (rc == 0)
		rc = s->ops->set_state(s->ctx, &st);
	return rc < 0 ? reply_err(s, rc) : reply_str(s, "OK");
}

static enum act cmd_p(struct gdbstub *s, struct cur *c)
{
	struct vcpu_state st;
	uint8_t v[GDB_REG_MAX_BYTES];
	uint64_t regno;
	int rc;

	if (!cur_hex(c, &regno) || !cur_eof(c) || regno >= GDB_REG_COUNT)
		return reply_err(s, ERR_PACKET);
	rc = s->ops->get_state(s->ctx, &st);
	if (rc < 0)
		return reply_err(s, rc);
	rc = gdb_reg_get(&st, (unsigned)regno, v);
	rsp_put_hex(&s->reply, v, (size_t)rc);
	return ACT_REPLY;
}

static enum act cmd_P(struct gdbstub *s, struct cur *c)
{
	struct vcpu_state st;
	uint8_t v[GDB_REG_MAX_BYTES];
	uint64_t regno;
	int rc;

	if (!cur_hex(c, &regno) || !cur_eat(c, '=') || regno >= GDB_REG_COUNT)
		return reply_err(s, ERR_PACKET);
	size_t size = gdb_reg_size((unsigned)regno);
	if (cur_left(c) != 2 * size || rsp_unhex(v, c->p, size) < 0)
		return reply_err(s, ERR_PACKET);
	rc = s->ops->get_state(s->ctx, &st);
	if (rc == 0)
		rc = gdb_reg_set(&st, (unsigned)regno, v);
	if (rc == 0)
		rc = s->ops->set_state(s->ctx, &st);
	return rc < 0 ? reply_err(s, rc) : reply_str(s, "OK");
}

/* ---- memory ---- */

static enum act cmd_m(struct gdbstub *s, struct cur *c)
{
	uint64_t addr, len;
	int rc = parse_range(c, &addr, &len, MEM_MAX_READ);

	if (rc == 0 && (!cur_eof(c) || len == 0))
		rc = -ERR_PACKET;
	if (rc == 0)
		rc = s->ops->read_mem(s->ctx, addr, s->mem, len);
	if (rc < 0)
		return reply_err(s, rc);
	rsp_put_hex(&s->reply, s->mem, len);
	return ACT_REPLY;
}

static enum act write_mem(struct gdbstub *s, uint64_t addr, uint64_t len)
{
	int rc = len ? s->ops->write_mem(s->ctx, addr, s->mem, len) : 0;

	return rc < 0 ? reply_err(s, rc) : reply_str(s, "OK");
}

static enum act cmd_M(struct gdbstub *s, struct cur *c)
{
	uint64_t addr, len;
	int rc = parse_range(c, &addr, &len, MEM_MAX_READ);

	if (rc == 0 && !cur_eat(c, ':'))
		rc = -ERR_PACKET;
	if (rc == 0 && (cur_left(c) != 2 * len || rsp_unhex(s->mem, c->p, len) < 0))
		rc = -ERR_PACKET;
	return rc < 0 ? reply_err(s, rc) : write_mem(s, addr, len);
}

/* X: the framing already undid the escapes; the length must match exactly. */
static enum act cmd_X(struct gdbstub *s, struct cur *c)
{
	uint64_t addr, len;
	int rc = parse_range(c, &addr, &len, GDBSTUB_PACKET_SIZE);

	if (rc == 0 && (!cur_eat(c, ':') || cur_left(c) != len))
		rc = -ERR_PACKET;
	if (rc < 0)
		return reply_err(s, rc);
	memcpy(s->mem, c->p, len);
	return write_mem(s, addr, len);
}

/* ---- breakpoints and watchpoints ---- */

/* Z and z: type,addr,kind[;conditions (ignored: not announced)]. */
static enum act point_cmd(struct gdbstub *s, struct cur *c, bool insert)
{
	uint64_t type, addr, kind;
	int rc;

	if (!cur_hex(c, &type) || !cur_eat(c, ',') || !cur_hex(c, &addr) || !cur_eat(c, ',') ||
	    !cur_hex(c, &kind) || (!cur_eof(c) && *c->p != ';'))
		return reply_err(s, ERR_PACKET);
	if (type > TARGET_WP_ACCESS)
		return ACT_REPLY; /* unsupported type: empty reply */
	if (addr > 0xffffffffu)
		return reply_err(s, EINVAL);
	/* x86 breakpoints are one byte long; watched lengths are the target's
	 * business, within reason. */
	if (type <= TARGET_BP_HW ? kind != 1 : kind == 0 || kind > 0x10000)
		return reply_err(s, EINVAL);
	if (insert)
		rc = s->ops->insert_point(s->ctx, (enum target_point)type, addr, (unsigned)kind);
	else
		rc = s->ops->remove_point(s->ctx, (enum target_point)type, addr, (unsigned)kind);
	if (rc == -ENOTSUP)
		return ACT_REPLY;
	return rc < 0 ? reply_err(s, rc) : reply_str(s, "OK");
}

static enum act cmd_Z(struct gdbstub *s, struct cur *c)
{
	return point_cmd(s, c, true);
}

static enum act cmd_z(struct gdbstub *s, struct cur *c)
{
	return point_cmd(s, c, false);
}

/* ---- threads and session ---- */

static enum act cmd_H(struct gdbstub *s, struct cur *c)
{
	int64_t tid;

	if (cur_eof(c))
		return reply_err(s, ERR_PACKET);
	c->p++; /* g, c, or anything: there is one thread */
	if (!parse_tid(c, &tid) || !cur_eof(c))
		return reply_err(s, ERR_PACKET);
	return reply_str(s, "OK");
}

static enum act cmd_T(struct gdbstub *s, struct cur *c)
{
	int64_t tid;

	if (!parse_tid(c, &tid) || !cur_eof(c) || (tid != 1 && tid != -1))
		return reply_err(s, ERR_PACKET);
	return reply_str(s, "OK");
}

static enum act cmd_k(struct gdbstub *s, struct cur *c)
{
	s->ops->kill(s->ctx);
	if (!s->extended)
		return ACT_KILL_SILENT;
	s->no_process = true;
	return ACT_SILENT;
}

static enum act cmd_vKill(struct gdbstub *s, struct cur *c)
{
	s->ops->kill(s->ctx);
	reply_str(s, "OK");
	if (!s->extended)
		return ACT_KILL;
	s->no_process = true;
	return ACT_REPLY;
}

static enum act cmd_D(struct gdbstub *s, struct cur *c)
{
	uint64_t pid;

	if (cur_eat(c, ';') && (!cur_hex(c, &pid) || !cur_eof(c)))
		return reply_err(s, ERR_PACKET);
	if (!cur_eof(c))
		return reply_err(s, ERR_PACKET);
	s->ops->detach(s->ctx);
	reply_str(s, "OK");
	return ACT_DETACH;
}

static enum act cmd_extended(struct gdbstub *s, struct cur *c)
{
	s->extended = true;
	return reply_str(s, "OK");
}

static int restart(struct gdbstub *s)
{
	int rc = s->ops->restart(s->ctx);

	if (rc == 0)
		s->no_process = false;
	return rc;
}

/* R: restart, no reply (extended mode only). */
static enum act cmd_R(struct gdbstub *s, struct cur *c)
{
	if (!s->extended)
		return ACT_REPLY; /* not supported outside extended mode */
	if (restart(s) < 0)
		return reply_err(s, EIO);
	return ACT_SILENT;
}

/* vRun;file;args: the guest image is the VMM's, so the arguments are
 * ignored; the reply is the new "process" stopped at its first instruction. */
static enum act cmd_vRun(struct gdbstub *s, struct cur *c)
{
	struct target_stop stop = {.kind = TARGET_STOP_SIGNAL, .signal = 5};
	int rc;

	if (!s->extended)
		return reply_err(s, ERR_PACKET);
	rc = restart(s);
	if (rc < 0)
		return reply_err(s, rc);
	put_stop(s, &stop);
	return ACT_REPLY;
}

/* vCont;action[:tid]...: one thread, so the first action is the one that
 * applies to it; all are checked. */
static enum act cmd_vCont(struct gdbstub *s, struct cur *c)
{
	bool have = false;
	char act = 0;
	struct range r = {0, 0};
	uint64_t v, lo, hi;
	int64_t tid;

	while (cur_eat(c, ';')) {
		if (cur_eof(c))
			return reply_err(s, ERR_PACKET);
		char a = *c->p++;
		switch (a) {
		case 'c':
		case 's':
		case 't':
			break;
		case 'C':
		case 'S':
			if (!cur_hex(c, &v) || v > 0xff)
				return reply_err(s, ERR_PACKET);
			break;
		case 'r':
			if (!cur_hex(c, &lo) || !cur_eat(c, ',') || !cur_hex(c, &hi) ||
			    lo > 0xffffffffu || hi > 0xffffffffu)
				return reply_err(s, ERR_PACKET);
			if (!have) {
				r.start = (uint32_t)lo;
				r.end = (uint32_t)hi;
			}
			break;
		default:
			return reply_err(s, ERR_PACKET);
		}
		if (cur_eat(c, ':') && !parse_tid(c, &tid))
			return reply_err(s, ERR_PACKET);
		if (!have) {
			act = a;
			have = true;
		}
	}
	if (!have || !cur_eof(c))
		return reply_err(s, ERR_PACKET);
	switch (act) {
	case 'c':
	case 'C':
		return resume(s, TARGET_CONTINUE, NULL);
	case 's':
	case 'S':
		return resume(s, TARGET_STEP, NULL);
	case 'r':
		return resume(s, TARGET_STEP, &r);
	default:
		/* t: only meaningful in non-stop mode; the thread is stopped. */
		return reply_str(s, "T00thread:1;");
	}
}

static enum act cmd_vCont_query(struct gdbstub *s, struct cur *c)
{
	return reply_str(s, "vCont;c;C;s;S;t;r");
}

/* ---- queries ---- */

static enum act cmd_qSupported(struct gdbstub *s, struct cur *c)
{
	char buf[160];

	snprintf(buf, sizeof(buf),
	         "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;"
	         "vContSupported+",
	         GDBSTUB_PACKET_SIZE);
	return reply_str(s, buf);
}

static bool cur_prefix(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if (cur_left(c) < n || memcmp(c->p, s, n) != 0)
		return false;
	c->p += n;
	return true;
}

/* qXfer:features:read:target.xml:offset,length */
static enum act cmd_qXfer(struct gdbstub *s, struct cur *c)
{
	uint64_t off, len;

	if (!cur_prefix(c, ":features:read:"))
		return ACT_REPLY; /* other objects: not supported */
	if (!cur_prefix(c, "target.xml:"))
		return reply_str(s, "E00");
	if (!cur_hex(c, &off) || !cur_eat(c, ',') || !cur_hex(c, &len) || !cur_eof(c))
		return reply_err(s, ERR_PACKET);
	if (off >= s->xml_len)
		return reply_str(s, "l");
	/* Room for the worst case: every byte escaped. */
	if (len > GDBSTUB_PACKET_SIZE / 2)
		len = GDBSTUB_PACKET_SIZE / 2;
	size_t n = s->xml_len - off;
	if (n > len)
		n = len;
	rsp_put_char(&s->reply, off + n < s->xml_len ? 'm' : 'l');
	rsp_put_binary(&s->reply, s->xml + off, n);
	return ACT_REPLY;
}

static enum act cmd_qAttached(struct gdbstub *s, struct cur *c)
{
	/* 1: the VM exists without the debugger, so `quit` detaches. */
	return reply_str(s, "1");
}

static enum act cmd_qC(struct gdbstub *s, struct cur *c)
{
	return reply_str(s, "QC1");
}

static enum act cmd_qfThreadInfo(struct gdbstub *s, struct cur *c)
{
	return reply_str(s, "m1");
}

static enum act cmd_qsThreadInfo(struct gdbstub *s, struct cur *c)
{
	return reply_str(s, "l");
}

static enum act cmd_OK(struct gdbstub *s, struct cur *c)
{
	return reply_str(s, "OK");
}

static enum act cmd_QStartNoAckMode(struct gdbstub *s, struct cur *c)
{
	s->noack_next = true;
	return reply_str(s, "OK");
}

static const char stub_help[] =
    "kvm-gdbstub commands:\n"
    "  help        this list, then the VMM's commands\n"
    "  stub-stats  packet, interrupt and console counters of the GDB stub\n";

static size_t stub_stats(struct gdbstub *s, char *out, size_t cap)
{
	struct gdbstub_stats st;

	gdbstub_get_stats(s, &st);
	int n = snprintf(out, cap,
	                 "packets %lu, bad checksums %lu, errors %lu, resumes %lu, interrupts %lu\n"
	                 "console bytes sent %lu, dropped %lu; debuggers turned away %lu\n",
	                 st.packets, st.bad_checksums, st.errors, st.resumes, st.interrupts,
	                 st.console_sent, st.console_dropped, st.rejected);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* qRcmd,hex: output as O packets, then OK (or E01 for an unknown command). */
static enum act cmd_qRcmd(struct gdbstub *s, struct cur *c)
{
	char cmd[MON_CMD_MAX + 1];
	size_t n, len = 0;
	int rc = 0;

	if (!cur_eat(c, ',') || cur_left(c) % 2 || cur_left(c) / 2 > MON_CMD_MAX)
		return reply_err(s, ERR_PACKET);
	n = cur_left(c) / 2;
	if (rsp_unhex(cmd, c->p, n) < 0)
		return reply_err(s, ERR_PACKET);
	cmd[n] = 0;
	if (strlen(cmd) != n)
		return reply_err(s, ERR_PACKET); /* an embedded NUL */

	s->mon[0] = 0;
	if (strcmp(cmd, "help") == 0) {
		len = snprintf(s->mon, MON_CAP, "%s", stub_help);
		if (s->ops->monitor &&
		    s->ops->monitor(s->ctx, "help", s->mon + len, MON_CAP - len) == 0)
			len += strlen(s->mon + len);
	} else if (strcmp(cmd, "stub-stats") == 0) {
		len = stub_stats(s, s->mon, MON_CAP);
	} else {
		rc = s->ops->monitor ? s->ops->monitor(s->ctx, cmd, s->mon, MON_CAP) : -ENOENT;
		s->mon[MON_CAP - 1] = 0; /* whatever the target did */
		len = strlen(s->mon);
		if (rc == -ENOENT)
			len += snprintf(s->mon + len, MON_CAP - len,
			                "Unknown monitor command \"%s\"; try \"monitor help\".\n",
			                cmd);
		if (len >= MON_CAP)
			len = MON_CAP - 1;
	}
	if (send_output(s, s->mon, len) < 0)
		return ACT_DISCONNECT;
	return rc < 0 ? reply_err(s, ERR_PACKET) : reply_str(s, "OK");
}

/* ---- dispatch ---- */

struct named_cmd {
	const char *name;
	cmd_fn fn;
};

/* q, Q and v packets: matched by the full name, up to ':', ',' or ';'. */
static const struct named_cmd named_cmds[] = {
    {"qSupported", cmd_qSupported},
    {"qXfer", cmd_qXfer},
    {"qAttached", cmd_qAttached},
    {"qC", cmd_qC},
    {"qfThreadInfo", cmd_qfThreadInfo},
    {"qsThreadInfo", cmd_qsThreadInfo},
    {"qRcmd", cmd_qRcmd},
    {"qSymbol", cmd_OK},
    {"QStartNoAckMode", cmd_QStartNoAckMode},
    {"vCont?", cmd_vCont_query},
    {"vCont", cmd_vCont},
    {"vKill", cmd_vKill},
    {"vRun", cmd_vRun},
};

static enum act cmd_named(struct gdbstub *s, struct cur *c)
{
	const char *name = c->p - 1;
	size_t n = 0;

	while (name + n < c->end && !strchr(":,;", name[n]))
		n++;
	for (size_t i = 0; i < sizeof(named_cmds) / sizeof(named_cmds[0]); i++) {
		if (strlen(named_cmds[i].name) == n && memcmp(named_cmds[i].name, name, n) == 0) {
			c->p = name + n;
			return named_cmds[i].fn(s, c);
		}
	}
	return ACT_REPLY; /* unknown (qTStatus, qOffsets, vMustReplyEmpty...): empty */
}

static const cmd_fn cmd_table[128] = {
    ['?'] = cmd_stop_reason, ['!'] = cmd_extended, ['c'] = cmd_c,     ['C'] = cmd_C, ['s'] = cmd_s,
    ['S'] = cmd_S,           ['g'] = cmd_g,        ['G'] = cmd_G,     ['p'] = cmd_p, ['P'] = cmd_P,
    ['m'] = cmd_m,           ['M'] = cmd_M,        ['X'] = cmd_X,     ['Z'] = cmd_Z, ['z'] = cmd_z,
    ['H'] = cmd_H,           ['T'] = cmd_T,        ['k'] = cmd_k,     ['D'] = cmd_D, ['R'] = cmd_R,
    ['q'] = cmd_named,       ['Q'] = cmd_named,    ['v'] = cmd_named,
};

static enum act dispatch(struct gdbstub *s, const uint8_t *pkt, size_t len)
{
	struct cur c = {(const char *)pkt + 1, (const char *)pkt + len};
	cmd_fn fn = len && pkt[0] < 128 ? cmd_table[pkt[0]] : NULL;

	reply_reset(s);
	return fn ? fn(s, &c) : ACT_REPLY;
}

/* ---- the session ---- */

/* Next framing event, reading as needed.  false: the debugger is gone. */
static bool next_event(struct gdbstub *s, enum rsp_event *ev)
{
	for (;;) {
		if (s->in_pos < s->in_len) {
			size_t used;
			*ev =
			    rsp_parse(&s->parser, s->in + s->in_pos, s->in_len - s->in_pos, &used);
			s->in_pos += used;
			if (*ev != RSP_EV_NONE)
				return true;
		}
		s->in_pos = s->in_len = 0;

		struct pollfd p[2] = {
		    {.fd = s->in_fd, .events = POLLIN},
		    {.fd = s->listen_fd, .events = POLLIN},
		};
		if (poll(p, s->listen_fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (p[1].revents & POLLIN)
			reject_client(s);
		if (!p[0].revents)
			continue;
		ssize_t n = s->in_sock ? recv(s->in_fd, s->in, IN_CAP, MSG_DONTWAIT)
		                       : read(s->in_fd, s->in, IN_CAP);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return false;
		s->in_len = (size_t)n;
	}
}

/* Act on one framing event.  Returns -1 to go on, or an enum gdbstub_end. */
static int handle_event(struct gdbstub *s, enum rsp_event ev)
{
	enum act a;

	switch (ev) {
	case RSP_EV_PACKET:
		s->stats.packets++;
		s->ack_pending = !s->noack;
		a = dispatch(s, s->parser.pkt, s->parser.pkt_len);
		break;
	case RSP_EV_BAD_CSUM:
		s->stats.bad_checksums++;
		if (!s->noack)
			return write_all(s, (const uint8_t *)"-", 1) < 0 ? GDBSTUB_END_DISCONNECT
			                                                 : -1;
		/* No NAK in no-ack mode: an error keeps request and reply paired. */
		a = reply_err(s, ERR_PACKET);
		break;
	case RSP_EV_MALFORMED:
	case RSP_EV_OVERSIZE:
		s->stats.errors++;
		s->ack_pending = !s->noack;
		a = reply_err(s, ev == RSP_EV_OVERSIZE ? E2BIG : ERR_PACKET);
		break;
	case RSP_EV_NAK:
		/* Resend the last frame, without the ack that went with it. */
		if (!s->noack && s->last_valid) {
			size_t skip = s->reply.data[0] == '+';
			if (write_all(s, s->reply.data + skip, s->reply.len - skip) < 0)
				return GDBSTUB_END_DISCONNECT;
		}
		return -1;
	default: /* acks; a Ctrl-C while stopped has nothing to stop */
		return -1;
	}

	switch (a) {
	case ACT_REPLY:
		return send_reply(s) < 0 ? GDBSTUB_END_DISCONNECT : -1;
	case ACT_SILENT:
		return flush_ack(s) < 0 ? GDBSTUB_END_DISCONNECT : -1;
	case ACT_DETACH:
		send_reply(s);
		return GDBSTUB_END_DETACH;
	case ACT_KILL:
		send_reply(s);
		return GDBSTUB_END_KILL;
	case ACT_KILL_SILENT:
		flush_ack(s);
		return GDBSTUB_END_KILL;
	case ACT_DISCONNECT:
		break;
	}
	return GDBSTUB_END_DISCONNECT;
}

static bool is_socket(int fd)
{
	int type;
	socklen_t len = sizeof(type);

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

static void watcher_stop(struct gdbstub *s)
{
	if (s->watcher_running) {
		pthread_mutex_lock(&s->lock);
		s->quit = true;
		pthread_mutex_unlock(&s->lock);
		if (write(s->wake[1], "q", 1) < 0) {
			/* non-blocking and empty: cannot fail in a way that matters */
		}
		pthread_join(s->watcher, NULL);
		s->watcher_running = false;
	}
	if (s->ep >= 0)
		close(s->ep);
	if (s->wake[0] >= 0) {
		close(s->wake[0]);
		close(s->wake[1]);
	}
	s->ep = s->wake[0] = s->wake[1] = -1;
}

static int watch(struct gdbstub *s, int fd, uint32_t events, uint32_t tag)
{
	struct epoll_event ev = {.events = events, .data.u32 = tag};

	return epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev);
}

static int watcher_start(struct gdbstub *s)
{
	int rc;

	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0 || pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	if (watch(s, s->wake[0], EPOLLIN, EV_WAKE) < 0 ||
	    watch(s, s->in_fd, EPOLLONESHOT, EV_CONN) < 0 ||
	    (s->listen_fd >= 0 && watch(s, s->listen_fd, EPOLLIN | EPOLLET, EV_LISTEN) < 0))
		return -errno;
	rc = pthread_create(&s->watcher, NULL, watcher_main, s);
	if (rc)
		return -rc;
	s->watcher_running = true;
	return 0;
}

static int session_begin(struct gdbstub *s, int in_fd, int out_fd)
{
	s->in_fd = in_fd;
	s->out_fd = out_fd;
	s->in_sock = is_socket(in_fd);
	s->out_sock = is_socket(out_fd);
	s->out_flags = -1;
	if (!s->out_sock) {
		int fl = fcntl(out_fd, F_GETFL);
		if (fl < 0 || fcntl(out_fd, F_SETFL, fl | O_NONBLOCK) < 0)
			return -errno;
		s->out_flags = fl;
	}
	s->noack = s->noack_next = s->extended = s->no_process = s->ack_pending = false;
	s->in_pos = s->in_len = 0;
	s->parser.state = RSP_IDLE;
	s->last_valid = false;
	s->txq_len = 0;
	s->armed = s->quit = s->disconnected = false;

	int rc = watcher_start(s);
	if (rc < 0)
		return rc;

	pthread_mutex_lock(&s->con_lock);
	s->connected = true;
	pthread_mutex_unlock(&s->con_lock);
	return 0;
}

static void session_end(struct gdbstub *s)
{
	pthread_mutex_lock(&s->con_lock);
	s->connected = false;
	s->running = false;
	s->pend_len = 0;
	pthread_mutex_unlock(&s->con_lock);

	watcher_stop(s);
	if (s->out_flags >= 0)
		fcntl(s->out_fd, F_SETFL, s->out_flags);
}

int gdbstub_serve(struct gdbstub *s, int in_fd, int out_fd)
{
	enum rsp_event ev;
	int end = -1;
	int rc = session_begin(s, in_fd, out_fd);

	if (rc < 0) {
		session_end(s);
		return rc;
	}
	while (end < 0) {
		if (!next_event(s, &ev))
			end = GDBSTUB_END_DISCONNECT;
		else
			end = handle_event(s, ev);
	}
	session_end(s);
	return end;
}

void gdbstub_set_listen_fd(struct gdbstub *s, int listen_fd)
{
	s->listen_fd = listen_fd;
}

void gdbstub_get_stats(struct gdbstub *s, struct gdbstub_stats *out)
{
	pthread_mutex_lock(&s->lock);
	pthread_mutex_lock(&s->con_lock);
	*out = s->stats;
	out->bad_checksums = s->parser.n_bad_csum;
	pthread_mutex_unlock(&s->con_lock);
	pthread_mutex_unlock(&s->lock);
}

struct gdbstub *gdbstub_new(const struct target_ops *ops, void *ctx)
{
	struct gdbstub *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ops = ops;
	s->ctx = ctx;
	s->listen_fd = -1;
	s->xml_len = gdb_regs_target_xml(NULL, 0);
	s->xml = malloc(s->xml_len + 1);
	s->mem = malloc(GDBSTUB_PACKET_SIZE);
	s->mon = malloc(MON_CAP);
	s->in = malloc(IN_CAP);
	s->txq = malloc(TXQ_CAP);
	s->pend = malloc(GDBSTUB_CONSOLE_PENDING);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->con_lock, NULL);
	s->ep = s->wake[0] = s->wake[1] = -1;
	if (!s->xml || !s->mem || !s->mon || !s->in || !s->txq || !s->pend ||
	    rsp_parser_init(&s->parser, GDBSTUB_PACKET_SIZE) < 0 ||
	    rsp_buf_init(&s->reply, REPLY_CAP) < 0 ||
	    rsp_buf_init(&s->obuf, 2 * CON_CHUNK + 8) < 0) {
		gdbstub_free(s);
		return NULL;
	}
	gdb_regs_target_xml(s->xml, s->xml_len + 1);
	return s;
}

void gdbstub_free(struct gdbstub *s)
{
	if (!s)
		return;
	rsp_parser_free(&s->parser);
	rsp_buf_free(&s->reply);
	rsp_buf_free(&s->obuf);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->con_lock);
	free(s->xml);
	free(s->mem);
	free(s->mon);
	free(s->in);
	free(s->txq);
	free(s->pend);
	free(s);
}
