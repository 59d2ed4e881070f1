/* The VGA text-mode model driven through its ports as a guest would, and
 * the terminal renderer writing into a pipe and a pseudo-terminal: no KVM,
 * no CPU. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/display.h"
#include "hw/vga.h"
#include "tests/unit/check.h"
#include "tests/unit/fake_clock.h"
#include "tests/unit/guest_io.h"

#define US 1000ull
#define MS 1000000ull

/* Mode 3's timing, as vga.c has it. */
#define LINE_NS  31778ull
#define FRAME_NS (LINE_NS * 449)

static struct vclock clk;
static struct vga vga;
static uint8_t text[VGA_TEXT_SIZE];

static void rig_up(void)
{
	memset(text, 0, sizeof(text));
	fake_clock_init(&clk, 0);
	CHECK(bus_init(&bus) == 0);
	CHECK(vga_init(&vga, &bus, &clk, text) == 0);
}

static void rig_down(void)
{
	bus_destroy(&bus);
}

static void crtc_wr(uint8_t reg, uint8_t v)
{
	outb(0x3d4, reg);
	outb(0x3d5, v);
}

static uint8_t crtc_rd(uint8_t reg)
{
	outb(0x3d4, reg);
	return inb(0x3d5);
}

static void attr_wr(uint8_t reg, uint8_t v)
{
	inb(0x3da); /* flip-flop to index */
	outb(0x3c0, reg | VGA_ATTR_PAS);
	outb(0x3c0, v);
}

/* Put s at (row, col) of the page starting at byte offset page, in attr. */
static void poke(unsigned page, unsigned row, unsigned col, const char *s, uint8_t attr)
{
	for (unsigned i = 0; s[i]; i++) {
		unsigned at = page + (row * VGA_COLS + col + i) * 2;
		text[at] = (uint8_t)s[i];
		text[at + 1] = attr;
	}
}

static bool text_is(const char *want)
{
	char buf[VGA_ROWS * (VGA_COLS * 3 + 1) + 1];
	size_t n = vga_screen_text(&vga, buf, sizeof(buf));
	if (n == strlen(want) && strcmp(buf, want) == 0)
		return true;
	fprintf(stderr, "screen text [%s] (%zu), wanted [%s]\n", buf, n, want);
	return false;
}

static void test_reset_state(void)
{
	static const uint8_t crtc[VGA_CRTC_REGS] = {
	    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
	    0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
	};
	rig_up();
	CHECK(inb(0x3cc) == 0x67);
	unsigned bad = 0;
	for (uint8_t i = 0; i < VGA_CRTC_REGS; i++)
		bad += crtc_rd(i) != crtc[i];
	CHECK(bad == 0);
	outb(0x3c4, 4);
	CHECK(inb(0x3c5) == 0x02);
	outb(0x3ce, 6);
	CHECK(inb(0x3cf) == 0x0e);
	CHECK(inb(0x3c0) == VGA_ATTR_PAS);
	attr_wr(VGA_ATTR_MODE, 0x0c); /* unchanged: check the read path */
	CHECK(inb(0x3c1) == 0x0c);
	CHECK(inb(0x3c6) == 0xff);
	/* DAC entry 0x14 (palette 6) is brown, 0x3F white, 0x40 black. */
	outb(0x3c7, 0x14);
	CHECK(inb(0x3c9) == 42 && inb(0x3c9) == 21 && inb(0x3c9) == 0);
	outb(0x3c7, 0x3f);
	CHECK(inb(0x3c9) == 63 && inb(0x3c9) == 63 && inb(0x3c9) == 63);
	CHECK(inb(0x3c9) == 0);
	unsigned row, col;
	bool visible;
	vga_cursor(&vga, &row, &col, &visible);
	CHECK(row == 0 && col == 0 && visible);
	CHECK(vga_start_offset(&vga) == 0);
	rig_down();
}

