/* Command-line options. */
#ifndef KVM_GDBSTUB_OPTIONS_H
#define KVM_GDBSTUB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "vmm/vm.h"

/* Exit statuses: each kind of failure has its own, so scripts can tell. */
enum exit_status {
	EXIT_GUEST_HALTED = 0, /* the guest ran to hlt */
	EXIT_INTERNAL = 1,     /* a bug or an unexpected host error */
	EXIT_USAGE = 2,        /* bad command line */
	EXIT_IMAGE = 3,        /* the guest image cannot be loaded */
	EXIT_HOST = 4,         /* KVM or the host cannot run a VM */
	EXIT_GUEST_FAULT = 5,  /* triple fault, entry failure, emulation failure */
	EXIT_TIMEOUT = 6,      /* --timeout expired before the guest halted */
};

enum gdb_mode { GDB_NONE, GDB_TCP, GDB_STDIO };
enum halt_policy { HALT_EXIT, HALT_STOP };
enum console_target { CONSOLE_DEFAULT, CONSOLE_GDB, CONSOLE_STDOUT, CONSOLE_BOTH };
enum display_mode { DISPLAY_AUTO, DISPLAY_TEXT, DISPLAY_NONE };

struct options {
	struct vm_config vm;
	enum gdb_mode gdb;
	char listen_host[256];
	uint16_t port;
	enum halt_policy halt;
	enum console_target console;
	double timeout; /* seconds, 0 = none */
	bool once;      /* exit when the first debugger session ends */
	enum display_mode display; /* --boot: the VGA screen in the terminal */
	bool screen;               /* --screen: print the final screen as text */
	const char *restore_path;  /* --restore: start from this snapshot file */
	bool force;                /* --force: restore a snapshot of another guest */
	bool no_record;            /* --no-record: no reverse-execution history */
	uint64_t history_budget;   /* --history: bytes of it kept */
	bool help, version;
};

/* Parse argv.  0 on success; -1 after printing a message to stderr. */
int options_parse(struct options *o, int argc, char **argv);

/* Parse "1M", "512K", "1048576", "2G": 0, or -1 if malformed or too big. */
int parse_size(const char *s, uint64_t *out);

void options_usage(FILE *f);

#endif
