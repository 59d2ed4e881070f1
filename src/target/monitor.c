/* Monitor commands: a table of names, argument-free handlers that write
 * text, and one dispatcher. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bios/bios.h"
#include "target/gdb_target.h"
#include "vmm/boot.h"
#include "vmm/hypercall.h"
#include "target/monitor.h"
#include "target/reverse.h"
#include "text.h"
#include "vmm/report.h"
#include "vmm/snapshot.h"

typedef int (*monitor_fn)(struct gdb_target *t, const char *args, struct text *o);

struct monitor_cmd {
	const char *name;
	const char *usage;
	const char *help;
	monitor_fn fn;
};

static int cmd_help(struct gdb_target *t, const char *args, struct text *o);

static int cmd_registers(struct gdb_target *t, const char *args, struct text *o)
{
	(void)args;
	struct vcpu_state st;
	int r = gdb_target_ops.get_state(t, 1, &st);
	if (r < 0) {
		text_printf(o, "cannot read registers: %s\n", strerror(-r));
		return r;
	}
	o->used += report_format_registers(&st, o->buf + o->used, o->len - o->used);
	return 0;
}

static int cmd_stats(struct gdb_target *t, const char *args, struct text *o)
{
	(void)args;
	const struct vm_stats *s = &t->vm->stats;
	text_printf(o, "backend: %s\n", t->vm->accel_note);
	text_printf(o, "VM exits: %llu\n", (unsigned long long)s->total);
	if (s->queued_writes)
		text_printf(o, "  %-16s %llu (COM1 output KVM queued without exiting)\n",
		            "IO queued", (unsigned long long)s->queued_writes);
	for (int r = 0; r < VCPU_EXIT_REASON_COUNT; r++)
		if (s->exits[r])
			text_printf(o, "  %-16s %llu\n",
			            vcpu_exit_reason_name((enum vcpu_exit_reason)r),
			            (unsigned long long)s->exits[r]);
	text_printf(o, "MMIO outside RAM: %llu reads, %llu writes\n",
	            (unsigned long long)s->mmio_reads, (unsigned long long)s->mmio_writes);
	text_printf(o, "console bytes: %llu\n", (unsigned long long)t->vm->uart.tx_bytes);
	return 0;
}

static int cmd_reset(struct gdb_target *t, const char *args, struct text *o)
{
	(void)args;
	int r = gdb_target_ops.restart(t);
	if (r < 0) {
		text_printf(o, "reset failed: %s\n", strerror(-r));
		return r;
	}
	text_printf(
	    o, "guest reloaded and reset to its entry point; breakpoints were removed.\n"
	       "GDB: run `flushregs` to see the new state; LLDB: it shows at the next stop.\n");
	return 0;
}

/* Which ways into the hypercall interface reach the VMM on the VM's own
 * vCPU (the port always; vmcall/vmmcall as the backend and host allow). */
static void say_hypercalls(const struct vcpu_caps *c, struct text *o)
{
	static const char *const missing[2][2] = {
	    /* [vmcall works][vmmcall works] */
	    {"vmcall and vmmcall do", "vmcall does"},
	    {"vmmcall does", NULL},
	};
	bool vmcall = c->hypercall_vmcall, vmmcall = c->hypercall_vmmcall;
	const char *miss = missing[vmcall][vmmcall];
	text_printf(o, "hypercalls: port 0xEA%s%s", vmcall ? ", vmcall" : "",
	            vmmcall ? ", vmmcall" : "");
	if (miss)
		text_printf(o, "; %s not reach the VMM on this host: use the port", miss);
	text_printf(o, "\n");
}

