/* Micro benchmark of the built-in CPU: a real-mode `dec ecx; jnz` loop.
 *
 * Usage: emu_speed [ITERATIONS]   (default 200,000,000 loop iterations,
 * two instructions each).  Prints guest instructions per second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/emu.h"
#include "vcpu.h"

int main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000000ul;
	size_t ram_size = 1 << 20;
	uint8_t *ram = calloc(1, ram_size);
	struct vcpu *v = ram ? emu_vcpu_create(ram, ram_size) : NULL;
	if (!v)
		return 1;

	/* 0x1000: mov ecx, iters; 1: dec ecx; jnz 1b; hlt */
	static const uint8_t code[] = {0x66, 0xb9, 0, 0, 0, 0, 0x66, 0x49, 0x75, 0xfc, 0xf4};
	memcpy(ram + 0x1000, code, sizeof(code));
	memcpy(ram + 0x1002, &(uint32_t){(uint32_t)iters}, 4);
	vcpu_ram_written(v, 0x1000, sizeof(code));

	struct vcpu_state st;
	vcpu_get_state(v, &st);
	st.eip = 0x1000;
	vcpu_set_state(v, &st);

	struct timespec t0, t1;
	struct vcpu_exit ex;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (vcpu_run(v, &ex))
			return 1;
	} while (ex.reason != VCPU_EXIT_HLT);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	uint64_t n = emu_vcpu_instructions(v);
	printf("%llu instructions in %.3f s: %.1f million instructions/s\n", (unsigned long long)n,
	       secs, n / secs / 1e6);
	vcpu_destroy(v);
	free(ram);
	return 0;
}
