/* Transports for the GDB stub: a TCP listener and the stdio pipe pair.
 *
 * Only this file knows about addresses and sockets options; gdbstub.c takes
 * plain file descriptors.
 */
#ifndef KVM_GDBSTUB_NET_H
#define KVM_GDBSTUB_NET_H

#include <stddef.h>
#include <stdint.h>

#define NET_DEFAULT_HOST "127.0.0.1"

/* Split "HOST:PORT", "[V6ADDR]:PORT", ":PORT" or "PORT" into host (the
 * default host when absent; brackets removed) and port (1..65535; 0 only if
 * allow_zero, for "any free port").  0, or -EINVAL. */
int net_parse_hostport(const char *spec, char *host, size_t hostlen, uint16_t *port,
                       int allow_zero);

/* Ignore SIGPIPE process-wide: a debugger that goes away must be a write
 * error, not the end of the VMM. */
void net_ignore_sigpipe(void);

/* Listen on host:port (an IPv4 or IPv6 literal, or a name such as
 * "localhost"; NULL or "" means NET_DEFAULT_HOST), with SO_REUSEADDR and
 * close-on-exec.  Port 0 picks a free port (see net_local_port).  Ignores
 * SIGPIPE.  Returns the fd, or -errno with a message in err. */
int net_listen(const char *host, uint16_t port, char *err, size_t errlen);

/* The port a bound socket got, or -errno. */
int net_local_port(int fd);

/* "127.0.0.1:1234" or "[::1]:1234" for a bound or connected socket (peer when
 * peer is set).  Returns buf. */
char *net_describe(int fd, int peer, char *buf, size_t len);

/* Wait for one debugger: accept with TCP_NODELAY (small packets must not
 * wait for Nagle) and close-on-exec.  Retries on EINTR and on connections
 * aborted before they were accepted.  The fd, or -errno. */
int net_accept(int listen_fd);

/* The stdio transport (`target remote | kvm-gdbstub --gdb stdio ...`):
 * *in_fd and *out_fd become duplicates of 0 and 1, and fd 1 is pointed at
 * stderr so a stray printf cannot corrupt the protocol.  Ignores SIGPIPE.
 * 0 or -errno. */
int net_stdio_open(int *in_fd, int *out_fd);

#endif
