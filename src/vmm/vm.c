/* VM set-up: RAM, backend choice, devices, image loading. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cpu/emu.h"
#include "vmm/boot.h"
#include "vmm/hypercall.h"
#include "kvm/kvm.h"
#include "vmm/runloop.h"
#include "vmm/snapshot.h"
#include "vmm/vcpu_threads.h"
#include "vmm/vm.h"

#define FLUSH_SIGNAL    SIGUSR2
#define DEADLINE_SIGNAL SIGRTMIN

/* The magic-breakpoint port: the run loop stops on its writes when a
 * debugger asks (run_watch.magic_break); as a device it is write-only. */
static void magic_break(void *opaque, struct vcpu *vcpu, uint64_t port, uint8_t *data,
                        unsigned size, bool is_write)
{
	(void)opaque;
	(void)vcpu;
	(void)port;
	if (!is_write)
		memset(data, 0xff, size);
}

/* The hypercall port: the call itself is served by the run loop once the
 * `out` has completed, because it reads and writes the vCPU's registers. */
static void hypercall_port(void *opaque, struct vcpu *vcpu, uint64_t port, uint8_t *data,
                           unsigned size, bool is_write)
{
	(void)vcpu;
	(void)port;
	struct vm *vm = opaque;
	if (is_write)
		vm->hypercall_pending = true;
	else
		memset(data, 0xff, size);
}

/* The BIOS's trap port: served by the run loop once the `out` is done,
 * like a hypercall; written by anything but a --boot guest, it is a no-op. */
static void bios_trap_port(void *opaque, struct vcpu *vcpu, uint64_t port, uint8_t *data,
                           unsigned size, bool is_write)
{
	(void)vcpu;
	(void)port;
	struct vm *vm = opaque;
	if (!is_write)
		memset(data, 0xff, size);
	else if (vm->boot)
		vm->bios_pending = true;
}

void vm_set_a20(struct vm *vm, bool on)
{
	if (vm->a20_off == !on)
		return;
	vm->a20_off = !on;
	if (strcmp(vm->backend->backend, "kvm") == 0 &&
	    kvm_vm_set_a20(vm->backend, on, PC_RTC_MMIO_BASE, PC_RTC_MMIO_SIZE) < 0)
		fprintf(stderr, "kvm-gdbstub: KVM cannot switch the A20 gate %s\n", on ? "on" : "off");
	/* Every built-in CPU running a vCPU now; others get it when they start. */
	for (unsigned i = 0; i < vm->n_cpus; i++)
		if (!vcpu_is_kvm(vm->cpus[i].vcpu))
			emu_vcpu_set_a20(vm->cpus[i].vcpu, on);
	if (vm->stand_in)
		emu_vcpu_set_a20(vm->stand_in, on);
}

void vm_kick(struct vm *vm)
{
	static const uint64_t one = 1;
	/* Any thread or signal handler: the vCPU may be changing (migrate()). */
	__atomic_store_n(&vm->kicked, 1, __ATOMIC_SEQ_CST);
	if (vm->wake_fd >= 0 && write(vm->wake_fd, &one, sizeof(one)) < 0) {
		/* the counter is already non-zero: a wake is pending anyway */
	}
	if (vm->threads)
		vcpu_threads_kick_all(vm);
	else
		vcpu_kick(__atomic_load_n(&vm->vcpu, __ATOMIC_SEQ_CST));
}

/* How long to sleep until deadline, to the nanosecond (NULL: no limit).
 * poll()'s whole milliseconds, rounded up, made every wake-up of a 1 kHz
 * timer later than the last until the PIT skipped a tick (about one in
 * twelve were lost). */
static const struct timespec *sleep_time(struct vm *vm, uint64_t deadline, struct timespec *ts)
{
	if (deadline == VCLOCK_NEVER)
		return NULL;
	uint64_t now = vclock_now(&vm->board.clock);
	uint64_t ns = deadline > now ? deadline - now : 0;
	if (ns > NS_PER_SEC)
		ns = NS_PER_SEC; /* re-check at least every second */
	ts->tv_sec = (time_t)(ns / NS_PER_SEC);
	ts->tv_nsec = (long)(ns % NS_PER_SEC);
	return ts;
}

/* --icount: virtual time is the instruction count times cfg.icount_ns,
 * plus the time skipped while the CPU idled (nothing ran then). */
