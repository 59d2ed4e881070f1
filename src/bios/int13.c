/* BIOS int 13h disk services (see int13.h for what each returns and where
 * it departs from SeaBIOS).  One handler per AH, dispatched from a table
 * that also says which kinds of drive take the service. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bios/int13.h"

#define FLOPPY_FILL_BYTE 0xF6 /* what a format writes (SeaBIOS's FDC fill) */
#define CHS_MAX_COUNT    128
#define DAP_MIN_SIZE     0x10
#define DAP_FLAT_SIZE    0x18 /* with the 64-bit flat buffer address */
#define EDD_V1_SIZE      26
#define EDD_V2_SIZE      30
#define EDD_VERSION      0x30
#define EDD_SUPPORT      0x0007 /* 42-44/47/48, 45/46/49, EDD: as SeaBIOS */
#define EDD_GEOM_VALID   0x0002
#define EDD_MAX_CYL      0x3FFF
#define CHANGE_LINE      2 /* AH=15: a floppy drive that reports changes */
#define HARD_DISK        3 /* AH=15: a hard disk */

enum xfer { XFER_READ, XFER_WRITE, XFER_VERIFY, XFER_SEEK };

static bool floppy_dl(const struct bios_regs *r)
{
	return bios_lo(r->edx) < 0x80;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint32_t status_addr(const struct bios_regs *r)
{
	return floppy_dl(r) ? BDA_FLOPPY_LAST_STATUS : BDA_DISK_LAST_STATUS;
}

/* End the call with status: AH and CF, and the last status of DL's kind
 * of drive, in the BDA (when RAM has it) and in s. */
static void finish(struct int13 *s, struct bios_regs *r, uint8_t status)
{
	s->last_status[!floppy_dl(r)] = status;
	s->mem.write(s->mem.ctx, status_addr(r), &status, 1);
	bios_set_hi(&r->eax, status);
	bios_set_cf(r, status != 0);
}

/* The status for a failed disk_read/disk_write; host I/O failures are
 * reported once per disk, since the guest only sees AH=20. */
static uint8_t disk_failure(struct disk *d, int rc)
{
	if (rc == -ERANGE)
		return INT13_ENOTFOUND;
	if (!d->io_error_noted)
		fprintf(stderr, "kvm-gdbstub: disk 0x%02x: %s\n", d->drive,
		        rc == -ENOSPC ? "write overlay full (1 GiB)" : strerror(-rc));
	d->io_error_noted = true;
	return INT13_ECONTROLLER;
}

/* Move n sectors (all inside d) between d and guest memory at gpa. */
static uint8_t move(struct int13 *s, struct disk *d, enum xfer op, uint64_t lba, uint32_t n,
                    uint64_t gpa)
{
	uint32_t len = n * DISK_SECTOR_SIZE;
	int rc;

	if (n == 0 || op == XFER_SEEK)
		return INT13_OK;
	if (op != XFER_VERIFY && gpa > (1ull << 32) - len) /* overflow-safe */
		return INT13_EPARAM;
	if (op == XFER_WRITE) {
		if (s->mem.read(s->mem.ctx, (uint32_t)gpa, s->bounce, len) < 0)
			return INT13_EPARAM;
		rc = disk_write(d, lba, n, s->bounce);
		return rc < 0 ? disk_failure(d, rc) : INT13_OK;
	}
	rc = disk_read(d, lba, n, s->bounce);
	if (rc < 0)
		return disk_failure(d, rc);
	if (op == XFER_READ && s->mem.write(s->mem.ctx, (uint32_t)gpa, s->bounce, len) < 0)
		return INT13_EPARAM;
	return INT13_OK;
}

/* A transfer of count sectors from lba: the sectors that exist are moved,
 * *done says how many.  isa_dma: the floppy DMA's 64 KiB page limit. */
static uint8_t transfer(struct int13 *s, struct disk *d, enum xfer op, uint64_t lba, uint32_t count,
                        uint64_t gpa, bool isa_dma, uint32_t *done)
{
	uint64_t bytes = (uint64_t)count * DISK_SECTOR_SIZE;

	*done = 0;
	if (bytes > INT13_MAX_BYTES)
		return INT13_EBOUNDARY;
	bool moves_data = op == XFER_READ || op == XFER_WRITE;
	if (isa_dma && moves_data && bytes && gpa >> 16 != (gpa + bytes - 1) >> 16)
		return INT13_EBOUNDARY;
	uint64_t left = lba < d->sectors ? d->sectors - lba : 0;
	uint32_t n = left < count ? (uint32_t)left : count;
	uint8_t status = move(s, d, op, lba, n, gpa);
	if (status)
		return status;
	*done = n;
	return n < count ? INT13_ENOTFOUND : INT13_OK;
}

/* ---- CHS services ------------------------------------------------------ */

static void chs_access(struct int13 *s, struct bios_regs *r, struct disk *d, enum xfer op)
{
	uint8_t count = bios_lo(r->eax), cl = bios_lo(r->ecx);
	struct chs at = {bios_hi(r->ecx) | (uint32_t)(cl & 0xC0) << 2, bios_hi(r->edx), cl & 0x3Fu};
	uint64_t lba;
	uint32_t done;

	if (count == 0 || count > CHS_MAX_COUNT || disk_chs_to_lba(d, at, &lba) < 0) {
		finish(s, r, INT13_EPARAM);
		return;
	}
	uint32_t gpa = bios_linear(r->es, bios_x(r->ebx));
	uint8_t status = transfer(s, d, op, lba, count, gpa, floppy_dl(r), &done);
	bios_set_lo(&r->eax, (uint8_t)done);
	finish(s, r, status);
}

/* AH=05: CH cylinder (8 bits, as SeaBIOS), DH head, AL sectors/track. */
static void svc_format(struct int13 *s, struct bios_regs *r, struct disk *d)
{
	uint8_t count = bios_lo(r->eax), cyl = bios_hi(r->ecx), head = bios_hi(r->edx);
	const struct chs *g = &d->geom;

	if (cyl >= g->cylinder || head >= g->head || count == 0 || count > g->sector) {
		finish(s, r, INT13_EPARAM);
		return;
	}
	if (!floppy_dl(r)) { /* an ATA disk formats nothing */
		finish(s, r, INT13_OK);
		return;
	}
	uint64_t lba = ((uint64_t)cyl * g->head + head) * g->sector;
	memset(s->bounce, FLOPPY_FILL_BYTE, (size_t)count * DISK_SECTOR_SIZE);
	int rc = disk_write(d, lba, count, s->bounce);
	finish(s, r, rc < 0 ? disk_failure(d, rc) : INT13_OK);
}

/* ---- extended (EDD) services ------------------------------------------- */

/* The disk address packet at DS:SI. */
struct dap {
	uint16_t count;
	uint64_t buffer; /* linear */
	uint64_t lba;
};

static int read_dap(struct int13 *s, uint32_t addr, struct dap *dap)
{
	uint8_t raw[DAP_FLAT_SIZE];

	if (s->mem.read(s->mem.ctx, addr, raw, DAP_MIN_SIZE) < 0 || raw[0] < DAP_MIN_SIZE)
		return -1;
	uint16_t off = get16(raw + 4), seg = get16(raw + 6);
	dap->count = get16(raw + 2);
	dap->lba = get64(raw + 8);
	dap->buffer = bios_linear(seg, off);
	if (raw[0] >= DAP_FLAT_SIZE && seg == 0xFFFF && off == 0xFFFF) {
		if (s->mem.read(s->mem.ctx, addr + DAP_MIN_SIZE, raw + DAP_MIN_SIZE,
		                DAP_FLAT_SIZE - DAP_MIN_SIZE) < 0)
			return -1;
		dap->buffer = get64(raw + DAP_MIN_SIZE);
	}
	return 0;
}

static void ext_access(struct int13 *s, struct bios_regs *r, struct disk *d, enum xfer op)
{
	uint32_t addr = bios_linear(r->ds, bios_x(r->esi));
	struct dap dap;
	uint32_t done;

	if (read_dap(s, addr, &dap) < 0 || dap.lba >= d->sectors) {
		finish(s, r, INT13_EPARAM);
		return;
	}
	if (dap.count == 0) {
		finish(s, r, INT13_OK);
		return;
	}
	uint8_t status = transfer(s, d, op, dap.lba, dap.count, dap.buffer, false, &done);
	uint8_t moved[2];
	put_le(moved, done, 2);
	s->mem.write(s->mem.ctx, addr + 2, moved, 2); /* the DAP was readable */
	finish(s, r, status);
}

static void svc_edd_check(struct int13 *s, struct bios_regs *r, struct disk *d)
{
	(void)d;
	bios_set_x(&r->ebx, 0xAA55);
	bios_set_x(&r->ecx, EDD_SUPPORT);
	finish(s, r, INT13_OK);
	bios_set_hi(&r->eax, EDD_VERSION);
}

/* AH=48: the result buffer at DS:SI says its size; 26 bytes get the EDD
 * 1.x fields, 30 also a DPTE pointer of FFFF:FFFF (none). */
static void svc_edd_params(struct int13 *s, struct bios_regs *r, struct disk *d)
{
	uint32_t addr = bios_linear(r->ds, bios_x(r->esi));
	uint8_t out[EDD_V2_SIZE];
	uint64_t per_cyl = (uint64_t)d->geom.head * d->geom.sector;
	uint64_t cylinders = d->sectors / per_cyl ? d->sectors / per_cyl : 1;
	uint16_t info = EDD_GEOM_VALID;

	if (s->mem.read(s->mem.ctx, addr, out, 2) < 0 || get16(out) < EDD_V1_SIZE) {
		finish(s, r, INT13_EPARAM);
		return;
	}
	uint32_t len = get16(out) >= EDD_V2_SIZE ? EDD_V2_SIZE : EDD_V1_SIZE;
	if (d->sectors > per_cyl * EDD_MAX_CYL) {
		info = 0; /* too big for a CHS geometry */
		cylinders = EDD_MAX_CYL;
	}
	put_le(out, len, 2);
	put_le(out + 2, info, 2);
	put_le(out + 4, cylinders, 4);
	put_le(out + 8, d->geom.head, 4);
	put_le(out + 12, d->geom.sector, 4);
	put_le(out + 16, d->sectors, 8);
	put_le(out + 24, DISK_SECTOR_SIZE, 2);
	put_le(out + 26, 0xFFFFFFFF, 4);
	bool ok = s->mem.write(s->mem.ctx, addr, out, len) == 0;
	finish(s, r, ok ? INT13_OK : INT13_EPARAM);
}

/* ---- the rest ---------------------------------------------------------- */

static void svc_success(struct int13 *s, struct bios_regs *r, struct disk *d)
{
	(void)d;
	finish(s, r, INT13_OK);
}

static void svc_status(struct int13 *s, struct bios_regs *r, struct disk *d)
{
	uint8_t v = s->last_status[!floppy_dl(r)];

	(void)d;
	s->mem.read(s->mem.ctx, status_addr(r), &v, 1); /* the BDA's byte, if RAM has it */
	bios_set_hi(&r->eax, v);
	bios_set_cf(r, v != 0);
}

static unsigned count_drives(struct disk *const *slots, unsigned n)
{
	unsigned count = 0;
	for (unsigned i = 0; i < n; i++)
		count += slots[i] != NULL;
	return count;
}

/* AH=08: the highest cylinder, head and sector numbers; hard disks keep
 * their last cylinder back (for diagnostics, as SeaBIOS). */
static void svc_params(struct int13 *s, struct bios_regs *r, struct disk *d)
{
	uint32_t max_cyl = d->geom.cylinder - 1;
	unsigned count;

	if (floppy_dl(r)) {
		count = count_drives(s->floppy, INT13_MAX_FLOPPIES);
		bios_set_x(&r->ebx, d->floppy_type);
		r->es = s->dpt_seg;
		bios_set_x(&r->edi, s->dpt_off);
	} else {
		count = count_drives(s->hard, INT13_MAX_HARD_DISKS);
		max_cyl -= max_cyl > 0;
	}
	bios_set_lo(&r->eax, 0);
	bios_set_hi(&r->ecx, (uint8_t)max_cyl);
	bios_set_lo(&r->ecx, (uint8_t)((max_cyl >> 2 & 0xC0) | (d->geom.sector & 0x3F)));
	bios_set_hi(&r->edx, (uint8_t)(d->geom.head - 1));
	finish(s, r, INT13_OK);
	bios_set_lo(&r->edx, (uint8_t)count);
}

/* AH=15: floppies have a change line; disks report CX:DX sectors, those
 * of the CHS cylinders less the reserved one (as SeaBIOS). */
static void svc_type(struct int13 *s, struct bios_regs *r, struct disk *d)
{
	finish(s, r, INT13_OK);
	if (floppy_dl(r)) {
		bios_set_hi(&r->eax, CHANGE_LINE);
		return;
	}
	uint32_t n = (d->geom.cylinder - 1) * d->geom.head * d->geom.sector;
	bios_set_x(&r->ecx, (uint16_t)(n >> 16));
	bios_set_x(&r->edx, (uint16_t)n);
	bios_set_hi(&r->eax, HARD_DISK);
}

static void svc_change_line(struct int13 *s, struct bios_regs *r, struct disk *d)
{
	bool changed = d->media_changed;

	d->media_changed = false;
	finish(s, r, changed ? INT13_ECHANGED : INT13_OK);
}

static void svc_eject(struct int13 *s, struct bios_regs *r, struct disk *d)
{
	(void)d;
	finish(s, r, INT13_ENOTREMOVABLE);
}

/* AH=4E: the subfunctions SeaBIOS accepts. */
static void svc_hw_config(struct int13 *s, struct bios_regs *r, struct disk *d)
{
	uint8_t al = bios_lo(r->eax);

	(void)d;
	finish(s, r, al == 1 || al == 3 || al == 4 || al == 6 ? INT13_OK : INT13_EPARAM);
}

typedef void service_fn(struct int13 *s, struct bios_regs *r, struct disk *d);
typedef void access_fn(struct int13 *s, struct bios_regs *r, struct disk *d, enum xfer op);

enum { ON_FLOPPY = 1, ON_DISK = 2, ON_BOTH = 3 };

/* A service is fn, or access with op (the sector transfers). */
/* clang-format off */
#define SERVICE(f, drives)           {.fn = f, .on = drives}
#define ACCESS(f, operation, drives) {.access = f, .op = operation, .on = drives}
/* clang-format on */

static const struct service {
	service_fn *fn;
	uint8_t on;
	access_fn *access;
	enum xfer op;
} services[256] = {
    [0x00] = SERVICE(svc_success, ON_BOTH),            /* reset */
    [0x01] = SERVICE(svc_status, ON_BOTH),             /* last status */
    [0x02] = ACCESS(chs_access, XFER_READ, ON_BOTH),   /* read CHS */
    [0x03] = ACCESS(chs_access, XFER_WRITE, ON_BOTH),  /* write CHS */
    [0x04] = ACCESS(chs_access, XFER_VERIFY, ON_BOTH), /* verify CHS */
    [0x05] = SERVICE(svc_format, ON_BOTH),             /* format track */
    [0x08] = SERVICE(svc_params, ON_BOTH),             /* drive parameters */
    [0x09] = SERVICE(svc_success, ON_DISK),            /* initialise parameters */
    [0x0C] = SERVICE(svc_success, ON_DISK),            /* seek */
    [0x0D] = SERVICE(svc_success, ON_DISK),            /* alternate reset */
    [0x10] = SERVICE(svc_success, ON_DISK),            /* drive ready */
    [0x11] = SERVICE(svc_success, ON_DISK),            /* recalibrate */
    [0x14] = SERVICE(svc_success, ON_DISK),            /* controller diagnostic */
    [0x15] = SERVICE(svc_type, ON_BOTH),               /* disk type */
    [0x16] = SERVICE(svc_change_line, ON_FLOPPY),      /* change line status */
    [0x41] = SERVICE(svc_edd_check, ON_DISK),          /* extensions present? */
    [0x42] = ACCESS(ext_access, XFER_READ, ON_DISK),   /* extended read */
    [0x43] = ACCESS(ext_access, XFER_WRITE, ON_DISK),  /* extended write */
    [0x44] = ACCESS(ext_access, XFER_VERIFY, ON_DISK), /* extended verify */
    [0x45] = SERVICE(svc_success, ON_DISK),            /* lock/unlock: fixed disk */
    [0x46] = SERVICE(svc_eject, ON_DISK),              /* eject: not removable */
    [0x47] = ACCESS(ext_access, XFER_SEEK, ON_DISK),   /* extended seek */
    [0x48] = SERVICE(svc_edd_params, ON_DISK),         /* extended parameters */
    [0x49] = SERVICE(svc_success, ON_DISK),            /* media changed? never */
    [0x4E] = SERVICE(svc_hw_config, ON_DISK),          /* hardware configuration */
};

static void note_unsupported(struct int13 *s, uint8_t ah)
{
	uint8_t bit = (uint8_t)(1u << (ah % 8));

	if (s->noted[ah / 8] & bit)
		return;
	s->noted[ah / 8] |= bit;
	fprintf(stderr, "kvm-gdbstub: BIOS int 13h AH=%02x not supported\n", ah);
}

void int13_init(struct int13 *s, const struct bios_mem *mem, uint16_t dpt_seg, uint16_t dpt_off)
{
	memset(s, 0, offsetof(struct int13, bounce));
	s->mem = *mem;
	s->dpt_seg = dpt_seg;
	s->dpt_off = dpt_off;
}

/* The table slot of BIOS drive dl, or NULL for a number with none. */
static struct disk **drive_slot(struct int13 *s, uint8_t dl)
{
	if (dl < INT13_MAX_FLOPPIES)
		return &s->floppy[dl];
	if (dl >= 0x80 && dl - 0x80 < INT13_MAX_HARD_DISKS)
		return &s->hard[dl - 0x80];
	return NULL;
}

int int13_attach(struct int13 *s, struct disk *d)
{
	struct disk **slot = drive_slot(s, d->drive);

	if (!slot || *slot)
		return -1;
	*slot = d;
	return 0;
}

struct disk *int13_drive(struct int13 *s, uint8_t dl)
{
	struct disk **slot = drive_slot(s, dl);
	return slot ? *slot : NULL;
}

void int13_call(struct int13 *s, struct bios_regs *r)
{
	uint8_t ah = bios_hi(r->eax);
	const struct service *svc = &services[ah];
	struct disk *d = int13_drive(s, bios_lo(r->edx));

	if (!svc->fn && !svc->access) {
		note_unsupported(s, ah);
		finish(s, r, INT13_EPARAM);
	} else if (!d) {
		finish(s, r, ah == 0x15 ? INT13_OK : INT13_EPARAM); /* AH=15: "no such drive" */
	} else if (!(svc->on & (floppy_dl(r) ? ON_FLOPPY : ON_DISK))) {
		finish(s, r, INT13_EPARAM);
	} else if (svc->access) {
		svc->access(s, r, d, svc->op);
	} else {
		svc->fn(s, r, d);
	}
}
