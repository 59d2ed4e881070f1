/* Disk images (src/bios/disk.c) and the int 13h services over them
 * (src/bios/int13.c), on small temporary image files and a RAM array:
 * no KVM, no CPU.  Every sector of a test image holds a pattern made from
 * its LBA, so a read shows which sectors arrived where. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bios/disk.h"
#include "bios/int13.h"
#include "tests/unit/check.h"

#define SECTOR   DISK_SECTOR_SIZE
#define KIB      1024ull
#define MIB      (1024 * KIB)
#define RAM_SIZE 0x100000u /* 1 MiB: real-mode pointers above it reach no RAM */
#define GUARD    0x2000u
#define DPT_SEG  0xF000
#define DPT_OFF  0xEFC7
#define HD_SIZE  (300 * MIB) /* sparse: 609 cylinders, so CL's top bits matter */

/* ---- images ------------------------------------------------------------ */

static uint8_t pattern_byte(uint64_t lba, uint32_t i)
{
	if (i < 8)
		return (uint8_t)(lba >> (8 * i));
	return (uint8_t)(lba * 31 + i);
}

static void fill_sector(uint8_t *buf, uint64_t lba)
{
	for (uint32_t i = 0; i < SECTOR; i++)
		buf[i] = pattern_byte(lba, i);
}

static bool is_sector(const uint8_t *buf, uint64_t lba)
{
	for (uint32_t i = 0; i < SECTOR; i++)
		if (buf[i] != pattern_byte(lba, i))
			return false;
	return true;
}

static bool all_bytes(const uint8_t *buf, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != v)
			return false;
	return true;
}

#define MAX_IMAGES 32
static char image_paths[MAX_IMAGES][64];
static int n_images;

/* A temporary image of size bytes whose first patterned bytes (whole
 * sectors) hold the pattern; the rest is a sparse hole.  Returns its path. */
static const char *make_image(uint64_t size, uint64_t patterned)
{
	char *path = image_paths[n_images++];
	uint8_t buf[SECTOR];

	snprintf(path, sizeof(image_paths[0]), "/tmp/test_disk.XXXXXX");
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, (off_t)size) == 0);
	for (uint64_t lba = 0; lba < patterned / SECTOR; lba++) {
		fill_sector(buf, lba);
		CHECK(pwrite(fd, buf, SECTOR, (off_t)(lba * SECTOR)) == SECTOR);
	}
	close(fd);
	return path;
}

/* Put the pattern of lba into the image at path (for sparse images). */
static void stamp(const char *path, uint64_t lba)
{
	uint8_t buf[SECTOR];
	int fd = open(path, O_WRONLY);

	fill_sector(buf, lba);
	CHECK(pwrite(fd, buf, SECTOR, (off_t)(lba * SECTOR)) == SECTOR);
	close(fd);
}

/* Does the file at path still hold the pattern of lba? */
static bool file_has_sector(const char *path, uint64_t lba)
{
	uint8_t buf[SECTOR];
	int fd = open(path, O_RDONLY);
	bool ok = pread(fd, buf, SECTOR, (off_t)(lba * SECTOR)) == SECTOR && is_sector(buf, lba);
	close(fd);
	return ok;
}

static void open_ok(struct disk *d, const char *path, bool write_through, uint8_t drive)
{
	char err[256] = "";
	CHECK(disk_open(d, path, write_through, err, sizeof(err)) == 0);
	if (err[0])
		fprintf(stderr, "%s\n", err);
	d->drive = drive;
}

/* ---- geometry and CHS arithmetic ----------------------------------------- */

static void test_geometry(void)
{
	static const struct {
		uint64_t bytes;
		uint8_t type;
		struct chs g;
	} floppies[] = {
	    {360 * KIB, 1, {40, 2, 9}},   {1200 * KIB, 2, {80, 2, 15}}, {720 * KIB, 3, {80, 2, 9}},
	    {1440 * KIB, 4, {80, 2, 18}}, {2880 * KIB, 5, {80, 2, 36}},
	};
	for (size_t i = 0; i < sizeof(floppies) / sizeof(floppies[0]); i++) {
		struct disk d;
		open_ok(&d, make_image(floppies[i].bytes, 0), false, 0);
		CHECK(d.is_floppy);
		CHECK(d.floppy_type == floppies[i].type);
		CHECK(d.sectors == floppies[i].bytes / SECTOR);
		CHECK(d.geom.cylinder == floppies[i].g.cylinder);
		CHECK(d.geom.head == floppies[i].g.head);
		CHECK(d.geom.sector == floppies[i].g.sector);
		disk_close(&d);
	}
	static const struct {
		uint64_t bytes;
		uint32_t cylinders;
	} disks[] = {
	    {512, 1}, /* a lone boot sector: less than a cylinder */
	    {1008 * 512 - 512, 1},
	    {1008 * 512, 1},
	    {2 * MIB, 4},
	    {1440 * KIB + 512, 2}, /* near a floppy size is a disk */
	    {504 * MIB, 1024},
	    {8 * 1024 * MIB, 1024}, /* CHS stops at 1024 */
	};
	for (size_t i = 0; i < sizeof(disks) / sizeof(disks[0]); i++) {
		struct chs g;
		CHECK(disk_geometry(disks[i].bytes / SECTOR, &g) == 0);
		CHECK(g.cylinder == disks[i].cylinders);
		CHECK(g.head == 16 && g.sector == 63);
	}
	struct disk d;
	open_ok(&d, make_image(HD_SIZE, 0), false, 0x80);
	CHECK(!d.is_floppy && d.floppy_type == 0);
	CHECK(d.sectors == HD_SIZE / SECTOR);
	CHECK(d.geom.cylinder == 609 && d.geom.head == 16 && d.geom.sector == 63);
	disk_close(&d);
}

