/* The virtual machine: guest RAM, the vCPU (KVM or the built-in CPU), the
 * devices, the loaded image and the exit statistics. */
#ifndef KVM_GDBSTUB_VM_H
#define KVM_GDBSTUB_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/lapic.h"
#include "hw/pc.h"
#include "hw/uart.h"
#include "vmm/loader.h"
#include "vcpu.h"

enum accel { ACCEL_AUTO, ACCEL_KVM, ACCEL_EMU };

#define VM_DEFAULT_RAM (1u << 20)
#define VM_MAX_RAM     (2048ull << 20)

#define VM_MAX_DISKS 2 /* --disk: hard disks 0x80, 0x81 after the boot image */

struct vm_config {
	uint64_t ram_size;
	enum accel accel;
	const char *image_path;
	const char *boot_path;   /* --boot: a disk image booted by the BIOS, or NULL */
	const char *disk_paths[VM_MAX_DISKS]; /* --disk, in order */
	unsigned n_disks;
	bool disk_write;         /* --disk-write: int 13h writes reach the files */
	bool no_boot_signature;  /* --no-boot-signature: boot sector 0 without 0x55AA */
	bool verbose;
	bool stats;
	bool fixed_clock;       /* --clock: the guest's time starts at clock_epoch_ns */
	int64_t clock_epoch_ns; /* Unix time in ns */
	uint64_t icount_ns;     /* --icount: virtual ns per instruction (built-in CPU), 0 = off */
	unsigned n_cpus;        /* --cpus: vCPUs, 1..VM_MAX_CPUS (0 = 1) */
};

struct vm_stats {
	uint64_t exits[VCPU_EXIT_REASON_COUNT];
	uint64_t total;
	uint64_t queued_writes;             /* port writes KVM queued instead of exiting */
	uint64_t handovers; /* instructions KVM could not emulate, run by the built-in CPU */
	uint64_t interrupts; /* external interrupts injected */
	uint32_t *port_reads, *port_writes; /* per port, only with --stats */
	uint64_t mmio_reads, mmio_writes;
};


struct run_watch;
struct vm_threads;
struct snapshot_store;

#define VM_MAX_CPUS 64
/* With several vCPUs, how long one runs before the next takes its turn. */
#define VM_SLICE_INSNS 20000              /* the built-in CPU: instructions */
#define VM_SLICE_NS    (1000 * 1000)      /* KVM: 1 ms */

enum vm_cpu_state {
	VM_CPU_WAIT_SIPI, /* an application processor before its INIT-SIPI (or start hypercall) */
	VM_CPU_RUNNING,
};

/* One vCPU of the machine as the run loop schedules it. */
struct vm_cpu {
	struct vcpu *vcpu; /* what runs it: own, or the built-in CPU standing in for it */
	struct vcpu *own;  /* the backend's vcpu for it */
	unsigned index;    /* 0 = the bootstrap processor */
	enum vm_cpu_state state;
	bool halted;       /* in hlt with IF = 1: waiting for an interrupt */
	bool irq_window;   /* an interrupt-window exit is requested */
	bool held;         /* a debugger keeps it where it is while others run */
	uint64_t exits;    /* its VM exits, for --stats */
};

struct vm {
	struct vm_config cfg;
	uint8_t *ram;
	uint64_t ram_size;
	struct vcpu_vm *backend; /* KVM's or the built-in CPU's VM */
	struct vm_cpu cpus[VM_MAX_CPUS];
	unsigned n_cpus;
	struct vm_cpu *cpu; /* the one the run loop runs now (or last ran) */
	struct vcpu *vcpu;  /* its vcpu: cpu->vcpu (__atomic: vm_kick() reads it) */
	struct lapic_bus lapics; /* a local APIC per vCPU at 0xFEE00000 */
	struct vm_threads *threads; /* KVM with several vCPUs: a host thread each */
	/* Stops of other vCPUs that came while the run already ended (their
	 * threads ran in parallel): a debugger reports them later. */
	struct vm_also_stopped {
		struct vm_cpu *cpu;
		struct run_result *res;
	} also[VM_MAX_CPUS];
	unsigned n_also;
	struct pc_board board; /* the devices, their bus and the clock */
	struct uart uart;
	struct vm_stats stats;
	struct loaded_image image;
	char accel_note[300]; /* why this backend runs, for stderr and monitor */

	struct run_watch *watch; /* a debugger's catchpoints and stepping, or NULL */
	unsigned mmio_reports;  /* unassigned accesses reported so far */
	bool console_coalesced; /* COM1 output queued by KVM: vm_console_queue_update */
	void *flush_timer;      /* timer_t: kicks the vCPU so queued output shows */
	bool ram_used;          /* RAM may be non-zero: a reset must clear it */
	bool running;           /* inside runloop_run() */
	uint32_t com1_writes;   /* until COM1_QUEUE_AFTER, then output is queued */

	int wake_fd;              /* eventfd: vm_kick() ends an idle wait */
	int kicked;               /* vm_kick() since the vCPU last returned INTR (__atomic) */
	bool hypercall_pending;   /* the hypercall port was written: serve it */
	bool hypercall_unknown_noted;
	int exit_status;          /* RUN_EXITED: the status the guest asked for */
	void *deadline_timer;     /* timer_t: kicks the vCPU at the next device deadline */
	uint64_t deadline_armed;  /* virtual time it is armed for, VCLOCK_NEVER = off */
	uint64_t idle_skipped_ns; /* --icount: virtual time jumped over while idle */
	struct vcpu *stand_in;    /* built-in CPU for what KVM cannot emulate, lazily */

