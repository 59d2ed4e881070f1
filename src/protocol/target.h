/* The target the GDB command layer debugs.
 *
 * gdbstub.c speaks the protocol and never touches KVM or the CPU: everything
 * it does to the guest goes through these operations.  gdb_target.c
 * implements them over a VM and its vCPU; the unit tests implement them with
 * a fake in memory.
 */
#ifndef KVM_GDBSTUB_TARGET_H
#define KVM_GDBSTUB_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "vcpu.h"

/* GDB's Z/z types. */
enum target_point {
	TARGET_BP_SW = 0,
	TARGET_BP_HW = 1,
	TARGET_WP_WRITE = 2,
	TARGET_WP_READ = 3,
	TARGET_WP_ACCESS = 4,
};

/* GDB's own signal numbers (gdb/signals.def), not the host's. */
enum gdb_signal {
	GDB_SIGINT = 2,
	GDB_SIGILL = 4,
	GDB_SIGTRAP = 5,
	GDB_SIGABRT = 6,
	GDB_SIGBUS = 10,
	GDB_SIGSEGV = 11,
	GDB_SIGALRM = 14,
};

enum target_stop_kind {
	TARGET_STOP_STEP,       /* single-step done */
	TARGET_STOP_SWBREAK,    /* breakpoint inserted with Z0 */
	TARGET_STOP_HWBREAK,    /* breakpoint inserted with Z1 */
	TARGET_STOP_WATCH,      /* a watchpoint fired; see addr and point */
	TARGET_STOP_INTERRUPT,  /* target_ops.interrupt() or Ctrl-C */
	TARGET_STOP_EXITED,     /* the guest halted: GDB sees "exited", code in .code */
	TARGET_STOP_SIGNAL,     /* the guest faulted, stopped at .signal */
	TARGET_STOP_HALTED,     /* the guest executed hlt and halt policy is "stop" */
	TARGET_STOP_PORT,       /* a port-I/O catchpoint fired */
	TARGET_STOP_MAGIC,      /* the guest's compiled-in breakpoint */
	TARGET_STOP_TERMINATED, /* the guest is gone, killed by .signal (gdbstub_terminate) */
};

struct target_stop {
	enum target_stop_kind kind;
	int signal;              /* enum gdb_signal */
	int code;                /* EXITED: exit status */
	enum target_point point; /* WATCH: which kind of watchpoint */
	uint32_t addr;           /* WATCH: the watched address that was hit */
	const char *why;         /* optional human text for the console */
};

enum target_resume { TARGET_CONTINUE, TARGET_STEP };

struct target_ops {
	/* Whole architectural state.  0 or -errno. */
	int (*get_state)(void *ctx, struct vcpu_state *st);
	int (*set_state)(void *ctx, const struct vcpu_state *st);

	/* Linear guest memory as the debugger sees it (breakpoints hidden).
	 * 0, or -EFAULT if any byte is outside guest memory. */
	int (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t len);
	int (*write_mem)(void *ctx, uint64_t addr, const void *buf, size_t len);

	/* Z/z.  0, -ENOSPC (out of resources), -EINVAL (bad kind/address),
	 * -ENOTSUP (type not supported: GDB then gets the empty reply). */
	int (*insert_point)(void *ctx, enum target_point type, uint64_t addr, unsigned kind);
	int (*remove_point)(void *ctx, enum target_point type, uint64_t addr, unsigned kind);

	/* Run the guest until it stops; blocks.  The stub calls interrupt()
	 * (from another thread or a signal handler) to make it stop early.
	 * interrupt() leaves a request pending; a resume() that starts with a
	 * request pending returns TARGET_STOP_INTERRUPT at once; the request is
	 * cleared only by the INTERRUPT stop it causes.  While the guest runs,
	 * the target sends console output with gdbstub_console_output().
	 * 0 with *stop filled, or -errno. */
	int (*resume)(void *ctx, enum target_resume how, struct target_stop *stop);
	void (*interrupt)(void *ctx);

	/* Why the target is stopped now (for '?'). */
	void (*last_stop)(void *ctx, struct target_stop *stop);

	/* qRcmd: run a monitor command, append its text to out (NUL-terminated,
	 * at most outlen bytes).  0, or -ENOENT for an unknown command. */
	int (*monitor)(void *ctx, const char *cmd, char *out, size_t outlen);

	/* vRun / R: reload the guest image and reset the CPU.  0 or -errno. */
	int (*restart)(void *ctx);
	/* k / vKill / D: the debugger goes away; remove every point. */
	void (*kill)(void *ctx);
	void (*detach)(void *ctx);
};

#endif
