/* A guest in C: gcc -m16 -march=i686 -ffreestanding, linked at 0.
 *
 * It prints a greeting, a table of squares, the sum of the first primes and
 * a checksum over a buffer, through COM1.  Its functions, locals and the
 * global `counter` give GDB something to step, watch and print. */
#include <stdint.h>
#ifndef COM1_DATA /* bench/guests/rev_c.c sends the text elsewhere */
#define COM1_DATA 0x3f8
#endif
volatile uint16_t counter;	/* written in a loop: watchpoint target */
uint8_t buffer[64];		/* .bss */
static const char greeting[] = "Hello from C!\n";

static inline void outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static void putc_com1(char c)
{
	outb(COM1_DATA, (uint8_t)c);
}

static void puts_com1(const char *s)
{
	while (*s)
		putc_com1(*s++);
}

static void put_u32(uint32_t v)
{
	char digits[10];
	int n = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc_com1(digits[--n]);
}

static int is_prime(uint32_t n)
{
	if (n < 2)
		return 0;
	for (uint32_t d = 2; d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

uint32_t square(uint32_t x)
{
	uint32_t result = x * x;
	return result;
}

static uint32_t sum_of_primes(int how_many)
{
	uint32_t sum = 0;
	for (uint32_t n = 2; how_many > 0; n++) {
		if (is_prime(n)) {
			sum += n;
			how_many--;
		}
	}
	return sum;
}

static uint32_t checksum(const uint8_t *p, int len)
{
	uint32_t a = 1, b = 0;
	for (int i = 0; i < len; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return (b << 16) | a;
}

int main(void)
{
	int i;
	puts_com1(greeting);
	for (i = 1; i <= 5; i++) {
		put_u32((uint32_t)i);
		puts_com1("^2=");
		put_u32(square((uint32_t)i));
		putc_com1(i < 5 ? ' ' : '\n');
		counter++;
	}
	puts_com1("primes:");
	put_u32(sum_of_primes(20));
	putc_com1('\n');
	for (i = 0; i < (int)sizeof(buffer); i++)
		buffer[i] = (uint8_t)(i * 7 + 3);
	puts_com1("checksum:");
	put_u32(checksum(buffer, (int)sizeof(buffer)));
	putc_com1('\n');
	return 0;
}
