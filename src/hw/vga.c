/* The VGA in colour text mode: its registers, the timing of input status 1,
 * and the screen as cells and as text.  See vga.h. */
#include <string.h>

#include "hw/bus.h"
#include "hw/vga.h"

#define CELLS (VGA_TEXT_SIZE / 2) /* the window's cells: addresses wrap here */

/* Mode 3's 720x400 timing: 28.322 MHz, 900 dots a line, 449 lines. */
#define LINE_NS         31778u
#define FRAME_LINES     449u
#define VISIBLE_LINES   400u
#define VISIBLE_LINE_NS (LINE_NS * 80 / 100)
#define VRETRACE_START  412u
#define VRETRACE_LINES  16u

/* ---- mode 3 as the BIOS sets it ------------------------------------------ */

static const uint8_t mode3_crtc[VGA_CRTC_REGS] = {
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
    0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
};
static const uint8_t mode3_seq[VGA_SEQ_REGS] = {0x03, 0x00, 0x03, 0x00, 0x02};
static const uint8_t mode3_gc[VGA_GC_REGS] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x0f, 0xff};
static const uint8_t mode3_attr[VGA_ATTR_REGS] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
    0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00,
};
#define MODE3_MISC 0x67

/* The bits each register implements (the rest read as 0). */
static const uint8_t seq_mask[VGA_SEQ_REGS] = {0x03, 0x3d, 0x0f, 0x3f, 0x0e};
static const uint8_t gc_mask[VGA_GC_REGS] = {0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff};
static const uint8_t attr_mask[VGA_ATTR_REGS] = {
    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0xef, 0xff, 0x3f, 0x0f, 0x0f,
};

/* An EGA colour number (bits 0-2 blue, green, red at 2/3, bits 3-5 at 1/3)
 * as 6-bit DAC levels: what the BIOS loads into DAC entries 0-63. */
static void ega_rgb(unsigned c, uint8_t rgb[3])
{
	for (unsigned i = 0; i < 3; i++) { /* red = bits 2 and 5, ..., blue = 0 and 3 */
		unsigned bit = 2 - i;
		rgb[i] = (uint8_t)((c >> bit & 1) * 42 + (c >> (bit + 3) & 1) * 21);
	}
}

void vga_reset(struct vga *v)
{
	struct vga_state *s = &v->s;
	memset(s, 0, sizeof(*s));
	s->misc = MODE3_MISC;
	s->enable = 1;
	memcpy(s->crtc, mode3_crtc, sizeof(s->crtc));
	memcpy(s->seq, mode3_seq, sizeof(s->seq));
	memcpy(s->gc, mode3_gc, sizeof(s->gc));
	memcpy(s->attr, mode3_attr, sizeof(s->attr));
	s->attr_index = VGA_ATTR_PAS;
	s->pel_mask = 0xff;
	for (unsigned i = 0; i < 64; i++) /* entries 64-255 stay black */
		ega_rgb(i, s->dac[i]);
}

/* ---- input status 1 ------------------------------------------------------ */

static uint8_t input_status1(const struct vga *v)
{
	uint64_t t = vclock_now(v->clk) % ((uint64_t)LINE_NS * FRAME_LINES);
	unsigned line = (unsigned)(t / LINE_NS), dot_ns = (unsigned)(t % LINE_NS);
	uint8_t status = 0;
	if (line >= VISIBLE_LINES || dot_ns >= VISIBLE_LINE_NS)
		status |= VGA_STATUS1_BLANK;
	if (line >= VRETRACE_START && line < VRETRACE_START + VRETRACE_LINES)
		status |= VGA_STATUS1_VRETRACE;
	return status;
}

/* ---- register files ------------------------------------------------------ */

static void crtc_write(struct vga_state *s, uint8_t val)
{
	unsigned i = s->crtc_index;
	if (i >= VGA_CRTC_REGS)
		return;
	if (i <= 7 && (s->crtc[VGA_CRTC_VRETRACE_END] & VGA_CRTC_PROTECT)) {
		if (i == 7) /* the line compare bit 8 escapes the protection */
			s->crtc[7] = (uint8_t)((s->crtc[7] & ~0x10) | (val & 0x10));
		return;
	}
	s->crtc[i] = val;
}

