/* A 16550-style UART on COM1 and the 0xE9 debug console.
 *
 * Output goes to a console sink (stdout, or GDB as `O` packets).  Input comes
 * from a file descriptor (normally stdin): the line-status register shows
 * "data ready" while bytes wait, and "break" (LSR bit 4) for ever once the
 * input has ended, so a guest can tell end of input from no input yet. */
#ifndef KVM_GDBSTUB_HW_UART_H
#define KVM_GDBSTUB_HW_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/bus.h"

#define COM1_BASE     0x3f8
#define DEBUGCON_PORT 0xe9

#define UART_LSR_DR   0x01 /* data ready */
#define UART_LSR_BI   0x10 /* break: here, end of input */
#define UART_LSR_THRE 0x20 /* transmitter holding register empty */
#define UART_LSR_TEMT 0x40 /* transmitter empty */

struct console_sink {
	void (*write)(void *ctx, const uint8_t *buf, size_t len);
	void (*flush)(void *ctx); /* optional: called before waiting for input */
	void *ctx;
};

struct uart {
	struct console_sink out;
	int in_fd; /* -1: no input, the line is idle for ever */
	bool in_eof;
	uint8_t in_buf[256];
	size_t in_head, in_len;
	unsigned idle_polls; /* consecutive LSR reads that found nothing */
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint64_t tx_bytes;
};

void uart_init(struct uart *u, struct console_sink out, int in_fd);

/* Register COM1 and the debug console port on the bus.  0 or -errno. */
int uart_register(struct uart *u, struct bus *bus);

/* Take up to max bytes of input without waiting: the count, 0 once input
 * has ended, or -1 if none has arrived yet (then wait on uart_input_fd). */
long uart_input_take(struct uart *u, uint8_t *buf, size_t max);

/* The descriptor to wait on for more input, or -1 if waiting is pointless
 * (input buffered, ended, or none configured). */
int uart_input_fd(const struct uart *u);

/* Emit bytes on the console sink directly (the debug console uses it). */
void uart_console_write(struct uart *u, const uint8_t *buf, size_t len);

#endif
