/* A fake target for the GDB stub's tests: see fake_target.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_target.h"

static bool cpu_listed(const struct fake_target *f, unsigned tid)
{
	return tid >= 1 && tid <= f->ncpus;
}

static unsigned fake_thread_count(void *ctx)
{
	struct fake_target *f = ctx;

	return f->ncpus;
}

static int fake_thread_info(void *ctx, unsigned tid, char *buf, size_t len)
{
	struct fake_target *f = ctx;

	if (!cpu_listed(f, tid))
		return -ESRCH;
	snprintf(buf, len, "CPU %u, %s, %s", tid - 1,
	         f->st[tid - 1].cr0 & 1 ? "protected mode" : "real mode",
	         f->waiting[tid - 1]  ? "waiting for SIPI"
	         : f->halted[tid - 1] ? "halted"
	                              : "running");
	return 0;
}

static int fake_get_state(void *ctx, unsigned tid, struct vcpu_state *st)
{
	struct fake_target *f = ctx;

	if (!cpu_listed(f, tid))
		return -ESRCH;
	*st = f->st[tid - 1];
	return 0;
}

static int fake_set_state(void *ctx, unsigned tid, const struct vcpu_state *st)
{
	struct fake_target *f = ctx;

	if (!cpu_listed(f, tid))
		return -ESRCH;
	f->st[tid - 1] = *st;
	return 0;
}

static bool in_ram(uint64_t addr, size_t len)
{
	return addr <= FAKE_RAM_SIZE && len <= FAKE_RAM_SIZE - addr;
}

static int fake_read_mem(void *ctx, unsigned tid, uint64_t addr, void *buf, size_t len)
{
	struct fake_target *f = ctx;

	if (!cpu_listed(f, tid))
		return -ESRCH;
	f->mem_tid = tid;
	if (!in_ram(addr, len))
		return -EFAULT;
	memcpy(buf, f->ram + addr, len);
	return 0;
}

static int fake_write_mem(void *ctx, unsigned tid, uint64_t addr, const void *buf, size_t len)
{
	struct fake_target *f = ctx;

	if (!cpu_listed(f, tid))
		return -ESRCH;
	f->mem_tid = tid;
	if (!in_ram(addr, len))
		return -EFAULT;
	memcpy(f->ram + addr, buf, len);
	return 0;
}

static int find_point(struct fake_target *f, enum target_point type, uint64_t addr, unsigned kind)
{
	for (int i = 0; i < f->npoints; i++)
		if (f->points[i].type == type && f->points[i].addr == addr &&
		    f->points[i].kind == kind)
			return i;
	return -1;
}

static int fake_insert_point(void *ctx, enum target_point type, uint64_t addr, unsigned kind)
{
	struct fake_target *f = ctx;
	int hw = 0;

	if (type == TARGET_WP_READ && f->no_read_watch)
		return -ENOTSUP;
	if (type != TARGET_BP_SW && kind > 8)
		return -EINVAL;
	if (find_point(f, type, addr, kind) >= 0)
		return 0;
	for (int i = 0; i < f->npoints; i++)
		hw += f->points[i].type != TARGET_BP_SW;
	if (f->npoints == FAKE_MAX_POINTS || (type != TARGET_BP_SW && hw == FAKE_MAX_HW))
		return -ENOSPC;
	f->points[f->npoints++] = (struct fake_point){type, (uint32_t)addr, kind};
	return 0;
}

static int fake_remove_point(void *ctx, enum target_point type, uint64_t addr, unsigned kind)
{
	struct fake_target *f = ctx;
	int i = find_point(f, type, addr, kind);

	if (i < 0)
		return -EINVAL;
	f->points[i] = f->points[--f->npoints];
	return 0;
}

/* The breakpoint (Z0 or Z1) at linear pc, or -1. */
static int bp_at(struct fake_target *f, uint32_t pc)
{
	for (int i = 0; i < f->npoints; i++)
		if (f->points[i].type <= TARGET_BP_HW && f->points[i].addr == pc)
			return i;
	return -1;
}

