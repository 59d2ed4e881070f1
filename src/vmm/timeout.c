/* --timeout: a POSIX timer that signals the thread running the vCPU.
 *
 * The timer carries its run_timeout in sigev_value, so the SA_SIGINFO
 * handler needs no process-wide pointer, and SIGEV_THREAD_ID sends the
 * signal to the thread that started it (the one that runs the vCPU and
 * serves GDB), so a blocking call there returns EINTR, never another
 * thread's. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vmm/report.h"
#include "vmm/timeout.h"

static void on_alarm(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	static const uint64_t one = 1;
	if (si->si_code != SI_TIMER)
		return; /* not our timer (kill -ALRM): nothing expired */
	struct run_timeout *t = si->si_value.sival_ptr;
	t->expired = 1;
	if (write(t->fd, &one, sizeof(one)) < 0) {
		/* the counter is non-zero already: readable anyway */
	}
	vm_kick(t->vm);
	if (t->on_expire)
		t->on_expire(t->ctx);
}

static int create_timer(struct run_timeout *t)
{
	struct sigaction sa = {.sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO};
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return -errno;
	t->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->fd < 0)
		return -errno;
	struct sigevent ev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM};
	ev.sigev_value.sival_ptr = t;
	ev._sigev_un._tid = gettid(); /* glibc names no field for it */
	if (timer_create(CLOCK_MONOTONIC, &ev, &t->timer) < 0) {
		int err = -errno;
		close(t->fd);
		return err;
	}
	t->started = true;
	return 0;
}

int run_timeout_start(struct run_timeout *t, struct vm *vm, double seconds,
                      void (*on_expire)(void *ctx), void *ctx)
{
	*t = (struct run_timeout){
	    .vm = vm, .seconds = seconds, .on_expire = on_expire, .ctx = ctx, .fd = -1};
	struct itimerspec its = {0};
	its.it_value.tv_sec = (time_t)seconds;
	its.it_value.tv_nsec = (long)((seconds - (double)its.it_value.tv_sec) * 1e9);
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1; /* zero would disarm it */
	int r = create_timer(t);
	if (r == 0 && timer_settime(t->timer, 0, &its, NULL) < 0) {
		r = -errno;
		run_timeout_stop(t);
	}
	if (r < 0)
		fprintf(stderr, "kvm-gdbstub: cannot start the --timeout timer: %s\n",
		        strerror(-r));
	return r;
}

bool run_timeout_expired(const struct run_timeout *t)
{
	return t->started && t->expired;
}

void run_timeout_report(const struct run_timeout *t)
{
	char what[120];
	snprintf(what, sizeof(what), "guest did not halt within %g s (--timeout)", t->seconds);
	report_stop(t->vm->vcpu, what);
	const char *cause = report_stuck_hypercall(t->vm);
	if (cause)
		fprintf(stderr, "kvm-gdbstub: %s\n", cause);
}

void run_timeout_stop(struct run_timeout *t)
{
	if (!t->started)
		return;
	timer_delete(t->timer);
	close(t->fd);
	t->started = false;
}