static uint8_t crtc_read(const struct vga_state *s)
{
	return s->crtc_index < VGA_CRTC_REGS ? s->crtc[s->crtc_index] : 0xff;
}

/* Sequencer and graphics controller: an index and masked registers. */
static void indexed_write(uint8_t *regs, const uint8_t *mask, unsigned count, uint8_t index,
                          uint8_t val)
{
	if (index < count)
		regs[index] = val & mask[index];
}

static uint8_t indexed_read(const uint8_t *regs, unsigned count, uint8_t index)
{
	return index < count ? regs[index] : 0xff;
}

static void attr_write(struct vga_state *s, uint8_t val)
{
	if (!s->attr_data_next) {
		s->attr_index = val & 0x3f;
	} else {
		unsigned i = s->attr_index & 0x1f;
		if (i < VGA_ATTR_REGS)
			s->attr[i] = val & attr_mask[i];
	}
	s->attr_data_next = !s->attr_data_next;
}

static uint8_t attr_read(const struct vga_state *s)
{
	unsigned i = s->attr_index & 0x1f;
	return i < VGA_ATTR_REGS ? s->attr[i] : 0xff;
}

/* The DAC takes a colour when its third component is written. */
static void dac_write(struct vga_state *s, uint8_t val)
{
	s->dac_latch[s->dac_sub++] = val & 0x3f;
	if (s->dac_sub < 3)
		return;
	memcpy(s->dac[s->dac_write_index++], s->dac_latch, 3);
	s->dac_sub = 0;
}

static uint8_t dac_read(struct vga_state *s)
{
	uint8_t val = s->dac[s->dac_read_index][s->dac_sub];
	if (++s->dac_sub == 3) {
		s->dac_sub = 0;
		s->dac_read_index++;
	}
	return val;
}

static void dac_select(struct vga_state *s, uint8_t index, bool reading)
{
	if (reading)
		s->dac_read_index = index;
	else
		s->dac_write_index = index;
	s->dac_sub = 0;
	s->dac_state = reading ? 3 : 0;
}

/* ---- ports ----------------------------------------------------------------- */

enum {
	CRTC_INDEX = 0x3d4,
	CRTC_DATA = 0x3d5,
	STATUS1 = 0x3da,
	ATTR_INDEX = 0x3c0,
	ATTR_READ = 0x3c1,
	MISC_WRITE = 0x3c2,
	VGA_ENABLE = 0x3c3,
	SEQ_INDEX = 0x3c4,
	SEQ_DATA = 0x3c5,
	PEL_MASK = 0x3c6,
	DAC_READ_INDEX = 0x3c7,
	DAC_WRITE_INDEX = 0x3c8,
	DAC_DATA = 0x3c9,
	FEATURE_READ = 0x3ca,
	MISC_READ = 0x3cc,
	GC_INDEX = 0x3ce,
	GC_DATA = 0x3cf,
	NOT_DECODED = 0,
};

/* The colour-addressing port a CRTC/status port stands for now: 0x3Bx
 * while misc bit 0 is clear, 0x3Dx while it is set; the other set is not
 * decoded. */
static unsigned decode_port(const struct vga *v, uint64_t port)
{
	bool color = v->s.misc & VGA_MISC_COLOR_IO;
	if (port >= 0x3b0 && port < 0x3c0)
		return color ? NOT_DECODED : (unsigned)port + 0x20;
	if (port >= 0x3d0 && port < 0x3e0)
		return color ? (unsigned)port : NOT_DECODED;
	return (unsigned)port;
}