static void test_crtc(void)
{
	rig_up();
	crtc_wr(0x0e, 0x12);
	crtc_wr(0x0f, 0x34);
	CHECK(crtc_rd(0x0e) == 0x12 && crtc_rd(0x0f) == 0x34);
	CHECK(inb(0x3d4) == 0x0f); /* the index reads back */
	/* `out %ax,%dx` with al = index, ah = data, as kernels move the cursor. */
	uint8_t word[2] = {0x0f, 0x56};
	bus_pio(&bus, NULL, 0x3d4, word, 2, true);
	CHECK(vga.s.crtc[0x0f] == 0x56);
	uint8_t dword[4] = {0x0e, 0x07, 0xaa, 0xbb}; /* 0x3D6/0x3D7: nothing there */
	bus_pio(&bus, NULL, 0x3d4, dword, 4, true);
	CHECK(vga.s.crtc[0x0e] == 0x07);
	uint8_t in[2] = {0, 0};
	bus_pio(&bus, NULL, 0x3d4, in, 2, false); /* index, then data */
	CHECK(in[0] == 0x0e && in[1] == 0x07);

	/* No register past 0x18: reads 0xFF, writes change nothing. */
	struct vga_state before = vga.s;
	crtc_wr(0x19, 0x55);
	crtc_wr(0xff, 0x55);
	CHECK(crtc_rd(0x40) == 0xff);
	before.crtc_index = 0x40;
	CHECK(memcmp(&before, &vga.s, sizeof(before)) == 0);

	/* 0x11 bit 7 protects 0x00-0x07 but for 0x07 bit 4. */
	crtc_wr(0x00, 0x11);
	CHECK(crtc_rd(0x00) == 0x5f);
	crtc_wr(0x07, 0x00);
	CHECK(crtc_rd(0x07) == 0x0f);
	crtc_wr(0x11, 0x0e);
	crtc_wr(0x00, 0x11);
	CHECK(crtc_rd(0x00) == 0x11);
	rig_down();
}

static void test_cursor(void)
{
	rig_up();
	unsigned row, col;
	bool visible;
	uint8_t word[2] = {0x0f, 3 * 80 + 5};
	bus_pio(&bus, NULL, 0x3d4, word, 2, true);
	vga_cursor(&vga, &row, &col, &visible);
	CHECK(row == 3 && col == 5 && visible);
	crtc_wr(0x0a, 0x20 | 0x0d); /* the disable bit */
	vga_cursor(&vga, &row, &col, &visible);
	CHECK(row == 3 && col == 5 && !visible);
	crtc_wr(0x0a, 0x0f); /* start below the end line: none on a VGA */
	vga_cursor(&vga, &row, &col, &visible);
	CHECK(!visible);
	crtc_wr(0x0a, 0x00); /* a block */
	vga_cursor(&vga, &row, &col, &visible);
	CHECK(visible);

	vga_set_cursor(&vga, 24, 79);
	CHECK(crtc_rd(0x0e) == (24 * 80 + 79) >> 8 && crtc_rd(0x0f) == (uint8_t)(24 * 80 + 79));
	vga_cursor(&vga, &row, &col, &visible);
	CHECK(row == 24 && col == 79 && visible);
	vga_set_cursor(&vga, 25, 0); /* below the screen */
	vga_cursor(&vga, &row, &col, &visible);
	CHECK(row == 25 && !visible);

	/* Page 1 displayed: the cursor is relative to it; page 0's is off. */
	crtc_wr(0x0c, 0x08);
	crtc_wr(0x0d, 0x00);
	vga_set_cursor(&vga, 2, 3);
	CHECK(crtc_rd(0x0e) == 0x08 && crtc_rd(0x0f) == 2 * 80 + 3);
	vga_cursor(&vga, &row, &col, &visible);
	CHECK(row == 2 && col == 3 && visible);
	crtc_wr(0x0e, 0x00);
	vga_cursor(&vga, &row, &col, &visible);
	CHECK(!visible);
	rig_down();
}

static void test_paging(void)
{
	rig_up();
	poke(0, 0, 0, "page zero", 0x07);
	poke(0x1000, 0, 0, "page one", 0x07);
	CHECK(text_is("page zero\n"));
	crtc_wr(0x0c, 0x08); /* BIOS page 1: 0x800 cells in */
	CHECK(vga_start_offset(&vga) == 0x1000);
	CHECK(text_is("page one\n"));
	/* A start address near the end wraps to the window's start. */
	crtc_wr(0x0c, 0x3f);
	crtc_wr(0x0d, 0xfc);
	memset(text, 0, sizeof(text));
	poke(0, 0, 0, "AB", 0x07);
	poke(0x7ff8, 0, 0, "wrap", 0x07);
	CHECK(vga_start_offset(&vga) == 0x7ff8);
	CHECK(text_is("wrapAB\n"));
	/* A start address past the window (16 bits) wraps too. */
	crtc_wr(0x0c, 0x48);
	crtc_wr(0x0d, 0x00);
	CHECK(vga_start_offset(&vga) == 0x1000);
	/* The offset register sets the row length: 41 words = 82 cells. */
	crtc_wr(0x0c, 0);
	crtc_wr(0x0d, 0);
	memset(text, 0, sizeof(text));
	poke(0, 0, 82, "second", 0x07);
	crtc_wr(0x13, 41);
	CHECK(text_is("\nsecond\n"));
	rig_down();
}

