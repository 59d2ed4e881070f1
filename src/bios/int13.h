/* BIOS int 13h, the disk services, over struct disk images: the logic a
 * ROM stub's trap into the VMM runs, with no CPU and no KVM.  It follows
 * SeaBIOS (src/disk.c, src/block.c, src/hw/floppy.c) where that is
 * observable by a guest, and says below where it does not.
 *
 * Drives: DL 0x00/0x01 are floppies, 0x80/0x81 hard disks.  A missing
 * drive gets AH=01 CF=1 (SeaBIOS), except AH=15, which answers AH=00
 * "no such drive" with CF=0 (RBIL, Bochs).  Floppies take only AH=00-05,
 * 08, 15 and 16; the others fail with AH=01 as on SeaBIOS.
 *
 * Services: 00 reset, 01 last status, 02 read, 03 write, 04 verify,
 * 05 format (floppy: the track's sectors filled with 0xF6; disk: no-op),
 * 08 parameters, 09/0C/0D/10/11/14 no-op successes, 15 type, 16 change
 * line, 41 EDD check (BX=AA55, AH=30, CX=7), 42/43/44 extended read,
 * write, verify, 45 lock (no-op), 46 eject (AH=B2, not removable),
 * 47 extended seek, 48 EDD parameters (26 or 30 bytes), 49 media change
 * (no), 4E hardware configuration.  Any other AH: CF=1 AH=01 and, once
 * per AH value, "kvm-gdbstub: BIOS int 13h AH=xx not supported" on stderr.
 *
 * Status: every call but AH=01 stores its AH in the BIOS data area's last
 * status byte (40:41 for floppies, 40:74 for hard disks) and in this
 * struct; AH=01 reports it (CF=1 if nonzero), from the BDA if RAM has it.
 * POST is expected to have zeroed the BDA; int13_init does not touch RAM.
 *
 * Transfers (AH=02-04, 42-44): at most 64 KiB per call (AH=09, nothing
 * done, as SeaBIOS); CHS counts of 0 or over 128 and CHS addresses out of
 * the geometry are AH=01.  Floppy reads and writes whose buffer crosses a
 * 64 KiB physical boundary fail with AH=09 (the ISA DMA limit SeaBIOS's
 * floppy driver enforces); hard disks have no such limit.  A transfer that
 * runs past the end of the image moves the sectors that exist and returns
 * AH=04 (sector not found) with AL (or the DAP count) = sectors moved
 * (SeaBIOS's drivers fail the whole request instead).  A buffer or DAP
 * not wholly in RAM gives AH=01 and nothing is moved; extended calls with
 * a DAP size under 0x10 or an LBA at or past the end are AH=01.  AH=16 on
 * a floppy answers 00 (not changed) unless the disk's media_changed flag
 * is set (then AH=06 once), where SeaBIOS always says 06.
 */
#ifndef KVM_GDBSTUB_BIOS_INT13_H
#define KVM_GDBSTUB_BIOS_INT13_H

#include <stdint.h>

#include "bios/bios_regs.h"
#include "bios/disk.h"

#define INT13_MAX_FLOPPIES   2
#define INT13_MAX_HARD_DISKS 2
#define INT13_MAX_BYTES      (64u * 1024) /* one call moves at most this */

/* BIOS data area bytes the service keeps up to date. */
#define BDA_FLOPPY_LAST_STATUS 0x441u
#define BDA_DISK_LAST_STATUS   0x474u

/* Status codes returned in AH. */
enum {
	INT13_OK = 0x00,
	INT13_EPARAM = 0x01,
	INT13_ENOTFOUND = 0x04,
	INT13_ECHANGED = 0x06,
	INT13_EBOUNDARY = 0x09,
	INT13_ECONTROLLER = 0x20,
	INT13_ENOTREMOVABLE = 0xB2,
};

/* The service's state; large (a 64 KiB bounce buffer): allocate it
 * statically or on the heap. */
struct int13 {
	struct disk *floppy[INT13_MAX_FLOPPIES]; /* DL 0x00, 0x01 */
	struct disk *hard[INT13_MAX_HARD_DISKS]; /* DL 0x80, 0x81 */
	struct bios_mem mem;
	uint16_t dpt_seg, dpt_off; /* the diskette parameter table AH=08 returns */
	uint8_t last_status[2];    /* floppies, hard disks: the BDA bytes' copy */
	uint8_t noted[256 / 8];    /* AH values already reported unsupported */
	uint8_t bounce[INT13_MAX_BYTES];
};

/* Set up s with no drives; mem reaches guest RAM, dpt_seg:dpt_off is the
 * 11-byte diskette parameter table in the guest's ROM for AH=08. */
void int13_init(struct int13 *s, const struct bios_mem *mem, uint16_t dpt_seg, uint16_t dpt_off);

/* Give s the open disk d as drive d->drive (0x00, 0x01, 0x80 or 0x81).
 * Returns 0, or -1 if that number is not one of those or already taken.
 * The disk stays the caller's: it must outlive its use by s. */
int int13_attach(struct int13 *s, struct disk *d);

/* The disk attached as BIOS drive dl, or NULL. */
struct disk *int13_drive(struct int13 *s, uint8_t dl);

/* Serve one int 13h call: r holds the guest's registers on entry and the
 * BIOS's results on return (AH status, CF, and per service AL, BX, CX, DX,
 * ES, DI).  Never touches memory outside RAM or sectors outside a disk. */
void int13_call(struct int13 *s, struct bios_regs *r);

#endif
