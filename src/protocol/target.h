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

/* Where a stop is in the recorded history (reverse execution): the stop
 * reply says `replaylog:begin` or `replaylog:end` (GDB: "No more
 * reverse-execution history"). */
enum target_history {
	TARGET_HISTORY_NONE,
	TARGET_HISTORY_BEGIN, /* going backward, the oldest point kept was reached */
	TARGET_HISTORY_END,   /* going forward inside history, the present was reached */
};

struct target_stop {
	enum target_stop_kind kind;
	enum target_history history; /* NONE unless the move ran out of history */
	int signal;              /* enum gdb_signal */
	int code;                /* EXITED: exit status */
	enum target_point point; /* WATCH: which kind of watchpoint */
	uint32_t addr;           /* WATCH: the watched address that was hit */
	const char *why;         /* optional human text for the console; valid
	                          * until the next call into the target */
	unsigned tid;            /* the thread that stopped; 0: the target does
	                          * not say (the stub picks, see resume) */
};

/* Threads: every vCPU is a thread, id = vCPU index + 1, ids 1..thread_count().
 * The stub passes only ids that exist now. */
#define TARGET_MAX_THREADS 64

/* What one thread does when the target resumes (GDB's vCont actions). */
enum target_resume {
	TARGET_CONTINUE, /* run until the target stops */
	TARGET_STEP,     /* execute one instruction; its end stops the target */
	TARGET_HOLD,     /* stay stopped (GDB's scheduler-locking) */
};

/* One resume: what each thread does.  At least one thread continues or steps. */
struct target_resume_req {
	unsigned nthreads;                          /* thread_count() when asked */
	enum target_resume how[TARGET_MAX_THREADS]; /* how[tid - 1] */
};

struct target_ops {
	/* Threads.  thread_count: the highest id; ids 1..count all exist (a vCPU
	 * waiting for its SIPI is listed too; thread_info says so).  It may grow
	 * while the guest runs and change at restart(); at most
	 * TARGET_MAX_THREADS.  NULL: one thread, id 1, and every tid below is 1. */
	unsigned (*thread_count)(void *ctx);
	/* qThreadExtraInfo: one line about thread tid for `info threads`
	 * ("CPU 1, real mode, halted"), NUL-terminated in buf of len bytes.
	 * 0, or -ESRCH if there is no such thread.  NULL: no extra text. */
	int (*thread_info)(void *ctx, unsigned tid, char *buf, size_t len);

	/* Whole architectural state of thread tid.  0 or -errno. */
	int (*get_state)(void *ctx, unsigned tid, struct vcpu_state *st);
	int (*set_state)(void *ctx, unsigned tid, const struct vcpu_state *st);

	/* Linear guest memory as thread tid sees it (breakpoints hidden; the
	 * thread matters once a vCPU pages).  0, or -EFAULT if any byte is
	 * outside guest memory. */
	int (*read_mem)(void *ctx, unsigned tid, uint64_t addr, void *buf, size_t len);
	int (*write_mem)(void *ctx, unsigned tid, uint64_t addr, const void *buf, size_t len);

	/* Z/z, for every thread.  0, -ENOSPC (out of resources), -EINVAL (bad
	 * kind/address), -ENOTSUP (type not supported: GDB then gets the empty
	 * reply). */
	int (*insert_point)(void *ctx, enum target_point type, uint64_t addr, unsigned kind);
	int (*remove_point)(void *ctx, enum target_point type, uint64_t addr, unsigned kind);

	/* Run the threads as req says until something stops one of them; blocks.
	 * All-stop: before returning, the target stops every thread.
	 *
	 * Fills stops[0..n-1] and returns n (1 <= n <= max), or -errno.  Each
	 * entry is a thread that stopped for a reason of its own in that same
	 * instant (say two vCPUs that hit breakpoints in one round), with its
	 * .tid, at most one entry per thread.  The stub reports one of them and
	 * keeps the others pending, as gdbserver does: each is reported at a
	 * later resume that would run its thread, instead of running anything
	 * (a breakpoint stop is dropped if GDB moved that thread's pc or removed
	 * the breakpoint meanwhile).  So the target forgets them once returned.
	 * A stepping thread that another thread's stop cut short is just
	 * stopped: no entry.  EXITED and TERMINATED concern the whole guest: one
	 * entry is enough, and any others are dropped.  .tid 0 lets the stub
	 * name the thread (the stepping one, else the one last reported).
	 *
	 * Interrupts: the stub calls interrupt() (from another thread or a
	 * signal handler) to make it stop early.  interrupt() leaves a request
	 * pending; a resume() that starts with a request pending returns one
	 * TARGET_STOP_INTERRUPT at once, running nothing; the request is cleared
	 * only by the INTERRUPT stop it causes.  While the guest runs, the
	 * target sends console output with gdbstub_console_output(). */
	int (*resume)(void *ctx, const struct target_resume_req *req, struct target_stop *stops,
	              unsigned max);
	void (*interrupt)(void *ctx);

	/* Reverse execution (bs, bc), NULL if the target has none.  Thread tid
	 * (GDB's Hc thread; 0: the current one) goes back one instruction
	 * (TARGET_STEP), or the guest goes back until a breakpoint, a
	 * watchpoint, interrupt() or the oldest point of history
	 * (TARGET_CONTINUE).  Blocks like resume() and fills *stop (.tid set).
	 * 0, or -errno: -ENOTSUP when nothing is recorded now (stop->why may
	 * then say why, for the console). */
	int (*reverse)(void *ctx, unsigned tid, enum target_resume how, struct target_stop *stop);

	/* Why the target is stopped now (for '?' before any resume). */
	void (*last_stop)(void *ctx, struct target_stop *stop);

	/* qRcmd: run a monitor command, append its text to out (NUL-terminated,
	 * at most outlen bytes).  0, or -ENOENT for an unknown command. */
	int (*monitor)(void *ctx, const char *cmd, char *out, size_t outlen);

	/* vRun / R: reload the guest image and reset every CPU.  0 or -errno. */
	int (*restart)(void *ctx);
	/* k / vKill / D: the debugger goes away; remove every point. */
	void (*kill)(void *ctx);
	void (*detach)(void *ctx);
};

#endif
