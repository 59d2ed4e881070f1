/* Unit tests of the RSP framing (src/rsp.c): no I/O, bytes in, events out.
 * Exit 0 if every check passes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/rsp.h"

#include "check.h"

#define CAP 64

static struct rsp_parser p;

/* Feed a whole string; return the events seen (as letters) and the last
 * packet's payload. */
static char events[256];
static char last[CAP * 2 + 1];
static size_t last_len;

static char ev_letter(enum rsp_event ev)
{
	switch (ev) {
	case RSP_EV_PACKET:
		return 'P';
	case RSP_EV_BAD_CSUM:
		return 'B';
	case RSP_EV_MALFORMED:
		return 'M';
	case RSP_EV_OVERSIZE:
		return 'O';
	case RSP_EV_INTERRUPT:
		return 'I';
	case RSP_EV_ACK:
		return '+';
	case RSP_EV_NAK:
		return '-';
	default:
		return '?';
	}
}

static const char *feed_n(const void *data, size_t len)
{
	const uint8_t *in = data;
	size_t n = 0;

	events[0] = 0;
	while (len) {
		size_t used;
		enum rsp_event ev = rsp_parse(&p, in, len, &used);
		CHECK(used <= len);
		CHECK(used > 0);
		if (used == 0)
			break;
		in += used;
		len -= used;
		if (ev == RSP_EV_NONE) {
			CHECK(len == 0); /* NONE only when the input ran out */
			continue;
		}
		if (ev == RSP_EV_PACKET) {
			CHECK(p.pkt[p.pkt_len] == 0);
			memcpy(last, p.pkt, p.pkt_len);
			last_len = p.pkt_len;
			last[last_len] = 0;
		}
		if (n < sizeof(events) - 1)
			events[n++] = ev_letter(ev);
		events[n] = 0;
	}
	return events;
}

static const char *feed(const char *s)
{
	return feed_n(s, strlen(s));
}

/* Feed byte by byte: the result must not depend on how reads split. */
static const char *feed_bytewise(const char *s)
{
	static char all[256];
	size_t n = 0;

	for (size_t i = 0; s[i]; i++) {
		feed_n(s + i, 1);
		for (size_t j = 0; events[j] && n < sizeof(all) - 1; j++)
			all[n++] = events[j];
	}
	all[n] = 0;
	return all;
}

/* "$payload#xx" with the right checksum. */
static const char *frame(const char *payload)
{
	static char buf[512];
	unsigned sum = 0;

	for (const char *c = payload; *c; c++)
		sum += (unsigned char)*c;
	snprintf(buf, sizeof(buf), "$%s#%02x", payload, sum & 0xff);
	return buf;
}

static void test_basic(void)
{
	CHECK(strcmp(feed("$g#67"), "P") == 0);
	CHECK(strcmp(last, "g") == 0);
	CHECK(strcmp(feed(frame("qSupported:swbreak+")), "P") == 0);
	CHECK(strcmp(last, "qSupported:swbreak+") == 0);
	/* Uppercase checksum digits are fine. */
	CHECK(strcmp(feed("$m0,4#FD"), "P") == 0);
	CHECK(strcmp(last, "m0,4") == 0);
	/* Empty packet. */
	CHECK(strcmp(feed("$#00"), "P") == 0);
	CHECK(last_len == 0);
	/* Two packets in one read, and split byte by byte. */
	CHECK(strcmp(feed("$g#67$?#3f"), "PP") == 0);
	CHECK(strcmp(last, "?") == 0);
	CHECK(strcmp(feed_bytewise("$g#67+$?#3f"), "P+P") == 0);
	CHECK(strcmp(last, "?") == 0);
}

