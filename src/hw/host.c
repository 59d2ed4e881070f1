/* Host input: see host.h. */
#include <time.h>
#include <unistd.h>

#include "hw/host.h"

static const struct host_input_log *input_log;

void host_input_set_log(const struct host_input_log *log)
{
	input_log = log;
}

ssize_t host_read_input(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);
	if (input_log && input_log->input)
		input_log->input(input_log->ctx, fd, buf, n);
	return n;
}

static int64_t clock_ns(clockid_t which)
{
	struct timespec ts;
	clock_gettime(which, &ts);
	int64_t ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (input_log && input_log->clock)
		input_log->clock(input_log->ctx, (int)which, ns);
	return ns;
}

uint64_t host_monotonic_ns(void)
{
	return (uint64_t)clock_ns(CLOCK_MONOTONIC);
}

int64_t host_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}
