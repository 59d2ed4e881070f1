/* The KVM backend: a VM with one vCPU, its memory slots, KVM_RUN and the
 * translation of KVM's exits into vcpu_exit.  The only file, with
 * kvm_probe.c, that includes <linux/kvm.h>. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "kvm/kvm.h"
#include "kvm/kvm_internal.h"

#define PAGE_SIZE 4096u

static const struct vcpu_ops kvm_vcpu_ops;
static const struct vcpu_vm_ops kvm_vm_ops;

struct vcpu_kvm *to_kvm(struct vcpu *v)
{
	return (struct vcpu_kvm *)v;
}

bool vcpu_is_kvm(const struct vcpu *v)
{
	return v && v->ops == &kvm_vcpu_ops;
}

/* ---- opening KVM ---------------------------------------------------- */

struct kvm_cap_req {
	int cap;
	const char *name;
	bool required;
	size_t flag; /* offset of the bool in struct vcpu_kvm it sets, or 0 */
};

#define HAS(field) offsetof(struct kvm_vm, field)

/* Capabilities checked once at start-up: missing required ones are fatal,
 * optional ones only turn features off. */
static const struct kvm_cap_req kvm_caps[] = {
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", true, 0},
    {KVM_CAP_SET_GUEST_DEBUG, "KVM_CAP_SET_GUEST_DEBUG", false, HAS(has_guest_debug)},
    {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", false, HAS(has_immediate_exit)},
    {KVM_CAP_COALESCED_PIO, "KVM_CAP_COALESCED_PIO", false, HAS(has_coalesced_pio)},
};

static int open_dev_kvm(char *err, size_t errlen)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			snprintf(
			    err, errlen,
			    "/dev/kvm does not exist: load the module (modprobe kvm_intel or "
			    "kvm_amd), enable virtualization in the firmware, or use --accel emu");
		else if (e == EACCES || e == EPERM)
			snprintf(err, errlen,
			         "/dev/kvm: permission denied: run as root or add yourself to the "
			         "'kvm' group (usermod -aG kvm $USER), or use --accel emu");
		else
			snprintf(err, errlen, "cannot open /dev/kvm: %s", strerror(e));
		return -e;
	}
	int version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (version < 0) {
		snprintf(err, errlen,
		         "/dev/kvm does not answer KVM_GET_API_VERSION (%s): is it "
		         "the KVM device?  --accel emu works without KVM",
		         strerror(errno));
		close(fd);
		return -ENODEV;
	}
	if (version != KVM_API_VERSION) {
		snprintf(err, errlen, "KVM API version is %d, this program needs %d", version,
		         KVM_API_VERSION);
		close(fd);
		return -EPROTO;
	}
	return fd;
}

static int check_caps(struct kvm_vm *vm, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(kvm_caps) / sizeof(kvm_caps[0]); i++) {
		int r = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, kvm_caps[i].cap);
		if (r <= 0 && kvm_caps[i].required) {
			snprintf(err, errlen, "this KVM lacks %s", kvm_caps[i].name);
			return -ENOTSUP;
		}
		if (kvm_caps[i].flag)
			*(bool *)((char *)vm + kvm_caps[i].flag) = r > 0;
	}
	vm->coalesced_page = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO);
	int sync = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
	vm->has_sync_regs = sync > 0 && (sync & (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)) ==
	                                   (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS);
	return 0;
}

/* The one general way KVM hands a guest's vmcall/vmmcall to user space is
 * Xen's: with KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL every hypercall exits as
 * KVM_EXIT_XEN (api.rst 4.29; KVM_CAP_EXIT_HYPERCALL only forwards
 * KVM_HC_MAP_GPA_RANGE).  Without the Xen hypercalls KVM serves in-kernel
 * configured, none is served there.  Needs a kernel built with
 * CONFIG_KVM_XEN. */
static void enable_xen_hcall(struct kvm_vm *vm)
{
#ifdef KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL
	int r = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XEN_HVM);
	struct kvm_xen_hvm_config cfg = {.flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL};
	vm->has_xen_hcall = r > 0 && (r & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL) &&
	                   ioctl(vm->vm_fd, KVM_XEN_HVM_CONFIG, &cfg) == 0;
#endif
}

/* IA32_APIC_BASE belongs to the machine's local APICs (hw/lapic.c), not
 * to KVM: a filter that denies reads and writes of that one MSR, with
 * denials reported to user space (KVM_EXIT_X86_RDMSR/WRMSR), and every
 * other MSR left to KVM.  Without the capability (Linux < 5.10) KVM keeps
 * the MSR and the page stays at its reset base. */
static void enable_msr_exits(struct kvm_vm *vm)
{
#ifdef KVM_MSR_EXIT_REASON_FILTER
	static uint8_t deny = 0; /* bitmap: bit clear = denied */
	struct kvm_enable_cap cap = {.cap = KVM_CAP_X86_USER_SPACE_MSR,
	                             .args[0] = KVM_MSR_EXIT_REASON_FILTER};
	struct kvm_msr_filter filter = {.flags = KVM_MSR_FILTER_DEFAULT_ALLOW};
	filter.ranges[0] =
	    (struct kvm_msr_filter_range){.flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
	                                  .nmsrs = 1,
	                                  .base = VCPU_MSR_APIC_BASE,
	                                  .bitmap = &deny};
	int r = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_USER_SPACE_MSR);
	vm->has_msr_exits = r > 0 && ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) == 0 &&
	                    ioctl(vm->vm_fd, KVM_X86_SET_MSR_FILTER, &filter) == 0;
#endif
}

