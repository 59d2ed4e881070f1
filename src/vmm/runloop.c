/* The exit loop.  Each exit reason has one handler in a table; a handler
 * either serves the exit and lets the guest go on, or ends the run. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bios/bios.h"
#include "cpu/emu.h"
#include "vmm/boot.h"
#include "vmm/hypercall.h"
#include "vmm/interrupts.h"
#include "vmm/report.h"
#include "vmm/runloop.h"
#include "vmm/vcpu_threads.h"

/* Unassigned-memory accesses are reported this many times, then only
 * counted (--stats), so a runaway guest cannot flood the terminal. */
#define MMIO_REPORT_LIMIT 10

typedef int (*exit_handler)(struct vm *vm, struct run_result *res);

static uint32_t io_value(const uint8_t *data, unsigned size)
{
	uint32_t v = 0;
	memcpy(&v, data, size <= 4 ? size : 4);
	return v;
}

void runloop_describe_exit(const struct vcpu_exit *e, char *buf, size_t len)
{
	const char *name = vcpu_exit_reason_name(e->reason);
	switch (e->reason) {
	case VCPU_EXIT_IO:
		snprintf(buf, len, "IO %s port %#x size %u count %u data %#x",
		         e->io.is_write ? "out" : "in", e->io.port, e->io.size, e->io.count,
		         io_value(e->io.data, e->io.size));
		break;
	case VCPU_EXIT_MMIO:
		snprintf(buf, len, "MMIO %s %#llx size %u", e->mmio.is_write ? "write" : "read",
		         (unsigned long long)e->mmio.addr, e->mmio.len);
		break;
	case VCPU_EXIT_MSR:
		if (e->msr.is_write)
			snprintf(buf, len, "MSR write %#x data %#llx", e->msr.index,
			         (unsigned long long)*e->msr.data);
		else
			snprintf(buf, len, "MSR read %#x", e->msr.index);
		break;
	case VCPU_EXIT_FAIL_ENTRY:
		snprintf(buf, len, "FAIL_ENTRY hardware reason %#llx",
		         (unsigned long long)e->fail_entry.hardware_reason);
		break;
	case VCPU_EXIT_INTERNAL_ERROR:
		snprintf(buf, len, "INTERNAL_ERROR suberror %u%s", e->internal.suberror,
		         e->internal.suberror == 1 ? " (instruction emulation failed)" : "");
		break;
	case VCPU_EXIT_UNKNOWN:
		snprintf(buf, len, "UNKNOWN backend exit reason %u%s%s", e->unknown.backend_reason,
		         e->unknown.backend_name ? " " : "",
		         e->unknown.backend_name ? e->unknown.backend_name : "");
		break;
	default:
		snprintf(buf, len, "%s", name);
	}
}

static void count_port(struct vm *vm, uint16_t port, bool is_write, uint32_t n)
{
	uint32_t *counts = is_write ? vm->stats.port_writes : vm->stats.port_reads;
	if (counts)
		counts[port] += n;
}

/* Where a blocked hypercall instruction starts, so that it runs again:
 * vmcall/vmmcall are 3 bytes; the port way is `out %ax,$0xea` (E7 EA) or
 * `out %ax,%dx` (EF). */
static uint32_t hypercall_length(struct vm *vm, const struct vcpu_state *st, bool by_port)
{
	uint8_t b[2] = {0};
	if (!by_port)
		return 3;
	vm_read_ram(vm, vcpu_state_pc(st) - 2, b, 2);
	return b[0] == 0xe7 && b[1] == HYPERCALL_PORT ? 2 : 1;
}

static void request_stop(struct run_result *res, enum run_stop_kind kind)
{
	res->stop.requested = true;
	res->stop.kind = kind;
}

static void note_caught_hypercall(struct vm *vm, struct run_result *res, uint32_t nr)
{
	uint32_t want = vm->watch ? vm->watch->hypercall_catch : 0;
	if (want == ~0u || (want && want == nr + 1)) {
		request_stop(res, RUN_STOP_HYPERCALL);
		res->stop.hypercall = nr;
	}
}

