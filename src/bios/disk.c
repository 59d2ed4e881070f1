/* Disk images: geometry from the size, pread on demand, and the
 * copy-on-write overlay (see disk.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bios/disk.h"

/* The PC floppy formats, by image size; the index + 1 is the type
 * int 13h AH=08 returns in BL (the CMOS drive type). */
static const struct chs floppy_formats[] = {
    {40, 2, 9},  /* 1: 360K 5.25" */
    {80, 2, 15}, /* 2: 1.2M 5.25" */
    {80, 2, 9},  /* 3: 720K 3.5" */
    {80, 2, 18}, /* 4: 1.44M 3.5" */
    {80, 2, 36}, /* 5: 2.88M 3.5" */
};

uint8_t disk_geometry(uint64_t sectors, struct chs *geom)
{
	for (size_t i = 0; i < sizeof(floppy_formats) / sizeof(floppy_formats[0]); i++) {
		const struct chs *f = &floppy_formats[i];
		if (sectors == (uint64_t)f->cylinder * f->head * f->sector) {
			*geom = *f;
			return (uint8_t)(i + 1);
		}
	}
	uint64_t cylinders = sectors / (DISK_HD_HEADS * DISK_HD_SPT);
	if (cylinders < 1) /* smaller than a cylinder: CHS still reaches it */
		cylinders = 1;
	if (cylinders > DISK_CHS_MAX_CYLINDERS)
		cylinders = DISK_CHS_MAX_CYLINDERS;
	*geom = (struct chs){(uint32_t)cylinders, DISK_HD_HEADS, DISK_HD_SPT};
	return 0;
}

