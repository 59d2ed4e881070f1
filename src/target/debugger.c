/* GDB mode: listen (or use stdio), serve one debugger at a time, and decide
 * what the guest does between debuggers: after an exit or a kill it is
 * reloaded; after a disconnect it stays stopped; after a detach it runs on
 * until it halts or the next debugger connects.  --timeout ends all of it,
 * whatever phase it is in (GDB is told SIGALRM if it waits for a stop). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "target/debugger.h"
#include "target/gdb_target.h"
#include "target/reverse.h"
#include "protocol/gdbstub.h"
#include "protocol/net.h"
#include "vmm/report.h"
#include "vmm/runloop.h"
#include "vmm/timeout.h"

/* Guest output bound for GDB is gathered into lines: one `O` packet per
 * line (or per CONSOLE_BATCH bytes, or after CONSOLE_DELAY_NS), not per
 * byte, and always before the stop that follows it. */
#define CONSOLE_BATCH    512
#define CONSOLE_DELAY_NS (10 * 1000 * 1000)

struct debugger {
	struct vm *vm;
	const struct options *o;
	struct gdb_target target;
	struct gdbstub *stub;
	bool connected;
	bool stdout_is_gdb;
	uint8_t console[CONSOLE_BATCH];
	size_t console_len;
	struct timespec console_since; /* when the oldest pending byte came */
	struct run_timeout timeout;    /* --timeout, from the start of GDB mode */
};

/* While the guest runs detached, a thread waits for the next debugger and
 * kicks the VM when one connects (no signal handler, no global). */
struct listener {
	pthread_t thread;
	int listen_fd;
	int stop_fd; /* eventfd: the detached run is over */
	struct vm *vm;
};

static void *await_connection(void *arg)
{
	struct listener *l = arg;
	struct pollfd p[2] = {{.fd = l->listen_fd, .events = POLLIN},
	                      {.fd = l->stop_fd, .events = POLLIN}};
	while (poll(p, 2, -1) < 0 && errno == EINTR) {
		/* a signal meant for the vCPU thread's neighbours: wait on */
	}
	if (p[0].revents & POLLIN)
		vm_kick(l->vm);
	return NULL;
}

static int listener_start(struct listener *l, int listen_fd, struct vm *vm)
{
	*l = (struct listener){.listen_fd = listen_fd, .vm = vm};
	l->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (l->stop_fd < 0)
		return -errno;
	int r = pthread_create(&l->thread, NULL, await_connection, l);
	if (r != 0) {
		close(l->stop_fd);
		return -r;
	}
	return 0;
}

static void listener_stop(struct listener *l)
{
	static const uint64_t one = 1;
	if (write(l->stop_fd, &one, sizeof(one)) < 0) {
		/* cannot happen on a fresh eventfd; join would then wait */
	}
	pthread_join(l->thread, NULL);
	close(l->stop_fd);
}

static void console_flush(void *ctx)
{
	struct debugger *d = ctx;
	if (d->console_len)
		gdbstub_console_output(d->stub, d->console, d->console_len);
	d->console_len = 0;
}

static int64_t ns_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000000000 + (now.tv_nsec - t->tv_nsec);
}

static void console_to_gdb(struct debugger *d, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (d->console_len == 0)
			clock_gettime(CLOCK_MONOTONIC, &d->console_since);
		d->console[d->console_len++] = buf[i];
		if (buf[i] == '\n' || d->console_len == CONSOLE_BATCH)
			console_flush(d);
	}
	if (d->console_len && ns_since(&d->console_since) > CONSOLE_DELAY_NS)
		console_flush(d);
}

/* The guest's UART output: to GDB as `O` packets while one is connected
 * (unless --console stdout), else (or also, with --console both) stdout. */
static void console_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct debugger *d = ctx;
	enum console_target c = d->o->console;
	bool to_gdb = d->connected && c != CONSOLE_STDOUT;
	bool to_stdout = !to_gdb || c == CONSOLE_STDOUT || c == CONSOLE_BOTH;
	if (to_gdb)
		console_to_gdb(d, buf, len);
	if (to_stdout) {
		fwrite(buf, 1, len, d->stdout_is_gdb ? stderr : stdout);
		fflush(d->stdout_is_gdb ? stderr : stdout);
	}
}

static void report_fault(struct vm *vm, const struct run_result *res)
{
	char what[160], pc[64] = "?";
	struct vcpu_state st;
	report_fault_reason(&res->exit, what, sizeof(what));
	if (vcpu_get_state(vm->vcpu, &st) == 0)
		report_format_pc(&st, pc, sizeof(pc));
	fprintf(stderr, "kvm-gdbstub: guest stopped without a debugger: %s at %s\n", what, pc);
}

/* In the --timeout timer's signal handler: the guest is out of time. */
static void terminate_guest(void *ctx)
{
	struct debugger *d = ctx;
	gdbstub_terminate(d->stub, GDB_SIGALRM);
}

/* The guest ran out of time: say where it was; returns the exit status. */
static int timed_out(struct debugger *d)
{
	run_timeout_report(&d->timeout);
	return EXIT_TIMEOUT;
}

/* After a detach: run the guest until it halts, faults or runs out of time
 * (returns the exit status), or until a new debugger connects (returns -1). */