static int stop_or_continue(const struct run_result *res)
{
	return res->stop.requested ? RUN_STOP_REQUEST : RUN_CONTINUE;
}

/* Serve the hypercall of the instruction that just completed (EIP past
 * it).  A console read with no input yet waits here, idle, for input, a
 * timer or a kick; a kick rewinds EIP so the call is made again later. */
static int serve_hypercall(struct vm *vm, struct run_result *res, bool by_port)
{
	struct vcpu_state st;
	if ((by_port && vcpu_complete_io(vm->vcpu) < 0) || vcpu_get_state(vm->vcpu, &st) < 0)
		return RUN_ERROR;
	if (__atomic_load_n(&vm->kicked, __ATOMIC_SEQ_CST))
		vcpu_kick(vm->vcpu); /* completing the `out` consumed a pending kick */
	uint32_t nr = st.gpr[GPR_EAX];
	enum hypercall_outcome o;
	while ((o = hypercall_serve(vm, &st, &vm->exit_status)) == HC_BLOCK) {
		if (vm_idle_wait(vm, vclock_next_deadline(&vm->board.clock), uart_input_fd(&vm->uart)) ||
		    vclock_run_timers(&vm->board.clock)) {
			st.eip -= hypercall_length(vm, &st, by_port);
			break;
		}
	}
	if (o == HC_EXIT_GUEST)
		return RUN_EXITED;
	if (vcpu_set_state(vm->vcpu, &st) < 0)
		return RUN_ERROR;
	if (o == HC_DONE)
		note_caught_hypercall(vm, res, nr);
	return stop_or_continue(res);
}

/* The registers a BIOS service works on, from the state and the FLAGS
 * image the `int` pushed. */
static void bios_regs_in(const struct vcpu_state *st, uint16_t flags, struct bios_call *c)
{
	c->r = (struct bios_regs){
	    .eax = st->gpr[GPR_EAX], .ebx = st->gpr[GPR_EBX], .ecx = st->gpr[GPR_ECX],
	    .edx = st->gpr[GPR_EDX], .esi = st->gpr[GPR_ESI], .edi = st->gpr[GPR_EDI],
	    .es = st->seg[SREG_ES].selector, .ds = st->seg[SREG_DS].selector, .flags = flags};
	c->ebp = st->gpr[GPR_EBP];
}

/* The results back into the state; false if nothing changed. */
static bool bios_regs_out(struct vcpu_state *st, const struct bios_call *c)
{
	const uint32_t out[] = {[GPR_EAX] = c->r.eax, [GPR_ECX] = c->r.ecx, [GPR_EDX] = c->r.edx,
	                        [GPR_EBX] = c->r.ebx, [GPR_ESP] = st->gpr[GPR_ESP],
	                        [GPR_EBP] = c->ebp,   [GPR_ESI] = c->r.esi, [GPR_EDI] = c->r.edi};
	bool changed = memcmp(st->gpr, out, sizeof(out)) != 0;
	memcpy(st->gpr, out, sizeof(out));
	if (st->seg[SREG_ES].selector != c->r.es) {
		vcpu_segment_set_real(&st->seg[SREG_ES], c->r.es);
		changed = true;
	}
	if (st->seg[SREG_DS].selector != c->r.ds) {
		vcpu_segment_set_real(&st->seg[SREG_DS], c->r.ds);
		changed = true;
	}
	return changed;
}

/* The guest's trap into a BIOS service (bios.h): the vector from the
 * stub's address, the registers in and out, CF and ZF into the FLAGS image
 * on the stack for the stub's `iret`, or the wait tail. */