static bool chs_is(const struct disk *d, uint64_t lba, uint32_t c, uint32_t h, uint32_t s)
{
	struct chs at = {0, 0, 0};
	return disk_lba_to_chs(d, lba, &at) == 0 && at.cylinder == c && at.head == h &&
	       at.sector == s;
}

static bool lba_is(const struct disk *d, uint32_t c, uint32_t h, uint32_t s, uint64_t want)
{
	uint64_t lba = ~0ull;
	return disk_chs_to_lba(d, (struct chs){c, h, s}, &lba) == 0 && lba == want;
}

static bool chs_invalid(const struct disk *d, uint32_t c, uint32_t h, uint32_t s)
{
	uint64_t lba = 12345;
	return disk_chs_to_lba(d, (struct chs){c, h, s}, &lba) == -EINVAL && lba == 12345;
}

static void test_chs(void)
{
	struct disk fd, hd;
	struct chs at;

	open_ok(&fd, make_image(1440 * KIB, 0), false, 0);
	CHECK(lba_is(&fd, 0, 0, 1, 0));
	CHECK(lba_is(&fd, 0, 0, 18, 17));
	CHECK(lba_is(&fd, 0, 1, 1, 18));
	CHECK(lba_is(&fd, 1, 0, 1, 36));
	CHECK(lba_is(&fd, 79, 1, 18, 2879));
	CHECK(chs_invalid(&fd, 0, 0, 0));
	CHECK(chs_invalid(&fd, 0, 0, 19));
	CHECK(chs_invalid(&fd, 0, 2, 1));
	CHECK(chs_invalid(&fd, 80, 0, 1));
	CHECK(chs_is(&fd, 0, 0, 0, 1));
	CHECK(chs_is(&fd, 17, 0, 0, 18));
	CHECK(chs_is(&fd, 18, 0, 1, 1));
	CHECK(chs_is(&fd, 36, 1, 0, 1));
	CHECK(chs_is(&fd, 2879, 79, 1, 18));
	CHECK(disk_lba_to_chs(&fd, 2880, &at) == -ERANGE);
	CHECK(disk_lba_to_chs(&fd, ~0ull, &at) == -ERANGE);
	bool round_trip = true;
	for (uint64_t lba = 0; lba < fd.sectors; lba++) {
		uint64_t back = ~0ull;
		round_trip &= disk_lba_to_chs(&fd, lba, &at) == 0 &&
		              disk_chs_to_lba(&fd, at, &back) == 0 && back == lba;
	}
	CHECK(round_trip);
	disk_close(&fd);

	open_ok(&hd, make_image(HD_SIZE, 0), false, 0x80);
	CHECK(lba_is(&hd, 0, 0, 63, 62));
	CHECK(lba_is(&hd, 0, 1, 1, 63));
	CHECK(lba_is(&hd, 1, 0, 1, 1008));
	CHECK(lba_is(&hd, 608, 15, 63, 609 * 1008 - 1));
	CHECK(chs_invalid(&hd, 0, 16, 1));
	CHECK(chs_invalid(&hd, 0, 0, 64));
	CHECK(chs_invalid(&hd, 609, 0, 1));
	CHECK(chs_is(&hd, 609 * 1008 - 1, 608, 15, 63));
	/* past the CHS cylinders but inside the disk: LBA only */
	CHECK(disk_lba_to_chs(&hd, 609 * 1008, &at) == -ERANGE);
	disk_close(&hd);
}

/* ---- opening, reading and writing ---------------------------------------- */

static bool open_fails(const char *path, bool write_through, const char *want)
{
	struct disk d;
	char err[256] = "";
	int rc = disk_open(&d, path, write_through, err, sizeof(err));
	bool ok = rc == -1 && strstr(err, want) && strstr(err, path) && d.fd == -1;
	if (!ok)
		fprintf(stderr, "disk_open(%s) = %d '%s', wanted '%s'\n", path, rc, err, want);
	return ok;
}

static void test_open_errors(void)
{
	CHECK(open_fails("/nonexistent/disk.img", false, "No such file or directory"));
	CHECK(open_fails("/nonexistent/disk.img", true, "for writing"));
	CHECK(open_fails(make_image(0, 0), false, "is empty (0 bytes)"));
	CHECK(open_fails(make_image(100, 0), false,
	                 "is 100 bytes: smaller than one 512-byte sector"));
	CHECK(open_fails(make_image(513, 0), false,
	                 "is 513 bytes: not a whole number of 512-byte sectors"));
	CHECK(open_fails(make_image(1440 * KIB - 1, 0), false, "1474559 bytes"));
	CHECK(open_fails("/tmp", false, "not a regular file"));
	/* 2 TiB is the cap: one sector more is refused (sparse files) */
	uint64_t cap = DISK_MAX_SECTORS * SECTOR;
	CHECK(open_fails(make_image(cap + SECTOR, 0), false, "over the 2 TiB limit"));
	struct disk d;
	open_ok(&d, make_image(cap, 0), false, 0x80);
	CHECK(d.sectors == DISK_MAX_SECTORS && d.geom.cylinder == 1024);
	disk_close(&d);
	disk_close(&d); /* twice is harmless */
}

