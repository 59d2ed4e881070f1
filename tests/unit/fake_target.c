/* A fake target for the GDB stub's tests: see fake_target.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_target.h"

static int fake_get_state(void *ctx, struct vcpu_state *st)
{
	struct fake_target *f = ctx;

	*st = f->st;
	return 0;
}

static int fake_set_state(void *ctx, const struct vcpu_state *st)
{
	struct fake_target *f = ctx;

	f->st = *st;
	return 0;
}

static bool in_ram(uint64_t addr, size_t len)
{
	return addr <= FAKE_RAM_SIZE && len <= FAKE_RAM_SIZE - addr;
}

static int fake_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake_target *f = ctx;

	if (!in_ram(addr, len))
		return -EFAULT;
	memcpy(buf, f->ram + addr, len);
	return 0;
}

static int fake_write_mem(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct fake_target *f = ctx;

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

static void set_stop(struct target_stop *stop, enum target_stop_kind kind, int sig)
{
	memset(stop, 0, sizeof(*stop));
	stop->kind = kind;
	stop->signal = sig;
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

static void run(struct fake_target *f, struct target_stop *stop)
{
	emit_console(f);
	for (uint32_t n = 0; n < FAKE_RAM_SIZE; n++) {
		if (interrupted(f))
			break;
		f->st.eip++;
		uint32_t pc = vcpu_state_pc(&f->st);
		if (pc >= FAKE_RAM_SIZE)
			break;
		int bp = bp_at(f, pc);
		if (bp >= 0) {
			set_stop(stop,
			         f->points[bp].type == TARGET_BP_SW ? TARGET_STOP_SWBREAK
			                                            : TARGET_STOP_HWBREAK,
			         5);
			return;
		}
		if (f->ram[pc] == 0xf4) {
			f->st.eip++;
			set_stop(stop, TARGET_STOP_HALTED, 5);
			stop->why = "the guest executed hlt";
			return;
		}
	}
	wait_interrupt(f);
	set_stop(stop, TARGET_STOP_INTERRUPT, 2);
}

static int fake_resume(void *ctx, enum target_resume how, struct target_stop *stop)
{
	struct fake_target *f = ctx;

	f->resumes++;
	if (interrupted(f)) {
		/* A pending request: stop at once, without running. */
		set_stop(stop, TARGET_STOP_INTERRUPT, 2);
	} else if (f->race) {
		f->race = false;
		wait_interrupt(f);
		if (f->race_rc < 0)
			return f->race_rc; /* the request stays pending */
		*stop = f->next_stop;
	} else if (f->have_next_stop) {
		f->have_next_stop = false;
		*stop = f->next_stop;
	} else if (how == TARGET_STEP) {
		f->steps++;
		f->st.eip++;
		set_stop(stop, TARGET_STOP_STEP, 5);
	} else {
		run(f, stop);
	}
	/* The request is consumed only by the INTERRUPT stop it caused. */
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
	vcpu_state_reset(&f->st);
	f->npoints = 0;
	set_stop(&f->last, TARGET_STOP_SIGNAL, 5);
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

const struct target_ops fake_target_ops = {
    .get_state = fake_get_state,
    .set_state = fake_set_state,
    .read_mem = fake_read_mem,
    .write_mem = fake_write_mem,
    .insert_point = fake_insert_point,
    .remove_point = fake_remove_point,
    .resume = fake_resume,
    .interrupt = fake_interrupt,
    .last_stop = fake_last_stop,
    .monitor = fake_monitor,
    .restart = fake_restart,
    .kill = fake_kill,
    .detach = fake_detach,
};

int fake_target_init(struct fake_target *f)
{
	memset(f, 0, sizeof(*f));
	f->ram = calloc(1, FAKE_RAM_SIZE);
	if (!f->ram)
		return -ENOMEM;
	vcpu_state_reset(&f->st);
	set_stop(&f->last, TARGET_STOP_SIGNAL, 5);
	return 0;
}

void fake_target_free(struct fake_target *f)
{
	free(f->ram);
	f->ram = NULL;
}