static void test_status1(void)
{
	rig_up();
	static const struct {
		uint64_t t;
		uint8_t status;
	} cases[] = {
	    {0, 0x00},                               /* first visible dot */
	    {25 * US, 0x00},                         /* still in the 80 visible columns */
	    {26 * US, 0x01},                         /* horizontal blanking */
	    {LINE_NS, 0x00},                         /* the next line */
	    {400 * LINE_NS, 0x01},                   /* vertical blanking */
	    {412 * LINE_NS, 0x09},                   /* retrace */
	    {428 * LINE_NS - 1, 0x09},               /* its end */
	    {428 * LINE_NS, 0x01},                   /* blanking again */
	    {FRAME_NS, 0x00},                        /* the next frame */
	    {1000 * FRAME_NS + 420 * LINE_NS, 0x09}, /* much later */
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_ns = cases[i].t;
		CHECK(inb(0x3da) == cases[i].status);
		CHECK(inb(0x3ba) == 0xff); /* the monochrome port: not decoded */
	}
	/* A polling loop sees 70 retraces a second. */
	unsigned retraces = 0;
	bool was = false;
	for (fake_ns = 0; fake_ns < 1000 * MS; fake_ns += 20 * US) {
		bool now = inb(0x3da) & VGA_STATUS1_VRETRACE;
		retraces += now && !was;
		was = now;
	}
	CHECK(retraces == 70);
	/* Reading it resets the attribute flip-flop to the index. */
	outb(0x3c0, 0x31); /* index 0x11 | PAS */
	inb(0x3da);
	outb(0x3c0, 0x32); /* an index again, not data */
	CHECK(inb(0x3c0) == 0x32);
	CHECK(vga.s.attr[0x11] == 0x00);
	/* Writing it is the feature control register (read at 0x3CA). */
	outb(0x3da, 0x05);
	CHECK(inb(0x3ca) == 0x05);
	rig_down();
}

static void test_attribute_controller(void)
{
	rig_up();
	inb(0x3da);
	outb(0x3c0, 0x10 | VGA_ATTR_PAS);
	outb(0x3c0, 0x04); /* mode control: blink off */
	CHECK(inb(0x3c0) == 0x30);
	CHECK(inb(0x3c1) == 0x04);
	outb(0x3c0, 0x01); /* index again: palette 1, PAS clear */
	CHECK(inb(0x3c0) == 0x01);
	outb(0x3c0, 0xff); /* palette registers are 6 bits */
	CHECK(inb(0x3c1) == 0x3f);
	outb(0x3c0, 0x15); /* no register 0x15: data dropped, reads 0xFF */
	outb(0x3c0, 0x12);
	CHECK(inb(0x3c1) == 0xff);
	CHECK(vga.s.attr[0x14] == 0 && vga.s.attr[0x13] == 0x08);
	outb(0x3c1, 0x99); /* the read port ignores writes */
	CHECK(inb(0x3c0) == 0x15);
	/* A 16-bit out at 0x3C0: the index, then nothing at 0x3C1. */
	inb(0x3da);
	uint8_t word[2] = {0x13 | VGA_ATTR_PAS, 0x07};
	bus_pio(&bus, NULL, 0x3c0, word, 2, true);
	CHECK(vga.s.attr_index == 0x33 && vga.s.attr_data_next);
	outb(0x3c0, 0x07);
	CHECK(inb(0x3c1) == 0x07);
	rig_down();
}

