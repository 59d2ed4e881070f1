/* Hypercall services: one table entry per function. */
#include <stdio.h>
#include <stdlib.h>

#include "vmm/hypercall.h"
#include "vmm/vm.h"

/* One call: the VM, the caller's registers (results are written back into
 * them) and, for HC_EXIT_GUEST, the status. */
struct call {
	struct vm *vm;
	struct vcpu_state *st;
	int exit_status;
};

typedef enum hypercall_outcome (*hypercall_fn)(struct call *c);

static uint32_t arg(const struct call *c, enum vcpu_gpr r)
{
	return c->st->gpr[r];
}

static enum hypercall_outcome result(struct call *c, uint32_t eax)
{
	c->st->gpr[GPR_EAX] = eax;
	return HC_DONE;
}

static enum hypercall_outcome hc_probe(struct call *c)
{
	return result(c, HYPERCALL_VERSION);
}

static enum hypercall_outcome hc_console_write(struct call *c)
{
	uint32_t addr = arg(c, GPR_EBX), len = arg(c, GPR_ECX);
	const uint8_t *buf = vm_ram_range(c->vm, addr, len);
	if (!buf)
		return result(c, HYPERCALL_ERROR);
	uart_console_write(&c->vm->uart, buf, len);
	return result(c, len);
}

static enum hypercall_outcome hc_console_read(struct call *c)
{
	uint32_t addr = arg(c, GPR_EBX), max = arg(c, GPR_ECX);
	uint8_t *buf = vm_ram_range(c->vm, addr, max);
	if (!buf)
		return result(c, HYPERCALL_ERROR);
	long n = uart_input_take(&c->vm->uart, buf, max);
	if (n < 0)
		return HC_BLOCK; /* no input yet: the caller waits for some */
	vm_ram_written(c->vm, addr, (uint64_t)n);
	return result(c, (uint32_t)n);
}

static enum hypercall_outcome hc_exit(struct call *c)
{
	c->exit_status = (int)(arg(c, GPR_EBX) & 0xff);
	return HC_EXIT_GUEST;
}

static enum hypercall_outcome hc_time(struct call *c)
{
	uint64_t ns = (uint64_t)vclock_wall_ns(&c->vm->board.clock);
	c->st->gpr[GPR_EDX] = (uint32_t)(ns >> 32);
	return result(c, (uint32_t)ns);
}

/* EBX = index, ECX = CS, EDX = IP: start a vCPU waiting for its SIPI in
 * real mode there (for real-mode guests that never touch the APIC). */
static enum hypercall_outcome hc_start_vcpu(struct call *c)
{
	uint32_t index = arg(c, GPR_EBX), cs = arg(c, GPR_ECX), ip = arg(c, GPR_EDX);
	if (cs > 0xffff || ip > 0xffff ||
	    vm_start_cpu(c->vm, index, (uint16_t)cs, (uint16_t)ip) < 0)
		return result(c, HYPERCALL_ERROR);
	return result(c, 0);
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
    [HC_START_VCPU] = {"start-vcpu", hc_start_vcpu},
};

const char *hypercall_name(uint32_t nr)
{
	return nr < HC_COUNT ? functions[nr].name : NULL;
}

enum hypercall_outcome hypercall_serve(struct vm *vm, struct vcpu_state *st, int *exit_status)
{
	struct call c = {vm, st, 0};
	uint32_t nr = arg(&c, GPR_EAX);
	enum hypercall_outcome o;
	if (nr < HC_COUNT) {
		o = functions[nr].fn(&c);
		*exit_status = c.exit_status;
		return o;
	}
	if (!vm->hypercall_unknown_noted) {
		vm->hypercall_unknown_noted = true;
		fprintf(stderr, "kvm-gdbstub: unknown hypercall %#x (returns -1; noted once)\n", nr);
	}
	return result(&c, HYPERCALL_ERROR);
}
