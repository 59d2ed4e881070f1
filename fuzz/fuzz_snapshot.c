/* libFuzzer target: snapshot_parse (src/vmm/snapshot.c) on any bytes.
 *
 * Each input is parsed twice: as it is (the checksum stops nearly all
 * random input at the door), and again with its trailer replaced by the
 * right CRC32, so that mutations reach the section parsers behind it.
 *
 * Contract checked beyond crashes: the input is copied to a buffer of
 * exactly its size (ASan sees a read past it); the parser allocates
 * nothing (libFuzzer's -malloc_limit_mb and the leak check would see it);
 * a refusal says why; an accepted snapshot's pointers and counts stay
 * inside the input (RAM pages and disk sectors), and its sizes are within
 * the caps (RAM up to VM_MAX_RAM, at most SNAPSHOT_MAX_* of each thing).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/snapshot.h"

/* The corpus replay.c runs when given no directory. */
const char fuzz_corpus_name[] = "snapshot";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_view(const struct snapshot_view *v, const uint8_t *buf, size_t size)
{
	const uint8_t *end = buf + size;
	uint64_t pages = v->info.ram_size / SNAPSHOT_PAGE_SIZE, stored = 0;
	if (v->info.ram_size > VM_MAX_RAM || v->info.n_vcpus < 1 ||
	    v->info.n_vcpus > SNAPSHOT_MAX_VCPUS || v->n_files < 1 ||
	    v->n_files > SNAPSHOT_MAX_FILES || v->n_disks > SNAPSHOT_MAX_DISKS)
		abort();
	if (v->ram_bitmap < buf || v->ram_bitmap + (pages + 7) / 8 > end)
		abort();
	for (uint64_t i = 0; i < pages; i++)
		stored += (v->ram_bitmap[i / 8] >> (i % 8)) & 1;
	if (v->ram_pages < buf || (uint64_t)(end - v->ram_pages) < stored * SNAPSHOT_PAGE_SIZE)
		abort();
	for (unsigned i = 0; i < v->n_disks; i++)
		if (v->disks[i].n &&
		    (v->disks[i].data < buf ||
		     (uint64_t)(end - v->disks[i].data) / (8 + 512) < v->disks[i].n))
			abort();
	for (unsigned i = 0; i < v->n_files; i++)
		if (strlen(v->files[i].path) >= SNAPSHOT_PATH_MAX)
			abort();
}

static void parse_one(const uint8_t *buf, size_t size)
{
	static struct snapshot_view v;
	char err[300];
	err[0] = 0;
	if (snapshot_parse(buf, size, &v, err, sizeof(err)) == 0)
		check_view(&v, buf, size);
	else if (!err[0] || !memchr(err, 0, sizeof(err)))
		abort(); /* a refusal always says why */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	parse_one(buf, size);
	if (size >= SNAPSHOT_TRAILER_SIZE) {
		uint32_t crc = snapshot_crc32(0, buf, size - SNAPSHOT_TRAILER_SIZE);
		memcpy(buf + size - SNAPSHOT_TRAILER_SIZE, &crc, 4);
		parse_one(buf, size);
	}
	free(buf);
	return 0;
}
