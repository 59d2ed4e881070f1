/* The user's terminal while a PC guest owns it: raw input (every byte a
 * key, Ctrl-C included), and the promise to give it back as it was, on a
 * normal exit (atexit), on a fatal signal (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT: restore, then die of
 * the signal as before) and on terminal_restore(). */
#ifndef KVM_GDBSTUB_TERMINAL_H
#define KVM_GDBSTUB_TERMINAL_H

#include <stdbool.h>

/* Put terminal fd into raw mode (output processing kept, so '\n' still
 * starts a new line), and arrange for the restore.  on_restore, if not
 * NULL, is written to out_fd just before the modes come back (escape
 * sequences that leave a full-screen display); it must stay valid.
 * Returns 0, or -errno (not a terminal: nothing changes). */
int terminal_raw(int fd, int out_fd, const char *on_restore);

/* Restore the terminal now (async-signal-safe; idempotent). */
void terminal_restore(void);

/* True while terminal_raw() is in effect. */
bool terminal_is_raw(void);

#endif