static void test_overlay(void)
{
	const char *path = make_image(1440 * KIB, 1440 * KIB);
	static uint8_t buf[300 * SECTOR];
	struct disk d;

	open_ok(&d, path, false, 0);
	CHECK(disk_read(&d, 0, 3, buf) == 0);
	CHECK(is_sector(buf, 0) && is_sector(buf + SECTOR, 1) && is_sector(buf + 2 * SECTOR, 2));
	/* sector 5 gets sector 1000's pattern, and 200 more go to the overlay */
	fill_sector(buf, 1000);
	CHECK(disk_write(&d, 5, 1, buf) == 0);
	for (uint64_t lba = 2000; lba < 2200; lba++) {
		fill_sector(buf, lba ^ 1);
		CHECK(disk_write(&d, lba, 1, buf) == 0);
	}
	CHECK(d.overlay.used == 201);
	CHECK(disk_read(&d, 4, 3, buf) == 0);
	CHECK(is_sector(buf, 4) && is_sector(buf + SECTOR, 1000) && is_sector(buf + 2 * SECTOR, 6));
	CHECK(disk_read(&d, 1999, 202, buf) == 0);
	bool mixed = is_sector(buf, 1999) && is_sector(buf + 201 * SECTOR, 2200);
	for (uint64_t i = 1; i <= 200; i++)
		mixed &= is_sector(buf + i * SECTOR, (1999 + i) ^ 1);
	CHECK(mixed);
	/* the file never changed */
	CHECK(file_has_sector(path, 5) && file_has_sector(path, 2000));
	/* out of range: nothing read or written */
	memset(buf, 0xAB, 2 * SECTOR);
	CHECK(disk_read(&d, 2879, 2, buf) == -ERANGE);
	CHECK(all_bytes(buf, 2 * SECTOR, 0xAB));
	CHECK(disk_read(&d, ~0ull, 1, buf) == -ERANGE);
	CHECK(disk_read(&d, 2880, 0, buf) == 0);
	CHECK(disk_write(&d, 2879, 2, buf) == -ERANGE);
	CHECK(disk_write(&d, ~0ull - 1, 4, buf) == -ERANGE);
	CHECK(d.overlay.used == 201);
	disk_close(&d);
	/* a new open starts from the file again */
	open_ok(&d, path, false, 0);
	CHECK(disk_read(&d, 5, 1, buf) == 0 && is_sector(buf, 5));
	disk_close(&d);
}

static void test_write_through(void)
{
	const char *path = make_image(64 * KIB, 64 * KIB);
	uint8_t buf[2 * SECTOR];
	struct disk d;

	open_ok(&d, path, true, 0x80);
	fill_sector(buf, 77);
	fill_sector(buf + SECTOR, 78);
	CHECK(disk_write(&d, 10, 2, buf) == 0);
	CHECK(d.overlay.used == 0);
	CHECK(file_has_sector(path, 9) && !file_has_sector(path, 10));
	int fd = open(path, O_RDONLY);
	uint8_t got[2 * SECTOR];
	CHECK(pread(fd, got, sizeof(got), 10 * SECTOR) == (ssize_t)sizeof(got));
	CHECK(is_sector(got, 77) && is_sector(got + SECTOR, 78));
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 64 * KIB);
	close(fd);
	CHECK(disk_write(&d, 127, 2, buf) == -ERANGE);
	CHECK(stat(path, &st) == 0 && st.st_size == 64 * KIB);
	disk_close(&d);
}

/* ---- int 13h ----------------------------------------------------------- */

static uint8_t ram[RAM_SIZE + GUARD];
static struct int13 svc;
static struct disk floppy, hard;
static const char *floppy_path, *hard_path;

static struct bios_ram ram_whole = {ram, RAM_SIZE};
static struct bios_mem ram_mem;

/* Fresh RAM (0xCC everywhere, guard included, but a zeroed BDA) and the service with the
 * 1.44M floppy as drive 0 and the 300 MiB disk as 0x80, both overlays. */
static void rig_up(void)
{
	memset(ram, 0xCC, sizeof(ram));
	memset(ram + 0x400, 0, 0x100); /* the BDA, as POST leaves it */
	int13_init(&svc, &ram_mem, DPT_SEG, DPT_OFF);
	open_ok(&floppy, floppy_path, false, 0x00);
	open_ok(&hard, hard_path, false, 0x80);
	CHECK(int13_attach(&svc, &floppy) == 0);
	CHECK(int13_attach(&svc, &hard) == 0);
}

static void rig_down(void)
{
	CHECK(all_bytes(ram + RAM_SIZE, GUARD, 0xCC));
	disk_close(&floppy);
	disk_close(&hard);
}

struct call {
	uint16_t ax, bx, cx, dx, es, si, ds;
};

static struct bios_regs int13(struct call c)
{
	struct bios_regs r = {.eax = 0xDEAD0000u | c.ax,
	                      .ebx = 0xBEEF0000u | c.bx,
	                      .ecx = c.cx,
	                      .edx = c.dx,
	                      .esi = c.si,
	                      .edi = 0x12340000,
	                      .es = c.es,
	                      .ds = c.ds,
	                      .flags = 0x202};
	int13_call(&svc, &r);
	CHECK((r.eax >> 16) == 0xDEAD && (r.ebx >> 16) == 0xBEEF); /* upper halves kept */
	CHECK((r.flags & ~BIOS_FLAG_CF) == 0x202);
	return r;
}

#define AH(r) bios_hi((r).eax)
#define AL(r) bios_lo((r).eax)
#define CF(r) bios_cf(&(r))

static bool ok(struct bios_regs r)
{
	return AH(r) == 0 && !CF(r);
}

static bool failed(struct bios_regs r, uint8_t status)
{
	return AH(r) == status && CF(r);
}

/* CX for AH=02-04: cylinder (10 bits) and sector. */
static uint16_t chs_cx(uint32_t cyl, uint32_t sector)
{
	return (uint16_t)((cyl & 0xFF) << 8 | (cyl >> 2 & 0xC0) | sector);
}

static bool ram_has(uint32_t addr, uint64_t first_lba, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!is_sector(ram + addr + i * SECTOR, first_lba + i))
			return false;
	return true;
}

