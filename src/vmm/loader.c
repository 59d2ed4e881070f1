/* Guest loader.  Every offset and size from the file is checked with
 * overflow-safe arithmetic before anything is copied. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/loader.h"

/* True if [off, off+len) lies inside [0, size). */
static int range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int load_flat(const uint8_t *buf, size_t len, uint8_t *ram, uint64_t ram_size,
                     struct loaded_image *out, char *err, size_t errlen)
{
	if (len > ram_size) {
		snprintf(err, errlen, "%zu bytes do not fit in %llu bytes of guest RAM (see --mem)",
		         len, (unsigned long long)ram_size);
		return -1;
	}
	memcpy(ram, buf, len);
	*out = (struct loaded_image){.format = IMAGE_FLAT, .entry = 0, .bytes = len};
	return 0;
}

static int check_elf_header(const Elf32_Ehdr *eh, size_t len, char *err, size_t errlen)
{
	if (len < sizeof(Elf32_Ehdr)) {
		snprintf(err, errlen, "truncated ELF header");
		return -1;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_386) {
		snprintf(err, errlen,
		         "not a 32-bit little-endian i386 ELF (link with -m elf_i386)");
		return -1;
	}
	if (eh->e_type != ET_EXEC) {
		snprintf(err, errlen, "ELF is not an executable (type %u)", eh->e_type);
		return -1;
	}
	if (eh->e_phnum == 0 || eh->e_phentsize < sizeof(Elf32_Phdr) ||
	    !range_ok(eh->e_phoff, (uint64_t)eh->e_phnum * eh->e_phentsize, len)) {
		snprintf(err, errlen, "ELF program headers are missing or outside the file");
		return -1;
	}
	return 0;
}

static int load_segment(const uint8_t *buf, size_t len, const Elf32_Phdr *ph, uint8_t *ram,
                        uint64_t ram_size, char *err, size_t errlen)
{
	if (ph->p_filesz > ph->p_memsz || !range_ok(ph->p_offset, ph->p_filesz, len)) {
		snprintf(err, errlen,
		         "ELF segment at offset %#x: file size %#x is outside the "
		         "file or larger than its memory size %#x",
		         ph->p_offset, ph->p_filesz, ph->p_memsz);
		return -1;
	}
	if (!range_ok(ph->p_paddr, ph->p_memsz, ram_size)) {
		snprintf(err, errlen,
		         "ELF segment [%#x, %#llx) is outside guest RAM (%llu bytes, "
		         "see --mem)",
		         ph->p_paddr, (unsigned long long)ph->p_paddr + ph->p_memsz,
		         (unsigned long long)ram_size);
		return -1;
	}
	memcpy(ram + ph->p_paddr, buf + ph->p_offset, ph->p_filesz);
	memset(ram + ph->p_paddr + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
	return 0;
}

static int load_elf(const uint8_t *buf, size_t len, uint8_t *ram, uint64_t ram_size,
                    struct loaded_image *out, char *err, size_t errlen)
{
	Elf32_Ehdr eh;
	if (len >= sizeof(eh))
		memcpy(&eh, buf, sizeof(eh));
	if (check_elf_header(&eh, len, err, errlen) < 0)
		return -1;
	uint64_t loaded = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;
		memcpy(&ph, buf + eh.e_phoff + (size_t)i * eh.e_phentsize, sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (load_segment(buf, len, &ph, ram, ram_size, err, errlen) < 0)
			return -1;
		loaded += ph.p_memsz;
	}
	if (!loaded) {
		snprintf(err, errlen, "ELF has nothing to load");
		return -1;
	}
	*out = (struct loaded_image){.format = IMAGE_ELF, .entry = eh.e_entry, .bytes = loaded};
	return 0;
}

int loader_load_buffer(const uint8_t *buf, size_t len, uint8_t *ram, uint64_t ram_size,
                       struct loaded_image *out, char *err, size_t errlen)
{
	if (len == 0) {
		snprintf(err, errlen, "the guest image is empty");
		return -1;
	}
	if (len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0)
		return load_elf(buf, len, ram, ram_size, out, err, errlen);
	return load_flat(buf, len, ram, ram_size, out, err, errlen);
}

/* Read a whole regular file of at most LOADER_MAX_FILE bytes. */
static uint8_t *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	struct stat st;
	uint8_t *buf = NULL;
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "is a directory, not a guest image");
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "is not a regular file");
	} else if (st.st_size > (off_t)LOADER_MAX_FILE) {
		snprintf(err, errlen, "is %lld bytes, more than any guest can use",
		         (long long)st.st_size);
	} else if (!(buf = malloc(st.st_size ? (size_t)st.st_size : 1))) {
		snprintf(err, errlen, "out of memory");
	} else {
		size_t got = 0;
		while (got < (size_t)st.st_size) {
			ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				snprintf(err, errlen, "read failed: %s",
				         n < 0 ? strerror(errno) : "file shrank");
				free(buf);
				buf = NULL;
				break;
			}
			got += (size_t)n;
		}
		*len = got;
	}
	close(fd);
	return buf;
}

int loader_load_file(const char *path, uint8_t *ram, uint64_t ram_size, struct loaded_image *out,
                     char *err, size_t errlen)
{
	char why[200];
	size_t len = 0;
	uint8_t *buf = read_file(path, &len, why, sizeof(why));
	int r = buf ? loader_load_buffer(buf, len, ram, ram_size, out, why, sizeof(why)) : -1;
	if (r < 0)
		snprintf(err, errlen, "guest image %s: %s", path, why);
	free(buf);
	return r;
}
