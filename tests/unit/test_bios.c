/* The BIOS services over a plain 1 MiB buffer with fake hooks: the ROM and
 * the BDA after POST, int 10h teletype (wrap, scroll, control characters,
 * the cursor handed to the CRTC, the text stream), scrolling windows,
 * the keyboard ring (IRQ 1 scan codes, shift, int 16h, a full ring), the
 * E820 map and its buffer check, ticks, and unknown services; and that
 * every byte of RAM a service changes was told to host.ram_written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bios/bios.h"
#include "hw/keymap.h"
#include "tests/unit/check.h"

#define RAM (1u << 20)

static struct fake {
	uint8_t port_in; /* what port 0x60 reads */
	unsigned cursor_row, cursor_col, cursor_moves;
	char text[4096];
	size_t text_len;
	unsigned eois;
	uint8_t notified[RAM]; /* 1: inside a range told to ram_written */
	unsigned notifications;
} fake;

static uint8_t f_inb(void *ctx, uint16_t port)
{
	(void)ctx;
	return port == 0x60 ? fake.port_in : 0xff;
}

static void f_outb(void *ctx, uint16_t port, uint8_t v)
{
	(void)ctx;
	if (port == 0x20 && v == 0x20)
		fake.eois++;
}

static void f_written(void *ctx, uint32_t gpa, uint32_t len)
{
	(void)ctx;
	CHECK(gpa <= RAM && len <= RAM - gpa);
	if (gpa <= RAM && len <= RAM - gpa)
		memset(fake.notified + gpa, 1, len);
	fake.notifications++;
}

static void f_text(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	if (fake.text_len + len < sizeof(fake.text)) {
		memcpy(fake.text + fake.text_len, s, len);
		fake.text_len += len;
		fake.text[fake.text_len] = 0;
	}
}

static void f_cursor(void *ctx, unsigned row, unsigned col)
{
	(void)ctx;
	fake.cursor_row = row;
	fake.cursor_col = col;
	fake.cursor_moves++;
}

static uint64_t f_now(void *ctx)
{
	(void)ctx;
	return 0;
}

static void f_wake(void *ctx, uint64_t ns)
{
	(void)ctx;
	(void)ns;
}

static bool f_a20(void *ctx, int on)
{
	(void)ctx;
	return on != 0;
}

static const struct bios_host host = {NULL, f_inb, f_outb, f_written, f_text,
                                      f_cursor, f_now, f_wake, f_a20};

static enum bios_outcome call(struct bios *b, int vector, uint32_t eax, uint32_t ebx,
                              uint32_t ecx, uint32_t edx, struct bios_call *c)
{
	*c = (struct bios_call){.r = {.eax = eax, .ebx = ebx, .ecx = ecx, .edx = edx}};
	return bios_call(b, vector, c);
}

static uint8_t screen_char(const struct bios *b, unsigned row, unsigned col)
{
	return b->ram[0xb8000 + (row * 80 + col) * 2];
}

static void teletype(struct bios *b, const char *s)
{
	struct bios_call c;
	for (; *s; s++)
		call(b, 0x10, 0x0e00 | (uint8_t)*s, 0, 0, 0, &c);
}

static void test_post(struct bios *b)
{
	CHECK(bios_rd16(b, 0x400) == 0x3f8);
	CHECK(bios_rd16(b, BDA_MEMORY_KIB) == 639);
	CHECK(bios_rd16(b, BDA_EBDA_SEG) == 0x9fc0);
	CHECK(bios_rd8(b, BDA_VIDEO_MODE) == 3 && bios_rd16(b, BDA_VIDEO_COLS) == 80);
	CHECK(bios_rd8(b, BDA_VIDEO_ROWS) == 24 && bios_rd16(b, BDA_CRTC_BASE) == 0x3d4);
	CHECK(b->ram[0xffffe] == 0xfc);
	CHECK(bios_rd32(b, 0x1e * 4) == (0xf000u << 16 | BIOS_DPT_OFF));
	CHECK(b->ram[0xf0000 + BIOS_DPT_OFF + 4] == 18); /* sectors per track */
	/* int 10h's vector points at a stub: out %al,$0xec; iret */
	uint32_t v10 = bios_rd32(b, 0x10 * 4);
	uint32_t stub = (v10 >> 16) * 16 + (v10 & 0xffff);
	CHECK(b->ram[stub] == 0xe6 && b->ram[stub + 1] == BIOS_TRAP_PORT && b->ram[stub + 2] == 0xcf);
	CHECK(bios_vector_at(stub + 2) == 0x10);
	CHECK(bios_vector_at(stub + 3) == -1);
	CHECK(bios_vector_at(0x7c00) == -1);
	CHECK(bios_wait_tail(0x16) == bios_rd32(b, 0x16 * 4) % 0x10000 + 0xf0000 + 3);
	/* equipment: one floppy would be bit 0; none here, 80x25 colour, COM1 */
	CHECK(bios_rd16(b, BDA_EQUIPMENT) == 0x0220);
}