static int cmd_debug(struct gdb_target *t, const char *args, struct text *o)
{
	(void)args;
	const struct vcpu_caps *c = &t->dbg.caps;
	text_printf(o, "backend: %s\n", t->vm->accel_note);
	if (t->probe_summary)
		text_printf(o, "KVM debug probe: %s\n", t->probe_summary);
	if (!t->dbg.kvm)
		text_printf(o, "breakpoints: any number, native\n");
	else if (c->sw_breakpoints_trap)
		text_printf(
		    o,
		    "breakpoints: break: int3 patches; hbreak: %u debug registers, then int3 "
		    "patches\n",
		    c->max_breakpoints);
	else
		text_printf(
		    o,
		    "breakpoints: %u debug registers, then hlt patches (int3 does not trap on "
		    "this host)\n",
		    c->max_breakpoints);
	if (!t->dbg.kvm)
		text_printf(o, "watchpoints: any number, read/write/access, native\n");
	else if (c->watchpoints_fire)
		text_printf(
		    o,
		    "watchpoints: write/access: debug registers (aligned 1/2/4/8 bytes, %u in "
		    "all); read, unaligned or more: the built-in CPU runs the guest while they "
		    "are set\n",
		    c->max_watchpoints);
	else
		text_printf(o,
		            "watchpoints: the built-in CPU runs the guest while any is set (data "
		            "breakpoints do not fire on this host)\n");
	text_printf(o, "the guest last ran on: %s%s\n",
	            t->vm->vcpu == t->vm->cpu->own ? "" : "the built-in CPU standing in for ",
	            !t->vm->cpu->own->caps.builtin ? "KVM"
	            : !t->emu_model                ? "the built-in CPU playing KVM"
	                                           : "the built-in CPU");
	text_printf(o, "single-step: %s\n",
	            c->hlt_exits_when_stepping
	                ? "native"
	                : "native; a step onto hlt is completed by the stub");
	say_hypercalls(&t->vm->cpu->own->caps, o);
	o->used += debug_describe(&t->dbg, o->buf + o->used, o->len - o->used);
	return 0;
}

static int cmd_halt(struct gdb_target *t, const char *args, struct text *o)
{
	if (strcmp(args, "exit") == 0)
		t->halt = HALT_EXIT;
	else if (strcmp(args, "stop") == 0)
		t->halt = HALT_STOP;
	else if (*args) {
		text_printf(o, "usage: monitor halt [exit|stop]\n");
		return -EINVAL;
	}
	text_printf(o, "on hlt the guest %s\n",
	            t->halt == HALT_EXIT ? "exits (GDB sees the program end)"
	                                 : "stops (SIGTRAP after the hlt)");
	return 0;
}

static int parse_port_arg(const char *s, unsigned *port)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);
	if (end == s || *end || v > 0xffff)
		return -1;
	*port = (unsigned)v;
	return 0;
}

static int cmd_catch_port(struct gdb_target *t, const char *args, struct text *o)
{
	char dir[8] = "";
	const char *sp = strchr(args, ' ');
	unsigned port;
	uint8_t bits;
	if (!sp || (size_t)(sp - args) >= sizeof(dir) || parse_port_arg(sp + 1, &port) < 0)
		goto usage;
	memcpy(dir, args, (size_t)(sp - args));
	bits = !strcmp(dir, "in") ? 1 : !strcmp(dir, "out") ? 2 : !strcmp(dir, "any") ? 3 : 0;
	if (!bits)
		goto usage;
	if (!t->watch.port_catch && !(t->watch.port_catch = calloc(65536, 1))) {
		text_printf(o, "out of memory\n");
		return -ENOMEM;
	}
	t->watch.port_catch[port] |= bits;
	vm_console_queue_update(t->vm); /* catchpoints see every write */
	text_printf(o, "the guest stops on %s port %#x\n",
	            bits == 3   ? "any access to"
	            : bits == 1 ? "reads from"
	                        : "writes to",
	            port);
	return 0;
usage:
	text_printf(o, "usage: monitor catch-port in|out|any PORT\n");
	return -EINVAL;
}

static int cmd_uncatch_port(struct gdb_target *t, const char *args, struct text *o)
{
	unsigned port;
	if (!strcmp(args, "all")) {
		free(t->watch.port_catch);
		t->watch.port_catch = NULL;
		vm_console_queue_update(t->vm); /* catchpoints see every write */
		text_printf(o, "no port catchpoints\n");
		return 0;
	}
	if (parse_port_arg(args, &port) < 0) {
		text_printf(o, "usage: monitor uncatch-port PORT|all\n");
		return -EINVAL;
	}
	if (t->watch.port_catch)
		t->watch.port_catch[port] = 0;
	vm_console_queue_update(t->vm); /* catchpoints see every write */
	text_printf(o, "port %#x is no longer caught\n", port);
	return 0;
}

