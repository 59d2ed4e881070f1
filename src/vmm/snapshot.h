/* Machine snapshots: the whole guest-visible state of a VM (RAM, every
 * vCPU, every device, the BIOS and the disk overlays of --boot, the virtual
 * clock) as one self-contained byte string, kept in memory under a name
 * (`monitor snapshot save NAME`) or written to a file (`monitor snapshot
 * write FILE`, `kvm-gdbstub --restore FILE`).
 *
 * In memory and on disk a snapshot has the same encoding (doc/snapshot.md):
 * a header ("KGSNAP", version, flags, section count), typed sections and a
 * CRC32 of everything before it.  snapshot_parse() validates all of it
 * without allocating and without touching a VM, so that a bad file changes
 * nothing; snapshot_check() then tells whether it fits this VM, and only
 * then snapshot_apply() loads it.
 */
#ifndef KVM_GDBSTUB_SNAPSHOT_H
#define KVM_GDBSTUB_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/lapic.h"
#include "hw/pc.h"
#include "vcpu.h"
#include "vmm/vm.h"

#define SNAPSHOT_MAGIC        "KGSNAP"
#define SNAPSHOT_MAGIC_LEN    6
#define SNAPSHOT_VERSION      1
#define SNAPSHOT_HEADER_SIZE  16 /* magic, u16 version, u32 flags, u32 sections */
#define SNAPSHOT_SECTION_HEAD 12 /* u32 type, u64 length */
#define SNAPSHOT_TRAILER_SIZE 4  /* CRC32 (IEEE) of everything before it */
#define SNAPSHOT_MAX_SECTIONS 64
#define SNAPSHOT_MAX_VCPUS    VM_MAX_CPUS
#define SNAPSHOT_MAX_FILES    4 /* guest image, or the boot disk and --disk images */
#define SNAPSHOT_MAX_DISKS    4
#define SNAPSHOT_PATH_MAX     4096
#define SNAPSHOT_PAGE_SIZE    4096u
#define SNAPSHOT_NAME_MAX     64
/* The largest file --restore reads: RAM, overlays of every disk, slack. */
#define SNAPSHOT_FILE_MAX (4ull << 30)

enum snapshot_section {
	SNAP_SEC_INFO = 1,  /* RAM size, vCPU count, clock, current vCPU, A20, when */
	SNAP_SEC_FILE = 2,  /* one guest file's identity: role, size, FNV-1a, path */
	SNAP_SEC_RAM = 3,   /* a bitmap of non-zero pages, then those pages */
	SNAP_SEC_VCPU = 4,  /* index, run state, registers, local APIC */
	SNAP_SEC_BOARD = 5, /* struct pc_board_state */
	SNAP_SEC_UART = 6,  /* COM1's registers */
	SNAP_SEC_BIOS = 7,  /* --boot: the BIOS's state between calls, its timers */
	SNAP_SEC_DISK = 8,  /* --boot: one disk's overlay: written sectors */
};

/* What a FILE section identifies. */
enum snapshot_file_role { SNAP_FILE_IMAGE = 0, SNAP_FILE_BOOT = 1, SNAP_FILE_DISK = 2 };

#define SNAP_INFO_BOOT 0x1u /* INFO flags: the VM booted with --boot */

struct snapshot_file_id {
	uint32_t role, index; /* index: the --disk number for SNAP_FILE_DISK */
	uint64_t size, hash;  /* bytes, FNV-1a 64 of the contents */
	char path[SNAPSHOT_PATH_MAX];
};

struct snapshot_info {
	uint64_t ram_size;
	uint32_t n_vcpus;
	uint32_t flags;     /* SNAP_INFO_* */
	uint64_t clock_now; /* the board clock's virtual ns */
	int64_t wall_epoch_ns;
	int64_t created_ns; /* host Unix time when it was taken */
	uint32_t current_cpu; /* the vCPU the run loop ran last */
	uint8_t a20_off;
	uint8_t pad[3];
};

struct snapshot_bios {
	uint8_t booted, boot_drive, wait_armed, pad;
	int32_t exit_status;
	uint64_t wait_deadline, calls;
	uint64_t key_timer, frame_timer, wake_timer; /* deadlines, VCLOCK_NEVER = off */
	uint8_t int13_status[2];
	uint8_t pad2[6];
};

struct snapshot_uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr, pad;
};

/* One vCPU: registers, whether it runs (else it waits for a SIPI), halted
 * in hlt with IF = 1, and its local APIC. */
struct snapshot_cpu {
	struct vcpu_state regs;
	uint8_t running, halted;
	struct lapic_state lapic;
};

/* One disk's overlay: n sectors of (u64 lba, 512 bytes) at data. */
struct snapshot_disk {
	uint8_t drive, media_changed;
	uint64_t n;
	const uint8_t *data;
};