static void test_teletype(struct bios *b)
{
	struct bios_call c;
	fake.text_len = 0;
	teletype(b, "Hi\r\nyou\b!\a");
	CHECK(screen_char(b, 0, 0) == 'H' && screen_char(b, 0, 1) == 'i');
	CHECK(screen_char(b, 1, 0) == 'y' && screen_char(b, 1, 2) == '!');
	CHECK(strcmp(fake.text, "Hi\nyou!") == 0);
	CHECK(fake.cursor_row == 1 && fake.cursor_col == 3);
	call(b, 0x10, 0x0300, 0, 0, 0, &c);
	CHECK(bios_x(c.r.edx) == 0x0103);
	/* wrap at column 80, scroll at row 25 */
	call(b, 0x10, 0x0200, 0, 0, 24 << 8 | 79, &c);
	teletype(b, "AB");
	CHECK(screen_char(b, 23, 79) == 'A' && screen_char(b, 24, 0) == 'B');
	CHECK(screen_char(b, 0, 0) == 'y'); /* row 1 moved up */
	CHECK(fake.cursor_row == 24 && fake.cursor_col == 1);
	/* AH=09: three copies with attribute 0x1f, the cursor stays */
	call(b, 0x10, 0x0958, 0x001f, 3, 0, &c);
	CHECK(screen_char(b, 24, 3) == 'X' && b->ram[0xb8000 + (24 * 80 + 3) * 2 + 1] == 0x1f);
	CHECK(screen_char(b, 24, 4) != 'X');
	/* AH=08 reads it back */
	call(b, 0x10, 0x0200, 0, 0, 24 << 8 | 2, &c);
	call(b, 0x10, 0x0800, 0, 0, 0, &c);
	CHECK(bios_x(c.r.eax) == 0x1f58);
	/* AH=06 AL=0: clear a window */
	call(b, 0x10, 0x0600, 0x0700, 0, 24 << 8 | 79, &c);
	CHECK(screen_char(b, 24, 2) == ' ' && screen_char(b, 0, 0) == ' ');
	/* AH=0F */
	call(b, 0x10, 0x0f00, 0, 0, 0, &c);
	CHECK(bios_x(c.r.eax) == 0x5003 && bios_hi(c.r.ebx) == 0);
}

static void key(struct bios *b, uint8_t code)
{
	fake.port_in = code;
	struct bios_call c;
	call(b, 0x09, 0, 0, 0, 0, &c);
}

static void test_keyboard(struct bios *b)
{
	struct bios_call c;
	unsigned eois = fake.eois;
	CHECK(call(b, 0x16, 0x0000, 0, 0, 0, &c) == BIOS_WAIT); /* empty: wait */
	call(b, 0x16, 0x0100, 0, 0, 0, &c);
	CHECK(c.r.flags & BIOS_FLAG_ZF);
	key(b, 0x1e); /* a */
	key(b, 0x9e);
	key(b, KEYMAP_LEFT_SHIFT);
	key(b, 0x1e); /* A */
	CHECK(bios_rd8(b, BDA_KBD_FLAGS) & 0x02);
	key(b, 0x9e);
	key(b, KEYMAP_LEFT_SHIFT | KEYMAP_BREAK);
	key(b, 0x1c); /* Enter */
	CHECK(fake.eois == eois + 7);
	call(b, 0x16, 0x0100, 0, 0, 0, &c);
	CHECK(!(c.r.flags & BIOS_FLAG_ZF) && bios_x(c.r.eax) == 0x1e61);
	CHECK(call(b, 0x16, 0x0000, 0, 0, 0, &c) == BIOS_DONE && bios_x(c.r.eax) == 0x1e61);
	call(b, 0x16, 0x1000, 0, 0, 0, &c);
	CHECK(bios_x(c.r.eax) == 0x1e41);
	call(b, 0x16, 0x0000, 0, 0, 0, &c);
	CHECK(bios_x(c.r.eax) == 0x1c0d);
	call(b, 0x16, 0x0200, 0, 0, 0, &c);
	CHECK(bios_lo(c.r.eax) == 0);
	/* the ring holds 15 keys; the 16th is dropped */
	unsigned kept = 0;
	for (int i = 0; i < 16; i++)
		kept += bios_kbd_push(b, 0x3920);
	CHECK(kept == 15);
	for (int i = 0; i < 15; i++)
		call(b, 0x16, 0x0000, 0, 0, 0, &c);
	CHECK(call(b, 0x16, 0x0000, 0, 0, 0, &c) == BIOS_WAIT);
}

