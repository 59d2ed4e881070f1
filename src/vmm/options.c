/* Command-line parsing: one table of long options, small parsers for the
 * values, and a message naming the bad option for every error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protocol/net.h"
#include "replay/history.h"
#include "vmm/options.h"

void options_usage(FILE *f)
{
	fputs("Usage: kvm-gdbstub [OPTIONS] GUEST\n"
	      "       kvm-gdbstub [OPTIONS] --boot DISK.IMG\n"
	      "       kvm-gdbstub [OPTIONS] --restore SNAPSHOT [GUEST]\n"
	      "Run a real-mode x86 guest (flat binary loaded at 0, or ELF) under KVM or the\n"
	      "built-in CPU; its COM1 output goes to stdout, stdin feeds its COM1 input.\n"
	      "With --boot, a PC BIOS boots the disk image: BIOS teletype output goes to\n"
	      "stdout, stdin becomes key presses.\n"
	      "\n"
	      "  -p, --port PORT        wait for GDB on 127.0.0.1:PORT (0: any free port)\n"
	      "      --listen HOST:PORT wait for GDB on another address (whoever reaches the\n"
	      "                         port controls the guest)\n"
	      "      --gdb stdio        speak to GDB on stdin/stdout:\n"
	      "                         target remote | kvm-gdbstub --gdb stdio GUEST\n"
	      "      --once             exit when the first debugger session ends\n"
	      "      --halt exit|stop   under GDB, a halted guest exits (default) or stops\n"
	      "      --console gdb|stdout|both  where guest output goes under GDB (default gdb)\n"
	      "      --accel auto|kvm|emu  KVM, or the built-in CPU (default: KVM if usable)\n"
	      "  -m, --mem SIZE         guest RAM, e.g. 1M (default), 640K, 16M\n"
	      "  -t, --timeout SECONDS  stop a guest that has not halted by then\n"
	      "  -v, --verbose          trace every VM exit to stderr\n"
	      "      --stats            print exit counts by reason and port at the end\n"
	      "      --clock TIME       start the guest's clocks at TIME (UTC), e.g.\n"
	      "                         2000-01-01T00:00:00, instead of the host's time\n"
	      "      --cpus N           N vCPUs (1-64): vCPU 0 starts, the others wait for\n"
	      "                         INIT-SIPI through their local APIC (or a hypercall)\n"
	      "      --icount NS        drive the guest's clocks from the instruction count\n"
	      "                         (NS virtual ns per instruction; the built-in CPU):\n"
	      "                         timer interrupts come at the same instructions\n"
	      "                         every run\n"
	      "      --boot IMG         boot a raw disk image (floppy sizes are drive 0x00,\n"
	      "                         anything else 0x80) from sector 0 at 0000:7C00\n"
	      "      --disk IMG         another hard disk (0x80, 0x81, in order; up to 2)\n"
	      "      --disk-write       disk writes reach the image files (default: kept in\n"
	      "                         memory, the files never change)\n"
	      "      --no-boot-signature  boot a sector 0 without 0x55AA at offset 510\n"
	      "      --display text|none  draw the VGA text screen in the terminal (default:\n"
	      "                         text when stdout is a terminal)\n"
	      "      --screen           print the final VGA screen as text when the run ends\n"
	      "      --restore FILE     start from a snapshot (monitor snapshot write); its\n"
	      "                         RAM size, guest image and disks come from the file\n"
	      "      --force            with --restore: accept a snapshot whose guest files\n"
	      "                         differ from those on disk\n"
	      "      --no-record        under GDB on the built-in CPU, keep no history for\n"
	      "                         reverse execution (recorded by default)\n"
	      "      --history SIZE     memory the history may use (default 256M): the\n"
	      "                         oldest part goes first\n"
	      "  -h, --help             this text\n"
	      "  -V, --version          the version\n"
	      "\n"
	      "Exit status: 0 guest halted, 1 internal error, 2 bad usage, 3 bad guest image,\n"
	      "4 KVM or host unusable, 5 guest fault, 6 timeout.\n",
	      f);
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end == 'i' && shift) /* KiB, MiB, GiB */
		end++;
	if ((*end == 'B' || *end == 'b') && shift)
		end++;
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 65535 || *s == '-')
		return -1;
	*port = (uint16_t)v;
	return 0;
}

