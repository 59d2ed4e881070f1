/* int 10h: the video services of a VGA BIOS in 80x25 colour text mode.
 * The screen is guest RAM at 0xB8000 (8 pages of 4 KiB); the BIOS data
 * area holds the mode, the active page and each page's cursor, and the
 * CRTC follows the active page's cursor, as kernels read it back there.
 * Teletype output (AH=0E, 13h) is also handed to the host as plain text. */
#include <stdio.h>

#include "bios/bios.h"
#include "hw/vga.h"

#define COLS          80u
#define ROWS          25u
#define PAGES         8u
#define PAGE_BYTES    0x1000u
#define DEFAULT_ATTR  0x07
#define BLANK         0x20
#define CURSOR_SHAPE  0x0607 /* start line 6, end line 7 (CGA units) */
#define CRTC_INDEX    0x3d4
#define CRTC_DATA     0x3d5
#define TAB_STOP      8u

struct pos {
	unsigned row, col;
};

static unsigned active_page(const struct bios *b)
{
	return bios_rd8(b, BDA_VIDEO_PAGE) % PAGES;
}

static uint32_t cell(unsigned page, unsigned row, unsigned col)
{
	return VGA_TEXT_BASE + (page % PAGES) * PAGE_BYTES + (row * COLS + col) * 2;
}

static struct pos get_cursor(const struct bios *b, unsigned page)
{
	uint32_t at = BDA_CURSOR_POS + (page % PAGES) * 2;
	return (struct pos){bios_rd8(b, at + 1), bios_rd8(b, at)};
}

static void set_cursor(struct bios *b, unsigned page, struct pos p)
{
	uint32_t at = BDA_CURSOR_POS + (page % PAGES) * 2;
	bios_wr16(b, at, (uint16_t)(p.row << 8 | p.col)); /* column, then row */
	if (page % PAGES == active_page(b))
		b->host.set_cursor(b->host.ctx, p.row, p.col);
}

static void crtc_write(struct bios *b, uint8_t index, uint8_t value)
{
	b->host.outb(b->host.ctx, CRTC_INDEX, index);
	b->host.outb(b->host.ctx, CRTC_DATA, value);
}

/* Write one cell (attr -1: keep the cell's own) without telling the host:
 * the caller tells it the whole range it wrote, once. */
static void store_cell(struct bios *b, uint32_t at, uint8_t ch, int attr)
{
	b->ram[at] = ch;
	if (attr >= 0)
		b->ram[at + 1] = (uint8_t)attr;
}

static void put_cell(struct bios *b, uint32_t at, uint8_t ch, int attr)
{
	store_cell(b, at, ch, attr);
	bios_ram_written(b, at, 2);
}

/* Move the rectangle [top..bottom] x [left..right] of page up (lines > 0)
 * or down (lines < 0), blanking what it leaves with attr; 0 lines or at
 * least its height blanks all of it. */
static void scroll(struct bios *b, unsigned page, int lines, uint8_t attr, struct pos tl,
                   struct pos br)
{
	if (br.row >= ROWS)
		br.row = ROWS - 1;
	if (br.col >= COLS)
		br.col = COLS - 1;
	if (tl.row > br.row || tl.col > br.col)
		return;
	unsigned height = br.row - tl.row + 1, n = lines < 0 ? (unsigned)-lines : (unsigned)lines;
	if (n == 0 || n > height)
		n = height;
	for (unsigned i = 0; i < height; i++) {
		unsigned row = lines >= 0 ? tl.row + i : br.row - i;
		unsigned from = lines >= 0 ? row + n : row - n;
		for (unsigned col = tl.col; col <= br.col; col++) {
			uint32_t dst = cell(page, row, col);
			if (i + n < height) {
				uint32_t src = cell(page, from, col);
				store_cell(b, dst, b->ram[src], b->ram[src + 1]);
			} else {
				store_cell(b, dst, BLANK, attr);
			}
		}
	}
	uint32_t first = cell(page, tl.row, tl.col); /* one range: the rows, margins and all */
	bios_ram_written(b, first, cell(page, br.row, br.col) + 2 - first);
}

static void text_out(struct bios *b, uint8_t ch)
{
	char buf[3];
	switch (ch) {
	case '\n':
	case '\t':
		buf[0] = (char)ch;
		b->host.text_out(b->host.ctx, buf, 1);
		return;
	case '\r':
	case '\a':
	case '\b':
		return;
	default:
		b->host.text_out(b->host.ctx, buf, vga_glyph_utf8(ch, buf));
	}
}

/* A cursor past the last column goes to the next line, one past the
 * last line scrolls the page up. */
static void settle(struct bios *b, unsigned page, struct pos *p)
{
	if (p->col >= COLS) {
		p->col = 0;
		p->row++;
	}
	if (p->row >= ROWS) {
		uint8_t fill = b->ram[cell(page, ROWS - 1, 0) + 1]; /* the last line's attribute */
		scroll(b, page, 1, fill, (struct pos){0, 0}, (struct pos){ROWS - 1, COLS - 1});
		p->row = ROWS - 1;
	}
}

