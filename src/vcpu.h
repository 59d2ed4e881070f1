/* The vCPU interface: one guest CPU, whatever executes it.
 *
 * Two backends implement it: KVM (kvm.c) and the built-in x86 interpreter
 * (cpu/).  The run loop, the devices, the loader and the GDB stub only ever
 * talk to a struct vcpu through these functions.
 *
 * Exits follow KVM's model: vcpu_run() returns one exit; for an `in` or an
 * MMIO read the caller stores the value into exit->io.data / exit->mmio.data
 * and the next vcpu_run() completes the instruction with it; an MSR access
 * likewise with *exit->msr.data or *exit->msr.gp.
 *
 * External interrupts follow KVM's user-space irqchip model: the caller owns
 * the interrupt controller, asks vcpu_interrupt_ready() at an exit, injects
 * one vector with vcpu_inject_interrupt(), or asks with
 * vcpu_request_interrupt_window() for an exit as soon as the guest can take
 * one.
 */
#ifndef KVM_GDBSTUB_VCPU_H
#define KVM_GDBSTUB_VCPU_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* General registers in x86 encoding order (the ModRM reg field). */
enum vcpu_gpr { GPR_EAX, GPR_ECX, GPR_EDX, GPR_EBX, GPR_ESP, GPR_EBP, GPR_ESI, GPR_EDI, GPR_COUNT };

/* Segment registers in x86 encoding order (the sreg field of mov). */
enum vcpu_sreg { SREG_ES, SREG_CS, SREG_SS, SREG_DS, SREG_FS, SREG_GS, SREG_COUNT };

/* EFLAGS bits used outside the CPU proper. */
#define EFLAGS_CF    0x0001u
#define EFLAGS_FIXED 0x0002u /* bit 1 always reads as 1 */
#define EFLAGS_TF    0x0100u
#define EFLAGS_IF    0x0200u
#define CR0_PE       0x00000001u

/* A segment register with its hidden descriptor cache, as KVM keeps it. */
struct vcpu_segment {
	uint32_t base;
	uint32_t limit; /* byte granular: 0xffff in real mode */
	uint16_t selector;
	uint8_t type; /* descriptor type field (4 bits) */
	uint8_t s;    /* 1 = code/data segment */
	uint8_t dpl;
	uint8_t present;
	uint8_t db; /* 1 = 32-bit default operand/address size */
	uint8_t g;  /* limit granularity (already applied to .limit) */
	uint8_t avl;
};

struct vcpu_dtable {
	uint32_t base;
	uint16_t limit;
};

/* The architectural state a debugger can see and change. */
struct vcpu_state {
	uint32_t gpr[GPR_COUNT];
	uint32_t eip; /* offset within CS, not linear */
	uint32_t eflags;
	struct vcpu_segment seg[SREG_COUNT];
	struct vcpu_dtable gdt, idt;
	struct vcpu_segment tr, ldt; /* task register, LDT register (present = 0: none) */
	uint32_t cr0, cr2, cr3, cr4;
};

/* Real-mode segment loading: base = selector * 16, 64 KiB limit, data rw. */
void vcpu_segment_set_real(struct vcpu_segment *seg, uint16_t selector);

/* The power-on state of this VMM: real mode, every segment 0, IP 0, SP 0. */
void vcpu_state_reset(struct vcpu_state *st);

/* Linear address of the instruction pointer: CS.base + EIP. */
static inline uint32_t vcpu_state_pc(const struct vcpu_state *st)
{
	return st->seg[SREG_CS].base + st->eip;
}

enum vcpu_exit_reason {
	VCPU_EXIT_HLT,            /* guest executed hlt; EIP is past it */
	VCPU_EXIT_IO,             /* port I/O, see exit.io */
	VCPU_EXIT_MMIO,           /* access outside guest RAM, see exit.mmio */
	VCPU_EXIT_DEBUG,          /* single-step, breakpoint or watchpoint */
	VCPU_EXIT_INTR,           /* vcpu_kick() or a signal interrupted the run */
	VCPU_EXIT_SHUTDOWN,       /* triple fault */
	VCPU_EXIT_FAIL_ENTRY,     /* the backend refused to enter the guest */
	VCPU_EXIT_INTERNAL_ERROR, /* the backend could not emulate an instruction */
	VCPU_EXIT_UNKNOWN,        /* a backend exit with no meaning here */
	VCPU_EXIT_IRQ_WINDOW,     /* the guest can take an interrupt (window requested) */
	VCPU_EXIT_HYPERCALL,      /* vmcall/vmmcall; EIP is past it, see exit.hypercall */
	VCPU_EXIT_MSR,            /* rdmsr/wrmsr left to the caller, see exit.msr */
	VCPU_EXIT_REASON_COUNT
};

