/* GDB Remote Serial Protocol framing: packets, checksums, escapes, acks.
 *
 * No I/O here: the parser consumes bytes the caller read from wherever, and
 * the builder produces one contiguous frame the caller writes with one
 * write().  gdb_session.c drives both over a socket or a pair of pipes.
 */
#ifndef KVM_GDBSTUB_RSP_H
#define KVM_GDBSTUB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What rsp_parse() found. */
enum rsp_event {
	RSP_EV_NONE,      /* all input consumed, no complete frame yet */
	RSP_EV_PACKET,    /* a good packet: rsp_parser.pkt / pkt_len */
	RSP_EV_BAD_CSUM,  /* checksum mismatch or non-hex checksum: NAK it */
	RSP_EV_MALFORMED, /* good checksum, bad escape or run-length encoding */
	RSP_EV_OVERSIZE,  /* good checksum, decoded payload longer than the limit */
	RSP_EV_INTERRUPT, /* 0x03 between packets (Ctrl-C) */
	RSP_EV_ACK,       /* '+' */
	RSP_EV_NAK,       /* '-': resend the last reply */
};

enum rsp_state { RSP_IDLE, RSP_BODY, RSP_CSUM1, RSP_CSUM2 };

/* Incremental packet parser.  The decoded payload (escapes and run-length
 * encoding undone) lands in pkt, which is NUL-terminated for convenience
 * but may contain NULs (binary X packets): use pkt_len. */
struct rsp_parser {
	uint8_t *pkt; /* cap + 1 bytes, owned */
	size_t cap;   /* the largest decoded payload accepted */
	size_t pkt_len;
	enum rsp_state state;
	uint8_t csum; /* running sum of the raw payload bytes */
	uint8_t sent_csum;
	bool esc; /* previous raw byte was '}' */
	bool rle; /* previous raw byte was '*' */
	bool malformed;
	bool oversize;
	/* Statistics, never reset by the parser. */
	unsigned long n_packets, n_bad_csum, n_truncated, n_stray;
};

/* Allocate the parser's buffer for payloads of up to cap bytes.  0 or -ENOMEM. */
int rsp_parser_init(struct rsp_parser *p, size_t cap);
void rsp_parser_free(struct rsp_parser *p);

/* Consume bytes from in[0..len) until one event is complete or the input is
 * exhausted; *used says how many bytes were consumed.  After RSP_EV_PACKET the
 * payload stays valid until the next call.  Never fails: garbage between
 * packets is skipped, a '$' inside a packet restarts it (the sender gave up on
 * the previous one). */
enum rsp_event rsp_parse(struct rsp_parser *p, const uint8_t *in, size_t len, size_t *used);

/* A frame under construction: [+]$payload#xx in one buffer. */
struct rsp_buf {
	uint8_t *data;
	size_t cap;
	size_t len;
	size_t start;  /* index of the first payload byte */
	bool overflow; /* something did not fit: the frame is unusable */
};

/* Allocate a builder holding frames of up to cap bytes.  0 or -ENOMEM. */
int rsp_buf_init(struct rsp_buf *b, size_t cap);
void rsp_buf_free(struct rsp_buf *b);

/* Start a frame; with ack, prefix it with '+' so the ack of the request and
 * the reply leave in one write(). */
void rsp_buf_begin(struct rsp_buf *b, bool ack);
void rsp_put_char(struct rsp_buf *b, char c);
void rsp_put_str(struct rsp_buf *b, const char *s);
void rsp_put_mem(struct rsp_buf *b, const void *s, size_t n);
/* Bytes as two lowercase hex digits each. */
void rsp_put_hex(struct rsp_buf *b, const void *data, size_t n);
/* A number in hex, no leading zeros ("0" for 0). */
void rsp_put_hexnum(struct rsp_buf *b, uint64_t v);
/* One byte as exactly two hex digits. */
void rsp_put_hex8(struct rsp_buf *b, uint8_t v);
/* Binary data with '$', '#', '}' and '*' escaped as '}' + (c ^ 0x20). */
void rsp_put_binary(struct rsp_buf *b, const void *data, size_t n);
/* Bytes the payload has so far. */
size_t rsp_payload_len(const struct rsp_buf *b);
/* Close the frame with '#' and the checksum.  0, or -ENOBUFS if it overflowed
 * (the frame is then empty). */
int rsp_buf_finish(struct rsp_buf *b);

/* Helpers shared with the command layer. */
int rsp_hex_value(int c); /* 0..15, or -1 */
/* Decode 2*n hex digits into n bytes.  0, or -EINVAL on a non-hex digit. */
int rsp_unhex(void *out, const char *hex, size_t n);

#endif