static void test_e820(struct bios *b)
{
	struct bios_call c;
	uint32_t ebx = 0;
	uint64_t expect[][3] = {{0, 0x9fc00, 1}, {0x9fc00, 0x60400, 2}};
	for (int i = 0; i < 2; i++) {
		c = (struct bios_call){.r = {.eax = 0xe820, .ebx = ebx, .ecx = 24,
		                             .edx = 0x534d4150, .edi = 0x500}};
		bios_call(b, 0x15, &c);
		CHECK(!bios_cf(&c.r) && c.r.eax == 0x534d4150 && c.r.ecx == 20);
		uint64_t base, len;
		memcpy(&base, b->ram + 0x500, 8);
		memcpy(&len, b->ram + 0x508, 8);
		CHECK(base == expect[i][0] && len == expect[i][1] && b->ram[0x510] == expect[i][2]);
		ebx = c.r.ebx;
	}
	CHECK(ebx == 0); /* 1 MiB of RAM: no entry above */
	/* a buffer outside RAM: CF */
	c = (struct bios_call){.r = {.eax = 0xe820, .ecx = 20, .edx = 0x534d4150, .es = 0xffff,
	                             .edi = 0xfff8}};
	bios_call(b, 0x15, &c);
	CHECK(bios_cf(&c.r));
	/* 88h: no extended memory */
	call(b, 0x15, 0x8800, 0, 0, 0, &c);
	CHECK(bios_x(c.r.eax) == 0 && !bios_cf(&c.r));
}

static void test_misc(struct bios *b)
{
	struct bios_call c;
	bios_wr32(b, BDA_TICKS, BIOS_TICKS_PER_DAY - 1);
	call(b, 0x08, 0, 0, 0, 0, &c);
	call(b, 0x1a, 0x0000, 0, 0, 0, &c);
	CHECK(bios_x(c.r.ecx) == 0 && bios_x(c.r.edx) == 0 && bios_lo(c.r.eax) == 1);
	call(b, 0x1a, 0x0000, 0, 0, 0, &c);
	CHECK(bios_lo(c.r.eax) == 0); /* the midnight flag is read once */
	call(b, 0x11, 0, 0, 0, 0, &c);
	CHECK(bios_x(c.r.eax) == 0x0220);
	call(b, 0x12, 0, 0, 0, 0, &c);
	CHECK(bios_x(c.r.eax) == 639);
	call(b, 0x15, 0xc000, 0, 0, 0, &c);
	CHECK(c.r.es == 0xf000 && b->ram[0xf0000 + bios_x(c.r.ebx) + 2] == 0xfc);
	/* unknown: CF=1, AH=01 (int 15h: 86h) */
	call(b, 0x10, 0x7700, 0, 0, 0, &c);
	CHECK(bios_cf(&c.r) && bios_hi(c.r.eax) == 0x01);
	call(b, 0x15, 0x7700, 0, 0, 0, &c);
	CHECK(bios_cf(&c.r) && bios_hi(c.r.eax) == 0x86);
	CHECK(call(b, 0x18, 0, 0, 0, 0, &c) == BIOS_EXIT && b->exit_status == 5);
	/* the log keeps the last calls, int 08h/09h left out */
	struct bios_log_entry log[BIOS_LOG_SIZE];
	unsigned n = bios_log(b, log);
	CHECK(n == BIOS_LOG_SIZE && log[n - 1].vector == 0x18);
	CHECK(log[n - 2].vector == 0x15 && bios_hi(log[n - 2].in.eax) == 0x77);
}