/* IA32_APIC_BASE: the MSR the backends hand to the caller (VCPU_EXIT_MSR);
 * the built-in CPU hands over every MSR. */
#define VCPU_MSR_APIC_BASE 0x1bu

/* Name of an exit reason, e.g. "HLT", for messages and statistics. */
const char *vcpu_exit_reason_name(enum vcpu_exit_reason reason);

enum vcpu_debug_kind {
	VCPU_DEBUG_STEP,       /* one instruction done under single-step */
	VCPU_DEBUG_BREAKPOINT, /* about to execute an instruction breakpoint */
	VCPU_DEBUG_WATCHPOINT, /* an instruction touched watched data; it is done */
	VCPU_DEBUG_SW_BREAK,   /* an int3 trapped (KVM_GUESTDBG_USE_SW_BP) */
};

/* The instruction of a VCPU_EXIT_HYPERCALL. */
enum vcpu_hypercall_insn {
	VCPU_HYPERCALL_VMCALL,  /* 0F 01 C1 (Intel) */
	VCPU_HYPERCALL_VMMCALL, /* 0F 01 D9 (AMD) */
};

struct vcpu_exit {
	enum vcpu_exit_reason reason;
	bool queued; /* IO: a write KVM queued (coalesced), not an exit of its own */
	union {
		struct {
			uint16_t port;
			uint8_t size;     /* 1, 2 or 4 */
			uint8_t is_write; /* 1 = out */
			uint32_t count;   /* elements, > 1 for rep ins/outs */
			uint8_t *data;    /* size * count bytes, owned by the backend */
		} io;
		struct {
			uint64_t addr; /* guest physical */
			uint32_t len;  /* 1..8 */
			uint8_t is_write;
			uint8_t *data; /* len bytes, owned by the backend */
		} mmio;
		struct {
			enum vcpu_debug_kind kind;
			uint32_t addr;    /* linear: breakpoint or accessed data */
			uint32_t len;     /* watchpoint: bytes accessed */
			uint8_t is_write; /* watchpoint: 1 = write access */
			uint32_t dr6;     /* as the hardware reports it, 0 if none */
		} debug;
		struct {
			uint64_t hardware_reason;
		} fail_entry;
		struct {
			uint32_t suberror;
			uint32_t ndata;
			uint64_t data[4];
		} internal;
		struct {
			enum vcpu_hypercall_insn insn;
		} hypercall;
		/* The instruction completes on the next vcpu_run() (or
		 * vcpu_complete_io()) with what the caller stored: *data for a
		 * rdmsr (EDX:EAX), *gp = 1 for "no such MSR or value": #GP(0). */
		struct {
			uint32_t index;   /* ECX */
			uint8_t is_write; /* 1 = wrmsr */
			uint64_t *data;   /* wrmsr: the value; owned by the backend */
			uint8_t *gp;      /* 0 on exit; owned by the backend */
		} msr;
		struct {
			uint32_t backend_reason;
			const char *backend_name; /* e.g. "KVM_EXIT_NMI", or NULL */
		} unknown;
	};
};

/* Watchpoint access types, as GDB's Z2/Z3/Z4. */
enum vcpu_watch_type { VCPU_WATCH_WRITE = 1, VCPU_WATCH_READ = 2, VCPU_WATCH_ACCESS = 3 };

struct vcpu_watchpoint {
	uint32_t addr; /* linear */
	uint32_t len;  /* 1..8, any alignment */
	enum vcpu_watch_type type;
};

