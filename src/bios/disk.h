/* A disk image for the BIOS: a raw file of 512-byte sectors read on demand
 * with pread, and its geometry worked out from its size.
 *
 * Geometry: the five PC floppy sizes (360K, 720K, 1.2M, 1.44M, 2.88M) are
 * floppies with their standard cylinders/heads/sectors; any other size is a
 * hard disk addressed by LBA over its whole length, with a CHS translation
 * of 16 heads x 63 sectors per track and sectors / (16 * 63) cylinders, at
 * least 1 and at most 1024 (what CHS can name).  Images must be a whole
 * number of sectors, at least one, and at most 2 TiB (2^32 sectors: what an
 * MBR partition table and int 13h AH=15 can count).
 *
 * Writes go, by default, to an in-memory overlay of written sectors (the
 * image file is opened read-only and never changes; reads see the overlay
 * first); with write_through they go to the file with pwrite.  The overlay
 * holds at most DISK_OVERLAY_MAX_SECTORS sectors (1 GiB): past that, writes
 * of new sectors fail with -ENOSPC rather than exhaust host memory.
 */
#ifndef KVM_GDBSTUB_BIOS_DISK_H
#define KVM_GDBSTUB_BIOS_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISK_SECTOR_SIZE         512u
#define DISK_MAX_SECTORS         (1ull << 32) /* 2 TiB */
#define DISK_OVERLAY_MAX_SECTORS ((1u << 30) / DISK_SECTOR_SIZE)
#define DISK_HD_HEADS            16u
#define DISK_HD_SPT              63u
#define DISK_CHS_MAX_CYLINDERS   1024u

/* A CHS geometry (counts) or a CHS address (sector counted from 1). */
struct chs {
	uint32_t cylinder, head, sector;
};

/* Written sectors by LBA: open addressing, linear probing, at most half
 * full.  A key is lba + 1 (0 marks a free slot). */
struct disk_overlay {
	uint64_t *keys;
	uint8_t **data; /* DISK_SECTOR_SIZE bytes each */
	size_t cap;     /* a power of two, or 0 before the first write */
	size_t used;
};

struct disk {
	int fd;
	bool write_through;
	bool is_floppy;
	uint8_t floppy_type; /* int 13h AH=08 / CMOS type: 1 360K, 2 1.2M, 3 720K,
	                        4 1.44M, 5 2.88M; 0 for a hard disk */
	uint8_t drive;       /* BIOS drive number (0x00, 0x01, 0x80, 0x81): set by
	                        the caller, used by int13_attach */
	bool media_changed;  /* set by whoever swaps media: int 13h AH=16
	                        reports it once */
	bool io_error_noted; /* a host I/O failure was reported on stderr */
	uint64_t sectors;    /* the whole image, all reachable by LBA */
	struct chs geom;     /* cylinders (the CHS-reachable ones), heads, sectors
	                        per track */
	struct disk_overlay overlay;
};

/* Open the raw image at path and work out its geometry.  Returns 0, or -1
 * with a one-line message in err (the path, the size and what is wrong).
 * d->drive is left 0 for the caller to set. */
int disk_open(struct disk *d, const char *path, bool write_through, char *err, size_t errlen);

/* Forget every written sector of the overlay (a restored snapshot brings
 * its own); the image file is untouched. */
void disk_overlay_clear(struct disk *d);

/* Close the file and free the overlay; d may be closed again. */
void disk_close(struct disk *d);

/* Fill geom with the floppy geometry of an image of that many sectors and
 * return its floppy type (1-5), or return 0 (not a floppy size) and fill
 * the hard-disk translation. */
uint8_t disk_geometry(uint64_t sectors, struct chs *geom);

/* Read count sectors from lba into buf (count * 512 bytes).  Returns 0,
 * -ERANGE (nothing read) if the range leaves the image, or -EIO/-errno if
 * the host read failed. */
int disk_read(struct disk *d, uint64_t lba, uint32_t count, uint8_t *buf);

/* Write count sectors from buf at lba, to the overlay or the file.
 * Returns 0, -ERANGE (nothing written) if the range leaves the image,
 * -ENOSPC if the overlay is full, or -errno if the host write failed. */
int disk_write(struct disk *d, uint64_t lba, uint32_t count, const uint8_t *buf);

/* The LBA of the CHS address at under d's geometry: 0, or -EINVAL if the
 * sector is 0 or past the track, or the head or cylinder out of range. */
int disk_chs_to_lba(const struct disk *d, struct chs at, uint64_t *lba);

/* The CHS address of lba under d's geometry: 0, or -ERANGE if lba lies
 * past the last CHS-reachable cylinder. */
int disk_lba_to_chs(const struct disk *d, uint64_t lba, struct chs *at);

#endif