/* One character as a teletype: BEL, BS, CR and LF move the cursor, TAB
 * to the next multiple of 8; anything else is written with attr (-1: the
 * cell's own); the page scrolls up at the bottom.  A cursor the guest put
 * off the screen (AH=02, 13h) is settled first, so that nothing is written
 * past the page. */
static void teletype(struct bios *b, unsigned page, uint8_t ch, int attr)
{
	struct pos p = get_cursor(b, page);
	settle(b, page, &p);
	text_out(b, ch);
	switch (ch) {
	case '\a':
		return;
	case '\b':
		if (p.col > 0)
			p.col--;
		break;
	case '\r':
		p.col = 0;
		break;
	case '\n':
		p.row++;
		break;
	case '\t':
		do {
			put_cell(b, cell(page, p.row, p.col), BLANK, attr);
			p.col++;
		} while (p.col % TAB_STOP && p.col < COLS);
		break;
	default:
		put_cell(b, cell(page, p.row, p.col), ch, attr);
		p.col++;
	}
	settle(b, page, &p);
	set_cursor(b, page, p);
}

static void set_mode(struct bios *b, struct bios_call *c)
{
	uint8_t mode = bios_lo(c->r.eax) & 0x7f;
	if (mode != 2 && mode != 3 && mode != 7) {
		bios_unsupported(b, 0x10, c); /* noted; shown as mode 3 */
		bios_set_cf(&c->r, false);
	}
	bios_wr8(b, BDA_VIDEO_MODE, mode == 7 ? 3 : mode);
	bios_wr16(b, BDA_VIDEO_COLS, COLS);
	bios_wr16(b, BDA_VIDEO_PAGE_SZ, PAGE_BYTES);
	bios_wr16(b, BDA_VIDEO_START, 0);
	bios_wr8(b, BDA_VIDEO_PAGE, 0);
	bios_wr16(b, BDA_CRTC_BASE, CRTC_INDEX);
	bios_wr8(b, BDA_VIDEO_ROWS, ROWS - 1);
	bios_wr16(b, BDA_CHAR_HEIGHT, 16);
	bios_wr8(b, 0x465, 0x29); /* CGA mode control: 80x25 text, video on, blink */
	bios_wr8(b, 0x466, 0x30); /* CGA palette */
	bios_wr8(b, 0x487, 0x60); /* EGA/VGA: 256 KiB, active */
	bios_wr8(b, 0x488, 0x09); /* EGA switches: colour 80x25 */
	bios_wr8(b, 0x489, 0x51); /* VGA mode set options: 400 lines, blink */
	bios_wr16(b, BDA_CURSOR_SHAPE, CURSOR_SHAPE);
	for (unsigned p = 0; p < PAGES; p++)
		bios_wr16(b, BDA_CURSOR_POS + p * 2, 0);
	if (!(bios_lo(c->r.eax) & 0x80)) {
		for (uint32_t i = 0; i < PAGES * PAGE_BYTES; i += 2)
			store_cell(b, VGA_TEXT_BASE + i, BLANK, DEFAULT_ATTR);
		bios_ram_written(b, VGA_TEXT_BASE, PAGES * PAGE_BYTES);
	}
	crtc_write(b, VGA_CRTC_START_HI, 0);
	crtc_write(b, VGA_CRTC_START_LO, 0);
	crtc_write(b, VGA_CRTC_CURSOR_START, 0x0d); /* lines 13-14 of 16 */
	crtc_write(b, VGA_CRTC_CURSOR_END, 0x0e);
	set_cursor(b, 0, (struct pos){0, 0});
	bios_set_lo(&c->r.eax, 0x30); /* AL: what VGA BIOSes return for a text mode */
}

/* AH=01: CH start line (bit 5 hides it), CL end line, in 8-line units;
 * the CRTC gets them scaled to the 16-line font, as a VGA BIOS does. */
static void cursor_shape(struct bios *b, const struct bios_call *c)
{
	uint8_t start = bios_hi(c->r.ecx), end = bios_lo(c->r.ecx);
	bios_wr16(b, BDA_CURSOR_SHAPE, (uint16_t)(start << 8 | end));
	uint8_t hide = start & 0x20;
	start &= 0x1f;
	end &= 0x1f;
	if (start < 8 && end < 8) { /* CGA-style: scale to 16 lines */
		start = (uint8_t)(start * 2 + (start >= 6));
		end = (uint8_t)(end * 2 + 1);
	}
	crtc_write(b, VGA_CRTC_CURSOR_START, (uint8_t)(start | hide));
	crtc_write(b, VGA_CRTC_CURSOR_END, end);
}

