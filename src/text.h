/* A bounded text buffer that formatted output is appended to: monitor
 * replies and register reports.  Output that does not fit is cut off; the
 * buffer always stays NUL-terminated once anything was written. */
#ifndef KVM_GDBSTUB_TEXT_H
#define KVM_GDBSTUB_TEXT_H

#include <stddef.h>

struct text {
	char *buf;
	size_t len, used; /* buf holds len bytes, used of them are text */
};

/* Append printf-style output to o, truncated to what still fits. */
void text_printf(struct text *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
