/* Host bytes to US-layout key presses (see keymap.h). */
#include <stdbool.h>

#include "hw/keymap.h"

/* The character keys: set 1 make code, the character alone and with Shift
 * (0: the same as alone). */
static const struct {
	uint8_t scan;
	char plain, shifted;
} char_keys[] = {
    {0x02, '1', '!'},  {0x03, '2', '@'}, {0x04, '3', '#'},  {0x05, '4', '$'},
    {0x06, '5', '%'},  {0x07, '6', '^'}, {0x08, '7', '&'},  {0x09, '8', '*'},
    {0x0A, '9', '('},  {0x0B, '0', ')'}, {0x0C, '-', '_'},  {0x0D, '=', '+'},
    {0x10, 'q', 'Q'},  {0x11, 'w', 'W'}, {0x12, 'e', 'E'},  {0x13, 'r', 'R'},
    {0x14, 't', 'T'},  {0x15, 'y', 'Y'}, {0x16, 'u', 'U'},  {0x17, 'i', 'I'},
    {0x18, 'o', 'O'},  {0x19, 'p', 'P'}, {0x1A, '[', '{'},  {0x1B, ']', '}'},
    {0x1E, 'a', 'A'},  {0x1F, 's', 'S'}, {0x20, 'd', 'D'},  {0x21, 'f', 'F'},
    {0x22, 'g', 'G'},  {0x23, 'h', 'H'}, {0x24, 'j', 'J'},  {0x25, 'k', 'K'},
    {0x26, 'l', 'L'},  {0x27, ';', ':'}, {0x28, '\'', '"'}, {0x29, '`', '~'},
    {0x2B, '\\', '|'}, {0x2C, 'z', 'Z'}, {0x2D, 'x', 'X'},  {0x2E, 'c', 'C'},
    {0x2F, 'v', 'V'},  {0x30, 'b', 'B'}, {0x31, 'n', 'N'},  {0x32, 'm', 'M'},
    {0x33, ',', '<'},  {0x34, '.', '>'}, {0x35, '/', '?'},  {KEYMAP_SPACE, ' ', 0},
};

/* Control bytes with a key of their own, and the ASCII the BIOS gives it. */
static const struct {
	uint8_t byte, scan, ascii;
} special_keys[] = {
    {'\n', KEYMAP_ENTER, '\r'},     {'\r', KEYMAP_ENTER, '\r'}, {0x08, KEYMAP_BACKSPACE, 0x08},
    {0x7F, KEYMAP_BACKSPACE, 0x08}, {'\t', KEYMAP_TAB, '\t'},   {0x1B, KEYMAP_ESCAPE, 0x1B},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool special_key(uint8_t byte, struct keymap_key *key)
{
	for (size_t i = 0; i < COUNT(special_keys); i++) {
		if (special_keys[i].byte == byte) {
			*key = (struct keymap_key){special_keys[i].scan, special_keys[i].ascii,
			                           KEYMAP_PLAIN};
			return true;
		}
	}
	return false;
}

/* The key typing character c, and whether it needs Shift. */
static bool char_key(char c, struct keymap_key *key)
{
	for (size_t i = 0; i < COUNT(char_keys); i++) {
		if (char_keys[i].plain == c || char_keys[i].shifted == c) {
			key->scan = char_keys[i].scan;
			key->modifier = char_keys[i].plain == c ? KEYMAP_PLAIN : KEYMAP_SHIFT;
			return true;
		}
	}
	return false;
}

bool keymap_lookup(uint8_t byte, struct keymap_key *key)
{
	if (special_key(byte, key))
		return true;
	if (byte < 0x20) {
		/* Ctrl with the key of byte ^ 0x40 ('C' for 0x03), Shift or not:
		 * the BIOS ignores Shift while Ctrl is down. */
		if (!char_key((char)(byte ^ 0x40), key))
			return false;
		key->modifier = KEYMAP_CTRL;
		key->ascii = byte;
		return true;
	}
	if (byte >= 0x7F || !char_key((char)byte, key))
		return false;
	key->ascii = byte;
	return true;
}

static const uint8_t modifier_scan[] = {
    [KEYMAP_SHIFT] = KEYMAP_LEFT_SHIFT,
    [KEYMAP_CTRL] = KEYMAP_LEFT_CTRL,
};

int keymap_from_byte(uint8_t byte, uint8_t *codes, size_t max)
{
	struct keymap_key key;
	if (!keymap_lookup(byte, &key))
		return 0;
	uint8_t mod = modifier_scan[key.modifier];
	size_t n = mod ? 4 : 2;
	if (max < n)
		return -1;
	size_t i = 0;
	if (mod)
		codes[i++] = mod;
	codes[i++] = key.scan;
	codes[i++] = key.scan | KEYMAP_BREAK;
	if (mod)
		codes[i++] = mod | KEYMAP_BREAK;
	return (int)n;
}

uint16_t keymap_bios_key(uint8_t byte)
{
	struct keymap_key key;
	if (!keymap_lookup(byte, &key))
		return 0;
	return (uint16_t)(key.scan << 8 | key.ascii);
}
