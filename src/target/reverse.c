/* Reverse execution for the GDB target (reverse.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "replay/history.h"
#include "target/gdb_target.h"
#include "target/reverse.h"
#include "text.h"

static struct history *history_of(const struct gdb_target *t)
{
	return __atomic_load_n(&t->history, __ATOMIC_SEQ_CST);
}

void reverse_configure(struct gdb_target *t, bool record, uint64_t budget)
{
	t->record_on = record && t->emu_model;
	t->history_budget = budget;
}

/* On KVM (or the built-in CPU playing KVM) the vCPUs move to built-in
 * CPUs standing in for them, as for a watchpoint KVM cannot serve, and the
 * breakpoints and watchpoints become theirs (no patches). */
static int hand_over(struct gdb_target *t)
{
	int r = gdb_target_hand_over(t);
	if (r < 0)
		return r;
	t->model_caps = t->dbg.caps;
	t->record_handover = true;
	return debug_set_model(&t->dbg, &gdb_target_stand_in(t, 0)->caps, false);
}

static void hand_back(struct gdb_target *t)
{
	if (!t->record_handover)
		return;
	t->record_handover = false;
	if (debug_set_model(&t->dbg, &t->model_caps, true) < 0)
		fprintf(stderr, "kvm-gdbstub: a breakpoint could not be set again on KVM\n");
	/* The next run moves the guest back to KVM (choose_runner). */
}

static int start(struct gdb_target *t)
{
	struct vm *vm = t->vm;
	struct vcpu *cpus[VM_MAX_CPUS];
	if (history_of(t))
		return 0;
	if (!t->emu_model) {
		int r = hand_over(t);
		if (r < 0) {
			hand_back(t);
			return r;
		}
		for (unsigned i = 0; i < vm->n_cpus; i++)
			cpus[i] = gdb_target_stand_in(t, i);
	} else {
		for (unsigned i = 0; i < vm->n_cpus; i++)
			cpus[i] = vm->cpus[i].own;
	}
	struct history *h = history_create(vm->ram, vm->ram_size, cpus, vm->n_cpus,
	                                   t->history_budget);
	if (!h) {
		hand_back(t);
		return -ENOMEM;
	}
	__atomic_store_n(&t->history, h, __ATOMIC_SEQ_CST);
	return 0;
}

int reverse_attach(struct gdb_target *t)
{
	return t->record_on ? start(t) : 0;
}

void reverse_release(struct gdb_target *t)
{
	struct history *h = history_of(t);
	if (!h)
		return;
	history_to_present(h);
	__atomic_store_n(&t->history, NULL, __ATOMIC_SEQ_CST);
	history_destroy(h);
	hand_back(t);
	debug_forget_applied(&t->dbg);
	t->cache_valid = false;
}

bool reverse_in_past(const struct gdb_target *t)
{
	struct history *h = history_of(t);
	return h && history_in_past(h);
}

void reverse_interrupt(struct gdb_target *t)
{
	struct history *h = history_of(t);
	if (h)
		history_interrupt(h);
}

/* The stop GDB is told about a move through history. */
static void stop_of(struct gdb_target *t, const struct history_hit *hit, unsigned cpu,
                    struct target_stop *stop)
{
	*stop = (struct target_stop){.kind = TARGET_STOP_STEP, .signal = GDB_SIGTRAP,
	                             .tid = cpu + 1};
	switch (hit->stop) {
	case HISTORY_DONE:
		break;
	case HISTORY_BEGIN:
		stop->history = TARGET_HISTORY_BEGIN;
		break;
	case HISTORY_END:
		stop->history = TARGET_HISTORY_END;
		break;
	case HISTORY_INTERRUPTED:
		gdb_target_take_interrupt(t);
		stop->kind = TARGET_STOP_INTERRUPT;
		stop->signal = GDB_SIGINT;
		break;
	case HISTORY_BREAKPOINT:
	case HISTORY_WATCHPOINT:
		gdb_target_point_stop(t, &hit->exit, stop);
		stop->tid = hit->cpu + 1;
		break;
	}
}

/* After a move: the vCPU it concerns is selected, caches are stale, and
 * the vCPUs' debug setups are the history's, not the debug layer's. */
static int finish_move(struct gdb_target *t, int r, const struct history_hit *hit, unsigned cpu,
                       struct target_stop *stop)
{
	debug_forget_applied(&t->dbg);
	t->cache_valid = false;
	if (r < 0)
		return r;
	stop_of(t, hit, cpu, stop);
	vm_select_cpu(t->vm, &t->vm->cpus[stop->tid - 1]);
	t->last = *stop;
	return 0;
}