/* ---- every change to RAM is told to host.ram_written ------------------- */

#define SECTORS  64
#define DISK_BUF 0x7000u
#define DAP      0x580u
#define EDD_BUF  0x5a0u
#define STRING   0x600u

static struct disk notify_disk;

static void int_regs(struct bios *b, int vector, struct bios_regs r, uint32_t ebp)
{
	struct bios_call c = {.r = r, .ebp = ebp};
	bios_call(b, vector, &c);
}

static void at_cursor(struct bios *b, unsigned row, unsigned col)
{
	struct bios_call c;
	call(b, 0x10, 0x0200, 0, 0, row << 8 | col, &c);
}

static void s_post(struct bios *b)
{
	bios_post(b, 0x80);
}

static void p_mode(struct bios *b)
{
	memset(b->ram + 0xb8000, 'x', 0x8000); /* the guest's own screen */
	b->ram[BDA_CURSOR_POS + 3] = 7;
	b->ram[BDA_VIDEO_COLS] = 40;
}

static void s_mode(struct bios *b)
{
	struct bios_call c;
	call(b, 0x10, 0x0003, 0, 0, 0, &c);
}

static void s_teletype(struct bios *b)
{
	char line[32];
	for (int i = 0; i < 30; i++) { /* five scrolls */
		snprintf(line, sizeof(line), "row %d\t|\r\n", i);
		teletype(b, line);
	}
	at_cursor(b, 24, 78);
	teletype(b, "wrap\b\a");
}

static void s_scroll(struct bios *b)
{
	struct bios_call c;
	call(b, 0x10, 0x0602, 0x1e00, 0x0205, 0x1040, &c); /* up 2 */
	call(b, 0x10, 0x0703, 0x2f00, 0x0000, 0x184f, &c); /* down 3 */
	call(b, 0x10, 0x0600, 0x4100, 0x1410, 0x1620, &c); /* blank a window */
}

static void s_write_chars(struct bios *b)
{
	struct bios_call c;
	at_cursor(b, 10, 75);
	call(b, 0x10, 0x0941, 0x004e, 10, 0, &c); /* into the next row */
	at_cursor(b, 24, 78);
	call(b, 0x10, 0x0a42, 0, 500, 0, &c); /* stops at the page's end */
}

static const char plain[] = "Hello\r\nworld, scrolled";
static const char pairs[] = {'A', 0x1f, 'B', 0x2f, 'C', 0x3f, '\n', 0x07};

static void p_write_string(struct bios *b)
{
	memcpy(b->ram + STRING, plain, sizeof(plain) - 1);
	memcpy(b->ram + STRING + 0x40, pairs, sizeof(pairs));
}

static void s_write_string(struct bios *b)
{
	struct bios_regs r = {
	    .eax = 0x1301, .ebx = 0x0017, .ecx = sizeof(plain) - 1, .edx = 24 << 8 | 75};
	int_regs(b, 0x10, r, STRING);
	r = (struct bios_regs){.eax = 0x1302, .ecx = sizeof(pairs) / 2, .edx = 24 << 8 | 79};
	int_regs(b, 0x10, r, STRING + 0x40);
}

static void s_pages(struct bios *b)
{
	struct bios_call c;
	call(b, 0x10, 0x0100, 0, 0x0007, 0, &c); /* cursor shape */
	call(b, 0x10, 0x0501, 0, 0, 0, &c);      /* page 1 */
	teletype(b, "on page one\r\n");
	call(b, 0x10, 0x0200, 0x0200, 0, 0x0304, &c); /* page 2's cursor */
	call(b, 0x10, 0x0500, 0, 0, 0, &c);
}

static void s_irq_keys(struct bios *b)
{
	static const uint8_t codes[] = {0x1e, 0x9e, KEYMAP_LEFT_SHIFT,
	                                0x1e, 0x9e, KEYMAP_LEFT_SHIFT | KEYMAP_BREAK,
	                                0x3a, 0xba, 0xe0,
	                                0x1c, 0x1d, 0x2e,
	                                0x9d, 0x3a};
	for (size_t i = 0; i < sizeof(codes); i++)
		key(b, codes[i]);
}

