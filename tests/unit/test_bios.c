/* The BIOS services over a plain 1 MiB buffer with fake hooks: the ROM and
 * the BDA after POST, int 10h teletype (wrap, scroll, control characters,
 * the cursor handed to the CRTC, the text stream), scrolling windows,
 * the keyboard ring (IRQ 1 scan codes, shift, int 16h, a full ring), the
 * E820 map and its buffer check, ticks, and unknown services. */
#include <stdlib.h>
#include <string.h>

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
	(void)gpa;
	(void)len;
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
	return check_status("test_bios");
}