/* What the debugger asks of the backend.  The arrays are copied. */
struct vcpu_debug {
	bool singlestep;
	unsigned n_breakpoints;
	const uint32_t *breakpoints; /* linear instruction addresses */
	unsigned n_watchpoints;
	const struct vcpu_watchpoint *watchpoints;
	bool sw_breakpoints; /* trap int3 into the debugger (KVM_GUESTDBG_USE_SW_BP) */
};

/* x86 has four debug address registers, DR0-DR3. */
#define VCPU_DEBUG_REGS 4

/* What a backend can do, probed once.  UINT32_MAX means "no limit". */
struct vcpu_caps {
	const char *backend;          /* "kvm" or "emu" */
	bool builtin;                 /* the built-in CPU (nothing to hand over to) */
	uint32_t max_breakpoints;     /* instruction breakpoints set_debug takes */
	uint32_t max_watchpoints;     /* data watchpoints set_debug takes */
	bool watchpoints_fire;        /* false: accepted but never reported */
	bool sw_breakpoints_trap;     /* int3 under sw_breakpoints gives a DEBUG exit */
	bool hlt_exits_when_stepping; /* stepping onto hlt gives VCPU_EXIT_HLT */
	bool rep_steps_per_iteration; /* a step of a REP string insn is one iteration */
	bool hypercall_vmcall;        /* vmcall exits VCPU_EXIT_HYPERCALL by itself */
	bool hypercall_vmmcall;       /* vmmcall exits VCPU_EXIT_HYPERCALL by itself */
	bool msr_exits;               /* IA32_APIC_BASE accesses exit VCPU_EXIT_MSR */
};

struct vcpu;

struct vcpu_ops {
	const char *name;
	int (*run)(struct vcpu *vcpu, struct vcpu_exit *exit);
	int (*get_state)(struct vcpu *vcpu, struct vcpu_state *st);
	int (*set_state)(struct vcpu *vcpu, const struct vcpu_state *st);
	int (*set_debug)(struct vcpu *vcpu, const struct vcpu_debug *dbg);
	void (*kick)(struct vcpu *vcpu);
	/* Optional: guest RAM changed behind the CPU's back (drop decode caches). */
	void (*ram_written)(struct vcpu *vcpu, uint64_t gpa, uint64_t len);
	/* Optional: finish the instruction of the last IO/MMIO exit (using the
	 * data the caller stored) without running any further, so that the
	 * state read next is consistent.  0 or -errno. */
	int (*complete_io)(struct vcpu *vcpu);
	bool (*interrupt_ready)(struct vcpu *vcpu);
	int (*inject_interrupt)(struct vcpu *vcpu, uint8_t vector);
	void (*request_interrupt_window)(struct vcpu *vcpu, bool on);
	/* An interrupt injected but not delivered yet: its vector, which the
	 * vCPU then forgets (-1 if none), so that another CPU takes it over. */
	int (*take_pending_interrupt)(struct vcpu *vcpu);
	/* Optional: a debugger is attached (on) or gone: it reads the state at
	 * every stop, which a backend may make cheaper at some cost per exit. */
	void (*debugger_attached)(struct vcpu *vcpu, bool on);
	/* Optional: find out (once per process) what this backend really does
	 * for a debugger and update caps; a one-line summary, or NULL. */
	const char *(*probe_debug)(struct vcpu *vcpu);
	void (*destroy)(struct vcpu *vcpu);
};

/* A backend's virtual machine: guest memory (the caller's RAM buffer) and
 * the vCPUs that run on it.  kvm_vm_create() and emu_vm_create() make one;
 * everything else goes through these operations. */
struct vcpu_vm;

struct vcpu_vm_ops {
	/* vCPU number index (0 = the bootstrap processor first), in the reset
	 * state of vcpu_state_reset().  NULL with a message in err. */
	struct vcpu *(*create_vcpu)(struct vcpu_vm *vm, unsigned index, char *err, size_t errlen);
	/* Leave guest-physical [start, start + len) out of RAM, so that data
	 * accesses there are MMIO exits (a device's page).  0 or -errno. */
	int (*map_hole)(struct vcpu_vm *vm, uint64_t start, uint64_t len);
	/* Optional (NULL: not available): queue guest `out`s to [port, port +
	 * len) instead of exiting for each; they come back as IO exits, in
	 * order, before the next real exit.  0 or -errno. */
	int (*coalesce_pio)(struct vcpu_vm *vm, uint16_t port, uint16_t len, bool on);
	/* After the vCPUs are destroyed. */
	void (*destroy)(struct vcpu_vm *vm);
};

