/* Helpers shared by the unit tests of the built-in CPU (test_cpu.c,
 * test_cpu_paging.c): checks, a machine-code assembly cursor over guest RAM,
 * running to an exit.  Each test program defines RAM_SIZE before including
 * it and allocates `ram`. */
#ifndef KVM_GDBSTUB_TESTS_CPU_TEST_H
#define KVM_GDBSTUB_TESTS_CPU_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vcpu.h"

static uint8_t *ram;
static uint8_t *p; /* assembly cursor */
static int failures, checks;
static const char *current;

static inline void check(int ok, const char *fmt, ...)
{
	checks++;
	if (ok)
		return;
	failures++;
	va_list ap;
	va_start(ap, fmt);
	printf("FAIL [%s] ", current);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

static inline void emit(const uint8_t *b, size_t n)
{
	memcpy(p, b, n);
	p += n;
}
/* Emit bytes; an expression, so "E(op), e16(imm)" reads like assembly. */
#define E(...) emit((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))
static inline void e16(uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p += 2;
}
static inline void e32(uint32_t v)
{
	e16(v);
	e16(v >> 16);
}
static inline uint32_t here(void)
{
	return (uint32_t)(p - ram);
}

static inline struct vcpu_state state(struct vcpu *v)
{
	struct vcpu_state st;
	vcpu_get_state(v, &st);
	return st;
}

static inline struct vcpu_exit run(struct vcpu *v)
{
	struct vcpu_exit ex;
	memset(&ex, 0, sizeof(ex));
	if (vcpu_run(v, &ex))
		check(0, "vcpu_run failed");
	return ex;
}

/* Run expecting a HLT exit; returns the state. */
static inline struct vcpu_state run_hlt(struct vcpu *v)
{
	struct vcpu_exit ex = run(v);
	check(ex.reason == VCPU_EXIT_HLT, "wanted HLT, got %s", vcpu_exit_reason_name(ex.reason));
	return state(v);
}

static inline uint32_t rd32(uint32_t a)
{
	uint32_t v;
	memcpy(&v, ram + a, 4);
	return v;
}
static inline uint16_t rd16(uint32_t a)
{
	return (uint16_t)(ram[a] | ram[a + 1] << 8);
}

#endif
