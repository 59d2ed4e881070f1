/* The unit tests' one assertion: count a failure, say where, go on (so one
 * run shows every broken check).  main() returns check_status(). */
#ifndef KVM_GDBSTUB_TEST_CHECK_H
#define KVM_GDBSTUB_TEST_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* 0 if every check passed, else 1 after saying how many failed. */
static inline int check_status(const char *test)
{
	if (failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", test, failures);
		return 1;
	}
	return 0;
}

#endif