struct vcpu_vm {
	const struct vcpu_vm_ops *ops;
	const char *backend; /* "kvm" or "emu" */
};

/* The calls that change what a vCPU does next, as an observer sees them. */
enum vcpu_call_kind {
	VCPU_CALL_TAKE_INPUT,   /* run or complete_io is about to consume the
	                           data the caller stored for the last exit */
	VCPU_CALL_RUN,          /* run returned: result, *exit */
	VCPU_CALL_SET_STATE,    /* *state */
	VCPU_CALL_COMPLETE_IO,
	VCPU_CALL_INJECT,       /* a = vector */
	VCPU_CALL_IRQ_WINDOW,   /* a = on */
	VCPU_CALL_TAKE_PENDING, /* an injected interrupt was taken away */
	VCPU_CALL_RAM_WRITTEN,  /* a = gpa, b = len: the host wrote guest RAM */
	VCPU_CALL_A20,          /* a = on (the built-in CPU's A20 gate) */
};

struct vcpu_call {
	enum vcpu_call_kind kind;
	int result;
	const struct vcpu_exit *exit;
	const struct vcpu_state *state;
	uint64_t a, b;
};

/* Sees every such call on the vCPUs it is hung on (reverse execution
 * records them to replay them): after the call, or before for TAKE_INPUT. */
struct vcpu_observer {
	void (*observe)(struct vcpu_observer *o, struct vcpu *v, const struct vcpu_call *call);
};

/* Every backend embeds this as its first member. */
struct vcpu {
	const struct vcpu_ops *ops;
	struct vcpu_caps caps;
	struct vcpu_observer *observer; /* NULL: nobody watches */
};

/* Tell v's observer, if any, about a call. */
static inline void vcpu_observe(struct vcpu *v, enum vcpu_call_kind kind, int result,
                                uint64_t a, uint64_t b)
{
	if (__builtin_expect(v->observer != NULL, 0))
		v->observer->observe(v->observer, v,
		                     &(struct vcpu_call){.kind = kind, .result = result, .a = a, .b = b});
}

/* Run until the next exit.  Returns 0, or -errno if the backend failed (the
 * exit is then undefined).  EINTR is not an error: it is VCPU_EXIT_INTR. */
static inline int vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
	if (__builtin_expect(v->observer == NULL, 1))
		return v->ops->run(v, exit);
	vcpu_observe(v, VCPU_CALL_TAKE_INPUT, 0, 1, 0); /* a = 1: a run */
	int r = v->ops->run(v, exit);
	v->observer->observe(v->observer, v,
	                     &(struct vcpu_call){.kind = VCPU_CALL_RUN, .result = r, .exit = exit});
	return r;
}

/* Read / replace the whole architectural state.  0 or -errno. */
static inline int vcpu_get_state(struct vcpu *v, struct vcpu_state *st)
{
	return v->ops->get_state(v, st);
}
static inline int vcpu_set_state(struct vcpu *v, const struct vcpu_state *st)
{
	int r = v->ops->set_state(v, st);
	if (__builtin_expect(v->observer != NULL, 0) && r == 0)
		v->observer->observe(v->observer, v,
		                     &(struct vcpu_call){.kind = VCPU_CALL_SET_STATE, .state = st});
	return r;
}

/* Replace the debug setup.  0, -ENOSPC (more points than caps allow) or -errno. */
static inline int vcpu_set_debug(struct vcpu *v, const struct vcpu_debug *dbg)
{
	return v->ops->set_debug(v, dbg);
}

/* Make a running or about-to-run vcpu_run() return VCPU_EXIT_INTR soon.
 * Async-signal-safe: it may be called from a signal handler. */
static inline void vcpu_kick(struct vcpu *v)
{
	v->ops->kick(v);
}