static void s_int16(struct bios *b)
{
	struct bios_call c;
	for (uint16_t k = 0x1e61; k < 0x1e61 + 20; k++)
		bios_kbd_push(b, k); /* fills the ring, wraps it */
	call(b, 0x16, 0x0100, 0, 0, 0, &c);
	for (int i = 0; i < 8; i++)
		call(b, 0x16, i % 2 ? 0x1000 : 0x0000, 0, 0, 0, &c);
	call(b, 0x16, 0x0200, 0, 0, 0, &c);
}

static void s_set_ticks(struct bios *b)
{
	struct bios_call c;
	call(b, 0x1a, 0x0100, 0, (BIOS_TICKS_PER_DAY - 2) >> 16, (BIOS_TICKS_PER_DAY - 2) & 0xffff,
	     &c);
}

static void p_ticks(struct bios *b)
{
	b->ram[0x440] = 2; /* the diskette motor's count */
	b->ram[0x43f] = 0x01;
}

static void s_ticks(struct bios *b)
{
	struct bios_call c;
	for (int i = 0; i < 3; i++) /* over midnight, the motor stops */
		call(b, 0x08, 0, 0, 0, 0, &c);
}

static void s_int1a(struct bios *b)
{
	struct bios_call c;
	call(b, 0x1a, 0x0000, 0, 0, 0, &c); /* reads the midnight flag once */
	call(b, 0x1a, 0x0200, 0, 0, 0, &c);
	call(b, 0x1a, 0x0400, 0, 0, 0, &c);
	call(b, 0x1a, 0x0300, 0, 0x1234, 0x5600, &c);
}

static void s_int15(struct bios *b)
{
	struct bios_call c;
	struct bios_regs r = {.eax = 0xe820, .ecx = 24, .edx = 0x534d4150, .edi = 0x500};
	for (int i = 0; i < 2; i++) {
		c = (struct bios_call){.r = r};
		bios_call(b, 0x15, &c);
		r.ebx = c.r.ebx;
		r.edi += 20;
	}
	call(b, 0x15, 0xc000, 0, 0, 0, &c);
	call(b, 0x15, 0x8800, 0, 0, 0, &c);
	call(b, 0x15, 0xe801, 0, 0, 0, &c);
	call(b, 0x15, 0x2402, 0, 0, 0, &c);
	call(b, 0x15, 0x8600, 0, 0, 100, &c); /* arms a wait */
}

static void p_int13(struct bios *b)
{
	static const uint8_t dap[16] = {0x10, 0, 3, 0, 0x00, 0x90, 0, 0, 5};
	memcpy(b->ram + DAP, dap, sizeof(dap)); /* 3 sectors from LBA 5 to 0000:9000 */
	b->ram[EDD_BUF] = 0x1e;
	b->ram[EDD_BUF + 1] = 0;
}

static void s_int13(struct bios *b)
{
	struct bios_regs r = {.eax = 0x0202, .ebx = DISK_BUF, .ecx = 0x0001, .edx = 0x0080};
	int_regs(b, 0x13, r, 0); /* CHS read of two sectors */
	r = (struct bios_regs){.eax = 0x4200, .edx = 0x0080, .esi = DAP};
	int_regs(b, 0x13, r, 0);
	CHECK(b->ram[DISK_BUF] == 1 && b->ram[0x9000] == 5 * 7 + 1); /* both landed */
	r = (struct bios_regs){.eax = 0x4800, .edx = 0x0080, .esi = EDD_BUF};
	int_regs(b, 0x13, r, 0);
	r = (struct bios_regs){.eax = 0x0800, .edx = 0x0080};
	int_regs(b, 0x13, r, 0);
	r = (struct bios_regs){.eax = 0x0301, .ebx = DISK_BUF, .ecx = 0x0003, .edx = 0x0080};
	int_regs(b, 0x13, r, 0);
	r = (struct bios_regs){.eax = 0x7700, .edx = 0x0080}; /* fails: the status byte */
	int_regs(b, 0x13, r, 0);
	r = (struct bios_regs){.eax = 0x0100, .edx = 0x0080};
	int_regs(b, 0x13, r, 0);
}

static void s_boot(struct bios *b)
{
	struct bios_call c;
	call(b, 256, 0, 0, 0, 0, &c); /* the reset vector's first pass */
	call(b, 256, 0, 0, 0, 0, &c); /* a reset */
	call(b, 0x19, 0, 0, 0, 0, &c);
}