static int serve_bios(struct vm *vm, struct run_result *res)
{
	struct vcpu_state st;
	if (vcpu_complete_io(vm->vcpu) < 0 || vcpu_get_state(vm->vcpu, &st) < 0)
		return RUN_ERROR;
	if (__atomic_load_n(&vm->kicked, __ATOMIC_SEQ_CST))
		vcpu_kick(vm->vcpu); /* completing the `out` consumed a pending kick */
	int vector = bios_vector_at(vcpu_state_pc(&st));
	if (vector < 0 || (st.cr0 & CR0_PE))
		return RUN_CONTINUE; /* an `out` to the port from elsewhere: nothing */
	uint32_t flags_at = st.seg[SREG_SS].base + ((st.gpr[GPR_ESP] + 4) & 0xffff);
	uint16_t flags = 0;
	vm_read_ram(vm, flags_at, &flags, 2);
	struct bios_call c;
	bios_regs_in(&st, flags, &c);
	struct bios *b = &vm->boot->bios;
	switch (bios_call(b, vector, &c)) {
	case BIOS_EXIT:
		vm->exit_status = b->exit_status;
		return RUN_EXITED;
	case BIOS_RESET:
		vm->reset_requested = true;
		return RUN_EXITED;
	case BIOS_BOOT:
		vm->boot->screen_saved = false; /* a new run's screen from here */
		vcpu_segment_set_real(&st.seg[SREG_CS], 0);
		st.seg[SREG_CS].type = 0xb;
		st.eip = BIOS_BOOT_ADDR;
		if (vcpu_set_state(vm->vcpu, &st) < 0)
			return RUN_ERROR;
		break;
	case BIOS_WAIT:
		st.eip = bios_wait_tail(vector) - st.seg[SREG_CS].base;
		if (vcpu_set_state(vm->vcpu, &st) < 0)
			return RUN_ERROR;
		break;
	case BIOS_DONE: {
		const uint16_t out = BIOS_FLAG_CF | BIOS_FLAG_ZF;
		uint16_t img = (uint16_t)((flags & ~out) | (c.r.flags & out));
		if (img != flags)
			vm_write_ram(vm, flags_at, &img, 2);
		if (bios_regs_out(&st, &c) && vcpu_set_state(vm->vcpu, &st) < 0)
			return RUN_ERROR;
		break;
	}
	}
	return stop_or_continue(res);
}

/* After an exit served: a hypercall or a BIOS call through their ports, the
 * reset line, or a stop request. */
static int after_device_access(struct vm *vm, struct run_result *res)
{
	if (vm->hypercall_pending) {
		vm->hypercall_pending = false;
		return serve_hypercall(vm, res, true);
	}
	if (vm->bios_pending) {
		vm->bios_pending = false;
		return serve_bios(vm, res);
	}
	if (vm->reset_requested)
		return RUN_EXITED; /* the guest reset the machine: the run ends */
	return stop_or_continue(res);
}

/* The debugger's port catchpoints and the magic breakpoint. */
static void watch_io(struct vm *vm, const struct vcpu_exit *e, struct run_result *res)
{
	const struct run_watch *w = vm->watch;
	if (!w)
		return;
	uint8_t dir = e->io.is_write ? RUN_CATCH_WRITE : RUN_CATCH_READ;
	if (w->port_catch && (w->port_catch[e->io.port] & dir)) {
		request_stop(res, RUN_STOP_PORT);
		res->stop.port = e->io.port;
	}
	if (w->magic_break && e->io.is_write && e->io.port == MAGIC_BREAK_PORT &&
	    e->io.size >= 2 && (e->io.data[0] | e->io.data[1] << 8) == MAGIC_BREAK_VALUE)
		request_stop(res, RUN_STOP_MAGIC);
}

/* Port I/O of `vcpu` (the VM's, or the stand-in running for it). */
static void serve_io(struct vm *vm, struct vcpu *vcpu, struct vcpu_exit *e,
                     struct run_result *res)
{
	uint8_t *data = e->io.data;
	for (uint32_t i = 0; i < e->io.count; i++, data += e->io.size)
		bus_pio(&vm->board.bus, vcpu, e->io.port, data, e->io.size, e->io.is_write);
	count_port(vm, e->io.port, e->io.is_write, e->io.count);
	if (e->io.port == COM1_BASE && e->io.is_write && ++vm->com1_writes == COM1_QUEUE_AFTER)
		vm_console_queue_update(vm);
	watch_io(vm, e, res);
}