/* Tell the backend the debugger or loader wrote guest RAM. */
static inline void vcpu_ram_written(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	if (v->ops->ram_written)
		v->ops->ram_written(v, gpa, len);
	vcpu_observe(v, VCPU_CALL_RAM_WRITTEN, 0, gpa, len);
}

/* Finish a pending IO/MMIO instruction before the state is read or moved
 * to another backend (KVM completes them only on the next KVM_RUN). */
static inline int vcpu_complete_io(struct vcpu *v)
{
	vcpu_observe(v, VCPU_CALL_TAKE_INPUT, 0, 0, 0);
	int r = v->ops->complete_io ? v->ops->complete_io(v) : 0;
	vcpu_observe(v, VCPU_CALL_COMPLETE_IO, r, 0, 0);
	return r;
}

/* Would the CPU accept an external interrupt at this instruction boundary:
 * IF = 1 and no interrupt shadow (the instruction after an STI that set IF,
 * a MOV SS or a POP SS)?  Meaningful between runs. */
static inline bool vcpu_interrupt_ready(struct vcpu *v)
{
	return v->ops->interrupt_ready(v);
}

/* Deliver external interrupt vector before the next instruction the next
 * vcpu_run() executes: through the IVT in real mode, the IDT in protected
 * mode.  Precondition: vcpu_interrupt_ready().  After a HLT exit (EIP past
 * the hlt) the handler's iret returns behind the hlt.  0, or -errno
 * (EAGAIN: not ready; EBUSY: one already waits for the next run). */
static inline int vcpu_inject_interrupt(struct vcpu *v, uint8_t vector)
{
	int r = v->ops->inject_interrupt(v, vector);
	if (r == 0)
		vcpu_observe(v, VCPU_CALL_INJECT, 0, vector, 0);
	return r;
}

/* While on, vcpu_run() returns VCPU_EXIT_IRQ_WINDOW as soon as
 * vcpu_interrupt_ready() would be true (at once if it is already), before
 * executing anything more.  Stays on until turned off. */
static inline void vcpu_request_interrupt_window(struct vcpu *v, bool on)
{
	v->ops->request_interrupt_window(v, on);
	vcpu_observe(v, VCPU_CALL_IRQ_WINDOW, 0, on, 0);
}

/* Take an injected, undelivered interrupt away from the vCPU: its vector,
 * or -1.  The state moves to another backend with it (vcpu_inject_interrupt
 * there), or the interrupt would be lost with the PIC believing it taken. */
static inline int vcpu_take_pending_interrupt(struct vcpu *v)
{
	int vector = v->ops->take_pending_interrupt ? v->ops->take_pending_interrupt(v) : -1;
	if (vector >= 0)
		vcpu_observe(v, VCPU_CALL_TAKE_PENDING, 0, (uint64_t)vector, 0);
	return vector;
}

static inline void vcpu_debugger_attached(struct vcpu *v, bool on)
{
	if (v->ops->debugger_attached)
		v->ops->debugger_attached(v, on);
}

/* The backend's debug probe summary (running it the first time), or NULL
 * where there is nothing to probe (the built-in CPU). */
static inline const char *vcpu_probe_debug(struct vcpu *v)
{
	return v->ops->probe_debug ? v->ops->probe_debug(v) : NULL;
}

static inline struct vcpu *vcpu_vm_create_vcpu(struct vcpu_vm *vm, unsigned index, char *err,
                                               size_t errlen)
{
	return vm->ops->create_vcpu(vm, index, err, errlen);
}

static inline int vcpu_vm_map_hole(struct vcpu_vm *vm, uint64_t start, uint64_t len)
{
	return vm->ops->map_hole(vm, start, len);
}

static inline int vcpu_vm_coalesce_pio(struct vcpu_vm *vm, uint16_t port, uint16_t len, bool on)
{
	return vm->ops->coalesce_pio ? vm->ops->coalesce_pio(vm, port, len, on) : -ENOTSUP;
}

static inline void vcpu_vm_destroy(struct vcpu_vm *vm)
{
	if (vm)
		vm->ops->destroy(vm);
}

static inline void vcpu_destroy(struct vcpu *v)
{
	if (v)
		v->ops->destroy(v);
}

#endif
