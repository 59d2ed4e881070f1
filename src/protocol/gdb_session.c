/* The GDB stub's connection: bytes in and out, the watcher thread, console
 * output, the resume core, the serving loop.  The packets themselves are
 * gdbstub.c's (see gdbstub_internal.h).
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
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protocol/gdb_regs.h"
#include "protocol/gdbstub.h"
#include "protocol/gdbstub_internal.h"
#include "protocol/rsp.h"

/* ---- writing: replies, acks, O packets ---- */

void stub_reply_reset(struct gdbstub *s)
{
	s->last_valid = false;
	rsp_buf_begin(&s->reply, s->ack_pending);
}

static ssize_t out_write(struct gdbstub *s, const void *buf, size_t len, bool nonblock)
{
	if (s->out_sock)
		return send(s->out_fd, buf, len, MSG_NOSIGNAL | (nonblock ? MSG_DONTWAIT : 0));
	return write(s->out_fd, buf, len); /* a pipe: O_NONBLOCK while serving */
}

/* A debugger that has not read a reply for this long is gone: the session
 * ends as a disconnect instead of blocking the VMM (and the next debugger)
 * for ever. */
#define WRITE_TIMEOUT_MS 30000

/* Write everything, waiting for the reader if needed.  0 or -errno
 * (-ETIMEDOUT after WRITE_TIMEOUT_MS without progress). */
