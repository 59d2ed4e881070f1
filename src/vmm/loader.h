/* The guest loader: a flat binary at guest physical 0, or an ELF32 i386
 * image by its program headers. */
#ifndef KVM_GDBSTUB_LOADER_H
#define KVM_GDBSTUB_LOADER_H

#include <stddef.h>
#include <stdint.h>

enum image_format { IMAGE_FLAT, IMAGE_ELF };

struct loaded_image {
	enum image_format format;
	uint32_t entry; /* linear entry point: 0 for flat images */
	uint64_t bytes; /* bytes placed in guest RAM */
};

/* The largest guest file the loader reads at all (an ELF may carry debug
 * info beyond what it loads). */
#define LOADER_MAX_FILE (64u << 20)

/* Load the file at path into ram (which the loader does not clear).
 * 0, or -1 with a message naming the file and the problem in err. */
int loader_load_file(const char *path, uint8_t *ram, uint64_t ram_size, struct loaded_image *out,
                     char *err, size_t errlen);

/* The same from memory: what the file loader and the fuzzer share. */
int loader_load_buffer(const uint8_t *buf, size_t len, uint8_t *ram, uint64_t ram_size,
                       struct loaded_image *out, char *err, size_t errlen);

#endif
