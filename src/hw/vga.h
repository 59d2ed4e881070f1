/* The VGA in 80x25 colour text mode (mode 3), as a PC BIOS leaves it.
 *
 * Text memory is guest RAM at 0xB8000-0xBFFFF: the guest writes it
 * directly (on KVM too), so the model gets a pointer to that 32 KiB window
 * and reads it only when asked for the screen.  Each cell is a character
 * byte (code page 437) and an attribute byte: bits 3-0 the foreground
 * colour, bits 6-4 the background, bit 7 blink (attribute mode control bit
 * 3 set, the BIOS default) or a bright background (bit 3 clear).
 *
 * Ports (every register of a real VGA that a text-mode program touches):
 *   0x3D4/0x3D5  CRTC index/data: registers 0x00-0x18 stored and read back;
 *                0x0A/0x0B cursor start/end (0x0A bit 5 turns it off),
 *                0x0C/0x0D start address (the displayed page), 0x0E/0x0F
 *                cursor location (both in cells, from the window's start),
 *                0x13 offset (a row is 2 * offset cells); 0x11 bit 7
 *                write-protects 0x00-0x07 (0x07 bit 4 stays writable).
 *   0x3DA        input status 1 (read): bit 0 display disabled (blanking),
 *                bit 3 vertical retrace, from the virtual clock; a read
 *                resets the attribute controller's flip-flop.  Write:
 *                feature control (read back at 0x3CA).
 *   0x3B4/0x3B5/0x3BA  the same CRTC and status ports while misc output
 *                bit 0 is clear (monochrome addressing); the set not
 *                selected reads 0xFF and ignores writes, as on a VGA.
 *   0x3C0        attribute index, then data (a flip-flop; reading 0x3DA
 *                resets it to index); a read returns the index (bit 5 PAS).
 *   0x3C1        attribute data read.  Registers 0x00-0x0F palette,
 *                0x10 mode control (bit 3 blink, bit 7 P54S), 0x11
 *                overscan, 0x12 colour plane enable, 0x13 panning, 0x14
 *                colour select.
 *   0x3C2        misc output write / input status 0 read (0); 0x3CC reads
 *                misc output.  0x3C3 VGA enable (bit 0, read/write).
 *   0x3C4/0x3C5  sequencer index/data, registers 0-4 stored.
 *   0x3CE/0x3CF  graphics controller index/data, registers 0-8 stored.
 *   0x3C6        DAC pixel mask; 0x3C7 write: DAC read index, read: DAC
 *                state (0 after a write index, 3 after a read index);
 *                0x3C8 DAC write index (read back); 0x3C9 DAC data: red,
 *                green, blue (6 bits each), then the index moves on.
 * Unused ports in 0x3B0-0x3BB, 0x3C0-0x3CF and 0x3D0-0x3DF read 0xFF.
 * Index registers read back the byte written; data at an index with no
 * register reads 0xFF and writes are dropped.  A 16-bit `out %ax,%dx`
 * writes the index (al) and the data (ah) at once, as on the ISA bus.
 *
 * Timing of input status 1: the 720x400 70 Hz timing of mode 3 (449 lines
 * of 31.78 us, 80 of 100 character clocks visible, 400 visible lines).  The
 * vertical retrace spans 16 lines (the longest a CRTC can program) rather
 * than mode 3's two, so that a polling loop whose every `in` is a slow VM
 * exit still sees it.  The CRTC's timing registers do not change it.
 *
 * What the screen shows: always 80x25 cells, from the start address, one
 * row every 2 * offset cells, wrapping within the 32 KiB window.  Colours
 * go the way a VGA sends them: attribute nibble & colour plane enable ->
 * palette register -> DAC index (P54S and colour select) & pixel mask ->
 * DAC RGB, then the nearest of the 16 standard colours.  Not modelled:
 * graphics modes, fonts, underline, the screen-off bits (PAS clear,
 * sequencer clocking mode bit 5), split screen (line compare), panning,
 * the vertical retrace interrupt.
 */
#ifndef KVM_GDBSTUB_HW_VGA_H
#define KVM_GDBSTUB_HW_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/clock.h"

struct bus;

#define VGA_TEXT_BASE   0xb8000u
#define VGA_TEXT_SIZE   0x8000u /* bytes: 16 Ki cells */
#define VGA_COLS        80
#define VGA_ROWS        25
#define VGA_CRTC_REGS   0x19
#define VGA_SEQ_REGS    5
#define VGA_GC_REGS     9
#define VGA_ATTR_REGS   0x15
#define VGA_DAC_ENTRIES 256

