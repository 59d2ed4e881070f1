/* Micro benchmark of the built-in CPU, without the VMM around it.
 *
 * Usage: emu_speed [ITERATIONS]   a real-mode `dec ecx; jnz` loop
 *                                 (default 200,000,000 iterations, two
 *                                 instructions each)
 *        emu_speed pm|paged [mem] [ITERATIONS]
 *                                 the same loop in flat 32-bit protected
 *                                 mode, without or with paging (4 KiB pages,
 *                                 identity mapped); `mem` adds a memory
 *                                 read-modify-write and a load (four
 *                                 instructions per iteration)
 *        emu_speed IMAGE.bin      a flat guest loaded at 0, run from
 *                                 0000:0000 to its hlt (port I/O ignored,
 *                                 reads give 0xff)
 * Prints the guest instructions retired and instructions per second
 * (bench/cpu_speed.sh uses the second form to check its counts). */
#include <ctype.h>
#include <stdbool.h>
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

/* Flat 32-bit protected mode set up through set_state; with paging, a page
 * directory at 0x10000 and one page table at 0x11000 map RAM 1:1. */
static int load_pm_loop(uint8_t *ram, struct vcpu *v, unsigned long iters, bool paged, bool mem)
{
	/* 0x1000: mov ecx, iters; 1: [add [ebx], eax; mov edx, [ebx+4];]
	 * dec ecx; jnz 1b; hlt */
	static const uint8_t reg_loop[] = {0xb9, 0, 0, 0, 0, 0x49, 0x75, 0xfd, 0xf4};
	static const uint8_t mem_loop[] = {0xb9, 0,    0,    0,    0,    0x01, 0x03,
	                                   0x8b, 0x53, 0x04, 0x49, 0x75, 0xf8, 0xf4};
	const uint8_t *code = mem ? mem_loop : reg_loop;
	size_t len = mem ? sizeof(mem_loop) : sizeof(reg_loop);
	memcpy(ram + 0x1000, code, len);
	memcpy(ram + 0x1001, &(uint32_t){(uint32_t)iters}, 4);
	if (paged) {
		memcpy(ram + 0x10000, &(uint32_t){0x11007}, 4);
		for (uint32_t n = 0; n < RAM_SIZE >> 12; n++)
			memcpy(ram + 0x11000 + n * 4, &(uint32_t){(n << 12) | 7}, 4);
	}
	vcpu_ram_written(v, 0, RAM_SIZE);

	struct vcpu_state st;
	vcpu_get_state(v, &st);
	for (int s = 0; s < SREG_COUNT; s++) {
		st.seg[s] = (struct vcpu_segment){.limit = 0xffffffffu,
		                                  .selector = 0x10,
		                                  .type = 3,
		                                  .s = 1,
		                                  .present = 1,
		                                  .db = 1,
		                                  .g = 1};
	}
	st.seg[SREG_CS].selector = 8;
	st.seg[SREG_CS].type = 0xb;
	st.cr0 = 0x11 | (paged ? 0x80000000u : 0);
	st.cr3 = 0x10000;
	st.eip = 0x1000;
	st.gpr[GPR_EBX] = 0x2000;
	st.gpr[GPR_ESP] = 0x8000;
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
	bool pm = !strcmp(arg, "pm"), paged = !strcmp(arg, "paged");
	if (pm || paged) {
		bool mem = argc > 2 && !strcmp(argv[2], "mem");
		const char *n = argc > 2 + mem ? argv[2 + mem] : "100000000";
		if (load_pm_loop(ram, v, strtoul(n, NULL, 0), paged, mem))
			return 1;
	} else if (isdigit((unsigned char)arg[0]) ? load_loop(ram, v, strtoul(arg, NULL, 0))
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
