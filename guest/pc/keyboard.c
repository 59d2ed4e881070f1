/* The example kernel's keyboard: IRQ 1 reads a scan code (set 1) from the
 * 8042's port 0x60, tracks the shift keys and queues the ASCII character of
 * a key press in a ring that keyboard_getc empties. */
#include "kernel.h"

#define KBD_DATA     0x60
#define RELEASED     0x80
#define LSHIFT       0x2a
#define RSHIFT       0x36
#define KBD_STATUS   0x64
#define KBD_OBF      0x01
#define RING_SIZE    64
#define BDA          ((volatile uint8_t *)0x400)
#define BDA_WORD(o)  (*(volatile uint16_t *)(BDA + (o)))

static const char plain[0x3a] = {
	0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
	'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0, 'a', 's',
	'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
	'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};
static const char shifted[0x3a] = {
	0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
	'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0, 'A', 'S',
	'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
	'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

static bool shift;
static char ring[RING_SIZE];
static volatile unsigned head, tail; /* head: next to read; tail: next to write */

static void enqueue(char c)
{
	if (c && tail - head < RING_SIZE)
		ring[tail++ % RING_SIZE] = c;
}

void keyboard_irq(void)
{
	uint8_t code = inb(KBD_DATA);
	uint8_t key = code & ~RELEASED;
	if (key == LSHIFT || key == RSHIFT) {
		shift = !(code & RELEASED);
		return;
	}
	if ((code & RELEASED) || key >= sizeof(plain))
		return;
	enqueue((shift ? shifted : plain)[key]);
}

/* Keys typed during the boot went to the BIOS's ring in the BDA (words of
 * ASCII and scan code between the offsets at 0x41A and 0x41C, the ring from
 * 0x480 to 0x482's offsets): take them over, then empty it.  A byte left
 * in the 8042 raised its IRQ before the PICs were remapped, so no new edge
 * comes until it is read: read it now. */
void keyboard_init(void)
{
	uint16_t head_off = BDA_WORD(0x1a), tail_off = BDA_WORD(0x1c);
	uint16_t start = BDA_WORD(0x80), end = BDA_WORD(0x82);
	while (start < end && head_off != tail_off && head_off >= start && head_off < end) {
		char c = (char)BDA[head_off];
		enqueue(c == '\r' ? '\n' : c);
		head_off = head_off + 2 == end ? start : head_off + 2;
	}
	BDA_WORD(0x1a) = tail_off;
	if (inb(KBD_STATUS) & KBD_OBF)
		keyboard_irq();
}

char keyboard_getc(void)
{
	__asm__ volatile("cli");
	while (head == tail)
		__asm__ volatile("sti; hlt; cli");
	char c = ring[head++ % RING_SIZE];
	__asm__ volatile("sti");
	return c;
}
