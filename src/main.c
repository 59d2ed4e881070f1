/* kvm-gdbstub: options, wiring, and the plain (no debugger) run. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "target/debugger.h"
#include "vmm/boot.h"
#include "vmm/options.h"
#include "vmm/report.h"
#include "vmm/runloop.h"
#include "vmm/snapshot.h"
#include "vmm/timeout.h"
#include "vmm/vm.h"

static void stdout_write(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	fwrite(buf, 1, len, stdout);
}

static void stdout_flush(void *ctx)
{
	(void)ctx;
	fflush(stdout);
}

static void print_port_counts(const char *dir, const uint32_t *counts)
{
	for (unsigned p = 0; counts && p < 65536; p++)
		if (counts[p])
			fprintf(stderr, "  port %#06x %-3s %u\n", p, dir, counts[p]);
}

static void print_stats(const struct vm *vm)
{
	fprintf(stderr, "kvm-gdbstub: backend: %s\n", vm->accel_note);
	fprintf(stderr, "kvm-gdbstub: %llu VM exits\n", (unsigned long long)vm->stats.total);
	if (vm->stats.queued_writes)
		fprintf(stderr, "  %-16s %llu (COM1 output KVM queued without exiting)\n",
		        "IO queued", (unsigned long long)vm->stats.queued_writes);
	if (vm->stats.handovers)
		fprintf(stderr, "  %-16s %llu (instructions KVM could not emulate, run by the built-in CPU)\n",
		        "handed over", (unsigned long long)vm->stats.handovers);
	for (int r = 0; r < VCPU_EXIT_REASON_COUNT; r++)
		if (vm->stats.exits[r])
			fprintf(stderr, "  %-16s %llu\n",
			        vcpu_exit_reason_name((enum vcpu_exit_reason)r),
			        (unsigned long long)vm->stats.exits[r]);
	print_port_counts("in", vm->stats.port_reads);
	print_port_counts("out", vm->stats.port_writes);
	for (unsigned i = 0; vm->n_cpus > 1 && i < vm->n_cpus; i++)
		fprintf(stderr, "  CPU %-12u %llu exits\n", i, (unsigned long long)vm->cpus[i].exits);
}

/* --screen: the VGA text screen as the run left it, after what the guest
 * printed. */
static void print_screen(struct vm *vm)
{
	static char text[VGA_ROWS * (VGA_COLS * 3 + 1) + 1];
	fflush(stdout);
	boot_screen_text(vm, text, sizeof(text));
	fputs(text, stdout);
}

/* Ctrl-C in a plain run: the guest stops with a report (its CS:IP and
 * registers, and the cause if it is stuck in a hypercall the host does not
 * deliver), then the VMM exits as SIGINT would.  SIGINT is blocked in every
 * thread but one that waits for it (sigwait) and kicks the VM it was given:
 * no signal handler, no global. */
struct sigint_watch {
	pthread_t thread;
	struct vm *vm;
	int fired; /* __atomic */
	bool started;
};

static void *watch_sigint(void *arg)
{
	struct sigint_watch *w = arg;
	sigset_t set;
	int sig;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	while (sigwait(&set, &sig) == 0) {
		__atomic_store_n(&w->fired, 1, __ATOMIC_SEQ_CST);
		vm_kick(w->vm);
	}
	return NULL;
}

/* Before any other thread exists (they inherit the blocked SIGINT). */
static void catch_sigint(struct sigint_watch *w, struct vm *vm)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	*w = (struct sigint_watch){.vm = vm};
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return;
	if (pthread_create(&w->thread, NULL, watch_sigint, w) == 0)
		w->started = true;
	else
		pthread_sigmask(SIG_UNBLOCK, &set, NULL); /* the default: the process ends */
}

static void stop_sigint_watch(struct sigint_watch *w)
{
	if (w->started) {
		pthread_cancel(w->thread); /* sigwait() is a cancellation point */
		pthread_join(w->thread, NULL);
	}
}

static int report_interrupted(struct vm *vm)
{
	const char *cause = report_stuck_hypercall(vm);
	report_stop(vm->vcpu, "interrupted (Ctrl-C)");
	if (cause)
		fprintf(stderr, "kvm-gdbstub: %s\n", cause);
	return 128 + SIGINT;
}