	struct pc_boot *boot;     /* --boot: the BIOS, the disks, the terminal (boot.h) */
	bool bios_pending;        /* the BIOS trap port was written: serve it */
	bool a20_off;             /* the A20 gate is closed: addresses wrap at 1 MiB */
	bool reset_requested;     /* the guest pulsed the reset line */
	bool quit_requested;      /* Ctrl-A x on the terminal */

	struct snapshot_store *snapshots; /* named snapshots (snapshot.h), or NULL */

	/* Optional: told after vm_ram_written(), i.e. after the VMM itself (the
	 * BIOS, a hypercall, a snapshot) wrote guest RAM; a debugger puts its
	 * breakpoint patches back over the new bytes here. */
	void (*ram_written_hook)(void *ctx, uint64_t gpa, uint64_t len);
	void *ram_written_ctx;
};

/* Open or close the A20 gate on the vCPU (and the stand-in). */
void vm_set_a20(struct vm *vm, bool on);

/* Make the running (or next) vCPU run, and any idle wait, return soon
 * (VCPU_EXIT_INTR).  Async-signal-safe. */
void vm_kick(struct vm *vm);

/* A kick was seen (VCPU_EXIT_INTR or an idle wait ended): forget it. */
void vm_kick_served(struct vm *vm);

/* Kick the vCPU at virtual time deadline (VCLOCK_NEVER: never), so that a
 * device timer's interrupt is not late while the guest runs. */
void vm_deadline_timer_arm(struct vm *vm, uint64_t deadline);

/* Sleep until virtual time `deadline` (VCLOCK_NEVER: no limit), input
 * arrives on input_fd (-1: none), or vm_kick().  Returns 1 if kicked. */
int vm_idle_wait(struct vm *vm, uint64_t deadline, int input_fd);

/* Run vCPU cpu from now on (the run loop's scheduler, the debugger's
 * thread selection): vm->cpu and vm->vcpu follow. */
void vm_select_cpu(struct vm *vm, struct vm_cpu *cpu);

/* Replace the vcpu that runs cpu (a stand-in built-in CPU, or back). */
void vm_set_cpu_vcpu(struct vm *vm, struct vm_cpu *cpu, struct vcpu *vcpu);

/* Start an application processor in real mode at cs:ip, if it waits for
 * a SIPI.  0, or -1 (no such CPU, or it runs already: as hardware, ignored). */
int vm_start_cpu(struct vm *vm, unsigned index, uint16_t cs, uint16_t ip);

/* The vm_cpu whose backend vcpu (or stand-in) is vcpu, or NULL. */
struct vm_cpu *vm_cpu_of(struct vm *vm, const struct vcpu *vcpu);

/* The VMM itself wrote guest RAM [gpa, gpa+len) (BIOS services, hypercalls,
 * snapshots): drop every vCPU's decode cache, then call ram_written_hook.
 * Not for the debugger's own writes (the hook would take them twice). */
void vm_ram_written(struct vm *vm, uint64_t gpa, uint64_t len);

/* A built-in CPU over this VM's RAM, with its MMIO page: the backend, or a
 * stand-in for KVM.  NULL on ENOMEM. */
struct vcpu *vm_create_emu_vcpu(struct vm *vm);

/* Guest RAM [gpa, gpa + len) as a host pointer, or NULL if any byte of it
 * is not RAM (for devices and hypercalls that touch guest buffers). */
uint8_t *vm_ram_range(struct vm *vm, uint64_t gpa, uint64_t len);

/* Let KVM queue the guest's COM1 output instead of exiting per byte, or stop
 * it: on once the guest has written COM1_QUEUE_AFTER bytes (a coalesced zone
 * makes KVM's VM teardown ~15 ms slower, which short runs should not pay),
 * only on KVM, never with -v or while a catchpoint watches COM1 writes.
 * Call it when one of those changes. */
void vm_console_queue_update(struct vm *vm);
#define COM1_QUEUE_AFTER 256

/* Around a run: while output may be queued, a 20 ms timer kicks the vCPU
 * so that it reaches the console even if the guest never exits. */
void vm_flush_timer_arm(struct vm *vm, bool on);

/* Guests stop into a debugger by writing MAGIC_BREAK_VALUE to this port
 * (Bochs' debugger port and value); without a debugger it does nothing. */
#define MAGIC_BREAK_PORT  0x8a00
#define MAGIC_BREAK_VALUE 0x8ae0

/* Allocate RAM, choose and create the backend, set up the devices.  The
 * console sink receives the guest's UART output; in_fd feeds its input.
 * 0, or -1 with a message in err (exit status hint in *status). */
int vm_create(struct vm *vm, const struct vm_config *cfg, struct console_sink console, int in_fd,
              char *err, size_t errlen);

/* Clear RAM, load the image, reset the vCPU to the image's entry point.
 * 0, or -1 with a message in err. */
int vm_reset(struct vm *vm, char *err, size_t errlen);

void vm_destroy(struct vm *vm);

/* Guest-physical RAM access for the debugger and devices: 0, or -EFAULT if
 * any byte of the range is outside RAM. */
int vm_read_ram(struct vm *vm, uint64_t gpa, void *buf, uint64_t len);
int vm_write_ram(struct vm *vm, uint64_t gpa, const void *buf, uint64_t len);

#endif