static uint8_t vga_read8(void *opaque, uint64_t addr)
{
	struct vga *v = opaque;
	struct vga_state *s = &v->s;
	switch (decode_port(v, addr)) {
	case CRTC_INDEX:
		return s->crtc_index;
	case CRTC_DATA:
		return crtc_read(s);
	case STATUS1:
		s->attr_data_next = false;
		return input_status1(v);
	case ATTR_INDEX:
		return s->attr_index;
	case ATTR_READ:
		return attr_read(s);
	case MISC_WRITE: /* input status 0: no switches, no retrace interrupt */
		return 0x00;
	case VGA_ENABLE:
		return s->enable;
	case SEQ_INDEX:
		return s->seq_index;
	case SEQ_DATA:
		return indexed_read(s->seq, VGA_SEQ_REGS, s->seq_index);
	case PEL_MASK:
		return s->pel_mask;
	case DAC_READ_INDEX:
		return s->dac_state;
	case DAC_WRITE_INDEX:
		return s->dac_write_index;
	case DAC_DATA:
		return dac_read(s);
	case FEATURE_READ:
		return s->feature;
	case MISC_READ:
		return s->misc;
	case GC_INDEX:
		return s->gc_index;
	case GC_DATA:
		return indexed_read(s->gc, VGA_GC_REGS, s->gc_index);
	default:
		return 0xff;
	}
}

static void vga_write8(void *opaque, uint64_t addr, uint8_t val)
{
	struct vga *v = opaque;
	struct vga_state *s = &v->s;
	switch (decode_port(v, addr)) {
	case CRTC_INDEX:
		s->crtc_index = val;
		break;
	case CRTC_DATA:
		crtc_write(s, val);
		break;
	case STATUS1: /* feature control */
		s->feature = val;
		break;
	case ATTR_INDEX:
		attr_write(s, val);
		break;
	case MISC_WRITE:
		s->misc = val;
		break;
	case VGA_ENABLE:
		s->enable = val & 1;
		break;
	case SEQ_INDEX:
		s->seq_index = val;
		break;
	case SEQ_DATA:
		indexed_write(s->seq, seq_mask, VGA_SEQ_REGS, s->seq_index, val);
		break;
	case PEL_MASK:
		s->pel_mask = val;
		break;
	case DAC_READ_INDEX:
		dac_select(s, val, true);
		break;
	case DAC_WRITE_INDEX:
		dac_select(s, val, false);
		break;
	case DAC_DATA:
		dac_write(s, val);
		break;
	case GC_INDEX:
		s->gc_index = val;
		break;
	case GC_DATA:
		indexed_write(s->gc, gc_mask, VGA_GC_REGS, s->gc_index, val);
		break;
	default: /* read-only or nothing there */
		break;
	}
}

/* The port ranges a VGA decodes (0x3BC-0x3BF is the parallel port's). */
static const struct {
	const char *name;
	uint16_t base, len;
} vga_ranges[] = {
    {"vga-mono", 0x3b0, 0x0c},
    {"vga", 0x3c0, 0x10},
    {"vga-color", 0x3d0, 0x10},
};

/* A wide access is one byte per port; bytes past its range are not ours. */
static void vga_io(void *opaque, struct vcpu *vcpu, uint64_t addr, uint8_t *data, unsigned size,
                   bool is_write)
{
	(void)vcpu;
	uint64_t end = addr;
	for (unsigned i = 0; i < sizeof(vga_ranges) / sizeof(vga_ranges[0]); i++)
		if (addr >= vga_ranges[i].base && addr < vga_ranges[i].base + vga_ranges[i].len)
			end = vga_ranges[i].base + vga_ranges[i].len;
	bus_bytewise(opaque, addr, data, size, is_write, end, vga_read8, vga_write8);
}

