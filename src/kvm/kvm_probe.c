/* Find out which debug mechanisms this host's KVM really delivers, and what
 * it does with a guest's hypercall instruction.
 *
 * Where KVM runs real mode in its instruction emulator (hosts without
 * VT-x/AMD-V exposed), int3 under KVM_GUESTDBG_USE_SW_BP is executed as a
 * plain software interrupt and DR7 data breakpoints never fire; on ordinary
 * hosts both work.  There, too, a real-mode vmcall never leaves KVM_RUN (the
 * emulator re-executes it) and vmmcall raises #UD.  Asking KVM is not
 * enough, so a throw-away VM tries each. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "kvm/kvm.h"
#include "kvm/kvm_internal.h"

#define PROBE_RAM     (64 * 1024)
#define PROBE_CODE    0x1000
#define PROBE_HANDLER 0x1100
#define PROBE_DATA    0x2000

/* The state every probe starts from: reset, EIP at PROBE_CODE. */
static void probe_state(struct vcpu_state *st)
{
	vcpu_state_reset(st);
	st->eip = PROBE_CODE;
}

/* Run the probe VM from state st with the given debug setup and return the
 * first exit that is not port I/O; a runaway guest counts as failure. */
static enum vcpu_exit_reason probe_run_from(struct vcpu *v, const struct vcpu_state *st,
                                            const struct vcpu_debug *dbg, struct vcpu_exit *e)
{
	if (vcpu_set_state(v, st) < 0 || vcpu_set_debug(v, dbg) < 0)
		return VCPU_EXIT_UNKNOWN;
	for (int i = 0; i < 16; i++) {
		if (vcpu_run(v, e) < 0)
			return VCPU_EXIT_UNKNOWN;
		if (e->reason != VCPU_EXIT_IO)
			return e->reason;
	}
	return VCPU_EXIT_UNKNOWN;
}

static enum vcpu_exit_reason probe_run(struct vcpu *v, const struct vcpu_debug *dbg,
                                       struct vcpu_exit *e)
{
	struct vcpu_state st;
	probe_state(&st);
	return probe_run_from(v, &st, dbg, e);
}

static void load(uint8_t *ram, uint32_t at, const uint8_t *code, size_t len)
{
	memcpy(ram + at, code, len);
}

static bool probe_int3(struct vcpu *v, uint8_t *ram)
{
	static const uint8_t code[] = {0xcc, 0xf4}; /* int3; hlt */
	memset(ram, 0, PROBE_RAM);
	load(ram, PROBE_CODE, code, sizeof(code));
	ram[PROBE_HANDLER] = 0xf4; /* IVT vector 3 -> 0:PROBE_HANDLER: hlt */
	ram[3 * 4] = PROBE_HANDLER & 0xff;
	ram[3 * 4 + 1] = PROBE_HANDLER >> 8;
	struct vcpu_debug dbg = {.sw_breakpoints = true};
	struct vcpu_exit e;
	return probe_run(v, &dbg, &e) == VCPU_EXIT_DEBUG && e.debug.kind == VCPU_DEBUG_SW_BREAK;
}

static bool probe_watch(struct vcpu *v, uint8_t *ram)
{
	/* mov byte [PROBE_DATA], 1; hlt */
	static const uint8_t code[] = {0xc6, 0x06, PROBE_DATA & 0xff, PROBE_DATA >> 8, 0x01, 0xf4};
	memset(ram, 0, PROBE_RAM);
	load(ram, PROBE_CODE, code, sizeof(code));
	struct vcpu_watchpoint wp = {.addr = PROBE_DATA, .len = 1, .type = VCPU_WATCH_WRITE};
	struct vcpu_debug dbg = {.n_watchpoints = 1, .watchpoints = &wp};
	struct vcpu_exit e;
	return probe_run(v, &dbg, &e) == VCPU_EXIT_DEBUG && e.debug.kind == VCPU_DEBUG_WATCHPOINT;
}