static uint64_t icount_total(const struct vm *vm)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < vm->n_cpus; i++)
		n += emu_vcpu_instructions(vm->cpus[i].vcpu);
	return n;
}

static uint64_t icount_now(void *opaque)
{
	const struct vm *vm = opaque;
	return icount_total(vm) * vm->cfg.icount_ns + vm->idle_skipped_ns;
}

int vm_idle_wait(struct vm *vm, uint64_t deadline, int input_fd)
{
	struct pollfd p[2] = {{.fd = vm->wake_fd, .events = POLLIN},
	                      {.fd = input_fd, .events = POLLIN}};
	struct timespec ts;
	if (__atomic_load_n(&vm->kicked, __ATOMIC_SEQ_CST))
		return 1;
	if (vm->cfg.icount_ns && deadline != VCLOCK_NEVER) {
		/* Nothing runs until the deadline: jump there, the same way
		 * every time, instead of sleeping through it. */
		uint64_t now = vclock_now(&vm->board.clock);
		if (deadline > now)
			vm->idle_skipped_ns += deadline - now;
		return 0;
	}
	if (vm->uart.out.flush)
		vm->uart.out.flush(vm->uart.out.ctx); /* output before sleeping */
	const struct timespec *limit = vm->cfg.icount_ns ? NULL : sleep_time(vm, deadline, &ts);
	(void)ppoll(p, input_fd >= 0 ? 2 : 1, limit, NULL);
	return __atomic_load_n(&vm->kicked, __ATOMIC_SEQ_CST);
}

void vm_console_queue_update(struct vm *vm)
{
	bool caught = vm->watch && vm->watch->port_catch &&
	              (vm->watch->port_catch[COM1_BASE] & RUN_CATCH_WRITE);
	bool on = vm->com1_writes >= COM1_QUEUE_AFTER && !vm->cfg.verbose && !caught;
	if (!vm->backend->ops->coalesce_pio || on == vm->console_coalesced)
		return;
	if (vcpu_vm_coalesce_pio(vm->backend, COM1_BASE, 1, on) == 0)
		vm->console_coalesced = on;
	if (on && vm->running)
		vm_flush_timer_arm(vm, true); /* from now on output may wait */
}

/* The VM's host timers signal the vCPU thread with the VM as their value
 * (no process-global pointer): the handler kicks the vCPU, which returns
 * VCPU_EXIT_INTR; without vm_kick() the run loop just goes on. */
static void on_vm_timer(int sig, siginfo_t *info, void *uctx)
{
	(void)sig;
	(void)uctx;
	struct vm *vm = info->si_value.sival_ptr;
	if (vm && vm->threads)
		vcpu_threads_kick_all(vm); /* any of them may have to take an interrupt */
	else if (vm && vm->vcpu)
		vcpu_kick(vm->vcpu);
}

static int create_vm_timer(struct vm *vm, int signo, void **out)
{
	struct sigaction sa = {.sa_sigaction = on_vm_timer, .sa_flags = SA_SIGINFO};
	sigemptyset(&sa.sa_mask);
	if (sigaction(signo, &sa, NULL) < 0)
		return -errno;
	struct sigevent ev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = signo};
	ev.sigev_value.sival_ptr = vm;
	ev._sigev_un._tid = gettid(); /* the vCPU thread (glibc names no field) */
	timer_t timer;
	if (timer_create(CLOCK_MONOTONIC, &ev, &timer) < 0)
		return -errno;
	*out = malloc(sizeof(timer));
	if (!*out) {
		timer_delete(timer);
		return -ENOMEM;
	}
	memcpy(*out, &timer, sizeof(timer));
	return 0;
}

static void delete_vm_timer(void **timer)
{
	if (*timer) {
		timer_delete(*(timer_t *)*timer);
		free(*timer);
		*timer = NULL;
	}
}

/* The built-in CPU's turn ends after a slice of instructions when several
 * vCPUs share the thread (a fixed count: the same interleaving every run). */
static uint64_t slice_limit(struct vm *vm)
{
	if (vm->n_cpus == 1 || !vm->vcpu->caps.builtin)
		return UINT64_MAX;
	return emu_vcpu_instructions(vm->vcpu) + VM_SLICE_INSNS;
}

/* --icount: stop the built-in CPU at the instruction where virtual time
 * (every vCPU's instructions together) reaches deadline. */
