/* 16550-style UART on COM1, polled (no interrupts), and the 0xE9 debug
 * console. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "hw/host.h"
#include "hw/uart.h"

enum uart_reg { REG_DATA, REG_IER, REG_IIR_FCR, REG_LCR, REG_MCR, REG_LSR, REG_MSR, REG_SCR };

#define LCR_DLAB         0x80
#define MSR_CTS_DSR_DCD  0xb0 /* the modem lines a driver may wait for */
#define IIR_NO_INTERRUPT 0x01
#define IIR_FIFO_ON      0xc0
/* A guest reading LSR this many times in a row without output or input is
 * waiting for input: from then on wait a little in poll() instead of
 * spinning the host CPU. */
#define IDLE_POLLS_BEFORE_WAIT 1000
#define IDLE_WAIT_MS           1

void uart_init(struct uart *u, struct console_sink out, int in_fd)
{
	*u = (struct uart){.out = out, .in_fd = in_fd};
}

void uart_console_write(struct uart *u, const uint8_t *buf, size_t len)
{
	u->tx_bytes += len;
	if (u->out.write)
		u->out.write(u->out.ctx, buf, len);
}

/* Top up the input buffer from in_fd without blocking longer than wait_ms. */
static void fill_input(struct uart *u, int wait_ms)
{
	if (u->in_len || u->in_eof || u->in_fd < 0)
		return;
	struct pollfd p = {.fd = u->in_fd, .events = POLLIN};
	if (wait_ms && u->out.flush)
		u->out.flush(u->out.ctx); /* a prompt must be seen before we wait */
	if (poll(&p, 1, wait_ms) <= 0)
		return;
	ssize_t n = host_read_input(u->in_fd, u->in_buf, sizeof(u->in_buf));
	if (n > 0) {
		u->in_head = 0;
		u->in_len = (size_t)n;
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		u->in_eof = true;
	}
}

static uint8_t read_lsr(struct uart *u)
{
	int wait = u->idle_polls >= IDLE_POLLS_BEFORE_WAIT ? IDLE_WAIT_MS : 0;
	fill_input(u, wait);
	uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT;
	if (u->in_len)
		lsr |= UART_LSR_DR;
	else if (u->in_eof)
		lsr |= UART_LSR_BI;
	if (u->in_len || u->in_eof)
		u->idle_polls = 0;
	else if (u->idle_polls < IDLE_POLLS_BEFORE_WAIT)
		u->idle_polls++;
	return lsr;
}

static uint8_t read_rbr(struct uart *u)
{
	fill_input(u, 0);
	if (!u->in_len)
		return 0;
	u->idle_polls = 0;
	u->in_len--;
	return u->in_buf[u->in_head++];
}

long uart_input_take(struct uart *u, uint8_t *buf, size_t max)
{
	fill_input(u, 0);
	if (!u->in_len)
		return u->in_eof || u->in_fd < 0 ? 0 : -1;
	size_t n = u->in_len < max ? u->in_len : max;
	memcpy(buf, u->in_buf + u->in_head, n);
	u->in_head += n;
	u->in_len -= n;
	return (long)n;
}

int uart_input_fd(const struct uart *u)
{
	return u->in_len || u->in_eof ? -1 : u->in_fd;
}

static uint8_t uart_read(struct uart *u, enum uart_reg reg)
{
	bool dlab = u->lcr & LCR_DLAB;
	switch (reg) {
	case REG_DATA:
		return dlab ? u->dll : read_rbr(u);
	case REG_IER:
		return dlab ? u->dlm : u->ier;
	case REG_IIR_FCR:
		return IIR_NO_INTERRUPT | ((u->fcr & 1) ? IIR_FIFO_ON : 0);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return read_lsr(u);
	case REG_MSR:
		return MSR_CTS_DSR_DCD;
	case REG_SCR:
		return u->scr;
	}
	return 0xff;
}

static void uart_write(struct uart *u, enum uart_reg reg, uint8_t v)
{
	bool dlab = u->lcr & LCR_DLAB;
	switch (reg) {
	case REG_DATA:
		if (dlab) {
			u->dll = v;
		} else {
			u->idle_polls = 0;
			uart_console_write(u, &v, 1);
		}
		break;
	case REG_IER:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case REG_IIR_FCR:
		u->fcr = v;
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		u->mcr = v & 0x1f;
		break;
	case REG_LSR:
	case REG_MSR:
		break; /* read-only in practice */
	case REG_SCR:
		u->scr = v;
		break;
	}
}

/* Wider accesses touch consecutive registers, as on an ISA bus. */
static void com1_access(void *opaque, struct vcpu *vcpu, uint64_t port, uint8_t *data,
                        unsigned size, bool is_write)
{
	(void)vcpu;
	struct uart *u = opaque;
	for (unsigned i = 0; i < size; i++) {
		enum uart_reg reg = (enum uart_reg)((port + i - COM1_BASE) & 7);
		if (is_write)
			uart_write(u, reg, data[i]);
		else
			data[i] = uart_read(u, reg);
	}
}

/* Bochs/QEMU debug console: every byte written appears on the console;
 * reading returns 0xE9 so a guest can detect it. */
static void debugcon_access(void *opaque, struct vcpu *vcpu, uint64_t port, uint8_t *data,
                            unsigned size, bool is_write)
{
	(void)vcpu;
	(void)port;
	struct uart *u = opaque;
	if (is_write)
		uart_console_write(u, data, 1);
	else
		for (unsigned i = 0; i < size; i++)
			data[i] = i == 0 ? DEBUGCON_PORT : 0xff;
}

int uart_register(struct uart *u, struct bus *bus)
{
	int r = bus_register_pio(bus, "com1", COM1_BASE, 8, com1_access, u);
	if (r == 0)
		r = bus_register_pio(bus, "debugcon", DEBUGCON_PORT, 1, debugcon_access, u);
	return r;
}
