/* The GDB target: what gdbstub.c asks of the guest, done with the VM.
 *
 * Address policy: every address from GDB is a guest linear address; with no
 * paging, linear is physical, so memory packets go straight to guest RAM
 * (with breakpoint patches hidden), and breakpoints match CS.base + EIP.
 * With the guest's paging on, memory packets go page by page through its
 * page tables (x86_translate: no accessed/dirty bits, an unmapped page is
 * an error), for either backend.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/emu.h"
#include "bios/bios.h"
#include "replay/history.h"
#include "target/gdb_target.h"
#include "vmm/hypercall.h"
#include "vmm/interrupts.h"
#include "vmm/report.h"
#include "target/monitor.h"
#include "target/reverse.h"
#include "vmm/runloop.h"

#define HLT_OPCODE 0xf4

static struct gdb_target *to_target(void *ctx)
{
	return ctx;
}

/* The selected vCPU's own backend vcpu (not a stand-in). */
static struct vcpu *primary(const struct gdb_target *t)
{
	return t->vm->cpu->own;
}

/* ---- state -------------------------------------------------------- */

static int get_state(void *ctx, struct vcpu_state *st)
{
	struct gdb_target *t = to_target(ctx);
	if (!t->cache_valid) {
		int r = vcpu_get_state(t->vm->vcpu, &t->cache);
		if (r < 0)
			return r;
		t->cache_valid = true;
	}
	*st = t->cache;
	return 0;
}

static int set_state(void *ctx, const struct vcpu_state *st)
{
	struct gdb_target *t = to_target(ctx);
	if (reverse_in_past(t))
		return -EPERM; /* the past is what it was */
	int r = vcpu_set_state(t->vm->vcpu, st);
	if (r < 0) {
		t->cache_valid = false;
		return r;
	}
	t->cache = *st;
	t->cache_valid = true;
	return 0;
}

/* Move vCPU c's state to another vcpu (KVM <-> the built-in CPU). */
static int migrate_cpu(struct gdb_target *t, struct vm_cpu *c, struct vcpu *to)
{
	struct vcpu *from = c->vcpu;
	if (from == to)
		return 0;
	struct vcpu_state st;
	int r = vcpu_get_state(from, &st);
	if (r == 0)
		r = vcpu_set_state(to, &st);
	if (r < 0)
		return r;
	int vector = vcpu_take_pending_interrupt(from); /* it goes with the state */
	if (vector >= 0 && (r = vcpu_inject_interrupt(to, (uint8_t)vector)) < 0)
		return r;
	if (from != c->own && (r = vcpu_set_debug(from, &(struct vcpu_debug){0})) < 0)
		return r;
	debug_forget_applied(&t->dbg);
	if (to->caps.builtin) /* the gate may have moved while it did not run */
		emu_vcpu_set_a20(to, !t->vm->a20_off);
	vcpu_ram_written(to, 0, t->vm->ram_size); /* the other one ran: code may differ */
	vm_set_cpu_vcpu(t->vm, c, to); /* vm_kick() reads vm->vcpu */
	/* A catchpoint set, or the COM1 count reached, while the other CPU ran
	 * left KVM's output queuing as it was: decide it again. */
	vm_console_queue_update(t->vm);
	return 0;
}

static int migrate(struct gdb_target *t, struct vcpu *to)
{
	return migrate_cpu(t, t->vm->cpu, to);
}

/* The built-in CPU that stands in for vCPU i (made on first use; all of
 * one VM, so that code one of them writes is seen by the others), or NULL. */
static struct vcpu *stand_in(struct gdb_target *t, unsigned i)
{
	char err[160];
	if (!t->emu_vm) {
		t->emu_vm = emu_vm_create(t->vm->ram, t->vm->ram_size);
		if (!t->emu_vm || vcpu_vm_map_hole(t->emu_vm, PC_RTC_MMIO_BASE, PC_RTC_MMIO_SIZE) < 0)
			return NULL;
	}
	while (t->n_emus <= i) {
		struct vcpu *v = vcpu_vm_create_vcpu(t->emu_vm, t->n_emus, err, sizeof(err));
		if (!v)
			return NULL;
		t->emus[t->n_emus++] = v;
	}
	return t->emus[i];
}

/* Every vCPU on its stand-in (emulate) or on its own backend.  One vCPU
 * runs in turn with the others on one thread, so all of them move. */
static int run_all_on(struct gdb_target *t, bool emulate)
{
	struct vm *vm = t->vm;
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		struct vcpu *to = emulate ? stand_in(t, i) : vm->cpus[i].own;
		int r = to ? migrate_cpu(t, &vm->cpus[i], to) : -ENOMEM;
		if (r < 0)
			return r;
	}
	return 0;
}

int gdb_target_settle(struct gdb_target *t)
{
	return run_all_on(t, false);
}