/* The image's size in bytes (regular files and block devices), or -1. */
static int image_size(int fd, uint64_t *size, char *why, size_t whylen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (!S_ISBLK(st.st_mode)) {
		snprintf(why, whylen, "not a regular file or block device");
		return -1;
	}
	off_t end = lseek(fd, 0, SEEK_END);
	if (end < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	*size = (uint64_t)end;
	return 0;
}

/* NULL if size is usable as an image, else what is wrong with it. */
static const char *size_problem(uint64_t size, char *buf, size_t len)
{
	if (size == 0)
		return "is empty (0 bytes)";
	if (size < DISK_SECTOR_SIZE)
		snprintf(buf, len, "is %" PRIu64 " bytes: smaller than one %u-byte sector", size,
		         DISK_SECTOR_SIZE);
	else if (size % DISK_SECTOR_SIZE)
		snprintf(buf, len, "is %" PRIu64 " bytes: not a whole number of %u-byte sectors",
		         size, DISK_SECTOR_SIZE);
	else if (size / DISK_SECTOR_SIZE > DISK_MAX_SECTORS)
		snprintf(buf, len, "is %" PRIu64 " bytes: over the 2 TiB limit (2^32 sectors)",
		         size);
	else
		return NULL;
	return buf;
}

int disk_open(struct disk *d, const char *path, bool write_through, char *err, size_t errlen)
{
	char why[160];
	uint64_t size;

	memset(d, 0, sizeof(*d));
	d->fd = open(path, (write_through ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(err, errlen, "cannot open disk image '%s'%s: %s", path,
		         write_through ? " for writing" : "", strerror(errno));
		return -1;
	}
	if (image_size(d->fd, &size, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "disk image '%s': %s", path, why);
		goto fail;
	}
	const char *problem = size_problem(size, why, sizeof(why));
	if (problem) {
		snprintf(err, errlen, "disk image '%s' %s", path, problem);
		goto fail;
	}
	d->write_through = write_through;
	d->sectors = size / DISK_SECTOR_SIZE;
	d->floppy_type = disk_geometry(d->sectors, &d->geom);
	d->is_floppy = d->floppy_type != 0;
	return 0;
fail:
	close(d->fd);
	d->fd = -1;
	return -1;
}

static void overlay_free(struct disk_overlay *o)
{
	for (size_t i = 0; i < o->cap; i++)
		free(o->data[i]);
	free(o->keys);
	free(o->data);
	memset(o, 0, sizeof(*o));
}

void disk_overlay_clear(struct disk *d)
{
	overlay_free(&d->overlay);
}

void disk_close(struct disk *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	overlay_free(&d->overlay);
}

/* ---- the overlay ------------------------------------------------------- */

static size_t overlay_slot(const struct disk_overlay *o, uint64_t lba)
{
	uint64_t h = (lba + 1) * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing */
	size_t i = (size_t)(h >> 32) & (o->cap - 1);
	while (o->keys[i] && o->keys[i] != lba + 1)
		i = (i + 1) & (o->cap - 1);
	return i;
}

/* The overlay's copy of lba, or NULL. */
static uint8_t *overlay_find(const struct disk_overlay *o, uint64_t lba)
{
	if (!o->cap)
		return NULL;
	size_t i = overlay_slot(o, lba);
	return o->keys[i] ? o->data[i] : NULL;
}

static int overlay_grow(struct disk_overlay *o)
{
	struct disk_overlay bigger = {.cap = o->cap ? 2 * o->cap : 64};

	bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
	bigger.data = calloc(bigger.cap, sizeof(*bigger.data));
	if (!bigger.keys || !bigger.data) {
		free(bigger.keys);
		free(bigger.data);
		return -ENOMEM;
	}
	for (size_t i = 0; i < o->cap; i++) {
		if (!o->keys[i])
			continue;
		size_t j = overlay_slot(&bigger, o->keys[i] - 1);
		bigger.keys[j] = o->keys[i];
		bigger.data[j] = o->data[i];
	}
	bigger.used = o->used;
	free(o->keys);
	free(o->data);
	*o = bigger;
	return 0;
}

/* The overlay's copy of lba, made if it is not there yet; NULL if the
 * overlay is full or memory ran out (*rc says which). */
static uint8_t *overlay_get(struct disk_overlay *o, uint64_t lba, int *rc)
{
	uint8_t *have = overlay_find(o, lba);
	if (have)
		return have;
	*rc = -ENOSPC;
	if (o->used >= DISK_OVERLAY_MAX_SECTORS)
		return NULL;
	*rc = -ENOMEM;
	if (2 * (o->used + 1) > o->cap && overlay_grow(o) < 0)
		return NULL;
	uint8_t *sector = malloc(DISK_SECTOR_SIZE);
	if (!sector)
		return NULL;
	size_t i = overlay_slot(o, lba);
	o->keys[i] = lba + 1;
	o->data[i] = sector;
	o->used++;
	return sector;
}

/* ---- reads and writes -------------------------------------------------- */

static bool in_image(const struct disk *d, uint64_t lba, uint32_t count)
{
	return lba <= d->sectors && count <= d->sectors - lba;
}

/* pread/pwrite all of len bytes at off; a short count (the file shrank
 * under us) is an I/O error. */
static int file_io(int fd, bool write, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = write ? pwrite(fd, p, len, (off_t)off) : pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int file_read(struct disk *d, uint64_t lba, uint32_t count, uint8_t *buf)
{
	if (!count)
		return 0;
	return file_io(d->fd, false, buf, (size_t)count * DISK_SECTOR_SIZE, lba * DISK_SECTOR_SIZE);
}

int disk_read(struct disk *d, uint64_t lba, uint32_t count, uint8_t *buf)
{
	if (!in_image(d, lba, count))
		return -ERANGE;
	/* Runs of sectors the overlay does not hold are read with one pread. */
	uint32_t run = 0;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *mine = overlay_find(&d->overlay, lba + i);
		if (!mine) {
			run++;
			continue;
		}
		int rc =
		    file_read(d, lba + i - run, run, buf + (size_t)(i - run) * DISK_SECTOR_SIZE);
		if (rc < 0)
			return rc;
		run = 0;
		memcpy(buf + (size_t)i * DISK_SECTOR_SIZE, mine, DISK_SECTOR_SIZE);
	}
	return file_read(d, lba + count - run, run, buf + (size_t)(count - run) * DISK_SECTOR_SIZE);
}

int disk_write(struct disk *d, uint64_t lba, uint32_t count, const uint8_t *buf)
{
	if (!in_image(d, lba, count))
		return -ERANGE;
	if (d->write_through)
		return file_io(d->fd, true, (void *)buf, (size_t)count * DISK_SECTOR_SIZE,
		               lba * DISK_SECTOR_SIZE);
	for (uint32_t i = 0; i < count; i++) {
		int rc = 0;
		uint8_t *copy = overlay_get(&d->overlay, lba + i, &rc);
		if (!copy)
			return rc;
		memcpy(copy, buf + (size_t)i * DISK_SECTOR_SIZE, DISK_SECTOR_SIZE);
	}
	return 0;
}

/* ---- CHS --------------------------------------------------------------- */

int disk_chs_to_lba(const struct disk *d, struct chs at, uint64_t *lba)
{
	const struct chs *g = &d->geom;

	if (at.sector == 0 || at.sector > g->sector || at.head >= g->head ||
	    at.cylinder >= g->cylinder)
		return -EINVAL;
	*lba = ((uint64_t)at.cylinder * g->head + at.head) * g->sector + at.sector - 1;
	return 0;
}

int disk_lba_to_chs(const struct disk *d, uint64_t lba, struct chs *at)
{
	const struct chs *g = &d->geom;
	uint64_t track = lba / g->sector;

	if (track / g->head >= g->cylinder)
		return -ERANGE;
	*at = (struct chs){(uint32_t)(track / g->head), (uint32_t)(track % g->head),
	                   (uint32_t)(lba % g->sector) + 1};
	return 0;
}