static int run_until_stop(struct vm *vm, const struct run_timeout *timeout,
                          struct sigint_watch *sigint)
{
	for (;;) {
		struct run_result res;
		char what[200], reason[160];
		runloop_run(vm, &res);
		fflush(stdout);
		switch (res.outcome) {
		case RUN_HALTED:
			return EXIT_GUEST_HALTED;
		case RUN_EXITED:
			if (vm->reset_requested)
				fputs("kvm-gdbstub: the guest reset the machine: the run ends\n", stderr);
			else if (!vm->boot || !vm->boot->bios.exit_status)
				fprintf(stderr,
				        "kvm-gdbstub: the guest exited with status %d (hypercall)\n",
				        vm->exit_status);
			return vm->exit_status;
		case RUN_INTERRUPTED:
		case RUN_STOP_REQUEST:
			if (vm->quit_requested) {
				fputs("kvm-gdbstub: terminated (Ctrl-A x)\n", stderr);
				return EXIT_GUEST_HALTED;
			}
			if (__atomic_load_n(&sigint->fired, __ATOMIC_SEQ_CST))
				return report_interrupted(vm);
			if (!run_timeout_expired(timeout))
				continue; /* a stray signal: nobody asked to stop */
			run_timeout_report(timeout);
			return EXIT_TIMEOUT;
		case RUN_DEBUG:
		case RUN_FAULT:
			report_fault_reason(&res.exit, reason, sizeof(reason));
			snprintf(what, sizeof(what), "guest stopped: %s", reason);
			report_stop(vm->vcpu, what);
			return EXIT_GUEST_FAULT;
		case RUN_ERROR:
			fprintf(stderr, "kvm-gdbstub: running the vCPU failed: %s\n",
			        strerror(-res.error));
			return EXIT_HOST;
		}
	}
}

static int run_guest(struct vm *vm, const struct options *o)
{
	struct run_timeout timeout = {0};
	if (o->timeout > 0 && run_timeout_start(&timeout, vm, o->timeout, NULL, NULL) < 0)
		return EXIT_INTERNAL;
	struct sigint_watch sigint = {0};
	if (!vm->boot || !isatty(STDIN_FILENO))
		catch_sigint(&sigint, vm); /* a --boot terminal in raw mode sends Ctrl-C to the guest */
	int status = run_until_stop(vm, &timeout, &sigint);
	stop_sigint_watch(&sigint);
	run_timeout_stop(&timeout);
	return status;
}

/* --restore: the snapshot file, read and validated completely before a
 * VM exists; it names the RAM size and the guest's files. */
struct restore {
	uint8_t *buf;
	size_t len;
	struct snapshot_view view;
};

static int restore_read(struct options *o, struct restore *rs)
{
	char err[512];
	if (snapshot_read_file(o->restore_path, &rs->buf, &rs->len, err, sizeof(err)) < 0 ||
	    snapshot_parse(rs->buf, rs->len, &rs->view, err, sizeof(err)) < 0) {
		fprintf(stderr, "kvm-gdbstub: --restore %s: %s\n", o->restore_path, err);
		return -1;
	}
	snapshot_config(&rs->view, &o->vm);
	return 0;
}

/* Load the snapshot into the VM that vm_reset() has just set up. */
static int restore_apply(struct vm *vm, const struct options *o, const struct restore *rs)
{
	char err[512];
	if (snapshot_check(vm, &rs->view, o->force, err, sizeof(err)) < 0 ||
	    snapshot_apply(vm, &rs->view, err, sizeof(err)) < 0) {
		fprintf(stderr, "kvm-gdbstub: --restore %s: %s\n", o->restore_path, err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	if (options_parse(&o, argc, argv) < 0)
		return EXIT_USAGE;
	if (o.help) {
		options_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("%s\n", PACKAGE_STRING);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);

	static struct restore restore; /* the view is tens of KiB */
	if (o.restore_path && restore_read(&o, &restore) < 0)
		return EXIT_IMAGE;
	struct vm vm;
	char err[512];
	struct console_sink console = {stdout_write, stdout_flush, NULL};
	bool stdin_is_gdb = o.gdb == GDB_STDIO;
	int in_fd = stdin_is_gdb ? -1 : STDIN_FILENO;
	/* With --boot stdin is the keyboard's, not COM1's. */
	if (vm_create(&vm, &o.vm, console, o.vm.boot_path ? -1 : in_fd, err, sizeof(err)) < 0) {
		fprintf(stderr, "kvm-gdbstub: %s\n", err);
		vm_destroy(&vm);
		return EXIT_HOST;
	}
	if (o.vm.accel == ACCEL_AUTO && vm.vcpu->caps.builtin)
		fprintf(stderr, "kvm-gdbstub: using the %s\n", vm.accel_note);
	int status;
	if (vm_reset(&vm, err, sizeof(err)) < 0) {
		fprintf(stderr, "kvm-gdbstub: %s\n", err);
		status = EXIT_IMAGE;
	} else if (o.restore_path && restore_apply(&vm, &o, &restore) < 0) {
		status = EXIT_IMAGE;
	} else {
		if (vm.boot)
			boot_start_io(&vm, in_fd, o.display != DISPLAY_NONE);
		status = o.gdb != GDB_NONE ? debugger_main(&vm, &o) : run_guest(&vm, &o);
		boot_stop_io(&vm);
		if (o.screen)
			print_screen(&vm);
	}
	fflush(stdout);
	if (o.vm.stats)
		print_stats(&vm);
	vm_destroy(&vm);
	free(restore.buf);
	return status;
}