int gdb_target_hand_over(struct gdb_target *t)
{
	return run_all_on(t, true);
}

struct vcpu *gdb_target_stand_in(struct gdb_target *t, unsigned cpu)
{
	return cpu < t->n_emus ? t->emus[cpu] : NULL;
}

static int read_mem(void *ctx, uint64_t addr, void *buf, size_t len);
static bool guest_paging(struct gdb_target *t);

/* The REP string instruction at the pc with iterations left, if any. */
static bool rep_at_pc(struct gdb_target *t, struct x86_rep_string *rs)
{
	struct vcpu_state st;
	uint8_t code[15];
	if (get_state(t, &st) < 0)
		return false;
	uint32_t pc = vcpu_state_pc(&st);
	size_t n = sizeof(code);
	if (!guest_paging(t)) { /* with paging read_mem() translates */
		if (pc >= t->vm->ram_size)
			return false;
		n = t->vm->ram_size - pc < n ? t->vm->ram_size - pc : n;
	}
	return read_mem(t, pc, code, n) == 0 &&
	       x86_rep_string_decode(code, n, st.seg[SREG_CS].db, rs) && x86_rep_count(rs, &st);
}

/* A KVM that runs a stepped REP string instruction whole (its real-mode
 * emulator) hands that step to the built-in CPU, which stops after each
 * iteration as hardware does.  (With the count at 0 KVM steps it right.) */
static bool step_needs_emulation(struct gdb_target *t)
{
	struct x86_rep_string rs;
	return !t->dbg.caps.rep_steps_per_iteration && rep_at_pc(t, &rs);
}

/* What the next run needs: the stand-ins while a point needs them, for a
 * step KVM cannot take, or while reverse execution records there. */
static int choose_runner(struct gdb_target *t, bool stepping)
{
	bool emulate = t->record_handover || debug_needs_emulation(&t->dbg) ||
	               (stepping && step_needs_emulation(t));
	if (t->vm->n_cpus > 1)
		return run_all_on(t, emulate);
	struct vcpu *to = emulate ? stand_in(t, 0) : primary(t);
	return to ? migrate(t, to) : -ENOMEM;
}

/* ---- memory ------------------------------------------------------- */

/* Bytes outside RAM read as all ones, as the guest's own reads do.  GDB
 * needs it: without symbols it lays out frame 0 by whether the byte at the
 * pc is readable, so a pc moved outside RAM changed frame 0's id, an outer
 * frame took the old id, and GDB re-selected that frame after a register
 * write (tests/gdb/frame-id.gdb). */
/* Linear -> guest-physical through the guest's page tables now (CR0, CR3,
 * CR4 from the vCPU's state); 0 or -EFAULT. */
static int translate(void *ctx, uint32_t lin, uint32_t *phys)
{
	struct gdb_target *t = to_target(ctx);
	struct vcpu_state st;
	int r = get_state(t, &st);
	if (r < 0)
		return r;
	return x86_translate(t->vm->ram, t->vm->ram_size, st.cr0, st.cr3, st.cr4, lin, phys);
}

static bool guest_paging(struct gdb_target *t)
{
	struct vcpu_state st;
	return get_state(t, &st) == 0 && (st.cr0 & 0x80000001u) == 0x80000001u;
}

/* Do op on each piece of linear [addr, addr+len) within one page, at its
 * physical address: 0, or the first error (-EFAULT: a page not mapped). */
static int by_page(struct gdb_target *t, uint64_t addr, size_t len,
                   int (*op)(struct gdb_target *t, uint64_t pa, size_t off, size_t n, void *arg),
                   void *arg)
{
	for (size_t off = 0; off < len;) {
		uint64_t lin = addr + off;
		size_t n = 0x1000 - (lin & 0xfff);
		uint32_t pa;
		if (n > len - off)
			n = len - off;
		if (lin > UINT32_MAX || translate(t, (uint32_t)lin, &pa) < 0)
			return -EFAULT;
		int r = op(t, pa, off, n, arg);
		if (r < 0)
			return r;
		off += n;
	}
	return 0;
}

static int read_phys(struct gdb_target *t, uint64_t addr, void *buf, size_t len);

static int read_piece(struct gdb_target *t, uint64_t pa, size_t off, size_t n, void *buf)
{
	return read_phys(t, pa, (uint8_t *)buf + off, n);
}

static int read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct gdb_target *t = to_target(ctx);
	if (guest_paging(t))
		return by_page(t, addr, len, read_piece, buf);
	return read_phys(t, addr, buf, len);
}

/* Guest-physical memory as the debugger sees it. */
static int read_phys(struct gdb_target *t, uint64_t addr, void *buf, size_t len)
{
	uint64_t ram = t->vm->ram_size;
	size_t in_ram = addr >= ram ? 0 : len < ram - addr ? len : (size_t)(ram - addr);
	memset((uint8_t *)buf + in_ram, 0xff, len - in_ram);
	if (in_ram == 0)
		return 0;
	int r = vm_read_ram(t->vm, addr, buf, in_ram);
	if (r == 0)
		debug_shadow(&t->dbg, (uint32_t)addr, buf, in_ram);
	return r;
}

