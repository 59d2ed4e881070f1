/* The example kernel (guest/pc/kernel*.c): a 32-bit protected-mode C
 * program with an IDT, the 8259 PICs at 0x20/0x28, the PIT at 100 Hz, the
 * keyboard on IRQ 1, the VGA text screen and a tiny shell.  Built with
 * gcc -m32 -ffreestanding -march=i686 -mno-sse -mno-mmx (no paging). */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TICK_HZ 100

/* What kentry.S's isr_common pushes, lowest address first. */
struct isr_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};

static inline void outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;
	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

/* console.c: the VGA text screen (with the CRTC cursor) and port 0xE9. */

/* Clear the screen and home the cursor. */
void console_clear(void);
/* Print one character (\n, \b handled) on the screen and to port 0xE9. */
void console_putc(char c);
/* Print a NUL-terminated string. */
void console_puts(const char *s);
/* Print an unsigned number in decimal. */
void console_putu(uint32_t n);

/* interrupts.c: the IDT, the PICs and the PIT. */

/* Timer interrupts since interrupts_init. */
extern volatile uint32_t ticks;
/* Fill the IDT, remap the PICs, start the PIT at TICK_HZ, unmask IRQ 0/1. */
void interrupts_init(void);
/* Called by kentry.S for every vector. */
void isr_dispatch(struct isr_frame *frame);
/* Sleep in hlt until at least n more ticks have passed. */
void sleep_ticks(uint32_t n);

/* keyboard.c: scan code set 1 from port 0x60 into a ring of ASCII keys. */

/* Take over the keys the BIOS buffered and any byte the 8042 holds
 * (interrupts off, after the PICs are remapped). */
void keyboard_init(void);
/* IRQ 1: read one scan code and queue its character, if any. */
void keyboard_irq(void);
/* The next key, sleeping in hlt until one comes. */
char keyboard_getc(void);

#endif
