/* Raw mode for the user's terminal, restored whatever ends the program
 * (see terminal.h).  One terminal per process: the state is static,
 * because signal handlers and atexit have no other way to reach it. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/terminal.h"

static struct termios saved;
static int term_fd = -1, text_fd = -1;
static const char *restore_text;
static volatile sig_atomic_t raw_on;

static const int fatal_signals[] = {SIGINT,  SIGTERM, SIGHUP, SIGQUIT, SIGSEGV,
                                    SIGBUS,  SIGFPE,  SIGILL, SIGABRT};

void terminal_restore(void)
{
	if (!raw_on)
		return;
	raw_on = 0;
	if (restore_text && text_fd >= 0 && write(text_fd, restore_text, strlen(restore_text)) < 0) {
		/* the terminal is gone: nothing to restore the text of */
	}
	tcsetattr(term_fd, TCSAFLUSH, &saved);
}

bool terminal_is_raw(void)
{
	return raw_on;
}

static void on_fatal_signal(int sig)
{
	terminal_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void at_exit(void)
{
	terminal_restore();
}

int terminal_raw(int fd, int out_fd, const char *on_restore)
{
	static bool hooks;
	struct termios raw;
	if (tcgetattr(fd, &saved) < 0)
		return -errno;
	raw = saved;
	raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	raw.c_cflag = (raw.c_cflag & ~(tcflag_t)(CSIZE | PARENB)) | CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	term_fd = fd;
	text_fd = out_fd;
	restore_text = on_restore;
	if (!hooks) {
		hooks = true;
		atexit(at_exit);
		for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++) {
			struct sigaction old;
			if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
				signal(fatal_signals[i], on_fatal_signal);
		}
	}
	if (tcsetattr(fd, TCSAFLUSH, &raw) < 0)
		return -errno;
	raw_on = 1;
	return 0;
}