static int cmd_cpus(struct gdb_target *t, const char *args, struct text *o)
{
	(void)args;
	struct vm *vm = t->vm;
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		const struct vm_cpu *c = &vm->cpus[i];
		struct vcpu_state st;
		if (vcpu_get_state(c->vcpu, &st) < 0) {
			text_printf(o, "CPU %u: registers unavailable\n", i);
			continue;
		}
		const char *run = c->state == VM_CPU_WAIT_SIPI ? "waiting for SIPI"
		                  : c->halted                  ? "halted"
		                                               : "running";
		text_printf(o, "CPU %u: %s, %04x:%08x, %s, %llu exits\n", i,
		            (st.cr0 & CR0_PE) ? "protected mode" : "real mode",
		            st.seg[SREG_CS].selector, st.eip, run, (unsigned long long)c->exits);
	}
	return 0;
}

static int cmd_ports(struct gdb_target *t, const char *args, struct text *o)
{
	(void)args;
	unsigned n = 0;
	for (unsigned p = 0; t->watch.port_catch && p < 65536; p++) {
		uint8_t b = t->watch.port_catch[p];
		if (b) {
			text_printf(o, "port %#06x: %s\n", p,
			            b == 3   ? "any"
			            : b == 1 ? "in"
			                     : "out");
			n++;
		}
	}
	if (!n)
		text_printf(o, "no port catchpoints\n");
	return 0;
}

static int cmd_catch_hypercall(struct gdb_target *t, const char *args, struct text *o)
{
	char *end;
	unsigned long nr = strtoul(args, &end, 0);
	if (!*args || !strcmp(args, "any")) {
		t->watch.hypercall_catch = ~0u;
		text_printf(o, "the guest stops after every hypercall\n");
		return 0;
	}
	if (end == args || *end || nr >= 0xfffffffful) {
		text_printf(o, "usage: monitor catch-hypercall [NR|any]\n");
		return -EINVAL;
	}
	t->watch.hypercall_catch = (uint32_t)nr + 1;
	const char *name = hypercall_name((uint32_t)nr);
	text_printf(o, "the guest stops after hypercall %#lx (%s)\n", nr, name ? name : "unknown");
	return 0;
}

static int cmd_uncatch_hypercall(struct gdb_target *t, const char *args, struct text *o)
{
	(void)args;
	t->watch.hypercall_catch = 0;
	text_printf(o, "no hypercall catchpoint\n");
	return 0;
}

static int cmd_screen(struct gdb_target *t, const char *args, struct text *o)
{
	(void)args;
	if (o->used + 1 < o->len)
		o->used += vga_screen_text(&t->vm->board.vga, o->buf + o->used, o->len - o->used);
	return 0;
}

static const char *outcome_name(enum bios_outcome o)
{
	static const char *const names[] = {[BIOS_DONE] = "",
	                                    [BIOS_WAIT] = " (waits)",
	                                    [BIOS_EXIT] = " -> guest ends",
	                                    [BIOS_RESET] = " -> reset"};
	return names[o];
}

static void say_regs(struct text *o, const struct bios_regs *r)
{
	text_printf(o, "ax=%04x bx=%04x cx=%04x dx=%04x si=%04x di=%04x es=%04x ds=%04x cf=%d",
	            bios_x(r->eax), bios_x(r->ebx), bios_x(r->ecx), bios_x(r->edx), bios_x(r->esi),
	            bios_x(r->edi), r->es, r->ds, bios_cf(r));
}

static int cmd_bios(struct gdb_target *t, const char *args, struct text *o)
{
	(void)args;
	static struct bios_log_entry log[BIOS_LOG_SIZE];
	if (!t->vm->boot) {
		text_printf(o, "no BIOS: the guest was not started with --boot\n");
		return 0;
	}
	unsigned n = bios_log(&t->vm->boot->bios, log);
	if (!n)
		text_printf(o, "no BIOS calls yet\n");
	for (unsigned i = 0; i < n; i++) {
		text_printf(o,
		            "#%llu int %02xh AH=%02xh\n  in:  ", (unsigned long long)log[i].count,
		            log[i].vector, bios_hi(log[i].in.eax));
		say_regs(o, &log[i].in);
		text_printf(o, "\n  out: ");
		say_regs(o, &log[i].out);
		text_printf(o, "%s\n", outcome_name(log[i].outcome));
	}
	return 0;
}

/* ---- monitor snapshot ... ---------------------------------------- */