static int write_phys(struct gdb_target *t, uint64_t addr, const void *buf, size_t len);

static int check_piece(struct gdb_target *t, uint64_t pa, size_t off, size_t n, void *arg)
{
	(void)off, (void)arg;
	return vm_ram_range(t->vm, pa, n) ? 0 : -EFAULT;
}

static int write_piece(struct gdb_target *t, uint64_t pa, size_t off, size_t n, void *buf)
{
	return write_phys(t, pa, (const uint8_t *)buf + off, n);
}

/* All or nothing: every page is checked before any is written. */
static int write_mem(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct gdb_target *t = to_target(ctx);
	if (reverse_in_past(t))
		return -EPERM; /* the past is what it was */
	if (!guest_paging(t))
		return write_phys(t, addr, buf, len);
	int r = by_page(t, addr, len, check_piece, NULL);
	return r < 0 ? r : by_page(t, addr, len, write_piece, (void *)buf);
}

static int write_phys(struct gdb_target *t, uint64_t addr, const void *buf, size_t len)
{
	int r = vm_write_ram(t->vm, addr, buf, len);
	if (r == 0) {
		debug_after_write(&t->dbg, (uint32_t)addr, len);
		struct vcpu *emu = gdb_target_stand_in(t, 0);
		if (emu && emu != t->vm->vcpu)
			vcpu_ram_written(emu, addr, len);
	}
	return r;
}

/* ---- breakpoints and watchpoints ---------------------------------- */

/* A breakpoint patch changed guest code: both CPUs must see it. */
static void patched(void *ctx, uint32_t addr)
{
	struct gdb_target *t = ctx;
	vcpu_ram_written(primary(t), addr, 1);
	struct vcpu *emu = gdb_target_stand_in(t, 0); /* its code map is all of theirs */
	if (emu)
		vcpu_ram_written(emu, addr, 1);
}

/* The VMM wrote guest RAM (the BIOS loading code from disk, a hypercall, a
 * snapshot): breakpoints set there before are patched back over it. */
static void vmm_wrote(void *ctx, uint64_t gpa, uint64_t len)
{
	struct gdb_target *t = ctx;
	if (gpa >= t->vm->ram_size)
		return;
	uint64_t room = t->vm->ram_size - gpa;
	debug_after_write(&t->dbg, (uint32_t)gpa, (size_t)(len < room ? len : room));
}

static int insert_point(void *ctx, enum target_point type, uint64_t addr, unsigned kind)
{
	struct gdb_target *t = to_target(ctx);
	if (addr > UINT32_MAX)
		return -EINVAL;
	return debug_insert(&t->dbg, type, (uint32_t)addr, kind);
}

static int remove_point(void *ctx, enum target_point type, uint64_t addr, unsigned kind)
{
	struct gdb_target *t = to_target(ctx);
	if (addr > UINT32_MAX)
		return -EINVAL;
	int r = debug_remove(&t->dbg, type, (uint32_t)addr, kind);
	return r == -ENOENT ? 0 : r; /* removing what is gone is not an error */
}

/* ---- running ------------------------------------------------------ */

static void set_stop(struct gdb_target *t, struct target_stop *stop, enum target_stop_kind kind,
                     int signal)
{
	(void)t;
	*stop = (struct target_stop){.kind = kind, .signal = signal};
}

static void stop_halted(struct gdb_target *t, struct target_stop *stop)
{
	if (t->halt == HALT_EXIT) {
		set_stop(t, stop, TARGET_STOP_EXITED, 0);
		t->exited = true;
		return;
	}
	set_stop(t, stop, TARGET_STOP_HALTED, GDB_SIGTRAP);
	stop->why = "guest executed hlt\n";
}

static void stop_at_breakpoint(struct gdb_target *t, const struct debug_point *p,
                               struct target_stop *stop)
{
	set_stop(t, stop, p->type == TARGET_BP_HW ? TARGET_STOP_HWBREAK : TARGET_STOP_SWBREAK,
	         GDB_SIGTRAP);
}

static uint32_t current_pc(struct gdb_target *t)
{
	struct vcpu_state st;
	return get_state(t, &st) == 0 ? vcpu_state_pc(&st) : 0;
}

/* The hlt-patched breakpoint a vCPU in state st just executed, or NULL. */
static const struct debug_point *hlt_patch_behind(const struct gdb_target *t,
                                                  const struct vcpu_state *st)
{
	const struct debug_point *p = debug_find_breakpoint(&t->dbg, vcpu_state_pc(st) - 1);
	return p && p->mech == MECH_HLT ? p : NULL;
}

