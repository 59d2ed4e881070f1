/* The example kernel's main program and shell.  kernel_main sets up the
 * interrupts, prints a banner and reads command lines from the keyboard:
 *
 *	help            the commands
 *	ticks           timer ticks since boot (TICK_HZ a second)
 *	echo TEXT       print TEXT
 *	sleep N         wait N ticks in hlt
 *	clear           clear the screen
 *	halt            cli; hlt (which ends a kvm-gdbstub run)
 */
#include "kernel.h"

#define LINE_MAX 78

struct command {
	const char *name;
	void (*run)(const char *args);
};

static void cmd_help(const char *args);

static void cmd_ticks(const char *args)
{
	(void)args;
	console_puts("ticks: ");
	console_putu(ticks);
	console_putc('\n');
}

static void cmd_echo(const char *args)
{
	console_puts(args);
	console_putc('\n');
}

static void cmd_sleep(const char *args)
{
	uint32_t n = 0;
	while (*args >= '0' && *args <= '9')
		n = n * 10 + (uint32_t)(*args++ - '0');
	sleep_ticks(n);
}

static void cmd_clear(const char *args)
{
	(void)args;
	console_clear();
}

static void cmd_halt(const char *args)
{
	(void)args;
	console_puts("Halted.\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

static const struct command commands[] = {
	{"help", cmd_help},   {"ticks", cmd_ticks}, {"echo", cmd_echo},
	{"sleep", cmd_sleep}, {"clear", cmd_clear}, {"halt", cmd_halt},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void cmd_help(const char *args)
{
	(void)args;
	console_puts("commands:");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		console_putc(' ');
		console_puts(commands[i].name);
	}
	console_putc('\n');
}

/* The arguments if line starts with the word name, else NULL. */
static const char *match(const char *line, const char *name)
{
	while (*name && *line == *name)
		line++, name++;
	if (*name || (*line && *line != ' '))
		return NULL;
	return *line ? line + 1 : line;
}

void shell_execute(const char *line)
{
	if (!*line)
		return;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const char *args = match(line, commands[i].name);
		if (args) {
			commands[i].run(args);
			return;
		}
	}
	console_puts("unknown command: ");
	console_puts(line);
	console_putc('\n');
}

/* Read a line into buf (echoing it; backspace erases), NUL-terminated. */
static void read_line(char *buf, unsigned size)
{
	unsigned len = 0;
	for (;;) {
		char c = keyboard_getc();
		if (c == '\n')
			break;
		if (c == '\b') {
			if (len) {
				len--;
				console_putc('\b');
			}
		} else if (c >= ' ' && len + 1 < size) {
			buf[len++] = c;
			console_putc(c);
		}
	}
	buf[len] = 0;
	console_putc('\n');
}

void kernel_main(void)
{
	char line[LINE_MAX + 1];
	unsigned lines = 0;

	console_clear();
	interrupts_init();
	console_puts("Example kernel: protected mode, IDT, PIC at 0x20, PIT at 100 Hz\n");
	for (;;) {
		console_puts("> ");
		read_line(line, sizeof(line));
		lines++;
		shell_execute(line);
	}
}
