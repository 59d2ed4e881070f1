/* libFuzzer target: the guest loader on any file content.
 *
 * The image goes into 1 MiB of guest RAM, allocated to the byte so the
 * sanitizer sees a write past its end.  Contract checked beyond crashes:
 * 0 with a sane result, or -1 with a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/loader.h"

/* The corpus replay.c runs when given no directory. */
const char fuzz_corpus_name[] = "loader";

#define RAM_SIZE (1u << 20)

static uint8_t *ram;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loaded_image img;
	char err[200];
	/* A copy of exactly size bytes: a read past the input is caught too. */
	uint8_t *buf = malloc(size ? size : 1);

	if (!ram)
		ram = malloc(RAM_SIZE);
	if (!ram || !buf)
		abort();
	memcpy(buf, data, size);
	memset(&img, 0xa5, sizeof(img));
	err[0] = 0;

	int rc = loader_load_buffer(buf, size, ram, RAM_SIZE, &img, err, sizeof(err));
	if (rc == 0) {
		if (img.format != IMAGE_FLAT && img.format != IMAGE_ELF)
			abort();
		if (img.format == IMAGE_FLAT && (img.entry != 0 || img.bytes != size))
			abort();
		if (img.bytes == 0)
			abort();
	} else if (rc != -1 || err[0] == 0 || strnlen(err, sizeof(err)) == sizeof(err)) {
		fprintf(stderr, "fuzz_loader: rc %d without a message\n", rc);
		abort();
	}
	free(buf);
	return 0;
}