static bool interrupted(struct fake_target *f);

static void set_stop(struct target_stop *stop, enum target_stop_kind kind, int sig, unsigned tid)
{
	memset(stop, 0, sizeof(*stop));
	stop->kind = kind;
	stop->signal = sig;
	stop->tid = tid;
}

/* Wait for interrupt(): a short sleep loop is enough for a test double. */
static void wait_interrupt(struct fake_target *f)
{
	struct timespec ts = {0, 200 * 1000};

	while (!interrupted(f))
		nanosleep(&ts, NULL);
}

static void emit_console(struct fake_target *f)
{
	if (!f->stub || !f->console)
		return;
	unsigned n = f->console_repeat ? f->console_repeat : 1;
	for (unsigned i = 0; i < n; i++)
		gdbstub_console_output(f->stub, f->console, strlen(f->console));
	__atomic_store_n(&f->console_done, 1, __ATOMIC_SEQ_CST);
}

/* One instruction of a continuing CPU: true with *stop if it stopped. */
static bool run_one(struct fake_target *f, unsigned tid, struct target_stop *stop)
{
	struct vcpu_state *st = &f->st[tid - 1];

	st->eip++;
	uint32_t pc = vcpu_state_pc(st);
	int bp = bp_at(f, pc);
	if (bp >= 0) {
		set_stop(stop,
		         f->points[bp].type == TARGET_BP_SW ? TARGET_STOP_SWBREAK
		                                            : TARGET_STOP_HWBREAK,
		         5, tid);
		return true;
	}
	if (f->ram[pc] == 0xf4) {
		st->eip++;
		f->halted[tid - 1] = true;
		set_stop(stop, TARGET_STOP_HALTED, 5, tid);
		stop->why = "the guest executed hlt";
		return true;
	}
	return false;
}

/* How CPU tid moves in this round: HOLD if it does not (told to stay, waiting
 * for its SIPI, or a continuing CPU that ran off RAM). */
static enum target_resume moves(struct fake_target *f, const struct target_resume_req *req,
                                unsigned tid)
{
	enum target_resume how = req->how[tid - 1];

	if (f->waiting[tid - 1])
		return TARGET_HOLD;
	if (how == TARGET_CONTINUE && vcpu_state_pc(&f->st[tid - 1]) >= FAKE_RAM_SIZE - 1)
		return TARGET_HOLD;
	return how;
}

/* Rounds of one instruction per running CPU, until some stop (all of that
 * round's are returned) or none can run (then wait for an interrupt). */
static unsigned run(struct fake_target *f, const struct target_resume_req *req,
                    struct target_stop *stops, unsigned max)
{
	unsigned n = 0;

	for (unsigned tid = 1; tid <= req->nthreads; tid++)
		if (req->how[tid - 1] == TARGET_CONTINUE) {
			emit_console(f);
			break;
		}
	for (uint32_t round = 0; round < FAKE_RAM_SIZE && !interrupted(f); round++) {
		bool any = false;
		for (unsigned tid = 1; tid <= req->nthreads && n < max; tid++) {
			enum target_resume how = moves(f, req, tid);
			if (how == TARGET_HOLD)
				continue;
			any = true;
			f->halted[tid - 1] = false;
			if (how == TARGET_STEP) {
				f->steps++;
				f->st[tid - 1].eip++;
				set_stop(&stops[n++], TARGET_STOP_STEP, 5, tid);
			} else if (run_one(f, tid, &stops[n])) {
				n++;
			}
		}
		if (n || !any)
			break;
	}
	if (n)
		return n;
	wait_interrupt(f);
	set_stop(&stops[0], TARGET_STOP_INTERRUPT, 2, 0); /* the stub names the thread */
	return 1;
}

