/* The GDB stub's protocol: one packet in, one table lookup, one reply out.
 *
 * Each handler parses its packet with a bounds-checked cursor, calls the
 * target, and builds the reply in s->reply; gdb_session.c reads the packets,
 * sends the replies and runs the target (see gdbstub_internal.h).
 *
 * Thread ids: one process (pid 1) whose threads are the vCPUs, ids
 * 1..thread_count() (gdb_threads.c).  With GDB's multiprocess extensions
 * (offered in qSupported) ids are written "p1.2" and the exit reply names
 * the process, so GDB shows "process 1"; without them, plain "2".  Ids are
 * accepted in both forms either way.  Hg picks the thread of registers and
 * memory, Hc the one of c and s; every stop reply names its thread and makes
 * it the Hg thread, as gdbserver does.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/gdb_regs.h"
#include "protocol/gdbstub.h"
#include "protocol/gdbstub_internal.h"
#include "protocol/rsp.h"

#define MON_CMD_MAX  1024                      /* monitor command text */
#define MEM_MAX_READ (GDBSTUB_PACKET_SIZE / 2) /* hex doubles it */

#define STUB_PID 1

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

/* A thread id as GDB writes it: "1", "0" (any), "-1" (all), and with the
 * multiprocess extensions "p1.1", "p1" and "p1.-1" (all of process 1's),
 * "p-1" (all).  pid is 0 when the id has none. */
struct ptid {
	int64_t pid, tid;
};

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

static bool parse_ptid(struct cur *c, struct ptid *id)
{
	id->pid = 0;
	if (cur_eat(c, 'p')) {
		if (!parse_id(c, &id->pid))
			return false;
		if (!cur_eat(c, '.')) {
			id->tid = -1;
			return true;
		}
	}
	return parse_id(c, &id->tid);
}

/* Whether id's process is ours: none named, any (0), all (-1) or pid 1. */
static bool pid_matches(const struct ptid *id)
{
	return id->pid == 0 || id->pid == -1 || id->pid == STUB_PID;
}

/* The one existing thread id names, or 0 (a set, or no such thread). */
static unsigned ptid_thread(struct gdbstub *s, const struct ptid *id)
{
	if (!pid_matches(id) || id->tid <= 0 || !stub_thread_exists(s, (unsigned)id->tid))
		return 0;
	return (unsigned)id->tid;
}

/* Whether id names existing threads: one, or a set ("0", "-1", "p1"). */
static bool ptid_valid(struct gdbstub *s, const struct ptid *id)
{
	return pid_matches(id) && (id->tid <= 0 || ptid_thread(s, id));
}

/* The Hg thread, or thread 1 if it went away (a restart). */
static unsigned g_thread(struct gdbstub *s)
{
	return stub_thread_exists(s, s->g_tid) ? s->g_tid : 1;
}

/* ---- replies ---- */

static enum act reply_str(struct gdbstub *s, const char *str)
{
	rsp_put_str(&s->reply, str);
	return ACT_REPLY;
}

enum act stub_reply_err(struct gdbstub *s, int err)
{
	if (err < 0)
		err = -err;
	stub_reply_reset(s);
	rsp_put_char(&s->reply, 'E');
	rsp_put_hex8(&s->reply, (uint8_t)(err ? err : ERR_PACKET));
	return ACT_REPLY;
}