static int on_io(struct vm *vm, struct run_result *res)
{
	serve_io(vm, vm->vcpu, &res->exit, res);
	return after_device_access(vm, res);
}

static void report_mmio(struct vm *vm, struct vcpu *vcpu, const struct vcpu_exit *e)
{
	if (vm->cfg.verbose || vm->mmio_reports >= MMIO_REPORT_LIMIT)
		return; /* verbose mode traces every exit already */
	struct vcpu_state st;
	char where[40] = "";
	if (vcpu_get_state(vcpu, &st) == 0)
		snprintf(where, sizeof(where), " at %04x:%04x", st.seg[SREG_CS].selector, st.eip);
	fprintf(stderr, "kvm-gdbstub: guest %s of %u byte%s at %#llx, outside guest RAM%s: %s\n",
	        e->mmio.is_write ? "write" : "read", e->mmio.len, e->mmio.len == 1 ? "" : "s",
	        (unsigned long long)e->mmio.addr, where,
	        e->mmio.is_write ? "ignored" : "reads as all ones");
	if (++vm->mmio_reports == MMIO_REPORT_LIMIT)
		fprintf(stderr, "kvm-gdbstub: further accesses outside RAM are not reported\n");
}

static void serve_mmio(struct vm *vm, struct vcpu *vcpu, struct vcpu_exit *e)
{
	if (e->mmio.is_write)
		vm->stats.mmio_writes++;
	else
		vm->stats.mmio_reads++;
	if (!bus_mmio(&vm->board.bus, vcpu, e->mmio.addr, e->mmio.data, e->mmio.len, e->mmio.is_write))
		report_mmio(vm, vcpu, e);
}

static int on_mmio(struct vm *vm, struct run_result *res)
{
	serve_mmio(vm, vm->vcpu, &res->exit);
	return after_device_access(vm, res); /* a local APIC's INIT may reset */
}

/* rdmsr/wrmsr of CPU cpu: IA32_APIC_BASE goes to its local APIC; any
 * other MSR (or a reserved bit set) is #GP(0), as on a CPU without it. */
static void serve_msr(struct vm *vm, unsigned cpu, struct vcpu_exit *e)
{
	if (e->msr.index != LAPIC_BASE_MSR)
		*e->msr.gp = 1;
	else if (!e->msr.is_write)
		*e->msr.data = lapic_read_base_msr(&vm->lapics, cpu);
	else if (lapic_write_base_msr(&vm->lapics, cpu, *e->msr.data) < 0)
		*e->msr.gp = 1;
}

static int on_msr(struct vm *vm, struct run_result *res)
{
	serve_msr(vm, vm->cpu->index, &res->exit);
	return stop_or_continue(res);
}

/* hlt: with IF = 0 or nothing that could wake it the guest ends, as it
 * always has; else the CPU sleeps until an interrupt (the loop's top). */
static int on_halt(struct vm *vm, struct run_result *res)
{
	(void)res;
	const struct run_watch *w = vm->watch;
	if (w && w->hlt_is_breakpoint && w->hlt_is_breakpoint(w->ctx, vm->vcpu))
		return RUN_HALTED;
	/* With several vCPUs one that halts for good (cli; hlt) is parked:
	 * the guest ends when none can run any more (interrupts.c). */
	if (vm->n_cpus == 1 && !interrupts_hlt_can_wake(vm))
		return RUN_HALTED;
	vm->cpu->halted = true;
	return RUN_CONTINUE;
}

static int on_irq_window(struct vm *vm, struct run_result *res)
{
	(void)vm;
	(void)res;
	return RUN_CONTINUE; /* the loop's top injects */
}

static int on_hypercall(struct vm *vm, struct run_result *res)
{
	return serve_hypercall(vm, res, false);
}

static int on_debug(struct vm *vm, struct run_result *res)
{
	(void)vm;
	(void)res;
	return RUN_DEBUG;
}