static int write_all(struct gdbstub *s, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = out_write(s, buf, len, true);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = {.fd = s->out_fd, .events = POLLOUT};
			int r = poll(&p, 1, WRITE_TIMEOUT_MS);
			if (r == 0)
				return -ETIMEDOUT;
			if (r < 0 && errno != EINTR)
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
		stub_reply_err(s, E2BIG);
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
int stub_flush_ack(struct gdbstub *s)
{
	if (!s->ack_pending)
		return 0;
	s->ack_pending = false;
	stub_reply_reset(s);
	return write_all(s, (const uint8_t *)"+", 1);
}

/* One 'O' packet of text, sent now (GDB is waiting for a reply that
 * accepts them: a stop reply or a qRcmd reply). */
int stub_send_output(struct gdbstub *s, const char *text, size_t len)
{
	while (len) {
		size_t n = len < CON_CHUNK ? len : CON_CHUNK;

		stub_reply_reset(s);
		rsp_put_char(&s->reply, 'O');
		rsp_put_hex(&s->reply, text, n);
		if (send_reply(s) < 0)
			return -EPIPE;
		text += n;
		len -= n;
	}
	stub_reply_reset(s);
	return 0;
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

/* ---- termination ---- */

void gdbstub_terminate(struct gdbstub *s, int signal)
{
	static const uint64_t one = 1;

	__atomic_store_n(&s->terminate, signal, __ATOMIC_SEQ_CST); /* from a signal handler */
	if (write(s->term_fd, &one, sizeof(one)) < 0) {
		/* the counter is non-zero already: readable anyway */
	}
	s->ops->interrupt(s->ctx);
}

/* Whether the guest was terminated; if so, *stop says how. */
static bool terminated(struct gdbstub *s, struct target_stop *stop)
{
	int sig = __atomic_load_n(&s->terminate, __ATOMIC_SEQ_CST);

	if (sig)
		*stop = (struct target_stop){.kind = TARGET_STOP_TERMINATED, .signal = sig};
	return sig != 0;
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

/* The interrupt contract (target.h), all the stub relies on: interrupt()
 * leaves a request pending; a resume() that starts with a request pending
 * returns TARGET_STOP_INTERRUPT at once; the request is cleared by the
 * INTERRUPT stop it causes, and by nothing else.  The watcher calls
 * interrupt() at most once per resume() call, and only between arm() and
 * disarm(), so after disarm() s->fired tells whether a request is pending:
 * it is unless resume() returned an INTERRUPT stop. */
static bool has_interrupt(const struct target_stop *stops, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (stops[i].kind == TARGET_STOP_INTERRUPT)
			return true;
	return false;
}

/* One run of the target as p says, armed: s->stops filled, their count or
 * -errno.  A reverse move has one stop; its text on failure (-ENOTSUP:
 * nothing recorded) goes to *stop, copied out of the target's buffer. */
static int run_target(struct gdbstub *s, const struct resume_plan *p, struct target_stop *stop)
{
	int rc;

	if (!p->reverse) {
		s->stats.resumes++;
		return s->ops->resume(s->ctx, &p->req, s->stops, TARGET_MAX_THREADS);
	}
	s->stats.reverses++;
	memset(&s->stops[0], 0, sizeof(s->stops[0]));
	rc = s->ops->reverse(s->ctx, p->focus, p->req.how[p->focus - 1], &s->stops[0]);
	/* Unless nothing was recorded (nothing moved), threads went back: the
	 * stops kept from the present are stale. */
	if (rc != -ENOTSUP)
		stub_pending_clear(s);
	if (rc < 0 && s->stops[0].why) {
		snprintf(s->mon, MON_CAP, "%s", s->stops[0].why);
		stop->why = s->mon;
	}
	return rc < 0 ? rc : 1;
}

int stub_resume(struct gdbstub *s, const struct resume_plan *p, struct target_stop *stop)
{
	int rc;

	console_running(s, true);
	for (;;) {
		memset(stop, 0, sizeof(*stop));
		if (terminated(s, stop)) {
			rc = 0;
			break;
		}
		arm(s);
		rc = run_target(s, p, stop);
		disarm(s);
		/* Whatever stopped the guest, it is gone now (a request the
		 * termination left pending does not matter any more). */
		if (terminated(s, stop)) {
			rc = 0;
			break;
		}
		if (rc == 0 || rc > TARGET_MAX_THREADS)
			rc = -EIO; /* a target that broke the contract */
		bool fired = __atomic_load_n(&s->fired, __ATOMIC_RELAXED);
		bool consumed = rc > 0 && has_interrupt(s->stops, (unsigned)rc);
		unsigned n = rc > 0 ? stub_sift_stops(s, p, (unsigned)rc) : 0;
		/* Settle first: the stops' texts live in the target's buffers,
		 * which the next call may reuse. */
		if (n)
			stub_settle_stops(s, p, n, stop);
		if (fired && !consumed) {
			/* The guest stopped for another reason (or failed) as the
			 * request came: it is still pending and would stop the
			 * next run at once.  Consume it now, while nothing else
			 * can happen in between: this resume returns at once.
			 * After a reverse move too: resume()'s contract is the
			 * one target.h spells out (p holds all but one thread). */
			s->stats.resumes++;
			s->ops->resume(s->ctx, &p->req, s->stops, TARGET_MAX_THREADS);
			/* A range step cut short by the request: say so. */
			if (rc > 0 && n == 0)
				*stop = (struct target_stop){.kind = TARGET_STOP_INTERRUPT,
				                             .signal = GDB_SIGINT,
				                             .tid = p->focus};
			break;
		}
		if (rc < 0 || n)
			break;
		/* Only range steps that stayed inside: on. */
	}
	console_running(s, false);
	return rc < 0 ? rc : 0;
}

/* ---- the session ---- */

/* Next framing event, reading as needed.  false: the debugger is gone, or
 * the guest (s->terminate). */
static bool next_event(struct gdbstub *s, enum rsp_event *ev)
{
	for (;;) {
		if (__atomic_load_n(&s->terminate, __ATOMIC_SEQ_CST))
			return false;
		if (s->in_pos < s->in_len) {
			size_t used;
			*ev =
			    rsp_parse(&s->parser, s->in + s->in_pos, s->in_len - s->in_pos, &used);
			s->in_pos += used;
			if (*ev != RSP_EV_NONE)
				return true;
		}
		s->in_pos = s->in_len = 0;

		struct pollfd p[3] = {
		    {.fd = s->in_fd, .events = POLLIN},
		    {.fd = s->term_fd, .events = POLLIN},
		    {.fd = s->listen_fd, .events = POLLIN},
		};
		if (poll(p, s->listen_fd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		/* The current debugger first: if it has just hung up, the one
		 * waiting is the next to serve, not one to turn away. */
		if (!p[0].revents) {
			if (p[2].revents & POLLIN)
				reject_client(s);
			continue; /* p[1]: s->terminate is set, seen above */
		}
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
		a = stub_dispatch(s, s->parser.pkt, s->parser.pkt_len);
		break;
	case RSP_EV_BAD_CSUM:
		s->stats.bad_checksums++;
		if (!s->noack)
			return write_all(s, (const uint8_t *)"-", 1) < 0 ? GDBSTUB_END_DISCONNECT
			                                                 : -1;
		/* No NAK in no-ack mode: an error keeps request and reply paired. */
		a = stub_reply_err(s, ERR_PACKET);
		break;
	case RSP_EV_MALFORMED:
	case RSP_EV_OVERSIZE:
		s->stats.errors++;
		s->ack_pending = !s->noack;
		a = stub_reply_err(s, ev == RSP_EV_OVERSIZE ? E2BIG : ERR_PACKET);
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
		return stub_flush_ack(s) < 0 ? GDBSTUB_END_DISCONNECT : -1;
	case ACT_DETACH:
		send_reply(s);
		return GDBSTUB_END_DETACH;
	case ACT_KILL:
		send_reply(s);
		return GDBSTUB_END_KILL;
	case ACT_TERMINATED:
		send_reply(s);
		return GDBSTUB_END_TERMINATED;
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
	s->multiprocess = s->created = s->have_stop = false;
	stub_threads_reset(s);
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
			end = __atomic_load_n(&s->terminate, __ATOMIC_SEQ_CST) ? GDBSTUB_END_TERMINATED : GDBSTUB_END_DISCONNECT;
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
	s->term_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->term_fd < 0 || !s->xml || !s->mem || !s->mon || !s->in || !s->txq || !s->pend ||
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
	if (s->term_fd >= 0)
		close(s->term_fd);
	free(s->xml);
	free(s->mem);
	free(s->mon);
	free(s->in);
	free(s->txq);
	free(s->pend);
	free(s->bps);
	free(s);
}