/* A thread id, in the form the debugger expects. */
static void put_tid(struct gdbstub *s, unsigned tid)
{
	if (s->multiprocess) {
		rsp_put_char(&s->reply, 'p');
		rsp_put_hexnum(&s->reply, STUB_PID);
		rsp_put_char(&s->reply, '.');
	}
	rsp_put_hexnum(&s->reply, tid);
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

/* The end of recorded history a move ran into: GDB says "No more
 * reverse-execution history." (it reads begin and end alike). */
static const char *const history_reason[] = {
    [TARGET_HISTORY_NONE] = "",
    [TARGET_HISTORY_BEGIN] = "replaylog:begin;",
    [TARGET_HISTORY_END] = "replaylog:end;",
};

/* The guest is gone: stops that end the process. */
static bool stop_ends_process(const struct target_stop *stop)
{
	return stop->kind == TARGET_STOP_EXITED || stop->kind == TARGET_STOP_TERMINATED;
}

/* T/W/X stop reply for stop, with the thread's pc, sp and fp expedited in
 * a T. */
static void put_stop(struct gdbstub *s, const struct target_stop *stop)
{
	struct rsp_buf *b = &s->reply;
	struct vcpu_state st;
	int sig = GDB_SIGTRAP;
	unsigned tid = stub_thread_exists(s, stop->tid) ? stop->tid : g_thread(s);

	if (stop_ends_process(stop)) {
		bool exited = stop->kind == TARGET_STOP_EXITED;
		rsp_put_char(b, exited ? 'W' : 'X');
		rsp_put_hex8(b, (uint8_t)(exited ? stop->code : stop->signal));
		if (s->multiprocess) {
			rsp_put_str(b, ";process:");
			rsp_put_hexnum(b, STUB_PID);
		}
		return;
	}
	if (stop->kind == TARGET_STOP_INTERRUPT)
		sig = GDB_SIGINT;
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
	if ((unsigned)stop->history < sizeof(history_reason) / sizeof(history_reason[0]))
		rsp_put_str(b, history_reason[stop->history]);
	if (s->ops->get_state(s->ctx, tid, &st) == 0) {
		put_reg(s, &st, GDB_REG_EIP);
		put_reg(s, &st, GDB_REG_ESP);
		put_reg(s, &st, GDB_REG_EBP);
	}
	rsp_put_str(b, "thread:");
	put_tid(s, tid);
	rsp_put_char(b, ';');
}

/* The stop '?' reports from now on: the target's last one may differ after
 * a resume that consumed an interrupt request (gdb_session.c).  Its thread
 * becomes the Hg thread, as in gdbserver.  The end of history is news of
 * the move, not a reason to repeat: a GDB connecting later would print "No
 * more reverse-execution history" for a move it never made. */
static void remember_stop(struct gdbstub *s, const struct target_stop *stop)
{
	s->stop = *stop;
	s->stop.why = NULL; /* the target's buffer: not ours to keep */
	s->stop.history = TARGET_HISTORY_NONE;
	if (!stub_thread_exists(s, s->stop.tid))
		s->stop.tid = g_thread(s);
	s->g_tid = s->stop.tid;
	s->have_stop = true;
}

/* The stop the target is in now, as '?' tells it. */
static void current_stop(struct gdbstub *s, struct target_stop *stop)
{
	*stop = (struct target_stop){.kind = TARGET_STOP_SIGNAL, .signal = GDB_SIGTRAP};
	if (s->no_process)
		*stop = (struct target_stop){.kind = TARGET_STOP_EXITED};
	else if (s->have_stop)
		*stop = s->stop;
	else
		s->ops->last_stop(s->ctx, stop);
	if (!stub_thread_exists(s, stop->tid))
		stop->tid = g_thread(s);
}

/* ---- resuming ---- */

/* The thread a stop without a tid is about: the (first) stepping one, else
 * the one last reported if it runs, else the first that runs. */
static unsigned plan_focus(struct gdbstub *s, const struct resume_plan *p)
{
	unsigned first = 0, cur = g_thread(s);

	for (unsigned tid = 1; tid <= p->req.nthreads; tid++) {
		enum target_resume how = p->req.how[tid - 1];
		if (how == TARGET_STEP)
			return tid;
		if (how == TARGET_CONTINUE && !first)
			first = tid;
	}
	return cur <= p->req.nthreads && p->req.how[cur - 1] != TARGET_HOLD ? cur : first;
}

/* Every thread does how. */
static void plan_init(struct resume_plan *p, unsigned nthreads, enum target_resume how)
{
	memset(p, 0, sizeof(*p));
	p->req.nthreads = nthreads;
	for (unsigned i = 0; i < nthreads; i++)
		p->req.how[i] = how;
}

/* A failed bs/bc.  GDB 13 reads any 'E' stop reply as "warning: Remote
 * failure reply: <the whole reply>" and a stop where the thread is ("Program
 * stopped."), the session going on; so "E.text", which it prints as is,
 * says what happened where "E5f" would not.  (An empty reply would be worse:
 * "Invalid remote reply", and GDB waits for a stop for ever.) */
static enum act reply_reverse_err(struct gdbstub *s, int rc)
{
	rsp_put_str(&s->reply, "E.reverse execution: ");
	rsp_put_str(&s->reply, rc == -ENOTSUP ? "nothing recorded here" : strerror(-rc));
	return ACT_REPLY;
}

/* Report a pending stop of a thread p runs, or resume (repeatedly for a
 * range step), and build the stop reply.  A reverse move reports no pending
 * stop: those are of the present it leaves (gdb_session.c drops them). */
static enum act resume(struct gdbstub *s, struct resume_plan *p)
{
	struct target_stop stop;
	int rc = 0;

	if (s->no_process)
		return stub_reply_err(s, ESRCH);
	if (stub_flush_ack(s) < 0)
		return ACT_DISCONNECT;
	p->focus = plan_focus(s, p);
	if (p->reverse || !stub_take_pending(s, p, &stop)) {
		s->have_stop = false;
		rc = stub_resume(s, p, &stop);
		if (s->disconnected)
			return ACT_DISCONNECT;
	}
	stub_reply_reset(s);
	if (stop.why && stub_send_output(s, stop.why, strlen(stop.why)) < 0)
		return ACT_DISCONNECT;
	if (rc < 0)
		return p->reverse ? reply_reverse_err(s, rc) : stub_reply_err(s, rc);
	remember_stop(s, &stop);
	if (stop_ends_process(&stop)) {
		s->no_process = true;
		stub_pending_clear(s);
	}
	put_stop(s, &stop);
	return stop.kind == TARGET_STOP_TERMINATED ? ACT_TERMINATED : ACT_REPLY;
}

/* Optional new linear pc of thread tid, as in "c addr". */
static int set_pc(struct gdbstub *s, unsigned tid, uint64_t pc)
{
	struct vcpu_state st;
	uint8_t v[4] = {(uint8_t)pc, (uint8_t)(pc >> 8), (uint8_t)(pc >> 16), (uint8_t)(pc >> 24)};
	int rc;

	if (pc > 0xffffffffu)
		return -EINVAL;
	rc = s->ops->get_state(s->ctx, tid, &st);
	if (rc == 0)
		rc = gdb_reg_set(&st, GDB_REG_EIP, v);
	if (rc == 0)
		rc = s->ops->set_state(s->ctx, tid, &st);
	return rc;
}

/* c/s [addr] and C/S sig[;addr], as gdbserver reads them: with an Hc
 * thread, only that thread moves; otherwise the Hg thread does how and the
 * others continue.  Signals cannot be delivered to a bare x86 guest: the
 * number is checked and ignored. */
static enum act resume_cmd(struct gdbstub *s, struct cur *c, enum target_resume how, bool sig)
{
	struct resume_plan p;
	bool only = stub_thread_exists(s, s->c_tid);
	unsigned tid = only ? s->c_tid : g_thread(s);
	uint64_t v;

	if (sig) {
		if (!cur_hex(c, &v) || v > 0xff)
			return stub_reply_err(s, ERR_PACKET);
		if (!cur_eof(c) && (!cur_eat(c, ';') || cur_eof(c)))
			return stub_reply_err(s, ERR_PACKET);
	}
	if (!cur_eof(c)) {
		if (!cur_hex(c, &v) || !cur_eof(c))
			return stub_reply_err(s, ERR_PACKET);
		int rc = set_pc(s, tid, v);
		if (rc < 0)
			return stub_reply_err(s, rc);
	}
	plan_init(&p, stub_nthreads(s), only ? TARGET_HOLD : TARGET_CONTINUE);
	p.req.how[tid - 1] = how;
	return resume(s, &p);
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

/* bs and bc: the Hc thread (none: the current one, as for s) goes back one
 * instruction, or the guest goes back to a breakpoint, a watchpoint or the
 * start of its history.  Only the target's reverse() moves (the other
 * threads are held), with Ctrl-C and console output as for c; a failure
 * sends the target's reason as console text, then reply_reverse_err's. */
static enum act reverse_cmd(struct gdbstub *s, struct cur *c, enum target_resume how)
{
	struct resume_plan p;
	unsigned tid = stub_thread_exists(s, s->c_tid) ? s->c_tid : g_thread(s);

	if (!s->ops->reverse)
		return ACT_REPLY; /* not supported: not offered in qSupported either */
	if (!cur_eof(c))
		return stub_reply_err(s, ERR_PACKET);
	plan_init(&p, stub_nthreads(s), TARGET_HOLD);
	p.req.how[tid - 1] = how;
	p.reverse = true;
	return resume(s, &p);
}

/* b: bs or bc (the long-gone 'b baud' is not supported). */
static enum act cmd_b(struct gdbstub *s, struct cur *c)
{
	if (cur_eat(c, 's'))
		return reverse_cmd(s, c, TARGET_STEP);
	if (cur_eat(c, 'c'))
		return reverse_cmd(s, c, TARGET_CONTINUE);
	return ACT_REPLY;
}

/* ---- registers ---- */

/* ?: the stop again; its thread becomes the Hg thread. */
static enum act cmd_stop_reason(struct gdbstub *s, struct cur *c)
{
	(void)c;
	struct target_stop stop;

	current_stop(s, &stop);
	if (!stop_ends_process(&stop))
		s->g_tid = stop.tid;
	put_stop(s, &stop);
	return ACT_REPLY;
}

static enum act cmd_g(struct gdbstub *s, struct cur *c)
{
	struct vcpu_state st;
	uint8_t buf[GDB_REGS_BYTES];
	int rc;

	if (!cur_eof(c))
		return stub_reply_err(s, ERR_PACKET);
	rc = s->ops->get_state(s->ctx, g_thread(s), &st);
	if (rc < 0)
		return stub_reply_err(s, rc);
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
		return stub_reply_err(s, ERR_PACKET);
	rc = s->ops->get_state(s->ctx, g_thread(s), &st);
	if (rc == 0)
		rc = gdb_regs_set_all(&st, buf);
	if (rc == 0)
		rc = s->ops->set_state(s->ctx, g_thread(s), &st);
	return rc < 0 ? stub_reply_err(s, rc) : reply_str(s, "OK");
}

static enum act cmd_p(struct gdbstub *s, struct cur *c)
{
	struct vcpu_state st;
	uint8_t v[GDB_REG_MAX_BYTES];
	uint64_t regno;
	int rc;

	if (!cur_hex(c, &regno) || !cur_eof(c) || regno >= GDB_REG_COUNT)
		return stub_reply_err(s, ERR_PACKET);
	rc = s->ops->get_state(s->ctx, g_thread(s), &st);
	if (rc < 0)
		return stub_reply_err(s, rc);
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
		return stub_reply_err(s, ERR_PACKET);
	size_t size = gdb_reg_size((unsigned)regno);
	if (cur_left(c) != 2 * size || rsp_unhex(v, c->p, size) < 0)
		return stub_reply_err(s, ERR_PACKET);
	rc = s->ops->get_state(s->ctx, g_thread(s), &st);
	if (rc == 0)
		rc = gdb_reg_set(&st, (unsigned)regno, v);
	if (rc == 0)
		rc = s->ops->set_state(s->ctx, g_thread(s), &st);
	return rc < 0 ? stub_reply_err(s, rc) : reply_str(s, "OK");
}

/* ---- memory ---- */

static enum act cmd_m(struct gdbstub *s, struct cur *c)
{
	uint64_t addr, len;
	int rc = parse_range(c, &addr, &len, MEM_MAX_READ);

	if (rc == 0 && (!cur_eof(c) || len == 0))
		rc = -ERR_PACKET;
	if (rc == 0)
		rc = s->ops->read_mem(s->ctx, g_thread(s), addr, s->mem, len);
	if (rc < 0)
		return stub_reply_err(s, rc);
	rsp_put_hex(&s->reply, s->mem, len);
	return ACT_REPLY;
}

static enum act write_mem(struct gdbstub *s, uint64_t addr, uint64_t len)
{
	int rc = len ? s->ops->write_mem(s->ctx, g_thread(s), addr, s->mem, len) : 0;

	return rc < 0 ? stub_reply_err(s, rc) : reply_str(s, "OK");
}

static enum act cmd_M(struct gdbstub *s, struct cur *c)
{
	uint64_t addr, len;
	int rc = parse_range(c, &addr, &len, MEM_MAX_READ);

	if (rc == 0 && !cur_eat(c, ':'))
		rc = -ERR_PACKET;
	if (rc == 0 && (cur_left(c) != 2 * len || rsp_unhex(s->mem, c->p, len) < 0))
		rc = -ERR_PACKET;
	return rc < 0 ? stub_reply_err(s, rc) : write_mem(s, addr, len);
}

/* X: the framing already undid the escapes; the length must match exactly. */
static enum act cmd_X(struct gdbstub *s, struct cur *c)
{
	uint64_t addr, len;
	int rc = parse_range(c, &addr, &len, GDBSTUB_PACKET_SIZE);

	if (rc == 0 && (!cur_eat(c, ':') || cur_left(c) != len))
		rc = -ERR_PACKET;
	if (rc < 0)
		return stub_reply_err(s, rc);
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
		return stub_reply_err(s, ERR_PACKET);
	if (type > TARGET_WP_ACCESS)
		return ACT_REPLY; /* unsupported type: empty reply */
	if (addr > 0xffffffffu)
		return stub_reply_err(s, EINVAL);
	/* x86 breakpoints are one byte long; watched lengths are the target's
	 * business, within reason. */
	if (type <= TARGET_BP_HW ? kind != 1 : kind == 0 || kind > 0x10000)
		return stub_reply_err(s, EINVAL);
	if (insert)
		rc = s->ops->insert_point(s->ctx, (enum target_point)type, addr, (unsigned)kind);
	else
		rc = s->ops->remove_point(s->ctx, (enum target_point)type, addr, (unsigned)kind);
	if (rc == -ENOTSUP)
		return ACT_REPLY;
	if (rc == 0 && stub_note_point(s, (enum target_point)type, (uint32_t)addr, insert) < 0) {
		/* Unnoted, it would hide its pending stops: not inserted either. */
		s->ops->remove_point(s->ctx, (enum target_point)type, addr, (unsigned)kind);
		rc = -ENOMEM;
	}
	return rc < 0 ? stub_reply_err(s, rc) : reply_str(s, "OK");
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

/* Hg id / Hc id: the thread of registers and memory, of c and s.  "0"
 * (any) keeps the Hg thread; "-1" (all) is only meaningful for Hc.  Other
 * operations are accepted and change nothing.  Unknown threads: E01. */
static enum act cmd_H(struct gdbstub *s, struct cur *c)
{
	struct ptid id;
	char op;

	if (cur_eof(c))
		return stub_reply_err(s, ERR_PACKET);
	op = *c->p++;
	if (!parse_ptid(c, &id) || !cur_eof(c) || !ptid_valid(s, &id))
		return stub_reply_err(s, ERR_PACKET);
	unsigned tid = ptid_thread(s, &id);
	if (op == 'g' && tid)
		s->g_tid = tid;
	else if (op == 'c')
		s->c_tid = tid;
	return reply_str(s, "OK");
}

/* T: is the thread alive? */
static enum act cmd_T(struct gdbstub *s, struct cur *c)
{
	struct ptid id;

	if (!parse_ptid(c, &id) || !cur_eof(c) || s->no_process || !ptid_thread(s, &id))
		return stub_reply_err(s, ERR_PACKET);
	return reply_str(s, "OK");
}

static void killed(struct gdbstub *s)
{
	s->ops->kill(s->ctx);
	s->no_process = true;
	s->have_stop = false;
	stub_threads_reset(s);
}

/* k has no reply in GDB's protocol, but LLDB waits for one ("failed to send
 * the k packet" otherwise): X09, killed.  GDB sends vKill instead where it
 * is supported, and it is; a GDB that sends k anyway reads nothing after it
 * and closes the connection, so the reply goes nowhere.  In extended mode
 * the session goes on, and a reply would be taken for the next packet's. */
static enum act cmd_k(struct gdbstub *s, struct cur *c)
{
	(void)c;
	killed(s);
	if (s->extended)
		return ACT_SILENT;
	reply_str(s, "X09");
	return ACT_KILL;
}

/* The pid of vKill;pid and D;pid: ours, or anything from a debugger that
 * does not use the multiprocess extensions (GDB then sends a made-up one). */
static bool pid_ours(struct gdbstub *s, uint64_t pid)
{
	return !s->multiprocess || pid == STUB_PID;
}

static enum act cmd_vKill(struct gdbstub *s, struct cur *c)
{
	uint64_t pid;

	if (!cur_eat(c, ';') || !cur_hex(c, &pid) || !cur_eof(c))
		return stub_reply_err(s, ERR_PACKET);
	if (!pid_ours(s, pid) || (s->extended && s->no_process))
		return stub_reply_err(s, ESRCH);
	killed(s);
	reply_str(s, "OK");
	return s->extended ? ACT_REPLY : ACT_KILL;
}

static enum act cmd_D(struct gdbstub *s, struct cur *c)
{
	uint64_t pid = STUB_PID;

	if (cur_eat(c, ';') && !cur_hex(c, &pid))
		return stub_reply_err(s, ERR_PACKET);
	if (!cur_eof(c))
		return stub_reply_err(s, ERR_PACKET);
	if (!pid_ours(s, pid))
		return stub_reply_err(s, ESRCH);
	s->ops->detach(s->ctx);
	reply_str(s, "OK");
	return ACT_DETACH;
}

static enum act cmd_extended(struct gdbstub *s, struct cur *c)
{
	(void)c;
	s->extended = true;
	return reply_str(s, "OK");
}

static int restart(struct gdbstub *s)
{
	int rc = s->ops->restart(s->ctx);

	if (rc == 0) {
		s->no_process = s->have_stop = false;
		stub_threads_reset(s);
	}
	return rc;
}

/* R: restart, no reply (extended mode only). */
static enum act cmd_R(struct gdbstub *s, struct cur *c)
{
	(void)c;
	if (!s->extended)
		return ACT_REPLY; /* not supported outside extended mode */
	if (restart(s) < 0)
		return stub_reply_err(s, EIO);
	return ACT_SILENT;
}

/* vRun;file;args: the guest image is the VMM's, so the arguments are
 * ignored; the reply is the new "process" stopped at its first instruction. */
static enum act cmd_vRun(struct gdbstub *s, struct cur *c)
{
	(void)c;
	struct target_stop stop = {.kind = TARGET_STOP_SIGNAL, .signal = GDB_SIGTRAP, .tid = 1};
	int rc;

	if (!s->extended)
		return stub_reply_err(s, ERR_PACKET);
	rc = restart(s);
	if (rc < 0)
		return stub_reply_err(s, rc);
	s->created = true;
	put_stop(s, &stop);
	return ACT_REPLY;
}

/* One vCont action: its letter and, for 'r', the range. */
struct vcont_action {
	char op;
	struct range range;
};

static bool parse_action(struct cur *c, struct vcont_action *a)
{
	uint64_t v, lo, hi;

	if (cur_eof(c))
		return false;
	*a = (struct vcont_action){.op = *c->p++};
	switch (a->op) {
	case 'c':
	case 's':
	case 't':
		return true;
	case 'C':
	case 'S':
		return cur_hex(c, &v) && v <= 0xff;
	case 'r':
		if (!cur_hex(c, &lo) || !cur_eat(c, ',') || !cur_hex(c, &hi) || lo > 0xffffffffu ||
		    hi > 0xffffffffu)
			return false;
		a->range = (struct range){(uint32_t)lo, (uint32_t)hi};
		return true;
	default:
		return false;
	}
}

/* Give action a to thread tid unless an earlier action took it. */
static void plan_action(struct resume_plan *p, bool *taken, unsigned tid,
                        const struct vcont_action *a)
{
	static const enum target_resume how[128] = {
	    ['c'] = TARGET_CONTINUE, ['C'] = TARGET_CONTINUE, ['s'] = TARGET_STEP,
	    ['S'] = TARGET_STEP,     ['r'] = TARGET_STEP,     ['t'] = TARGET_HOLD,
	};

	if (taken[tid - 1])
		return;
	taken[tid - 1] = true;
	p->req.how[tid - 1] = how[(unsigned char)a->op];
	if (a->op == 'r')
		p->range[tid - 1] = a->range;
}

/* vCont;action[:id]...: each thread takes the leftmost action whose id
 * includes it (no id: every thread); threads no action names stay stopped,
 * as with scheduler-locking.  An id naming a thread or process that does
 * not exist fails the whole packet (E03) and nothing runs. */
static enum act cmd_vCont(struct gdbstub *s, struct cur *c)
{
	bool any = false, taken[TARGET_MAX_THREADS] = {false};
	unsigned n = stub_nthreads(s), held = 0;
	struct resume_plan p;
	struct vcont_action a;
	struct ptid id;

	plan_init(&p, n, TARGET_HOLD);
	while (cur_eat(c, ';')) {
		unsigned lo = 1, hi = n;
		if (!parse_action(c, &a))
			return stub_reply_err(s, ERR_PACKET);
		if (cur_eat(c, ':')) {
			if (!parse_ptid(c, &id))
				return stub_reply_err(s, ERR_PACKET);
			if (!ptid_valid(s, &id))
				return stub_reply_err(s, ESRCH);
			if (id.tid == 0)
				lo = hi = g_thread(s); /* any thread: the current one */
			else if (id.tid > 0)
				lo = hi = (unsigned)id.tid;
		}
		for (unsigned tid = lo; tid <= hi; tid++)
			plan_action(&p, taken, tid, &a);
		if (a.op == 't' && !held)
			held = lo;
		any = true;
	}
	if (!any || !cur_eof(c))
		return stub_reply_err(s, ERR_PACKET);
	for (unsigned i = 0; i < n; i++)
		if (p.req.how[i] != TARGET_HOLD)
			return resume(s, &p);
	if (!held)
		return stub_reply_err(s, ESRCH); /* nothing to do */
	/* Only t: meaningful in non-stop mode; the thread is stopped. */
	rsp_put_str(&s->reply, "T00thread:");
	put_tid(s, held);
	rsp_put_char(&s->reply, ';');
	return ACT_REPLY;
}

static enum act cmd_vCont_query(struct gdbstub *s, struct cur *c)
{
	(void)c;
	return reply_str(s, "vCont;c;C;s;S;t;r");
}

/* ---- queries ---- */

/* qSupported[:feature;...]: the one feature of GDB's that changes how the
 * stub talks is multiprocess+.  Reverse execution is offered if the target
 * has it (GDB sends no bs/bc otherwise). */
static enum act cmd_qSupported(struct gdbstub *s, struct cur *c)
{
	char buf[192];

	s->multiprocess = false;
	if (cur_eat(c, ':')) {
		while (!cur_eof(c)) {
			const char *f = c->p;
			size_t n = 0;
			while (f + n < c->end && f[n] != ';')
				n++;
			if (n == 13 && memcmp(f, "multiprocess+", 13) == 0)
				s->multiprocess = true;
			c->p = f + n;
			cur_eat(c, ';');
		}
	}
	snprintf(buf, sizeof(buf),
	         "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;"
	         "vContSupported+%s%s",
	         GDBSTUB_PACKET_SIZE, s->ops->reverse ? ";ReverseStep+;ReverseContinue+" : "",
	         s->multiprocess ? ";multiprocess+" : "");
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
		return stub_reply_err(s, ERR_PACKET);
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
	(void)c;
	/* 1: the VM exists without the debugger, so `quit` detaches; 0 once
	 * the debugger started the guest over with vRun (`run`): quit kills. */
	return reply_str(s, s->created ? "0" : "1");
}

/* qC: the current thread, the Hg one. */
static enum act cmd_qC(struct gdbstub *s, struct cur *c)
{
	(void)c;
	rsp_put_str(&s->reply, "QC");
	put_tid(s, g_thread(s));
	return ACT_REPLY;
}

/* qfThreadInfo: every thread in one reply; qsThreadInfo ends the list. */
static enum act cmd_qfThreadInfo(struct gdbstub *s, struct cur *c)
{
	(void)c;
	if (s->no_process)
		return reply_str(s, "l");
	unsigned n = stub_nthreads(s);
	rsp_put_char(&s->reply, 'm');
	for (unsigned tid = 1; tid <= n; tid++) {
		if (tid > 1)
			rsp_put_char(&s->reply, ',');
		put_tid(s, tid);
	}
	return ACT_REPLY;
}

static enum act cmd_qsThreadInfo(struct gdbstub *s, struct cur *c)
{
	(void)c;
	return reply_str(s, "l");
}

/* qThreadExtraInfo,id: the target's line about the thread, in hex; empty
 * (not supported) if the target has none. */
static enum act cmd_qThreadExtraInfo(struct gdbstub *s, struct cur *c)
{
	struct ptid id;
	unsigned tid;

	if (!cur_eat(c, ',') || !parse_ptid(c, &id) || !cur_eof(c) || !(tid = ptid_thread(s, &id)))
		return stub_reply_err(s, ERR_PACKET);
	if (!s->ops->thread_info)
		return ACT_REPLY;
	s->mon[0] = 0;
	int rc = s->ops->thread_info(s->ctx, tid, s->mon, MON_CMD_MAX);
	if (rc < 0)
		return stub_reply_err(s, rc);
	s->mon[MON_CMD_MAX - 1] = 0; /* whatever the target did */
	rsp_put_hex(&s->reply, s->mon, strlen(s->mon));
	return ACT_REPLY;
}

/* ---- LLDB's queries (lldb-gdb-remote.txt); GDB sends none of them ---- */

/* The architecture, byte order and pointer size, as a triple (hex). */
static void put_arch(struct gdbstub *s)
{
	static const char triple[] = GDB_REGS_LLDB_TRIPLE;

	rsp_put_str(&s->reply, "triple:");
	rsp_put_hex(&s->reply, triple, sizeof(triple) - 1);
	rsp_put_str(&s->reply, ";ptrsize:4;endian:little;");
}

static enum act cmd_qHostInfo(struct gdbstub *s, struct cur *c)
{
	(void)c;
	put_arch(s);
	return ACT_REPLY;
}

static enum act cmd_qProcessInfo(struct gdbstub *s, struct cur *c)
{
	(void)c;
	if (s->no_process)
		return stub_reply_err(s, ESRCH);
	rsp_put_str(&s->reply, "pid:");
	rsp_put_hexnum(&s->reply, STUB_PID);
	rsp_put_char(&s->reply, ';');
	put_arch(s);
	return ACT_REPLY;
}

/* qThreadStopInfoTID (hex): why that thread stopped, as a stop reply.  The
 * thread of the last stop tells its stop; the others "T00" (no reason of
 * their own: a pending stop is reported at the next resume, not here). */
static enum act cmd_qThreadStopInfo(struct gdbstub *s, struct cur *c)
{
	struct target_stop stop;
	uint64_t tid;

	if (!cur_hex(c, &tid) || !cur_eof(c) || tid > TARGET_MAX_THREADS ||
	    !stub_thread_exists(s, (unsigned)tid))
		return stub_reply_err(s, ERR_PACKET);
	current_stop(s, &stop);
	if (!stop_ends_process(&stop) && stop.tid != tid)
		stop = (struct target_stop){.kind = TARGET_STOP_SIGNAL, .tid = (unsigned)tid};
	put_stop(s, &stop);
	return ACT_REPLY;
}

static enum act cmd_OK(struct gdbstub *s, struct cur *c)
{
	(void)c;
	return reply_str(s, "OK");
}

static enum act cmd_QStartNoAckMode(struct gdbstub *s, struct cur *c)
{
	(void)c;
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
	                 "packets %lu, bad checksums %lu, errors %lu, resumes %lu, reverse %lu, "
	                 "interrupts %lu\n"
	                 "console bytes sent %lu, dropped %lu; debuggers turned away %lu\n",
	                 st.packets, st.bad_checksums, st.errors, st.resumes, st.reverses,
	                 st.interrupts, st.console_sent, st.console_dropped, st.rejected);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* qRcmd,hex: the output as O packets, then OK.  Like gdbserver, a command
 * that is unknown or fails gets its message and OK too: an error reply would
 * make GDB print "Protocol error with Rcmd" and end a batch script.  Only a
 * malformed packet gets an error. */
static enum act cmd_qRcmd(struct gdbstub *s, struct cur *c)
{
	char cmd[MON_CMD_MAX + 1];
	size_t n, len = 0;

	if (!cur_eat(c, ',') || cur_left(c) % 2 || cur_left(c) / 2 > MON_CMD_MAX)
		return stub_reply_err(s, ERR_PACKET);
	n = cur_left(c) / 2;
	if (rsp_unhex(cmd, c->p, n) < 0)
		return stub_reply_err(s, ERR_PACKET);
	cmd[n] = 0;
	if (strlen(cmd) != n)
		return stub_reply_err(s, ERR_PACKET); /* an embedded NUL */

	s->mon[0] = 0;
	if (strcmp(cmd, "help") == 0) {
		len = (size_t)snprintf(s->mon, MON_CAP, "%s", stub_help);
		if (s->ops->monitor &&
		    s->ops->monitor(s->ctx, "help", s->mon + len, MON_CAP - len) == 0)
			len += strlen(s->mon + len);
	} else if (strcmp(cmd, "stub-stats") == 0) {
		len = stub_stats(s, s->mon, MON_CAP);
	} else {
		int rc = s->ops->monitor ? s->ops->monitor(s->ctx, cmd, s->mon, MON_CAP) : -ENOENT;
		s->mon[MON_CAP - 1] = 0; /* whatever the target did */
		len = strlen(s->mon);
		/* The target explains its failures; if it said nothing, we do. */
		if (rc == -ENOENT && len == 0)
			snprintf(s->mon, MON_CAP,
			         "unknown monitor command '%s'; try 'monitor help'\n", cmd);
		else if (rc < 0 && len == 0)
			snprintf(s->mon, MON_CAP, "monitor %s: %s\n", cmd, strerror(-rc));
		len = strlen(s->mon);
	}
	if (stub_send_output(s, s->mon, len) < 0)
		return ACT_DISCONNECT;
	return reply_str(s, "OK");
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
    {"qThreadExtraInfo", cmd_qThreadExtraInfo},
    {"qRcmd", cmd_qRcmd},
    {"qSymbol", cmd_OK},
    {"qHostInfo", cmd_qHostInfo},
    {"qProcessInfo", cmd_qProcessInfo},
    {"QStartNoAckMode", cmd_QStartNoAckMode},
    {"vCont?", cmd_vCont_query},
    {"vCont", cmd_vCont},
    {"vKill", cmd_vKill},
    {"vRun", cmd_vRun},
};

/* Packets whose argument follows the name directly. */
static const struct named_cmd prefixed_cmds[] = {
    {"qThreadStopInfo", cmd_qThreadStopInfo}, /* LLDB's */
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
	for (size_t i = 0; i < sizeof(prefixed_cmds) / sizeof(prefixed_cmds[0]); i++) {
		size_t len = strlen(prefixed_cmds[i].name);
		if (len < n && memcmp(prefixed_cmds[i].name, name, len) == 0) {
			c->p = name + len;
			return prefixed_cmds[i].fn(s, c);
		}
	}
	/* Unknown (qTStatus, qOffsets, vMustReplyEmpty; LLDB's QThreadSuffixSupported,
	 * jThreadsInfo, qMemoryRegionInfo...): empty, and each debugger does without
	 * (LLDB then selects threads with Hg and asks qThreadStopInfo). */
	return ACT_REPLY;
}

static const cmd_fn cmd_table[128] = {
    ['?'] = cmd_stop_reason, ['!'] = cmd_extended, ['c'] = cmd_c,     ['C'] = cmd_C, ['s'] = cmd_s,
    ['S'] = cmd_S,           ['g'] = cmd_g,        ['G'] = cmd_G,     ['p'] = cmd_p, ['P'] = cmd_P,
    ['m'] = cmd_m,           ['M'] = cmd_M,        ['X'] = cmd_X,     ['Z'] = cmd_Z, ['z'] = cmd_z,
    ['H'] = cmd_H,           ['T'] = cmd_T,        ['k'] = cmd_k,     ['D'] = cmd_D, ['R'] = cmd_R,
    ['q'] = cmd_named,       ['Q'] = cmd_named,    ['v'] = cmd_named, ['b'] = cmd_b,
};

enum act stub_dispatch(struct gdbstub *s, const uint8_t *pkt, size_t len)
{
	struct cur c = {(const char *)pkt + 1, (const char *)pkt + len};
	cmd_fn fn = len && pkt[0] < 128 ? cmd_table[pkt[0]] : NULL;

	stub_reply_reset(s);
	return fn ? fn(s, &c) : ACT_REPLY;
}