static void test_chs_read(void)
{
	rig_up();
	/* 1.44M: C0 H0 S17, 4 sectors: 17, 18 of head 0, then 1, 2 of head 1 */
	struct bios_regs r = int13(
	    (struct call){.ax = 0x0204, .cx = chs_cx(0, 17), .dx = 0x0000, .es = 0x1000, .bx = 0});
	CHECK(ok(r) && AL(r) == 4);
	CHECK(ram_has(0x10000, 16, 4));
	CHECK(all_bytes(ram + 0x10000 + 4 * SECTOR, 16, 0xCC));
	/* C0 H1 S18, 2 sectors: across the cylinder boundary */
	r = int13((struct call){.ax = 0x0202, .cx = chs_cx(0, 18), .dx = 0x0100, .es = 0x2000});
	CHECK(ok(r) && AL(r) == 2 && ram_has(0x20000, 35, 2));
	/* a hard disk cylinder above 255: CL's top bits */
	stamp(hard_path, 600 * 1008);
	stamp(hard_path, 601 * 1008 - 1);
	stamp(hard_path, 601 * 1008);
	r = int13((struct call){.ax = 0x0201, .cx = chs_cx(600, 1), .dx = 0x0080, .es = 0x3000});
	CHECK(ok(r) && AL(r) == 1 && ram_has(0x30000, 600 * 1008, 1));
	r = int13((struct call){.ax = 0x0202, .cx = chs_cx(600, 63), .dx = 0x0F80, .es = 0x3000});
	CHECK(ok(r) && AL(r) == 2 && ram_has(0x30000, 601 * 1008 - 1, 2));
	/* 128 sectors, a full 64 KiB, on the disk: no DMA limit */
	r = int13((struct call){.ax = 0x0280, .cx = chs_cx(0, 1), .dx = 0x0080, .es = 0x4000});
	CHECK(ok(r) && AL(r) == 128 && ram_has(0x40000, 0, 128));
	/* verify touches no memory */
	memset(ram + 0x50000, 0xCC, SECTOR);
	r = int13((struct call){.ax = 0x0403, .cx = chs_cx(0, 1), .dx = 0x0000, .es = 0x5000});
	CHECK(ok(r) && AL(r) == 3 && all_bytes(ram + 0x50000, SECTOR, 0xCC));
	rig_down();
}

static void test_chs_write(void)
{
	rig_up();
	fill_sector(ram + 0x8000, 4242);
	fill_sector(ram + 0x8000 + SECTOR, 4243);
	struct bios_regs r =
	    int13((struct call){.ax = 0x0302, .cx = chs_cx(1, 18), .dx = 0x0000, .es = 0x0800});
	CHECK(ok(r) && AL(r) == 2);
	uint8_t buf[3 * SECTOR];
	CHECK(disk_read(&floppy, 53, 3, buf) == 0);
	CHECK(is_sector(buf, 4242) && is_sector(buf + SECTOR, 4243) &&
	      is_sector(buf + 2 * SECTOR, 55));
	CHECK(file_has_sector(floppy_path, 53) && file_has_sector(floppy_path, 54));
	/* format C2 H1: 18 sectors of 0xF6 */
	r = int13((struct call){.ax = 0x0512, .cx = 0x0200, .dx = 0x0100, .es = 0x0800});
	CHECK(ok(r));
	static uint8_t track[18 * SECTOR];
	CHECK(disk_read(&floppy, 90, 18, track) == 0);
	CHECK(all_bytes(track, sizeof(track), 0xF6));
	CHECK(disk_read(&floppy, 108, 1, buf) == 0 && is_sector(buf, 108));
	r = int13((struct call){.ax = 0x0513, .cx = 0x0200, .dx = 0x0100});
	CHECK(failed(r, INT13_EPARAM));
	rig_down();

	/* write-through reaches the file */
	const char *path = make_image(2 * MIB, 2 * MIB);
	struct disk wt;
	memset(ram, 0xCC, sizeof(ram));
	int13_init(&svc, &ram_mem, DPT_SEG, DPT_OFF);
	open_ok(&wt, path, true, 0x80);
	CHECK(int13_attach(&svc, &wt) == 0);
	fill_sector(ram + 0x9000, 31337);
	r = int13((struct call){.ax = 0x0301, .cx = chs_cx(1, 1), .dx = 0x0080, .es = 0x0900});
	CHECK(ok(r) && AL(r) == 1);
	CHECK(file_has_sector(path, 1000) && !file_has_sector(path, 1008));
	int fd = open(path, O_RDONLY);
	CHECK(pread(fd, buf, SECTOR, 1008 * SECTOR) == SECTOR && is_sector(buf, 31337));
	close(fd);
	disk_close(&wt);
}