static int on_intr(struct vm *vm, struct run_result *res)
{
	(void)res;
	if (!__atomic_load_n(&vm->kicked, __ATOMIC_SEQ_CST))
		return RUN_CONTINUE; /* a device or output timer: nobody asked to stop */
	vm_kick_served(vm);
	return RUN_INTERRUPTED;
}

/* KVM_INTERNAL_ERROR_EMULATION: KVM's instruction emulator gave up. */
#define EMULATION_FAILURE 1

static void trace_handover(struct vm *vm, const struct vcpu_state *st)
{
	uint8_t code[6] = {0};
	char pc[32];
	vm_read_ram(vm, vcpu_state_pc(st), code, sizeof(code));
	report_format_pc(st, pc, sizeof(pc));
	fprintf(stderr,
	        "kvm-gdbstub: KVM could not emulate the instruction at %s (bytes %02x %02x %02x "
	        "%02x %02x %02x): the built-in CPU runs it\n",
	        pc, code[0], code[1], code[2], code[3], code[4], code[5]);
}

/* Run one instruction of the guest on the built-in CPU over the same RAM
 * and devices, then give the state back to KVM.  0, or -1 if the built-in
 * CPU cannot run it either. */
static int run_on_stand_in(struct vm *vm, struct run_result *res)
{
	struct vcpu_state st;
	struct vcpu_exit x;
	const struct vcpu_debug step = {.singlestep = true};
	if (!vm->stand_in && !(vm->stand_in = vm_create_emu_vcpu(vm)))
		return -1;
	if (vcpu_get_state(vm->vcpu, &st) < 0)
		return -1;
	if (vm->cfg.verbose)
		trace_handover(vm, &st);
	vcpu_ram_written(vm->stand_in, 0, vm->ram_size); /* KVM changed RAM meanwhile */
	if (vcpu_set_state(vm->stand_in, &st) < 0 || vcpu_set_debug(vm->stand_in, &step) < 0)
		return -1;
	/* An interrupt KVM could not deliver (its gate is what failed) goes
	 * with the state: the stand-in delivers it, then runs one instruction. */
	int vector = vcpu_take_pending_interrupt(vm->vcpu);
	if (vector >= 0 && vcpu_inject_interrupt(vm->stand_in, (uint8_t)vector) < 0)
		return -1;
	for (;;) {
		if (vcpu_run(vm->stand_in, &x) < 0)
			return -1;
		if (x.reason == VCPU_EXIT_IO)
			serve_io(vm, vm->stand_in, &x, res);
		else if (x.reason == VCPU_EXIT_MMIO)
			serve_mmio(vm, vm->stand_in, &x);
		else if (x.reason == VCPU_EXIT_MSR)
			serve_msr(vm, vm->cpu->index, &x);
		else if (x.reason == VCPU_EXIT_DEBUG || x.reason == VCPU_EXIT_HLT)
			break;
		else
			return -1;
	}
	if (vcpu_get_state(vm->stand_in, &st) < 0 || vcpu_set_state(vm->vcpu, &st) < 0)
		return -1;
	vm->stats.handovers++;
	return 0;
}

static int on_internal_error(struct vm *vm, struct run_result *res)
{
	if (res->exit.internal.suberror != EMULATION_FAILURE || vm->vcpu->caps.builtin)
		return RUN_FAULT;
	return run_on_stand_in(vm, res) == 0 ? after_device_access(vm, res) : RUN_FAULT;
}

static int on_fault(struct vm *vm, struct run_result *res)
{
	(void)vm;
	(void)res;
	return RUN_FAULT;
}