static void test_dac(void)
{
	rig_up();
	outb(0x3c8, 5);
	const uint8_t rgb[6] = {1, 2, 3, 0xff, 0x40, 0x3e};
	for (unsigned i = 0; i < 6; i++)
		outb(0x3c9, rgb[i]);
	CHECK(inb(0x3c8) == 7);
	CHECK(inb(0x3c7) == 0); /* writing */
	outb(0x3c7, 5);
	CHECK(inb(0x3c7) == 3); /* reading */
	const uint8_t want[6] = {1, 2, 3, 0x3f, 0x00, 0x3e};
	unsigned bad = 0;
	for (unsigned i = 0; i < 6; i++)
		bad += inb(0x3c9) != want[i];
	CHECK(bad == 0);
	/* A colour is taken whole: two components then a new index drop it. */
	outb(0x3c8, 9);
	outb(0x3c9, 10);
	outb(0x3c9, 11);
	outb(0x3c8, 9);
	outb(0x3c7, 9);
	CHECK(inb(0x3c9) == 0 && inb(0x3c9) == 0 && inb(0x3c9) == 63); /* EGA 9: blue */
	/* Index 255 moves on to 0. */
	outb(0x3c8, 255);
	for (unsigned i = 0; i < 6; i++)
		outb(0x3c9, 0x11);
	outb(0x3c7, 0);
	CHECK(inb(0x3c9) == 0x11);
	outb(0x3c6, 0x0f);
	CHECK(inb(0x3c6) == 0x0f);
	rig_down();
}

static void test_sequencer_and_gc(void)
{
	rig_up();
	uint8_t word[2] = {0x02, 0xff}; /* map mask: 4 bits */
	bus_pio(&bus, NULL, 0x3c4, word, 2, true);
	CHECK(inb(0x3c5) == 0x0f);
	outb(0x3c4, 0x07);
	CHECK(inb(0x3c5) == 0xff);
	outb(0x3c5, 0x12);
	CHECK(inb(0x3c4) == 0x07);
	uint8_t gc[2] = {0x05, 0xff};
	bus_pio(&bus, NULL, 0x3ce, gc, 2, true);
	CHECK(inb(0x3cf) == 0x7b);
	outb(0x3ce, 0x08);
	outb(0x3cf, 0x5a);
	CHECK(inb(0x3cf) == 0x5a);
	outb(0x3c3, 0xff);
	CHECK(inb(0x3c3) == 0x01);
	CHECK(inb(0x3cd) == 0xff && inb(0x3d8) == 0xff && inb(0x3b0) == 0xff);
	rig_down();
}

static void test_mono_addressing(void)
{
	rig_up();
	CHECK(inb(0x3b5) == 0xff);
	outb(0x3b4, 0x0f); /* not decoded in colour mode */
	CHECK(inb(0x3d4) != 0x0f);
	outb(0x3c2, 0x66); /* misc bit 0 clear: CRTC at 0x3B4 */
	CHECK(inb(0x3cc) == 0x66);
	outb(0x3b4, 0x0f);
	outb(0x3b5, 0x21);
	CHECK(vga.s.crtc[0x0f] == 0x21);
	CHECK(inb(0x3d5) == 0xff && inb(0x3da) == 0xff);
	outb(0x3d5, 0x99);
	CHECK(vga.s.crtc[0x0f] == 0x21);
	fake_ns = 412 * LINE_NS;
	CHECK(inb(0x3ba) == 0x09);
	/* The parallel port's 0x3BC is not the VGA's. */
	uint8_t b = 0;
	CHECK(bus_pio(&bus, NULL, 0x3bc, &b, 1, false) == NULL);
	outb(0x3c2, 0x67);
	CHECK(inb(0x3d5) == 0x21);
	rig_down();
}

static void test_screen_text(void)
{
	rig_up();
	CHECK(text_is(""));
	poke(0, 0, 0, "Hello   ", 0x07);
	poke(0, 2, 3, "World", 0x1e);
	text[(2 * 80 + 1) * 2] = ' '; /* spaces and NULs before text stay */
	CHECK(text_is("Hello\n\n   World\n"));
	char row[81];
	for (unsigned i = 0; i < 80; i++)
		row[i] = (char)('!' + i % 90);
	row[80] = '\0';
	poke(0, 4, 0, row, 0x07);
	char want[200];
	snprintf(want, sizeof(want), "Hello\n\n   World\n\n%s\n", row);
	CHECK(text_is(want));

	/* Code page 437: box drawing, shades, the glyphs of control codes. */
	memset(text, 0, sizeof(text));
	const char cp[] = {(char)0xc9, (char)0xcd, (char)0xbb, 0,          (char)0xb0,
	                   0x01,       (char)0x7f, (char)0xe1, (char)0xff, 0};
	for (unsigned i = 0; i < sizeof(cp); i++)
		text[i * 2] = (uint8_t)cp[i];
	CHECK(text_is("╔═╗ ░☺⌂ß\u00a0\n"));
	text[24 * 160] = 0x0d; /* the bottom row: a ♪, with empty rows before */
	CHECK(text_is("╔═╗ ░☺⌂ß\u00a0\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n♪\n"));

	/* Truncation: NUL-terminated, never inside a character. */
	char buf[8];
	memset(buf, 'x', sizeof(buf));
	CHECK(vga_screen_text(&vga, buf, 5) == 3 && strcmp(buf, "╔") == 0);
	CHECK(vga_screen_text(&vga, buf, 7) == 6 && strcmp(buf, "╔═") == 0);
	CHECK(vga_screen_text(&vga, buf, 1) == 0 && buf[0] == '\0');
	CHECK(vga_screen_text(&vga, NULL, 0) == 0);
	memset(text, 0, sizeof(text));
	poke(0, 0, 0, "ab", 0x07);
	poke(0, 3, 0, "c", 0x07);
	CHECK(vga_screen_text(&vga, buf, 5) == 3 && strcmp(buf, "ab\n") == 0);

	/* No text RAM: a blank screen. */
	vga.text = NULL;
	CHECK(text_is(""));
	rig_down();
}