static void test_params(void)
{
	static const struct {
		uint64_t bytes;
		uint8_t type, ch, cl, dh;
	} floppies[] = {
	    {360 * KIB, 1, 39, 9, 1},   {1200 * KIB, 2, 79, 15, 1}, {720 * KIB, 3, 79, 9, 1},
	    {1440 * KIB, 4, 79, 18, 1}, {2880 * KIB, 5, 79, 36, 1},
	};
	for (size_t i = 0; i < sizeof(floppies) / sizeof(floppies[0]); i++) {
		struct disk d;
		int13_init(&svc, &ram_mem, DPT_SEG, DPT_OFF);
		open_ok(&d, make_image(floppies[i].bytes, 0), false, 0x00);
		CHECK(int13_attach(&svc, &d) == 0);
		struct bios_regs r = int13((struct call){.ax = 0x0800, .dx = 0x0000});
		CHECK(ok(r) && AL(r) == 0);
		CHECK(bios_x(r.ebx) == floppies[i].type);
		CHECK(bios_hi(r.ecx) == floppies[i].ch && bios_lo(r.ecx) == floppies[i].cl);
		CHECK(bios_hi(r.edx) == floppies[i].dh && bios_lo(r.edx) == 1);
		CHECK(r.es == DPT_SEG && r.edi == (0x12340000u | DPT_OFF));
		disk_close(&d);
	}
	rig_up();
	struct bios_regs r = int13((struct call){.ax = 0x0800, .dx = 0x0080, .es = 0x1111});
	/* 609 cylinders, the last kept back: max 607 = 0x25F */
	CHECK(ok(r) && bios_hi(r.ecx) == 0x5F && bios_lo(r.ecx) == (0x80 | 63));
	CHECK(bios_hi(r.edx) == 15 && bios_lo(r.edx) == 1);
	CHECK(r.es == 0x1111 && r.edi == 0x12340000u); /* untouched for disks */
	/* a second floppy makes DL=2 */
	struct disk b;
	open_ok(&b, make_image(720 * KIB, 0), false, 0x01);
	CHECK(int13_attach(&svc, &b) == 0);
	r = int13((struct call){.ax = 0x0800, .dx = 0x0001});
	CHECK(ok(r) && bios_lo(r.edx) == 2 && bios_x(r.ebx) == 3);
	CHECK(int13_attach(&svc, &b) == -1); /* taken */
	b.drive = 0x82;
	CHECK(int13_attach(&svc, &b) == -1); /* no such slot */
	disk_close(&b);
	svc.floppy[1] = NULL;
	r = int13((struct call){.ax = 0x0800, .dx = 0x0081});
	CHECK(failed(r, INT13_EPARAM));
	rig_down();
}

static void test_type_and_change_line(void)
{
	rig_up();
	struct bios_regs r = int13((struct call){.ax = 0x1500, .dx = 0x0000});
	CHECK(AH(r) == 2 && !CF(r));
	r = int13((struct call){.ax = 0x1500, .dx = 0x0080});
	/* (609 - 1) * 16 * 63 = 612864 = 0x9_5A00 */
	CHECK(AH(r) == 3 && !CF(r) && bios_x(r.ecx) == 0x0009 && bios_x(r.edx) == 0x5A00);
	r = int13((struct call){.ax = 0x1500, .dx = 0x0001});
	CHECK(AH(r) == 0 && !CF(r));
	r = int13((struct call){.ax = 0x1500, .dx = 0x0081});
	CHECK(AH(r) == 0 && !CF(r));

	r = int13((struct call){.ax = 0x1600, .dx = 0x0000});
	CHECK(ok(r));
	floppy.media_changed = true;
	r = int13((struct call){.ax = 0x1600, .dx = 0x0000});
	CHECK(failed(r, INT13_ECHANGED));
	r = int13((struct call){.ax = 0x1600, .dx = 0x0000});
	CHECK(ok(r));
	r = int13((struct call){.ax = 0x1600, .dx = 0x0080});
	CHECK(failed(r, INT13_EPARAM));
	r = int13((struct call){.ax = 0x0000, .dx = 0x0080});
	CHECK(ok(r));
	rig_down();
}

static void put_dap(uint32_t addr, uint8_t size, uint16_t count, uint16_t seg, uint16_t off,
                    uint64_t lba)
{
	uint8_t *p = ram + addr;
	p[0] = size;
	p[1] = 0;
	memcpy(p + 2, &count, 2);
	memcpy(p + 4, &off, 2);
	memcpy(p + 6, &seg, 2);
	memcpy(p + 8, &lba, 8);
}

static uint16_t dap_count(uint32_t addr)
{
	uint16_t v;
	memcpy(&v, ram + addr + 2, 2);
	return v;
}

#define DAP 0x600u

static struct bios_regs ext(uint8_t ah, uint8_t dl)
{
	return int13((struct call){.ax = (uint16_t)(ah << 8), .dx = dl, .ds = 0, .si = DAP});
}