/* One service run, after prep (the guest's side: not the BIOS's writes),
 * whether it changes RAM, and how many notifications it may take (a loop
 * that told the host per cell would need thousands). */
static const struct notify_step {
	const char *what;
	void (*prep)(struct bios *b);
	void (*run)(struct bios *b);
	bool writes;
	unsigned max_notifications;
} notify_steps[] = {
    {"POST", NULL, s_post, true, 1000},
    {"int 10h AH=00", p_mode, s_mode, true, 40},
    {"int 10h AH=0E", NULL, s_teletype, true, 1000},
    {"int 10h AH=06/07", NULL, s_scroll, true, 3},
    {"int 10h AH=09/0A", NULL, s_write_chars, true, 10},
    {"int 10h AH=13", p_write_string, s_write_string, true, 100},
    {"int 10h AH=01/05", NULL, s_pages, true, 200},
    {"IRQ 1", NULL, s_irq_keys, true, 100},
    {"int 16h", NULL, s_int16, true, 100},
    {"int 1Ah AH=01", NULL, s_set_ticks, true, 10},
    {"IRQ 0", p_ticks, s_ticks, true, 20},
    {"int 1Ah", NULL, s_int1a, true, 10},
    {"int 15h", NULL, s_int15, true, 10},
    {"int 13h", p_int13, s_int13, true, 20},
    {"int 19h, reset vector", NULL, s_boot, false, 0},
};

/* Run step over b and check that every byte it changed was notified. */
static void check_notified(struct bios *b, uint8_t *before, const struct notify_step *step)
{
	if (step->prep)
		step->prep(b);
	memcpy(before, b->ram, RAM);
	memset(fake.notified, 0, sizeof(fake.notified));
	fake.notifications = 0;
	step->run(b);
	unsigned changed = 0, missed = 0;
	for (uint32_t a = 0; a < RAM; a++) {
		if (before[a] == b->ram[a])
			continue;
		changed++;
		if (!fake.notified[a] && missed++ == 0)
			fprintf(stderr, "%s: byte 0x%05x changed, not notified\n", step->what, a);
	}
	CHECK(missed == 0);
	if (step->writes != (changed > 0))
		fprintf(stderr, "%s: %u bytes changed\n", step->what, changed);
	CHECK(step->writes == (changed > 0));
	if (fake.notifications > step->max_notifications)
		fprintf(stderr, "%s: %u notifications\n", step->what, fake.notifications);
	CHECK(fake.notifications <= step->max_notifications);
}

/* A hard disk of SECTORS patterned sectors in a temporary file. */
static bool make_disk(char *path)
{
	uint8_t sector[512];
	int fd = mkstemp(path);
	if (fd < 0)
		return false;
	for (unsigned lba = 0; lba < SECTORS; lba++) {
		for (unsigned i = 0; i < sizeof(sector); i++)
			sector[i] = (uint8_t)(lba * 7 + i + 1);
		if (write(fd, sector, sizeof(sector)) != (ssize_t)sizeof(sector)) {
			close(fd);
			return false;
		}
	}
	close(fd);
	char err[256];
	return disk_open(&notify_disk, path, false, err, sizeof(err)) == 0;
}

static void test_notifications(void)
{
	char path[] = "/tmp/test_bios.XXXXXX";
	uint8_t *ram = calloc(1, RAM), *before = malloc(RAM);
	struct bios b;
	CHECK(ram && before && bios_init(&b, ram, RAM, &host) == 0);
	CHECK(make_disk(path));
	CHECK(bios_attach_disk(&b, &notify_disk, 0x80) == 0);
	for (size_t i = 0; i < sizeof(notify_steps) / sizeof(notify_steps[0]); i++)
		check_notified(&b, before, &notify_steps[i]);
	disk_close(&notify_disk);
	unlink(path);
	bios_destroy(&b);
	free(before);
	free(ram);
}

int main(void)
{
	uint8_t *ram = calloc(1, RAM);
	struct bios b;
	CHECK(ram && bios_init(&b, ram, RAM, &host) == 0);
	bios_post(&b, 0x80);
	test_post(&b);
	test_teletype(&b);
	test_keyboard(&b);
	test_e820(&b);
	test_misc(&b);
	bios_destroy(&b);
	free(ram);
	test_notifications();
	return check_status("test_bios");
}