struct choice {
	const char *name;
	int value;
};

static int parse_choice(const char *opt, const char *arg, const struct choice *c, int *out)
{
	for (; c->name; c++) {
		if (strcmp(arg, c->name) == 0) {
			*out = c->value;
			return 0;
		}
	}
	fprintf(stderr, "kvm-gdbstub: --%s: unknown value '%s'\n", opt, arg);
	return -1;
}

static const struct choice accel_choices[] = {
    {"auto", ACCEL_AUTO}, {"kvm", ACCEL_KVM}, {"emu", ACCEL_EMU}, {NULL, 0}};
static const struct choice halt_choices[] = {{"exit", HALT_EXIT}, {"stop", HALT_STOP}, {NULL, 0}};
static const struct choice console_choices[] = {
    {"gdb", CONSOLE_GDB}, {"stdout", CONSOLE_STDOUT}, {"both", CONSOLE_BOTH}, {NULL, 0}};
static const struct choice gdb_choices[] = {{"stdio", GDB_STDIO}, {NULL, 0}};
static const struct choice display_choices[] = {
    {"text", DISPLAY_TEXT}, {"none", DISPLAY_NONE}, {NULL, 0}};

enum long_only { OPT_LISTEN = 256, OPT_GDB, OPT_HALT, OPT_CONSOLE, OPT_ACCEL, OPT_STATS, OPT_ONCE,
                 OPT_CLOCK, OPT_ICOUNT, OPT_BOOT, OPT_DISK, OPT_DISK_WRITE, OPT_NO_SIGNATURE,
                 OPT_DISPLAY, OPT_SCREEN, OPT_CPUS, OPT_RESTORE, OPT_FORCE, OPT_NO_RECORD,
                 OPT_HISTORY };

static const struct option long_options[] = {
    {"port", required_argument, NULL, 'p'},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"gdb", required_argument, NULL, OPT_GDB},
    {"halt", required_argument, NULL, OPT_HALT},
    {"console", required_argument, NULL, OPT_CONSOLE},
    {"accel", required_argument, NULL, OPT_ACCEL},
    {"mem", required_argument, NULL, 'm'},
    {"timeout", required_argument, NULL, 't'},
    {"verbose", no_argument, NULL, 'v'},
    {"stats", no_argument, NULL, OPT_STATS},
    {"once", no_argument, NULL, OPT_ONCE},
    {"clock", required_argument, NULL, OPT_CLOCK},
    {"icount", required_argument, NULL, OPT_ICOUNT},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"boot", required_argument, NULL, OPT_BOOT},
    {"disk", required_argument, NULL, OPT_DISK},
    {"disk-write", no_argument, NULL, OPT_DISK_WRITE},
    {"no-boot-signature", no_argument, NULL, OPT_NO_SIGNATURE},
    {"display", required_argument, NULL, OPT_DISPLAY},
    {"screen", no_argument, NULL, OPT_SCREEN},
    {"restore", required_argument, NULL, OPT_RESTORE},
    {"force", no_argument, NULL, OPT_FORCE},
    {"no-record", no_argument, NULL, OPT_NO_RECORD},
    {"history", required_argument, NULL, OPT_HISTORY},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static int parse_timeout(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 1e6)
		return -1;
	*out = v;
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SS" (a trailing Z allowed), UTC, years 1970-2099 (the
 * range the CMOS century and year registers and 64-bit ns both hold). */
