/* Tests of the GDB command layer (src/gdbstub.c, src/gdb_session.c,
 * src/gdb_regs.c, src/net.c) against the fake target, with real packets over
 * a socketpair, a pair of pipes and TCP.  Exit 0 if every check passes.
 *
 *   test_gdbstub               run the tests (and the real-GDB check if
 *                              /usr/bin/gdb or $GDB exists; TEST_GDB=0 skips it)
 *   test_gdbstub --serve PORT  serve the fake target on 127.0.0.1:PORT
 *   test_gdbstub --serve stdio serve it on stdin/stdout (target remote | ...)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fake_target.h"
#include "protocol/gdb_regs.h"
#include "protocol/gdbstub.h"
#include "protocol/net.h"
#include "protocol/rsp.h"

#include "check.h"

/* A reply must be exactly this. */
#define CHECK_REPLY(c, pkt, want)                                                                  \
	do {                                                                                       \
		const char *got_ = xfer(c, pkt);                                                   \
		if (strcmp(got_, want) != 0) {                                                     \
			fprintf(stderr, "%s:%d: %s -> \"%.200s\", wanted \"%s\"\n", __FILE__,      \
			        __LINE__, pkt, got_, want);                                        \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#define TIMEOUT_MS 5000
#define MEM_BIG    0x10000 /* what GDB reads at most in one m packet */

static struct fake_target F;
static struct gdbstub *S;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntest_gdbstub: FATAL, %d check(s) failed before\n", failures);
	exit(1);
}

/* ---- the server side: gdbstub_serve in a thread ---- */

struct server {
	pthread_t th;
	int in_fd, out_fd;
	int result;
};

static void *server_main(void *arg)
{
	struct server *sv = arg;

	sv->result = gdbstub_serve(S, sv->in_fd, sv->out_fd);
	return NULL;
}

/* ---- the client side ---- */

#define RXCAP (4 * GDBSTUB_PACKET_SIZE)

struct client {
	int fd;  /* to the stub */
	int rfd; /* from the stub (== fd for a socket) */
	bool noack;
	uint8_t rx[RXCAP];
	size_t pos, len;
	char console[65536];
	size_t con_len;
	struct server sv;
};

static char reply[2 * GDBSTUB_PACKET_SIZE + 16];
static size_t reply_len;

static void send_raw(struct client *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = write(c->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fatal("send_raw: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

/* Next byte from the stub, -1 on timeout, -2 on EOF. */
static int recv_byte(struct client *c, int timeout_ms)
{
	if (c->pos == c->len) {
		struct pollfd p = {.fd = c->rfd, .events = POLLIN};
		int r = poll(&p, 1, timeout_ms);
		if (r == 0)
			return -1;
		ssize_t n = read(c->rfd, c->rx, sizeof(c->rx));
		if (n <= 0)
			return -2;
		c->pos = 0;
		c->len = (size_t)n;
	}
	return c->rx[c->pos++];
}

static void expect_byte(struct client *c, int want)
{
	int b = recv_byte(c, TIMEOUT_MS);

	if (b != want)
		fatal("expected '%c' from the stub, got %d", want, b);
}

/* One frame; its payload (escapes undone) into reply.  Acks it in ack mode. */
static void recv_frame(struct client *c, int timeout_ms)
{
	unsigned sum = 0;
	int b = recv_byte(c, timeout_ms);

	if (b != '$')
		fatal("expected a frame, got %d", b);
	reply_len = 0;
	for (;;) {
		b = recv_byte(c, TIMEOUT_MS);
		if (b < 0)
			fatal("frame cut short");
		if (b == '#')
			break;
		sum += (unsigned)b;
		if (b == '}') {
			b = recv_byte(c, TIMEOUT_MS);
			sum += (unsigned)b;
			b ^= 0x20;
		}
		if (reply_len >= sizeof(reply) - 1)
			fatal("frame too long");
		reply[reply_len++] = (char)b;
	}
	reply[reply_len] = 0;
	int h1 = rsp_hex_value(recv_byte(c, TIMEOUT_MS));
	int h2 = rsp_hex_value(recv_byte(c, TIMEOUT_MS));
	CHECK(h1 >= 0 && h2 >= 0 && (unsigned)(h1 << 4 | h2) == (sum & 0xff));
	if (!c->noack)
		send_raw(c, "+", 1);
}

static void send_pkt_n(struct client *c, const char *payload, size_t len)
{
	static char buf[2 * GDBSTUB_PACKET_SIZE + 16];
	unsigned sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += (unsigned char)payload[i];
	buf[0] = '$';
	memcpy(buf + 1, payload, len);
	snprintf(buf + 1 + len, 4, "#%02x", sum & 0xff);
	send_raw(c, buf, len + 4);
	if (!c->noack)
		expect_byte(c, '+');
}

static void send_pkt(struct client *c, const char *payload)
{
	send_pkt_n(c, payload, strlen(payload));
}

/* The next reply that is not console output; O text goes to c->console. */
static const char *recv_reply(struct client *c, int timeout_ms)
{
	for (;;) {
		recv_frame(c, timeout_ms);
		if (reply[0] != 'O' || strcmp(reply, "OK") == 0)
			return reply;
		size_t n = (reply_len - 1) / 2;
		CHECK(reply_len % 2 == 1);
		if (c->con_len + n < sizeof(c->console)) {
			CHECK(rsp_unhex(c->console + c->con_len, reply + 1, n) == 0);
			c->con_len += n;
			c->console[c->con_len] = 0;
		}
	}
}

static const char *xfer_n(struct client *c, const char *payload, size_t len)
{
	send_pkt_n(c, payload, len);
	return recv_reply(c, TIMEOUT_MS);
}

static const char *xfer(struct client *c, const char *payload)
{
	return xfer_n(c, payload, strlen(payload));
}

/* Nothing arrives within ms. */
static bool quiet(struct client *c, int ms)
{
	if (c->pos < c->len)
		return false;
	struct pollfd p = {.fd = c->rfd, .events = POLLIN};
	return poll(&p, 1, ms) == 0;
}

static void open_session_fds(struct client *c, int client_fd, int client_rfd, int in, int out)
{
	memset(c, 0, sizeof(*c));
	c->fd = client_fd;
	c->rfd = client_rfd;
	c->sv.in_fd = in;
	c->sv.out_fd = out;
	c->sv.result = -1000;
	if (pthread_create(&c->sv.th, NULL, server_main, &c->sv))
		fatal("pthread_create");
}

/* A socketpair session, already in no-ack mode unless ack is set. */
static void open_session(struct client *c, bool ack)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		fatal("socketpair");
	open_session_fds(c, sv[0], sv[0], sv[1], sv[1]);
	if (!ack) {
		send_raw(c, "+", 1);
		CHECK_REPLY(c, "QStartNoAckMode", "OK");
		c->noack = true;
	}
}

/* Wait for gdbstub_serve to return; closes everything. */
static int close_session(struct client *c, bool hangup_first)
{
	if (hangup_first) {
		close(c->fd);
		if (c->rfd != c->fd)
			close(c->rfd);
	}
	pthread_join(c->sv.th, NULL);
	if (!hangup_first) {
		close(c->fd);
		if (c->rfd != c->fd)
			close(c->rfd);
	}
	close(c->sv.in_fd);
	if (c->sv.out_fd != c->sv.in_fd)
		close(c->sv.out_fd);
	return c->sv.result;
}

static uint32_t le32(const char *hex)
{
	uint8_t b[4];

	if (rsp_unhex(b, hex, 4) < 0)
		return 0xdeadbeef;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static const char *hex32(uint32_t v)
{
	static char buf[4][9];
	static int i;
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

	i = (i + 1) % 4;
	snprintf(buf[i], 9, "%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
	return buf[i];
}

static const char *fmt(const char *f, ...)
{
	static char buf[4][512];
	static int i;
	va_list ap;

	i = (i + 1) % 4;
	va_start(ap, f);
	vsnprintf(buf[i], sizeof(buf[i]), f, ap);
	va_end(ap);
	return buf[i];
}

static unsigned long fake_interrupts(void)
{
	return __atomic_load_n(&F.interrupts, __ATOMIC_SEQ_CST);
}

static void reset_fake(void)
{
	F.ncpus = 0;
	fake_target_set_cpus(&F, 1);
	F.start_cpus = 0;
	F.halted[0] = false;
	memset(F.ram, 0, FAKE_RAM_SIZE);
	F.npoints = 0;
	F.have_next_stop = false;
	F.race = false;
	F.race_rc = 0;
	F.no_read_watch = false;
	F.console = NULL;
	F.console_repeat = 0;
	F.have_rev_stop = F.rev_block = F.rev_race = false;
	F.rev_rc = 0;
	F.rev_why = NULL;
	__atomic_store_n(&F.interrupted, 0, __ATOMIC_SEQ_CST);
}

/* ---- gdb_regs, pure ---- */

static void test_regs_pure(void)
{
	struct vcpu_state st, st2;
	uint8_t buf[GDB_REGS_BYTES], v[GDB_REG_MAX_BYTES];

	CHECK(gdb_reg_offset(GDB_REG_COUNT) == GDB_REGS_BYTES);
	CHECK(gdb_reg_offset(GDB_REG_EIP) == 32);
	CHECK(gdb_reg_offset(GDB_REG_FCTRL) == 64 + 80);
	CHECK(gdb_reg_size(GDB_REG_ST0 + 7) == 10 && gdb_reg_size(GDB_REG_COUNT) == 0);
	CHECK(strcmp(gdb_reg_name(GDB_REG_IDTR_LIMIT), "idtr_limit") == 0);
	CHECK(gdb_reg_name(GDB_REG_COUNT) == NULL);
	CHECK(gdb_reg_get(&st, GDB_REG_COUNT, v) == -EINVAL);

	/* Real mode, segments not zero: linear pc/sp/fp. */
	vcpu_state_reset(&st);
	vcpu_segment_set_real(&st.seg[SREG_CS], 0x1000);
	vcpu_segment_set_real(&st.seg[SREG_SS], 0x2000);
	st.eip = 0x10;
	st.gpr[GPR_ESP] = 0xfffe;
	st.gpr[GPR_EBP] = 0x100;
	gdb_regs_get_all(&st, buf);
	CHECK(buf[32] == 0x10 && buf[33] == 0x00 && buf[34] == 0x01); /* eip 0x10010 */
	CHECK(gdb_reg_get(&st, GDB_REG_ESP, v) == 4 && v[0] == 0xfe && v[1] == 0xff && v[2] == 2);
	CHECK(gdb_reg_get(&st, GDB_REG_EBP, v) == 4 && v[0] == 0x00 && v[1] == 0x01 && v[2] == 2);
	CHECK(gdb_reg_get(&st, GDB_REG_EIP_OFF, v) == 4 && v[0] == 0x10 && v[2] == 0);
	CHECK(gdb_reg_get(&st, GDB_REG_FCTRL, v) == 4 && v[0] == 0x7f && v[1] == 0x03);
	CHECK(gdb_reg_get(&st, GDB_REG_FTAG, v) == 4 && v[0] == 0xff && v[1] == 0xff);
	CHECK(gdb_reg_get(&st, GDB_REG_ST0 + 3, v) == 10 && v[0] == 0 && v[9] == 0);

	/* Round trip: an unchanged G buffer changes nothing. */
	st2 = st;
	CHECK(gdb_regs_set_all(&st2, buf) == 0);
	CHECK(memcmp(&st, &st2, sizeof(st)) == 0);

	/* eip inside CS keeps CS; outside moves CS in real mode. */
	uint8_t pc[4] = {0x20, 0x00, 0x01, 0x00};
	CHECK(gdb_reg_set(&st2, GDB_REG_EIP, pc) == 0);
	CHECK(st2.eip == 0x20 && st2.seg[SREG_CS].selector == 0x1000);
	uint8_t low[4] = {0x05, 0x7c, 0x00, 0x00};
	CHECK(gdb_reg_set(&st2, GDB_REG_EIP, low) == 0);
	CHECK(st2.seg[SREG_CS].selector == 0x7c0 && st2.seg[SREG_CS].base == 0x7c00 &&
	      st2.eip == 5);
	uint8_t hma[4] = {0xef, 0xff, 0x10, 0x00}; /* 0x10ffef: FFFF:FFFF */
	CHECK(gdb_reg_set(&st2, GDB_REG_EIP, hma) == 0);
	CHECK(st2.seg[SREG_CS].selector == 0xffff && st2.eip == 0xffff);
	uint8_t far[4] = {0x00, 0x00, 0x20, 0x00}; /* 0x200000: no real-mode CS:IP */
	st = st2;
	CHECK(gdb_reg_set(&st2, GDB_REG_EIP, far) == -EINVAL);
	CHECK(memcmp(&st, &st2, sizeof(st)) == 0);

	/* esp/ebp writes are linear; *_off writes are raw. */
	uint8_t sp[4] = {0x00, 0x10, 0x02, 0x00};
	CHECK(gdb_reg_set(&st2, GDB_REG_ESP, sp) == 0 && st2.gpr[GPR_ESP] == 0x1000);
	CHECK(gdb_reg_set(&st2, GDB_REG_EBP, sp) == 0 && st2.gpr[GPR_EBP] == 0x1000);
	CHECK(gdb_reg_set(&st2, GDB_REG_EBP_OFF, sp) == 0 && st2.gpr[GPR_EBP] == 0x21000);

	/* Selectors: real mode loads the base; protected mode only the selector. */
	uint8_t sel[4] = {0x00, 0x30, 0, 0};
	CHECK(gdb_reg_set(&st2, GDB_REG_DS, sel) == 0);
	CHECK(st2.seg[SREG_DS].selector == 0x3000 && st2.seg[SREG_DS].base == 0x30000);
	uint8_t bigsel[4] = {0x00, 0x00, 0x01, 0};
	CHECK(gdb_reg_set(&st2, GDB_REG_DS, bigsel) == -EINVAL);
	uint8_t pe[4] = {0x11, 0, 0, 0};
	CHECK(gdb_reg_set(&st2, GDB_REG_CR0, pe) == 0 && st2.cr0 == 0x11);
	uint8_t sel8[4] = {0x08, 0, 0, 0};
	CHECK(gdb_reg_set(&st2, GDB_REG_DS, sel8) == 0);
	CHECK(st2.seg[SREG_DS].selector == 8 && st2.seg[SREG_DS].base == 0x30000);
	/* Protected mode: eip is base + offset, no CS reload. */
	uint8_t p2[4] = {0x00, 0x00, 0x00, 0x00};
	CHECK(gdb_reg_set(&st2, GDB_REG_EIP, p2) == 0);
	CHECK(st2.seg[SREG_CS].selector == 0xffff && st2.eip == 0u - 0xffff0u);

	/* Descriptor tables, bases, x87 writes ignored. */
	uint8_t lim[4] = {0x00, 0x00, 0x01, 0x00};
	CHECK(gdb_reg_set(&st2, GDB_REG_GDTR_LIMIT, lim) == -EINVAL);
	uint8_t lim2[4] = {0x27, 0, 0, 0};
	CHECK(gdb_reg_set(&st2, GDB_REG_GDTR_LIMIT, lim2) == 0 && st2.gdt.limit == 0x27);
	CHECK(gdb_reg_set(&st2, GDB_REG_FS_BASE, sp) == 0 && st2.seg[SREG_FS].base == 0x21000);
	st = st2;
	uint8_t ten[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	CHECK(gdb_reg_set(&st2, GDB_REG_ST0, ten) == 0);
	CHECK(gdb_reg_set(&st2, GDB_REG_FSTAT, ten) == 0);
	CHECK(memcmp(&st, &st2, sizeof(st)) == 0);
	CHECK(gdb_reg_set(&st2, GDB_REG_COUNT, ten) == -EINVAL);

	/* G order: a new CS and a new linear eip together give CS:small. */
	vcpu_state_reset(&st);
	gdb_regs_get_all(&st, buf);
	buf[gdb_reg_offset(GDB_REG_CS) + 1] = 0x30; /* cs = 0x3000 */
	buf[gdb_reg_offset(GDB_REG_EIP)] = 0x05;
	buf[gdb_reg_offset(GDB_REG_EIP) + 2] = 0x03; /* eip = 0x30005 */
	CHECK(gdb_regs_set_all(&st, buf) == 0);
	CHECK(st.seg[SREG_CS].base == 0x30000 && st.eip == 5);
	/* All or nothing. */
	st2 = st;
	gdb_regs_get_all(&st, buf);
	buf[0] = 0x99;                                   /* eax: fine */
	buf[gdb_reg_offset(GDB_REG_IDTR_LIMIT) + 2] = 1; /* > 0xffff */
	CHECK(gdb_regs_set_all(&st, buf) == -EINVAL);
	CHECK(memcmp(&st, &st2, sizeof(st)) == 0);

	/* The target description fits and is counted exactly. */
	size_t n = gdb_regs_target_xml(NULL, 0);
	char *x = malloc(n + 1);
	CHECK(gdb_regs_target_xml(x, n + 1) == n && strlen(x) == n);
	char small[16];
	CHECK(gdb_regs_target_xml(small, sizeof(small)) == n && strlen(small) == 15);
	free(x);
}

/* ---- handshake, acks, checksums ---- */

static void test_handshake(void)
{
	struct client c;
	static char first[256];

	open_session(&c, true);
	send_raw(&c, "+", 1);
	/* A debugger without the multiprocess extensions: plain thread ids. */
	send_pkt(&c, "qSupported:swbreak+;hwbreak+;qRelocInsn+;vContSupported+");
	recv_frame(&c, TIMEOUT_MS);
	CHECK(strstr(reply, "multiprocess") == NULL);
	CHECK(strstr(reply, "PacketSize=20000") != NULL);
	CHECK(strstr(reply, "qXfer:features:read+") != NULL);
	CHECK(strstr(reply, "QStartNoAckMode+") != NULL);
	CHECK(strstr(reply, "swbreak+") && strstr(reply, "hwbreak+"));
	CHECK(strstr(reply, "vContSupported+") != NULL);

	/* A bad checksum gets '-', the retransmission the reply. */
	send_raw(&c, "$g#00", 5);
	expect_byte(&c, '-');
	send_raw(&c, "$g#67", 5);
	expect_byte(&c, '+');
	recv_frame(&c, TIMEOUT_MS);
	CHECK(reply_len == 2 * GDB_REGS_BYTES);

	/* The client NAKs a reply: the same frame again. */
	send_pkt(&c, "?");
	c.noack = true; /* take the frame without acking it */
	recv_frame(&c, TIMEOUT_MS);
	CHECK(reply_len < sizeof(first));
	memcpy(first, reply, reply_len < sizeof(first) ? reply_len + 1 : 0);
	send_raw(&c, "-", 1);
	recv_frame(&c, TIMEOUT_MS);
	CHECK(strcmp(first, reply) == 0);
	CHECK(strncmp(reply, "T05", 3) == 0);
	c.noack = false;
	send_raw(&c, "+", 1);

	/* Stray bytes between packets are skipped. */
	send_raw(&c, "xyz\r\n", 5);
	CHECK_REPLY(&c, "qC", "QC1");

	/* No-ack mode: its OK is still acked, then no acks either way. */
	CHECK_REPLY(&c, "QStartNoAckMode", "OK");
	c.noack = true;
	send_raw(&c, "$qC#b4", 6);
	recv_frame(&c, TIMEOUT_MS); /* recv_frame fails on a '+' before the '$' */
	CHECK(strcmp(reply, "QC1") == 0);
	/* No NAK in no-ack mode: an error reply keeps the pairing. */
	send_raw(&c, "$qC#00", 6);
	recv_frame(&c, TIMEOUT_MS);
	CHECK(strcmp(reply, "E01") == 0);
	CHECK_REPLY(&c, "qC", "QC1");
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- target.xml ---- */

/* Tags nest and close; quotes balance; one root. */
static bool xml_well_formed(const char *x)
{
	char stack[16][64];
	int depth = 0, roots = 0;

	while ((x = strchr(x, '<'))) {
		const char *e = strchr(x, '>');
		if (!e)
			return false;
		int quotes = 0;
		for (const char *q = x; q < e; q++)
			quotes += *q == '"';
		if (quotes % 2)
			return false;
		if (x[1] == '?' || x[1] == '!') {
			x = e + 1;
			continue;
		}
		bool closing = x[1] == '/', selfclose = e[-1] == '/';
		const char *n = x + 1 + closing;
		size_t len = strcspn(n, " />");
		if (len == 0 || len >= 64)
			return false;
		if (closing) {
			if (depth == 0 || strlen(stack[depth - 1]) != len ||
			    strncmp(stack[depth - 1], n, len) != 0)
				return false;
			depth--;
		} else if (!selfclose) {
			if (depth == 0)
				roots++;
			if (depth == 16)
				return false;
			memcpy(stack[depth], n, len);
			stack[depth++][len] = 0;
		}
		x = e + 1;
	}
	return depth == 0 && roots == 1;
}

static void test_target_xml(void)
{
	struct client c;
	static char xml[16384];
	size_t len = 0;

	open_session(&c, false);
	/* Small chunks: m...m then l. */
	for (int i = 0; i < 200; i++) {
		const char *r = xfer(&c, fmt("qXfer:features:read:target.xml:%zx,80", len));
		CHECK(r[0] == 'm' || r[0] == 'l');
		CHECK(reply_len - 1 <= 0x80);
		memcpy(xml + len, r + 1, reply_len - 1);
		len += reply_len - 1;
		if (r[0] != 'm')
			break;
	}
	xml[len] = 0;
	CHECK(len == gdb_regs_target_xml(NULL, 0));
	CHECK(strncmp(xml, "<?xml", 5) == 0);
	CHECK(xml_well_formed(xml));
	CHECK(strstr(xml, "<architecture>i8086</architecture>") != NULL);
	CHECK(strstr(xml, "<feature name=\"org.gnu.gdb.i386.core\">") != NULL);
	CHECK(strstr(xml, "<feature name=\"org.kvm-gdbstub.x86.segments\">") != NULL);
	CHECK(strstr(xml, "<flags id=\"i386_eflags\"") != NULL);
	for (unsigned r = 0; r < GDB_REG_COUNT; r++) {
		const char *want =
		    fmt("<reg name=\"%s\" bitsize=\"%u\"", gdb_reg_name(r), 8 * gdb_reg_size(r));
		const char *at = strstr(xml, want);
		CHECK(at != NULL);
		if (at)
			CHECK(strstr(at, fmt("regnum=\"%u\"", r)) != NULL);
	}
	CHECK(strstr(xml, "name=\"eip\" bitsize=\"32\" type=\"code_ptr\"") != NULL);
	CHECK(strstr(xml, "name=\"st0\" bitsize=\"80\" type=\"i387_ext\"") != NULL);
	/* LLDB's attributes: the roles and the i386 DWARF numbers. */
	CHECK(strstr(xml, "regnum=\"8\" generic=\"pc\" dwarf_regnum=\"8\" ehframe_regnum=\"8\"/>"));
	CHECK(strstr(xml, "regnum=\"4\" generic=\"sp\" dwarf_regnum=\"4\""));
	CHECK(strstr(xml, "regnum=\"5\" generic=\"fp\" dwarf_regnum=\"5\""));
	CHECK(strstr(xml, "regnum=\"9\" generic=\"flags\" dwarf_regnum=\"9\""));
	CHECK(strstr(xml, "regnum=\"13\" dwarf_regnum=\"40\"")); /* es */
	CHECK(strstr(xml, "regnum=\"23\" dwarf_regnum=\"18\"")); /* st7 */
	CHECK(strstr(xml, "regnum=\"24\" group=\"float\"/>"));   /* fctrl: none */
	CHECK(strstr(xml, "name=\"eip_off\" bitsize=\"32\" type=\"uint32\" regnum=\"32\" "
	                  "group=\"general\"/>"));

	/* One big read, a read past the end, bad requests. */
	const char *r = xfer(&c, "qXfer:features:read:target.xml:0,ffff");
	CHECK(r[0] == 'l' && strcmp(r + 1, xml) == 0);
	CHECK_REPLY(&c, fmt("qXfer:features:read:target.xml:%zx,100", len), "l");
	CHECK_REPLY(&c, "qXfer:features:read:target.xml:ffffffff,100", "l");
	CHECK_REPLY(&c, "qXfer:features:read:other.xml:0,100", "E00");
	CHECK_REPLY(&c, "qXfer:memory-map:read::0,100", "");
	CHECK_REPLY(&c, "qXfer:features:read:target.xml:zz,100", "E01");
	CHECK_REPLY(&c, "qXfer:features:read:target.xml:0", "E01");
	CHECK_REPLY(&c, "qXfer:features:read:target.xml:0,10000000000000000", "E01");
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- registers over the wire ---- */

static void test_registers(void)
{
	struct client c;
	char g[2 * GDB_REGS_BYTES + 1];

	reset_fake();
	vcpu_segment_set_real(&F.st[0].seg[SREG_CS], 0x1000);
	vcpu_segment_set_real(&F.st[0].seg[SREG_SS], 0x2000);
	F.st[0].eip = 0x10;
	F.st[0].gpr[GPR_ESP] = 0xfffe;
	F.st[0].gpr[GPR_EBP] = 0x100;
	F.st[0].gpr[GPR_EAX] = 0x11223344;
	open_session(&c, false);

	const char *r = xfer(&c, "g");
	CHECK(reply_len == 2 * GDB_REGS_BYTES);
	snprintf(g, sizeof(g), "%s", r);
	CHECK(le32(g) == 0x11223344);
	CHECK(le32(g + 2 * gdb_reg_offset(GDB_REG_EIP)) == 0x10010);
	CHECK(le32(g + 2 * gdb_reg_offset(GDB_REG_ESP)) == 0x2fffe);
	CHECK(le32(g + 2 * gdb_reg_offset(GDB_REG_EBP)) == 0x20100);
	CHECK(le32(g + 2 * gdb_reg_offset(GDB_REG_CS)) == 0x1000);
	CHECK(le32(g + 2 * gdb_reg_offset(GDB_REG_EFLAGS)) == 2);
	CHECK(le32(g + 2 * gdb_reg_offset(GDB_REG_FCTRL)) == 0x37f);
	CHECK(le32(g + 2 * gdb_reg_offset(GDB_REG_FTAG)) == 0xffff);
	CHECK(le32(g + 2 * gdb_reg_offset(GDB_REG_EIP_OFF)) == 0x10);
	CHECK(le32(g + 2 * gdb_reg_offset(GDB_REG_CS_BASE)) == 0x10000);
	CHECK(le32(g + 2 * gdb_reg_offset(GDB_REG_IDTR_LIMIT)) == 0x3ff);
	CHECK(strncmp(g + 2 * gdb_reg_offset(GDB_REG_ST0), "00000000000000000000", 20) == 0);

	CHECK_REPLY(&c, "p8", "10000100");
	CHECK_REPLY(&c, "p4", hex32(0x2fffe));
	CHECK_REPLY(&c, "p10", "00000000000000000000");
	CHECK_REPLY(&c, "p18", "7f030000");
	CHECK_REPLY(&c, "p2d", "ff030000");
	CHECK_REPLY(&c, "p2e", "E01");
	CHECK_REPLY(&c, "p", "E01");
	CHECK_REPLY(&c, "p8x", "E01");
	CHECK_REPLY(&c, "p-1", "E01");
	CHECK_REPLY(&c, "p10000000000000008", "E01");

	/* Linear eip inside CS: CS stays. */
	CHECK_REPLY(&c, fmt("P8=%s", hex32(0x10020)), "OK");
	CHECK(F.st[0].eip == 0x20 && F.st[0].seg[SREG_CS].selector == 0x1000);
	/* Below CS.base: real mode moves CS. */
	CHECK_REPLY(&c, fmt("P8=%s", hex32(0x500)), "OK");
	CHECK(F.st[0].seg[SREG_CS].selector == 0x50 && F.st[0].seg[SREG_CS].base == 0x500 &&
	      F.st[0].eip == 0);
	CHECK_REPLY(&c, "p8", hex32(0x500));
	CHECK_REPLY(&c, fmt("P8=%s", hex32(0x200000)), "E16");
	/* esp linear, eip_off raw. */
	CHECK_REPLY(&c, fmt("P4=%s", hex32(0x21000)), "OK");
	CHECK(F.st[0].gpr[GPR_ESP] == 0x1000);
	CHECK_REPLY(&c, fmt("P20=%s", hex32(0x1234)), "OK");
	CHECK(F.st[0].eip == 0x1234);
	CHECK_REPLY(&c, "p8", hex32(0x500 + 0x1234));
	/* Real-mode selector writes load the base. */
	CHECK_REPLY(&c, fmt("Pa=%s", hex32(0x2000)), "OK");
	CHECK(F.st[0].seg[SREG_CS].selector == 0x2000 && F.st[0].seg[SREG_CS].base == 0x20000);
	CHECK_REPLY(&c, fmt("Pf=%s", hex32(0xb800)), "OK");
	CHECK(F.st[0].seg[SREG_GS].base == 0xb8000);
	CHECK_REPLY(&c, fmt("Pa=%s", hex32(0x10000)), "E16");
	/* Protected mode: the selector only. */
	CHECK_REPLY(&c, fmt("P29=%s", hex32(0x11)), "OK");
	CHECK(F.st[0].cr0 == 0x11);
	CHECK_REPLY(&c, fmt("Pa=%s", hex32(8)), "OK");
	CHECK(F.st[0].seg[SREG_CS].selector == 8 && F.st[0].seg[SREG_CS].base == 0x20000);
	CHECK_REPLY(&c, fmt("P29=%s", hex32(0x10)), "OK");
	/* Bases and tables. */
	CHECK_REPLY(&c, fmt("P23=%s", hex32(0x30000)), "OK");
	CHECK(F.st[0].seg[SREG_CS].base == 0x30000);
	CHECK_REPLY(&c, fmt("P2b=%s", hex32(0x10000)), "E16");
	CHECK_REPLY(&c, fmt("P2b=%s", hex32(0x27)), "OK");
	CHECK(F.st[0].gdt.limit == 0x27);
	/* x87: accepted, ignored; sizes must match. */
	CHECK_REPLY(&c, "P10=0102030405060708090a", "OK");
	CHECK_REPLY(&c, "P10=01020304", "E01");
	CHECK_REPLY(&c, "P8=123", "E01");
	CHECK_REPLY(&c, "P8=zzzzzzzz", "E01");
	CHECK_REPLY(&c, "P8=1234567800", "E01");
	CHECK_REPLY(&c, "P2e=00000000", "E01");
	CHECK_REPLY(&c, "P8", "E01");

	/* G: change eax only. */
	struct vcpu_state before = F.st[0];
	r = xfer(&c, "g");
	snprintf(g, sizeof(g), "%s", r);
	memcpy(g, "efbeadde", 8);
	CHECK_REPLY(&c, fmt("G%s", g), "OK");
	CHECK(F.st[0].gpr[GPR_EAX] == 0xdeadbeef);
	before.gpr[GPR_EAX] = 0xdeadbeef;
	CHECK(memcmp(&before, &F.st[0], sizeof(before)) == 0);
	g[10] = 0;
	CHECK_REPLY(&c, fmt("G%s", g), "E01");
	CHECK_REPLY(&c, "G", "E01");
	CHECK_REPLY(&c, "gx", "E01");
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- memory ---- */

static void test_memory(void)
{
	struct client c;
	static char big[2 * MEM_BIG + 64];

	reset_fake();
	open_session(&c, false);
	CHECK_REPLY(&c, "M1000,4:deadBEEF", "OK");
	CHECK(F.ram[0x1000] == 0xde && F.ram[0x1003] == 0xef);
	CHECK_REPLY(&c, "m1000,4", "deadbeef");
	CHECK_REPLY(&c, "m00001000,2", "dead");

	/* X: binary with escapes ('}' '#' '$' '*' 0x03 NUL). */
	CHECK_REPLY(&c, "X2000,0:", "OK"); /* GDB's probe */
	const char x6[] = "X2000,6:}]}\x03}\x04}\x0a\x03\x00";
	CHECK(strcmp(xfer_n(&c, x6, sizeof(x6) - 1), "OK") == 0);
	CHECK(memcmp(F.ram + 0x2000, "}#$*\x03\x00", 6) == 0);
	CHECK_REPLY(&c, "m2000,6", "7d23242a0300");

	/* Run-length encoded input from the client. */
	CHECK_REPLY(&c, "M3000,4:a* b* ", "OK");
	CHECK(F.ram[0x3000] == 0xaa && F.ram[0x3003] == 0xbb);

	/* Outside RAM, straddling its end, overflowing the address space. */
	CHECK_REPLY(&c, "m100000,4", "E0e");
	CHECK_REPLY(&c, "mffffe,4", "E0e");
	CHECK_REPLY(&c, "mfffff,1", "00");
	CHECK_REPLY(&c, "M100000,1:00", "E0e");
	CHECK_REPLY(&c, "ffffffff", ""); /* no such command */
	CHECK_REPLY(&c, "mffffffff,ffffffff", "E07");
	CHECK_REPLY(&c, "mffffffff,2", "E0e");
	CHECK_REPLY(&c, "m100000000,1", "E0e");
	CHECK_REPLY(&c, "m0,100000", "E07");
	CHECK_REPLY(&c, "m0,10001", "E07");
	CHECK_REPLY(&c, "m1ffffffffffffffff,4", "E01");
	CHECK_REPLY(&c, "m-1,4", "E01");
	CHECK_REPLY(&c, "m0,-4", "E01");
	CHECK_REPLY(&c, "m0,0", "E01");
	CHECK_REPLY(&c, "m0", "E01");
	CHECK_REPLY(&c, "m,4", "E01");
	CHECK_REPLY(&c, "m0,4,", "E01");
	CHECK_REPLY(&c, "M0,10:zz", "E01");
	CHECK_REPLY(&c, "M0,2:abc", "E01");
	CHECK_REPLY(&c, "M0,2:abcdef", "E01");
	CHECK_REPLY(&c, "M0,2", "E01");
	CHECK_REPLY(&c, "M0,20000:00", "E07");
	CHECK_REPLY(&c, "X0,4:ab", "E01");
	CHECK_REPLY(&c, "X0,1:ab", "E01");
	CHECK_REPLY(&c, "X0,4", "E01");
	CHECK_REPLY(&c, "X100000,1:a", "E0e");
	CHECK_REPLY(&c, "X0,ffffffffffff:a", "E07");

	/* 64 KiB in one packet each way. */
	for (int i = 0; i < MEM_BIG; i++)
		F.ram[0x10000 + i] = (uint8_t)(i * 7);
	const char *r = xfer(&c, fmt("m10000,%x", MEM_BIG));
	CHECK(reply_len == 2 * MEM_BIG);
	CHECK(strncmp(r, "00070e15", 8) == 0);
	/* A hex write as big as PacketSize allows (64 KiB of hex data do not
	 * fit with the header: GDB uses X for big writes), and one byte more. */
	const int mlen = 0xfff0;
	snprintf(big, sizeof(big), "M20000,%x:", mlen);
	size_t n = strlen(big);
	memcpy(big + n, reply, 2 * mlen);
	CHECK(strcmp(xfer_n(&c, big, n + 2 * mlen), "OK") == 0);
	CHECK(memcmp(F.ram + 0x10000, F.ram + 0x20000, mlen) == 0);
	snprintf(big, sizeof(big), "M20000,%x:", MEM_BIG);
	n = strlen(big);
	memcpy(big + n, reply, 2 * MEM_BIG);
	CHECK(strcmp(xfer_n(&c, big, n + 2 * MEM_BIG), "E07") == 0);
	/* Binary 64 KiB: every byte value, escaped where needed. */
	struct rsp_buf b;
	CHECK(rsp_buf_init(&b, 2 * MEM_BIG + 64) == 0);
	rsp_buf_begin(&b, false);
	rsp_put_str(&b, fmt("X30000,%x:", MEM_BIG));
	uint8_t *pat = malloc(MEM_BIG);
	for (int i = 0; i < MEM_BIG; i++)
		pat[i] = (uint8_t)(i ^ (i >> 8));
	rsp_put_binary(&b, pat, MEM_BIG);
	CHECK(strcmp(xfer_n(&c, (const char *)b.data + 1, b.len - 1), "OK") == 0);
	CHECK(memcmp(F.ram + 0x30000, pat, MEM_BIG) == 0);
	free(pat);
	rsp_buf_free(&b);
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- breakpoints and watchpoints ---- */

static void test_points(void)
{
	struct client c;

	reset_fake();
	open_session(&c, false);
	CHECK_REPLY(&c, "Z0,1000,1", "OK");
	CHECK(F.npoints == 1 && F.points[0].type == TARGET_BP_SW && F.points[0].addr == 0x1000);
	CHECK_REPLY(&c, "z0,1000,1", "OK");
	CHECK(F.npoints == 0);
	CHECK_REPLY(&c, "z0,1000,1", "E16"); /* not inserted: the target says EINVAL */
	CHECK_REPLY(&c, "Z1,2000,1", "OK");
	CHECK_REPLY(&c, "Z2,3000,4", "OK");
	CHECK_REPLY(&c, "Z3,3004,2", "OK");
	CHECK_REPLY(&c, "Z4,3008,1", "OK");
	CHECK(F.npoints == 4 && F.points[3].type == TARGET_WP_ACCESS && F.points[1].kind == 4);
	CHECK_REPLY(&c, "Z1,4000,1", "E1c"); /* five hardware points: ENOSPC */
	CHECK_REPLY(&c, "z2,3000,4", "OK");
	CHECK_REPLY(&c, "z3,3004,2", "OK");
	CHECK_REPLY(&c, "z4,3008,1", "OK");
	CHECK_REPLY(&c, "z1,2000,1", "OK");
	CHECK(F.npoints == 0);
	F.no_read_watch = true;
	CHECK_REPLY(&c, "Z3,3004,2", ""); /* ENOTSUP: the empty reply */
	/* Malformed. */
	CHECK_REPLY(&c, "Z0,1000,0", "E16");
	CHECK_REPLY(&c, "Z0,1000,2", "E16");
	CHECK_REPLY(&c, "Z2,1000,0", "E16");
	CHECK_REPLY(&c, "Z2,1000,ffffffffff", "E16");
	CHECK_REPLY(&c, "Z5,1000,1", "");
	CHECK_REPLY(&c, "Z0,1000", "E01");
	CHECK_REPLY(&c, "Z0", "E01");
	CHECK_REPLY(&c, "Z", "E01");
	CHECK_REPLY(&c, "Z0,,1", "E01");
	CHECK_REPLY(&c, "Z0,1000,1x", "E01");
	CHECK_REPLY(&c, "Z0,100000000,1", "E16");
	CHECK_REPLY(&c, "Z0,1000,1;X2,0a", "OK"); /* conditions are ignored */
	CHECK_REPLY(&c, "z0,1000,1", "OK");
	CHECK(F.npoints == 0);
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- resuming and stop replies ---- */

/* A T stop reply: prefix, the pc expedited, and the thread named last. */
static void check_stop_at(int line, const char *r, const char *prefix, uint32_t pc,
                          const char *thread)
{
	const char *want = fmt("%s08:%s;04:", prefix, hex32(pc));
	const char *tail = fmt(";thread:%s;", thread);
	size_t n = strlen(r), m = strlen(tail);

	if (strncmp(r, want, strlen(want)) != 0 || !strstr(r, ";05:") || n < m ||
	    strcmp(r + n - m, tail) != 0) {
		fprintf(stderr, "%s:%d: stop reply \"%s\", wanted \"%s...;05:...%s\"\n", __FILE__,
		        line, r, want, tail);
		failures++;
	}
}

#define check_stop(r, prefix, pc)           check_stop_at(__LINE__, r, prefix, pc, "1")
#define check_stop_t(r, prefix, pc, thread) check_stop_at(__LINE__, r, prefix, pc, thread)

static void test_resume(void)
{
	struct client c;

	reset_fake();
	vcpu_segment_set_real(&F.st[0].seg[SREG_CS], 0x100); /* base 0x1000 */
	F.st[0].eip = 0;
	open_session(&c, false);

	/* Step: T05 with the linear pc. */
	check_stop(xfer(&c, "s"), "T05", 0x1001);
	CHECK(F.steps == 1);
	check_stop(xfer(&c, "vCont;s:1"), "T05", 0x1002);
	check_stop(xfer(&c, "vCont;s"), "T05", 0x1003);
	check_stop(xfer(&c, "S05"), "T05", 0x1004);
	/* Step from an address. */
	check_stop(xfer(&c, "s1100"), "T05", 0x1101);
	CHECK(F.st[0].seg[SREG_CS].selector == 0x100 && F.st[0].eip == 0x101);
	check_stop(xfer(&c, "S05;1200"), "T05", 0x1201);

	/* Continue to a software, then a hardware breakpoint. */
	CHECK_REPLY(&c, "Z0,1280,1", "OK");
	check_stop(xfer(&c, "c"), "T05swbreak:;", 0x1280);
	CHECK_REPLY(&c, "z0,1280,1", "OK");
	CHECK_REPLY(&c, "Z1,1300,1", "OK");
	check_stop(xfer(&c, "vCont;c:p1.-1"), "T05hwbreak:;", 0x1300);
	CHECK_REPLY(&c, "z1,1300,1", "OK");
	CHECK_REPLY(&c, "Z0,1400,1", "OK");
	check_stop(xfer(&c, "C0b"), "T05swbreak:;", 0x1400);
	check_stop(xfer(&c, "c1390"), "T05swbreak:;", 0x1400);
	check_stop(xfer(&c, "C05;13f0"), "T05swbreak:;", 0x1400);
	CHECK_REPLY(&c, "z0,1400,1", "OK");
	/* The stop reason stays for '?'. */
	check_stop(xfer(&c, "?"), "T05swbreak:;", 0x1400);

	/* Range stepping: steps while pc stays in [start, end). */
	CHECK_REPLY(&c, fmt("P8=%s", hex32(0x2000)), "OK");
	unsigned long steps = F.steps;
	check_stop(xfer(&c, "vCont;r2000,2010:1;c"), "T05", 0x2010);
	CHECK(F.steps - steps == 16);
	steps = F.steps;
	check_stop(xfer(&c, "vCont;r3000,3010"), "T05", 0x2011); /* outside: one step */
	CHECK(F.steps - steps == 1);
	/* A stop other than a step ends the range. */
	F.have_next_stop = true;
	F.next_stop = (struct target_stop){.kind = TARGET_STOP_HWBREAK, .signal = 5};
	check_stop(xfer(&c, "vCont;r2000,3000"), "T05hwbreak:;", 0x2011);

	/* Every stop kind. */
	struct {
		struct target_stop stop;
		const char *prefix;
	} kinds[] = {
	    {{.kind = TARGET_STOP_WATCH, .point = TARGET_WP_WRITE, .addr = 0x1234},
	     "T05watch:1234;"},
	    {{.kind = TARGET_STOP_WATCH, .point = TARGET_WP_READ, .addr = 0xabc}, "T05rwatch:abc;"},
	    {{.kind = TARGET_STOP_WATCH, .point = TARGET_WP_ACCESS, .addr = 0}, "T05awatch:0;"},
	    {{.kind = TARGET_STOP_SIGNAL, .signal = 11}, "T0b"},
	    {{.kind = TARGET_STOP_SIGNAL, .signal = 4}, "T04"},
	    {{.kind = TARGET_STOP_HALTED, .signal = 5}, "T05"},
	    {{.kind = TARGET_STOP_PORT, .signal = 5}, "T05"},
	    {{.kind = TARGET_STOP_MAGIC, .signal = 5}, "T05"},
	    {{.kind = TARGET_STOP_INTERRUPT, .signal = 2}, "T02"},
	    {{.kind = TARGET_STOP_STEP, .signal = 5}, "T05"},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		F.have_next_stop = true;
		F.next_stop = kinds[i].stop;
		check_stop(xfer(&c, "c"), kinds[i].prefix, 0x2011);
	}
	/* A stop with a reason text: an O packet first. */
	F.have_next_stop = true;
	F.next_stop = (struct target_stop){.kind = TARGET_STOP_HALTED, .why = "guest halted\n"};
	c.con_len = 0;
	check_stop(xfer(&c, "c"), "T05", 0x2011);
	CHECK(strcmp(c.console, "guest halted\n") == 0);
	/* A hlt byte in the fake's path. */
	F.ram[0x2020] = 0xf4;
	c.con_len = 0;
	check_stop(xfer(&c, "c"), "T05", 0x2021);
	CHECK(strstr(c.console, "hlt") != NULL);

	/* vCont queries and errors. */
	CHECK_REPLY(&c, "vCont?", "vCont;c;C;s;S;t;r");
	CHECK_REPLY(&c, "vCont;t", "T00thread:1;");
	CHECK_REPLY(&c, "vCont", "E01");
	CHECK_REPLY(&c, "vCont;", "E01");
	CHECK_REPLY(&c, "vCont;x", "E01");
	CHECK_REPLY(&c, "vCont;C", "E01");
	CHECK_REPLY(&c, "vCont;Czz", "E01");
	CHECK_REPLY(&c, "vCont;r1000", "E01");
	CHECK_REPLY(&c, "vCont;r1000,", "E01");
	CHECK_REPLY(&c, "vCont;r100000000,1", "E01");
	CHECK_REPLY(&c, "vCont;c:", "E01");
	CHECK_REPLY(&c, "vCont;c:zz", "E01");
	CHECK_REPLY(&c, "vCont;c;", "E01");
	CHECK_REPLY(&c, "C", "E01");
	CHECK_REPLY(&c, "C100", "E01");
	CHECK_REPLY(&c, "C05;", "E01");
	CHECK_REPLY(&c, "czz", "E01");
	CHECK_REPLY(&c, "c1000x", "E01");
	CHECK_REPLY(&c, "c100000000", "E16");
	CHECK_REPLY(&c, "s-1", "E01");

	/* Exit: W, then no process for '?'. */
	F.have_next_stop = true;
	F.next_stop = (struct target_stop){.kind = TARGET_STOP_EXITED, .code = 3};
	CHECK_REPLY(&c, "c", "W03");
	CHECK_REPLY(&c, "?", "W00");
	CHECK_REPLY(&c, "s", "E03"); /* ESRCH */
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- Ctrl-C and console output while running ---- */

static void test_ctrl_c(void)
{
	struct client c;

	reset_fake();
	F.st[0].eip = 0;
	open_session(&c, false);
	unsigned long intr = fake_interrupts();
	for (int round = 0; round < 3; round++) {
		/* No breakpoint: the fake runs off RAM's end and blocks. */
		send_pkt(&c, round == 1 ? "vCont;c" : "c");
		CHECK(quiet(&c, 100));
		double t0 = now();
		send_raw(&c, "\x03", 1);
		const char *r = recv_reply(&c, 2000);
		double dt = now() - t0;
		CHECK(strncmp(r, "T02", 3) == 0);
		CHECK(dt < 0.25);
		if (round == 0)
			printf("test_gdbstub: Ctrl-C to T02 in %.2f ms\n", dt * 1e3);
	}
	CHECK(fake_interrupts() == intr + 3);
	/* Ctrl-C in the same write as the continue. */
	send_raw(&c, "$c#63\x03", 6);
	CHECK(strncmp(recv_reply(&c, 2000), "T02", 3) == 0);
	/* A Ctrl-C while stopped is ignored; the next packet works. */
	send_raw(&c, "\x03", 1);
	CHECK_REPLY(&c, "qC", "QC1");
	/* Range stepping forever inside its range stops on Ctrl-C too. */
	CHECK_REPLY(&c, fmt("P8=%s", hex32(0x100)), "OK");
	send_pkt(&c, "vCont;r0,ffffffff");
	CHECK(quiet(&c, 50));
	send_raw(&c, "\x03", 1);
	CHECK(strncmp(recv_reply(&c, 2000), "T02", 3) == 0);
	CHECK(F.steps > 10);

	/* Console output during a run arrives as O packets, before the stop. */
	F.stub = S;
	F.console = "hello, world\n";
	F.console_repeat = 3;
	c.con_len = 0;
	send_pkt(&c, "c");
	CHECK(quiet(&c, 50) == false);
	send_raw(&c, "\x03", 1);
	CHECK(strncmp(recv_reply(&c, 2000), "T02", 3) == 0);
	CHECK(strcmp(c.console, "hello, world\nhello, world\nhello, world\n") == 0);

	/* While stopped, console output waits for the next run. */
	F.console = NULL;
	c.con_len = 0;
	gdbstub_console_output(S, "early\n", 6);
	CHECK(quiet(&c, 50));
	CHECK_REPLY(&c, fmt("P8=%s", hex32(0x100)), "OK");
	CHECK_REPLY(&c, "Z0,180,1", "OK");
	check_stop(xfer(&c, "c"), "T05swbreak:;", 0x180);
	CHECK(strcmp(c.console, "early\n") == 0);
	CHECK_REPLY(&c, "z0,180,1", "OK");

	/* A debugger that does not read must not block the guest: the output
	 * beyond the queue is dropped and counted. */
	struct gdbstub_stats st0, st1;
	gdbstub_get_stats(S, &st0);
	static char kib[1025];
	memset(kib, 'x', 1024);
	F.console = kib;
	F.console_repeat = 8192; /* 8 MiB */
	__atomic_store_n(&F.console_done, 0, __ATOMIC_SEQ_CST);
	send_pkt(&c, "c");
	double t0 = now();
	while (!__atomic_load_n(&F.console_done, __ATOMIC_SEQ_CST) && now() - t0 < 3)
		usleep(1000);
	CHECK(__atomic_load_n(&F.console_done, __ATOMIC_SEQ_CST));
	gdbstub_get_stats(S, &st1);
	CHECK(st1.console_dropped > st0.console_dropped);
	send_raw(&c, "\x03", 1);
	c.con_len = 0;
	CHECK(strncmp(recv_reply(&c, 5000), "T02", 3) == 0);
	CHECK(c.con_len > 0);
	F.console = NULL;
	F.stub = NULL;

	/* Hanging up while the guest runs: the stub interrupts and returns. */
	intr = fake_interrupts();
	send_pkt(&c, "c");
	CHECK(quiet(&c, 50));
	double t1 = now();
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
	CHECK(now() - t1 < 0.5);
	CHECK(fake_interrupts() == intr + 1);
}

/* ---- monitor ---- */

static void test_monitor(void)
{
	struct client c;

	open_session(&c, false);
	/* "help" */
	c.con_len = 0;
	CHECK_REPLY(&c, "qRcmd,68656c70", "OK");
	CHECK(strstr(c.console, "stub-stats") != NULL);
	CHECK(strstr(c.console, "fake target commands") != NULL);
	/* "echo hi" */
	c.con_len = 0;
	CHECK_REPLY(&c, "qRcmd,6563686f206869", "OK");
	CHECK(strcmp(c.console, "hi\n") == 0);
	/* "stub-stats" */
	c.con_len = 0;
	CHECK_REPLY(&c, "qRcmd,737475622d7374617473", "OK");
	CHECK(strstr(c.console, "packets ") != NULL);
	/* "big": several O packets. */
	c.con_len = 0;
	CHECK_REPLY(&c, "qRcmd,626967", "OK");
	CHECK(c.con_len == 20000 && c.console[26] == 'a');
	/* Unknown: the target's message, then OK (an error would make GDB
	 * print "Protocol error with Rcmd" and end a batch script). */
	c.con_len = 0;
	CHECK_REPLY(&c, "qRcmd,6e6f7065", "OK");
	CHECK(strcmp(c.console, "unknown monitor command 'nope'; try 'monitor help'\n") == 0);
	/* Unknown, and the target said nothing: the stub says it. */
	c.con_len = 0;
	CHECK_REPLY(&c, "qRcmd,6d757465", "OK"); /* "mute" */
	CHECK(strcmp(c.console, "unknown monitor command 'mute'; try 'monitor help'\n") == 0);
	/* Other errors: the same, text then OK. */
	c.con_len = 0;
	CHECK_REPLY(&c, "qRcmd,636f756e74207a", "OK"); /* "count z": -EINVAL */
	CHECK(strcmp(c.console, "usage: count N\n") == 0);
	c.con_len = 0;
	CHECK_REPLY(&c, "qRcmd,6661696c", "OK"); /* "fail": -EIO, no text */
	CHECK(strcmp(c.console, "monitor fail: Input/output error\n") == 0);
	/* Malformed: only these get an error. */
	CHECK_REPLY(&c, "qRcmd,6", "E01");
	CHECK_REPLY(&c, "qRcmd,zz", "E01");
	CHECK_REPLY(&c, "qRcmd,6800", "E01"); /* embedded NUL */
	CHECK_REPLY(&c, "qRcmd", "E01");
	static char longcmd[2 * 2000 + 8];
	memset(longcmd, '6', sizeof(longcmd));
	memcpy(longcmd, "qRcmd,", 6);
	longcmd[sizeof(longcmd) - 2] = 0;
	CHECK_REPLY(&c, longcmd, "E01");
	/* With acks, every O packet is acked by the client; the stub copes. */
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);

	open_session(&c, true);
	send_raw(&c, "+", 1);
	c.con_len = 0;
	CHECK_REPLY(&c, "qRcmd,626967", "OK");
	CHECK(c.con_len == 20000);
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- queries, threads, unknown packets, malformed frames ---- */

static void test_misc(void)
{
	struct client c;
	static char big[GDBSTUB_PACKET_SIZE + 64];

	reset_fake();
	open_session(&c, false);
	CHECK_REPLY(&c, "qAttached", "1");
	CHECK_REPLY(&c, "qAttached:1", "1");
	CHECK_REPLY(&c, "qC", "QC1");
	CHECK_REPLY(&c, "qfThreadInfo", "m1");
	CHECK_REPLY(&c, "qsThreadInfo", "l");
	CHECK_REPLY(&c, "Hg0", "OK");
	CHECK_REPLY(&c, "Hg1", "OK");
	CHECK_REPLY(&c, "Hc-1", "OK");
	CHECK_REPLY(&c, "Hgp1.1", "OK");
	CHECK_REPLY(&c, "H", "E01");
	CHECK_REPLY(&c, "Hgzz", "E01");
	CHECK_REPLY(&c, "T1", "OK");
	CHECK_REPLY(&c, "Tp1.1", "OK");
	CHECK_REPLY(&c, "T2", "E01");
	CHECK_REPLY(&c, "T", "E01");
	CHECK_REPLY(&c, "qSymbol::", "OK");
	CHECK_REPLY(&c, "qTStatus", "");
	CHECK_REPLY(&c, "qOffsets", "");
	CHECK_REPLY(&c, "vMustReplyEmpty", "");
	CHECK_REPLY(&c, "qSupportedX", "");
	CHECK_REPLY(&c, "vContX", "");
	CHECK_REPLY(&c, "q", "");
	CHECK_REPLY(&c, "", "");
	CHECK_REPLY(&c, "\x80\xff", "");
	CHECK_REPLY(&c, "b9600", "");
	CHECK_REPLY(&c, "R00", ""); /* not in extended mode */
	CHECK_REPLY(&c, "vRun;", "E01");

	/* Framing errors get an error reply and the session goes on. */
	send_raw(&c, "$m}#ea", 6);
	recv_frame(&c, TIMEOUT_MS);
	CHECK(strcmp(reply, "E01") == 0);
	send_raw(&c, "$m*#b7", 6);
	recv_frame(&c, TIMEOUT_MS);
	CHECK(strcmp(reply, "E01") == 0);
	/* Oversize: discarded, an error, and serving goes on. */
	unsigned sum = 0;
	size_t n = 0;
	big[n++] = '$';
	big[n++] = 'M';
	sum += 'M';
	while (n < GDBSTUB_PACKET_SIZE + 16) {
		big[n++] = '0';
		sum += '0';
	}
	n += (size_t)snprintf(big + n, 4, "#%02x", sum & 0xff);
	send_raw(&c, big, n);
	recv_frame(&c, TIMEOUT_MS);
	CHECK(strcmp(reply, "E07") == 0);
	CHECK_REPLY(&c, "qC", "QC1");
	/* A packet cut by a new one. */
	send_raw(&c, "$m0,4", 5);
	CHECK_REPLY(&c, "qC", "QC1");
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- LLDB's queries ---- */

static void test_lldb(void)
{
	static const char triple[] = "i386-unknown-unknown-code16";
	char hex[2 * sizeof(triple)];
	struct client c;

	for (size_t i = 0; i < sizeof(triple) - 1; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)triple[i]);
	CHECK(strcmp(GDB_REGS_LLDB_TRIPLE, triple) == 0);

	reset_fake();
	open_session(&c, false);
	CHECK_REPLY(&c, "qHostInfo", fmt("triple:%s;ptrsize:4;endian:little;", hex));
	CHECK_REPLY(&c, "qProcessInfo", fmt("pid:1;triple:%s;ptrsize:4;endian:little;", hex));
	/* What LLDB 14 asks at connect and does without: an empty reply. */
	static const char *const empty[] = {
	    "QThreadSuffixSupported",
	    "QListThreadsInStopReply",
	    "qVAttachOrWaitSupported",
	    "QEnableErrorStrings",
	    "qRegisterInfo0",
	    "qStructuredDataPlugins",
	    "qShlibInfoAddr",
	    "x0,0",
	    "jThreadsInfo",
	    "jThreadExtendedInfo:",
	    "qMemoryRegionInfo:15",
	    "qGetWorkingDir",
	    "qQueryGDBServer",
	    "vFile:open:2f,0,0",
	    "qProcessInfoPID:1",
	};
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
		CHECK_REPLY(&c, empty[i], "");
	/* Extended mode: no process after k, but the host is still there. */
	CHECK_REPLY(&c, "!", "OK");
	send_pkt(&c, "k");
	CHECK(quiet(&c, 50));
	CHECK_REPLY(&c, "qProcessInfo", "E03");
	CHECK_REPLY(&c, "qHostInfo", fmt("triple:%s;ptrsize:4;endian:little;", hex));
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- ends of sessions, extended mode ---- */

static void test_session_ends(void)
{
	struct client c;
	unsigned long kills = F.kills, detaches = F.detaches, restarts = F.restarts;

	/* k: X09 (what LLDB waits for; GDB reads nothing), the session ends
	 * as killed. */
	open_session(&c, false);
	CHECK_REPLY(&c, "k", "X09");
	CHECK(close_session(&c, false) == GDBSTUB_END_KILL);
	CHECK(F.kills == kills + 1);

	open_session(&c, true);
	send_raw(&c, "+", 1);
	CHECK_REPLY(&c, "k", "X09"); /* after the ack */
	CHECK(close_session(&c, false) == GDBSTUB_END_KILL);

	open_session(&c, false);
	CHECK_REPLY(&c, "vKill;1", "OK");
	CHECK(close_session(&c, false) == GDBSTUB_END_KILL);

	open_session(&c, false);
	CHECK_REPLY(&c, "D", "OK");
	CHECK(close_session(&c, false) == GDBSTUB_END_DETACH);
	CHECK(F.detaches == detaches + 1);
	open_session(&c, false);
	CHECK_REPLY(&c, "D;1", "OK");
	CHECK(close_session(&c, false) == GDBSTUB_END_DETACH);
	open_session(&c, false);
	CHECK_REPLY(&c, "D;zz", "E01");
	CHECK_REPLY(&c, "Dx", "E01");
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);

	/* Extended mode: kill keeps the session, vRun restarts. */
	kills = F.kills;
	open_session(&c, false);
	CHECK_REPLY(&c, "!", "OK");
	F.st[0].eip = 0x55;
	const char *r = xfer(&c, "vRun;;");
	CHECK(strncmp(r, "T05", 3) == 0 && strstr(r, "thread:1;"));
	CHECK(F.restarts == restarts + 1 && F.st[0].eip == 0);
	send_pkt(&c, "k");
	CHECK(quiet(&c, 50));
	CHECK_REPLY(&c, "?", "W00"); /* its reply also orders the k before it */
	CHECK(F.kills == kills + 1);
	CHECK_REPLY(&c, "c", "E03");
	CHECK_REPLY(&c, "vRun;676f",
	            "T05"
	            "08:00000000;04:00000000;05:00000000;thread:1;");
	CHECK_REPLY(&c, "vKill;1", "OK");
	CHECK_REPLY(&c, "qC", "QC1"); /* still serving */
	send_pkt(&c, "R00");
	CHECK(quiet(&c, 50));
	check_stop(xfer(&c, "?"), "T05", 0);
	CHECK(F.restarts == restarts + 3);
	CHECK_REPLY(&c, "D", "OK");
	CHECK(close_session(&c, false) == GDBSTUB_END_DETACH);

	/* A new session starts in ack mode, not extended. */
	open_session(&c, true);
	send_raw(&c, "+", 1);
	CHECK_REPLY(&c, "R00", "");
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- the multiprocess extensions ---- */

static bool ends_with(const char *str, const char *suffix)
{
	size_t n = strlen(str), m = strlen(suffix);

	return n >= m && strcmp(str + n - m, suffix) == 0;
}

static void test_multiprocess(void)
{
	struct client c;
	const char *r;

	reset_fake();
	open_session(&c, false);
	/* Only the exact feature counts. */
	r = xfer(&c, "qSupported:xmultiprocess+;multiprocess-");
	CHECK(strstr(r, "multiprocess") == NULL);
	CHECK_REPLY(&c, "qC", "QC1");
	r = xfer(&c, "qSupported:swbreak+;multiprocess+;hwbreak+");
	CHECK(ends_with(r, ";multiprocess+"));
	CHECK_REPLY(&c, "qC", "QCp1.1");
	CHECK_REPLY(&c, "qfThreadInfo", "mp1.1");
	CHECK_REPLY(&c, "qsThreadInfo", "l");
	CHECK_REPLY(&c, "qAttached:1", "1");
	/* Ids in every form GDB writes them. */
	CHECK_REPLY(&c, "Hgp1.1", "OK");
	CHECK_REPLY(&c, "Hgp0.0", "OK");
	CHECK_REPLY(&c, "Hcp1.-1", "OK");
	CHECK_REPLY(&c, "Hcp-1.-1", "OK");
	CHECK_REPLY(&c, "Hcp1", "OK");
	CHECK_REPLY(&c, "Hc-1", "OK");
	CHECK_REPLY(&c, "Hg0", "OK");
	CHECK_REPLY(&c, "Hg1", "OK");
	CHECK_REPLY(&c, "Hgp2.1", "E01");
	CHECK_REPLY(&c, "Hgp1.2", "E01");
	CHECK_REPLY(&c, "Hg2", "E01");
	CHECK_REPLY(&c, "Hgp1.", "E01");
	CHECK_REPLY(&c, "Hgp", "E01");
	CHECK_REPLY(&c, "Tp1.1", "OK");
	CHECK_REPLY(&c, "T1", "OK");
	CHECK_REPLY(&c, "Tp1.2", "E01");
	CHECK_REPLY(&c, "Tp2.1", "E01");
	CHECK_REPLY(&c, "T0", "E01");
	/* Stop replies name the thread p1.1. */
	r = xfer(&c, "s");
	CHECK(strncmp(r, "T05", 3) == 0 && ends_with(r, ";thread:p1.1;"));
	r = xfer(&c, "?");
	CHECK(strncmp(r, "T05", 3) == 0 && ends_with(r, ";thread:p1.1;"));
	CHECK_REPLY(&c, "vCont;t:p1.1", "T00thread:p1.1;");
	/* vCont: the leftmost action that applies to p1.1 is its. */
	unsigned long steps = F.steps;
	r = xfer(&c, "vCont;s:p1.1;c:p1.-1");
	CHECK(F.steps == steps + 1 && ends_with(r, ";thread:p1.1;"));
	r = xfer(&c, "vCont;s:p-1.-1");
	CHECK(F.steps == steps + 2 && strncmp(r, "T05", 3) == 0);
	r = xfer(&c, "vCont;s:p0.0");
	CHECK(F.steps == steps + 3 && strncmp(r, "T05", 3) == 0);
	/* Another process, or a thread that does not exist: nothing runs. */
	CHECK_REPLY(&c, "vCont;c:p2.-1;s:p1.1;c", "E03");
	CHECK_REPLY(&c, "vCont;c:p2.1;s:0", "E03");
	CHECK_REPLY(&c, "vCont;c:p2.-1", "E03");
	CHECK_REPLY(&c, "vCont;s:p1.2", "E03");
	CHECK_REPLY(&c, "vCont;c:p1.", "E01");
	CHECK(F.steps == steps + 3);
	/* The exit names the process: GDB prints "process 1". */
	F.have_next_stop = true;
	F.next_stop = (struct target_stop){.kind = TARGET_STOP_EXITED, .code = 0};
	CHECK_REPLY(&c, "vCont;c:p1.-1", "W00;process:1");
	CHECK_REPLY(&c, "?", "W00;process:1");
	CHECK_REPLY(&c, "qfThreadInfo", "l");
	CHECK_REPLY(&c, "Tp1.1", "E01");
	/* Detach names the process. */
	CHECK_REPLY(&c, "D;2", "E03");
	CHECK_REPLY(&c, "D;zz", "E01");
	CHECK_REPLY(&c, "D;1", "OK");
	CHECK(close_session(&c, false) == GDBSTUB_END_DETACH);

	/* So does kill. */
	open_session(&c, false);
	CHECK(ends_with(xfer(&c, "qSupported:multiprocess+"), ";multiprocess+"));
	CHECK_REPLY(&c, "vKill;2", "E03");
	CHECK_REPLY(&c, "vKill", "E01");
	CHECK_REPLY(&c, "vKill;1", "OK");
	CHECK(close_session(&c, false) == GDBSTUB_END_KILL);

	/* Extended mode: target extended-remote, run, kill. */
	unsigned long kills = F.kills, restarts = F.restarts;
	open_session(&c, false);
	CHECK(ends_with(xfer(&c, "qSupported:multiprocess+"), ";multiprocess+"));
	CHECK_REPLY(&c, "!", "OK");
	CHECK_REPLY(&c, "qAttached:1", "1"); /* the guest was there before */
	CHECK_REPLY(&c, "vKill;1", "OK");
	CHECK(F.kills == kills + 1);
	CHECK_REPLY(&c, "qfThreadInfo", "l");
	CHECK_REPLY(&c, "vKill;1", "E03"); /* nothing left to kill */
	CHECK_REPLY(&c, "vCont;c", "E03");
	r = xfer(&c, "vRun;");
	CHECK(strncmp(r, "T05", 3) == 0 && ends_with(r, ";thread:p1.1;"));
	CHECK(F.restarts == restarts + 1);
	CHECK_REPLY(&c, "qAttached:1", "0"); /* the debugger started it: quit kills */
	CHECK_REPLY(&c, "qfThreadInfo", "mp1.1");
	CHECK_REPLY(&c, "qC", "QCp1.1");
	send_pkt(&c, "k");
	CHECK(quiet(&c, 50));
	CHECK_REPLY(&c, "qfThreadInfo", "l");
	CHECK(F.kills == kills + 2);
	r = xfer(&c, "vRun;");
	CHECK(ends_with(r, ";thread:p1.1;"));
	CHECK_REPLY(&c, "vKill;1", "OK");
	CHECK_REPLY(&c, "D;1", "OK");
	CHECK(close_session(&c, false) == GDBSTUB_END_DETACH);

	/* Every session starts without the extensions. */
	open_session(&c, false);
	CHECK_REPLY(&c, "qC", "QC1");
	CHECK_REPLY(&c, "qAttached", "1");
	CHECK_REPLY(&c, "vKill;a410", "OK"); /* GDB's made-up pid */
	CHECK(close_session(&c, false) == GDBSTUB_END_KILL);
}

/* ---- threads: one per vCPU ---- */

static const char *hexstr(const char *text)
{
	static char buf[2][256];
	static int i;

	i = (i + 1) % 2;
	for (size_t k = 0; text[k] && 2 * k + 2 < sizeof(buf[i]); k++)
		snprintf(buf[i] + 2 * k, 3, "%02x", (unsigned char)text[k]);
	return buf[i];
}

/* Three CPUs: 1 at 0x1000, 2 at 0x2000 (eax 0x22), 3 waiting for its SIPI
 * in protected mode.  Real mode, CS = 0, so the pc is EIP. */
static void three_cpus(void)
{
	reset_fake();
	fake_target_set_cpus(&F, 3);
	for (unsigned i = 0; i < 3; i++) {
		vcpu_segment_set_real(&F.st[i].seg[SREG_CS], 0);
		F.st[i].eip = 0x1000 * (i + 1);
	}
	F.st[1].gpr[GPR_EAX] = 0x22;
	F.st[2].cr0 = 1;
	F.waiting[2] = true;
}

static bool how_is(enum target_resume a, enum target_resume b, enum target_resume c)
{
	return F.last_req.nthreads == 3 && F.last_req.how[0] == a && F.last_req.how[1] == b &&
	       F.last_req.how[2] == c;
}

static void test_thread_queries(void)
{
	struct client c;
	char g[2 * GDB_REGS_BYTES + 1];

	three_cpus();
	open_session(&c, false);
	CHECK_REPLY(&c, "qfThreadInfo", "m1,2,3");
	CHECK_REPLY(&c, "qsThreadInfo", "l");
	CHECK_REPLY(&c, "qC", "QC1");
	CHECK_REPLY(&c, "qThreadExtraInfo,1", hexstr("CPU 0, real mode, running"));
	CHECK_REPLY(&c, "qThreadExtraInfo,3", hexstr("CPU 2, protected mode, waiting for SIPI"));
	CHECK_REPLY(&c, "qThreadExtraInfo,p1.2", hexstr("CPU 1, real mode, running"));
	CHECK_REPLY(&c, "qThreadExtraInfo,4", "E01");
	CHECK_REPLY(&c, "qThreadExtraInfo,0", "E01");
	CHECK_REPLY(&c, "qThreadExtraInfo,-1", "E01");
	CHECK_REPLY(&c, "qThreadExtraInfo,zz", "E01");
	CHECK_REPLY(&c, "qThreadExtraInfo,1x", "E01");
	CHECK_REPLY(&c, "qThreadExtraInfo", "E01");
	/* Alive: the listed ones, also the one waiting for its SIPI. */
	CHECK_REPLY(&c, "T1", "OK");
	CHECK_REPLY(&c, "T3", "OK");
	CHECK_REPLY(&c, "Tp1.2", "OK");
	CHECK_REPLY(&c, "T4", "E01");
	CHECK_REPLY(&c, "T0", "E01");
	CHECK_REPLY(&c, "T-1", "E01");
	CHECK_REPLY(&c, "T40", "E01");
	CHECK_REPLY(&c, "Tffffffffffffffffff", "E01");

	/* Hg2: registers and memory are thread 2's. */
	CHECK_REPLY(&c, "Hg2", "OK");
	CHECK_REPLY(&c, "qC", "QC2");
	const char *r = xfer(&c, "g");
	snprintf(g, sizeof(g), "%s", r);
	CHECK(le32(g) == 0x22 && le32(g + 2 * gdb_reg_offset(GDB_REG_EIP)) == 0x2000);
	CHECK_REPLY(&c, "p8", hex32(0x2000));
	CHECK_REPLY(&c, "p0", hex32(0x22));
	CHECK_REPLY(&c, fmt("P0=%s", hex32(0x2222)), "OK");
	CHECK(F.st[1].gpr[GPR_EAX] == 0x2222 && F.st[0].gpr[GPR_EAX] == 0);
	memcpy(g, "33330000", 8);
	CHECK_REPLY(&c, fmt("G%s", g), "OK");
	CHECK(F.st[1].gpr[GPR_EAX] == 0x3333 && F.st[0].gpr[GPR_EAX] == 0);
	F.mem_tid = 0;
	CHECK_REPLY(&c, "m0,1", "00");
	CHECK(F.mem_tid == 2);
	F.mem_tid = 0;
	CHECK_REPLY(&c, "M0,1:00", "OK");
	CHECK(F.mem_tid == 2);
	/* Unknown ids: an error, and the selection stays. */
	CHECK_REPLY(&c, "Hg4", "E01");
	CHECK_REPLY(&c, "Hgp2.1", "E01");
	CHECK_REPLY(&c, "Hgp1.9", "E01");
	CHECK_REPLY(&c, "Hc4", "E01");
	CHECK_REPLY(&c, "Hg-2", "E01");
	CHECK_REPLY(&c, "p8", hex32(0x2000));
	CHECK_REPLY(&c, "Hg0", "OK"); /* any thread: the selected one will do */
	CHECK_REPLY(&c, "Hg-1", "OK");
	CHECK_REPLY(&c, "p8", hex32(0x2000));
	CHECK_REPLY(&c, "Hgp1.3", "OK");
	CHECK_REPLY(&c, "p8", hex32(0x3000));
	CHECK_REPLY(&c, "Hg1", "OK");
	CHECK_REPLY(&c, "p0", hex32(0));
	/* '?' names the thread that stopped last and selects it. */
	F.last.tid = 3;
	check_stop_t(xfer(&c, "?"), "T05", 0x3000, "3");
	CHECK_REPLY(&c, "qC", "QC3");

	/* Multiprocess ids. */
	CHECK(strstr(xfer(&c, "qSupported:multiprocess+"), "multiprocess+") != NULL);
	CHECK_REPLY(&c, "qfThreadInfo", "mp1.1,p1.2,p1.3");
	CHECK_REPLY(&c, "qC", "QCp1.3");
	CHECK_REPLY(&c, "Hgp1.2", "OK");
	CHECK_REPLY(&c, "qC", "QCp1.2");
	unsigned long steps = F.steps;
	check_stop_t(xfer(&c, "vCont;s:p1.2"), "T05", 0x2001, "p1.2");
	CHECK(F.steps == steps + 1 && how_is(TARGET_HOLD, TARGET_STEP, TARGET_HOLD));
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

static void test_thread_resume(void)
{
	struct client c;
	unsigned long steps;

	three_cpus();
	open_session(&c, false);
	/* Step thread 2, the others continue (3 waits for its SIPI). */
	steps = F.steps;
	check_stop_t(xfer(&c, "vCont;s:2;c"), "T05", 0x2001, "2");
	CHECK(how_is(TARGET_CONTINUE, TARGET_STEP, TARGET_CONTINUE) && F.steps == steps + 1);
	CHECK(F.st[0].eip == 0x1001 && F.st[2].eip == 0x3000);
	CHECK_REPLY(&c, "qC", "QC2"); /* the stop selected its thread */
	/* Scheduler-locking: only thread 1 steps. */
	check_stop(xfer(&c, "vCont;s:1"), "T05", 0x1002);
	CHECK(how_is(TARGET_STEP, TARGET_HOLD, TARGET_HOLD) && F.st[1].eip == 0x2001);
	/* Continue one thread only, to its breakpoint. */
	CHECK_REPLY(&c, "Z0,1010,1", "OK");
	check_stop(xfer(&c, "vCont;c:1"), "T05swbreak:;", 0x1010);
	CHECK(how_is(TARGET_CONTINUE, TARGET_HOLD, TARGET_HOLD) && F.st[1].eip == 0x2001);
	/* The leftmost action wins; 't' holds its thread.  Two steps end
	 * together: thread 1's is told, thread 2's kept for later. */
	check_stop(xfer(&c, "vCont;s:2;s:1;t:1;c"), "T05", 0x1011);
	CHECK(how_is(TARGET_STEP, TARGET_STEP, TARGET_CONTINUE));
	unsigned long resumes = F.resumes;
	check_stop_t(xfer(&c, "vCont;t:1;s"), "T05", 0x2002, "2");
	CHECK(F.resumes == resumes);
	check_stop_t(xfer(&c, "vCont;t:1;s"), "T05", 0x2003, "2");
	CHECK(how_is(TARGET_HOLD, TARGET_STEP, TARGET_STEP) && F.resumes == resumes + 1);
	CHECK_REPLY(&c, "vCont;t:2", "T00thread:2;");
	CHECK_REPLY(&c, "vCont;t", "T00thread:1;");
	/* Range stepping thread 2 while thread 1 runs. */
	F.st[0].eip = 0x1100;
	F.st[1].eip = 0x2003;
	check_stop_t(xfer(&c, "vCont;r2003,2006:2;c"), "T05", 0x2006, "2");
	CHECK(F.st[0].eip == 0x1103);
	/* Old-style c and s follow Hc: one thread, or the Hg one and all others. */
	CHECK_REPLY(&c, "Hc1", "OK");
	check_stop(xfer(&c, "s"), "T05", 0x1104);
	CHECK(how_is(TARGET_STEP, TARGET_HOLD, TARGET_HOLD));
	CHECK_REPLY(&c, "Hc-1", "OK");
	CHECK_REPLY(&c, "Hg2", "OK");
	check_stop_t(xfer(&c, "s"), "T05", 0x2007, "2");
	CHECK(how_is(TARGET_CONTINUE, TARGET_STEP, TARGET_CONTINUE) && F.st[0].eip == 0x1105);
	check_stop_t(xfer(&c, "s2100"), "T05", 0x2101, "2");
	CHECK(F.st[0].eip == 0x1106);

	/* Actions for threads that do not exist: an error, nothing runs. */
	steps = F.steps;
	resumes = F.resumes;
	CHECK_REPLY(&c, "vCont;c:4", "E03");
	CHECK_REPLY(&c, "vCont;s:2;c:9", "E03");
	CHECK_REPLY(&c, "vCont;c:p1.5", "E03");
	CHECK_REPLY(&c, "vCont;c:p3.-1", "E03");
	CHECK_REPLY(&c, "vCont;s:ffffffffff", "E01");
	CHECK_REPLY(&c, "vCont;s:2;", "E01");
	CHECK_REPLY(&c, "vCont;s:2:1", "E01");
	CHECK_REPLY(&c, "vCont;s:-2", "E01");
	CHECK(F.steps == steps && F.resumes == resumes);

	/* Ctrl-C: the stop names the thread last reported. */
	F.st[0].eip = F.st[1].eip = 0xf0000; /* nothing to hit: they run off RAM */
	send_pkt(&c, "vCont;c");
	CHECK(quiet(&c, 50));
	send_raw(&c, "\x03", 1);
	const char *r = recv_reply(&c, 2000);
	CHECK(strncmp(r, "T02", 3) == 0 && ends_with(r, ";thread:2;"));

	/* Threads started while the guest ran appear in the list. */
	F.start_cpus = 5;
	F.st[0].eip = 0x1000;
	CHECK_REPLY(&c, "Z0,1001,1", "OK");
	check_stop(xfer(&c, "vCont;c:1"), "T05swbreak:;", 0x1001);
	CHECK_REPLY(&c, "qfThreadInfo", "m1,2,3,4,5");
	CHECK_REPLY(&c, "T5", "OK");
	CHECK_REPLY(&c, "qThreadExtraInfo,5", hexstr("CPU 4, real mode, running"));
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* Two CPUs hit breakpoints in the same round: one is reported, the other
 * kept and reported at the next resume that runs its thread. */
static void both_at_breakpoints(struct client *c)
{
	F.st[0].eip = 0x1000;
	F.st[1].eip = 0x2000;
	CHECK_REPLY(c, "Z0,1005,1", "OK");
	CHECK_REPLY(c, "Z0,2005,1", "OK");
	check_stop(xfer(c, "vCont;c"), "T05swbreak:;", 0x1005);
}

static void test_pending_stops(void)
{
	struct client c;
	unsigned long resumes;

	three_cpus();
	open_session(&c, false);
	both_at_breakpoints(&c);
	check_stop(xfer(&c, "?"), "T05swbreak:;", 0x1005);
	/* GDB takes its breakpoints out while stopped and back before going on. */
	CHECK_REPLY(&c, "z0,1005,1", "OK");
	CHECK_REPLY(&c, "z0,2005,1", "OK");
	CHECK_REPLY(&c, "Z0,1005,1", "OK");
	CHECK_REPLY(&c, "Z0,2005,1", "OK");
	resumes = F.resumes;
	check_stop_t(xfer(&c, "vCont;c"), "T05swbreak:;", 0x2005, "2");
	CHECK(F.resumes == resumes); /* reported without running */
	CHECK(F.st[0].eip == 0x1005 && F.st[1].eip == 0x2005);
	check_stop_t(xfer(&c, "?"), "T05swbreak:;", 0x2005, "2");
	CHECK_REPLY(&c, "qC", "QC2");
	/* Nothing left pending: the next continue runs. */
	CHECK_REPLY(&c, "Z0,1007,1", "OK");
	check_stop(xfer(&c, "vCont;c"), "T05swbreak:;", 0x1007);
	CHECK(F.resumes == resumes + 1);
	CHECK_REPLY(&c, "z0,1007,1", "OK");

	/* Scheduler-locking keeps it for later: thread 1 steps alone. */
	both_at_breakpoints(&c);
	check_stop(xfer(&c, "vCont;s:1"), "T05", 0x1006);
	check_stop(xfer(&c, "vCont;s:1"), "T05", 0x1007);
	resumes = F.resumes;
	check_stop_t(xfer(&c, "vCont;c:2"), "T05swbreak:;", 0x2005, "2");
	CHECK(F.resumes == resumes);

	/* Dropped if the breakpoint is gone ... */
	both_at_breakpoints(&c);
	CHECK_REPLY(&c, "z0,2005,1", "OK");
	CHECK_REPLY(&c, "Z0,1009,1", "OK");
	resumes = F.resumes;
	check_stop(xfer(&c, "vCont;c"), "T05swbreak:;", 0x1009);
	CHECK(F.resumes == resumes + 1);
	CHECK_REPLY(&c, "z0,1009,1", "OK");
	/* ... or if GDB moved the thread. */
	both_at_breakpoints(&c);
	CHECK_REPLY(&c, "Hg2", "OK");
	CHECK_REPLY(&c, fmt("P8=%s", hex32(0x2100)), "OK");
	CHECK_REPLY(&c, "Z0,100a,1", "OK");
	check_stop(xfer(&c, "vCont;c"), "T05swbreak:;", 0x100a);
	CHECK(F.st[1].eip == 0x2100 + 5);
	CHECK_REPLY(&c, "z0,100a,1", "OK");

	/* A step ends as another thread hits a breakpoint: the step is told
	 * first (GDB is stepping that thread), the breakpoint next. */
	F.st[0].eip = 0x1200;
	F.st[1].eip = 0x2200;
	CHECK_REPLY(&c, "Z0,1201,1", "OK");
	check_stop_t(xfer(&c, "vCont;s:2;c"), "T05", 0x2201, "2");
	resumes = F.resumes;
	check_stop(xfer(&c, "vCont;s:2;c"), "T05swbreak:;", 0x1201);
	CHECK(F.resumes == resumes && F.st[1].eip == 0x2201);

	/* A kill forgets what was pending. */
	both_at_breakpoints(&c);
	CHECK_REPLY(&c, "!", "OK");
	CHECK_REPLY(&c, "vKill;1", "OK");
	CHECK(strncmp(xfer(&c, "vRun;"), "T05", 3) == 0);
	three_cpus();
	CHECK_REPLY(&c, "Z0,1001,1", "OK");
	CHECK_REPLY(&c, "Z0,2005,1", "OK");
	resumes = F.resumes;
	check_stop(xfer(&c, "vCont;c"), "T05swbreak:;", 0x1001);
	CHECK(F.resumes == resumes + 1);
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- reverse execution: bs, bc, replaylog ---- */

static bool fake_pending(void);

static void test_reverse(void)
{
	struct client c;
	struct gdbstub_stats st0, st1;
	const char *r;

	three_cpus();
	open_session(&c, false);
	gdbstub_get_stats(S, &st0);
	unsigned long resumes = F.resumes, rev0 = F.reverses;
	r = xfer(&c, "qSupported:swbreak+");
	CHECK(strstr(r, ";ReverseStep+;ReverseContinue+") != NULL);

	/* bs without Hc: the current thread goes back one; nothing else moves. */
	check_stop(xfer(&c, "bs"), "T05", 0xfff);
	CHECK(F.reverses == rev0 + 1 && F.rev_tid == 1 && F.rev_how == TARGET_STEP);
	CHECK(F.resumes == resumes && F.st[1].eip == 0x2000);
	/* Hc picks the thread, and the stop selects it. */
	CHECK_REPLY(&c, "Hc2", "OK");
	check_stop_t(xfer(&c, "bs"), "T05", 0x1fff, "2");
	CHECK(F.rev_tid == 2 && F.st[0].eip == 0xfff);
	CHECK_REPLY(&c, "qC", "QC2");
	/* Hc0 and Hc-1 (GDB's "any"): the current thread, the Hg one. */
	CHECK_REPLY(&c, "Hc0", "OK");
	CHECK_REPLY(&c, "Hg1", "OK");
	check_stop(xfer(&c, "bs"), "T05", 0xffe);
	CHECK(F.rev_tid == 1 && F.st[1].eip == 0x1fff);
	CHECK_REPLY(&c, "Hc-1", "OK");
	check_stop(xfer(&c, "bs"), "T05", 0xffd);
	CHECK(F.rev_tid == 1);

	/* bc: back to a breakpoint, console output on the way. */
	F.stub = S;
	F.console = "going back\n";
	c.con_len = 0;
	CHECK_REPLY(&c, "Z0,f00,1", "OK");
	check_stop(xfer(&c, "bc"), "T05swbreak:;", 0xf00);
	CHECK(F.rev_tid == 1 && F.rev_how == TARGET_CONTINUE);
	CHECK(strcmp(c.console, "going back\n") == 0);
	F.console = NULL;
	CHECK_REPLY(&c, "z0,f00,1", "OK");
	/* ... or to the start of history, and no step further. */
	check_stop(xfer(&c, "bc"), "T05replaylog:begin;", 0);
	check_stop(xfer(&c, "bs"), "T05replaylog:begin;", 0);
	CHECK(F.rev_how == TARGET_STEP);
	/* '?' repeats the stop, not the news of history's end. */
	check_stop(xfer(&c, "?"), "T05", 0);
	/* The target's stop kinds as for forward stops; tid 0: the moved thread. */
	F.have_rev_stop = true;
	F.rev_stop = (struct target_stop){.kind = TARGET_STOP_WATCH,
	                                  .point = TARGET_WP_READ,
	                                  .addr = 0x500,
	                                  .signal = 5,
	                                  .tid = 2};
	check_stop_t(xfer(&c, "bc"), "T05rwatch:500;", 0x1fff, "2");
	F.have_rev_stop = true;
	F.rev_stop = (struct target_stop){
	    .kind = TARGET_STOP_HWBREAK, .signal = 5, .history = TARGET_HISTORY_END};
	check_stop_t(xfer(&c, "bs"), "T05hwbreak:;replaylog:end;", 0x1fff, "2");
	CHECK(F.rev_tid == 2);

	/* A forward move inside history that reaches the present: end. */
	F.have_next_stop = true;
	F.next_stop = (struct target_stop){
	    .kind = TARGET_STOP_STEP, .signal = 5, .history = TARGET_HISTORY_END, .tid = 2};
	check_stop_t(xfer(&c, "c"), "T05replaylog:end;", 0x1fff, "2");
	F.have_next_stop = true;
	F.next_stop = (struct target_stop){
	    .kind = TARGET_STOP_SWBREAK, .signal = 5, .history = TARGET_HISTORY_END, .tid = 1};
	check_stop(xfer(&c, "vCont;c"), "T05swbreak:;replaylog:end;", 0);

	/* Ctrl-C stops a bc as it stops a c. */
	unsigned long intr = fake_interrupts();
	CHECK_REPLY(&c, "Hg2", "OK");
	F.rev_block = true;
	send_pkt(&c, "bc");
	CHECK(quiet(&c, 50));
	send_raw(&c, "\x03", 1);
	r = recv_reply(&c, 2000);
	CHECK(strncmp(r, "T02", 3) == 0 && ends_with(r, ";thread:2;"));
	CHECK(fake_interrupts() == intr + 1 && !fake_pending());
	/* It stops for another reason as the request comes: that stop is
	 * told, and the request consumed by a resume that runs nothing. */
	unsigned long steps = F.steps;
	resumes = F.resumes;
	F.rev_race = true;
	F.rev_stop = (struct target_stop){.kind = TARGET_STOP_SWBREAK, .signal = 5, .tid = 2};
	send_pkt(&c, "bc");
	CHECK(quiet(&c, 50));
	send_raw(&c, "\x03", 1);
	check_stop_t(recv_reply(&c, 2000), "T05swbreak:;", 0x1fff, "2");
	CHECK(!fake_pending() && F.resumes == resumes + 1 && F.steps == steps);
	CHECK(F.st[1].eip == 0x1fff);

	/* Failures: the target's reason as console text, then an error GDB
	 * prints; the session goes on. */
	F.rev_rc = -ENOTSUP;
	F.rev_why = "nothing recorded: try monitor record\n";
	c.con_len = 0;
	CHECK_REPLY(&c, "bs", "E.reverse execution: nothing recorded here");
	CHECK(strcmp(c.console, "nothing recorded: try monitor record\n") == 0);
	F.rev_rc = -EIO;
	F.rev_why = NULL;
	c.con_len = 0;
	CHECK_REPLY(&c, "bc", fmt("E.reverse execution: %s", strerror(EIO)));
	CHECK(c.con_len == 0);
	unsigned long rev = F.reverses;
	CHECK_REPLY(&c, "bsx", "E01");
	CHECK_REPLY(&c, "bc1000", "E01");
	CHECK_REPLY(&c, "b", "");
	CHECK_REPLY(&c, "bx", "");
	CHECK(F.reverses == rev);
	check_stop_t(xfer(&c, "bs"), "T05", 0x1ffe, "2");

	/* Counted apart from forward resumes. */
	gdbstub_get_stats(S, &st1);
	CHECK(st1.reverses - st0.reverses == F.reverses - rev0 && F.reverses - rev0 == 14);
	CHECK(st1.resumes - st0.resumes == 3);
	c.con_len = 0;
	CHECK_REPLY(&c, "qRcmd,737475622d7374617473", "OK"); /* stub-stats */
	CHECK(strstr(c.console, fmt("reverse %lu,", st1.reverses)) != NULL);
	F.stub = NULL;
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* Stops kept pending from the present are stale once a thread went back. */
static void test_reverse_pending(void)
{
	struct client c;
	unsigned long resumes;

	three_cpus();
	open_session(&c, false);
	both_at_breakpoints(&c); /* thread 2's stop at 0x2005 is pending */
	check_stop(xfer(&c, "bs"), "T05", 0x1004);
	CHECK(F.rev_tid == 1);
	/* The next continue runs, and thread 1 hits 0x1005 again. */
	resumes = F.resumes;
	check_stop(xfer(&c, "vCont;c"), "T05swbreak:;", 0x1005);
	CHECK(F.resumes == resumes + 1);
	/* bs of the thread whose stop is pending moves it, not tells it. */
	both_at_breakpoints(&c);
	CHECK_REPLY(&c, "Hc2", "OK");
	unsigned long rev = F.reverses;
	check_stop_t(xfer(&c, "bs"), "T05", 0x2004, "2");
	CHECK(F.reverses == rev + 1 && F.rev_tid == 2);
	CHECK_REPLY(&c, "Hc0", "OK");

	/* Nothing recorded: nothing moved, and the pending stop stands. */
	both_at_breakpoints(&c);
	F.rev_rc = -ENOTSUP;
	CHECK_REPLY(&c, "bs", "E.reverse execution: nothing recorded here");
	resumes = F.resumes;
	check_stop_t(xfer(&c, "vCont;c"), "T05swbreak:;", 0x2005, "2");
	CHECK(F.resumes == resumes);
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* A target without the thread ops: one thread, id 1, as before. */
static void test_single_thread_target(void)
{
	struct client c;
	struct gdbstub *keep = S;

	reset_fake();
	S = gdbstub_new(&fake_target_ops_1, &F);
	if (!S)
		fatal("gdbstub_new");
	open_session(&c, false);
	CHECK_REPLY(&c, "qfThreadInfo", "m1");
	CHECK_REPLY(&c, "qC", "QC1");
	CHECK_REPLY(&c, "qThreadExtraInfo,1", ""); /* no text: not supported */
	CHECK_REPLY(&c, "qThreadExtraInfo,2", "E01");
	CHECK_REPLY(&c, "Hg1", "OK");
	CHECK_REPLY(&c, "Hg2", "E01");
	CHECK_REPLY(&c, "T2", "E01");
	CHECK_REPLY(&c, "vCont;s:2", "E03");
	check_stop(xfer(&c, "vCont;s:1"), "T05", 1);
	check_stop(xfer(&c, "s"), "T05", 2);
	CHECK(F.last_req.nthreads == 1 && F.last_req.how[0] == TARGET_STEP);
	/* No reverse op: not offered, and bs/bc are unsupported packets. */
	unsigned long reverses = F.reverses;
	const char *r = xfer(&c, "qSupported:swbreak+");
	CHECK(strstr(r, "vContSupported+") && !strstr(r, "Reverse"));
	CHECK_REPLY(&c, "bs", "");
	CHECK_REPLY(&c, "bc", "");
	CHECK(F.reverses == reverses);
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
	gdbstub_free(S);
	S = keep;
}

/* LLDB: thread list and thread select (Hg, qThreadStopInfo). */
static void test_lldb_threads(void)
{
	struct client c;

	three_cpus();
	open_session(&c, false);
	CHECK_REPLY(&c, "Z0,2003,1", "OK");
	check_stop_t(xfer(&c, "vCont;c:2"), "T05swbreak:;", 0x2003, "2");
	check_stop_t(xfer(&c, "qThreadStopInfo2"), "T05swbreak:;", 0x2003, "2");
	const char *r = xfer(&c, "qThreadStopInfo1");
	CHECK(strncmp(r, fmt("T0008:%s;", hex32(0x1000)), 14) == 0 && ends_with(r, ";thread:1;"));
	CHECK(strncmp(xfer(&c, "qThreadStopInfo3"), "T00", 3) == 0);
	CHECK_REPLY(&c, "qThreadStopInfo4", "E01");
	CHECK_REPLY(&c, "qThreadStopInfo0", "E01");
	CHECK_REPLY(&c, "qThreadStopInfozz", "E01");
	CHECK_REPLY(&c, "qThreadStopInfo1x", "E01");
	CHECK_REPLY(&c, "qThreadStopInfoffffffffffff", "E01");
	/* thread select 3; thread step-inst: LLDB 14's ids have leading zeros. */
	CHECK_REPLY(&c, "Hg0003", "OK");
	check_stop_t(xfer(&c, "vCont;s:0002"), "T05", 0x2004, "2");
	CHECK(how_is(TARGET_HOLD, TARGET_STEP, TARGET_HOLD));
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- the interrupt contract ---- */

/* The stub relies on no more than this (target.h): interrupt() leaves a
 * request pending; a resume() that starts with one pending returns an
 * INTERRUPT stop at once; only that stop clears it.  The fake's restart and
 * kill leave a request alone, so nothing else may be assumed to clear it. */
static bool fake_pending(void)
{
	return __atomic_load_n(&F.interrupted, __ATOMIC_SEQ_CST) != 0;
}

static void test_interrupt_race(void)
{
	struct client c;

	reset_fake();
	vcpu_segment_set_real(&F.st[0].seg[SREG_CS], 0);
	F.st[0].eip = 0x500;
	open_session(&c, false);
	unsigned long intr = fake_interrupts(), resumes = F.resumes;

	/* The guest stops at a breakpoint just as the Ctrl-C comes: the stop
	 * is reported, and the request is consumed, not left to stop the next
	 * resume at once. */
	F.race = true;
	F.next_stop = (struct target_stop){
	    .kind = TARGET_STOP_SWBREAK, .signal = 5, .why = "stopped at a breakpoint\n"};
	c.con_len = 0;
	send_pkt(&c, "c");
	CHECK(quiet(&c, 50));
	send_raw(&c, "\x03", 1);
	check_stop(recv_reply(&c, 2000), "T05swbreak:;", 0x500);
	CHECK(strcmp(c.console, "stopped at a breakpoint\n") == 0);
	CHECK(fake_interrupts() == intr + 1);
	CHECK(!fake_pending());
	CHECK(F.resumes == resumes + 2);
	/* '?' tells that stop, not the consuming one. */
	check_stop(xfer(&c, "?"), "T05swbreak:;", 0x500);
	unsigned long steps = F.steps;
	check_stop(xfer(&c, "s"), "T05", 0x501);
	CHECK(F.steps == steps + 1);

	/* A range step cut short by the request reports the interrupt. */
	F.race = true;
	F.next_stop = (struct target_stop){.kind = TARGET_STOP_STEP, .signal = 5};
	send_pkt(&c, "vCont;r0,ffffffff");
	CHECK(quiet(&c, 50));
	send_raw(&c, "\x03", 1);
	check_stop(recv_reply(&c, 2000), "T02", 0x501);
	CHECK(!fake_pending());
	check_stop(xfer(&c, "s"), "T05", 0x502);

	/* resume() fails as the request comes: the error, request consumed. */
	F.race = true;
	F.race_rc = -EIO;
	send_pkt(&c, "c");
	CHECK(quiet(&c, 50));
	send_raw(&c, "\x03", 1);
	CHECK(strcmp(recv_reply(&c, 2000), "E05") == 0);
	CHECK(!fake_pending());
	F.race_rc = 0;
	steps = F.steps;
	check_stop(xfer(&c, "s"), "T05", 0x503);
	CHECK(F.steps == steps + 1);

	/* A Ctrl-C in the same write as the step: the request goes in before
	 * the resume, which stops at once without stepping. */
	steps = F.steps;
	send_raw(&c, "$s#73\x03", 6);
	check_stop(recv_reply(&c, 2000), "T02", 0x503);
	CHECK(F.steps == steps);
	CHECK(!fake_pending());
	check_stop(xfer(&c, "s"), "T05", 0x504);
	/* No interrupt() outside a resume: requests while stopped are ignored. */
	send_raw(&c, "\x03", 1);
	CHECK_REPLY(&c, "qC", "QC1");
	CHECK(fake_interrupts() == intr + 4);
	CHECK(!fake_pending());
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- many packets ---- */

static void test_many(void)
{
	struct client c;
	const int N = 5000;

	reset_fake();
	F.ram[0x1000] = 0x5a;
	open_session(&c, false);
	double t0 = now();
	int bad = 0;
	for (int i = 0; i < N; i++) {
		bad += strcmp(xfer(&c, "m1000,1"), "5a") != 0;
		bad += strcmp(xfer(&c, "p8"), "00000000") != 0;
		bad += strncmp(xfer(&c, "vCont;s:1"), "T05", 3) != 0;
		bad += strcmp(xfer(&c, fmt("P8=%s", hex32(0))), "OK") != 0;
	}
	double dt = now() - t0;
	CHECK(bad == 0);
	printf("test_gdbstub: %d packets in %.3f s (%.1f us round trip)\n", 4 * N, dt,
	       dt / (4 * N) * 1e6);
	/* Pipelined: many requests in one write, the replies in order. */
	static char burst[100 * 16];
	size_t n = 0;
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(burst + n, sizeof(burst) - n, "$qC#b4");
	send_raw(&c, burst, n);
	for (int i = 0; i < 100; i++) {
		recv_frame(&c, TIMEOUT_MS);
		bad += strcmp(reply, "QC1") != 0;
	}
	CHECK(bad == 0);
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
}

/* ---- pipes (the stdio transport) ---- */

static void test_pipes(void)
{
	struct client c;
	int to_stub[2], from_stub[2];

	if (pipe(to_stub) < 0 || pipe(from_stub) < 0)
		fatal("pipe");
	open_session_fds(&c, to_stub[1], from_stub[0], to_stub[0], from_stub[1]);
	send_raw(&c, "+", 1);
	CHECK_REPLY(&c, "qC", "QC1");
	CHECK_REPLY(&c, "QStartNoAckMode", "OK");
	c.noack = true;
	CHECK_REPLY(&c, "m0,4", "00000000");
	/* Ctrl-C over a pipe. */
	reset_fake();
	send_pkt(&c, "c");
	CHECK(quiet(&c, 50));
	send_raw(&c, "\x03", 1);
	CHECK(strncmp(recv_reply(&c, 2000), "T02", 3) == 0);
	CHECK(fcntl(from_stub[1], F_GETFL) & O_NONBLOCK);
	close(c.fd);
	close(c.rfd);
	pthread_join(c.sv.th, NULL);
	CHECK(c.sv.result == GDBSTUB_END_DISCONNECT);
	CHECK(!(fcntl(from_stub[1], F_GETFL) & O_NONBLOCK)); /* restored */
	close(to_stub[0]);
	close(from_stub[1]);
}

/* ---- TCP: a second debugger is turned away ---- */

static int tcp_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

	a.sin_addr.s_addr = htonl(0x7f000001);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		fatal("connect: %s", strerror(errno));
	return fd;
}

static void expect_rejected(int port)
{
	int fd = tcp_connect(port);
	char buf[256];
	size_t n = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	while (n < sizeof(buf) - 1 && poll(&p, 1, TIMEOUT_MS) > 0) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	CHECK(strncmp(buf, "+$E.", 4) == 0);
	CHECK(strstr(buf, "another debugger") != NULL);
	close(fd);
}

static void test_tcp(void)
{
	struct client c;
	char err[128], desc[64];
	char host[64];
	uint16_t port;

	CHECK(net_parse_hostport("127.0.0.1:1234", host, sizeof(host), &port, 0) == 0);
	CHECK(strcmp(host, "127.0.0.1") == 0 && port == 1234);
	CHECK(net_parse_hostport("[::1]:99", host, sizeof(host), &port, 0) == 0);
	CHECK(strcmp(host, "::1") == 0 && port == 99);
	CHECK(net_parse_hostport("localhost:1", host, sizeof(host), &port, 0) == 0);
	CHECK(strcmp(host, "localhost") == 0 && port == 1);
	CHECK(net_parse_hostport(":4321", host, sizeof(host), &port, 0) == 0);
	CHECK(strcmp(host, NET_DEFAULT_HOST) == 0 && port == 4321);
	CHECK(net_parse_hostport("4321", host, sizeof(host), &port, 0) == 0);
	CHECK(strcmp(host, NET_DEFAULT_HOST) == 0 && port == 4321);
	CHECK(net_parse_hostport("h:0", host, sizeof(host), &port, 0) == -EINVAL);
	CHECK(net_parse_hostport("h:0", host, sizeof(host), &port, 1) == 0);
	CHECK(net_parse_hostport("h:65536", host, sizeof(host), &port, 0) == -EINVAL);
	CHECK(net_parse_hostport("h:-1", host, sizeof(host), &port, 0) == -EINVAL);
	CHECK(net_parse_hostport("h:", host, sizeof(host), &port, 0) == -EINVAL);
	CHECK(net_parse_hostport("::1:5", host, sizeof(host), &port, 0) == -EINVAL);
	CHECK(net_parse_hostport("[::1:5", host, sizeof(host), &port, 0) == -EINVAL);
	CHECK(net_parse_hostport("[::1]5", host, sizeof(host), &port, 0) == -EINVAL);
	CHECK(net_parse_hostport("averyveryverylonghostname:5", host, 8, &port, 0) == -EINVAL);

	int l6 = net_listen("::1", 0, err, sizeof(err));
	if (l6 >= 0) { /* no IPv6 on some hosts */
		CHECK(strncmp(net_describe(l6, 0, desc, sizeof(desc)), "[::1]:", 6) == 0);
		close(l6);
	}
	int lh = net_listen("localhost", 0, err, sizeof(err));
	CHECK(lh >= 0);
	if (lh >= 0)
		close(lh);
	CHECK(net_listen("256.1.1.1", 1, err, sizeof(err)) < 0 && err[0]);

	int l = net_listen(NULL, 0, err, sizeof(err));
	if (l < 0)
		fatal("net_listen: %s", err);
	int p = net_local_port(l);
	CHECK(p > 0);
	CHECK(strncmp(net_describe(l, 0, desc, sizeof(desc)), "127.0.0.1:", 10) == 0);
	gdbstub_set_listen_fd(S, l);

	int cfd = tcp_connect(p);
	int sfd = net_accept(l);
	CHECK(sfd >= 0);
	open_session_fds(&c, cfd, cfd, sfd, sfd);
	send_raw(&c, "+", 1);
	CHECK_REPLY(&c, "QStartNoAckMode", "OK");
	c.noack = true;
	CHECK_REPLY(&c, "qC", "QC1");
	/* While stopped. */
	expect_rejected(p);
	CHECK_REPLY(&c, "qC", "QC1");
	/* While running: the guest is not interrupted. */
	reset_fake();
	unsigned long intr = fake_interrupts();
	send_pkt(&c, "c");
	CHECK(quiet(&c, 50));
	expect_rejected(p);
	CHECK(quiet(&c, 50));
	CHECK(fake_interrupts() == intr);
	send_raw(&c, "\x03", 1);
	CHECK(strncmp(recv_reply(&c, 2000), "T02", 3) == 0);
	struct gdbstub_stats st;
	gdbstub_get_stats(S, &st);
	CHECK(st.rejected >= 2);
	CHECK(close_session(&c, true) == GDBSTUB_END_DISCONNECT);
	gdbstub_set_listen_fd(S, -1);
	close(l);
}

/* ---- the real GDB, if there is one: the acid test of target.xml ---- */

struct gdb_server {
	int listen_fd;
	int result;
};

static void *gdb_server_main(void *arg)
{
	struct gdb_server *g = arg;
	int fd = net_accept(g->listen_fd);

	g->result = fd < 0 ? fd : gdbstub_serve(S, fd, fd);
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void load_demo_guest(void)
{
	/* At 07C0:0000: mov ax,0x1234; mov ds,ax; int 0x10; jmp $ */
	static const uint8_t code[] = {0xb8, 0x34, 0x12, 0x8e, 0xd8, 0xcd, 0x10, 0xeb, 0xfe};

	reset_fake();
	memcpy(F.ram + 0x7c00, code, sizeof(code));
	vcpu_segment_set_real(&F.st[0].seg[SREG_CS], 0x7c0);
	vcpu_segment_set_real(&F.st[0].seg[SREG_SS], 0x9000);
	F.st[0].gpr[GPR_ESP] = 0xfffe;
}

/* The GDB to run, or NULL (none, or TEST_GDB=0). */
static const char *real_gdb(void)
{
	const char *gdb = getenv("GDB");
	const char *skip = getenv("TEST_GDB");

	if (!gdb || !*gdb)
		gdb = "/usr/bin/gdb";
	if ((skip && strcmp(skip, "0") == 0) || access(gdb, X_OK) != 0)
		return NULL;
	return gdb;
}

/* Run gdb -batch on the stub with the commands cmds[] (NULL-terminated) after
 * connecting; its output in out.  The stub's session result. */
static int run_gdb(const char *gdb, const char *const *cmds, char *out, size_t cap)
{
	char err[128], target[64];
	const char *argv[64];
	size_t argc = 0;
	struct gdb_server g = {.listen_fd = net_listen(NULL, 0, err, sizeof(err))};

	if (g.listen_fd < 0)
		fatal("net_listen: %s", err);
	snprintf(target, sizeof(target), "target remote 127.0.0.1:%d", net_local_port(g.listen_fd));
	argv[argc++] = gdb;
	argv[argc++] = "-batch";
	argv[argc++] = "-nx";
	argv[argc++] = "-ex";
	argv[argc++] = target;
	for (size_t i = 0; cmds[i] && argc < 62; i++) {
		argv[argc++] = "-ex";
		argv[argc++] = cmds[i];
	}
	argv[argc] = NULL;
	pthread_t th;
	pthread_create(&th, NULL, gdb_server_main, &g);

	int pipefd[2];
	if (pipe(pipefd) < 0)
		fatal("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execv(gdb, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	size_t n = 0;
	ssize_t r;
	while (n < cap - 1 && (r = read(pipefd[0], out + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(pipefd[0]);
	int status;
	waitpid(pid, &status, 0);
	pthread_join(th, NULL);
	close(g.listen_fd);
	return g.result;
}

/* Every line of want[] in GDB's output buf. */
static bool gdb_said(const char *buf, const char *const *want, size_t n)
{
	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		if (!strstr(buf, want[i])) {
			fprintf(stderr, "real GDB: missing \"%s\"\n", want[i]);
			ok = false;
		}
	}
	if (!ok)
		fprintf(stderr, "--- GDB said:\n%s---\n", buf);
	return ok;
}

/* The demo guest on n CPUs, CPU i at 07C0:i*100 (in the same round they
 * reach breakpoints 0x100 apart). */
static void demo_cpus(unsigned n)
{
	load_demo_guest();
	fake_target_set_cpus(&F, n);
	for (unsigned i = 1; i < F.ncpus; i++) {
		F.st[i] = F.st[0];
		F.st[i].eip = 0x100 * i;
	}
}

static void test_real_gdb(void)
{
	static char buf[16384];
	const char *gdb = real_gdb();

	if (!gdb) {
		printf("test_gdbstub: real GDB check skipped\n");
		return;
	}
	load_demo_guest();
	static const char *const cmds[] = {
	    "info registers",
	    "x/4i $pc",
	    "stepi",
	    "p/x $eip_off",
	    "set $eip = 0x7c05",
	    "p/x $cs",
	    "break *0x7c20",
	    "continue",
	    "monitor echo monitor works",
	    "detach",
	    NULL,
	};
	int result = run_gdb(gdb, cmds, buf, sizeof(buf));
	static const char *const want[] = {
	    "eip            0x7c00",
	    "esp            0x9fffe",
	    "cs             0x7c0",
	    "eip_off        0x0",
	    "cs_base        0x7c00",
	    "ss_base        0x90000",
	    "idtr_limit     0x3ff",
	    "=> 0x7c00:\tmov    $0x1234,%ax",
	    "0x7c03:\tmov    %ax,%ds",
	    "0x7c05:\tint    $0x10",
	    "$1 = 0x1",
	    "$2 = 0x7c0",
	    "Breakpoint 1, 0x00007c20",
	    "monitor works",
	    "[Inferior 1 (process 1) detached]", /* GDB offers multiprocess+ */
	};
	CHECK(!strstr(buf, "warning: while parsing target description"));
	CHECK(!strstr(buf, "too long"));
	CHECK(result == GDBSTUB_END_DETACH);
	CHECK(gdb_said(buf, want, sizeof(want) / sizeof(want[0])));
	printf("test_gdbstub: real GDB check passed (%s)\n", gdb);
}

/* Threads as GDB shows them: info threads, thread N, two breakpoints hit in
 * the same round (the second reported at the next continue), and stepi
 * with scheduler-locking moving one thread only. */
static void test_real_gdb_threads(void)
{
	static char buf[16384];
	const char *gdb = real_gdb();

	if (!gdb)
		return;
	demo_cpus(3);
	F.waiting[2] = true;
	static const char *const cmds[] = {
	    "info threads",
	    "thread 2",
	    "p/x $pc",
	    "break *0x7c05",
	    "break *0x7d05",
	    "continue",
	    "continue",
	    "thread 1",
	    "set scheduler-locking on",
	    "stepi",
	    "info threads",
	    "detach",
	    NULL,
	};
	int result = run_gdb(gdb, cmds, buf, sizeof(buf));
	static const char *const want[] = {
	    "* 1    Thread 1.1 (CPU 0, real mode, running)          0x00007c00 in ?? ()",
	    "  2    Thread 1.2 (CPU 1, real mode, running)          0x00007d00 in ?? ()",
	    "  3    Thread 1.3 (CPU 2, real mode, waiting for SIPI) 0x00007e00 in ?? ()",
	    "[Switching to thread 2 (Thread 1.2)]",
	    "$1 = 0x7d00",
	    "Thread 1 hit Breakpoint 1, 0x00007c05 in ?? ()",
	    "Thread 2 hit Breakpoint 2, 0x00007d05 in ?? ()",
	    "* 1    Thread 1.1 (CPU 0, real mode, running)          0x00007c07 in ?? ()",
	    "  2    Thread 1.2 (CPU 1, real mode, running)          0x00007d05 in ?? ()",
	    "[Inferior 1 (process 1) detached]",
	};
	CHECK(result == GDBSTUB_END_DETACH);
	CHECK(gdb_said(buf, want, sizeof(want) / sizeof(want[0])));
	CHECK(F.st[2].eip == 0x200); /* waiting for its SIPI: never ran */
}

/* reverse-stepi and reverse-continue as GDB does them (bs, bc), its
 * messages for the end of history and for a target that recorded nothing. */
static void test_real_gdb_reverse(void)
{
	static char buf[16384];
	const char *gdb = real_gdb();

	if (!gdb)
		return;
	load_demo_guest();
	F.rev_rc = -ENOTSUP; /* the first move back fails */
	F.rev_why = "nothing recorded yet\n";
	unsigned long rev = F.reverses;
	static const char *const cmds[] = {
	    "reverse-stepi",
	    "stepi",
	    "stepi",
	    "stepi",
	    "reverse-stepi",
	    "p/x $pc",
	    "break *0x7c01",
	    "reverse-continue",
	    "delete",
	    "reverse-continue",
	    "p/x $pc",
	    "detach",
	    NULL,
	};
	int result = run_gdb(gdb, cmds, buf, sizeof(buf));
	static const char *const want[] = {
	    "nothing recorded yet",
	    "warning: Remote failure reply: E.reverse execution: nothing recorded here",
	    "$1 = 0x7c02",
	    "Breakpoint 1, 0x00007c01 in ?? ()",
	    "No more reverse-execution history.",
	    "$2 = 0x7c00",
	    "[Inferior 1 (process 1) detached]",
	};
	CHECK(result == GDBSTUB_END_DETACH);
	CHECK(gdb_said(buf, want, sizeof(want) / sizeof(want[0])));
	CHECK(F.reverses == rev + 4);
}

/* ---- main ---- */

/* $FAKE_CPUS CPUs for --serve. */
static void serve_cpus(void)
{
	const char *env = getenv("FAKE_CPUS");

	if (env && atoi(env) > 1)
		demo_cpus((unsigned)atoi(env));
}

static int serve_forever(const char *port)
{
	char err[128];

	if (strcmp(port, "stdio") == 0) {
		int in, out;
		if (net_stdio_open(&in, &out) < 0)
			return 1;
		load_demo_guest();
		serve_cpus();
		F.stub = S;
		printf("this goes to stderr, not to GDB\n");
		fflush(stdout);
		fprintf(stderr, "session ended: %d\n", gdbstub_serve(S, in, out));
		return 0;
	}
	int l = net_listen(NULL, (uint16_t)atoi(port), err, sizeof(err));

	if (l < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	load_demo_guest();
	serve_cpus();
	F.stub = S;
	F.console = "console output from the guest\n"; /* at every continue */
	gdbstub_set_listen_fd(S, l);
	fprintf(stderr, "serving the fake target on 127.0.0.1:%d\n", net_local_port(l));
	for (;;) {
		int fd = net_accept(l);
		if (fd < 0)
			return 1;
		fprintf(stderr, "session ended: %d\n", gdbstub_serve(S, fd, fd));
		close(fd);
	}
}

/* ---- gdbstub_terminate: the guest is gone (a time limit) ---- */

/* Terminating is for good: each case gets a stub of its own. */
static struct gdbstub *fresh_stub(void)
{
	struct gdbstub *s = gdbstub_new(&fake_target_ops, &F);

	if (!s)
		fatal("gdbstub_new");
	reset_fake();
	return s;
}

static void test_terminate(void)
{
	struct client c;
	struct gdbstub *keep = S;

	/* While the guest runs: GDB gets X and the signal. */
	S = fresh_stub();
	open_session(&c, false);
	CHECK(strstr(xfer(&c, "qSupported:multiprocess+"), "multiprocess+") != NULL);
	unsigned long intr = fake_interrupts();
	send_pkt(&c, "c"); /* the fake runs off RAM's end and blocks */
	CHECK(quiet(&c, 50));
	gdbstub_terminate(S, GDB_SIGALRM);
	CHECK(strcmp(recv_reply(&c, 2000), "X0e;process:1") == 0);
	CHECK(fake_interrupts() == intr + 1);
	CHECK(close_session(&c, false) == GDBSTUB_END_TERMINATED);
	/* A later session ends at once, before reading anything. */
	open_session(&c, true);
	CHECK(close_session(&c, false) == GDBSTUB_END_TERMINATED);
	gdbstub_free(S);

	/* While waiting for a packet: the session ends and says nothing (GDB
	 * would take an X for the reply to its next packet). */
	S = fresh_stub();
	open_session(&c, false);
	CHECK_REPLY(&c, "qC", "QC1");
	gdbstub_terminate(S, GDB_SIGALRM);
	CHECK(close_session(&c, false) == GDBSTUB_END_TERMINATED);
	gdbstub_free(S);

	S = keep;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (fake_target_init(&F) < 0 || !(S = gdbstub_new(&fake_target_ops, &F)))
		return 99;
	if (argc == 3 && strcmp(argv[1], "--serve") == 0)
		return serve_forever(argv[2]);
	alarm(120); /* a hung test fails instead of hanging the suite */

	test_regs_pure();
	test_handshake();
	test_target_xml();
	test_registers();
	test_memory();
	test_points();
	test_resume();
	test_ctrl_c();
	test_monitor();
	test_misc();
	test_lldb();
	test_session_ends();
	test_multiprocess();
	test_thread_queries();
	test_thread_resume();
	test_pending_stops();
	test_reverse();
	test_reverse_pending();
	test_single_thread_target();
	test_lldb_threads();
	test_interrupt_race();
	test_many();
	test_pipes();
	test_tcp();
	test_real_gdb();
	test_real_gdb_threads();
	test_real_gdb_reverse();
	test_terminate();

	gdbstub_free(S);
	fake_target_free(&F);
	int status = check_status("test_gdbstub");
	if (status == 0)
		printf("test_gdbstub: all checks passed\n");
	return status;
}