static void test_edd(void)
{
	rig_up();
	struct bios_regs r = int13((struct call){.ax = 0x4100, .bx = 0x55AA, .dx = 0x0080});
	CHECK(AH(r) == 0x30 && !CF(r) && bios_x(r.ebx) == 0xAA55 && bios_x(r.ecx) == 0x0007);
	r = int13((struct call){.ax = 0x4100, .bx = 0x55AA, .dx = 0x0000});
	CHECK(failed(r, INT13_EPARAM) && bios_x(r.ebx) == 0x55AA);
	r = int13((struct call){.ax = 0x4100, .bx = 0x55AA, .dx = 0x0081});
	CHECK(failed(r, INT13_EPARAM));

	/* extended read: 3 sectors from 600 * 1008 + 5 (stamped) */
	uint64_t lba = 600 * 1008 + 5;
	for (int i = 0; i < 3; i++)
		stamp(hard_path, lba + i);
	put_dap(DAP, 0x10, 3, 0x2000, 0x0010, lba);
	r = ext(0x42, 0x80);
	CHECK(ok(r) && dap_count(DAP) == 3 && ram_has(0x20010, lba, 3));
	/* 64-bit flat buffer address */
	put_dap(DAP, 0x18, 1, 0xFFFF, 0xFFFF, 7);
	uint64_t flat = 0x31000;
	memcpy(ram + DAP + 16, &flat, 8);
	r = ext(0x42, 0x80);
	CHECK(ok(r) && ram_has(0x31000, 7, 1));
	/* ...ignored in a 16-byte DAP: FFFF:FFFF is then 0x10FFEF, not RAM */
	put_dap(DAP, 0x10, 1, 0xFFFF, 0xFFFF, 7);
	r = ext(0x42, 0x80);
	CHECK(failed(r, INT13_EPARAM) && dap_count(DAP) == 0);

	/* extended write, then read back; the file keeps its sector */
	fill_sector(ram + 0x40000, 999999);
	put_dap(DAP, 0x10, 1, 0x4000, 0, 12);
	r = ext(0x43, 0x80);
	CHECK(ok(r) && dap_count(DAP) == 1);
	put_dap(DAP, 0x10, 2, 0x5000, 0, 11);
	r = ext(0x42, 0x80);
	CHECK(ok(r) && ram_has(0x50000, 11, 1) && ram_has(0x50200, 999999, 1));
	CHECK(file_has_sector(hard_path, 12));
	put_dap(DAP, 0x10, 2, 0x5000, 0, 11);
	r = ext(0x44, 0x80);
	CHECK(ok(r) && dap_count(DAP) == 2);
	r = ext(0x47, 0x80);
	CHECK(ok(r));
	/* count 0 does nothing, successfully */
	put_dap(DAP, 0x10, 0, 0x6000, 0, 1);
	memset(ram + 0x60000, 0xCC, SECTOR);
	r = ext(0x42, 0x80);
	CHECK(ok(r) && all_bytes(ram + 0x60000, SECTOR, 0xCC));
	/* floppies have no extensions */
	put_dap(DAP, 0x10, 1, 0x6000, 0, 1);
	r = ext(0x42, 0x00);
	CHECK(failed(r, INT13_EPARAM) && all_bytes(ram + 0x60000, SECTOR, 0xCC));

	/* AH=48 */
	memset(ram + 0x700, 0xCC, 64);
	uint16_t size = 0x1A;
	memcpy(ram + 0x700, &size, 2);
	r = int13((struct call){.ax = 0x4800, .dx = 0x0080, .ds = 0x0070, .si = 0});
	CHECK(ok(r));
	uint8_t want[26] = {0x1A, 0, 2, 0,    0x61, 0x02, 0, 0, 16, 0, 0, 0,    63,
	                    0,    0, 0, 0x00, 0x60, 0x09, 0, 0, 0,  0, 0, 0x00, 0x02};
	/* 609 cylinders = 0x261; 614400 sectors = 0x96000 */
	CHECK(memcmp(ram + 0x700, want, sizeof(want)) == 0);
	CHECK(all_bytes(ram + 0x700 + 26, 38, 0xCC));
	size = 0x42;
	memcpy(ram + 0x700, &size, 2);
	r = int13((struct call){.ax = 0x4800, .dx = 0x0080, .ds = 0x0070, .si = 0});
	CHECK(ok(r) && ram[0x700] == 0x1E && all_bytes(ram + 0x700 + 26, 4, 0xFF));
	CHECK(all_bytes(ram + 0x700 + 30, 34, 0xCC));
	size = 0x19;
	memset(ram + 0x700, 0xCC, 64);
	memcpy(ram + 0x700, &size, 2);
	r = int13((struct call){.ax = 0x4800, .dx = 0x0080, .ds = 0x0070, .si = 0});
	CHECK(failed(r, INT13_EPARAM) && ram[0x702] == 0xCC);
	/* a result buffer running off the end of RAM */
	size = 0x1A;
	memcpy(ram + RAM_SIZE - 16, &size, 2);
	r = int13((struct call){.ax = 0x4800, .dx = 0x0080, .ds = 0xFFFF, .si = 0});
	CHECK(failed(r, INT13_EPARAM) && all_bytes(ram + RAM_SIZE - 14, 14, 0xCC));
	r = int13((struct call){.ax = 0x4800, .dx = 0x0000, .ds = 0x0070, .si = 0});
	CHECK(failed(r, INT13_EPARAM));

	/* the removable-media functions a fixed disk answers */
	CHECK(ok(int13((struct call){.ax = 0x4500, .dx = 0x0080})));
	CHECK(failed(int13((struct call){.ax = 0x4600, .dx = 0x0080}), INT13_ENOTREMOVABLE));
	CHECK(ok(int13((struct call){.ax = 0x4900, .dx = 0x0080})));
	CHECK(ok(int13((struct call){.ax = 0x4E01, .dx = 0x0080})));
	CHECK(failed(int13((struct call){.ax = 0x4E02, .dx = 0x0080}), INT13_EPARAM));
	rig_down();
}

static uint8_t bda(uint32_t addr)
{
	return ram[addr];
}

