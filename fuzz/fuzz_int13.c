/* libFuzzer target: sequences of BIOS int 13h calls (src/bios/int13.c)
 * against small disks and a small RAM.
 *
 * The input is a series of 32-byte records, at most MAX_CALLS of them:
 *   0-15   AX BX CX DX SI DI ES DS, little-endian; DL's low 3 bits pick
 *          the drive from drive_numbers[] (DH and the rest of DX as given)
 *   16-31  bytes stored at DS:SI before the call, when RAM holds them, so
 *          DAPs and AH=48 buffers are the fuzzer's to shape
 * The drives: 0x00 a 360K floppy and 0x81 a one-sector disk, both with a
 * write overlay, and 0x80 a 64 KiB disk written through to its file; 0x01
 * is missing.  The images are memfd files, reset for every input.
 *
 * Contract checked beyond crashes: RAM is malloc'ed to the byte (ASan sees
 * an access past it); CF is set exactly when AH=01 would report an error;
 * AH=01 on a drive reports the BDA's status byte; AL never exceeds the count
 * asked for; no sector outside a disk is ever written (overlay keys stay
 * below the disk's size, the written-through file keeps its size).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bios/disk.h"
#include "bios/int13.h"

/* The corpus replay.c runs when given no directory. */
const char fuzz_corpus_name[] = "int13";

#define RAM_SIZE  0x40000u /* 256 KiB: much of real mode's reach is not RAM */
#define RECORD    32
#define MAX_CALLS 64
#define FLOPPY_SZ (360u * 1024)
#define DISK_SZ   (64u * 1024)
#define TINY_SZ   512u
#define DPT_SEG   0xF000
#define DPT_OFF   0xEFC7

static const uint8_t drive_numbers[8] = {0x00, 0x80, 0x81, 0x01, 0x00, 0x80, 0x82, 0x7F};

struct image {
	const char *name;
	uint32_t size;
	bool write_through;
	uint8_t drive;
	int memfd;
	struct disk disk;
};

static struct image images[] = {
    {"int13-fd0", FLOPPY_SZ, false, 0x00, -1, {0}},
    {"int13-hd0", DISK_SZ, true, 0x80, -1, {0}},
    {"int13-hd1", TINY_SZ, false, 0x81, -1, {0}},
};
#define N_IMAGES (sizeof(images) / sizeof(images[0]))

static uint8_t *ram;
static struct int13 svc;
static uint8_t noted[sizeof(svc.noted)]; /* say each unsupported AH once per run */

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_int13: %s\n", what);
	abort();
}

/* (Re)write the image's file with a pattern and open it as a disk. */
static void image_up(struct image *im)
{
	static uint8_t content[FLOPPY_SZ];
	char path[64], err[200];
	bool fresh = im->memfd < 0;

	if (fresh) {
		im->memfd = memfd_create(im->name, MFD_CLOEXEC);
		if (im->memfd < 0)
			fail("memfd_create failed");
		for (uint32_t i = 0; i < im->size; i++)
			content[i] = (uint8_t)(i / DISK_SECTOR_SIZE * 7 + i);
	}
	/* only a written-through image can have changed since the last input */
	if ((fresh || im->write_through) &&
	    (ftruncate(im->memfd, 0) < 0 ||
	     pwrite(im->memfd, content, im->size, 0) != (ssize_t)im->size))
		fail("cannot write the image");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", im->memfd);
	if (disk_open(&im->disk, path, im->write_through, err, sizeof(err)) < 0)
		fail(err);
	im->disk.drive = im->drive;
	if (int13_attach(&svc, &im->disk) < 0)
		fail("int13_attach refused a drive");
}

/* No sector outside the disk was written, then close it. */
static void image_down(struct image *im)
{
	const struct disk_overlay *o = &im->disk.overlay;
	struct stat st;

	for (size_t i = 0; i < o->cap; i++)
		if (o->keys[i] && o->keys[i] - 1 >= im->disk.sectors)
			fail("overlay holds a sector past the end of the disk");
	if (o->used > im->disk.sectors)
		fail("overlay holds more sectors than the disk");
	if (fstat(im->memfd, &st) < 0 || st.st_size != im->size)
		fail("image file changed size");
	disk_close(&im->disk);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void load_regs(struct bios_regs *r, const uint8_t *rec)
{
	memset(r, 0, sizeof(*r));
	r->eax = get16(rec);
	r->ebx = get16(rec + 2);
	r->ecx = get16(rec + 4);
	r->edx = (get16(rec + 6) & 0xFF00u) | drive_numbers[rec[6] & 7];
	r->esi = get16(rec + 8);
	r->edi = get16(rec + 10);
	r->es = get16(rec + 12);
	r->ds = get16(rec + 14);
	r->flags = 0x202;
}

/* One call and the checks on its result. */
static void call(const uint8_t *rec)
{
	struct bios_regs r;

	load_regs(&r, rec);
	svc.mem.write(svc.mem.ctx, bios_linear(r.ds, bios_x(r.esi)), rec + 16, RECORD - 16);
	uint8_t ah = bios_hi(r.eax), count = bios_lo(r.eax);
	bool floppy = bios_lo(r.edx) < 0x80;
	bool reports = ah == 0x01 && int13_drive(&svc, bios_lo(r.edx)); /* else AH=01 fails */
	/* AH=01 reads the BDA's byte, which the stores above may have hit */
	uint8_t bda = ram[floppy ? BDA_FLOPPY_LAST_STATUS : BDA_DISK_LAST_STATUS];
	int13_call(&svc, &r);

	if ((r.flags & ~BIOS_FLAG_CF) != 0x202)
		fail("flags other than CF changed");
	uint8_t stored = svc.last_status[!floppy];
	if (!reports && bios_cf(&r) != (stored != 0))
		fail("CF disagrees with the stored status");
	if (reports && (bios_hi(r.eax) != bda || bios_cf(&r) != (bda != 0)))
		fail("AH=01 did not report the last status");
	if (ah >= 0x02 && ah <= 0x04 && bios_lo(r.eax) > count)
		fail("AL says more sectors than were asked for");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ram)
		ram = malloc(RAM_SIZE);
	if (!ram)
		abort();
	memset(ram, 0, RAM_SIZE);
	struct bios_ram whole = {ram, RAM_SIZE};
	struct bios_mem mem = bios_mem_over(&whole);
	int13_init(&svc, &mem, DPT_SEG, DPT_OFF);
	memcpy(svc.noted, noted, sizeof(noted));
	for (size_t i = 0; i < N_IMAGES; i++)
		image_up(&images[i]);

	for (size_t n = 0; n < MAX_CALLS && (n + 1) * RECORD <= size; n++)
		call(data + n * RECORD);

	for (size_t i = 0; i < N_IMAGES; i++)
		image_down(&images[i]);
	memcpy(noted, svc.noted, sizeof(noted));
	return 0;
}
