/* The host's input to the machine: every byte of input and every clock
 * reading a device takes from the host passes through these functions and
 * nowhere else, so that one place can record it (for a replay) or stand in
 * for it (tests). */
#ifndef KVM_GDBSTUB_HW_HOST_H
#define KVM_GDBSTUB_HW_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* An observer of host input (a recorder), or NULL.  Called after each read
 * with what it returned, and after each clock reading. */
struct host_input_log {
	void (*input)(void *ctx, int fd, const void *buf, ssize_t n);
	void (*clock)(void *ctx, int which, int64_t ns); /* CLOCK_MONOTONIC / CLOCK_REALTIME */
	void *ctx;
};

/* Install the observer (NULL: none).  Not thread-safe: before the run. */
void host_input_set_log(const struct host_input_log *log);

/* read(2) of guest input (stdin for the UART or the keyboard). */
ssize_t host_read_input(int fd, void *buf, size_t len);

/* The host's monotonic clock and Unix time, in ns. */
uint64_t host_monotonic_ns(void);
int64_t host_wall_ns(void);

#endif
