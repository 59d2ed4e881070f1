/* The reverse-execution benchmark's C guest (bench/reverse_bench.sh):
 * guest/c-guest.c's main (a greeting, a table of squares, the sum of the
 * first 20 primes, a checksum over a buffer) ITERS times, built the same way
 * (gcc -m16 -march=i686 -ffreestanding -O0, guest/start.S, linked at 0).
 *
 * Its text goes to port 0x80, which nothing listens to: the same `out`s as
 * c-guest's COM1 text without sending megabytes of console output to GDB.
 * At iteration 1 (near the start), at ITERS/10, ITERS/4, ITERS/2 and at the
 * end it calls mark(), which hits the magic breakpoint (port 0x8a00):
 * `continue` stops there, and a breakpoint on mark finds those places again
 * backwards.  About 10,430 instructions per iteration; ITERS (>= 20) is set
 * with -DITERS=n. */
#include <stdint.h>

#ifndef ITERS
#define ITERS 1000
#endif

#define COM1_DATA 0x80
#define main c_guest_main
#include "../../guest/c-guest.c"
#undef main

#define MAGIC_PORT 0x8a00
#define MAGIC_VALUE 0x8ae0

/* Not static: the benchmark puts a breakpoint here. */
void mark(void)
{
	__asm__ volatile("outw %0, %1" : : "a"((uint16_t)MAGIC_VALUE), "Nd"((uint16_t)MAGIC_PORT));
}

int main(void)
{
	for (uint32_t iter = 0; iter < ITERS; iter++) {
		if (iter == 1 || iter == ITERS / 10 || iter == ITERS / 4 || iter == ITERS / 2)
			mark();
		c_guest_main();
	}
	mark();
	return 0;
}