static void test_glyphs(void)
{
	static const struct {
		uint8_t c;
		const char *utf8;
	} cases[] = {
	    {0x00, " "}, {0x01, "☺"}, {0x02, "☻"}, {0x0a, "◙"}, {0x1b, "←"},
	    {'A', "A"},  {0x7f, "⌂"}, {0x80, "Ç"}, {0xb0, "░"}, {0xb3, "│"},
	    {0xc9, "╔"}, {0xdb, "█"}, {0xe3, "π"}, {0xfe, "■"},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[4] = {0};
		unsigned n = vga_glyph_utf8(cases[i].c, out);
		CHECK(n == strlen(cases[i].utf8) && memcmp(out, cases[i].utf8, n) == 0);
	}
}

static void test_screen_colours(void)
{
	rig_up();
	struct vga_screen s;
	poke(0, 0, 0, "a", 0x1e); /* yellow on blue */
	poke(0, 0, 1, "b", 0x9e); /* the same, blinking */
	poke(0, 0, 2, "c", 0x70);
	vga_screen(&vga, &s);
	CHECK(s.cell[0][0].ch == 'a' && s.cell[0][0].fg == 14 && s.cell[0][0].bg == 1);
	CHECK(!s.cell[0][0].blink);
	CHECK(s.cell[0][1].fg == 14 && s.cell[0][1].bg == 1 && s.cell[0][1].blink);
	CHECK(s.cell[0][2].fg == 0 && s.cell[0][2].bg == 7);
	CHECK(s.cell[1][0].ch == 0 && s.cell[1][0].fg == 0 && s.cell[1][0].bg == 0);
	attr_wr(VGA_ATTR_MODE, 0x04); /* blink off: bright backgrounds */
	vga_screen(&vga, &s);
	CHECK(s.cell[0][1].bg == 9 && !s.cell[0][1].blink);
	/* Through the palette: colour 1 shown as red (EGA 4). */
	attr_wr(1, 0x04);
	vga_screen(&vga, &s);
	CHECK(s.cell[0][0].bg == 4);
	/* Through the DAC: entry 7 made white, entry 4 dark grey. */
	outb(0x3c8, 7);
	for (unsigned i = 0; i < 3; i++)
		outb(0x3c9, 63);
	outb(0x3c8, 4);
	for (unsigned i = 0; i < 3; i++)
		outb(0x3c9, 20);
	vga_screen(&vga, &s);
	CHECK(s.cell[0][2].bg == 15 && s.cell[0][0].bg == 8);
	/* The pixel mask: colour 14 (DAC 0x3E) masked to 0x06 (brown). */
	outb(0x3c6, 0x07);
	vga_screen(&vga, &s);
	CHECK(s.cell[0][0].fg == 6);
	vga_cursor(&vga, &s.cursor_row, &s.cursor_col, &s.cursor_visible);
	CHECK(s.cursor_visible && s.cursor_row == 0);
	rig_down();
}

/* ---- the renderer ------------------------------------------------------- */

/* What the display wrote, NUL-terminated: at least `want` bytes (waiting
 * up to 2 s for them: a pseudo-terminal passes data on asynchronously),
 * then whatever else is there. */