/* run_watch.hlt_is_breakpoint: the run loop would let a hlt with
 * interrupts on sleep; a patched one must stop instead. */
static bool hlt_is_breakpoint(void *ctx, struct vcpu *vcpu)
{
	struct gdb_target *t = ctx;
	struct vcpu_state st;
	return t->dbg.count && vcpu_get_state(vcpu, &st) == 0 && hlt_patch_behind(t, &st);
}

/* A hlt exit at a hlt-patched breakpoint is that breakpoint: put the pc
 * back on it.  Returns true if it was one. */
static bool hlt_breakpoint(struct gdb_target *t, struct target_stop *stop)
{
	struct vcpu_state st;
	if (get_state(t, &st) < 0)
		return false;
	const struct debug_point *p = hlt_patch_behind(t, &st);
	if (!p)
		return false;
	st.eip--;
	if (set_state(t, &st) < 0)
		return false;
	stop_at_breakpoint(t, p, stop);
	return true;
}

static int reinject_int3(struct gdb_target *t);

/* Translate a debug exit.  Returns true to report *stop, false to go on. */
static bool classify_debug(struct gdb_target *t, const struct vcpu_exit *e, bool stepping,
                           struct target_stop *stop)
{
	const struct debug_point *p;
	switch (e->debug.kind) {
	case VCPU_DEBUG_STEP:
		set_stop(t, stop, TARGET_STOP_STEP, GDB_SIGTRAP);
		return stepping;
	case VCPU_DEBUG_WATCHPOINT:
		gdb_target_point_stop(t, e, stop);
		return true;
	case VCPU_DEBUG_BREAKPOINT:
	case VCPU_DEBUG_SW_BREAK:
		p = debug_find_breakpoint(&t->dbg, e->debug.addr);
		if (!p && e->debug.kind == VCPU_DEBUG_SW_BREAK && reinject_int3(t) == 0)
			return stepping; /* the guest's own int3, delivered to it */
		gdb_target_point_stop(t, e, stop);
		return true;
	}
	return true;
}

void gdb_target_point_stop(struct gdb_target *t, const struct vcpu_exit *e,
                           struct target_stop *stop)
{
	const struct debug_point *p;
	if (e->debug.kind == VCPU_DEBUG_WATCHPOINT) {
		p = debug_find_watchpoint(&t->dbg, e->debug.addr);
		set_stop(t, stop, TARGET_STOP_WATCH, GDB_SIGTRAP);
		stop->point = p ? p->type : TARGET_WP_WRITE;
		stop->addr = p ? p->addr : e->debug.addr;
	} else if ((p = debug_find_breakpoint(&t->dbg, e->debug.addr))) {
		stop_at_breakpoint(t, p, stop);
	} else {
		set_stop(t, stop, TARGET_STOP_SWBREAK, GDB_SIGTRAP);
	}
}

static int fault_signal(const struct vcpu_exit *e)
{
	switch (e->reason) {
	case VCPU_EXIT_SHUTDOWN:
		return GDB_SIGSEGV;
	case VCPU_EXIT_INTERNAL_ERROR:
		return GDB_SIGILL;
	case VCPU_EXIT_FAIL_ENTRY:
		return GDB_SIGBUS;
	default:
		return GDB_SIGABRT;
	}
}

static void stop_fault(struct gdb_target *t, const struct vcpu_exit *e, struct target_stop *stop)
{
	set_stop(t, stop, TARGET_STOP_SIGNAL, fault_signal(e));
	char what[120];
	report_fault_reason(e, what, sizeof(what));
	snprintf(t->why, sizeof(t->why), "guest stopped: %s\n", what);
	stop->why = t->why;
}

/* Turn one run of the loop into a stop.  Returns true to report *stop. */
/* Consume a pending Ctrl-C (the watcher thread sets it): true if there was one. */
bool gdb_target_take_interrupt(struct gdb_target *t)
{
	return __atomic_exchange_n(&t->interrupt_requested, 0, __ATOMIC_SEQ_CST);
}

/* A Ctrl-C that finds the guest stuck on a hypercall the host does not
 * deliver tells GDB why the guest made no progress. */
static void explain_interrupt(struct gdb_target *t, struct target_stop *stop)
{
	const char *cause = report_stuck_hypercall(t->vm);
	if (cause) {
		snprintf(t->why, sizeof(t->why), "%s\n", cause);
		stop->why = t->why;
	}
}