static void test_checksum(void)
{
	unsigned long bad = p.n_bad_csum;

	CHECK(strcmp(feed("$g#00"), "B") == 0);
	CHECK(p.n_bad_csum == bad + 1);
	/* The retransmission works. */
	CHECK(strcmp(feed("$g#67"), "P") == 0);
	CHECK(strcmp(last, "g") == 0);
	/* Non-hex checksum. */
	CHECK(strcmp(feed("$g#6z"), "B") == 0);
	/* A missing checksum followed by a new packet: NAK, then the packet. */
	CHECK(strcmp(feed("$g#$?#3f"), "BP") == 0);
	CHECK(strcmp(last, "?") == 0);
}

static void test_acks_and_stray(void)
{
	CHECK(strcmp(feed("+"), "+") == 0);
	CHECK(strcmp(feed("-"), "-") == 0);
	CHECK(strcmp(feed("++-"), "++-") == 0);
	unsigned long stray = p.n_stray;
	CHECK(strcmp(feed("garbage\r\n$g#67junk"), "P") == 0);
	CHECK(p.n_stray == stray + 9 + 4);
	/* 0x03 between packets is Ctrl-C; inside a packet it is data. */
	CHECK(strcmp(feed("\x03"), "I") == 0);
	CHECK(strcmp(feed("$c#63\x03"), "PI") == 0);
	char pkt[16] = "$X0,1:\x03#";
	unsigned sum = 0;
	for (int i = 1; pkt[i] != '#'; i++)
		sum += (unsigned char)pkt[i];
	snprintf(pkt + 8, 8, "%02x", sum & 0xff);
	CHECK(strcmp(feed(pkt), "P") == 0);
	CHECK(last_len == 6 && last[5] == 0x03);
}

static void test_truncated(void)
{
	unsigned long trunc = p.n_truncated;

	/* A '$' inside a packet: the sender gave up, start over. */
	CHECK(strcmp(feed("$m0,4$g#67"), "P") == 0);
	CHECK(strcmp(last, "g") == 0);
	CHECK(p.n_truncated == trunc + 1);
	/* A packet cut short then completed by the next read. */
	CHECK(strcmp(feed("$m10"), "") == 0);
	CHECK(strcmp(feed(",4#"), "") == 0);
	CHECK(strcmp(feed("2e"), "P") == 0);
	CHECK(strcmp(last, "m10,4") == 0);
}

static void test_escapes_and_rle(void)
{
	/* '}' escapes: }] is '}', }\x03 is '#', }\x04 is '$', }\x0a is '*'. */
	CHECK(strcmp(feed(frame("X0,4:}]}\x03}\x04}\x0a")), "P") == 0);
	CHECK(last_len == 9 && memcmp(last + 5, "}#$*", 4) == 0);
	/* Run-length: "0* " is 0 and 3 more copies; "a*!" is a and 4 more. */
	CHECK(strcmp(feed(frame("0* ")), "P") == 0);
	CHECK(strcmp(last, "0000") == 0);
	CHECK(strcmp(feed(frame("xa*!y")), "P") == 0);
	CHECK(strcmp(last, "xaaaaay") == 0);
	/* An escaped '*' then a run of it. */
	CHECK(strcmp(feed(frame("}\x0a*\"")), "P") == 0);
	CHECK(strcmp(last, "******") == 0);
	/* '}' or '*' as the last payload byte is malformed, not a crash. */
	CHECK(strcmp(feed(frame("m}")), "M") == 0);
	CHECK(strcmp(feed(frame("m*")), "M") == 0);
	/* '*' with nothing before it, or a count out of range. */
	CHECK(strcmp(feed(frame("* ")), "M") == 0);
	CHECK(strcmp(feed(frame("a*\x10")), "M") == 0);
	/* After a malformed packet the next one is fine. */
	CHECK(strcmp(feed("$g#67"), "P") == 0);
}