static void icount_limit_arm(struct vm *vm, uint64_t deadline)
{
	uint64_t limit = UINT64_MAX;
	if (deadline != VCLOCK_NEVER) {
		/* The counter's reading at the deadline (a restored snapshot offsets it). */
		deadline = vclock_source_time(&vm->board.clock, deadline);
		uint64_t run_ns = deadline > vm->idle_skipped_ns ? deadline - vm->idle_skipped_ns : 0;
		uint64_t total = (run_ns + vm->cfg.icount_ns - 1) / vm->cfg.icount_ns;
		uint64_t mine = emu_vcpu_instructions(vm->vcpu), all = icount_total(vm);
		limit = total > all ? mine + (total - all) : mine;
	}
	uint64_t slice = slice_limit(vm);
	emu_vcpu_set_icount_limit(vm->vcpu, limit < slice ? limit : slice);
}

void vm_deadline_timer_arm(struct vm *vm, uint64_t deadline)
{
	if (vm->cfg.icount_ns) {
		icount_limit_arm(vm, deadline);
		return;
	}
	if (vm->vcpu->caps.builtin) {
		emu_vcpu_set_icount_limit(vm->vcpu, slice_limit(vm));
	} else if (vm->n_cpus > 1 && vm->running && !vm->threads) { /* KVM in turn: a timer ends one */
		uint64_t slice_end = vclock_now(&vm->board.clock) + VM_SLICE_NS;
		if (slice_end < deadline)
			deadline = slice_end;
	}
	if (deadline == vm->deadline_armed || !vm->deadline_timer)
		return;
	struct itimerspec its = {0};
	if (deadline != VCLOCK_NEVER) {
		uint64_t host = vm->board.clock.host_start_ns + deadline;
		its.it_value.tv_sec = (time_t)(host / NS_PER_SEC);
		its.it_value.tv_nsec = (long)(host % NS_PER_SEC);
	}
	if (timer_settime(*(timer_t *)vm->deadline_timer, TIMER_ABSTIME, &its, NULL) == 0)
		vm->deadline_armed = deadline;
}

void vm_kick_served(struct vm *vm)
{
	uint64_t count;
	__atomic_store_n(&vm->kicked, 0, __ATOMIC_SEQ_CST);
	while (read(vm->wake_fd, &count, sizeof(count)) > 0) {
		/* drain the eventfd: this kick is being served */
	}
}

void vm_flush_timer_arm(struct vm *vm, bool on)
{
	if (!vm->console_coalesced || !vm->flush_timer || (vm->watch && vm->watch->stepping))
		return;
	struct itimerspec its = {0};
	if (on)
		its.it_value.tv_nsec = its.it_interval.tv_nsec = 20 * 1000 * 1000;
	if (timer_settime(*(timer_t *)vm->flush_timer, 0, &its, NULL) < 0) {
		/* queued output then shows at the guest's next exit */
	}
}

struct vcpu *vm_create_emu_vcpu(struct vm *vm)
{
	struct vcpu *v = emu_vcpu_create(vm->ram, vm->ram_size);
	if (v) {
		emu_vcpu_map_hole(v, PC_RTC_MMIO_BASE, PC_RTC_MMIO_SIZE);
		emu_vcpu_set_a20(v, !vm->a20_off);
	}
	return v;
}

static void destroy_cpus(struct vm *vm)
{
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		vcpu_destroy(vm->cpus[i].own); /* a stand-in belongs to whoever made it */
		vm->cpus[i].vcpu = vm->cpus[i].own = NULL;
	}
	vm->n_cpus = 0;
	vm->cpu = NULL;
	vm->vcpu = NULL;
}

/* Take the backend's VM (NULL: its creation failed, why says so): the
 * MMIO page's hole in RAM, then the vCPUs.  0, or -1 with the reason in why. */
static int adopt_backend(struct vm *vm, struct vcpu_vm *backend, char *why, size_t len)
{
	if (!backend)
		return -1;
	unsigned want = vm->cfg.n_cpus ? vm->cfg.n_cpus : 1;
	int r = vcpu_vm_map_hole(backend, PC_RTC_MMIO_BASE, PC_RTC_MMIO_SIZE);
	if (r < 0)
		snprintf(why, len, "%s cannot map the RAM around the MMIO page: %s",
		         backend->backend, strerror(-r));
	for (unsigned i = 0; r == 0 && i < want; i++) {
		struct vm_cpu *c = &vm->cpus[i];
		*c = (struct vm_cpu){.index = i, .state = i ? VM_CPU_WAIT_SIPI : VM_CPU_RUNNING};
		c->vcpu = c->own = vcpu_vm_create_vcpu(backend, i, why, len);
		if (!c->vcpu)
			r = -1;
		else
			vm->n_cpus = i + 1;
	}
	if (r < 0) {
		destroy_cpus(vm);
		vcpu_vm_destroy(backend);
		return -1;
	}
	vm->backend = backend;
	vm_select_cpu(vm, &vm->cpus[0]);
	return 0;
}