static bool classify(struct gdb_target *t, const struct run_result *res, bool stepping,
                     struct target_stop *stop)
{
	switch (res->outcome) {
	case RUN_HALTED:
		if (!hlt_breakpoint(t, stop))
			stop_halted(t, stop);
		return true;
	case RUN_EXITED:
		set_stop(t, stop, TARGET_STOP_EXITED, 0);
		stop->code = t->vm->exit_status;
		t->exited = true;
		return true;
	case RUN_DEBUG:
		return classify_debug(t, &res->exit, stepping, stop);
	case RUN_INTERRUPTED:
		if (!gdb_target_take_interrupt(t))
			return false; /* a stray signal */
		set_stop(t, stop, TARGET_STOP_INTERRUPT, GDB_SIGINT);
		explain_interrupt(t, stop);
		return true;
	case RUN_STOP_REQUEST:
		if (res->stop.kind == RUN_STOP_MAGIC) {
			set_stop(t, stop, TARGET_STOP_MAGIC, GDB_SIGTRAP);
			stop->why = "guest magic breakpoint (port 0x8a00)\n";
		} else if (res->stop.kind == RUN_STOP_HYPERCALL) {
			set_stop(t, stop, TARGET_STOP_PORT, GDB_SIGTRAP);
			const char *name = hypercall_name(res->stop.hypercall);
			snprintf(t->why, sizeof(t->why), "hypercall catchpoint: %#x (%s)\n",
			         res->stop.hypercall, name ? name : "unknown");
			stop->why = t->why;
		} else {
			set_stop(t, stop, TARGET_STOP_PORT, GDB_SIGTRAP);
			snprintf(t->why, sizeof(t->why), "port catchpoint: port %#x\n",
			         res->stop.port);
			stop->why = t->why;
		}
		return true;
	case RUN_FAULT:
		stop_fault(t, &res->exit, stop);
		return true;
	case RUN_ERROR:
		set_stop(t, stop, TARGET_STOP_SIGNAL, GDB_SIGABRT);
		snprintf(t->why, sizeof(t->why), "running the vCPU failed: %s\n",
		         strerror(-res->error));
		stop->why = t->why;
		return true;
	}
	return true;
}

static void run_once(struct gdb_target *t, struct run_result *res)
{
	/* A Ctrl-C that came while the guest moved between CPUs kicked the
	 * other one: kick the one about to run. */
	if (__atomic_load_n(&t->interrupt_requested, __ATOMIC_SEQ_CST))
		vm_kick(t->vm);
	t->cache_valid = false;
	runloop_run(t->vm, res);
	t->cache_valid = false;
	debug_after_run(&t->dbg); /* the guest may have written over a patch */
}

/* What the CPU that runs the guest now can do: the primary backend as the
 * debug model sees it (t->dbg.caps), or the built-in CPU standing in. */
static const struct vcpu_caps *runner_caps(const struct gdb_target *t)
{
	return t->vm->vcpu == primary(t) ? &t->dbg.caps : &t->vm->vcpu->caps;
}

/* Stepping onto hlt where the vCPU reports the step, never the halt (KVM
 * emulating real mode): execute the hlt here.  With IF = 1 and a source
 * that can wake it the CPU sleeps, and the step goes on: it waits for the
 * interrupt and ends after the handler's first instruction.  Returns true
 * with *stop filled if the guest halted for good instead. */
static bool step_hlt_by_hand(struct gdb_target *t, struct target_stop *stop)
{
	struct vcpu_state st;
	if (get_state(t, &st) == 0) {
		st.eip++;
		set_state(t, &st);
	}
	if (interrupts_hlt_can_wake(t->vm)) {
		t->vm->cpu->halted = true;
		return false;
	}
	stop_halted(t, stop);
	return true;
}

/* Breakpoints and watchpoints are the same on every vCPU: the ones the run
 * may also schedule get theirs too (no single-step, no skipped point). */