static void test_oversize(void)
{
	char big[CAP + 50];
	unsigned sum = 0;
	int n = 0;

	big[n++] = '$';
	for (int i = 0; i < CAP + 1; i++) {
		big[n++] = 'a';
		sum += 'a';
	}
	snprintf(big + n, sizeof(big) - (size_t)n, "#%02x", sum & 0xff);
	CHECK(strcmp(feed(big), "O") == 0);
	/* Exactly the cap is fine. */
	sum = 0;
	n = 0;
	big[n++] = '$';
	for (int i = 0; i < CAP; i++) {
		big[n++] = 'b';
		sum += 'b';
	}
	snprintf(big + n, sizeof(big) - (size_t)n, "#%02x", sum & 0xff);
	CHECK(strcmp(feed(big), "P") == 0);
	CHECK(last_len == CAP);
	/* Run-length expansion past the cap is oversize too. */
	CHECK(strcmp(feed(frame("a*~a*~")), "O") == 0);
	/* An oversize packet with a bad checksum is a NAK. */
	big[n + 1] ^= 1;
	CHECK(strcmp(feed(big), "B") == 0);
	CHECK(strcmp(feed("$g#67"), "P") == 0);
}

static void test_builder(void)
{
	struct rsp_buf b;
	static const uint8_t bin[] = {'$', '#', '}', '*', 0, 0x03, 'a'};

	CHECK(rsp_buf_init(&b, 64) == 0);
	rsp_buf_begin(&b, false);
	rsp_put_str(&b, "OK");
	CHECK(rsp_buf_finish(&b) == 0);
	CHECK(b.len == 6 && memcmp(b.data, "$OK#9a", 6) == 0);

	/* With the ack of the request in front: one write for both. */
	rsp_buf_begin(&b, true);
	CHECK(rsp_buf_finish(&b) == 0);
	CHECK(b.len == 5 && memcmp(b.data, "+$#00", 5) == 0);

	rsp_buf_begin(&b, false);
	rsp_put_hexnum(&b, 0);
	rsp_put_char(&b, ',');
	rsp_put_hexnum(&b, 0xdeadbeef);
	rsp_put_char(&b, ',');
	rsp_put_hex8(&b, 5);
	rsp_put_hex(&b, "\x12\xab", 2);
	CHECK(rsp_payload_len(&b) == 17);
	CHECK(rsp_buf_finish(&b) == 0);
	CHECK(memcmp(b.data, "$0,deadbeef,0512ab#", 19) == 0);

	/* Escaped binary round-trips through the parser. */
	rsp_buf_begin(&b, false);
	rsp_put_binary(&b, bin, sizeof(bin));
	CHECK(rsp_payload_len(&b) == sizeof(bin) + 4);
	CHECK(rsp_buf_finish(&b) == 0);
	CHECK(strcmp(feed_n(b.data, b.len), "P") == 0);
	CHECK(last_len == sizeof(bin) && memcmp(last, bin, sizeof(bin)) == 0);

	/* Overflow is reported, never written past the buffer. */
	rsp_buf_begin(&b, false);
	for (int i = 0; i < 100; i++)
		rsp_put_str(&b, "xy");
	CHECK(b.overflow);
	CHECK(b.len <= b.cap);
	CHECK(rsp_buf_finish(&b) == -ENOBUFS);
	CHECK(b.len == 0);
	rsp_buf_free(&b);
}

static void test_hex(void)
{
	uint8_t out[4];

	CHECK(rsp_hex_value('0') == 0 && rsp_hex_value('f') == 15 && rsp_hex_value('F') == 15);
	CHECK(rsp_hex_value('g') == -1 && rsp_hex_value(0) == -1 && rsp_hex_value('-') == -1);
	CHECK(rsp_unhex(out, "deadBEEF", 4) == 0);
	CHECK(out[0] == 0xde && out[3] == 0xef);
	CHECK(rsp_unhex(out, "zz", 1) == -EINVAL);
}

int main(void)
{
	if (rsp_parser_init(&p, CAP) < 0)
		return 99;
	test_basic();
	test_checksum();
	test_acks_and_stray();
	test_truncated();
	test_escapes_and_rle();
	test_oversize();
	test_builder();
	test_hex();
	rsp_parser_free(&p);
	int status = check_status("test_rsp");
	if (status == 0)
		printf("test_rsp: all checks passed\n");
	return status;
}