static bool probe_step_hlt(struct vcpu *v, uint8_t *ram)
{
	static const uint8_t code[] = {0xf4, 0xf4};
	memset(ram, 0, PROBE_RAM);
	load(ram, PROBE_CODE, code, sizeof(code));
	struct vcpu_debug dbg = {.singlestep = true};
	struct vcpu_exit e;
	return probe_run(v, &dbg, &e) == VCPU_EXIT_HLT;
}

/* Hardware traps a single-stepped `rep movsb` after each iteration; KVM's
 * real-mode emulator (hosts without VT-x/AMD-V) runs all of them, stops
 * with EIP still at it and the count 0, and moves past on the next step. */
static bool probe_rep_step(struct vcpu *v, uint8_t *ram)
{
	static const uint8_t code[] = {0xf3, 0xa4, 0xf4}; /* rep movsb; hlt */
	memset(ram, 0, PROBE_RAM);
	load(ram, PROBE_CODE, code, sizeof(code));
	struct vcpu_state st;
	probe_state(&st);
	st.gpr[GPR_ECX] = 3;
	st.gpr[GPR_ESI] = PROBE_DATA;
	st.gpr[GPR_EDI] = PROBE_DATA + 0x100;
	struct vcpu_debug dbg = {.singlestep = true};
	struct vcpu_exit e;
	if (probe_run_from(v, &st, &dbg, &e) != VCPU_EXIT_DEBUG || vcpu_get_state(v, &st) < 0)
		return false;
	return st.eip == PROBE_CODE && st.gpr[GPR_ECX] == 2 &&
	       st.gpr[GPR_EDI] == PROBE_DATA + 0x101;
}