static int apply_to_other_cpus(struct gdb_target *t)
{
	struct vm *vm = t->vm;
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		struct vm_cpu *c = &vm->cpus[i];
		if (c == vm->cpu)
			continue;
		int r = debug_apply(&t->dbg, c->vcpu, false, UINT32_MAX, c->vcpu != c->own);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Execute one instruction with the breakpoint at the pc (if any) out of the
 * way.  Returns true with *stop filled if the step itself stopped. */
static bool step_once(struct gdb_target *t, bool reporting, struct target_stop *stop)
{
	uint32_t pc = current_pc(t);
	uint8_t op;
	/* Stepping onto hlt: some KVMs report the step, never the halt. */
	if (!runner_caps(t)->hlt_exits_when_stepping && read_mem(t, pc, &op, 1) == 0 &&
	    op == HLT_OPCODE) {
		if (step_hlt_by_hand(t, stop))
			return true;
		pc = current_pc(t);
	}
	const struct debug_point *bp = debug_find_breakpoint(&t->dbg, pc);
	if (bp)
		debug_unpatch(&t->dbg, bp);
	int r = debug_apply(&t->dbg, t->vm->vcpu, true, bp ? pc : UINT32_MAX,
	                    t->vm->vcpu != primary(t));
	if (r == 0)
		r = apply_to_other_cpus(t);
	struct run_result res;
	bool stopped;
	if (r < 0) {
		res = (struct run_result){.outcome = RUN_ERROR, .error = r};
		stopped = classify(t, &res, true, stop);
	} else {
		t->watch.stepping = true;
		do {
			run_once(t, &res);
			stopped = classify(t, &res, true, stop);
		} while (!stopped && res.outcome == RUN_INTERRUPTED);
		t->watch.stepping = false;
	}
	if (bp)
		debug_repatch(&t->dbg, bp);
	if (!reporting && stopped && stop->kind == TARGET_STOP_STEP)
		return false;
	return stopped;
}

/* The guest's own int3 trapped because int3 patches are armed: deliver it
 * through the guest's IVT by stepping it with software breakpoints off. */
static int reinject_int3(struct gdb_target *t)
{
	struct run_result res;
	struct vcpu_debug dbg = {.singlestep = true};
	debug_forget_applied(&t->dbg);
	int r = vcpu_set_debug(t->vm->vcpu, &dbg);
	if (r < 0)
		return r;
	run_once(t, &res);
	return res.outcome == RUN_DEBUG ? 0 : -EIO;
}

/* Leave a breakpoint at the pc, as hardware's RF flag does, so continuing
 * from a breakpoint does not hit it again: one step, or as many as a REP
 * string instruction still has iterations.  True if a step stopped. */
static bool step_off_breakpoint(struct gdb_target *t, struct target_stop *stop, int *r)
{
	uint32_t pc = current_pc(t);
	struct x86_rep_string rs;
	if (!debug_find_breakpoint(&t->dbg, pc))
		return false;
	do {
		*r = choose_runner(t, true);
		if (*r < 0 || step_once(t, false, stop))
			return *r == 0;
	} while (current_pc(t) == pc && rep_at_pc(t, &rs));
	return false;
}

static int do_continue(struct gdb_target *t, struct target_stop *stop)
{
	int r = 0;
	if (step_off_breakpoint(t, stop, &r))
		return 0;
	if (r == 0)
		r = choose_runner(t, false);
	struct run_result res;
	do {
		/* Every round: delivering the guest's own int3 changes the setup. */
		if (r == 0)
			r = debug_apply(&t->dbg, t->vm->vcpu, false, UINT32_MAX,
			                t->vm->vcpu != primary(t));
		if (r == 0)
			r = apply_to_other_cpus(t);
		if (r < 0)
			return r;
		run_once(t, &res);
	} while (!classify(t, &res, false, stop));
	return 0;
}

/* At the entry of a --boot BIOS stub (its `out` to the trap port). */
static bool at_bios_stub(struct gdb_target *t)
{
	return t->vm->boot && bios_vector_at(current_pc(t) + 2) >= 0;
}

static int resume(void *ctx, enum target_resume how, struct target_stop *stop)
{
	struct gdb_target *t = to_target(ctx);
	if (t->exited) {
		set_stop(t, stop, TARGET_STOP_EXITED, 0);
		return 0;
	}
	t->watch.magic_break = true;
	t->watch.hlt_is_breakpoint = hlt_is_breakpoint;
	t->watch.ctx = t;
	t->vm->watch = &t->watch;
	if (gdb_target_take_interrupt(t)) {
		/* Ctrl-C landed after the last stop: it is this resume's answer. */
		set_stop(t, stop, TARGET_STOP_INTERRUPT, GDB_SIGINT);
		t->last = *stop;
		return 0;
	}
	if (reverse_in_past(t)) /* forward inside history: a replay */
		return reverse_forward(t, t->vm->cpu->index, how, stop);
	int r = 0;
	if (how == TARGET_STEP) {
		r = choose_runner(t, true);
		if (r == 0 && !step_once(t, true, stop))
			set_stop(t, stop, TARGET_STOP_STEP, GDB_SIGTRAP);
		/* A step into a BIOS service goes on through it: the service is
		 * host code, with no instructions of its own to step. */
		if (r == 0 && stop->kind == TARGET_STOP_STEP && at_bios_stub(t) &&
		    !step_once(t, true, stop))
			set_stop(t, stop, TARGET_STOP_STEP, GDB_SIGTRAP);
	} else {
		r = do_continue(t, stop);
	}
	if (r == 0)
		t->last = *stop;
	if (t->before_stop)
		t->before_stop(t->before_stop_ctx);
	return r;
}

static void interrupt_guest(void *ctx)
{
	struct gdb_target *t = to_target(ctx);
	/* The watcher thread: the vCPU may be changing (migrate()); either this
	 * kicks the new one, or run_once() sees the request and kicks it. */
	__atomic_store_n(&t->interrupt_requested, 1, __ATOMIC_SEQ_CST);
	vm_kick(t->vm);
	reverse_interrupt(t);
}

static void last_stop(void *ctx, struct target_stop *stop)
{
	*stop = to_target(ctx)->last;
}

/* ---- life cycle --------------------------------------------------- */

static int restart(void *ctx)
{
	struct gdb_target *t = to_target(ctx);
	char err[300];
	reverse_release(t); /* the reset's writes are no history */
	debug_remove_all(&t->dbg);
	int r = gdb_target_settle(t);
	if (r < 0)
		return r;
	if (vm_reset(t->vm, err, sizeof(err)) < 0) {
		fprintf(stderr, "kvm-gdbstub: %s\n", err);
		return -EIO;
	}
	r = vcpu_set_debug(t->vm->vcpu, &(struct vcpu_debug){0});
	if (r < 0)
		return r;
	debug_forget_applied(&t->dbg);
	t->cache_valid = false;
	t->exited = false;
	__atomic_store_n(&t->interrupt_requested, 0, __ATOMIC_SEQ_CST);
	set_stop(t, &t->last, TARGET_STOP_STEP, GDB_SIGTRAP);
	return t->vm->watch ? reverse_attach(t) : 0;
}

static void clear_debug(struct gdb_target *t)
{
	reverse_release(t);
	debug_remove_all(&t->dbg);
	int r = gdb_target_settle(t);
	if (r == 0)
		r = vcpu_set_debug(t->vm->vcpu, &(struct vcpu_debug){0});
	if (r < 0) /* the guest may still trap into a debugger that is gone */
		fprintf(stderr, "kvm-gdbstub: clearing the debug state failed: %s\n", strerror(-r));
	debug_forget_applied(&t->dbg);
	t->vm->watch = NULL; /* a detached guest stops for nobody */
}

static void kill_guest(void *ctx)
{
	struct gdb_target *t = to_target(ctx);
	clear_debug(t);
	restart(t); /* the next debugger gets a fresh guest */
}

static void detach_guest(void *ctx)
{
	clear_debug(to_target(ctx));
}

static int monitor(void *ctx, const char *cmd, char *out, size_t outlen)
{
	return monitor_run(to_target(ctx), cmd, out, outlen);
}

/* ---- threads: GDB's thread tid is vCPU tid - 1 ----------------------
 * The target works on the selected vCPU (vm->cpu); a thread's registers
 * and memory (its page tables) are reached by selecting it first. */

static struct gdb_target *on_thread(void *ctx, unsigned tid)
{
	struct gdb_target *t = to_target(ctx);
	struct vm *vm = t->vm;
	if (tid >= 1 && tid <= vm->n_cpus && vm->cpu != &vm->cpus[tid - 1]) {
		vm_select_cpu(vm, &vm->cpus[tid - 1]);
		t->cache_valid = false;
	}
	return t;
}

static unsigned thread_count(void *ctx)
{
	return to_target(ctx)->vm->n_cpus;
}

static int thread_info(void *ctx, unsigned tid, char *buf, size_t len)
{
	struct vm *vm = to_target(ctx)->vm;
	if (tid < 1 || tid > vm->n_cpus)
		return -ESRCH;
	const struct vm_cpu *c = &vm->cpus[tid - 1];
	struct vcpu_state st;
	bool pmode = vcpu_get_state(c->vcpu, &st) == 0 && (st.cr0 & CR0_PE);
	const char *run = c->state == VM_CPU_WAIT_SIPI ? "waiting for SIPI"
	                  : c->halted                  ? "halted"
	                                               : "running";
	snprintf(buf, len, "CPU %u, %s, %s", c->index, pmode ? "protected mode" : "real mode", run);
	return 0;
}

static int thread_get_state(void *ctx, unsigned tid, struct vcpu_state *st)
{
	return get_state(on_thread(ctx, tid), st);
}

static int thread_set_state(void *ctx, unsigned tid, const struct vcpu_state *st)
{
	return set_state(on_thread(ctx, tid), st);
}

static int thread_read_mem(void *ctx, unsigned tid, uint64_t addr, void *buf, size_t len)
{
	return read_mem(on_thread(ctx, tid), addr, buf, len);
}

static int thread_write_mem(void *ctx, unsigned tid, uint64_t addr, const void *buf, size_t len)
{
	return write_mem(on_thread(ctx, tid), addr, buf, len);
}

/* Breakpoints and watchpoints other vCPUs hit in the same run (KVM runs them
 * in parallel): each becomes a stop of its own thread, which the protocol
 * layer keeps for GDB's next resume.  Returns how many. */
static unsigned also_stopped(struct gdb_target *t, struct target_stop *stops, unsigned max)
{
	struct vm *vm = t->vm;
	struct vm_cpu *was = vm->cpu;
	unsigned n = 0;
	for (unsigned i = 0; i < vm->n_also && n < max; i++) {
		vm_select_cpu(vm, vm->also[i].cpu);
		t->cache_valid = false;
		if (classify(t, vm->also[i].res, false, &stops[n])) {
			stops[n].tid = vm->also[i].cpu->index + 1;
			n++;
		}
	}
	vm->n_also = 0;
	vm_select_cpu(vm, was);
	t->cache_valid = false;
	return n;
}

/* All-stop over the vCPUs: threads without an action are held where they
 * are; the stepped one (at most one: GDB steps one thread at a time) runs
 * first; the stop names the vCPU whose exit ended the run. */
static int thread_resume(void *ctx, const struct target_resume_req *req,
                         struct target_stop *stops, unsigned max)
{
	struct gdb_target *t = to_target(ctx);
	struct vm *vm = t->vm;
	struct vm_cpu *first = NULL;
	bool step = false;
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		enum target_resume how = i < req->nthreads ? req->how[i] : TARGET_HOLD;
		vm->cpus[i].held = how == TARGET_HOLD;
		if (how == TARGET_STEP && !step) {
			step = true;
			first = &vm->cpus[i];
		} else if (how != TARGET_HOLD && !first) {
			first = &vm->cpus[i];
		}
	}
	if (first)
		on_thread(ctx, first->index + 1);
	int r = resume(ctx, step ? TARGET_STEP : TARGET_CONTINUE, &stops[0]);
	for (unsigned i = 0; i < vm->n_cpus; i++)
		vm->cpus[i].held = false;
	stops[0].tid = vm->cpu->index + 1;
	t->cache_valid = false; /* the selection may have moved with the run */
	if (r < 0) {
		t->vm->n_also = 0;
		return r;
	}
	return 1 + (int)also_stopped(t, stops + 1, max - 1);
}