/* Registers and bits the model gives meaning to. */
#define VGA_CRTC_CURSOR_START 0x0a
#define VGA_CRTC_CURSOR_END   0x0b
#define VGA_CRTC_START_HI     0x0c
#define VGA_CRTC_START_LO     0x0d
#define VGA_CRTC_CURSOR_HI    0x0e
#define VGA_CRTC_CURSOR_LO    0x0f
#define VGA_CRTC_MAX_SCAN     0x09
#define VGA_CRTC_VRETRACE_END 0x11
#define VGA_CRTC_OFFSET       0x13
#define VGA_CURSOR_DISABLE    0x20 /* in CURSOR_START */
#define VGA_CRTC_PROTECT      0x80 /* in VRETRACE_END */
#define VGA_ATTR_MODE         0x10
#define VGA_ATTR_COLOR_PLANES 0x12
#define VGA_ATTR_COLOR_SELECT 0x14
#define VGA_ATTR_MODE_BLINK   0x08
#define VGA_ATTR_MODE_P54S    0x80
#define VGA_ATTR_PAS          0x20 /* in the attribute index */
#define VGA_MISC_COLOR_IO     0x01 /* misc output: CRTC at 0x3Dx, not 0x3Bx */
#define VGA_STATUS1_BLANK     0x01
#define VGA_STATUS1_VRETRACE  0x08

/* Every guest-visible register: plain data, no pointers (snapshots copy it). */
struct vga_state {
	uint8_t misc, feature, enable;
	uint8_t crtc_index, crtc[VGA_CRTC_REGS];
	uint8_t seq_index, seq[VGA_SEQ_REGS];
	uint8_t gc_index, gc[VGA_GC_REGS];
	uint8_t attr_index;  /* bits 4-0 the register, bit 5 PAS */
	bool attr_data_next; /* the flip-flop: the next 0x3C0 write is data */
	uint8_t attr[VGA_ATTR_REGS];
	uint8_t pel_mask;
	uint8_t dac_read_index, dac_write_index;
	uint8_t dac_sub;   /* the colour component next at 0x3C9: 0-2 */
	uint8_t dac_state; /* 0 writing, 3 reading (what 0x3C7 reads) */
	uint8_t dac_latch[3];
	uint8_t dac[VGA_DAC_ENTRIES][3];
};

struct vga {
	struct vga_state s;
	struct vclock *clk;
	const uint8_t *text; /* the guest's 0xB8000 window, VGA_TEXT_SIZE bytes */
};

/* One cell as the screen shows it: a CP437 character and the standard
 * colours (0-15, VGA order: 0 black, 1 blue, ... 7 light grey, 8-15 the
 * bright ones) it appears in. */
struct vga_cell {
	uint8_t ch, fg, bg;
	bool blink;
};

/* The displayed screen: its cells and the hardware cursor. */
struct vga_screen {
	struct vga_cell cell[VGA_ROWS][VGA_COLS];
	unsigned cursor_row, cursor_col;
	bool cursor_visible;
};

/* Put every register in the state the BIOS leaves for mode 3 (blank
 * screen, cursor at the top left, lines 13-14, the EGA palette). */
void vga_reset(struct vga *v);

/* Reset and register the ports (0x3B0-0x3BB, 0x3C0-0x3CF, 0x3D0-0x3DF).
 * text_ram: the guest's 32 KiB at VGA_TEXT_BASE (NULL: a blank screen).
 * 0 or the bus's -errno. */
int vga_init(struct vga *v, struct bus *bus, struct vclock *clk, const uint8_t *text_ram);

/* Byte offset in the text window of the displayed page's first cell (the
 * CRTC start address times two, wrapped to the window). */
unsigned vga_start_offset(const struct vga *v);

/* The cursor's row and column on the displayed page.  visible: the CRTC
 * shows it (not disabled, start line <= end line and <= the character
 * height) and it lies on the screen; if it does not, row and col may be
 * out of range. */
void vga_cursor(const struct vga *v, unsigned *row, unsigned *col, bool *visible);

/* Move the CRTC cursor to (row, col) of the displayed page, as the BIOS
 * does for its teletype cursor (values past the screen are not clamped). */
void vga_set_cursor(struct vga *v, unsigned row, unsigned col);

/* The displayed cells, their colours and the cursor. */
void vga_screen(const struct vga *v, struct vga_screen *out);

/* Write character c's CP437 glyph as UTF-8 (1-3 bytes) into out; 0x00 is a
 * space.  Returns the number of bytes. */
unsigned vga_glyph_utf8(uint8_t c, char out[3]);

/* The screen as plain UTF-8 text into buf (len bytes, NUL-terminated): one
 * line per row, each ending in '\n', trailing spaces of a row and trailing
 * empty rows dropped (a blank screen is "").  Code page 437 glyphs for
 * every character but 0x00, which is a space.  Truncated to fit, never
 * inside a character.  Returns the length written, without the NUL. */
size_t vga_screen_text(const struct vga *v, char *buf, size_t len);

#endif
