/* --boot: a PC program booted from a disk image by the BIOS of src/bios/.
 *
 * The VM side of the BIOS: its disks (the boot image is drive 0x00 if it
 * has a floppy's size, else 0x80; --disk images follow as 0x80, 0x81),
 * its hooks into the board (ports, the VGA cursor, the A20 gate, the
 * clock), the boot sector at 0000:7C00 with the registers SeaBIOS leaves,
 * and the host side of the keyboard and the screen: bytes on the input fd
 * become key presses on the 8042 (a terminal in raw mode, Ctrl-A x
 * quits), and `--display text` draws the VGA text screen.
 */
#ifndef KVM_GDBSTUB_BOOT_H
#define KVM_GDBSTUB_BOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "bios/bios.h"
#include "bios/disk.h"
#include "hw/clock.h"
#include "vmm/display.h"
#include "vmm/vm.h"

#define BOOT_MIN_RAM    (1u << 20)
#define BOOT_KEY_POLL   (10 * 1000 * 1000ull) /* ns between looks at the input */
#define BOOT_FRAME_NS   (40 * 1000 * 1000ull) /* 25 frames a second */
#define BOOT_CTRL_A     0x01

struct pc_boot {
	struct bios bios;
	struct disk disks[1 + VM_MAX_DISKS];
	unsigned n_disks; /* open ones */
	struct vtimer key_timer;   /* input polling: counts as IRQ 1's */
	struct vtimer frame_timer; /* display refresh: counts as IRQ 0's, see boot.c */
	struct vtimer wake_timer;  /* int 15h AH=86: ends the wait tail's hlt */
	int in_fd;                 /* keyboard input, -1 none */
	bool in_tty, ctrl_a;
	bool display_on;
	struct display display;
	/* The screen a run ended with, kept over the resets that follow it
	 * (a debugger restarts an ended guest) until the next boot. */
	bool screen_saved;
	char saved_screen[VGA_ROWS * (VGA_COLS * 3 + 1) + 1];
};

/* Set up the BIOS for vm (cfg.boot_path set, RAM >= 1 MiB).  0, or -1
 * with a message in err. */
int boot_create(struct vm *vm, char *err, size_t errlen);

/* Open the images (first time), run the POST, load sector 0 at 0x7C00
 * (checking 0x55AA at 510 unless --no-boot-signature) and set the CPU to
 * 0000:7C00 with DL the boot drive.  0, or -1 with a message in err (bad
 * images: exit status 3). */
int boot_reset(struct vm *vm, char *err, size_t errlen);

/* Keys from in_fd (-1: none; a terminal goes into raw mode until exit),
 * and the screen drawn on stdout if display_text and stdout is a
 * terminal.  Call once before the first run. */
void boot_start_io(struct vm *vm, int in_fd, bool display_text);

/* Give the terminal back (display closed, modes restored).  Idempotent. */
void boot_stop_io(struct vm *vm);

/* Before RAM is cleared for a reset: keep the screen of a run that
 * booted, for boot_screen_text. */
void boot_save_screen(struct vm *vm);

/* The screen the last run left, as plain text (vga_screen_text): the
 * live one, or the one saved when a reset followed the run. */
void boot_screen_text(struct vm *vm, char *buf, size_t len);

void boot_destroy(struct vm *vm);

#endif