/* The debugger's view of RAM: bytes under patched breakpoints are the
 * guest's, so a snapshot never holds a patch. */
static void shadow_patches(void *ctx, uint32_t addr, uint8_t *buf, size_t len)
{
	struct gdb_target *t = ctx;
	debug_shadow(&t->dbg, addr, buf, len);
}

static int snapshot_save(struct gdb_target *t, const char *name, struct text *o)
{
	char err[300];
	if (snapshot_store_save(t->vm, name, shadow_patches, t, err, sizeof(err)) < 0) {
		text_printf(o, "snapshot save failed: %s\n", err);
		return -EIO;
	}
	text_printf(o, "snapshot '%s' saved\n", name);
	return 0;
}

/* After the VM was loaded from a snapshot (its vm_ram_written() patched
 * the breakpoints back over the new RAM): both CPUs told, the register
 * cache dropped. */
static void snapshot_loaded(struct gdb_target *t)
{
	reverse_release(t); /* a new present: the history before it is another run's */
	reverse_attach(t);
	struct vcpu *emu = gdb_target_stand_in(t, 0);
	if (emu && emu != t->vm->vcpu)
		vcpu_ram_written(emu, 0, t->vm->ram_size);
	t->cache_valid = false;
	t->exited = false;
}

static int snapshot_load(struct gdb_target *t, const char *name, struct text *o)
{
	char err[300] = "the vCPU state cannot be gathered";
	size_t len;
	struct snapshot_view *v = malloc(sizeof(*v));
	const uint8_t *buf = snapshot_store_find(t->vm, name, &len);
	int r = -ENOMEM;
	if (!buf) {
		text_printf(o, "no snapshot '%s'; `monitor snapshot list` shows them\n", name);
		r = -ENOENT;
	} else if (v && (snapshot_parse(buf, len, v, err, sizeof(err)) < 0 ||
	                 snapshot_check(t->vm, v, false, err, sizeof(err)) < 0)) {
		text_printf(o, "snapshot load failed: %s\n", err);
		r = -EINVAL;
	} else if (v && gdb_target_settle(t) == 0 &&
	           snapshot_apply(t->vm, v, err, sizeof(err)) == 0) {
		snapshot_loaded(t);
		text_printf(
		    o,
		    "snapshot '%s' loaded.\n"
		    "GDB: run `flushregs` to see the new state; LLDB: it shows at the next stop.\n",
		    name);
		r = 0;
	} else {
		text_printf(o, "snapshot load failed: %s\n", v ? err : "out of memory");
		r = -EIO;
	}
	free(v);
	return r;
}

static int snapshot_write(struct gdb_target *t, const char *path, struct text *o)
{
	char err[300];
	uint8_t *buf;
	size_t len;
	if (snapshot_encode(t->vm, shadow_patches, t, &buf, &len, err, sizeof(err)) < 0 ||
	    snapshot_write_file(path, buf, len, err, sizeof(err)) < 0) {
		text_printf(o, "snapshot write failed: %s\n", err);
		return -EIO;
	}
	free(buf);
	text_printf(o, "snapshot written to %s (%zu bytes)\n", path, len);
	return 0;
}

static int snapshot_delete(struct gdb_target *t, const char *name, struct text *o)
{
	if (snapshot_store_delete(t->vm, name) < 0) {
		text_printf(o, "no snapshot '%s'\n", name);
		return -ENOENT;
	}
	text_printf(o, "snapshot '%s' deleted\n", name);
	return 0;
}

static int snapshot_list(struct gdb_target *t, const char *arg, struct text *o)
{
	(void)arg;
	size_t n = snapshot_store_list(t->vm, o->buf + o->used, o->len - o->used);
	o->used += n;
	if (n == 0)
		text_printf(o, "no snapshots\n");
	return 0;
}

static const struct {
	const char *name;
	bool takes_name; /* the argument is a snapshot name (checked) */
	int (*fn)(struct gdb_target *t, const char *arg, struct text *o);
} snapshot_cmds[] = {
    {"save", true, snapshot_save},     {"load", true, snapshot_load},
    {"delete", true, snapshot_delete}, {"list", false, snapshot_list},
    {"write", false, snapshot_write},
};