/* The thread GDB named (0 or out of range: the selected one), as a vCPU. */
static unsigned cpu_of_tid(const struct gdb_target *t, unsigned tid)
{
	return tid >= 1 && tid <= t->vm->n_cpus ? tid - 1 : t->vm->cpu->index;
}

/* One move through history, back or forward: a step of vCPU cpu, or a
 * continue that stops at the debugger's breakpoints and watchpoints. */
static int move(struct gdb_target *t, struct history *h, unsigned cpu, enum target_resume how,
                bool back, struct history_hit *hit)
{
	if (how == TARGET_STEP)
		return back ? history_step_back(h, cpu, hit) : history_step_forward(h, cpu, hit);
	struct vcpu_debug dbg;
	int r = debug_build(&t->dbg, false, UINT32_MAX, true, &dbg);
	if (r < 0)
		return r;
	return back ? history_continue_back(h, &dbg, hit) : history_continue_forward(h, &dbg, hit);
}

int reverse_move(void *ctx, unsigned tid, enum target_resume how, struct target_stop *stop)
{
	struct gdb_target *t = ctx;
	struct history *h = history_of(t);
	*stop = (struct target_stop){.kind = TARGET_STOP_STEP, .signal = GDB_SIGTRAP};
	if (!h) {
		stop->why = t->emu_model ? "no history is recorded (--no-record): "
		                           "`monitor record on` starts recording\n"
		                         : "no history is recorded: `monitor record on` moves the "
		                           "guest to the built-in CPU and records there\n";
		return -ENOTSUP;
	}
	unsigned cpu = cpu_of_tid(t, tid);
	if (gdb_target_take_interrupt(t)) {
		*stop = (struct target_stop){.kind = TARGET_STOP_INTERRUPT, .signal = GDB_SIGINT,
		                             .tid = cpu + 1};
		t->last = *stop;
		return 0;
	}
	struct history_hit hit;
	int r = move(t, h, cpu, how, true, &hit);
	if (r == -ENOMEM)
		stop->why = "reverse execution: the history ran out of memory and stopped; "
		            "`monitor record off`, then on, starts again\n";
	return finish_move(t, r, &hit, cpu, stop);
}

int reverse_forward(struct gdb_target *t, unsigned cpu, enum target_resume how,
                    struct target_stop *stop)
{
	struct history_hit hit;
	int r = move(t, history_of(t), cpu, how, false, &hit);
	return finish_move(t, r, &hit, cpu, stop);
}

/* ---- monitor record ---------------------------------------------- */

static void describe(struct gdb_target *t, struct text *o)
{
	struct history *h = history_of(t);
	if (!h) {
		text_printf(o, "reverse execution: not recording%s\n",
		            t->emu_model ? "" : " (`monitor record on` records on the built-in CPU)");
		return;
	}
	struct history_stats st;
	history_get_stats(h, &st);
	text_printf(o, "reverse execution: recording on the built-in CPU%s, %u vCPU(s)\n",
	            t->record_handover ? " (standing in for KVM)" : "", t->vm->n_cpus);
	text_printf(o, "history: %llu instructions, %llu checkpoints, %llu log entries\n",
	            (unsigned long long)st.instructions, (unsigned long long)st.checkpoints,
	            (unsigned long long)st.entries);
	text_printf(o, "memory: %.1f MiB of %.1f MiB (--history); %llu checkpoints dropped\n",
	            st.bytes / 1048576.0, st.budget / 1048576.0, (unsigned long long)st.dropped);
	if (st.in_past)
		text_printf(o, "position: %llu instructions before the present\n",
		            (unsigned long long)st.behind);
	else
		text_printf(o, "position: the present\n");
	if (st.lost)
		text_printf(o, "recording stopped: out of memory (`monitor record off`, then on, "
		               "starts again)\n");
	if (st.diverged)
		text_printf(o, "replays that did not match the record: %llu\n",
		            (unsigned long long)st.diverged);
}

int reverse_monitor(struct gdb_target *t, const char *args, struct text *o)
{
	if (!*args) {
		describe(t, o);
		return 0;
	}
	if (strcmp(args, "off") == 0) {
		reverse_release(t);
		t->record_on = false;
		text_printf(o, "reverse execution: recording off, history dropped%s\n",
		            t->emu_model ? "" : "; the guest goes back to KVM");
		return 0;
	}
	if (strcmp(args, "on") != 0) {
		text_printf(o, "usage: monitor record [on|off]\n");
		return -EINVAL;
	}
	int r = start(t);
	if (r < 0) {
		text_printf(o, "reverse execution: cannot record: %s\n", strerror(-r));
		return r;
	}
	t->record_on = true;
	describe(t, o);
	return 0;
}