static int fake_resume(void *ctx, const struct target_resume_req *req, struct target_stop *stops,
                       unsigned max)
{
	struct fake_target *f = ctx;
	unsigned n = 1;

	f->resumes++;
	f->last_req = *req;
	if (interrupted(f)) {
		/* A pending request: stop at once, without running. */
		set_stop(&stops[0], TARGET_STOP_INTERRUPT, 2, 0);
	} else if (f->race) {
		f->race = false;
		wait_interrupt(f);
		if (f->race_rc < 0)
			return f->race_rc; /* the request stays pending */
		stops[0] = f->next_stop;
	} else if (f->have_next_stop) {
		f->have_next_stop = false;
		stops[0] = f->next_stop;
	} else {
		if (f->start_cpus > f->ncpus) /* CPUs started while the guest ran */
			fake_target_set_cpus(f, f->start_cpus);
		n = run(f, req, stops, max);
	}
	/* The request is consumed only by the INTERRUPT stop it caused. */
	if (stops[0].kind == TARGET_STOP_INTERRUPT)
		__atomic_store_n(&f->interrupted, 0, __ATOMIC_SEQ_CST);
	f->last = stops[0];
	return (int)n;
}

/* bc without a knob: back one byte at a time to a breakpoint or eip 0 (at
 * most FAKE_RAM_SIZE bytes: the history kept). */
static void run_back(struct fake_target *f, unsigned tid, struct target_stop *stop)
{
	struct vcpu_state *st = &f->st[tid - 1];

	emit_console(f);
	for (uint32_t n = 0; n < FAKE_RAM_SIZE && !interrupted(f) && st->eip > 0; n++) {
		st->eip--;
		int bp = bp_at(f, vcpu_state_pc(st));
		if (bp >= 0) {
			set_stop(stop,
			         f->points[bp].type == TARGET_BP_SW ? TARGET_STOP_SWBREAK
			                                            : TARGET_STOP_HWBREAK,
			         5, tid);
			return;
		}
	}
	if (interrupted(f)) {
		set_stop(stop, TARGET_STOP_INTERRUPT, 2, 0);
		return;
	}
	set_stop(stop, TARGET_STOP_STEP, 5, tid);
	stop->history = TARGET_HISTORY_BEGIN;
}

static int fake_reverse(void *ctx, unsigned tid, enum target_resume how, struct target_stop *stop)
{
	struct fake_target *f = ctx;
	int rc = f->rev_rc;

	f->reverses++;
	f->rev_tid = tid;
	f->rev_how = how;
	f->rev_rc = 0;
	if (rc < 0) {
		stop->why = f->rev_why;
		return rc;
	}
	if (!cpu_listed(f, tid))
		return -ESRCH;
	if (interrupted(f)) {
		set_stop(stop, TARGET_STOP_INTERRUPT, 2, tid);
	} else if (f->rev_race) {
		f->rev_race = false;
		wait_interrupt(f);
		*stop = f->rev_stop;
	} else if (f->have_rev_stop) {
		f->have_rev_stop = false;
		*stop = f->rev_stop;
	} else if (how == TARGET_STEP) {
		set_stop(stop, TARGET_STOP_STEP, 5, tid);
		if (f->st[tid - 1].eip > 0)
			f->st[tid - 1].eip--;
		else
			stop->history = TARGET_HISTORY_BEGIN;
	} else if (f->rev_block) {
		f->rev_block = false;
		emit_console(f);
		wait_interrupt(f);
		set_stop(stop, TARGET_STOP_INTERRUPT, 2, 0);
	} else {
		run_back(f, tid, stop);
	}
	if (stop->kind == TARGET_STOP_INTERRUPT)
		__atomic_store_n(&f->interrupted, 0, __ATOMIC_SEQ_CST);
	f->last = *stop;
	return 0;
}

/* Async-signal-safe: lock-free atomic stores only. */
static void fake_interrupt(void *ctx)
{
	struct fake_target *f = ctx;

	__atomic_store_n(&f->interrupted, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&f->interrupts, 1, __ATOMIC_SEQ_CST);
}