static int run_detached(struct debugger *d, int listen_fd)
{
	if (gdb_target_settle(&d->target) < 0)
		return EXIT_GUEST_FAULT;
	struct listener listener;
	if (listen_fd >= 0 && listener_start(&listener, listen_fd, d->vm) < 0) {
		fprintf(stderr, "kvm-gdbstub: cannot wait for the next debugger: %s\n",
		        strerror(errno));
		listen_fd = -1; /* the guest runs on; nobody can connect */
	}
	int status = -1;
	for (;;) {
		/* The listener's kick ends the run; the connection is taken here. */
		struct pollfd q = {.fd = listen_fd, .events = POLLIN};
		if (listen_fd >= 0 && poll(&q, 1, 0) > 0)
			break;
		struct run_result res;
		runloop_run(d->vm, &res);
		if (res.outcome == RUN_HALTED || res.outcome == RUN_EXITED) {
			status = d->vm->exit_status; /* 0 after hlt, or the guest's own */
			break;
		}
		if (res.outcome == RUN_FAULT || res.outcome == RUN_ERROR) {
			report_fault(d->vm, &res);
			status = EXIT_GUEST_FAULT;
			break;
		}
		if (res.outcome == RUN_INTERRUPTED && run_timeout_expired(&d->timeout)) {
			status = timed_out(d);
			break;
		}
	}
	if (listen_fd >= 0)
		listener_stop(&listener);
	return status;
}

/* Serve one connection; returns true if the stub should keep listening. */
static bool serve(struct debugger *d, int in_fd, int out_fd, int listen_fd, int *status)
{
	d->connected = true;
	if (gdb_target_attach(&d->target) < 0)
		fprintf(stderr, "kvm-gdbstub: cannot record for reverse execution: out of memory\n");
	int end = gdbstub_serve(d->stub, in_fd, out_fd);
	d->connected = false;
	d->console_len = 0; /* nobody to send it to */
	if (d->target.exited) {
		/* 0 after hlt, or the guest's own */
		*status = d->vm->exit_status;
		gdb_target_ops.restart(&d->target); /* a fresh guest for the next one */
	}
	if (end == GDBSTUB_END_TERMINATED) {
		*status = timed_out(d); /* the only reason the stub terminates a guest */
		return false;
	}
	if (end == GDBSTUB_END_DETACH) {
		int r = run_detached(d, listen_fd);
		if (r >= 0) {
			*status = r;
			return false; /* the guest is gone: so is the stub */
		}
	}
	if (end < 0) {
		fprintf(stderr, "kvm-gdbstub: serving the debugger failed: %s\n", strerror(-end));
		*status = EXIT_INTERNAL;
	}
	return !d->o->once;
}

/* Wait for the next debugger: its connection, or -ETIMEDOUT once the
 * --timeout has expired (the guest's time runs while nobody debugs it). */
static int accept_debugger(struct debugger *d, int lfd)
{
	struct pollfd p[2] = {{.fd = lfd, .events = POLLIN},
	                      {.fd = d->timeout.fd, .events = POLLIN}};
	for (;;) {
		if (run_timeout_expired(&d->timeout))
			return -ETIMEDOUT;
		int n = poll(p, d->timeout.started ? 2 : 1, -1);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0 && p[0].revents)
			return net_accept(lfd);
	}
}

static int serve_tcp(struct debugger *d)
{
	char err[300], where[80];
	const char *host = d->o->listen_host;
	int lfd = net_listen(host, d->o->port, err, sizeof(err));
	if (lfd < 0) {
		fprintf(stderr, "kvm-gdbstub: %s\n", err);
		return EXIT_HOST;
	}
	gdbstub_set_listen_fd(d->stub, lfd);
	fprintf(stderr, "kvm-gdbstub: waiting for GDB on %s (target remote %s)\n",
	        net_describe(lfd, 0, where, sizeof(where)), where);
	int status = EXIT_GUEST_HALTED;
	for (;;) {
		int fd = accept_debugger(d, lfd);
		if (fd == -ETIMEDOUT) {
			status = timed_out(d);
			break;
		}
		if (fd < 0) {
			fprintf(stderr, "kvm-gdbstub: accept: %s\n", strerror(-fd));
			status = EXIT_HOST;
			break;
		}
		bool again = serve(d, fd, fd, lfd, &status);
		close(fd);
		if (!again)
			break;
	}
	close(lfd);
	return status;
}

static int serve_stdio(struct debugger *d)
{
	int in_fd, out_fd;
	int r = net_stdio_open(&in_fd, &out_fd);
	if (r < 0) {
		fprintf(stderr, "kvm-gdbstub: stdio transport: %s\n", strerror(-r));
		return EXIT_HOST;
	}
	d->stdout_is_gdb = true;
	int status = EXIT_GUEST_HALTED;
	serve(d, in_fd, out_fd, -1, &status);
	close(in_fd);
	close(out_fd);
	return status;
}

int debugger_main(struct vm *vm, const struct options *o)
{
	struct debugger d = {.vm = vm, .o = o};
	if (gdb_target_init(&d.target, vm, o->halt) < 0) {
		fprintf(stderr, "kvm-gdbstub: cannot set up the debug target\n");
		return EXIT_INTERNAL;
	}
	reverse_configure(&d.target, !o->no_record, o->history_budget);
	d.stub = gdbstub_new(&gdb_target_ops, &d.target);
	if (!d.stub) {
		fprintf(stderr, "kvm-gdbstub: out of memory\n");
		gdb_target_free(&d.target);
		return EXIT_INTERNAL;
	}
	vm->uart.out = (struct console_sink){console_write, NULL, &d};
	d.target.before_stop = console_flush;
	d.target.before_stop_ctx = &d;
	int status = EXIT_INTERNAL;
	if (o->timeout <= 0 ||
	    run_timeout_start(&d.timeout, vm, o->timeout, terminate_guest, &d) == 0)
		status = o->gdb == GDB_STDIO ? serve_stdio(&d) : serve_tcp(&d);
	run_timeout_stop(&d.timeout);
	vm->uart.out = (struct console_sink){NULL, NULL, NULL};
	gdbstub_free(d.stub);
	gdb_target_free(&d.target);
	return status;
}