void vm_select_cpu(struct vm *vm, struct vm_cpu *cpu)
{
	vm->cpu = cpu;
	__atomic_store_n(&vm->vcpu, cpu->vcpu, __ATOMIC_SEQ_CST);
}

void vm_set_cpu_vcpu(struct vm *vm, struct vm_cpu *cpu, struct vcpu *vcpu)
{
	cpu->vcpu = vcpu;
	if (vm->cpu == cpu)
		__atomic_store_n(&vm->vcpu, vcpu, __ATOMIC_SEQ_CST);
}

struct vm_cpu *vm_cpu_of(struct vm *vm, const struct vcpu *vcpu)
{
	for (unsigned i = 0; i < vm->n_cpus; i++)
		if (vm->cpus[i].vcpu == vcpu || vm->cpus[i].own == vcpu)
			return &vm->cpus[i];
	return NULL;
}

void vm_ram_written(struct vm *vm, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < vm->n_cpus; i++)
		vcpu_ram_written(vm->cpus[i].vcpu, gpa, len);
	if (vm->ram_written_hook)
		vm->ram_written_hook(vm->ram_written_ctx, gpa, len);
}

int vm_start_cpu(struct vm *vm, unsigned index, uint16_t cs, uint16_t ip)
{
	if (index >= vm->n_cpus || vm->cpus[index].state != VM_CPU_WAIT_SIPI)
		return -1;
	struct vm_cpu *c = &vm->cpus[index];
	struct vcpu_state st;
	vcpu_state_reset(&st);
	vcpu_segment_set_real(&st.seg[SREG_CS], cs);
	st.seg[SREG_CS].type = 0xb;
	st.eip = ip;
	if (vcpu_set_state(c->vcpu, &st) < 0)
		return -1;
	c->state = VM_CPU_RUNNING;
	c->halted = false;
	return 0;
}

/* ---- the local APICs' view of the machine --------------------------- */

static unsigned lapic_cpu_index(void *opaque, struct vcpu *vcpu)
{
	struct vm *vm = opaque;
	struct vm_cpu *c = vcpu ? vm_cpu_of(vm, vcpu) : NULL;
	if (!c && vcpu && vcpu == vm->vcpu)
		c = vm->cpu; /* a stand-in built-in CPU runs the current one */
	return c ? c->index : VM_MAX_CPUS;
}

/* INIT: an application processor waits for its SIPI again; on a PC the
 * bootstrap processor's INIT resets the machine, as the reset line does
 * (the run ends). */
static void lapic_init_cpu(void *opaque, unsigned cpu)
{
	struct vm *vm = opaque;
	if (cpu == 0) {
		vm->reset_requested = true;
		return;
	}
	if (cpu >= vm->n_cpus)
		return;
	struct vm_cpu *c = &vm->cpus[cpu];
	struct vcpu_state st;
	vcpu_state_reset(&st);
	vcpu_set_state(c->vcpu, &st);
	c->state = VM_CPU_WAIT_SIPI;
	c->halted = false;
}

static void lapic_sipi(void *opaque, unsigned cpu, uint8_t vector)
{
	struct vm *vm = opaque;
	if (vm_start_cpu(vm, cpu, (uint16_t)(vector << 8), 0) < 0 && vm->cfg.verbose)
		fprintf(stderr, "kvm-gdbstub: SIPI to CPU %u ignored (missing or running)\n", cpu);
}

static void lapic_kick(void *opaque, unsigned cpu)
{
	/* One thread runs every vCPU in turn: the target takes its interrupt
	 * when its turn comes (a halted one is woken by the scheduler). */
	(void)opaque;
	(void)cpu;
}

static const struct lapic_ops vm_lapic_ops = {
    .cpu_index = lapic_cpu_index,
    .init = lapic_init_cpu,
    .sipi = lapic_sipi,
    .kick = lapic_kick,
};