static void select_page(struct bios *b, unsigned page)
{
	page %= PAGES;
	bios_wr8(b, BDA_VIDEO_PAGE, (uint8_t)page);
	bios_wr16(b, BDA_VIDEO_START, (uint16_t)(page * PAGE_BYTES));
	unsigned start = page * PAGE_BYTES / 2; /* in cells */
	crtc_write(b, VGA_CRTC_START_HI, (uint8_t)(start >> 8));
	crtc_write(b, VGA_CRTC_START_LO, (uint8_t)start);
	set_cursor(b, page, get_cursor(b, page));
}

/* AH=09/0A: CX copies of AL at the cursor of page BH, the cursor stays. */
static void write_chars(struct bios *b, const struct bios_call *c, bool with_attr)
{
	unsigned page = bios_hi(c->r.ebx);
	struct pos p = get_cursor(b, page);
	uint32_t start = cell(page, p.row, p.col), at = start, end = cell(page, 0, 0) + PAGE_BYTES;
	for (uint16_t n = bios_x(c->r.ecx); n > 0 && at < end; n--, at += 2)
		store_cell(b, at, bios_lo(c->r.eax), with_attr ? bios_lo(c->r.ebx) : -1);
	bios_ram_written(b, start, at - start);
}

/* AH=13h: CX characters from ES:BP at (DH, DL) of page BH; AL bit 0
 * moves the cursor, bit 1 means the string alternates character and
 * attribute (else BL is the attribute). */
static void write_string(struct bios *b, struct bios_call *c)
{
	unsigned page = bios_hi(c->r.ebx);
	uint8_t mode = bios_lo(c->r.eax);
	struct pos saved = get_cursor(b, page);
	uint32_t src = bios_linear(c->r.es, bios_x(c->ebp));
	set_cursor(b, page, (struct pos){bios_hi(c->r.edx), bios_lo(c->r.edx)});
	for (uint16_t i = 0; i < bios_x(c->r.ecx); i++) {
		uint8_t ch, attr = bios_lo(c->r.ebx);
		if (b->mem.read(b, src, &ch, 1) < 0)
			break;
		src++;
		if ((mode & 2) && b->mem.read(b, src++, &attr, 1) < 0)
			break;
		teletype(b, page, ch, attr);
	}
	if (!(mode & 1))
		set_cursor(b, page, saved);
}

static void scroll_call(struct bios *b, const struct bios_call *c, bool up)
{
	int lines = bios_lo(c->r.eax);
	scroll(b, active_page(b), up ? lines : -lines, bios_hi(c->r.ebx),
	       (struct pos){bios_hi(c->r.ecx), bios_lo(c->r.ecx)},
	       (struct pos){bios_hi(c->r.edx), bios_lo(c->r.edx)});
}

enum bios_outcome bios_video(struct bios *b, struct bios_call *c)
{
	struct bios_regs *r = &c->r;
	unsigned page = bios_hi(r->ebx);
	struct pos p;
	switch (bios_hi(r->eax)) {
	case 0x00:
		set_mode(b, c);
		break;
	case 0x01:
		cursor_shape(b, c);
		break;
	case 0x02:
		set_cursor(b, page, (struct pos){bios_hi(r->edx), bios_lo(r->edx)});
		break;
	case 0x03:
		p = get_cursor(b, page);
		bios_set_x(&r->edx, (uint16_t)(p.row << 8 | p.col));
		bios_set_x(&r->ecx, bios_rd16(b, BDA_CURSOR_SHAPE));
		bios_set_x(&r->eax, 0);
		break;
	case 0x05:
		select_page(b, bios_lo(r->eax));
		break;
	case 0x06:
	case 0x07:
		scroll_call(b, c, bios_hi(r->eax) == 0x06);
		break;
	case 0x08:
		p = get_cursor(b, page);
		bios_set_x(&r->eax, bios_rd16(b, cell(page, p.row, p.col))); /* AH attr, AL char */
		break;
	case 0x09:
	case 0x0a:
		write_chars(b, c, bios_hi(r->eax) == 0x09);
		break;
	case 0x0e:
		teletype(b, active_page(b), bios_lo(r->eax), -1);
		break;
	case 0x0f:
		bios_set_x(&r->eax, (uint16_t)(COLS << 8 | bios_rd8(b, BDA_VIDEO_MODE)));
		bios_set_hi(&r->ebx, (uint8_t)active_page(b));
		break;
	case 0x13:
		write_string(b, c);
		break;
	case 0x12: /* BL=10h: EGA information: colour, 256 KiB, switches 9 */
		if (bios_lo(r->ebx) != 0x10)
			return bios_unsupported(b, 0x10, c);
		bios_set_x(&r->ebx, 0x0003);
		bios_set_x(&r->ecx, 0x0009);
		break;
	case 0x1a: /* display combination: a VGA with a colour monitor */
		if (bios_lo(r->eax) == 0) {
			bios_set_lo(&r->eax, 0x1a);
			bios_set_x(&r->ebx, 0x0008);
		}
		break;
	default:
		return bios_unsupported(b, 0x10, c);
	}
	return BIOS_DONE;
}
