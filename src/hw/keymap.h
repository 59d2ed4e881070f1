/* Host bytes as PC key presses on a US keyboard.
 *
 * Each byte a terminal sends becomes one key press: the key's make and break
 * codes in scan code set 1 (what the 8042 delivers with translation on),
 * wrapped in Shift or Ctrl when the character needs it, and the word BIOS
 * int 16h returns for that press (scan code << 8 | ASCII):
 *   printable ASCII     its key, with Left Shift (0x2A/0xAA) for capitals
 *                       and !@#$%^&*()_+{}|:"<>?~           'a' 0x1E61, 'A' 0x1E41
 *   '\n', '\r'          Enter                              0x1C0D
 *   0x08, 0x7F          Backspace                          0x0E08
 *   '\t'                Tab                                0x0F09
 *   0x1B                Escape                             0x011B
 *   other 0x00-0x1F     Left Ctrl (0x1D/0x9D) and the key of byte ^ 0x40,
 *                       without Shift: Ctrl-C 0x2E03, Ctrl-@ (0x00) is
 *                       Ctrl+2 0x0300, Ctrl-^ Ctrl+6 0x071E, Ctrl-_ Ctrl+- 0x0C1F
 * Bytes 0x80-0xFF have no key.
 */
#ifndef KVM_GDBSTUB_HW_KEYMAP_H
#define KVM_GDBSTUB_HW_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most scan code bytes one byte becomes (modifier make, key make, key
 * break, modifier break). */
#define KEYMAP_MAX_CODES 4

#define KEYMAP_BREAK      0x80 /* set 1: a key's break code is its make | 0x80 */
#define KEYMAP_LEFT_SHIFT 0x2A
#define KEYMAP_LEFT_CTRL  0x1D
#define KEYMAP_ENTER      0x1C
#define KEYMAP_BACKSPACE  0x0E
#define KEYMAP_TAB        0x0F
#define KEYMAP_ESCAPE     0x01
#define KEYMAP_SPACE      0x39

enum keymap_modifier { KEYMAP_PLAIN, KEYMAP_SHIFT, KEYMAP_CTRL };

/* One key press: the key, the modifier held around it, and the ASCII code
 * the BIOS reports for it. */
struct keymap_key {
	uint8_t scan; /* set 1 make code */
	uint8_t ascii;
	enum keymap_modifier modifier;
};

/* The key press for host byte `byte` into *key; false if no key types
 * it. */
bool keymap_lookup(uint8_t byte, struct keymap_key *key);

/* The set 1 scan codes of the press for `byte` into codes[0..max): their
 * number (2 or 4), 0 if no key types the byte, -1 if max is too small (then
 * nothing is written; KEYMAP_MAX_CODES is always enough). */
int keymap_from_byte(uint8_t byte, uint8_t *codes, size_t max);

/* The word int 16h returns for the press of `byte` (scan code << 8 |
 * ASCII), 0 if no key types it. */
uint16_t keymap_bios_key(uint8_t byte);

#endif