int kvm_available(char *err, size_t errlen)
{
	int fd = open_dev_kvm(err, errlen);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* ---- memory slots ----------------------------------------------------- */

/* All guest RAM is one slot: watchpoints KVM cannot fire are served by the
 * built-in CPU (see debug.h), not by read-only slots. */
static int map_ram(struct kvm_vm *vm)
{
	struct kvm_userspace_memory_region region = {
	    .slot = 0,
	    .guest_phys_addr = 0,
	    .memory_size = vm->ram_size,
	    .userspace_addr = (uintptr_t)vm->ram,
	};
	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0 ? -errno : 0;
}

/* Slot `slot` maps guest [gpa, gpa + size) to RAM from host_off (size 0
 * deletes it). */
static int map_slot(struct kvm_vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
                    uint64_t host_off)
{
	struct kvm_userspace_memory_region region = {
	    .slot = slot,
	    .guest_phys_addr = gpa,
	    .memory_size = size,
	    .userspace_addr = size ? (uintptr_t)(vm->ram + host_off) : 0,
	};
	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0 ? -errno : 0;
}

static int set_slot(struct kvm_vm *vm, uint32_t slot, uint64_t gpa, uint64_t size)
{
	return map_slot(vm, slot, gpa, size, gpa);
}

/* Slot 0 becomes RAM below the hole, slot 1 RAM above it: accesses in the
 * hole exit as MMIO.  Page-aligned; nothing to do if RAM ends before it. */
static int kvm_vm_map_hole(struct vcpu_vm *base, uint64_t start, uint64_t len)
{
	struct kvm_vm *vm = to_kvm_vm(base);
	if (start >= vm->ram_size)
		return 0;
	uint64_t end = start + len < vm->ram_size ? start + len : vm->ram_size;
	int r = set_slot(vm, 0, 0, 0); /* a slot shrinks only by deleting it */
	if (r == 0 && start)
		r = set_slot(vm, 0, 0, start);
	if (r == 0 && end < vm->ram_size)
		r = set_slot(vm, 1, end, vm->ram_size - end);
	return r;
}

/* The A20 gate for the layout kvm_vm_map_hole made (RAM in slot 0 below
 * the hole, slot 1 above it).  Off: guest 1-2 MiB shows host RAM 0-1 MiB
 * (slots 2 and 3, around the hole's alias, which is no RAM), RAM from
 * 2 MiB on is slot 4 and slot 1 ends at 1 MiB.  On: slot 1 again. */
#define MIB (1ull << 20)
#define A20_SLOTS 5
int kvm_vm_set_a20(struct vcpu_vm *base, bool on, uint64_t hole_start, uint64_t hole_len)
{
	struct kvm_vm *vm = to_kvm_vm(base);
	uint64_t hole_end = hole_start + hole_len;
	if (vm->ram_size <= hole_end || hole_end > MIB)
		return -EINVAL; /* no layout this knows */
	for (uint32_t slot = 1; slot < A20_SLOTS; slot++)
		map_slot(vm, slot, 0, 0, 0); /* EINVAL for the slots that do not exist */
	int r;
	if (on)
		return set_slot(vm, 1, hole_end, vm->ram_size - hole_end);
	uint64_t low_end = vm->ram_size < MIB ? vm->ram_size : MIB;
	r = set_slot(vm, 1, hole_end, low_end - hole_end);
	if (r == 0)
		r = map_slot(vm, 2, MIB, hole_start, 0);
	if (r == 0 && low_end > hole_end)
		r = map_slot(vm, 3, MIB + hole_end, low_end - hole_end, hole_end);
	if (r == 0 && vm->ram_size > 2 * MIB)
		r = set_slot(vm, 4, 2 * MIB, vm->ram_size - 2 * MIB);
	return r;
}

/* ---- state ---------------------------------------------------------- */

/* The vCPU's registers: from the run area when KVM_CAP_SYNC_REGS filled it
 * at the last exit (no ioctl per stop), else with two ioctls. */
static int kvm_read_regs(struct vcpu_kvm *k, struct kvm_regs *regs, struct kvm_sregs *sregs)
{
	if (k->sync_fresh) {
		*regs = k->run->s.regs.regs;
		*sregs = k->run->s.regs.sregs;
		return 0;
	}
	if (ioctl(k->vcpu_fd, KVM_GET_REGS, regs) < 0 ||
	    ioctl(k->vcpu_fd, KVM_GET_SREGS, sregs) < 0)
		return -errno;
	return 0;
}

/* KVM_RUN returned: with sync regs on, the run area holds the state. */
static void kvm_ran(struct vcpu_kvm *k)
{
	k->sync_fresh = k->run->kvm_valid_regs != 0;
}

static void seg_from_kvm(struct vcpu_segment *s, const struct kvm_segment *ks)
{
	s->base = (uint32_t)ks->base;
	s->limit = ks->limit;
	s->selector = ks->selector;
	s->type = ks->type;
	s->s = ks->s;
	s->dpl = ks->dpl;
	s->present = ks->present;
	s->db = ks->db;
	s->g = ks->g;
	s->avl = ks->avl;
}

static void seg_to_kvm(struct kvm_segment *ks, const struct vcpu_segment *s, bool real_mode_cs)
{
	memset(ks, 0, sizeof(*ks));
	ks->base = s->base;
	ks->limit = s->limit;
	ks->selector = s->selector;
	ks->type = s->type;
	ks->s = s->s;
	ks->dpl = s->dpl;
	ks->present = s->present;
	ks->db = s->db;
	ks->g = s->g;
	ks->avl = s->avl;
	/* VMX insists on a code type for CS even in real mode. */
	if (real_mode_cs && !(ks->type & 8))
		ks->type = 0xb;
	ks->unusable = !s->present;
}

static struct kvm_segment *kvm_sreg(struct kvm_sregs *sr, int i)
{
	struct kvm_segment *map[SREG_COUNT] = {&sr->es, &sr->cs, &sr->ss,
	                                       &sr->ds, &sr->fs, &sr->gs};
	return map[i];
}

static int kvm_get_state(struct vcpu *v, struct vcpu_state *st)
{
	struct vcpu_kvm *k = to_kvm(v);
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	int r = kvm_read_regs(k, &regs, &sregs);
	if (r < 0)
		return r;
	const uint64_t gpr[GPR_COUNT] = {regs.rax, regs.rcx, regs.rdx, regs.rbx,
	                                 regs.rsp, regs.rbp, regs.rsi, regs.rdi};
	for (int i = 0; i < GPR_COUNT; i++)
		st->gpr[i] = (uint32_t)gpr[i];
	st->eip = (uint32_t)regs.rip;
	st->eflags = (uint32_t)regs.rflags;
	for (int i = 0; i < SREG_COUNT; i++)
		seg_from_kvm(&st->seg[i], kvm_sreg(&sregs, i));
	seg_from_kvm(&st->tr, &sregs.tr);
	seg_from_kvm(&st->ldt, &sregs.ldt);
	st->gdt.base = (uint32_t)sregs.gdt.base;
	st->gdt.limit = sregs.gdt.limit;
	st->idt.base = (uint32_t)sregs.idt.base;
	st->idt.limit = sregs.idt.limit;
	st->cr0 = (uint32_t)sregs.cr0;
	st->cr2 = (uint32_t)sregs.cr2;
	st->cr3 = (uint32_t)sregs.cr3;
	st->cr4 = (uint32_t)sregs.cr4;
	return 0;
}

/* KVM keeps an interrupt shadow (after sti, mov ss, pop ss) across
 * KVM_SET_REGS.  A shadow covers only the instruction it was at: when EIP
 * moves (a debugger sets the pc, or completes a stepped hlt by hand) it
 * ends, as in the built-in CPU, and an interrupt can be taken at once. */
static int end_shadow_if_moved(struct vcpu_kvm *k, uint64_t old_rip, uint32_t eip)
{
	struct kvm_vcpu_events ev;
	if (old_rip == eip)
		return 0;
	if (ioctl(k->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) < 0)
		return -errno;
	if (!ev.interrupt.shadow)
		return 0;
	ev.interrupt.shadow = 0;
	ev.flags = KVM_VCPUEVENT_VALID_SHADOW;
	if (ioctl(k->vcpu_fd, KVM_SET_VCPU_EVENTS, &ev) < 0)
		return -errno;
	k->run->ready_for_interrupt_injection = !ev.interrupt.injected; /* as KVM would */
	return 0;
}

/* EIP before a set_state, where a shadow may be why KVM is not ready for
 * an interrupt (else none matters: 0 and *rip unchanged). */
static int rip_if_shadowed(struct vcpu_kvm *k, uint64_t *rip)
{
	struct kvm_regs regs;
	if (k->run->ready_for_interrupt_injection || !k->run->if_flag)
		return 0;
	if (k->sync_fresh)
		regs = k->run->s.regs.regs;
	else if (ioctl(k->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		return -errno;
	*rip = regs.rip;
	return 0;
}

static int kvm_set_state(struct vcpu *v, const struct vcpu_state *st)
{
	struct vcpu_kvm *k = to_kvm(v);
	uint64_t old_rip = st->eip;
	int r = rip_if_shadowed(k, &old_rip);
	if (r < 0)
		return r;
	struct kvm_regs regs = {
	    .rax = st->gpr[GPR_EAX],
	    .rcx = st->gpr[GPR_ECX],
	    .rdx = st->gpr[GPR_EDX],
	    .rbx = st->gpr[GPR_EBX],
	    .rsp = st->gpr[GPR_ESP],
	    .rbp = st->gpr[GPR_EBP],
	    .rsi = st->gpr[GPR_ESI],
	    .rdi = st->gpr[GPR_EDI],
	    .rip = st->eip,
	    .rflags = st->eflags | EFLAGS_FIXED,
	};
	struct kvm_sregs sregs;
	/* Start from KVM's own sregs so fields we do not model (EFER, APIC
	 * base, interrupt bitmap) keep their values. */
	if (k->sync_fresh)
		sregs = k->run->s.regs.sregs;
	else if (ioctl(k->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	k->sync_fresh = false;
	bool real = !(st->cr0 & CR0_PE);
	for (int i = 0; i < SREG_COUNT; i++)
		seg_to_kvm(kvm_sreg(&sregs, i), &st->seg[i], real && i == SREG_CS);
	/* VMX wants a usable TR: an absent one keeps KVM's. */
	if (st->tr.present)
		seg_to_kvm(&sregs.tr, &st->tr, false);
	seg_to_kvm(&sregs.ldt, &st->ldt, false);
	sregs.gdt.base = st->gdt.base;
	sregs.gdt.limit = st->gdt.limit;
	sregs.idt.base = st->idt.base;
	sregs.idt.limit = st->idt.limit;
	sregs.cr0 = st->cr0;
	sregs.cr2 = st->cr2;
	sregs.cr3 = st->cr3;
	sregs.cr4 = st->cr4;
	if (ioctl(k->vcpu_fd, KVM_SET_SREGS, &sregs) < 0 ||
	    ioctl(k->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	k->run->if_flag = !!(st->eflags & EFLAGS_IF); /* KVM updates it only at exits */
	return end_shadow_if_moved(k, old_rip, st->eip);
}

/* ---- debug ---------------------------------------------------------- */

#define DR7_ENABLE(i)   (1u << ((i)*2)) /* L0..L3 */
#define DR7_RW(i, rw)   ((uint32_t)(rw) << (16 + (i)*4))
#define DR7_LEN(i, len) ((uint32_t)(len) << (18 + (i)*4))
#define DR7_GE          (1u << 9)

static int dr7_len_bits(uint32_t len)
{
	switch (len) {
	case 1:
		return 0;
	case 2:
		return 1;
	case 4:
		return 3;
	case 8:
		return 2;
	default:
		return -1;
	}
}

static int kvm_set_debug(struct vcpu *v, const struct vcpu_debug *dbg)
{
	struct vcpu_kvm *k = to_kvm(v);
	struct kvm_guest_debug gd = {0};
	unsigned used = 0;
	if (dbg->n_breakpoints + dbg->n_watchpoints > 4)
		return -ENOSPC;
	k->dr_is_watch = 0;
	for (unsigned i = 0; i < dbg->n_breakpoints; i++, used++) {
		gd.arch.debugreg[used] = dbg->breakpoints[i];
		gd.arch.debugreg[7] |= DR7_ENABLE(used);
	}
	for (unsigned i = 0; i < dbg->n_watchpoints; i++, used++) {
		const struct vcpu_watchpoint *w = &dbg->watchpoints[i];
		int lenbits = dr7_len_bits(w->len);
		if (lenbits < 0 || (w->addr & (w->len - 1)))
			return -EINVAL; /* the debug layer splits unaligned ranges */
		/* x86 has no read-only data breakpoint: READ uses read/write. */
		int rw = w->type == VCPU_WATCH_WRITE ? 1 : 3;
		gd.arch.debugreg[used] = w->addr;
		gd.arch.debugreg[7] |= DR7_ENABLE(used) | DR7_RW(used, rw) | DR7_LEN(used, lenbits);
		k->dr_is_watch |= 1u << used;
		k->dr_watch[used] = *w;
	}
	if (used)
		gd.arch.debugreg[7] |= DR7_GE;
	gd.control = KVM_GUESTDBG_ENABLE;
	if (dbg->singlestep)
		gd.control |= KVM_GUESTDBG_SINGLESTEP;
	if (used)
		gd.control |= KVM_GUESTDBG_USE_HW_BP;
	if (dbg->sw_breakpoints)
		gd.control |= KVM_GUESTDBG_USE_SW_BP;
	if (gd.control == KVM_GUESTDBG_ENABLE)
		gd.control = 0;
	if (gd.control && !k->vm->has_guest_debug)
		return -ENOTSUP;
	if (ioctl(k->vcpu_fd, KVM_SET_GUEST_DEBUG, &gd) < 0)
		return -errno;
	k->singlestep = dbg->singlestep;
	k->step_after_io = false;
	return 0;
}

/* ---- running -------------------------------------------------------- */

static void kick_handler(int sig)
{
	(void)sig; /* its only job is to interrupt KVM_RUN with EINTR */
}

/* ---- external interrupts (user-space irqchip) ------------------------ */

static bool kvm_interrupt_ready(struct vcpu *v)
{
	struct kvm_run *run = to_kvm(v)->run;
	return run->ready_for_interrupt_injection && run->if_flag;
}

static int kvm_inject_interrupt(struct vcpu *v, uint8_t vector)
{
	struct vcpu_kvm *k = to_kvm(v);
	struct kvm_interrupt irq = {.irq = vector};
	if (!kvm_interrupt_ready(v))
		return -EAGAIN;
	if (ioctl(k->vcpu_fd, KVM_INTERRUPT, &irq) < 0)
		return errno == EEXIST ? -EBUSY : -errno;
	k->run->ready_for_interrupt_injection = 0; /* KVM updates it at the next exit */
	return 0;
}

/* KVM_INTERRUPT's vector stays "injected" until KVM delivers it; where KVM
 * emulates protected mode it can fail to (an interrupt gate it cannot run),
 * and only another CPU can deliver it then. */
static int kvm_take_pending_interrupt(struct vcpu *v)
{
	struct vcpu_kvm *k = to_kvm(v);
	struct kvm_vcpu_events ev;
	if (ioctl(k->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) < 0 || !ev.interrupt.injected ||
	    ev.interrupt.soft)
		return -1;
	int vector = ev.interrupt.nr;
	ev.interrupt.injected = 0;
	ev.flags = 0;
	if (ioctl(k->vcpu_fd, KVM_SET_VCPU_EVENTS, &ev) < 0)
		return -1;
	k->run->ready_for_interrupt_injection = 1; /* as KVM would: none queued now */
	return vector;
}

static void kvm_request_interrupt_window(struct vcpu *v, bool on)
{
	to_kvm(v)->run->request_interrupt_window = on;
}

static void kvm_kick(struct vcpu *v)
{
	struct vcpu_kvm *k = to_kvm(v);
	pthread_t vcpu_thread;
	/* kick_pending first: kvm_complete_io() relies on the order. */
	__atomic_store_n(&k->kick_pending, 1, __ATOMIC_SEQ_CST);
	if (k->run)
		__atomic_store_n(&k->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	/* From another thread, KVM_RUN must also be interrupted by a signal;
	 * from a handler on the vCPU thread the pending signal does it. */
	__atomic_load(&k->thread, &vcpu_thread, __ATOMIC_SEQ_CST);
	if (!pthread_equal(pthread_self(), vcpu_thread))
		pthread_kill(vcpu_thread, KICK_SIGNAL);
}

static void exit_io(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	e->reason = VCPU_EXIT_IO;
	e->io.port = k->run->io.port;
	e->io.size = k->run->io.size;
	e->io.is_write = k->run->io.direction == KVM_EXIT_IO_OUT;
	e->io.count = k->run->io.count;
	e->io.data = (uint8_t *)k->run + k->run->io.data_offset;
}

static void exit_mmio(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	e->reason = VCPU_EXIT_MMIO;
	e->mmio.addr = k->run->mmio.phys_addr;
	e->mmio.len = k->run->mmio.len;
	e->mmio.is_write = k->run->mmio.is_write;
	e->mmio.data = k->run->mmio.data;
}

static void exit_debug(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	const struct kvm_debug_exit_arch *d = &k->run->debug.arch;
	e->reason = VCPU_EXIT_DEBUG;
	e->debug.addr = (uint32_t)d->pc;
	e->debug.len = 0;
	e->debug.is_write = 0;
	e->debug.dr6 = (uint32_t)d->dr6;
	if (d->exception == 3) {
		e->debug.kind = VCPU_DEBUG_SW_BREAK;
		return;
	}
	e->debug.kind = VCPU_DEBUG_STEP;
	for (int i = 0; i < VCPU_DEBUG_REGS; i++) {
		if (!(d->dr6 & (1u << i)))
			continue;
		if (k->dr_is_watch & (1u << i)) {
			e->debug.kind = VCPU_DEBUG_WATCHPOINT;
			e->debug.addr = k->dr_watch[i].addr;
			e->debug.len = k->dr_watch[i].len;
			e->debug.is_write = k->dr_watch[i].type == VCPU_WATCH_WRITE;
		} else {
			e->debug.kind = VCPU_DEBUG_BREAKPOINT;
		}
		return;
	}
}

static void exit_hlt(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	(void)k;
	e->reason = VCPU_EXIT_HLT;
}

static void exit_shutdown(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	(void)k;
	e->reason = VCPU_EXIT_SHUTDOWN;
}

static void exit_intr(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	(void)k;
	e->reason = VCPU_EXIT_INTR;
}

static void exit_fail_entry(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	e->reason = VCPU_EXIT_FAIL_ENTRY;
	e->fail_entry.hardware_reason = k->run->fail_entry.hardware_entry_failure_reason;
}

static void exit_irq_window(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	(void)k;
	e->reason = VCPU_EXIT_IRQ_WINDOW;
}

/* KVM_EXIT_XEN for a hypercall: the instruction is completed (and EIP
 * moved past it) by finish_xen_hypercall() before the exit is returned. */
static void exit_xen(struct vcpu_kvm *k, struct vcpu_exit *e)
{
#ifdef KVM_EXIT_XEN_HCALL
	if (k->run->xen.type == KVM_EXIT_XEN_HCALL) {
		e->reason = VCPU_EXIT_HYPERCALL;
		return;
	}
#endif
	e->reason = VCPU_EXIT_UNKNOWN;
	e->unknown.backend_reason = k->run->exit_reason;
	e->unknown.backend_name = "KVM_EXIT_XEN";
}

/* KVM_EXIT_X86_RDMSR/WRMSR (a filtered MSR): the caller stores the value
 * of a read or the #GP verdict into the run area; the next KVM_RUN
 * completes the instruction with them. */
static void exit_msr(struct vcpu_kvm *k, struct vcpu_exit *e)
{
#ifdef KVM_EXIT_X86_RDMSR
	e->reason = VCPU_EXIT_MSR;
	e->msr.index = k->run->msr.index;
	e->msr.is_write = k->run->exit_reason == KVM_EXIT_X86_WRMSR;
	e->msr.data = (uint64_t *)&k->run->msr.data;
	e->msr.gp = &k->run->msr.error;
	k->run->msr.error = 0;
#else
	(void)k;
	e->reason = VCPU_EXIT_UNKNOWN;
#endif
}

static void exit_internal_error(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	e->reason = VCPU_EXIT_INTERNAL_ERROR;
	e->internal.suberror = k->run->internal.suberror;
	e->internal.ndata = k->run->internal.ndata < 4 ? k->run->internal.ndata : 4;
	for (uint32_t i = 0; i < e->internal.ndata; i++)
		e->internal.data[i] = k->run->internal.data[i];
}

typedef void (*exit_translator)(struct vcpu_kvm *k, struct vcpu_exit *e);

/* KVM's exit reasons: the name for messages and, for those that mean
 * something here, the translation into a vcpu_exit. */
struct kvm_exit_desc {
	const char *name;
	exit_translator translate;
};

#define KVM_EXIT(x, fn) [KVM_EXIT_##x] = {"KVM_EXIT_" #x, fn}
static const struct kvm_exit_desc kvm_exits[] = {
    KVM_EXIT(UNKNOWN, NULL),
    KVM_EXIT(EXCEPTION, NULL),
    KVM_EXIT(IO, exit_io),
    KVM_EXIT(HYPERCALL, NULL),
    KVM_EXIT(DEBUG, exit_debug),
    KVM_EXIT(HLT, exit_hlt),
    KVM_EXIT(MMIO, exit_mmio),
    KVM_EXIT(IRQ_WINDOW_OPEN, exit_irq_window),
    KVM_EXIT(SHUTDOWN, exit_shutdown),
    KVM_EXIT(FAIL_ENTRY, exit_fail_entry),
    KVM_EXIT(INTR, exit_intr),
    KVM_EXIT(SET_TPR, NULL),
    KVM_EXIT(TPR_ACCESS, NULL),
    KVM_EXIT(NMI, NULL),
    KVM_EXIT(INTERNAL_ERROR, exit_internal_error),
    KVM_EXIT(SYSTEM_EVENT, NULL),
    KVM_EXIT(IOAPIC_EOI, NULL),
    KVM_EXIT(HYPERV, NULL),
#ifdef KVM_EXIT_X86_RDMSR
    KVM_EXIT(X86_RDMSR, exit_msr),
    KVM_EXIT(X86_WRMSR, exit_msr),
#endif
#ifdef KVM_EXIT_XEN
    KVM_EXIT(XEN, exit_xen),
#endif
#ifdef KVM_EXIT_NOTIFY
    KVM_EXIT(NOTIFY, NULL),
#endif
#ifdef KVM_EXIT_MEMORY_FAULT
    KVM_EXIT(MEMORY_FAULT, NULL),
#endif
};

static const struct kvm_exit_desc *kvm_exit_desc(uint32_t reason)
{
	if (reason >= sizeof(kvm_exits) / sizeof(kvm_exits[0]) || !kvm_exits[reason].name)
		return NULL;
	return &kvm_exits[reason];
}

static void translate_exit(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	uint32_t reason = k->run->exit_reason;
	const struct kvm_exit_desc *d = kvm_exit_desc(reason);
	if (d && d->translate) {
		d->translate(k, e);
		return;
	}
	e->reason = VCPU_EXIT_UNKNOWN;
	e->unknown.backend_reason = reason;
	e->unknown.backend_name = d ? d->name : NULL;
}

/* Hand back, one at a time, the `out`s KVM queued in the coalesced ring:
 * they happened before the exit KVM_RUN just reported, so they go first. */
static bool next_coalesced_out(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	struct kvm_coalesced_mmio_ring *ring = k->ring;
	if (!ring || ring->first == ring->last)
		return false;
	struct kvm_coalesced_mmio *c = &ring->coalesced_mmio[ring->first];
	memcpy(k->coalesced_data, c->data, sizeof(k->coalesced_data));
	e->reason = VCPU_EXIT_IO;
	e->queued = true;
	e->io.port = (uint16_t)c->phys_addr;
	e->io.size = (uint8_t)c->len;
	e->io.is_write = 1;
	e->io.count = 1;
	e->io.data = k->coalesced_data;
	__atomic_store_n(&ring->first, (ring->first + 1) % k->ring_max, __ATOMIC_RELEASE);
	return true;
}

static int kvm_complete_io(struct vcpu *v);
static int enter_immediate(struct vcpu_kvm *k);

/* The instruction at CS:EIP, if it is a hypercall in guest RAM (no paging:
 * linear = physical). */
static bool hypercall_at_pc(struct vcpu_kvm *k, struct kvm_regs *regs,
                            enum vcpu_hypercall_insn *insn)
{
	struct kvm_sregs sregs;
	if (kvm_read_regs(k, regs, &sregs) < 0 || (sregs.cr0 & 0x80000000u))
		return false;
	uint64_t lin = (uint32_t)(sregs.cs.base + regs->rip);
	if (lin + 3 > k->vm->ram_size || k->vm->ram[lin] != 0x0f || k->vm->ram[lin + 1] != 0x01)
		return false;
	if (k->vm->ram[lin + 2] != 0xc1 && k->vm->ram[lin + 2] != 0xd9)
		return false;
	*insn = k->vm->ram[lin + 2] == 0xc1 ? VCPU_HYPERCALL_VMCALL : VCPU_HYPERCALL_VMMCALL;
	return true;
}

/* KVM_EXIT_XEN: let KVM complete the hypercall now, leaving EAX as it is
 * (the caller sets the result with set_state), so that EIP is past it. */
static int finish_xen_hypercall(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	struct kvm_regs regs;
	if (!hypercall_at_pc(k, &regs, &e->hypercall.insn))
		e->hypercall.insn = VCPU_HYPERCALL_VMCALL; /* Xen's own hypercall page */
#ifdef KVM_EXIT_XEN_HCALL
	k->run->xen.u.hcall.result = regs.rax;
#endif
	return enter_immediate(k);
}

/* Where KVM spins in the kernel on a hypercall (its emulator re-executes
 * it forever), a kick finds the guest at it: do it here instead, as the
 * built-in CPU does, and keep the kick for the next run. */
static int take_wedged_hypercall(struct vcpu_kvm *k, struct vcpu_exit *e, bool kicked)
{
	struct kvm_regs regs;
	enum vcpu_hypercall_insn insn;
	if (k->vm->is_probe || !hypercall_at_pc(k, &regs, &insn))
		return 0;
	const struct kvm_hcall_probe *p = kvm_probe_hypercall();
	if ((insn == VCPU_HYPERCALL_VMCALL ? p->vmcall : p->vmmcall) != KVM_HCALL_WEDGES)
		return 0;
	regs.rip += 3;
	k->sync_fresh = false;
	if (ioctl(k->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	e->reason = VCPU_EXIT_HYPERCALL;
	e->hypercall.insn = insn;
	if (kicked) /* the kick follows as INTR on the next run */
		__atomic_store_n(&k->kick_pending, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int finish_hypercall(struct vcpu_kvm *k, struct vcpu_exit *e, bool kicked)
{
	if (e->reason == VCPU_EXIT_HYPERCALL)
		return finish_xen_hypercall(k, e);
	if (e->reason == VCPU_EXIT_INTR)
		return take_wedged_hypercall(k, e, kicked);
	return 0;
}

/* Under single-step, KVM finishes an instruction that exited for I/O on the
 * next KVM_RUN and then runs one more before it traps: finish it without
 * running anything and report the step here instead. */
static int finish_stepped_io(struct vcpu_kvm *k, struct vcpu_exit *e)
{
	k->step_after_io = false;
	int r = kvm_complete_io(&k->vcpu);
	if (r < 0)
		return r;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	r = kvm_read_regs(k, &regs, &sregs);
	if (r < 0)
		return r;
	*e = (struct vcpu_exit){.reason = VCPU_EXIT_DEBUG};
	e->debug.kind = VCPU_DEBUG_STEP;
	e->debug.addr = (uint32_t)(sregs.cs.base + regs.rip);
	e->debug.dr6 = 1u << 14; /* BS */
	return 0;
}

static int kvm_run_vcpu(struct vcpu *v, struct vcpu_exit *e)
{
	struct vcpu_kvm *k = to_kvm(v);
	if (k->step_after_io && !k->deferred_valid)
		return finish_stepped_io(k, e);
	if (k->deferred_valid) {
		if (next_coalesced_out(k, e))
			return 0;
		k->deferred_valid = false;
		*e = k->deferred;
		e->queued = false;
		return 0;
	}
	if (__atomic_load_n(&k->kick_pending, __ATOMIC_SEQ_CST)) {
		/* A kick reported late (see take_wedged_hypercall), or one that
		 * came between runs: answer it without entering the guest. */
		__atomic_store_n(&k->kick_pending, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&k->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		*e = (struct vcpu_exit){.reason = VCPU_EXIT_INTR};
		return 0;
	}
	/* KVM checks the window only after running; where it emulates the
	 * guest that can be after the next hlt. */
	if (k->run->request_interrupt_window && kvm_interrupt_ready(v)) {
		*e = (struct vcpu_exit){.reason = VCPU_EXIT_IRQ_WINDOW};
		return 0;
	}
	pthread_t self = pthread_self();
	__atomic_store(&k->thread, &self, __ATOMIC_SEQ_CST);
	int r = ioctl(k->vcpu_fd, KVM_RUN, 0);
	kvm_ran(k);
	bool kicked = false;
	if (r < 0) {
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
		kicked = __atomic_load_n(&k->run->immediate_exit, __ATOMIC_SEQ_CST);
		/* This INTR exit answers every kick so far. */
		__atomic_store_n(&k->kick_pending, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&k->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		k->run->exit_reason = KVM_EXIT_INTR;
	}
	e->queued = false;
	translate_exit(k, e);
	r = finish_hypercall(k, e, kicked);
	if (r < 0)
		return r;
	if (k->singlestep && (e->reason == VCPU_EXIT_IO || e->reason == VCPU_EXIT_MMIO ||
	                      e->reason == VCPU_EXIT_MSR))
		k->step_after_io = true; /* KVM finishes these on the next KVM_RUN */
	if (k->ring && k->ring->first != k->ring->last) {
		k->deferred = *e;
		k->deferred_valid = true;
		next_coalesced_out(k, e);
	}
	return 0;
}

/* KVM finishes an in/out or MMIO instruction only when KVM_RUN is entered
 * again; with immediate_exit set it does exactly that and returns EINTR
 * without running guest code (api.rst, "immediate_exit"). */
static int kvm_complete_io(struct vcpu *v)
{
	struct vcpu_kvm *k = to_kvm(v);
	if (k->deferred_valid)
		return 0; /* a queued out: done; the real exit is still to come */
	k->step_after_io = false;
	return enter_immediate(k);
}

static int enter_immediate(struct vcpu_kvm *k)
{
	if (!k->vm->has_immediate_exit)
		return -ENOTSUP;
	__atomic_store_n(&k->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	int r = ioctl(k->vcpu_fd, KVM_RUN, 0);
	int e = errno;
	kvm_ran(k);
	/* A kick (another thread, a signal) during the call must still stop
	 * the next KVM_RUN: clear, then look (kvm_kick() sets in the other
	 * order). */
	__atomic_store_n(&k->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&k->kick_pending, __ATOMIC_SEQ_CST))
		__atomic_store_n(&k->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (r < 0 && e != EINTR)
		return -e;
	return 0;
}

static void kvm_debugger_attached(struct vcpu *v, bool on)
{
	struct vcpu_kvm *k = to_kvm(v);
	if (!k->vm->has_sync_regs)
		return;
	k->run->kvm_valid_regs = on ? KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS : 0;
	k->sync_fresh = false;
}

static int kvm_vm_coalesce_pio(struct vcpu_vm *base, uint16_t port, uint16_t len, bool on)
{
	struct kvm_vm *vm = to_kvm_vm(base);
	if (!vm->has_coalesced_pio || vm->coalesced_page <= 0)
		return -ENOTSUP;
	struct kvm_coalesced_mmio_zone zone = {.addr = port, .size = len, .pio = 1};
	unsigned long req = on ? KVM_REGISTER_COALESCED_MMIO : KVM_UNREGISTER_COALESCED_MMIO;
	return ioctl(vm->vm_fd, req, &zone) < 0 ? -errno : 0;
}

static const char *kvm_probe_summary(struct vcpu *v)
{
	return kvm_probe_debug(v)->summary;
}

/* ---- life cycle ----------------------------------------------------- */

static void kvm_vm_destroy(struct vcpu_vm *base)
{
	struct kvm_vm *vm = to_kvm_vm(base);
	if (!vm)
		return;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm);
}

static void kvm_destroy(struct vcpu *v)
{
	struct vcpu_kvm *k = to_kvm(v);
	if (k->run)
		munmap(k->run, k->run_size);
	if (k->vcpu_fd >= 0)
		close(k->vcpu_fd);
	if (k->owns_vm)
		kvm_vm_destroy(&k->vm->base);
	free(k);
}

static const struct vcpu_ops kvm_vcpu_ops = {
    .name = "kvm",
    .run = kvm_run_vcpu,
    .get_state = kvm_get_state,
    .set_state = kvm_set_state,
    .set_debug = kvm_set_debug,
    .kick = kvm_kick,
    .complete_io = kvm_complete_io,
    .interrupt_ready = kvm_interrupt_ready,
    .inject_interrupt = kvm_inject_interrupt,
    .request_interrupt_window = kvm_request_interrupt_window,
    .take_pending_interrupt = kvm_take_pending_interrupt,
    .debugger_attached = kvm_debugger_attached,
    .probe_debug = kvm_probe_summary,
    .destroy = kvm_destroy,
};

static int install_kick_handler(void)
{
	struct sigaction sa = {.sa_handler = kick_handler};
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: KVM_RUN must see EINTR */
	return sigaction(KICK_SIGNAL, &sa, NULL) < 0 ? -errno : 0;
}

static int map_run_area(struct vcpu_kvm *k, char *err, size_t errlen)
{
	int size = ioctl(k->vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0) {
		snprintf(err, errlen, "KVM_GET_VCPU_MMAP_SIZE failed: %s", strerror(errno));
		return -1;
	}
	k->run_size = (size_t)size;
	k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu_fd, 0);
	if (k->run == MAP_FAILED) {
		k->run = NULL;
		snprintf(err, errlen, "mmap of the vCPU run area failed: %s", strerror(errno));
		return -1;
	}
	if (k->vm->coalesced_page > 0 && (size_t)k->vm->coalesced_page * PAGE_SIZE < k->run_size) {
		k->ring = (void *)((uint8_t *)k->run + k->vm->coalesced_page * PAGE_SIZE);
		k->ring_max = (PAGE_SIZE - sizeof(*k->ring)) / sizeof(struct kvm_coalesced_mmio);
	}
	return 0;
}

static struct kvm_vm *new_vm(uint8_t *ram, uint64_t ram_size, bool probe, char *err,
                             size_t errlen)
{
	struct kvm_vm *vm = calloc(1, sizeof(*vm));
	if (!vm) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	vm->base = (struct vcpu_vm){.ops = &kvm_vm_ops, .backend = "kvm"};
	vm->vm_fd = -1;
	vm->ram = ram;
	vm->ram_size = ram_size;
	vm->is_probe = probe;
	vm->kvm_fd = open_dev_kvm(err, errlen);
	if (vm->kvm_fd < 0)
		goto fail;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		snprintf(err, errlen,
		         "KVM_CREATE_VM failed: %s (is another hypervisor holding the CPU's "
		         "virtualization extensions, or is the kvm module half-loaded? "
		         "--accel emu works without KVM)",
		         strerror(errno));
		goto fail;
	}
	if (check_caps(vm, err, errlen) < 0)
		goto fail;
	enable_xen_hcall(vm);
	enable_msr_exits(vm);
	int r = map_ram(vm);
	if (r < 0) {
		snprintf(err, errlen, "KVM_SET_USER_MEMORY_REGION failed: %s", strerror(-r));
		goto fail;
	}
	r = install_kick_handler();
	if (r < 0) {
		snprintf(err, errlen, "installing the vCPU kick signal handler failed: %s",
		         strerror(-r));
		goto fail;
	}
	return vm;
fail:
	kvm_vm_destroy(&vm->base);
	return NULL;
}

/* KVM's CPUID as the host supports it, with this vCPU's initial APIC ID in
 * leaf 1's EBX[31:24] (the index, as its local APIC's ID).  A host that
 * will not say keeps KVM's default. */
static void set_cpuid(struct vcpu_kvm *k, unsigned index)
{
	enum { MAX_ENTRIES = 128 };
	struct kvm_cpuid2 *cpuid =
	    calloc(1, sizeof(*cpuid) + MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2));
	if (!cpuid)
		return;
	cpuid->nent = MAX_ENTRIES;
	if (ioctl(k->vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0) {
		for (unsigned i = 0; i < cpuid->nent; i++)
			if (cpuid->entries[i].function == 1)
				cpuid->entries[i].ebx =
				    (cpuid->entries[i].ebx & 0x00ffffffu) | (uint32_t)index << 24;
		if (ioctl(k->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0) {
			/* KVM's default CPUID stays: APIC ID 0 there */
		}
	}
	free(cpuid);
}

static struct vcpu *new_vcpu(struct kvm_vm *vm, unsigned index, char *err, size_t errlen)
{
	struct vcpu_kvm *k = calloc(1, sizeof(*k));
	if (!k) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->vcpu.ops = &kvm_vcpu_ops;
	k->vm = vm;
	k->vcpu_fd = -1;
	k->thread = pthread_self();
	k->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (k->vcpu_fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VCPU %u failed: %s", index, strerror(errno));
		goto fail;
	}
	if (map_run_area(k, err, errlen) < 0)
		goto fail;
	set_cpuid(k, index);
	struct vcpu_state st;
	vcpu_state_reset(&st);
	int r = kvm_set_state(&k->vcpu, &st);
	if (r < 0) {
		snprintf(err, errlen, "setting the vCPU's reset state failed: %s", strerror(-r));
		goto fail;
	}
	k->vcpu.caps = (struct vcpu_caps){
	    .backend = "kvm",
	    .max_breakpoints = VCPU_DEBUG_REGS,
	    .max_watchpoints = VCPU_DEBUG_REGS,
	    /* Until kvm_probe_debug() says otherwise, assume the worst. */
	    .watchpoints_fire = false,
	    .sw_breakpoints_trap = false,
	    .hlt_exits_when_stepping = false,
	    .hypercall_vmcall = false,
	    .hypercall_vmmcall = false,
	    .msr_exits = vm->has_msr_exits,
	};
	/* Without the Xen intercept no hypercall reaches user space by itself,
	 * and nothing needs running to know it. */
	if (!vm->is_probe && vm->has_xen_hcall) {
		const struct kvm_hcall_probe *p = kvm_probe_hypercall();
		k->vcpu.caps.hypercall_vmcall = p->vmcall == KVM_HCALL_EXITS;
		k->vcpu.caps.hypercall_vmmcall = p->vmmcall == KVM_HCALL_EXITS;
	}
	return &k->vcpu;
fail:
	kvm_destroy(&k->vcpu);
	return NULL;
}

static struct vcpu *kvm_vm_create_vcpu(struct vcpu_vm *base, unsigned index, char *err,
                                       size_t errlen)
{
	return new_vcpu(to_kvm_vm(base), index, err, errlen);
}

static const struct vcpu_vm_ops kvm_vm_ops = {
    .create_vcpu = kvm_vm_create_vcpu,
    .map_hole = kvm_vm_map_hole,
    .coalesce_pio = kvm_vm_coalesce_pio,
    .destroy = kvm_vm_destroy,
};

struct kvm_vm *to_kvm_vm(struct vcpu_vm *vm)
{
	return (struct kvm_vm *)vm;
}

struct vcpu_vm *kvm_vm_create(uint8_t *ram, uint64_t ram_size, char *err, size_t errlen)
{
	struct kvm_vm *vm = new_vm(ram, ram_size, false, err, errlen);
	return vm ? &vm->base : NULL;
}

/* One vCPU on a VM of its own, destroyed with it: probes and tests. */
struct vcpu *kvm_vcpu_new(uint8_t *ram, uint64_t ram_size, bool probe, char *err, size_t errlen)
{
	struct kvm_vm *vm = new_vm(ram, ram_size, probe, err, errlen);
	struct vcpu *v = vm ? new_vcpu(vm, 0, err, errlen) : NULL;
	if (!v) {
		if (vm)
			kvm_vm_destroy(&vm->base);
		return NULL;
	}
	to_kvm(v)->owns_vm = true;
	return v;
}

struct vcpu *kvm_vcpu_create(uint8_t *ram, uint64_t ram_size, char *err, size_t errlen)
{
	return kvm_vcpu_new(ram, ram_size, false, err, errlen);
}
