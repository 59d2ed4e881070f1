/* KVM's vCPUs in parallel host threads: see vcpu_threads.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm/interrupts.h"
#include "vmm/vcpu_threads.h"

/* Kicks cannot signal a condition variable (not async-signal-safe): a
 * waiting worker or caller looks at vm->kicked at least this often. */
#define POLL_NS (10 * 1000 * 1000)

struct worker {
	pthread_t thread;
	struct vm *vm;
	struct vm_cpu *cpu;
	bool active; /* inside the current run (counted in active) */
};

struct vm_threads {
	pthread_mutex_t lock; /* the machine lock */
	pthread_cond_t wake;  /* workers: a run started, an interrupt may wait */
	pthread_cond_t done;  /* the caller: a worker left the run */
	bool running, stop, quit;
	unsigned active;
	struct run_result res;
	struct vm_cpu *stopped;
	struct run_result also[VM_MAX_CPUS]; /* vm->also[i].res point here */
	unsigned n;
	struct worker w[VM_MAX_CPUS];
};

bool vm_threaded(const struct vm *vm)
{
	/* Not while built-in CPUs stand in for KVM's: they take turns. */
	return vm->n_cpus > 1 && !vm->cpus[0].vcpu->caps.builtin;
}

void vcpu_threads_kick_all(struct vm *vm)
{
	for (unsigned i = 0; i < vm->n_cpus; i++)
		vcpu_kick(vm->cpus[i].vcpu);
}

static void timed_wait(pthread_cond_t *cond, pthread_mutex_t *lock, uint64_t ns)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t t = (uint64_t)ts.tv_nsec + ns;
	ts.tv_sec += (time_t)(t / 1000000000u);
	ts.tv_nsec = (long)(t % 1000000000u);
	pthread_cond_timedwait(cond, lock, &ts);
}

/* The run's outcome, if it is the first: everyone else stops. */
static void finish(struct vm *vm, struct vm_threads *T, struct vm_cpu *c,
                   const struct run_result *res, int outcome)
{
	if (T->stop) {
		/* Another vCPU's stop came first: a debugger event (breakpoint,
		 * watchpoint) of this one is kept for later, never lost. */
		if (outcome == RUN_DEBUG && vm->n_also < VM_MAX_CPUS) {
			/* Held until the debugger takes the stop: a run the target
			 * makes in between (stepping another vCPU off a breakpoint)
			 * must neither move it nor forget the stop. */
			c->held = true;
			T->also[vm->n_also] = *res;
			T->also[vm->n_also].outcome = RUN_DEBUG;
			vm->also[vm->n_also] = (struct vm_also_stopped){c, &T->also[vm->n_also]};
			vm->n_also++;
		}
		return;
	}
	T->stop = true;
	T->res = *res;
	T->res.outcome = (enum run_outcome)outcome;
	T->stopped = c;
	vcpu_threads_kick_all(vm);
	pthread_cond_broadcast(&T->wake);
}

static void leave_run(struct vm_threads *T, struct worker *w)
{
	if (w->active) {
		w->active = false;
		T->active--;
		pthread_cond_signal(&T->done);
	}
}

/* Can any vCPU but c still run or be woken? */
static bool others_alive(struct vm *vm, const struct vm_cpu *c)
{
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		const struct vm_cpu *o = &vm->cpus[i];
		if (o != c && o->state == VM_CPU_RUNNING && !o->held && !o->halted)
			return true;
	}
	return false;
}

/* c is halted (vm->cpu): true if an interrupt waits for it now; else it
 * has waited a little, or the run ended (a kick, or nothing can ever run). */
static bool wake_halted(struct vm *vm, struct vm_threads *T, struct vm_cpu *c)
{
	vclock_run_timers(&vm->board.clock);
	if (interrupts_pending(vm, c) && vcpu_interrupt_ready(c->vcpu))
		return true;
	struct run_result res = {0};
	if (__atomic_load_n(&vm->kicked, __ATOMIC_SEQ_CST)) {
		vm_kick_served(vm);
		res.exit.reason = VCPU_EXIT_INTR;
		finish(vm, T, c, &res, RUN_INTERRUPTED);
		return false;
	}
	if (!interrupts_hlt_can_wake(vm) && !others_alive(vm, c)) {
		bool any = false; /* can any halted vCPU ever be woken? */
		for (unsigned i = 0; i < vm->n_cpus && !any; i++) {
			struct vm_cpu *o = &vm->cpus[i];
			if (o->state != VM_CPU_RUNNING || o->held)
				continue;
			vm_select_cpu(vm, o);
			any = interrupts_hlt_can_wake(vm);
		}
		vm_select_cpu(vm, c);
		if (!any) {
			res.exit.reason = VCPU_EXIT_HLT;
			finish(vm, T, c, &res, RUN_HALTED);
			return false;
		}
	}
	uint64_t next = pc_board_next_wakeup(&vm->board), now = vclock_now(&vm->board.clock);
	uint64_t wait = next == VCLOCK_NEVER || next <= now ? POLL_NS : next - now;
	timed_wait(&T->wake, &T->lock, wait < POLL_NS ? wait : POLL_NS);
	return false;
}

