/* The VGA text screen in a terminal: ANSI escapes for what changed since
 * the last frame.  See display.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm/display.h"

#define ESC "\033"

/* Unchanged cells between two changes that are cheaper to write again than
 * to jump over with a cursor address (4-8 bytes). */
#define GAP_REWRITE 4

/* ANSI numbers its colours red = 1, blue = 4; the VGA the other way round. */
static const uint8_t ansi_colour[8] = {0, 4, 2, 6, 1, 5, 3, 7};

static void emit(struct display *d, const char *s, size_t n)
{
	if (n > sizeof(d->out) - d->len) { /* cannot happen (DISPLAY_FRAME_MAX) */
		d->drawn = false;
		return;
	}
	memcpy(d->out + d->len, s, n);
	d->len += n;
}

static void emit_str(struct display *d, const char *s)
{
	emit(d, s, strlen(s));
}

/* The part of the screen the terminal can show. */
static unsigned shown_rows(const struct display *d)
{
	return d->term.rows && d->term.rows < VGA_ROWS ? d->term.rows : VGA_ROWS;
}

static unsigned shown_cols(const struct display *d)
{
	return d->term.cols && d->term.cols < VGA_COLS ? d->term.cols : VGA_COLS;
}

/* Read the terminal's size; true if it changed. */
static bool update_size(struct display *d)
{
	struct winsize ws;
	unsigned rows = 0, cols = 0;
	if (ioctl(d->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		rows = ws.ws_row;
		cols = ws.ws_col;
	}
	bool changed = rows != d->term.rows || cols != d->term.cols;
	d->term.rows = rows;
	d->term.cols = cols;
	return changed;
}

static void move_to(struct display *d, unsigned row, unsigned col)
{
	struct display_term *t = &d->term;
	if (t->at_known && t->row == row && t->col == col)
		return;
	char seq[24];
	int n = snprintf(seq, sizeof(seq), ESC "[%u;%uH", row + 1, col + 1);
	emit(d, seq, (size_t)n);
	t->at_known = true;
	t->row = row;
	t->col = col;
}

static unsigned fg_code(uint8_t c)
{
	return (c & 8 ? 90u : 30u) + ansi_colour[c & 7];
}

static unsigned bg_code(uint8_t c)
{
	return (c & 8 ? 100u : 40u) + ansi_colour[c & 7];
}

/* One SGR sequence with what differs from the terminal's pen (all of it,
 * after a reset, when the pen is not known). */
static void set_pen(struct display *d, const struct vga_cell *cell)
{
	struct display_term *t = &d->term;
	bool known = t->pen_known;
	if (known && t->fg == cell->fg && t->bg == cell->bg && t->blink == cell->blink)
		return;
	unsigned code[4], n = 0;
	if (!known)
		code[n++] = 0;
	if (!known || t->fg != cell->fg)
		code[n++] = fg_code(cell->fg);
	if (!known || t->bg != cell->bg)
		code[n++] = bg_code(cell->bg);
	if (known ? t->blink != cell->blink : cell->blink)
		code[n++] = cell->blink ? 5 : 25;
	char seq[32];
	size_t len = 0;
	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(seq + len, sizeof(seq) - len, "%s%u", i ? ";" : ESC "[",
		                        code[i]);
	seq[len++] = 'm';
	emit(d, seq, len);
	t->pen_known = true;
	t->fg = cell->fg;
	t->bg = cell->bg;
	t->blink = cell->blink;
}

/* Write the cell under the terminal's cursor.  At the last column the
 * cursor stays or wraps, depending on the terminal: forget where it is. */
static void put_cell(struct display *d, const struct vga_cell *cell)
{
	char glyph[3];
	set_pen(d, cell);
	emit(d, glyph, vga_glyph_utf8(cell->ch, glyph));
	if (++d->term.col >= shown_cols(d))
		d->term.at_known = false;
}

static void hide_cursor(struct display *d)
{
	if (d->term.cursor_shown)
		emit_str(d, ESC "[?25l");
	d->term.cursor_shown = false;
}

static bool same_cell(const struct vga_cell *a, const struct vga_cell *b)
{
	return a->ch == b->ch && a->fg == b->fg && a->bg == b->bg && a->blink == b->blink;
}

/* Every changed cell (every cell if full), row by row. */
static void draw_cells(struct display *d, const struct vga_screen *s, bool full)
{
	struct display_term *t = &d->term;
	hide_cursor(d); /* no cursor flying over the screen while it is drawn */
	if (full) {
		emit_str(d, ESC "[0m" ESC "[2J");
		t->pen_known = false;
		t->at_known = false;
	}
	for (unsigned r = 0; r < shown_rows(d); r++) {
		for (unsigned c = 0; c < shown_cols(d); c++) {
			if (!full && same_cell(&s->cell[r][c], &d->last.cell[r][c]))
				continue;
			if (t->at_known && t->row == r && t->col < c && c - t->col <= GAP_REWRITE)
				while (t->col < c)
					put_cell(d, &s->cell[r][t->col]);
			move_to(d, r, c);
			put_cell(d, &s->cell[r][c]);
		}
	}
}

/* The terminal's cursor where the VGA's is, if that is on the terminal. */
static void place_cursor(struct display *d, const struct vga_screen *s)
{
	if (!s->cursor_visible || s->cursor_row >= shown_rows(d) ||
	    s->cursor_col >= shown_cols(d)) {
		hide_cursor(d);
		return;
	}
	move_to(d, s->cursor_row, s->cursor_col);
	if (!d->term.cursor_shown)
		emit_str(d, ESC "[?25h");
	d->term.cursor_shown = true;
}

static bool same_cursor(const struct vga_screen *a, const struct vga_screen *b)
{
	if (a->cursor_visible != b->cursor_visible)
		return false;
	return !a->cursor_visible ||
	       (a->cursor_row == b->cursor_row && a->cursor_col == b->cursor_col);
}

/* Write out[0..len) to the terminal: one write() unless it is cut short. */
static int flush(struct display *d)
{
	size_t done = 0;
	while (done < d->len) {
		ssize_t n = write(d->fd, d->out + done, d->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;
			display_invalidate(d); /* the terminal has part of a frame */
			return -err;
		}
		done += (size_t)n;
	}
	return (int)done;
}

int display_render(struct display *d, const struct vga_screen *s)
{
	bool full = update_size(d) || !d->drawn;
	bool cells = full || memcmp(s->cell, d->last.cell, sizeof(s->cell)) != 0;
	if (!cells && same_cursor(s, &d->last))
		return 0;
	d->len = 0;
	d->drawn = true; /* emit() clears it should the frame not fit */
	if (cells)
		draw_cells(d, s, full);
	place_cursor(d, s);
	d->last = *s;
	return flush(d);
}

int display_frame(struct display *d, const struct vga *v)
{
	struct vga_screen s;
	vga_screen(v, &s);
	return display_render(d, &s);
}

void display_invalidate(struct display *d)
{
	d->drawn = false;
	d->term.pen_known = false;
	d->term.at_known = false;
	d->term.cursor_shown = true; /* not known: the next frame hides it first */
}

/* A terminal control sequence outside a frame. */
static int send(struct display *d, const char *seq)
{
	d->len = 0;
	emit_str(d, seq);
	return flush(d);
}

int display_open(struct display *d, int fd)
{
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	update_size(d);
	int r = send(d, ESC "[?1049h" ESC "[?7l" ESC "[?25l");
	display_invalidate(d);
	return r < 0 ? r : 0;
}

void display_close(struct display *d)
{
	send(d, ESC "[0m" ESC "[?25h" ESC "[?7h" ESC "[?1049l\n");
	display_invalidate(d);
}