static int create_backend(struct vm *vm, char *err, size_t errlen)
{
	char why[256] = "out of memory";
	if (vm->cfg.icount_ns)
		snprintf(why, sizeof(why), "--icount counts its instructions");
	if (vm->cfg.accel != ACCEL_EMU && !vm->cfg.icount_ns) {
		if (adopt_backend(vm, kvm_vm_create(vm->ram, vm->ram_size, why, sizeof(why)), why,
		                  sizeof(why)) == 0) {
			snprintf(vm->accel_note, sizeof(vm->accel_note), "KVM");
			return 0;
		}
		if (vm->cfg.accel == ACCEL_KVM) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
	}
	char emu_why[256] = "out of memory";
	if (adopt_backend(vm, emu_vm_create(vm->ram, vm->ram_size), emu_why, sizeof(emu_why)) < 0) {
		snprintf(err, errlen, "cannot create the built-in CPU: %s", emu_why);
		return -1;
	}
	if (vm->cfg.accel == ACCEL_EMU)
		snprintf(vm->accel_note, sizeof(vm->accel_note), "built-in CPU (--accel emu)");
	else
		snprintf(vm->accel_note, sizeof(vm->accel_note), "built-in CPU, because %s", why);
	return 0;
}

int vm_create(struct vm *vm, const struct vm_config *cfg, struct console_sink console, int in_fd,
              char *err, size_t errlen)
{
	memset(vm, 0, sizeof(*vm));
	vm->cfg = *cfg;
	vm->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vm->ram_size = cfg->ram_size ? cfg->ram_size : VM_DEFAULT_RAM;
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		snprintf(err, errlen, "cannot allocate %llu bytes of guest RAM: %s",
		         (unsigned long long)vm->ram_size, strerror(errno));
		return -1;
	}
	if (create_backend(vm, err, errlen) < 0)
		return -1;
	int64_t epoch = cfg->fixed_clock ? cfg->clock_epoch_ns : vclock_host_wall_ns();

	uart_init(&vm->uart, console, in_fd);
	if (pc_board_init(&vm->board, vm->ram_size, epoch) < 0 ||
	    uart_register(&vm->uart, &vm->board.bus) < 0 ||
	    bus_register_pio(&vm->board.bus, "magic-break", MAGIC_BREAK_PORT, 2, magic_break, vm) < 0 ||
	    bus_register_pio(&vm->board.bus, "hypercall", HYPERCALL_PORT, 2, hypercall_port, vm) <
	        0 ||
	    bus_register_pio(&vm->board.bus, "bios-trap", BIOS_TRAP_PORT, 1, bios_trap_port, vm) <
	        0) {
		snprintf(err, errlen, "device registration failed");
		return -1;
	}
	pc_board_set_text_ram(&vm->board, vm->ram, vm->ram_size);
	if (lapic_bus_init(&vm->lapics, &vm->board.bus, &vm->board.clock, vm->n_cpus,
	                   &vm_lapic_ops, vm) < 0) {
		snprintf(err, errlen, "cannot set up the local APICs");
		return -1;
	}
	vm->lapics.verbose = cfg->verbose;
	if (cfg->verbose && !vm->vcpu->caps.msr_exits)
		fprintf(stderr,
		        "kvm-gdbstub: this KVM lacks KVM_CAP_X86_USER_SPACE_MSR: IA32_APIC_BASE "
		        "is KVM's, the APIC page stays at %#x\n",
		        LAPIC_DEFAULT_BASE);
	/* Where QEMU's BIOS finds the CPU count, so guests can too. */
	cmos_nvram_set(&vm->board.cmos, CMOS_SMP_CPUS, (uint8_t)(vm->n_cpus - 1));
	if (cfg->boot_path && boot_create(vm, err, errlen) < 0)
		return -1;
	if (cfg->icount_ns) /* options.c made sure it is the built-in CPU */
		vclock_set_source(&vm->board.clock, icount_now, vm);
	if (vm->backend->ops->coalesce_pio &&
	    create_vm_timer(vm, FLUSH_SIGNAL, &vm->flush_timer) < 0)
		vm->flush_timer = NULL; /* queued output then shows at the next exit */
	vm->deadline_armed = VCLOCK_NEVER;
	if (create_vm_timer(vm, DEADLINE_SIGNAL, &vm->deadline_timer) < 0) {
		snprintf(err, errlen, "cannot create the device timer: %s", strerror(errno));
		return -1;
	}
	if (cfg->stats) {
		vm->stats.port_reads = calloc(65536, sizeof(uint32_t));
		vm->stats.port_writes = calloc(65536, sizeof(uint32_t));
	}
	return 0;
}