static int parse_clock(const char *s, int64_t *epoch_ns)
{
	struct tm tm = {0};
	int n = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    (s[n] && strcmp(s + n, "Z") != 0) || tm.tm_year < 1970 || tm.tm_year > 2099 ||
	    tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59 || tm.tm_hour < 0 ||
	    tm.tm_min < 0 || tm.tm_sec < 0) {
		fprintf(stderr,
		        "kvm-gdbstub: --clock '%s': give a UTC time like 2000-01-01T00:00:00\n", s);
		return -1;
	}
	int mday = tm.tm_mday;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	if (tm.tm_mday != mday) { /* timegm normalised a 31 April */
		fprintf(stderr, "kvm-gdbstub: --clock '%s': no such date\n", s);
		return -1;
	}
	*epoch_ns = (int64_t)t * 1000000000;
	return 0;
}

static int parse_cpus(const char *s, unsigned *n)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < 1 || v > VM_MAX_CPUS) {
		fprintf(stderr, "kvm-gdbstub: --cpus '%s': give 1 to %u vCPUs\n", s, VM_MAX_CPUS);
		return -1;
	}
	*n = (unsigned)v;
	return 0;
}

static int parse_icount(const char *s, uint64_t *ns)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < 1 || v > 1000000) {
		fprintf(stderr, "kvm-gdbstub: --icount '%s': give 1 to 1000000 ns per instruction\n",
		        s);
		return -1;
	}
	*ns = v;
	return 0;
}

static int parse_mem(const char *arg, uint64_t *out)
{
	uint64_t size;
	if (parse_size(arg, &size) < 0 || size < 4096 || size % 4096 || size > VM_MAX_RAM) {
		fprintf(stderr,
		        "kvm-gdbstub: --mem '%s': give a multiple of 4 KiB between 4K and 2G\n",
		        arg);
		return -1;
	}
	*out = size;
	return 0;
}

static int apply_option(struct options *o, int c, const char *arg)
{
	int v;
	switch (c) {
	case 'p':
		if (parse_port(arg, &o->port) < 0) {
			fprintf(stderr, "kvm-gdbstub: --port '%s': not a port number\n", arg);
			return -1;
		}
		o->gdb = GDB_TCP;
		return 0;
	case OPT_LISTEN:
		if (net_parse_hostport(arg, o->listen_host, sizeof(o->listen_host), &o->port, 1) <
		    0) {
			fprintf(stderr, "kvm-gdbstub: --listen '%s': give HOST:PORT\n", arg);
			return -1;
		}
		o->gdb = GDB_TCP;
		return 0;
	case OPT_GDB:
		if (parse_choice("gdb", arg, gdb_choices, &v) < 0)
			return -1;
		o->gdb = (enum gdb_mode)v;
		return 0;
	case OPT_HALT:
		if (parse_choice("halt", arg, halt_choices, &v) < 0)
			return -1;
		o->halt = (enum halt_policy)v;
		return 0;
	case OPT_CONSOLE:
		if (parse_choice("console", arg, console_choices, &v) < 0)
			return -1;
		o->console = (enum console_target)v;
		return 0;
	case OPT_ACCEL:
		if (parse_choice("accel", arg, accel_choices, &v) < 0)
			return -1;
		o->vm.accel = (enum accel)v;
		return 0;
	case 'm':
		return parse_mem(arg, &o->vm.ram_size);
	case 't':
		if (parse_timeout(arg, &o->timeout) < 0) {
			fprintf(stderr,
			        "kvm-gdbstub: --timeout '%s': give a positive number of seconds\n",
			        arg);
			return -1;
		}
		return 0;
	case 'v':
		o->vm.verbose = true;
		return 0;
	case OPT_STATS:
		o->vm.stats = true;
		return 0;
	case OPT_ONCE:
		o->once = true;
		return 0;
	case OPT_CLOCK:
		o->vm.fixed_clock = true;
		return parse_clock(arg, &o->vm.clock_epoch_ns);
	case OPT_ICOUNT:
		return parse_icount(arg, &o->vm.icount_ns);
	case OPT_CPUS:
		return parse_cpus(arg, &o->vm.n_cpus);
	case OPT_BOOT:
		o->vm.boot_path = arg;
		return 0;
	case OPT_DISK:
		if (o->vm.n_disks == VM_MAX_DISKS) {
			fprintf(stderr, "kvm-gdbstub: --disk '%s': at most %d more disks\n", arg,
			        VM_MAX_DISKS);
			return -1;
		}
		o->vm.disk_paths[o->vm.n_disks++] = arg;
		return 0;
	case OPT_DISK_WRITE:
		o->vm.disk_write = true;
		return 0;
	case OPT_NO_SIGNATURE:
		o->vm.no_boot_signature = true;
		return 0;
	case OPT_DISPLAY:
		if (parse_choice("display", arg, display_choices, &v) < 0)
			return -1;
		o->display = (enum display_mode)v;
		return 0;
	case OPT_SCREEN:
		o->screen = true;
		return 0;
	case OPT_RESTORE:
		o->restore_path = arg;
		return 0;
	case OPT_FORCE:
		o->force = true;
		return 0;
	case OPT_NO_RECORD:
		o->no_record = true;
		return 0;
	case OPT_HISTORY:
		if (parse_size(arg, &o->history_budget) < 0 || o->history_budget < (1u << 20)) {
			fprintf(stderr, "kvm-gdbstub: --history '%s': give a size of at least 1M\n",
			        arg);
			return -1;
		}
		return 0;
	case 'h':
		o->help = true;
		return 0;
	case 'V':
		o->version = true;
		return 0;
	default:
		fputs("Try 'kvm-gdbstub --help'.\n", stderr);
		return -1;
	}
}

