/* `--display text`: the guest's VGA text screen drawn in a terminal.
 *
 * The terminal gets the alternate screen, no autowrap and a hidden cursor
 * while the display is open.  Each frame compares the screen with the one
 * last drawn and writes only the cells that changed: a cursor address
 * before each run of changed cells, SGR colours when they change (the 16
 * VGA colours as ANSI 30-37/90-97 and 40-47/100-107; a blinking cell as
 * SGR 5 when the attribute controller's blink bit is set, otherwise its
 * bright background is a bright colour), then the terminal cursor moves to
 * the VGA cursor, shown or hidden as the CRTC has it.  A frame with no
 * change writes nothing; a frame is one write().
 *
 * The first frame, a frame after the terminal's size changed and a frame
 * after display_invalidate() clear the terminal and draw every cell.  A
 * terminal smaller than 80x25 shows the top left part.
 */
#ifndef KVM_GDBSTUB_DISPLAY_H
#define KVM_GDBSTUB_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "hw/vga.h"

/* The most one frame can write: every cell with a cursor move, a full SGR
 * and a 3-byte glyph, plus the frame's clear and cursor sequences. */
#define DISPLAY_CELL_MAX  (8 + 14 + 3)
#define DISPLAY_FRAME_MAX (VGA_ROWS * VGA_COLS * DISPLAY_CELL_MAX + 64)

/* What the terminal shows, as far as the display knows. */
struct display_term {
	unsigned rows, cols; /* its size; 0 = unknown (not a terminal): 80x25 */
	bool pen_known;      /* the SGR state below is the terminal's */
	uint8_t fg, bg;      /* standard colours 0-15 */
	bool blink;
	bool at_known; /* the cursor position below is the terminal's */
	unsigned row, col;
	bool cursor_shown;
};

struct display {
	int fd;
	bool drawn;             /* `last` is on the terminal */
	struct vga_screen last; /* the frame the terminal shows */
	struct display_term term;
	char out[DISPLAY_FRAME_MAX];
	size_t len; /* bytes of out in the frame being built */
};

/* Take over terminal fd (normally a TTY; a pipe works, its size then
 * unknown): alternate screen, autowrap off, cursor hidden.  Nothing is drawn
 * until the first frame.  0 or -errno from write(). */
int display_open(struct display *d, int fd);

/* Draw the screen v shows now.  Returns the bytes written (0: nothing
 * changed), or -errno if the write failed (the next frame redraws all). */
int display_frame(struct display *d, const struct vga *v);

/* The same from a screen already read (vga_screen()). */
int display_render(struct display *d, const struct vga_screen *s);

/* Forget what the terminal shows (something else wrote to it): the next
 * frame clears it and draws every cell. */
void display_invalidate(struct display *d);

/* Give the terminal back: reset SGR, show the cursor, autowrap on, leave the
 * alternate screen, then a newline.  The fd stays open. */
void display_close(struct display *d);

#endif
