/* The keyboard: IRQ 1's handler turns the 8042's set-1 scan codes into
 * int 16h words (scan code << 8 | ASCII) in the BDA's ring buffer, and
 * keeps the shift state at 0x417; int 16h reads them.  The ASCII of each
 * key comes from the host keymap (keymap.h), inverted, so that the two
 * agree on a US keyboard. */
#include <string.h>

#include "bios/bios.h"
#include "hw/keymap.h"

#define SCAN_CODES   0x80
#define KEY_EXTENDED 0xe0
#define RSHIFT       0x36
#define ALT          0x38
#define CAPS_LOCK    0x3a
#define F1           0x3b
#define KEYPAD_DEL   0x53
#define FLAG_RSHIFT  0x01
#define FLAG_LSHIFT  0x02
#define FLAG_CTRL    0x04
#define FLAG_ALT     0x08
#define FLAG_CAPS    0x40
#define FLAG2_E0     0x02 /* 0x496: the last byte was the E0 prefix */
#define KBD_STATUS3  0x496u

/* ASCII per scan code: plain, with Shift, with Ctrl (0: none). */
static uint8_t ascii_of[3][SCAN_CODES];

static void build_tables(void)
{
	static bool built;
	if (built)
		return;
	for (unsigned byte = 0; byte < 0x80; byte++) {
		struct keymap_key k;
		if (keymap_lookup((uint8_t)byte, &k) && k.scan < SCAN_CODES &&
		    !ascii_of[k.modifier][k.scan])
			ascii_of[k.modifier][k.scan] = k.ascii;
	}
	built = true;
}

bool bios_kbd_push(struct bios *b, uint16_t key)
{
	uint16_t start = bios_rd16(b, BDA_KBD_START), end = bios_rd16(b, BDA_KBD_END);
	uint16_t head = bios_rd16(b, BDA_KBD_HEAD), tail = bios_rd16(b, BDA_KBD_TAIL);
	if (start >= end || end > 0x100 || tail < start || tail + 2 > end)
		return false; /* the guest broke the ring: leave it alone */
	uint16_t next = tail + 2 >= end ? start : tail + 2;
	if (next == head)
		return false; /* full: a PC beeps and drops the key */
	bios_wr16(b, 0x400u + tail, key);
	bios_wr16(b, BDA_KBD_TAIL, next);
	return true;
}

/* The next word in the ring, removed if take; false if it is empty. */
static bool kbd_peek(struct bios *b, uint16_t *key, bool take)
{
	uint16_t start = bios_rd16(b, BDA_KBD_START), end = bios_rd16(b, BDA_KBD_END);
	uint16_t head = bios_rd16(b, BDA_KBD_HEAD), tail = bios_rd16(b, BDA_KBD_TAIL);
	if (head == tail || start >= end || end > 0x100 || head < start || head + 2 > end)
		return false;
	*key = bios_rd16(b, 0x400u + head);
	if (take)
		bios_wr16(b, BDA_KBD_HEAD, head + 2 >= end ? start : head + 2);
	return true;
}

/* Shift, Ctrl, Alt and Caps Lock: true if code was one of them. */
static bool track_modifier(struct bios *b, uint8_t code)
{
	static const struct {
		uint8_t scan, flag;
	} mods[] = {{KEYMAP_LEFT_SHIFT, FLAG_LSHIFT}, {RSHIFT, FLAG_RSHIFT},
	            {KEYMAP_LEFT_CTRL, FLAG_CTRL},   {ALT, FLAG_ALT}};
	uint8_t flags = bios_rd8(b, BDA_KBD_FLAGS), scan = code & ~KEYMAP_BREAK;
	bool release = code & KEYMAP_BREAK;
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		if (mods[i].scan == scan) {
			flags = release ? flags & ~mods[i].flag : flags | mods[i].flag;
			bios_wr8(b, BDA_KBD_FLAGS, flags);
			return true;
		}
	}
	if (scan == CAPS_LOCK) {
		if (!release)
			bios_wr8(b, BDA_KBD_FLAGS, flags ^ FLAG_CAPS);
		return true;
	}
	return false;
}

/* The int 16h word of make code scan under the current shift state, 0 if
 * the key gives none. */
static uint16_t key_word(const struct bios *b, uint8_t scan)
{
	uint8_t flags = bios_rd8(b, BDA_KBD_FLAGS);
	bool shift = flags & (FLAG_LSHIFT | FLAG_RSHIFT);
	uint8_t ascii;
	if (flags & FLAG_CTRL)
		ascii = ascii_of[KEYMAP_CTRL][scan];
	else
		ascii = ascii_of[shift ? KEYMAP_SHIFT : KEYMAP_PLAIN][scan];
	if ((flags & FLAG_CAPS) && !(flags & FLAG_CTRL)) {
		uint8_t other = ascii_of[shift ? KEYMAP_PLAIN : KEYMAP_SHIFT][scan];
		if ((ascii >= 'a' && ascii <= 'z') || (ascii >= 'A' && ascii <= 'Z'))
			ascii = other;
	}
	if (flags & FLAG_ALT)
		ascii = 0; /* Alt+key: the scan code alone */
	if (ascii || (scan >= F1 && scan <= KEYPAD_DEL))
		return (uint16_t)(scan << 8 | ascii);
	return 0;
}

void bios_irq_keyboard(struct bios *b)
{
	build_tables();
	uint8_t code = b->host.inb(b->host.ctx, 0x60);
	uint8_t st3 = bios_rd8(b, KBD_STATUS3);
	if (code == KEY_EXTENDED) {
		bios_wr8(b, KBD_STATUS3, st3 | FLAG2_E0);
		return;
	}
	bios_wr8(b, KBD_STATUS3, st3 & ~FLAG2_E0);
	if (track_modifier(b, code) || (code & KEYMAP_BREAK))
		return;
	uint16_t key = key_word(b, code);
	if (key)
		bios_kbd_push(b, key);
}

enum bios_outcome bios_keyboard(struct bios *b, struct bios_call *c)
{
	struct bios_regs *r = &c->r;
	uint16_t key;
	switch (bios_hi(r->eax)) {
	case 0x00:
	case 0x10:
		if (!kbd_peek(b, &key, true))
			return BIOS_WAIT;
		bios_set_x(&r->eax, key);
		break;
	case 0x01:
	case 0x11:
		if (kbd_peek(b, &key, false))
			bios_set_x(&r->eax, key);
		bios_set_zf(r, !kbd_peek(b, &key, false));
		break;
	case 0x02:
		bios_set_lo(&r->eax, bios_rd8(b, BDA_KBD_FLAGS));
		break;
	case 0x12:
		bios_set_x(&r->eax, (uint16_t)(bios_rd8(b, BDA_KBD_FLAGS2) << 8 |
		                               bios_rd8(b, BDA_KBD_FLAGS)));
		break;
	case 0x03: /* typematic rate: accepted, keys come as typed */
		break;
	case 0x05:
		bios_set_lo(&r->eax, bios_kbd_push(b, bios_x(r->ecx)) ? 0 : 1);
		break;
	default:
		return bios_unsupported(b, 0x16, c);
	}
	return BIOS_DONE;
}