const struct target_ops gdb_target_ops = {
    .thread_count = thread_count,
    .thread_info = thread_info,
    .get_state = thread_get_state,
    .set_state = thread_set_state,
    .read_mem = thread_read_mem,
    .write_mem = thread_write_mem,
    .insert_point = insert_point,
    .remove_point = remove_point,
    .resume = thread_resume,
    .interrupt = interrupt_guest,
    .reverse = reverse_move,
    .last_stop = last_stop,
    .monitor = monitor,
    .restart = restart,
    .kill = kill_guest,
    .detach = detach_guest,
};

/* Test hook: KVM_GDBSTUB_DEBUG_MODEL=vtx makes the built-in CPU stand for KVM
 * on a VT-x/AMD-V host (int3 traps, four debug registers that fire for data),
 * so that the mechanisms chosen there are exercised where no such host is. */
static bool pretend_vtx(struct vcpu_caps *caps)
{
	const char *model = getenv("KVM_GDBSTUB_DEBUG_MODEL");
	if (!model || strcmp(model, "vtx") != 0)
		return false;
	caps->max_breakpoints = caps->max_watchpoints = VCPU_DEBUG_REGS;
	caps->sw_breakpoints_trap = caps->watchpoints_fire = true;
	return true;
}

int gdb_target_init(struct gdb_target *t, struct vm *vm, enum halt_policy halt)
{
	memset(t, 0, sizeof(*t));
	t->vm = vm;
	t->halt = halt;
	t->watch.magic_break = true;
	t->watch.hlt_is_breakpoint = hlt_is_breakpoint;
	t->watch.ctx = t;
	vm->watch = &t->watch; /* catchpoints count from the first command on */
	bool kvm = !vm->vcpu->caps.builtin;
	if (kvm) {
		t->probe_summary = vcpu_probe_debug(vm->vcpu); /* updates its caps */
		vcpu_debugger_attached(vm->vcpu, true);
	}
	struct vcpu_caps caps = vm->vcpu->caps; /* after the probe */
	if (!kvm && pretend_vtx(&caps)) {
		t->probe_summary = "none: the built-in CPU plays a VT-x host "
		                   "(KVM_GDBSTUB_DEBUG_MODEL=vtx)";
		kvm = true;
	}
	debug_init(&t->dbg, vm->ram, vm->ram_size, &caps, kvm);
	t->emu_model = !kvm;
	reverse_configure(t, true, HISTORY_DEFAULT_BUDGET);
	t->dbg.ram_changed = patched;
	t->dbg.ram_changed_ctx = t;
	t->dbg.translate = translate;
	t->dbg.translate_ctx = t;
	vm->ram_written_hook = vmm_wrote;
	vm->ram_written_ctx = t;
	set_stop(t, &t->last, TARGET_STOP_STEP, GDB_SIGTRAP);
	return 0;
}

int gdb_target_attach(struct gdb_target *t)
{
	return reverse_attach(t);
}

void gdb_target_free(struct gdb_target *t)
{
	clear_debug(t);
	t->vm->ram_written_hook = NULL;
	debug_free(&t->dbg);
	for (unsigned i = 0; i < t->n_emus; i++)
		vcpu_destroy(t->emus[i]);
	vcpu_vm_destroy(t->emu_vm);
	t->n_emus = 0;
	t->emu_vm = NULL;
	free(t->watch.port_catch);
	t->watch.port_catch = NULL;
}