static int cmd_snapshot(struct gdb_target *t, const char *args, struct text *o)
{
	size_t n = strcspn(args, " ");
	const char *arg = args + n;
	while (*arg == ' ')
		arg++;
	char word[SNAPSHOT_NAME_MAX + 2];
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(arg, " "), arg);
	for (size_t i = 0; i < sizeof(snapshot_cmds) / sizeof(snapshot_cmds[0]); i++) {
		if (strlen(snapshot_cmds[i].name) != n || strncmp(args, snapshot_cmds[i].name, n))
			continue;
		bool is_list = snapshot_cmds[i].fn == snapshot_list;
		if (!is_list && !*arg) {
			text_printf(o, "usage: monitor snapshot %s %s\n", snapshot_cmds[i].name,
			            snapshot_cmds[i].takes_name ? "NAME" : "FILE");
			return -EINVAL;
		}
		if (snapshot_cmds[i].takes_name && (arg[strlen(word)] || !snapshot_name_ok(word))) {
			text_printf(o, "bad name: 1-%d characters of A-Z a-z 0-9 . _ -\n",
			            SNAPSHOT_NAME_MAX);
			return -EINVAL;
		}
		if (reverse_in_past(t) && snapshot_cmds[i].fn != snapshot_list &&
		    snapshot_cmds[i].fn != snapshot_delete) {
			text_printf(o, "the guest is in its recorded past: go back to the present "
			               "first (continue until \"No more reverse-execution history\")\n");
			return -EPERM;
		}
		return snapshot_cmds[i].fn(t, snapshot_cmds[i].takes_name ? word : arg, o);
	}
	text_printf(o, "usage: monitor snapshot save|load|delete NAME, list, write FILE\n");
	return -EINVAL;
}

static int cmd_record(struct gdb_target *t, const char *args, struct text *o)
{
	return reverse_monitor(t, args, o);
}

static const struct monitor_cmd commands[] = {
    {"help", "", "this list", cmd_help},
    {"registers", "", "all registers: segment bases/limits, control and table registers",
     cmd_registers},
    {"stats", "", "VM-exit statistics and the backend", cmd_stats},
    {"reset", "", "reload the guest image and reset the CPU", cmd_reset},
    {"debug", "", "how breakpoints/watchpoints work on this host, and each one's mechanism",
     cmd_debug},
    {"halt", "[exit|stop]", "what a guest hlt does under GDB", cmd_halt},
    {"catch-port", "in|out|any PORT", "stop when the guest accesses a port", cmd_catch_port},
    {"uncatch-port", "PORT|all", "remove port catchpoints", cmd_uncatch_port},
    {"ports", "", "list port catchpoints", cmd_ports},
    {"cpus", "", "each vCPU's mode, CS:EIP, state and VM exits", cmd_cpus},
    {"catch-hypercall", "[NR|any]", "stop after the guest's hypercalls (EAX = NR)",
     cmd_catch_hypercall},
    {"uncatch-hypercall", "", "remove the hypercall catchpoint", cmd_uncatch_hypercall},
    {"screen", "", "the VGA text screen as plain text", cmd_screen},
    {"bios", "", "the last BIOS calls (--boot) with their registers in and out", cmd_bios},
    {"record", "[on|off]", "reverse execution: what is recorded, start or stop it",
     cmd_record},
    {"snapshot", "save|load|delete NAME, list, write FILE",
     "machine snapshots in memory, or to a file for --restore", cmd_snapshot},
    {NULL, NULL, NULL, NULL},
};

static int cmd_help(struct gdb_target *t, const char *args, struct text *o)
{
	(void)t;
	(void)args;
	for (const struct monitor_cmd *c = commands; c->name; c++)
		text_printf(o, "monitor %-17s %-16s %s\n", c->name, c->usage, c->help);
	return 0;
}

int monitor_run(struct gdb_target *t, const char *line, char *out, size_t outlen)
{
	struct text o = {out, outlen, 0};
	if (outlen)
		out[0] = 0;
	while (*line == ' ')
		line++;
	size_t n = strcspn(line, " ");
	const char *args = line + n;
	while (*args == ' ')
		args++;
	for (const struct monitor_cmd *c = commands; c->name; c++)
		if (strlen(c->name) == n && strncmp(line, c->name, n) == 0)
			return c->fn(t, args, &o);
	text_printf(&o, "unknown monitor command '%.*s'; try 'monitor help'\n", (int)n, line);
	return -ENOENT;
}