static size_t drain_n(int fd, char *buf, size_t len, size_t want)
{
	size_t n = 0;
	while (n < len - 1) {
		ssize_t r = read(fd, buf + n, len - 1 - n);
		if (r > 0) {
			n += (size_t)r;
			continue;
		}
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (n >= want || r == 0 || errno != EAGAIN || poll(&pfd, 1, 2000) <= 0)
			break;
	}
	buf[n] = '\0';
	return n;
}

static size_t drain(int fd, char *buf, size_t len)
{
	return drain_n(fd, buf, len, 0);
}

static unsigned count(const char *s, const char *what)
{
	unsigned n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static char out[DISPLAY_FRAME_MAX + 1];
static struct display disp;

static void test_display_pipe(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	rig_up();
	poke(0, 0, 0, "Hello", 0x07);
	text[(1 * 80 + 0) * 2] = 0xc9;
	text[(1 * 80 + 0) * 2 + 1] = 0x07;

	CHECK(display_open(&disp, p[1]) == 0);
	drain(p[0], out, sizeof(out));
	CHECK(strcmp(out, "\033[?1049h\033[?7l\033[?25l") == 0);

	/* The first frame: everything, the cursor at the VGA's. */
	int n = display_frame(&disp, &vga);
	CHECK(n > 2000 && (size_t)n == drain(p[0], out, sizeof(out)));
	CHECK(strstr(out, "\033[2J") != NULL);
	CHECK(strstr(out, "\033[1;1H\033[0;37;40mHello\033[30m ") != NULL);
	CHECK(strstr(out, "\033[2;1H\033[37m╔\033[30m ") != NULL);
	CHECK(count(out, "H") == 25 + 1 + 1); /* a row each, the cursor, 'H' */
	const char *end = "   \033[1;1H\033[?25h";
	CHECK(strlen(out) > strlen(end) && strcmp(out + strlen(out) - strlen(end), end) == 0);

	/* Nothing changed: nothing written. */
	CHECK(display_frame(&disp, &vga) == 0);
	CHECK(drain(p[0], out, sizeof(out)) == 0);

	/* One cell: its address, its colours, the cursor back. */
	poke(0, 5, 10, "X", 0x1e);
	n = display_frame(&disp, &vga);
	drain(p[0], out, sizeof(out));
	CHECK(strcmp(out, "\033[?25l\033[6;11H\033[93;44mX\033[1;1H\033[?25h") == 0);
	CHECK(n == (int)strlen(out));

	/* Changes a few cells apart: one run, unchanged cells written again. */
	poke(0, 7, 0, "a", 0x1e);
	poke(0, 7, 3, "b", 0x1e);
	poke(0, 7, 20, "c", 0x1e);
	display_frame(&disp, &vga);
	drain(p[0], out, sizeof(out));
	CHECK(strcmp(out, "\033[?25l\033[8;1Ha\033[30;40m  \033[93;44mb\033[8;21Hc"
	                  "\033[1;1H\033[?25h") == 0);

	/* The cursor alone. */
	vga_set_cursor(&vga, 2, 4);
	display_frame(&disp, &vga);
	drain(p[0], out, sizeof(out));
	CHECK(strcmp(out, "\033[3;5H") == 0);
	crtc_wr(0x0a, 0x2d);
	display_frame(&disp, &vga);
	drain(p[0], out, sizeof(out));
	CHECK(strcmp(out, "\033[?25l") == 0);
	vga_set_cursor(&vga, 9, 9); /* moving a hidden cursor shows nothing */
	CHECK(display_frame(&disp, &vga) == 0);

	/* Blink: SGR 5 with the blink bit, a bright background without. */
	poke(0, 0, 0, "B", 0xcf);
	display_frame(&disp, &vga);
	drain(p[0], out, sizeof(out));
	CHECK(strcmp(out, "\033[1;1H\033[97;41;5mB") == 0);
	attr_wr(VGA_ATTR_MODE, 0x04);
	display_frame(&disp, &vga);
	drain(p[0], out, sizeof(out));
	CHECK(strcmp(out, "\033[1;1H\033[101;25mB") == 0);

	/* A palette change redraws the cells it touches. */
	attr_wr(0x0e, 0x3c); /* yellow shown as light red */
	display_frame(&disp, &vga);
	drain(p[0], out, sizeof(out));
	CHECK(count(out, "\033[91;44m") == 2 && count(out, "93") == 0);

	/* Invalidated: the next frame is full. */
	display_invalidate(&disp);
	CHECK(display_frame(&disp, &vga) > 2000);
	drain(p[0], out, sizeof(out));
	CHECK(strncmp(out, "\033[?25l\033[0m\033[2J", 14) == 0);

	display_close(&disp);
	drain(p[0], out, sizeof(out));
	CHECK(strcmp(out, "\033[0m\033[?25h\033[?7h\033[?1049l\n") == 0);

	/* A failed write: an error, and the next frame is full. */
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	CHECK(display_open(&disp, p[1]) == -EPIPE);
	CHECK(display_frame(&disp, &vga) == -EPIPE);
	CHECK(!disp.drawn);
	close(p[1]);
	rig_down();
}

/* A pseudo-terminal whose size the test sets, in raw mode. */
static int open_pty(int *slave)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		return -1;
	*slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (*slave < 0)
		return -1;
	struct termios tio;
	tcgetattr(*slave, &tio);
	cfmakeraw(&tio);
	tcsetattr(*slave, TCSANOW, &tio);
	fcntl(master, F_SETFL, O_NONBLOCK);
	return master;
}