static const exit_handler exit_handlers[VCPU_EXIT_REASON_COUNT] = {
    [VCPU_EXIT_HLT] = on_halt,         [VCPU_EXIT_IO] = on_io,
    [VCPU_EXIT_MMIO] = on_mmio,        [VCPU_EXIT_DEBUG] = on_debug,
    [VCPU_EXIT_INTR] = on_intr,        [VCPU_EXIT_SHUTDOWN] = on_fault,
    [VCPU_EXIT_FAIL_ENTRY] = on_fault, [VCPU_EXIT_INTERNAL_ERROR] = on_internal_error,
    [VCPU_EXIT_UNKNOWN] = on_fault,    [VCPU_EXIT_IRQ_WINDOW] = on_irq_window,
    [VCPU_EXIT_HYPERCALL] = on_hypercall, [VCPU_EXIT_MSR] = on_msr,
};

static void trace_exit(struct vm *vm, const struct vcpu_exit *e)
{
	char line[160];
	runloop_describe_exit(e, line, sizeof(line));
	if (vm->n_cpus > 1) /* which vCPU, once there are several */
		fprintf(stderr, "VM Exit #%llu (CPU %u): %s\n", (unsigned long long)vm->stats.total,
		        vm->cpu->index, line);
	else
		fprintf(stderr, "VM Exit #%llu: %s\n", (unsigned long long)vm->stats.total, line);
}

static void run_exits(struct vm *vm, struct run_result *res);

/* Several vCPUs share this thread: after every exit the next one that can
 * run takes its turn (round robin), so that a run is the same every time
 * on the built-in CPU; a halted one only when an interrupt waits for it.
 * A turn also ends after a slice (vm_deadline_timer_arm). */
static void schedule(struct vm *vm)
{
	unsigned n = vm->n_cpus, cur = vm->cpu->index;
	for (unsigned k = 1; k <= n; k++) {
		struct vm_cpu *c = &vm->cpus[(cur + k) % n];
		if (c->state != VM_CPU_RUNNING || c->held)
			continue;
		if (!c->halted || interrupts_pending(vm, c)) {
			vm_select_cpu(vm, c);
			return;
		}
	}
	/* None can run: the current one's halt (or its hold) stands. */
}

void runloop_run(struct vm *vm, struct run_result *res)
{
	vm->running = true;
	vm_flush_timer_arm(vm, true);
	if (vm_threaded(vm))
		vcpu_threads_run(vm, res);
	else
		run_exits(vm, res);
	vm->running = false;
	vm_deadline_timer_arm(vm, VCLOCK_NEVER); /* stopped: no kicks meanwhile */
	vm_flush_timer_arm(vm, false);
}

static void run_exits(struct vm *vm, struct run_result *res)
{
	res->stop.requested = false;
	for (;;) {
		struct vcpu_exit *e = &res->exit;
		int r;
		if (vm->n_cpus > 1)
			schedule(vm);
		if (vm->cpu->halted && (r = interrupts_wait_halted(vm)) != RUN_CONTINUE) {
			*e = (struct vcpu_exit){.reason = r == RUN_HALTED ? VCPU_EXIT_HLT : VCPU_EXIT_INTR};
			res->outcome = (enum run_outcome)r;
			return;
		}
		interrupts_before_run(vm);
		r = vcpu_run(vm->vcpu, e);
		if ((r = runloop_serve_exit(vm, res, r)) != RUN_CONTINUE) {
			res->outcome = (enum run_outcome)r;
			return;
		}
	}
}

int runloop_serve_exit(struct vm *vm, struct run_result *res, int run_error)
{
	struct vcpu_exit *e = &res->exit;
	if (run_error < 0) {
		res->error = run_error;
		return RUN_ERROR;
	}
	if ((unsigned)e->reason >= VCPU_EXIT_REASON_COUNT)
		e->reason = VCPU_EXIT_UNKNOWN;
	if (vm->cfg.verbose)
		trace_exit(vm, e); /* numbered from 0, like the original VMM */
	if (e->queued) {
		vm->stats.queued_writes++;
	} else {
		vm->stats.total++;
		vm->stats.exits[e->reason]++;
		vm->cpu->exits++;
	}
	int r = exit_handlers[e->reason](vm, res);
	if (r == RUN_STOP_REQUEST && vcpu_complete_io(vm->vcpu) < 0)
		r = RUN_ERROR; /* the state a debugger would see is not consistent */
	return r;
}
