/* Hypercall services: one table entry per function. */
#include <stdio.h>
#include <stdlib.h>

#include "hypercall.h"
#include "vm.h"

typedef enum hypercall_outcome (*hypercall_fn)(struct vm *vm, struct vcpu_state *st,
                                               int *exit_status);

static uint32_t gpr(const struct vcpu_state *st, enum vcpu_gpr r)
{
	return st->gpr[r];
}

static enum hypercall_outcome hc_probe(struct vm *vm, struct vcpu_state *st, int *status)
{
	st->gpr[GPR_EAX] = HYPERCALL_VERSION;
	return HC_DONE;
}

static enum hypercall_outcome hc_console_write(struct vm *vm, struct vcpu_state *st, int *status)
{
	uint32_t addr = gpr(st, GPR_EBX), len = gpr(st, GPR_ECX);
	const uint8_t *buf = vm_ram_range(vm, addr, len);
	if (!buf) {
		st->gpr[GPR_EAX] = HYPERCALL_ERROR;
		return HC_DONE;
	}
	uart_console_write(&vm->uart, buf, len);
	st->gpr[GPR_EAX] = len;
	return HC_DONE;
}

static enum hypercall_outcome hc_console_read(struct vm *vm, struct vcpu_state *st, int *status)
{
	uint32_t addr = gpr(st, GPR_EBX), max = gpr(st, GPR_ECX);
	uint8_t *buf = vm_ram_range(vm, addr, max);
	if (!buf) {
		st->gpr[GPR_EAX] = HYPERCALL_ERROR;
		return HC_DONE;
	}
	long n = uart_input_take(&vm->uart, buf, max);
	if (n < 0)
		return HC_BLOCK; /* no input yet: the caller waits for some */
	vcpu_ram_written(vm->vcpu, addr, (uint64_t)n);
	st->gpr[GPR_EAX] = (uint32_t)n;
	return HC_DONE;
}

static enum hypercall_outcome hc_exit(struct vm *vm, struct vcpu_state *st, int *status)
{
	*status = (int)(gpr(st, GPR_EBX) & 0xff);
	return HC_EXIT_GUEST;
}

static enum hypercall_outcome hc_time(struct vm *vm, struct vcpu_state *st, int *status)
{
	uint64_t ns = (uint64_t)vclock_wall_ns(&vm->clock);
	st->gpr[GPR_EAX] = (uint32_t)ns;
	st->gpr[GPR_EDX] = (uint32_t)(ns >> 32);
	return HC_DONE;
}

static enum hypercall_outcome hc_unsupported(struct vm *vm, struct vcpu_state *st, int *status)
{
	st->gpr[GPR_EAX] = HYPERCALL_ERROR;
	return HC_DONE;
}

static const struct {
	const char *name;
	hypercall_fn fn;
} functions[HC_COUNT] = {
    [HC_PROBE] = {"probe", hc_probe},
    [HC_CONSOLE_WRITE] = {"console-write", hc_console_write},
    [HC_CONSOLE_READ] = {"console-read", hc_console_read},
    [HC_EXIT] = {"exit", hc_exit},
    [HC_TIME] = {"time", hc_time},
    [HC_START_VCPU] = {"start-vcpu", hc_unsupported}, /* one vCPU for now */
};

const char *hypercall_name(uint32_t nr)
{
	return nr < HC_COUNT ? functions[nr].name : NULL;
}

enum hypercall_outcome hypercall_serve(struct vm *vm, struct vcpu_state *st, int *exit_status)
{
	uint32_t nr = gpr(st, GPR_EAX);
	if (nr < HC_COUNT)
		return functions[nr].fn(vm, st, exit_status);
	if (!vm->hypercall_unknown_noted) {
		vm->hypercall_unknown_noted = true;
		fprintf(stderr, "kvm-gdbstub: unknown hypercall %#x (returns -1; noted once)\n", nr);
	}
	st->gpr[GPR_EAX] = HYPERCALL_ERROR;
	return HC_DONE;
}