static void set_size(int fd, unsigned rows, unsigned cols)
{
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	CHECK(ioctl(fd, TIOCSWINSZ, &ws) == 0);
}

static void test_display_terminal_size(void)
{
	int slave, master = open_pty(&slave);
	if (master < 0) {
		fprintf(stderr, "test_vga: no pseudo-terminal, size tests skipped\n");
		return;
	}
	rig_up();
	poke(0, 0, 0, "top left", 0x07);
	set_size(slave, 10, 40);
	CHECK(display_open(&disp, slave) == 0);
	drain(master, out, sizeof(out));
	/* A 40x10 terminal shows 40x10 cells and no cursor address beyond. */
	vga_set_cursor(&vga, 12, 0);
	int n = display_frame(&disp, &vga);
	CHECK(n > 0 && drain_n(master, out, sizeof(out), (size_t)n) == (size_t)n);
	CHECK(strstr(out, "top left") != NULL);
	CHECK(count(out, "H") == 10 && strstr(out, "\033[11;") == NULL);
	CHECK(strstr(out, "\033[1;41H") == NULL && strstr(out, "?25h") == NULL);
	CHECK(display_frame(&disp, &vga) == 0);
	/* Resized: a full redraw at the new size. */
	set_size(slave, 30, 100);
	n = display_frame(&disp, &vga);
	CHECK(n > 2000 && drain_n(master, out, sizeof(out), (size_t)n) == (size_t)n);
	CHECK(strstr(out, "\033[2J") != NULL && count(out, "\033[25;1H") == 1);
	CHECK(strstr(out, "\033[13;1H\033[?25h") != NULL); /* row 12 is on it now */
	display_close(&disp);
	close(slave);
	close(master);
	rig_down();
}

/* Any port accesses, any time, the screen read between them: no crash, no
 * UB (run under -fsanitize=address,undefined), text always terminated. */
static void test_random_guest(void)
{
	uint16_t ports[0x3e0 - 0x3b0];
	for (unsigned i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		ports[i] = (uint16_t)(0x3b0 + i);
	rig_up();
	int null = open("/dev/null", O_WRONLY);
	CHECK(display_open(&disp, null) == 0);
	uint32_t x = 12345;
	for (unsigned i = 0; i < 200000; i++) {
		uint32_t r = random_pio(&x, ports, sizeof(ports) / sizeof(ports[0]));
		if ((r >> 24 & 3) != 3)
			continue;
		text[r % sizeof(text)] = (uint8_t)(r >> 16);
		fake_ns += r % (3 * MS);
		if (i % 64 == 3) {
			char buf[64];
			size_t len = 1 + r % sizeof(buf);
			size_t n = vga_screen_text(&vga, buf, len);
			CHECK(n < len && strlen(buf) == n);
			CHECK(display_frame(&disp, &vga) >= 0);
		}
		CHECK(vga.s.dac_sub < 3);
	}
	display_close(&disp);
	close(null);
	rig_down();
}

int main(void)
{
	test_reset_state();
	test_crtc();
	test_cursor();
	test_paging();
	test_status1();
	test_attribute_controller();
	test_dac();
	test_sequencer_and_gc();
	test_mono_addressing();
	test_screen_text();
	test_glyphs();
	test_screen_colours();
	test_display_pipe();
	test_display_terminal_size();
	test_random_guest();
	return check_status("test_vga");
}