static bool may_run(const struct vm_threads *T, const struct vm_cpu *c)
{
	return T->running && !T->stop && c->state == VM_CPU_RUNNING && !c->held;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct vm *vm = w->vm;
	struct vm_threads *T = vm->threads;
	struct vm_cpu *c = w->cpu;
	pthread_mutex_lock(&T->lock);
	while (!T->quit) {
		if (!may_run(T, c)) {
			leave_run(T, w);
			timed_wait(&T->wake, &T->lock, POLL_NS);
			continue;
		}
		if (!w->active) {
			w->active = true;
			T->active++;
		}
		vm_select_cpu(vm, c);
		if (c->halted && !wake_halted(vm, T, c))
			continue;
		interrupts_before_run(vm);
		struct vcpu *v = c->vcpu;
		struct run_result res = {0};
		pthread_mutex_unlock(&T->lock);
		int r = vcpu_run(v, &res.exit);
		pthread_mutex_lock(&T->lock);
		vm_select_cpu(vm, c);
		r = runloop_serve_exit(vm, &res, r);
		if (r != RUN_CONTINUE)
			finish(vm, T, c, &res, r);
		pthread_cond_broadcast(&T->wake); /* an IPI or an IRQ may wait for a halted one */
	}
	leave_run(T, w);
	pthread_mutex_unlock(&T->lock);
	return NULL;
}

static struct vm_threads *start_threads(struct vm *vm)
{
	struct vm_threads *T = calloc(1, sizeof(*T));
	if (!T)
		return NULL;
	pthread_mutex_init(&T->lock, NULL);
	pthread_cond_init(&T->wake, NULL);
	pthread_cond_init(&T->done, NULL);
	vm->threads = T;
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		T->w[i] = (struct worker){.vm = vm, .cpu = &vm->cpus[i]};
		if (pthread_create(&T->w[i].thread, NULL, worker_main, &T->w[i]) != 0)
			break;
		T->n++;
	}
	return T;
}

void vcpu_threads_run(struct vm *vm, struct run_result *res)
{
	struct vm_threads *T = vm->threads ? vm->threads : start_threads(vm);
	if (!T || T->n < vm->n_cpus) {
		*res = (struct run_result){.outcome = RUN_ERROR, .error = -EAGAIN};
		return;
	}
	pthread_mutex_lock(&T->lock);
	T->running = true;
	T->stop = false;
	T->stopped = vm->cpu;
	pthread_cond_broadcast(&T->wake);
	while (!T->stop || T->active) {
		timed_wait(&T->done, &T->lock, POLL_NS);
		if (!T->stop && !T->active && __atomic_load_n(&vm->kicked, __ATOMIC_SEQ_CST)) {
			/* Nothing runs (all held or waiting for a SIPI): a kick ends it. */
			struct run_result r = {.exit.reason = VCPU_EXIT_INTR};
			vm_kick_served(vm);
			finish(vm, T, vm->cpu, &r, RUN_INTERRUPTED);
		}
	}
	T->running = false;
	*res = T->res;
	vm_select_cpu(vm, T->stopped);
	pthread_mutex_unlock(&T->lock);
}

void vcpu_threads_destroy(struct vm *vm)
{
	struct vm_threads *T = vm->threads;
	if (!T)
		return;
	pthread_mutex_lock(&T->lock);
	T->quit = true;
	pthread_cond_broadcast(&T->wake);
	pthread_mutex_unlock(&T->lock);
	for (unsigned i = 0; i < T->n; i++)
		pthread_join(T->w[i].thread, NULL);
	pthread_mutex_destroy(&T->lock);
	pthread_cond_destroy(&T->wake);
	pthread_cond_destroy(&T->done);
	free(T);
	vm->threads = NULL;
}
