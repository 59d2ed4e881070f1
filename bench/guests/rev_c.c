/* The reverse-execution benchmark's C guest (bench/reverse_bench.sh): the
 * work of guest/c-guest.c (a greeting, a table of squares, the sum of the
 * first 20 primes, a checksum over a buffer) ITERS times, built the same way
 * (gcc -m16 -march=i686 -ffreestanding -O0, guest/start.S, linked at 0).
 *
 * Its "output" goes to port 0x80, which nothing listens to: the same `out`s
 * as c-guest's COM1 text (the log records every one) without sending
 * megabytes of console text to GDB.  At iteration 1 (near the start), at
 * ITERS/10, ITERS/4, ITERS/2 and at the end it calls mark(), which hits the
 * magic breakpoint (port 0x8a00): `continue` stops there, and a breakpoint
 * on mark finds those places again backwards.  About 12,000 instructions
 * per iteration; ITERS is set with -DITERS=n. */
#include <stdint.h>

#ifndef ITERS
#define ITERS 1000
#endif

#define OUT_PORT 0x80
#define MAGIC_PORT 0x8a00
#define MAGIC_VALUE 0x8ae0

volatile uint16_t counter;
uint8_t buffer[64];
uint32_t results[3]; /* the last iteration's squares sum, primes, checksum */
static const char greeting[] = "Hello from C!\n";

static inline void outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

/* Not static: the benchmark puts a breakpoint here. */
void mark(void)
{
	__asm__ volatile("outw %0, %1" : : "a"((uint16_t)MAGIC_VALUE), "Nd"((uint16_t)MAGIC_PORT));
}

static void putc_out(char c)
{
	outb(OUT_PORT, (uint8_t)c);
}

static void puts_out(const char *s)
{
	while (*s)
		putc_out(*s++);
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
		putc_out(digits[--n]);
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

static uint32_t square(uint32_t x)
{
	return x * x;
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

/* One run of c-guest's main; the buffer changes with iter. */
static void work(uint32_t iter)
{
	uint32_t squares = 0;
	puts_out(greeting);
	for (uint32_t i = 1; i <= 5; i++) {
		put_u32(i);
		puts_out("^2=");
		squares += square(i);
		put_u32(square(i));
		putc_out(i < 5 ? ' ' : '\n');
		counter++;
	}
	results[0] = squares;
	puts_out("primes:");
	results[1] = sum_of_primes(20);
	put_u32(results[1]);
	putc_out('\n');
	for (int i = 0; i < (int)sizeof(buffer); i++)
		buffer[i] = (uint8_t)(i * 7 + 3 + iter);
	puts_out("checksum:");
	results[2] = checksum(buffer, (int)sizeof(buffer));
	put_u32(results[2]);
	putc_out('\n');
}

int main(void)
{
	for (uint32_t iter = 0; iter < ITERS; iter++) {
		if (iter == 1 || iter == ITERS / 10 || iter == ITERS / 4 || iter == ITERS / 2)
			mark();
		work(iter);
	}
	mark();
	return 0;
}
