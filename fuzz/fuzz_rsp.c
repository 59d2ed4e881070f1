/* libFuzzer target: the GDB stub from the socket inwards.
 *
 * The input is the byte stream a debugger sends.  A helper thread writes it
 * into one end of a socketpair, shuts its write side down and drains the
 * replies; gdbstub_serve() serves the other end against the fake target
 * (tests/unit/fake_target.c) until EOF, a detach or a kill.  Resuming cannot
 * block for ever: whatever follows a 'c' in the input, or the EOF after it,
 * wakes the stub's watcher, which interrupts the fake.
 *
 * Oracle beyond the sanitizers: everything the stub sends must be acks and
 * whole frames with good checksums (checked with the stub's own parser).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../tests/unit/fake_target.h"
#include "protocol/gdbstub.h"
#include "protocol/rsp.h"

/* The corpus replay.c runs when given no directory. */
const char fuzz_corpus_name[] = "rsp";

#define OUT_CAP (8u << 20) /* replies kept for the oracle; more are only drained */

struct client {
	int fd;
	const uint8_t *in;
	size_t in_len;
	uint8_t *out;
	size_t out_len;
	int out_truncated;
};

static void die(const char *what)
{
	fprintf(stderr, "fuzz_rsp: %s: %s\n", what, strerror(errno));
	abort();
}

/* The debugger: send the input, then read until the stub closes. */
static void *client_main(void *arg)
{
	struct client *c = arg;
	size_t sent = 0;
	int wr_open = 1;
	uint8_t buf[65536];

	if (c->in_len == 0) {
		shutdown(c->fd, SHUT_WR);
		wr_open = 0;
	}
	for (;;) {
		struct pollfd p = {.fd = c->fd, .events = POLLIN | (wr_open ? POLLOUT : 0)};

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (wr_open && (p.revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = send(c->fd, c->in + sent, c->in_len - sent,
			                 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				sent = c->in_len; /* the stub is gone */
			if (sent == c->in_len) {
				shutdown(c->fd, SHUT_WR);
				wr_open = 0;
			}
		}
		if (p.revents & (POLLIN | POLLERR | POLLHUP)) {
			ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				break;
			if (n > 0) {
				size_t keep = OUT_CAP - c->out_len;
				if (keep > (size_t)n)
					keep = (size_t)n;
				else
					c->out_truncated = 1;
				memcpy(c->out + c->out_len, buf, keep);
				c->out_len += keep;
			}
		}
	}
	return NULL;
}

/* Acks and whole, well-formed frames only. */
static void check_output(const uint8_t *out, size_t len, int truncated)
{
	struct rsp_parser p;
	size_t pos = 0;

	if (rsp_parser_init(&p, 4 * GDBSTUB_PACKET_SIZE) < 0)
		die("rsp_parser_init");
	while (pos < len) {
		size_t used;
		enum rsp_event ev = rsp_parse(&p, out + pos, len - pos, &used);

		pos += used;
		if (ev == RSP_EV_BAD_CSUM || ev == RSP_EV_MALFORMED || ev == RSP_EV_OVERSIZE ||
		    ev == RSP_EV_INTERRUPT) {
			fprintf(stderr, "fuzz_rsp: the stub sent a bad frame (event %d) at byte %zu\n",
			        (int)ev, pos);
			abort();
		}
	}
	if (p.n_stray || (!truncated && p.state != RSP_IDLE)) {
		fprintf(stderr, "fuzz_rsp: the stub sent %lu stray bytes%s\n", p.n_stray,
		        p.state != RSP_IDLE ? " and ended mid-frame" : "");
		abort();
	}
	rsp_parser_free(&p);
}

static struct fake_target F;
static uint8_t *client_out;

static void reset_fake(void)
{
	uint8_t *ram = F.ram;

	memset(&F, 0, sizeof(F));
	F.ram = ram;
	memset(F.ram, 0, FAKE_RAM_SIZE);
	/* A hlt every 4 KiB: a continue ends soon without an interrupt too. */
	for (uint32_t a = 0xfff; a < FAKE_RAM_SIZE; a += 0x1000)
		F.ram[a] = 0xf4;
	/* Two CPUs that hit the same breakpoints at once (pending stops), and a
	 * third that starts at the first run. */
	fake_target_set_cpus(&F, 2);
	F.start_cpus = 3;
	F.last.kind = TARGET_STOP_SIGNAL;
	F.last.signal = 5;
	F.last.tid = 1;
	F.console = "fuzz console line\n";
	F.console_repeat = 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	pthread_t th;

	if (!F.ram) {
		signal(SIGPIPE, SIG_IGN); /* gdbstub_serve's contract */
		if (fake_target_init(&F) < 0 || !(client_out = malloc(OUT_CAP)))
			die("init");
	}
	reset_fake();
	struct gdbstub *stub = gdbstub_new(&fake_target_ops, &F);
	if (!stub)
		die("gdbstub_new");
	F.stub = stub;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	struct client c = {.fd = sv[1], .in = data, .in_len = size, .out = client_out};
	if (pthread_create(&th, NULL, client_main, &c))
		die("pthread_create");

	int end = gdbstub_serve(stub, sv[0], sv[0]);
	if (end != GDBSTUB_END_DETACH && end != GDBSTUB_END_KILL &&
	    end != GDBSTUB_END_DISCONNECT) {
		fprintf(stderr, "fuzz_rsp: gdbstub_serve returned %d\n", end);
		abort();
	}
	shutdown(sv[0], SHUT_RDWR); /* the client's read ends */
	pthread_join(th, NULL);
	close(sv[0]);
	close(sv[1]);
	F.stub = NULL;
	gdbstub_free(stub);
	check_output(c.out, c.out_len, c.out_truncated);
	return 0;
}
