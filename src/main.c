/* kvm-gdbstub: options, wiring, and the plain (no debugger) run. */
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

static int run_until_stop(struct vm *vm, const struct run_timeout *timeout)
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
	int status = run_until_stop(vm, &timeout);
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