/* --boot takes the place of the guest image and needs a PC's first MiB. */
static int check_boot(const struct options *o, int extra_args)
{
	if (extra_args) {
		fputs("kvm-gdbstub: --boot IMG runs that image: give no other guest\n", stderr);
		return -1;
	}
	if (o->vm.ram_size < (1u << 20)) {
		fputs("kvm-gdbstub: --boot needs --mem of at least 1M (the BIOS lives below 1 MiB)\n",
		      stderr);
		return -1;
	}
	return 0;
}

/* --restore takes the machine from the file: at most an image to check
 * it against, no --boot, --disk or --mem of its own. */
static int check_restore(const struct options *o, int extra_args)
{
	if (o->vm.boot_path || o->vm.n_disks || o->vm.ram_size != VM_DEFAULT_RAM || o->vm.n_cpus) {
		fputs("kvm-gdbstub: --restore FILE brings its own RAM size, vCPUs and disks: no "
		      "--boot, --disk, --mem or --cpus\n",
		      stderr);
		return -1;
	}
	if (extra_args > 1) {
		fputs("kvm-gdbstub: --restore FILE [GUEST]: more than one guest image given\n",
		      stderr);
		return -1;
	}
	return 0;
}

int options_parse(struct options *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->listen_host, sizeof(o->listen_host), "127.0.0.1");
	o->vm.ram_size = VM_DEFAULT_RAM;
	o->vm.accel = ACCEL_AUTO;
	o->history_budget = HISTORY_DEFAULT_BUDGET;
	optind = 1;
	opterr = 1;
	int c;
	while ((c = getopt_long(argc, argv, "p:m:t:vhV", long_options, NULL)) != -1)
		if (apply_option(o, c, optarg) < 0)
			return -1;
	if (o->help || o->version)
		return 0;
	if (o->restore_path) {
		if (check_restore(o, argc - optind) < 0)
			return -1;
		if (optind < argc)
			o->vm.image_path = argv[optind];
	} else if (o->vm.boot_path) {
		if (check_boot(o, argc - optind) < 0)
			return -1;
	} else if (o->vm.n_disks) {
		fputs("kvm-gdbstub: --disk needs --boot\n", stderr);
		return -1;
	} else if (optind != argc - 1) {
		fprintf(stderr, "kvm-gdbstub: %s\nTry 'kvm-gdbstub --help'.\n",
		        optind >= argc ? "no guest image given"
		                       : "more than one guest image given");
		return -1;
	} else {
		o->vm.image_path = argv[optind];
	}
	if (o->vm.icount_ns && o->vm.accel == ACCEL_KVM) {
		fputs("kvm-gdbstub: --icount needs the built-in CPU: not with --accel kvm\n", stderr);
		return -1;
	}
	return 0;
}