/* Where a loaded image starts: flat images at 0:0; an ELF entry below
 * 64 KiB runs as 0:entry, a higher one as (entry >> 4):(entry & 15). */
static void entry_state(struct vcpu_state *st, uint32_t entry)
{
	vcpu_state_reset(st);
	uint16_t cs = entry > 0xffff ? (uint16_t)(entry >> 4) : 0;
	vcpu_segment_set_real(&st->seg[SREG_CS], cs);
	st->seg[SREG_CS].type = 0xb;
	st->eip = entry - ((uint32_t)cs << 4);
}

/* The flat binary or ELF of the command line, and its entry point. */
static int load_image(struct vm *vm, char *err, size_t errlen)
{
	if (loader_load_file(vm->cfg.image_path, vm->ram, vm->ram_size, &vm->image, err, errlen) <
	    0)
		return -1;
	vcpu_ram_written(vm->vcpu, 0, vm->ram_size);
	struct vcpu_state st;
	entry_state(&st, vm->image.entry);
	int r = vcpu_set_state(vm->vcpu, &st);
	if (r < 0) {
		snprintf(err, errlen, "cannot set the vCPU state: %s", strerror(-r));
		return -1;
	}
	return 0;
}

/* Every application processor waits for its SIPI again, from reset. */
static void reset_cpus(struct vm *vm)
{
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		struct vm_cpu *c = &vm->cpus[i];
		c->halted = false;
		c->held = false;
		lapic_reset(&vm->lapics, i);
		if (i) {
			struct vcpu_state st;
			vcpu_state_reset(&st);
			vcpu_set_state(c->vcpu, &st);
			c->state = VM_CPU_WAIT_SIPI;
		}
	}
	vm_select_cpu(vm, &vm->cpus[0]);
}

int vm_reset(struct vm *vm, char *err, size_t errlen)
{
	/* Fresh anonymous memory is zero; later, give the pages back to the
	 * kernel (zero again on next touch) instead of writing every byte. */
	if (vm->boot)
		boot_save_screen(vm);
	if (vm->ram_used && madvise(vm->ram, vm->ram_size, MADV_DONTNEED) < 0)
		memset(vm->ram, 0, vm->ram_size);
	vm->ram_used = true;
	vm->reset_requested = false;
	if ((vm->boot ? boot_reset(vm, err, errlen) : load_image(vm, err, errlen)) < 0)
		return -1;
	vm->exit_status = 0;
	reset_cpus(vm);
	return 0;
}

void vm_destroy(struct vm *vm)
{
	snapshot_store_free(vm);
	boot_destroy(vm);
	vcpu_destroy(vm->stand_in);
	vm->stand_in = NULL;
	vcpu_threads_destroy(vm);
	destroy_cpus(vm);
	vcpu_vm_destroy(vm->backend);
	vm->backend = NULL;
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	vm->ram = NULL;
	delete_vm_timer(&vm->flush_timer);
	delete_vm_timer(&vm->deadline_timer);
	pc_board_destroy(&vm->board);
	if (vm->wake_fd >= 0)
		close(vm->wake_fd);
	vm->wake_fd = -1;
	free(vm->stats.port_reads);
	free(vm->stats.port_writes);
}

static bool in_ram(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	bool in_hole = gpa < PC_RTC_MMIO_BASE + PC_RTC_MMIO_SIZE && gpa + len > PC_RTC_MMIO_BASE;
	return gpa <= vm->ram_size && len <= vm->ram_size - gpa && !(len && in_hole);
}

uint8_t *vm_ram_range(struct vm *vm, uint64_t gpa, uint64_t len)
{
	return in_ram(vm, gpa, len) ? vm->ram + gpa : NULL;
}

int vm_read_ram(struct vm *vm, uint64_t gpa, void *buf, uint64_t len)
{
	if (!in_ram(vm, gpa, len))
		return -EFAULT;
	memcpy(buf, vm->ram + gpa, len);
	return 0;
}

int vm_write_ram(struct vm *vm, uint64_t gpa, const void *buf, uint64_t len)
{
	if (!in_ram(vm, gpa, len))
		return -EFAULT;
	memcpy(vm->ram + gpa, buf, len);
	vcpu_ram_written(vm->vcpu, gpa, len);
	return 0;
}
