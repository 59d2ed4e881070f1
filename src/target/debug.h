/* The debug-mechanism layer: breakpoints, watchpoints and single-step, and
 * the one place that decides how each is implemented on this backend/host.
 *
 *   instruction breakpoints: the built-in CPU takes any number natively; on
 *     KVM, debug registers first (4, shared with watchpoints), then int3
 *     patches where int3 traps (VT-x/AMD-V hosts), else hlt patches (hosts
 *     whose KVM emulates real mode: int3 does not trap there, hlt exits).
 *   watchpoints: natively on the built-in CPU; on KVM, debug registers
 *     where data breakpoints fire, else the guest runs on the built-in CPU
 *     while any watchpoint is set (see debug_needs_emulation()).
 *   single-step: one instruction, or one iteration of a REP string
 *     instruction; a KVM that runs a stepped rep whole hands that step to
 *     the built-in CPU (gdb_target.c, step_needs_emulation()).
 *
 * A patch goes to the guest-physical address its linear address has (the
 * guest's paging) when the point is inserted.
 *
 * Patched bytes are never visible to the debugger: reads are shadowed and
 * writes over a patch update the saved byte.
 */
#ifndef KVM_GDBSTUB_DEBUG_H
#define KVM_GDBSTUB_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/target.h"
#include "vcpu.h"

enum debug_mech {
	MECH_NATIVE,   /* the backend's own unlimited list (built-in CPU) */
	MECH_DEBUGREG, /* an x86 debug register via KVM_SET_GUEST_DEBUG */
	MECH_INT3,     /* 0xCC patched into guest memory */
	MECH_HLT,      /* 0xF4 patched into guest memory: exits as HLT */
	MECH_EMULATED, /* the built-in CPU runs the guest while it is set */
};

struct debug_point {
	enum target_point type;
	uint32_t addr; /* linear */
	uint32_t phys; /* guest-physical at insertion: where a patch goes */
	uint32_t len;
	enum debug_mech mech;
	uint8_t saved; /* patched mechanisms: the guest's own byte */
};

struct debug {
	struct debug_point *points;
	size_t count, cap;
	uint8_t *ram;
	uint64_t ram_size;
	struct vcpu_caps caps; /* of the backend the guest runs on normally */
	bool kvm;
	/* Told of every byte the layer patches or restores in guest RAM. */
	void (*ram_changed)(void *ctx, uint32_t addr);
	void *ram_changed_ctx;
	/* Optional: linear -> guest-physical through the guest's paging, 0 or
	 * -EFAULT if unmapped (without it linear = physical). */
	int (*translate)(void *ctx, uint32_t lin, uint32_t *phys);
	void *translate_ctx;
	uint32_t *bp_buf; /* debug_apply()'s arrays for vcpu_set_debug() */
	struct vcpu_watchpoint *wp_buf;
	size_t buf_room;
	/* What the last debug_apply() gave which vCPU: an unchanged setup is
	 * not sent again (one ioctl less per step on KVM). */
	uint64_t generation, applied_generation;
	struct vcpu *applied_vcpu;
	bool applied_step, applied_emulated;
	uint32_t applied_skip;
};

void debug_init(struct debug *d, uint8_t *ram, uint64_t ram_size, const struct vcpu_caps *caps,
                bool kvm);
void debug_free(struct debug *d);

/* Z/z.  0, -EINVAL (bad address/length), -ENOSPC, -ENOENT (remove: none). */
int debug_insert(struct debug *d, enum target_point type, uint32_t addr, uint32_t len);
int debug_remove(struct debug *d, enum target_point type, uint32_t addr, uint32_t len);

/* The guest now runs on a backend with these caps (the built-in CPU while
 * reverse execution records, and back): every point is taken out (patches
 * undone) and set again with the mechanism that backend calls for.  0 or
 * -errno (a point that no longer fits is dropped). */
int debug_set_model(struct debug *d, const struct vcpu_caps *caps, bool kvm);

/* Drop every point and restore every patched byte. */
void debug_remove_all(struct debug *d);

/* The breakpoint (of either kind) at addr, or NULL. */
const struct debug_point *debug_find_breakpoint(const struct debug *d, uint32_t addr);

/* True while some point needs the guest to run on the built-in CPU. */
bool debug_needs_emulation(const struct debug *d);

/* Build the backend's debug setup: every point this backend implements in
 * hardware or natively, plus single-step.  `skip` (a linear address, or
 * UINT32_MAX) leaves out a breakpoint being stepped over.  `emulated`: the
 * setup is for the built-in CPU standing in for KVM.  The arrays live until
 * the next call.  0 or -errno from vcpu_set_debug(). */
int debug_apply(struct debug *d, struct vcpu *vcpu, bool singlestep, uint32_t skip, bool emulated);

/* The setup debug_apply() would give, without giving it (the arrays live
 * until the next call).  0 or -ENOMEM. */
int debug_build(struct debug *d, bool singlestep, uint32_t skip, bool emulated,
                struct vcpu_debug *dbg);

/* The watchpoint covering addr, or NULL. */
const struct debug_point *debug_find_watchpoint(const struct debug *d, uint32_t addr);

/* Someone set the vCPU's debug setup behind debug_apply()'s back. */
void debug_forget_applied(struct debug *d);

/* Debugger view of memory: put saved bytes over patches in buf, which holds
 * guest-physical memory [addr, addr+len). */
void debug_shadow(const struct debug *d, uint32_t addr, uint8_t *buf, size_t len);

/* The debugger or the VMM (a BIOS disk read, ...) wrote guest-physical
 * [addr, addr+len): keep patches in place and remember the new bytes as the
 * guest's own.  Once per write: a second call would take the patches. */
void debug_after_write(struct debug *d, uint32_t addr, size_t len);

/* After the guest ran: a patch byte it overwrote is its new byte (kept as
 * the saved one, so GDB sees it and removing the breakpoint keeps it), and
 * the patch goes back in place. */
void debug_after_run(struct debug *d);

/* Temporarily put the guest's byte back at a patched breakpoint (to step
 * over it) and patch it again. */
void debug_unpatch(struct debug *d, const struct debug_point *p);
void debug_repatch(struct debug *d, const struct debug_point *p);

/* Describe every point and its mechanism, one per line. */
size_t debug_describe(const struct debug *d, char *buf, size_t len);

/* "debug register", "int3 patch", ... */
const char *debug_mech_name(enum debug_mech m);

#endif