static void test_errors(void)
{
	rig_up();
	/* past the end of the floppy: C79 H1 S17, 4 sectors -> 2 moved */
	memset(ram + 0x10000, 0xCC, 4 * SECTOR);
	struct bios_regs r =
	    int13((struct call){.ax = 0x0204, .cx = chs_cx(79, 17), .dx = 0x0100, .es = 0x1000});
	CHECK(failed(r, INT13_ENOTFOUND) && AL(r) == 2);
	CHECK(ram_has(0x10000, 2878, 2) && all_bytes(ram + 0x10400, 2 * SECTOR, 0xCC));
	CHECK(bda(BDA_FLOPPY_LAST_STATUS) == INT13_ENOTFOUND);
	/* AH=01 reports it, per kind of drive */
	r = int13((struct call){.ax = 0x0100, .dx = 0x0000});
	CHECK(failed(r, INT13_ENOTFOUND));
	r = int13((struct call){.ax = 0x0100, .dx = 0x0000});
	CHECK(failed(r, INT13_ENOTFOUND)); /* AH=01 does not clear it */
	r = int13((struct call){.ax = 0x0100, .dx = 0x0080});
	CHECK(ok(r));
	/* the same past the end on a write: the floppy's last sectors only */
	r = int13((struct call){.ax = 0x0303, .cx = chs_cx(79, 17), .dx = 0x0100, .es = 0x2000});
	CHECK(failed(r, INT13_ENOTFOUND) && AL(r) == 2);
	r = int13((struct call){.ax = 0x0403, .cx = chs_cx(79, 18), .dx = 0x0100});
	CHECK(failed(r, INT13_ENOTFOUND) && AL(r) == 1);
	/* past the end of the disk by DAP: lba = last, 3 asked, 1 moved */
	put_dap(DAP, 0x10, 3, 0x3000, 0, hard.sectors - 1);
	stamp(hard_path, hard.sectors - 1);
	memset(ram + 0x30000, 0xCC, 3 * SECTOR);
	r = ext(0x42, 0x80);
	CHECK(failed(r, INT13_ENOTFOUND) && dap_count(DAP) == 1);
	CHECK(ram_has(0x30000, hard.sectors - 1, 1) && all_bytes(ram + 0x30200, 2 * SECTOR, 0xCC));
	CHECK(bda(BDA_DISK_LAST_STATUS) == INT13_ENOTFOUND);
	r = int13((struct call){.ax = 0x0100, .dx = 0x0080});
	CHECK(failed(r, INT13_ENOTFOUND));
	put_dap(DAP, 0x10, 1, 0x3000, 0, hard.sectors);
	CHECK(failed(ext(0x42, 0x80), INT13_EPARAM));
	put_dap(DAP, 0x10, 1, 0x3000, 0, ~0ull);
	CHECK(failed(ext(0x43, 0x80), INT13_EPARAM));
	r = int13((struct call){.ax = 0x0000, .dx = 0x0080});
	CHECK(ok(r) && ok(int13((struct call){.ax = 0x0100, .dx = 0x0080})));

	/* counts: CHS 0 and 129 are invalid; DAP over 128 is a boundary error */
	r = int13((struct call){.ax = 0x0200, .cx = chs_cx(0, 1), .dx = 0x0000, .es = 0x1000});
	CHECK(failed(r, INT13_EPARAM) && AL(r) == 0);
	r = int13((struct call){.ax = 0x0281, .cx = chs_cx(0, 1), .dx = 0x0080, .es = 0x1000});
	CHECK(failed(r, INT13_EPARAM) && AL(r) == 0x81);
	r = int13((struct call){.ax = 0x0201, .cx = chs_cx(0, 0), .dx = 0x0000, .es = 0x1000});
	CHECK(failed(r, INT13_EPARAM));
	r = int13((struct call){.ax = 0x0201, .cx = chs_cx(0, 19), .dx = 0x0000, .es = 0x1000});
	CHECK(failed(r, INT13_EPARAM));
	r = int13((struct call){.ax = 0x0201, .cx = chs_cx(0, 1), .dx = 0x0200, .es = 0x1000});
	CHECK(failed(r, INT13_EPARAM));
	r = int13((struct call){.ax = 0x0201, .cx = chs_cx(80, 1), .dx = 0x0000, .es = 0x1000});
	CHECK(failed(r, INT13_EPARAM));
	put_dap(DAP, 0x10, 129, 0x1000, 0, 0);
	memset(ram + 0x10000, 0xCC, SECTOR);
	r = ext(0x42, 0x80);
	CHECK(failed(r, INT13_EBOUNDARY) && dap_count(DAP) == 0 &&
	      all_bytes(ram + 0x10000, SECTOR, 0xCC));
	put_dap(DAP, 0x10, 0xFFFF, 0x1000, 0, 0);
	CHECK(failed(ext(0x42, 0x80), INT13_EBOUNDARY));
	put_dap(DAP, 0x10, 128, 0x1000, 0, 0);
	r = ext(0x42, 0x80);
	CHECK(ok(r) && dap_count(DAP) == 128 && ram_has(0x10000, 0, 128));
	put_dap(DAP, 0x0F, 1, 0x1000, 0, 0);
	CHECK(failed(ext(0x42, 0x80), INT13_EPARAM));

	/* a floppy buffer across a 64 KiB page: the ISA DMA limit */
	memset(ram + 0xFE00, 0xCC, 3 * SECTOR);
	r = int13((struct call){.ax = 0x0202, .cx = chs_cx(0, 1), .dx = 0x0000, .es = 0x0FF0});
	CHECK(failed(r, INT13_EBOUNDARY) && AL(r) == 0 &&
	      all_bytes(ram + 0xFE00, 3 * SECTOR, 0xCC));
	r = int13((struct call){.ax = 0x0201, .cx = chs_cx(0, 1), .dx = 0x0000, .es = 0x0FE0});
	CHECK(ok(r) && ram_has(0xFE00, 0, 1)); /* ends at 0xFFFF exactly */
	r = int13((struct call){.ax = 0x0202, .cx = chs_cx(0, 1), .dx = 0x0080, .es = 0x0FF0});
	CHECK(ok(r) && ram_has(0xFF00, 0, 2)); /* disks do not care */

	/* DAP outside RAM, and straddling its end */
	r = int13((struct call){.ax = 0x4200, .dx = 0x0080, .ds = 0xFFFF, .si = 0xFFF0});
	CHECK(failed(r, INT13_EPARAM));
	memcpy(ram + RAM_SIZE - 8, (uint8_t[8]){0x10, 0, 1, 0, 0, 0, 0, 0x10}, 8);
	r = int13((struct call){.ax = 0x4200, .dx = 0x0080, .ds = 0xFFFF, .si = 0x0008});
	CHECK(failed(r, INT13_EPARAM));

	/* buffers outside RAM: nothing written, at the end of RAM or past it */
	memset(ram + RAM_SIZE - 2 * SECTOR, 0xCC, 2 * SECTOR);
	put_dap(DAP, 0x10, 4, 0xFFFF, 0xFE10, 0); /* 0xFFE00 + 2 KiB */
	r = ext(0x42, 0x80);
	CHECK(failed(r, INT13_EPARAM) && dap_count(DAP) == 0);
	CHECK(all_bytes(ram + RAM_SIZE - 2 * SECTOR, 2 * SECTOR, 0xCC));
	uint64_t flats[] = {0xFFFFFF00ull, 0xFFFFFFFFFFFFFE00ull, RAM_SIZE};
	for (size_t i = 0; i < 3; i++) {
		for (uint8_t ah = 0x42; ah <= 0x43; ah++) {
			put_dap(DAP, 0x18, 1, 0xFFFF, 0xFFFF, 0);
			memcpy(ram + DAP + 16, &flats[i], 8);
			CHECK(failed(ext(ah, 0x80), INT13_EPARAM) && dap_count(DAP) == 0);
		}
	}
	r = int13((struct call){
	    .ax = 0x0201, .cx = chs_cx(0, 1), .dx = 0x0080, .es = 0xFFFF, .bx = 0x0010});
	CHECK(failed(r, INT13_EPARAM) && AL(r) == 0);
	r = int13((struct call){
	    .ax = 0x0201, .cx = chs_cx(0, 1), .dx = 0x0000, .es = 0xFFFF, .bx = 0x0010});
	CHECK(failed(r, INT13_EPARAM) && AL(r) == 0);
	/* a floppy buffer running off the end of RAM at 1 MiB crosses a DMA page first */
	r = int13((struct call){.ax = 0x0202, .cx = chs_cx(0, 1), .dx = 0x0000, .es = 0xFFFF});
	CHECK(failed(r, INT13_EBOUNDARY) && AL(r) == 0);
	CHECK(all_bytes(ram + RAM_SIZE - 2 * SECTOR, 2 * SECTOR, 0xCC));
	/* a write from outside RAM changes nothing on the disk */
	r = int13((struct call){
	    .ax = 0x0302, .cx = chs_cx(0, 1), .dx = 0x0080, .es = 0xFFFF, .bx = 0xFE10});
	CHECK(failed(r, INT13_EPARAM) && AL(r) == 0);
	uint8_t buf[2 * SECTOR];
	CHECK(disk_read(&hard, 0, 2, buf) == 0 && is_sector(buf, 0) && is_sector(buf + SECTOR, 1));
	CHECK(hard.overlay.used == 0);

	/* missing drives */
	r = int13((struct call){.ax = 0x0201, .cx = chs_cx(0, 1), .dx = 0x0081, .es = 0x1000});
	CHECK(failed(r, INT13_EPARAM));
	r = int13((struct call){.ax = 0x0000, .dx = 0x0001});
	CHECK(failed(r, INT13_EPARAM));
	r = int13((struct call){.ax = 0x0100, .dx = 0x0001});
	CHECK(failed(r, INT13_EPARAM));
	r = int13((struct call){.ax = 0x0000, .dx = 0x00E0});
	CHECK(failed(r, INT13_EPARAM) && bda(BDA_DISK_LAST_STATUS) == INT13_EPARAM);
	rig_down();
}