/* A validated snapshot: plain values, and pointers into the parsed buffer
 * (which must outlive the view). */
struct snapshot_view {
	struct snapshot_info info;
	unsigned n_files;
	struct snapshot_file_id files[SNAPSHOT_MAX_FILES];
	const uint8_t *ram_bitmap; /* ram_size / 4096 bits, LSB first */
	const uint8_t *ram_pages;  /* the pages whose bit is set, in order */
	struct snapshot_cpu cpu[SNAPSHOT_MAX_VCPUS];
	struct pc_board_state board;
	struct snapshot_uart uart;
	bool has_bios;
	struct snapshot_bios bios;
	unsigned n_disks;
	struct snapshot_disk disks[SNAPSHOT_MAX_DISKS];
};

/* CRC32 (IEEE 802.3, as zlib) of len bytes, continuing from crc (0 to start). */
uint32_t snapshot_crc32(uint32_t crc, const uint8_t *buf, size_t len);

/* FNV-1a 64 of len bytes, continuing from h (SNAPSHOT_FNV_INIT to start). */
#define SNAPSHOT_FNV_INIT 0xcbf29ce484222325ull
uint64_t snapshot_fnv1a(uint64_t h, const uint8_t *buf, size_t len);

/* Validate buf (len bytes) completely: header, version, every section, the
 * CRC.  Allocates nothing; v's pointers point into buf.  0, or -1 with a
 * one-line reason in err. */
int snapshot_parse(const uint8_t *buf, size_t len, struct snapshot_view *v, char *err,
                   size_t errlen);

/* Encode vm's state into a new malloc'd buffer (*out, *len).  The vCPU
 * must be between runs with no I/O pending (a debugger stop).  shadow, if
 * not NULL, rewrites each page copy before it is stored (the debugger's
 * view: patched breakpoint bytes replaced by the guest's).  0, or -1 with
 * a message in err. */
typedef void (*snapshot_shadow_fn)(void *ctx, uint32_t addr, uint8_t *buf, size_t len);
int snapshot_encode(struct vm *vm, snapshot_shadow_fn shadow, void *ctx, uint8_t **out, size_t *len,
                    char *err, size_t errlen);

/* Does the snapshot fit vm: RAM size, vCPU count, --boot or not, the disks
 * and their sizes, and (unless force) the same guest files (size and hash
 * of what vm was started with)?  Reads nothing but the guest files.  0, or
 * -1 with a message in err. */
int snapshot_check(struct vm *vm, const struct snapshot_view *v, bool force, char *err,
                   size_t errlen);

/* Load a checked snapshot into vm: RAM, vCPUs, devices, BIOS and disk
 * overlays, and the clock, which reads the snapshot's time from now on.
 * The vCPU must be between runs.  0, or -1 with a message (a backend
 * refused the vCPU state: the VM is then inconsistent). */
int snapshot_apply(struct vm *vm, const struct snapshot_view *v, char *err, size_t errlen);

/* Fill cfg's RAM size and guest paths from a parsed snapshot, for a VM that
 * --restore creates: image_path unless the command line named one. */
void snapshot_config(const struct snapshot_view *v, struct vm_config *cfg);

/* Read the file at path (at most SNAPSHOT_FILE_MAX bytes) into a new
 * malloc'd buffer.  0, or -1 with a message in err. */
int snapshot_read_file(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen);

/* Write len bytes to path (through a temporary file renamed over it, so a
 * failed write leaves no half file).  0, or -1 with a message in err. */
int snapshot_write_file(const char *path, const uint8_t *buf, size_t len, char *err, size_t errlen);

/* ---- named snapshots in memory (monitor snapshot ...) ---- */

/* Is name 1-SNAPSHOT_NAME_MAX characters of [A-Za-z0-9._-]? */
bool snapshot_name_ok(const char *name);

/* Keep vm's current state under name (replacing one of that name).  0, or
 * -1 with a message in err. */
int snapshot_store_save(struct vm *vm, const char *name, snapshot_shadow_fn shadow, void *ctx,
                        char *err, size_t errlen);

/* The encoded snapshot called name, or NULL. */
const uint8_t *snapshot_store_find(struct vm *vm, const char *name, size_t *len);

/* Forget the snapshot called name: 0, or -1 if there is none. */
int snapshot_store_delete(struct vm *vm, const char *name);

/* One line per snapshot (name, bytes in memory, when taken) into buf.
 * Returns the length written. */
size_t snapshot_store_list(struct vm *vm, char *buf, size_t len);

/* Free every named snapshot and the cached identity (vm_destroy). */
void snapshot_store_free(struct vm *vm);

#endif
