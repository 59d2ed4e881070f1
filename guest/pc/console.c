/* The example kernel's console: VGA text memory at 0xB8000 (80x25, light
 * grey on black), the hardware cursor through the CRTC (ports 0x3D4/0x3D5,
 * registers 0Eh/0Fh), and every character also to the debug port 0xE9 so
 * that tests can read the output without the screen. */
#include "kernel.h"

#define COLS        80
#define ROWS        25
#define ATTR        0x0700
#define CRTC_INDEX  0x3d4
#define CRTC_DATA   0x3d5
#define DEBUGCON    0xe9

static volatile uint16_t *const screen = (volatile uint16_t *)0xb8000;
static unsigned cursor; /* cell index, row * COLS + column */

static void move_cursor(void)
{
	outb(CRTC_INDEX, 0x0e);
	outb(CRTC_DATA, (uint8_t)(cursor >> 8));
	outb(CRTC_INDEX, 0x0f);
	outb(CRTC_DATA, (uint8_t)cursor);
}

static void scroll(void)
{
	for (unsigned i = 0; i < (ROWS - 1) * COLS; i++)
		screen[i] = screen[i + COLS];
	for (unsigned i = (ROWS - 1) * COLS; i < ROWS * COLS; i++)
		screen[i] = ATTR | ' ';
	cursor -= COLS;
}

void console_clear(void)
{
	for (unsigned i = 0; i < ROWS * COLS; i++)
		screen[i] = ATTR | ' ';
	cursor = 0;
	move_cursor();
}

static void screen_putc(char c)
{
	if (c == '\n')
		cursor += COLS - cursor % COLS;
	else if (c == '\b') {
		if (cursor % COLS)
			screen[--cursor] = ATTR | ' ';
	} else
		screen[cursor++] = ATTR | (uint8_t)c;
	if (cursor >= ROWS * COLS)
		scroll();
}

void console_putc(char c)
{
	screen_putc(c);
	move_cursor();
	outb(DEBUGCON, (uint8_t)c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

void console_putu(uint32_t n)
{
	char digits[10];
	unsigned len = 0;
	do {
		digits[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	while (len)
		console_putc(digits[--len]);
}
