/* Micro benchmark of the built-in CPU, without the VMM around it.
 *
 * Usage: emu_speed [ITERATIONS]   a real-mode `dec ecx; jnz` loop
 *                                 (default 200,000,000 iterations, two
 *                                 instructions each)
 *        emu_speed IMAGE.bin      a flat guest loaded at 0, run from
 *                                 0000:0000 to its hlt (port I/O ignored,
 *                                 reads give 0xff)
 * Prints the guest instructions retired and instructions per second
 * (bench/cpu_speed.sh uses the second form to check its counts). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/emu.h"
#include "vcpu.h"

#define RAM_SIZE (1u << 20)

static int load_loop(uint8_t *ram, struct vcpu *v, unsigned long iters)
{
	/* 0x1000: mov ecx, iters; 1: dec ecx; jnz 1b; hlt */
	static const uint8_t code[] = {0x66, 0xb9, 0, 0, 0, 0, 0x66, 0x49, 0x75, 0xfc, 0xf4};
	memcpy(ram + 0x1000, code, sizeof(code));
	memcpy(ram + 0x1002, &(uint32_t){(uint32_t)iters}, 4);
	vcpu_ram_written(v, 0x1000, sizeof(code));

	struct vcpu_state st;
	vcpu_get_state(v, &st);
	st.eip = 0x1000;
	return vcpu_set_state(v, &st);
}

static int load_image(uint8_t *ram, struct vcpu *v, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t n = fread(ram, 1, RAM_SIZE, f);
	fclose(f);
	vcpu_ram_written(v, 0, n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *arg = argc > 1 ? argv[1] : "200000000";
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct vcpu *v = ram ? emu_vcpu_create(ram, RAM_SIZE) : NULL;
	if (!v)
		return 1;
	if (isdigit((unsigned char)arg[0]) ? load_loop(ram, v, strtoul(arg, NULL, 0))
	                                   : load_image(ram, v, arg))
		return 1;

	struct timespec t0, t1;
	struct vcpu_exit ex;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (vcpu_run(v, &ex))
			return 1;
		if (ex.reason == VCPU_EXIT_IO && !ex.io.is_write)
			memset(ex.io.data, 0xff, (size_t)ex.io.size * ex.io.count);
		else if (ex.reason == VCPU_EXIT_MMIO && !ex.mmio.is_write)
			memset(ex.mmio.data, 0xff, ex.mmio.len);
		else if (ex.reason != VCPU_EXIT_IO && ex.reason != VCPU_EXIT_MMIO &&
		         ex.reason != VCPU_EXIT_HLT) {
			fprintf(stderr, "emu_speed: unexpected exit %s\n",
			        vcpu_exit_reason_name(ex.reason));
			return 1;
		}
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