const struct kvm_debug_probe *kvm_probe_debug(struct vcpu *target)
{
	static struct kvm_debug_probe probe;
	if (!probe.done) {
		char err[256];
		uint8_t *ram = mmap(NULL, PROBE_RAM, PROT_READ | PROT_WRITE,
		                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct vcpu *v =
		    ram == MAP_FAILED ? NULL : kvm_vcpu_create(ram, PROBE_RAM, err, sizeof(err));
		if (v) {
			probe.sw_breakpoints_trap = probe_int3(v, ram);
			probe.hw_watchpoints_fire = probe_watch(v, ram);
			probe.hlt_exits_when_stepping = probe_step_hlt(v, ram);
			probe.rep_steps_per_iteration = probe_rep_step(v, ram);
			vcpu_destroy(v);
		}
		if (ram != MAP_FAILED)
			munmap(ram, PROBE_RAM);
		snprintf(
		    probe.summary, sizeof(probe.summary),
		    "int3 traps: %s; data breakpoints fire: %s; hlt exits under single-step: %s; "
		    "rep steps per iteration: %s",
		    probe.sw_breakpoints_trap ? "yes" : "no",
		    probe.hw_watchpoints_fire ? "yes" : "no",
		    probe.hlt_exits_when_stepping ? "yes" : "no",
		    probe.rep_steps_per_iteration ? "yes" : "no");
		probe.done = true;
	}
	if (target) {
		target->caps.sw_breakpoints_trap = probe.sw_breakpoints_trap;
		target->caps.watchpoints_fire = probe.hw_watchpoints_fire;
		target->caps.hlt_exits_when_stepping = probe.hlt_exits_when_stepping;
		target->caps.rep_steps_per_iteration = probe.rep_steps_per_iteration;
	}
	return &probe;
}

/* ---- hypercalls ------------------------------------------------------ */

#define HCALL_WATCHDOG_MS 50

/* Kicks a probe vCPU whose KVM_RUN has not returned by the deadline. */
struct watchdog {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	struct vcpu *vcpu;
	bool done, fired;
};

static void *watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	pthread_mutex_lock(&w->lock);
	while (!w->done) {
		if (pthread_cond_timedwait(&w->cond, &w->lock, &w->deadline) == ETIMEDOUT) {
			__atomic_store_n(&w->fired, true, __ATOMIC_SEQ_CST);
			vcpu_kick(w->vcpu);
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static int watchdog_start(struct watchdog *w, pthread_t *thread, struct vcpu *v)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&w->lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &w->deadline);
	w->deadline.tv_nsec += HCALL_WATCHDOG_MS * 1000000L;
	if (w->deadline.tv_nsec >= 1000000000L) {
		w->deadline.tv_sec++;
		w->deadline.tv_nsec -= 1000000000L;
	}
	w->vcpu = v;
	w->done = w->fired = false;
	return pthread_create(thread, NULL, watchdog_main, w);
}

static void watchdog_stop(struct watchdog *w, pthread_t thread)
{
	pthread_mutex_lock(&w->lock);
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

/* Run `insn; hlt` in real mode at PROBE_CODE, IVT vector 6 (#UD) at a hlt
 * at PROBE_HANDLER, and classify what happened. */
static enum kvm_hcall_outcome probe_one_hcall(struct vcpu *v, uint8_t *ram, uint8_t modrm)
{
	const uint8_t code[] = {0x0f, 0x01, modrm, 0xf4};
	memset(ram, 0, PROBE_RAM);
	load(ram, PROBE_CODE, code, sizeof(code));
	ram[PROBE_HANDLER] = 0xf4;
	ram[6 * 4] = PROBE_HANDLER & 0xff;
	ram[6 * 4 + 1] = PROBE_HANDLER >> 8;
	struct vcpu_state st;
	vcpu_state_reset(&st);
	st.eip = PROBE_CODE;
	st.gpr[GPR_ESP] = 0x8000;
	if (vcpu_set_state(v, &st) < 0)
		return KVM_HCALL_OTHER;

	struct watchdog w;
	pthread_t thread;
	if (watchdog_start(&w, &thread, v) != 0)
		return KVM_HCALL_UNTESTED;
	struct vcpu_exit e;
	int r;
	/* Other signals (a kick of the real VM on this thread) may end a run
	 * early: only the watchdog's kick counts as "never returns". */
	do
		r = vcpu_run(v, &e);
	while (r == 0 && e.reason == VCPU_EXIT_INTR &&
	       !__atomic_load_n(&w.fired, __ATOMIC_SEQ_CST));
	watchdog_stop(&w, thread);
	if (r < 0 || vcpu_get_state(v, &st) < 0)
		return KVM_HCALL_OTHER;
	if (e.reason == VCPU_EXIT_HYPERCALL)
		return KVM_HCALL_EXITS;
	if (e.reason == VCPU_EXIT_INTR && st.eip == PROBE_CODE)
		return KVM_HCALL_WEDGES;
	if (e.reason == VCPU_EXIT_HLT && st.eip == PROBE_HANDLER + 1)
		return KVM_HCALL_GUEST_FAULT;
	if (e.reason == VCPU_EXIT_HLT && st.eip == PROBE_CODE + sizeof(code))
		return KVM_HCALL_IN_KERNEL;
	return KVM_HCALL_OTHER;
}

const struct kvm_hcall_probe *kvm_probe_hypercall(void)
{
	static struct kvm_hcall_probe probe;
	if (probe.done)
		return &probe;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char err[256];
	uint8_t *ram =
	    mmap(NULL, PROBE_RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct vcpu *v =
	    ram == MAP_FAILED ? NULL : kvm_vcpu_new(ram, PROBE_RAM, true, err, sizeof(err));
	if (v) {
		probe.vmcall = probe_one_hcall(v, ram, 0xc1);
		probe.vmmcall = probe_one_hcall(v, ram, 0xd9);
		vcpu_destroy(v);
	}
	if (ram != MAP_FAILED)
		munmap(ram, PROBE_RAM);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	probe.ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	probe.done = true;
	return &probe;
}