static bool interrupted(struct fake_target *f)
{
	return __atomic_load_n(&f->interrupted, __ATOMIC_SEQ_CST);
}

static void fake_last_stop(void *ctx, struct target_stop *stop)
{
	struct fake_target *f = ctx;

	*stop = f->last;
}

static int fake_monitor(void *ctx, const char *cmd, char *out, size_t outlen)
{
	(void)ctx;
	if (strcmp(cmd, "help") == 0) {
		snprintf(out, outlen, "fake target commands:\n  echo TEXT\n  big\n  fail\n");
		return 0;
	}
	if (strncmp(cmd, "echo ", 5) == 0) {
		snprintf(out, outlen, "%s\n", cmd + 5);
		return 0;
	}
	if (strcmp(cmd, "big") == 0) {
		/* 20000 bytes: several O packets. */
		size_t n = outlen - 1 < 20000 ? outlen - 1 : 20000;
		for (size_t i = 0; i < n; i++)
			out[i] = (char)('a' + i % 26);
		out[n] = 0;
		return 0;
	}
	if (strcmp(cmd, "fail") == 0)
		return -EIO; /* without a word */
	if (strncmp(cmd, "count", 5) == 0) {
		snprintf(out, outlen, "usage: count N\n");
		return -EINVAL;
	}
	if (strcmp(cmd, "mute") == 0)
		return -ENOENT; /* unknown, without a word */
	snprintf(out, outlen, "unknown monitor command '%s'; try 'monitor help'\n", cmd);
	return -ENOENT;
}

static int fake_restart(void *ctx)
{
	struct fake_target *f = ctx;

	f->restarts++;
	for (unsigned i = 0; i < FAKE_MAX_CPUS; i++) {
		vcpu_state_reset(&f->st[i]);
		f->halted[i] = false;
	}
	f->npoints = 0;
	set_stop(&f->last, TARGET_STOP_SIGNAL, 5, 1);
	return 0;
}

static void fake_kill(void *ctx)
{
	struct fake_target *f = ctx;

	f->kills++;
	f->npoints = 0;
}

static void fake_detach(void *ctx)
{
	struct fake_target *f = ctx;

	f->detaches++;
	f->npoints = 0;
}

#define FAKE_OPS_COMMON                                                                            \
	.get_state = fake_get_state, .set_state = fake_set_state, .read_mem = fake_read_mem,       \
	.write_mem = fake_write_mem, .insert_point = fake_insert_point,                            \
	.remove_point = fake_remove_point, .resume = fake_resume, .interrupt = fake_interrupt,     \
	.last_stop = fake_last_stop, .monitor = fake_monitor, .restart = fake_restart,             \
	.kill = fake_kill, .detach = fake_detach

const struct target_ops fake_target_ops = {
    .thread_count = fake_thread_count,
    .thread_info = fake_thread_info,
    .reverse = fake_reverse,
    FAKE_OPS_COMMON,
};

const struct target_ops fake_target_ops_1 = {FAKE_OPS_COMMON};

int fake_target_init(struct fake_target *f)
{
	memset(f, 0, sizeof(*f));
	f->ram = calloc(1, FAKE_RAM_SIZE);
	if (!f->ram)
		return -ENOMEM;
	f->ncpus = 1;
	vcpu_state_reset(&f->st[0]);
	set_stop(&f->last, TARGET_STOP_SIGNAL, 5, 1);
	return 0;
}

void fake_target_set_cpus(struct fake_target *f, unsigned n)
{
	if (n > FAKE_MAX_CPUS)
		n = FAKE_MAX_CPUS;
	for (unsigned i = f->ncpus; i < n; i++) {
		vcpu_state_reset(&f->st[i]);
		f->waiting[i] = f->halted[i] = false;
	}
	f->ncpus = n;
}

void fake_target_free(struct fake_target *f)
{
	free(f->ram);
	f->ram = NULL;
}
