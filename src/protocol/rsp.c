/* GDB Remote Serial Protocol framing: see rsp.h.  Pure byte shuffling, no I/O. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/rsp.h"

static const char hexdig[] = "0123456789abcdef";

int rsp_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rsp_unhex(void *out, const char *hex, size_t n)
{
	uint8_t *o = out;

	for (size_t i = 0; i < n; i++) {
		int hi = rsp_hex_value((unsigned char)hex[2 * i]);
		int lo = rsp_hex_value((unsigned char)hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		o[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int rsp_parser_init(struct rsp_parser *p, size_t cap)
{
	memset(p, 0, sizeof(*p));
	p->pkt = malloc(cap + 1);
	if (!p->pkt)
		return -ENOMEM;
	p->cap = cap;
	return 0;
}

void rsp_parser_free(struct rsp_parser *p)
{
	free(p->pkt);
	p->pkt = NULL;
}

static void start_packet(struct rsp_parser *p)
{
	p->state = RSP_BODY;
	p->pkt_len = 0;
	p->csum = 0;
	p->esc = p->rle = p->malformed = p->oversize = false;
}

static void store(struct rsp_parser *p, uint8_t c)
{
	if (p->pkt_len < p->cap)
		p->pkt[p->pkt_len++] = c;
	else
		p->oversize = true; /* keep summing: a good checksum still gets E, not NAK */
}

/* One raw payload byte: undo '}' escapes and "x*N" run-length encoding on the
 * fly, so a packet needs one buffer and one pass. */
static void body_byte(struct rsp_parser *p, uint8_t c)
{
	p->csum += c;
	if (p->rle) {
		p->rle = false;
		/* N = c - 29 more copies; GDB never emits counts outside this. */
		if (c < 30 || c > 126 || p->pkt_len == 0) {
			p->malformed = true;
			return;
		}
		uint8_t prev = p->pkt[p->pkt_len - 1];
		for (int i = 0; i < c - 29; i++)
			store(p, prev);
		return;
	}
	if (p->esc) {
		p->esc = false;
		store(p, c ^ 0x20);
		return;
	}
	if (c == '}')
		p->esc = true;
	else if (c == '*')
		p->rle = true;
	else
		store(p, c);
}

static enum rsp_event finish_packet(struct rsp_parser *p)
{
	p->state = RSP_IDLE;
	if (p->csum != p->sent_csum) {
		p->n_bad_csum++;
		return RSP_EV_BAD_CSUM;
	}
	if (p->oversize)
		return RSP_EV_OVERSIZE;
	/* A '}' or '*' with nothing after it. */
	if (p->malformed || p->esc || p->rle)
		return RSP_EV_MALFORMED;
	p->pkt[p->pkt_len] = 0;
	p->n_packets++;
	return RSP_EV_PACKET;
}

enum rsp_event rsp_parse(struct rsp_parser *p, const uint8_t *in, size_t len, size_t *used)
{
	size_t i = 0;
	enum rsp_event ev = RSP_EV_NONE;

	while (i < len && ev == RSP_EV_NONE) {
		uint8_t c = in[i++];
		int h;

		switch (p->state) {
		case RSP_IDLE:
			if (c == '$')
				start_packet(p);
			else if (c == '+')
				ev = RSP_EV_ACK;
			else if (c == '-')
				ev = RSP_EV_NAK;
			else if (c == 0x03)
				ev = RSP_EV_INTERRUPT;
			else
				p->n_stray++;
			break;
		case RSP_BODY:
			if (c == '#') {
				p->state = RSP_CSUM1;
			} else if (c == '$') {
				/* The sender abandoned a packet: start over. */
				p->n_truncated++;
				start_packet(p);
			} else {
				body_byte(p, c);
			}
			break;
		case RSP_CSUM1:
		case RSP_CSUM2:
			h = rsp_hex_value(c);
			if (h < 0) {
				/* Missing or broken checksum: NAK, then resync on '$'. */
				p->state = RSP_IDLE;
				p->n_bad_csum++;
				ev = RSP_EV_BAD_CSUM;
				if (c == '$')
					i--; /* it starts the next packet */
			} else if (p->state == RSP_CSUM1) {
				p->sent_csum = (uint8_t)(h << 4);
				p->state = RSP_CSUM2;
			} else {
				p->sent_csum |= (uint8_t)h;
				ev = finish_packet(p);
			}
			break;
		}
	}
	*used = i;
	return ev;
}

int rsp_buf_init(struct rsp_buf *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->data = malloc(cap);
	if (!b->data)
		return -ENOMEM;
	b->cap = cap;
	return 0;
}

void rsp_buf_free(struct rsp_buf *b)
{
	free(b->data);
	b->data = NULL;
}

void rsp_buf_begin(struct rsp_buf *b, bool ack)
{
	b->len = 0;
	b->overflow = false;
	if (ack)
		b->data[b->len++] = '+';
	b->data[b->len++] = '$';
	b->start = b->len;
}

/* Room for n more payload bytes, keeping 3 for "#xx". */
static bool room(struct rsp_buf *b, size_t n)
{
	if (b->overflow || b->cap - b->len < n + 3) {
		b->overflow = true;
		return false;
	}
	return true;
}

void rsp_put_char(struct rsp_buf *b, char c)
{
	if (room(b, 1))
		b->data[b->len++] = (uint8_t)c;
}

void rsp_put_mem(struct rsp_buf *b, const void *s, size_t n)
{
	if (room(b, n)) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
	}
}

void rsp_put_str(struct rsp_buf *b, const char *s)
{
	rsp_put_mem(b, s, strlen(s));
}

void rsp_put_hex(struct rsp_buf *b, const void *data, size_t n)
{
	const uint8_t *d = data;

	if (n > SIZE_MAX / 2 || !room(b, 2 * n))
		return;
	uint8_t *o = b->data + b->len;
	for (size_t i = 0; i < n; i++) {
		*o++ = (uint8_t)hexdig[d[i] >> 4];
		*o++ = (uint8_t)hexdig[d[i] & 15];
	}
	b->len += 2 * n;
}

void rsp_put_hex8(struct rsp_buf *b, uint8_t v)
{
	rsp_put_hex(b, &v, 1);
}

void rsp_put_hexnum(struct rsp_buf *b, uint64_t v)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = hexdig[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		rsp_put_char(b, tmp[--n]);
}

void rsp_put_binary(struct rsp_buf *b, const void *data, size_t n)
{
	const uint8_t *d = data;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = d[i];

		if (c == '$' || c == '#' || c == '}' || c == '*') {
			rsp_put_char(b, '}');
			c ^= 0x20;
		}
		rsp_put_char(b, (char)c);
	}
}

size_t rsp_payload_len(const struct rsp_buf *b)
{
	return b->len - b->start;
}

int rsp_buf_finish(struct rsp_buf *b)
{
	uint8_t sum = 0;

	if (b->overflow) {
		b->len = 0;
		return -ENOBUFS;
	}
	for (size_t i = b->start; i < b->len; i++)
		sum += b->data[i];
	/* room() always left these three bytes. */
	b->data[b->len++] = '#';
	b->data[b->len++] = (uint8_t)hexdig[sum >> 4];
	b->data[b->len++] = (uint8_t)hexdig[sum & 15];
	return 0;
}
