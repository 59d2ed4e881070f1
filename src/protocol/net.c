/* TCP listen/accept and the stdio transport for the GDB stub. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protocol/net.h"

static int parse_port(const char *s, uint16_t *port, int allow_zero)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return -EINVAL;
	}
	if (v == 0 && !allow_zero)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int net_parse_hostport(const char *spec, char *host, size_t hostlen, uint16_t *port, int allow_zero)
{
	const char *colon, *h = spec;
	size_t hl;

	if (spec[0] == '[') {
		/* [v6]:port: the brackets keep the address's colons apart. */
		const char *close = strchr(spec, ']');
		if (!close || close[1] != ':')
			return -EINVAL;
		h = spec + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(spec, ':');
		if (colon && strchr(spec, ':') != colon)
			return -EINVAL; /* a bare IPv6 literal: needs brackets */
		hl = colon ? (size_t)(colon - spec) : 0;
	}
	if (colon ? parse_port(colon + 1, port, allow_zero) : parse_port(spec, port, allow_zero))
		return -EINVAL;
	if (hl == 0) {
		h = NET_DEFAULT_HOST;
		hl = strlen(h);
	}
	if (hl >= hostlen)
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = 0;
	return 0;
}

void net_ignore_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

int net_listen(const char *host, uint16_t port, char *err, size_t errlen)
{
	struct addrinfo hints = {
	    .ai_family = AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	};
	struct addrinfo *res, *ai;
	char portstr[8];
	int fd = -1, rc, e = EADDRNOTAVAIL;

	net_ignore_sigpipe();
	if (!host || !*host)
		host = NET_DEFAULT_HOST;
	snprintf(portstr, sizeof(portstr), "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return -EINVAL;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int one = 1;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		/* Restarting the VMM must not wait for TIME_WAIT to expire. */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 4) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "cannot listen on %s:%u: %s", host, port, strerror(e));
		return -e;
	}
	return fd;
}

int net_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -EAFNOSUPPORT;
}

char *net_describe(int fd, int peer, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char a[INET6_ADDRSTRLEN] = "?";
	int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &sl)
	              : getsockname(fd, (struct sockaddr *)&ss, &sl);

	if (rc < 0) {
		snprintf(buf, len, "?");
	} else if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(in->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, len, "?");
	}
	return buf;
}

int net_accept(int listen_fd)
{
	for (;;) {
		int one = 1;
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return -errno;
		}
		/* Each reply is one small write GDB waits for: no Nagle delay. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		return fd;
	}
}

int net_stdio_open(int *in_fd, int *out_fd)
{
	net_ignore_sigpipe();
	*in_fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
	*out_fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (*in_fd < 0 || *out_fd < 0 || dup2(2, 1) < 0) {
		int e = errno;
		if (*in_fd >= 0)
			close(*in_fd);
		if (*out_fd >= 0)
			close(*out_fd);
		return -e;
	}
	return 0;
}