/* An unknown AH fails and is reported on stderr once per value. */
static void test_unsupported(void)
{
	char path[] = "/tmp/test_disk.err.XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(STDERR_FILENO);

	rig_up();
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	struct bios_regs r1 = int13((struct call){.ax = 0x7700, .dx = 0x0080});
	struct bios_regs r2 = int13((struct call){.ax = 0x7700, .dx = 0x0000});
	struct bios_regs r3 = int13((struct call){.ax = 0x0600, .dx = 0x0099});
	struct bios_regs r4 = int13((struct call){.ax = 0x4200, .dx = 0x0000}); /* known */
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	CHECK(failed(r1, INT13_EPARAM) && failed(r2, INT13_EPARAM) && failed(r3, INT13_EPARAM));
	CHECK(failed(r4, INT13_EPARAM));
	char text[512] = "";
	CHECK(pread(fd, text, sizeof(text) - 1, 0) >= 0);
	CHECK(strcmp(text, "kvm-gdbstub: BIOS int 13h AH=77 not supported\n"
	                   "kvm-gdbstub: BIOS int 13h AH=06 not supported\n") == 0);
	close(fd);
	unlink(path);
	rig_down();
}

/* A RAM too small to hold the BDA's status bytes: the status lives on
 * in the struct, and AH=01 reports it from there. */
static struct bios_ram ram_tiny = {ram, 0x400};

static void test_status_without_bda(void)
{
	rig_up();
	svc.mem = bios_mem_over(&ram_tiny);
	struct bios_regs r = int13((struct call){.ax = 0x0201, .cx = 1, .dx = 0x0000, .es = 0x30});
	CHECK(failed(r, INT13_EPARAM)); /* 0x300 + 512 is past the tiny RAM */
	CHECK(ram[BDA_FLOPPY_LAST_STATUS] == 0 && svc.last_status[0] == INT13_EPARAM);
	r = int13((struct call){.ax = 0x0100, .dx = 0x0000});
	CHECK(failed(r, INT13_EPARAM));
	r = int13((struct call){.ax = 0x0201, .cx = 1, .dx = 0x0000, .es = 0x0});
	CHECK(ok(r) && AL(r) == 1 && ram_has(0, 0, 1));
	r = int13((struct call){.ax = 0x0100, .dx = 0x0000});
	CHECK(ok(r));
	rig_down();
}

int main(void)
{
	ram_mem = bios_mem_over(&ram_whole);
	floppy_path = make_image(1440 * KIB, 1440 * KIB);
	hard_path = make_image(HD_SIZE, 2 * MIB);
	test_geometry();
	test_chs();
	test_open_errors();
	test_overlay();
	test_write_through();
	test_chs_read();
	test_chs_write();
	test_params();
	test_type_and_change_line();
	test_edd();
	test_errors();
	test_unsupported();
	test_status_without_bda();
	for (int i = 0; i < n_images; i++)
		unlink(image_paths[i]);
	return check_status("test_disk");
}