int vga_init(struct vga *v, struct bus *bus, struct vclock *clk, const uint8_t *text_ram)
{
	memset(v, 0, sizeof(*v));
	v->clk = clk;
	v->text = text_ram;
	vga_reset(v);
	for (unsigned i = 0; i < sizeof(vga_ranges) / sizeof(vga_ranges[0]); i++) {
		int r = bus_register_pio(bus, vga_ranges[i].name, vga_ranges[i].base,
		                         vga_ranges[i].len, vga_io, v);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the screen ------------------------------------------------------------ */

static unsigned start_cell(const struct vga *v)
{
	return (unsigned)v->s.crtc[VGA_CRTC_START_HI] << 8 | v->s.crtc[VGA_CRTC_START_LO];
}

static unsigned row_stride(const struct vga *v)
{
	return 2u * v->s.crtc[VGA_CRTC_OFFSET];
}

unsigned vga_start_offset(const struct vga *v)
{
	return start_cell(v) % CELLS * 2;
}

/* The character and attribute bytes at (row, col) of the screen. */
static const uint8_t *screen_cell(const struct vga *v, unsigned row, unsigned col)
{
	static const uint8_t blank[2] = {0x00, 0x00};
	if (!v->text)
		return blank;
	unsigned cell = (start_cell(v) + row * row_stride(v) + col) % CELLS;
	return v->text + cell * 2;
}

static bool cursor_shape_visible(const uint8_t *crtc)
{
	unsigned first = crtc[VGA_CRTC_CURSOR_START] & 0x1f;
	unsigned last = crtc[VGA_CRTC_CURSOR_END] & 0x1f;
	unsigned height = crtc[VGA_CRTC_MAX_SCAN] & 0x1f;
	return !(crtc[VGA_CRTC_CURSOR_START] & VGA_CURSOR_DISABLE) && first <= last &&
	       first <= height;
}

void vga_cursor(const struct vga *v, unsigned *row, unsigned *col, bool *visible)
{
	const uint8_t *crtc = v->s.crtc;
	unsigned location = (unsigned)crtc[VGA_CRTC_CURSOR_HI] << 8 | crtc[VGA_CRTC_CURSOR_LO];
	unsigned pos = (location - start_cell(v)) % CELLS;
	unsigned stride = row_stride(v);
	*row = stride ? pos / stride : 0; /* stride 0: every row shows the first */
	*col = stride ? pos % stride : pos;
	*visible = cursor_shape_visible(crtc) && *row < VGA_ROWS && *col < VGA_COLS;
}

void vga_set_cursor(struct vga *v, unsigned row, unsigned col)
{
	unsigned stride = row_stride(v) ? row_stride(v) : VGA_COLS;
	unsigned location = (start_cell(v) + row * stride + col) & 0xffff;
	v->s.crtc[VGA_CRTC_CURSOR_HI] = (uint8_t)(location >> 8);
	v->s.crtc[VGA_CRTC_CURSOR_LO] = (uint8_t)location;
}

/* The DAC entry attribute colour n (0-15) is sent to. */
static uint8_t dac_index(const struct vga_state *s, unsigned n)
{
	const uint8_t *a = s->attr;
	uint8_t pal = a[n & a[VGA_ATTR_COLOR_PLANES] & 0x0f];
	uint8_t select = a[VGA_ATTR_COLOR_SELECT];
	unsigned index = (a[VGA_ATTR_MODE] & VGA_ATTR_MODE_P54S)
	                     ? (pal & 0x0fu) | (select & 0x03u) << 4
	                     : pal & 0x3fu;
	index |= (select & 0x0cu) << 4;
	return (uint8_t)(index & s->pel_mask);
}

/* The standard colour (as mode 3's defaults show it) nearest to rgb. */
static uint8_t nearest_standard(const uint8_t rgb[3])
{
	unsigned best = 0, best_d = ~0u;
	for (unsigned c = 0; c < 16; c++) {
		uint8_t std[3];
		ega_rgb(mode3_attr[c], std);
		unsigned d = 0;
		for (unsigned i = 0; i < 3; i++)
			d += (unsigned)((rgb[i] - std[i]) * (rgb[i] - std[i]));
		if (d < best_d) {
			best = c;
			best_d = d;
		}
	}
	return (uint8_t)best;
}

void vga_screen(const struct vga *v, struct vga_screen *out)
{
	uint8_t colour[16];
	for (unsigned n = 0; n < 16; n++)
		colour[n] = nearest_standard(v->s.dac[dac_index(&v->s, n)]);
	bool blink = v->s.attr[VGA_ATTR_MODE] & VGA_ATTR_MODE_BLINK;
	for (unsigned r = 0; r < VGA_ROWS; r++) {
		for (unsigned c = 0; c < VGA_COLS; c++) {
			const uint8_t *cell = screen_cell(v, r, c);
			uint8_t attr = cell[1];
			out->cell[r][c] = (struct vga_cell){
			    .ch = cell[0],
			    .fg = colour[attr & 0x0f],
			    .bg = colour[blink ? attr >> 4 & 7 : attr >> 4],
			    .blink = blink && (attr & 0x80),
			};
		}
	}
	vga_cursor(v, &out->cursor_row, &out->cursor_col, &out->cursor_visible);
}

/* ---- text ------------------------------------------------------------------ */

/* Code page 437 as Unicode, with the glyphs the ROM font draws for 0x01-0x1F
 * and 0x7F; 0x00 is drawn blank. */
static const uint16_t cp437[256] = {
    0x0020, 0x263a, 0x263b, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022, /* 0x00 */
    0x25d8, 0x25cb, 0x25d9, 0x2642, 0x2640, 0x266a, 0x266b, 0x263c, /* 0x08 */
    0x25ba, 0x25c4, 0x2195, 0x203c, 0x00b6, 0x00a7, 0x25ac, 0x21a8, /* 0x10 */
    0x2191, 0x2193, 0x2192, 0x2190, 0x221f, 0x2194, 0x25b2, 0x25bc, /* 0x18 */
    0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x0027, /* 0x20 */
    0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f, /* 0x28 */
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, /* 0x30 */
    0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f, /* 0x38 */
    0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, /* 0x40 */
    0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f, /* 0x48 */
    0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, /* 0x50 */
    0x0058, 0x0059, 0x005a, 0x005b, 0x005c, 0x005d, 0x005e, 0x005f, /* 0x58 */
    0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, /* 0x60 */
    0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f, /* 0x68 */
    0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, /* 0x70 */
    0x0078, 0x0079, 0x007a, 0x007b, 0x007c, 0x007d, 0x007e, 0x2302, /* 0x78 */
    0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, /* 0x80 */
    0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5, /* 0x88 */
    0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9, /* 0x90 */
    0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192, /* 0x98 */
    0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba, /* 0xa0 */
    0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb, /* 0xa8 */
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, /* 0xb0 */
    0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510, /* 0xb8 */
    0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f, /* 0xc0 */
    0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, /* 0xc8 */
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b, /* 0xd0 */
    0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580, /* 0xd8 */
    0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4, /* 0xe0 */
    0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229, /* 0xe8 */
    0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248, /* 0xf0 */
    0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0, /* 0xf8 */
};

unsigned vga_glyph_utf8(uint8_t c, char out[3])
{
	unsigned u = cp437[c];
	if (u < 0x80) {
		out[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = (char)(0xc0 | u >> 6);
		out[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | u >> 12);
	out[1] = (char)(0x80 | (u >> 6 & 0x3f));
	out[2] = (char)(0x80 | (u & 0x3f));
	return 3;
}

/* A bounded writer: a piece that does not fit (with the NUL) ends it. */
struct text_out {
	char *buf;
	size_t len, pos;
	bool full;
};

static void put(struct text_out *o, const char *s, size_t n)
{
	if (o->full || n + 1 > o->len - o->pos) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
}

static bool blank_char(uint8_t c)
{
	return c == 0x00 || c == ' ';
}

/* Columns up to the row's last non-blank character. */
static unsigned row_length(const struct vga *v, unsigned row)
{
	unsigned n = VGA_COLS;
	while (n > 0 && blank_char(screen_cell(v, row, n - 1)[0]))
		n--;
	return n;
}

size_t vga_screen_text(const struct vga *v, char *buf, size_t len)
{
	if (len == 0)
		return 0;
	struct text_out o = {.buf = buf, .len = len};
	size_t keep = 0; /* the end of the last non-empty row */
	for (unsigned r = 0; r < VGA_ROWS && !o.full; r++) {
		unsigned n = row_length(v, r);
		for (unsigned c = 0; c < n; c++) {
			char glyph[3];
			put(&o, glyph, vga_glyph_utf8(screen_cell(v, r, c)[0], glyph));
		}
		put(&o, "\n", 1);
		if (n > 0)
			keep = o.pos;
	}
	buf[keep] = '\0';
	return keep;
}
