/* Machine snapshots: encoding, validation, loading, and the named ones
 * kept in memory (see snapshot.h and doc/snapshot.md). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/boot.h"
#include "vmm/snapshot.h"
#include "vmm/vm.h"

/* ---- checksums ----------------------------------------------------------- */

uint32_t snapshot_crc32(uint32_t crc, const uint8_t *buf, size_t len)
{
	static uint32_t table[256];
	if (!table[1]) /* built once; the same values whoever builds it */
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	crc = ~crc;
	for (size_t i = 0; i < len; i++)
		crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint64_t snapshot_fnv1a(uint64_t h, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ buf[i]) * 0x100000001b3ull;
	return h;
}

/* ---- writing ------------------------------------------------------------- */

struct writer {
	uint8_t *p;
	size_t len, cap;
	bool failed; /* out of memory: everything after is dropped */
	uint32_t sections;
	size_t section_start;
};

static void put(struct writer *w, const void *data, size_t n)
{
	if (w->failed)
		return;
	if (n > w->cap - w->len) {
		size_t cap = w->cap ? w->cap : 1 << 16;
		while (n > cap - w->len)
			cap *= 2;
		uint8_t *p = realloc(w->p, cap);
		if (!p) {
			w->failed = true;
			return;
		}
		w->p = p;
		w->cap = cap;
	}
	memcpy(w->p + w->len, data, n);
	w->len += n;
}

/* Little-endian integers (x86 hosts only: native order): put_u8 ..
 * put_u64 here, get_u8 .. get_u64 with the reader. */
#define DEFINE_PUT(bits)                                                                           \
	static void put_u##bits(struct writer *w, uint##bits##_t v)                                \
	{                                                                                          \
		put(w, &v, sizeof(v));                                                             \
	}
DEFINE_PUT(8)
DEFINE_PUT(16)
DEFINE_PUT(32)
DEFINE_PUT(64)

static void section_begin(struct writer *w, enum snapshot_section type)
{
	put_u32(w, type);
	put_u64(w, 0); /* the length, filled in by section_end */
	w->section_start = w->len;
}

static void section_end(struct writer *w)
{
	uint64_t n = w->len - w->section_start;
	if (!w->failed)
		memcpy(w->p + w->section_start - 8, &n, 8);
	w->sections++;
}

/* ---- reading ------------------------------------------------------------- */

struct reader {
	const uint8_t *p;
	size_t len, off;
	bool short_read;
};

static const uint8_t *take(struct reader *r, size_t n)
{
	if (n > r->len - r->off) {
		r->short_read = true;
		return NULL;
	}
	const uint8_t *at = r->p + r->off;
	r->off += n;
	return at;
}

static void get(struct reader *r, void *out, size_t n)
{
	const uint8_t *at = take(r, n);
	if (at)
		memcpy(out, at, n);
	else
		memset(out, 0, n);
}

#define DEFINE_GET(bits)                                                                           \
	static uint##bits##_t get_u##bits(struct reader *r)                                        \
	{                                                                                          \
		uint##bits##_t v;                                                                  \
		get(r, &v, sizeof(v));                                                             \
		return v;                                                                          \
	}
DEFINE_GET(8)
DEFINE_GET(16)
DEFINE_GET(32)
DEFINE_GET(64)

/* ---- the vCPU, field by field (independent of the struct's layout) ----- */

static void put_segment(struct writer *w, const struct vcpu_segment *s)
{
	put_u32(w, s->base);
	put_u32(w, s->limit);
	put_u16(w, s->selector);
	const uint8_t bytes[7] = {s->type, s->s, s->dpl, s->present, s->db, s->g, s->avl};
	put(w, bytes, sizeof(bytes));
}

static void get_segment(struct reader *r, struct vcpu_segment *s)
{
	s->base = get_u32(r);
	s->limit = get_u32(r);
	s->selector = get_u16(r);
	s->type = get_u8(r);
	s->s = get_u8(r);
	s->dpl = get_u8(r);
	s->present = get_u8(r);
	s->db = get_u8(r);
	s->g = get_u8(r);
	s->avl = get_u8(r);
}

#define SEGMENT_BYTES 17u
#define REGS_BYTES    (4 * GPR_COUNT + 8 + SEGMENT_BYTES * (SREG_COUNT + 2) + 2 * 6 + 16)
/* index, run state, halted, 0, registers, APIC size, the APIC */
#define VCPU_BYTES (8u + REGS_BYTES + 4 + sizeof(struct lapic_state))

static void put_regs(struct writer *w, const struct vcpu_state *st)
{
	for (int i = 0; i < GPR_COUNT; i++)
		put_u32(w, st->gpr[i]);
	put_u32(w, st->eip);
	put_u32(w, st->eflags);
	for (int i = 0; i < SREG_COUNT; i++)
		put_segment(w, &st->seg[i]);
	put_segment(w, &st->tr);
	put_segment(w, &st->ldt);
	const struct vcpu_dtable *t[2] = {&st->gdt, &st->idt};
	for (int i = 0; i < 2; i++) {
		put_u32(w, t[i]->base);
		put_u16(w, t[i]->limit);
	}
	put_u32(w, st->cr0);
	put_u32(w, st->cr2);
	put_u32(w, st->cr3);
	put_u32(w, st->cr4);
}

static void get_regs(struct reader *r, struct vcpu_state *st)
{
	memset(st, 0, sizeof(*st));
	for (int i = 0; i < GPR_COUNT; i++)
		st->gpr[i] = get_u32(r);
	st->eip = get_u32(r);
	st->eflags = get_u32(r);
	for (int i = 0; i < SREG_COUNT; i++)
		get_segment(r, &st->seg[i]);
	get_segment(r, &st->tr);
	get_segment(r, &st->ldt);
	struct vcpu_dtable *t[2] = {&st->gdt, &st->idt};
	for (int i = 0; i < 2; i++) {
		t[i]->base = get_u32(r);
		t[i]->limit = get_u16(r);
	}
	st->cr0 = get_u32(r);
	st->cr2 = get_u32(r);
	st->cr3 = get_u32(r);
	st->cr4 = get_u32(r);
}

/* ---- the guest's identity ------------------------------------------------ */

/* Named snapshots and the identity of the VM's files, computed once. */
struct snapshot_entry {
	struct snapshot_entry *next;
	char name[SNAPSHOT_NAME_MAX + 1];
	uint8_t *buf;
	size_t len;
	time_t when;
};

struct snapshot_store {
	struct snapshot_entry *entries;
	bool identity_ready;
	unsigned n_files;
	struct snapshot_file_id files[SNAPSHOT_MAX_FILES];
};

static struct snapshot_store *store_of(struct vm *vm)
{
	if (!vm->snapshots)
		vm->snapshots = calloc(1, sizeof(*vm->snapshots));
	return vm->snapshots;
}

/* Size and FNV-1a of the file at path.  0, or -1 with a message. */
static int hash_file(const char *path, uint64_t *size, uint64_t *hash, char *err, size_t errlen)
{
	static uint8_t chunk[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read the guest file %s: %s", path, strerror(errno));
		return -1;
	}
	uint64_t h = SNAPSHOT_FNV_INIT, n = 0;
	ssize_t got;
	while ((got = read(fd, chunk, sizeof(chunk))) > 0) {
		h = snapshot_fnv1a(h, chunk, (size_t)got);
		n += (uint64_t)got;
	}
	int saved = errno;
	close(fd);
	if (got < 0) {
		snprintf(err, errlen, "cannot read the guest file %s: %s", path, strerror(saved));
		return -1;
	}
	*size = n;
	*hash = h;
	return 0;
}

static int identify(struct snapshot_file_id *f, uint32_t role, uint32_t index, const char *path,
                    char *err, size_t errlen)
{
	char abs[PATH_MAX];
	f->role = role;
	f->index = index;
	/* An absolute path, so that --restore works from another directory. */
	snprintf(f->path, sizeof(f->path), "%s", realpath(path, abs) ? abs : path);
	return hash_file(path, &f->size, &f->hash, err, errlen);
}

/* The files vm was started with: the image, or the boot disk and --disks. */
static int vm_identity(struct vm *vm, char *err, size_t errlen)
{
	struct snapshot_store *s = store_of(vm);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (s->identity_ready)
		return 0;
	const struct vm_config *c = &vm->cfg;
	unsigned n = 0;
	int r = c->boot_path
	            ? identify(&s->files[n++], SNAP_FILE_BOOT, 0, c->boot_path, err, errlen)
	            : identify(&s->files[n++], SNAP_FILE_IMAGE, 0, c->image_path, err, errlen);
	for (unsigned i = 0; r == 0 && c->boot_path && i < c->n_disks; i++)
		r = identify(&s->files[n++], SNAP_FILE_DISK, i, c->disk_paths[i], err, errlen);
	if (r < 0)
		return -1;
	s->n_files = n;
	s->identity_ready = true;
	return 0;
}

/* ---- encoding ------------------------------------------------------------ */

static void put_info(struct writer *w, struct vm *vm)
{
	struct snapshot_info in;
	memset(&in, 0, sizeof(in)); /* no stray bytes in the file */
	in.ram_size = vm->ram_size;
	in.n_vcpus = vm->n_cpus;
	in.flags = vm->boot ? SNAP_INFO_BOOT : 0;
	in.clock_now = vclock_now(&vm->board.clock);
	in.wall_epoch_ns = vm->board.clock.wall_epoch_ns;
	in.created_ns = vclock_host_wall_ns();
	in.current_cpu = (uint32_t)(vm->cpu - vm->cpus);
	in.a20_off = vm->a20_off;
	section_begin(w, SNAP_SEC_INFO);
	put(w, &in, sizeof(in));
	section_end(w);
}

static void put_files(struct writer *w, const struct snapshot_store *s)
{
	for (unsigned i = 0; i < s->n_files; i++) {
		const struct snapshot_file_id *f = &s->files[i];
		section_begin(w, SNAP_SEC_FILE);
		put_u32(w, f->role);
		put_u32(w, f->index);
		put_u64(w, f->size);
		put_u64(w, f->hash);
		put_u32(w, (uint32_t)strlen(f->path));
		put(w, f->path, strlen(f->path));
		section_end(w);
	}
}

static bool all_zero(const uint8_t *p, size_t n)
{
	return p[0] == 0 && memcmp(p, p + 1, n - 1) == 0;
}

/* RAM as a bitmap of the pages that hold anything, then those pages. */
static void put_ram(struct writer *w, struct vm *vm, snapshot_shadow_fn shadow, void *ctx)
{
	uint64_t pages = vm->ram_size / SNAPSHOT_PAGE_SIZE;
	size_t map_len = (size_t)((pages + 7) / 8);
	uint8_t *map = calloc(1, map_len ? map_len : 1);
	static uint8_t page[SNAPSHOT_PAGE_SIZE];
	if (!map) {
		w->failed = true;
		return;
	}
	section_begin(w, SNAP_SEC_RAM);
	put_u32(w, SNAPSHOT_PAGE_SIZE);
	put_u64(w, pages);
	size_t map_at = w->len;
	put(w, map, map_len); /* filled in below */
	for (uint64_t i = 0; i < pages; i++) {
		memcpy(page, vm->ram + i * SNAPSHOT_PAGE_SIZE, SNAPSHOT_PAGE_SIZE);
		if (shadow)
			shadow(ctx, (uint32_t)(i * SNAPSHOT_PAGE_SIZE), page, SNAPSHOT_PAGE_SIZE);
		if (all_zero(page, SNAPSHOT_PAGE_SIZE))
			continue;
		map[i / 8] |= (uint8_t)(1u << (i % 8));
		put(w, page, SNAPSHOT_PAGE_SIZE);
	}
	if (!w->failed)
		memcpy(w->p + map_at, map, map_len);
	free(map);
	section_end(w);
}

static void put_devices(struct writer *w, struct vm *vm)
{
	static struct pc_board_state board; /* tens of KiB: not on the stack */
	memset(&board, 0, sizeof(board));
	pc_board_save(&vm->board, &board);
	section_begin(w, SNAP_SEC_BOARD);
	put_u32(w, (uint32_t)sizeof(board));
	put(w, &board, sizeof(board));
	section_end(w);

	const struct uart *u = &vm->uart;
	struct snapshot_uart su = {u->ier, u->lcr, u->mcr, u->scr, u->dll, u->dlm, u->fcr, 0};
	section_begin(w, SNAP_SEC_UART);
	put(w, &su, sizeof(su));
	section_end(w);
}

static void put_bios(struct writer *w, const struct pc_boot *pb)
{
	const struct bios *b = &pb->bios;
	struct snapshot_bios sb = {
	    .booted = b->booted,
	    .boot_drive = b->boot_drive,
	    .wait_armed = b->wait_armed,
	    .exit_status = b->exit_status,
	    .wait_deadline = b->wait_deadline,
	    .calls = b->calls,
	    .key_timer = pb->key_timer.deadline,
	    .frame_timer = pb->frame_timer.deadline,
	    .wake_timer = pb->wake_timer.deadline,
	};
	memcpy(sb.int13_status, b->int13->last_status, sizeof(sb.int13_status));
	section_begin(w, SNAP_SEC_BIOS);
	put(w, &sb, sizeof(sb));
	section_end(w);
}

static void put_disk(struct writer *w, const struct disk *d)
{
	const struct disk_overlay *o = &d->overlay;
	section_begin(w, SNAP_SEC_DISK);
	put_u8(w, d->drive);
	put_u8(w, d->media_changed);
	put_u16(w, 0);
	put_u32(w, 0);
	put_u64(w, o->used);
	for (size_t i = 0; i < o->cap; i++)
		if (o->keys[i]) {
			put_u64(w, o->keys[i] - 1);
			put(w, o->data[i], DISK_SECTOR_SIZE);
		}
	section_end(w);
}

/* A VCPU section per vCPU: its registers, run state and local APIC. */
static int put_cpus(struct writer *w, struct vm *vm, char *err, size_t errlen)
{
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		const struct vm_cpu *c = &vm->cpus[i];
		struct vcpu_state st;
		memset(&st, 0, sizeof(st));
		int r = vcpu_get_state(c->vcpu, &st);
		if (r < 0) {
			snprintf(err, errlen, "cannot read vCPU %u's state: %s", i, strerror(-r));
			return -1;
		}
		const struct lapic_state *apic = &vm->lapics.cpu[i].s; /* zeroed padding and all */
		section_begin(w, SNAP_SEC_VCPU);
		put_u32(w, i);
		put_u8(w, c->state == VM_CPU_RUNNING);
		put_u8(w, c->halted);
		put_u16(w, 0);
		put_regs(w, &st);
		put_u32(w, (uint32_t)sizeof(*apic));
		put(w, apic, sizeof(*apic));
		section_end(w);
	}
	return 0;
}

int snapshot_encode(struct vm *vm, snapshot_shadow_fn shadow, void *ctx, uint8_t **out, size_t *len,
                    char *err, size_t errlen)
{
	struct writer w = {0};
	if (vm_identity(vm, err, errlen) < 0)
		return -1;
	put(&w, SNAPSHOT_MAGIC, SNAPSHOT_MAGIC_LEN);
	put_u16(&w, SNAPSHOT_VERSION);
	put_u32(&w, 0); /* flags: none defined */
	put_u32(&w, 0); /* the section count, filled in below */
	put_info(&w, vm);
	put_files(&w, vm->snapshots);
	put_ram(&w, vm, shadow, ctx);
	if (put_cpus(&w, vm, err, errlen) < 0) {
		free(w.p);
		return -1;
	}
	put_devices(&w, vm);
	if (vm->boot) {
		put_bios(&w, vm->boot);
		for (unsigned i = 0; i < vm->boot->n_disks; i++)
			put_disk(&w, &vm->boot->disks[i]);
	}
	if (!w.failed)
		memcpy(w.p + SNAPSHOT_MAGIC_LEN + 2 + 4, &w.sections, 4);
	put_u32(&w, snapshot_crc32(0, w.p, w.len));
	if (w.failed) {
		free(w.p);
		snprintf(err, errlen, "out of memory for the snapshot");
		return -1;
	}
	*out = w.p;
	*len = w.len;
	return 0;
}

/* ---- parsing ------------------------------------------------------------- */

struct parse {
	struct snapshot_view *v;
	char *err;
	size_t errlen;
	unsigned seen[SNAP_SEC_DISK + 1]; /* sections of each type so far */
	bool vcpu_seen[SNAPSHOT_MAX_VCPUS];
};

static int bad(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_info(struct parse *p, struct reader *r)
{
	struct snapshot_info *in = &p->v->info;
	if (r->len != sizeof(*in))
		return bad(p, "the INFO section is %zu bytes, not %zu", r->len, sizeof(*in));
	get(r, in, sizeof(*in));
	if (in->ram_size < SNAPSHOT_PAGE_SIZE || in->ram_size % SNAPSHOT_PAGE_SIZE ||
	    in->ram_size > VM_MAX_RAM)
		return bad(p, "its RAM size %" PRIu64 " is not a multiple of 4 KiB up to 2 GiB",
		           in->ram_size);
	if (in->n_vcpus < 1 || in->n_vcpus > SNAPSHOT_MAX_VCPUS)
		return bad(p, "it has %u vCPUs (1 to %u allowed)", in->n_vcpus, SNAPSHOT_MAX_VCPUS);
	if (in->flags & ~SNAP_INFO_BOOT)
		return bad(p, "unknown INFO flags %#x", in->flags);
	if (in->current_cpu >= in->n_vcpus || in->a20_off > 1)
		return bad(p, "the INFO section's current vCPU or A20 byte is out of range");
	return 0;
}

/* FILE and DISK: section_types[] caps how many come. */
static int parse_file(struct parse *p, struct reader *r)
{
	struct snapshot_file_id *f = &p->v->files[p->v->n_files++];
	f->role = get_u32(r);
	f->index = get_u32(r);
	f->size = get_u64(r);
	f->hash = get_u64(r);
	uint32_t n = get_u32(r);
	if (r->short_read || f->role > SNAP_FILE_DISK || f->index >= SNAPSHOT_MAX_DISKS)
		return bad(p, "a FILE section is malformed");
	if (n == 0 || n >= SNAPSHOT_PATH_MAX || n != r->len - r->off)
		return bad(p, "a FILE section's path length %u does not fit", n);
	get(r, f->path, n);
	f->path[n] = 0;
	if (strlen(f->path) != n)
		return bad(p, "a FILE section's path holds a NUL byte");
	return 0;
}

static unsigned popcount_bytes(const uint8_t *p, size_t n)
{
	unsigned count = 0;
	for (size_t i = 0; i < n; i++)
		count += (unsigned)__builtin_popcount(p[i]);
	return count;
}

/* Needs INFO first (the RAM size); that is checked by the caller. */
static int parse_ram(struct parse *p, struct reader *r)
{
	uint32_t page = get_u32(r);
	uint64_t pages = get_u64(r);
	uint64_t want = p->v->info.ram_size / SNAPSHOT_PAGE_SIZE;
	if (r->short_read || page != SNAPSHOT_PAGE_SIZE || pages != want)
		return bad(p, "the RAM section does not hold %" PRIu64 " pages of 4 KiB", want);
	size_t map_len = (size_t)((pages + 7) / 8);
	p->v->ram_bitmap = take(r, map_len);
	if (!p->v->ram_bitmap)
		return bad(p, "the RAM section is truncated");
	if (pages % 8 && p->v->ram_bitmap[map_len - 1] >> (pages % 8))
		return bad(p, "the RAM bitmap marks pages past the end of RAM");
	uint64_t stored = popcount_bytes(p->v->ram_bitmap, map_len);
	if (stored * SNAPSHOT_PAGE_SIZE != r->len - r->off)
		return bad(p, "the RAM section holds %zu bytes of pages, its bitmap says %" PRIu64,
		           r->len - r->off, stored * SNAPSHOT_PAGE_SIZE);
	p->v->ram_pages = r->p + r->off;
	return 0;
}

static int parse_vcpu(struct parse *p, struct reader *r)
{
	if (r->len != VCPU_BYTES)
		return bad(p, "a VCPU section is %zu bytes, not %zu", r->len, VCPU_BYTES);
	uint32_t index = get_u32(r);
	if (index >= p->v->info.n_vcpus || p->vcpu_seen[index])
		return bad(p, "a VCPU section has index %u (duplicate or out of range)", index);
	p->vcpu_seen[index] = true;
	struct snapshot_cpu *c = &p->v->cpu[index];
	c->running = get_u8(r);
	c->halted = get_u8(r);
	(void)get_u16(r);
	get_regs(r, &c->regs);
	uint32_t apic = get_u32(r);
	if (c->running > 1 || c->halted > 1 || apic != sizeof(c->lapic))
		return bad(p, "VCPU section %u is malformed", index);
	get(r, &c->lapic, sizeof(c->lapic));
	return 0;
}

static int parse_board(struct parse *p, struct reader *r)
{
	uint32_t size = get_u32(r);
	if (size != sizeof(p->v->board) || r->len - r->off != size)
		return bad(p, "its device state is %u bytes, this build's is %zu", size,
		           sizeof(p->v->board));
	get(r, &p->v->board, sizeof(p->v->board));
	return 0;
}

static int parse_uart(struct parse *p, struct reader *r)
{
	if (r->len != sizeof(p->v->uart))
		return bad(p, "the UART section is %zu bytes, not %zu", r->len, sizeof(p->v->uart));
	get(r, &p->v->uart, sizeof(p->v->uart));
	return 0;
}

static int parse_bios(struct parse *p, struct reader *r)
{
	if (r->len != sizeof(p->v->bios))
		return bad(p, "the BIOS section is %zu bytes, not %zu", r->len, sizeof(p->v->bios));
	get(r, &p->v->bios, sizeof(p->v->bios));
	p->v->has_bios = true;
	return 0;
}

#define DISK_ENTRY (8u + DISK_SECTOR_SIZE)

static int parse_disk(struct parse *p, struct reader *r)
{
	struct snapshot_disk *d = &p->v->disks[p->v->n_disks++];
	d->drive = get_u8(r);
	d->media_changed = get_u8(r);
	(void)get_u16(r);
	(void)get_u32(r);
	d->n = get_u64(r);
	if (r->short_read || d->media_changed > 1 || d->n > DISK_OVERLAY_MAX_SECTORS ||
	    d->n * DISK_ENTRY != r->len - r->off)
		return bad(p, "a DISK section is malformed");
	d->data = r->p + r->off;
	return 0;
}

typedef int (*section_parser)(struct parse *p, struct reader *r);

static const struct {
	const char *name;
	section_parser parse;
	unsigned max; /* sections of this type */
} section_types[] = {
    [SNAP_SEC_INFO] = {"INFO", parse_info, 1},
    [SNAP_SEC_FILE] = {"FILE", parse_file, SNAPSHOT_MAX_FILES},
    [SNAP_SEC_RAM] = {"RAM", parse_ram, 1},
    [SNAP_SEC_VCPU] = {"VCPU", parse_vcpu, SNAPSHOT_MAX_VCPUS},
    [SNAP_SEC_BOARD] = {"BOARD", parse_board, 1},
    [SNAP_SEC_UART] = {"UART", parse_uart, 1},
    [SNAP_SEC_BIOS] = {"BIOS", parse_bios, 1},
    [SNAP_SEC_DISK] = {"DISK", parse_disk, SNAPSHOT_MAX_DISKS},
};

static int parse_header(struct parse *p, struct reader *r, uint32_t *count)
{
	const uint8_t *magic = take(r, SNAPSHOT_MAGIC_LEN);
	if (!magic || memcmp(magic, SNAPSHOT_MAGIC, SNAPSHOT_MAGIC_LEN) != 0)
		return bad(p, "not a kvm-gdbstub snapshot (no \"%s\" at the start)",
		           SNAPSHOT_MAGIC);
	uint16_t version = get_u16(r);
	uint32_t flags = get_u32(r);
	*count = get_u32(r);
	if (r->short_read || r->len < SNAPSHOT_HEADER_SIZE + SNAPSHOT_TRAILER_SIZE)
		return bad(p, "truncated: %zu bytes, shorter than a header and a checksum", r->len);
	if (version != SNAPSHOT_VERSION)
		return bad(p, "format version %u; this kvm-gdbstub reads version %u", version,
		           SNAPSHOT_VERSION);
	if (flags)
		return bad(p, "unknown header flags %#x", flags);
	if (*count > SNAPSHOT_MAX_SECTIONS)
		return bad(p, "%u sections (at most %u)", *count, SNAPSHOT_MAX_SECTIONS);
	uint32_t stored;
	memcpy(&stored, r->p + r->len - SNAPSHOT_TRAILER_SIZE, 4);
	uint32_t crc = snapshot_crc32(0, r->p, r->len - SNAPSHOT_TRAILER_SIZE);
	if (crc != stored)
		return bad(p,
		           "checksum mismatch (CRC32 %08x, the file says %08x): truncated or "
		           "corrupted",
		           crc, stored);
	r->len -= SNAPSHOT_TRAILER_SIZE;
	return 0;
}

static int parse_section(struct parse *p, struct reader *r, unsigned i)
{
	uint32_t type = get_u32(r);
	uint64_t n = get_u64(r);
	if (r->short_read || n > r->len - r->off)
		return bad(p, "section %u is truncated", i);
	if (type == 0 || type >= sizeof(section_types) / sizeof(section_types[0]))
		return bad(p, "section %u has unknown type %u", i, type);
	if (p->seen[type] == section_types[type].max)
		return bad(p, "too many %s sections", section_types[type].name);
	if (i == 0 ? type != SNAP_SEC_INFO : p->seen[SNAP_SEC_INFO] == 0)
		return bad(p, "the first section is not INFO");
	p->seen[type]++;
	struct reader body = {r->p + r->off, (size_t)n, 0, false};
	r->off += (size_t)n;
	return section_types[type].parse(p, &body);
}

/* What every snapshot must hold, once its sections are read. */
static int parse_complete(struct parse *p)
{
	const struct snapshot_view *v = p->v;
	static const enum snapshot_section once[] = {SNAP_SEC_INFO, SNAP_SEC_RAM, SNAP_SEC_BOARD,
	                                             SNAP_SEC_UART};
	for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (p->seen[once[i]] != 1)
			return bad(p, "it has no %s section", section_types[once[i]].name);
	if (p->seen[SNAP_SEC_VCPU] != v->info.n_vcpus)
		return bad(p, "it has %u VCPU sections for %u vCPUs", p->seen[SNAP_SEC_VCPU],
		           v->info.n_vcpus);
	bool boot = v->info.flags & SNAP_INFO_BOOT;
	if (boot != v->has_bios || (!boot && v->n_disks))
		return bad(p, "its BIOS and DISK sections do not match its --boot flag");
	if (v->n_files == 0)
		return bad(p, "it names no guest file");
	return 0;
}

int snapshot_parse(const uint8_t *buf, size_t len, struct snapshot_view *v, char *err,
                   size_t errlen)
{
	struct parse p = {.v = v, .err = err, .errlen = errlen};
	struct reader r = {buf, len, 0, false};
	uint32_t count = 0;
	memset(v, 0, sizeof(*v));
	if (parse_header(&p, &r, &count) < 0)
		return -1;
	for (unsigned i = 0; i < count; i++)
		if (parse_section(&p, &r, i) < 0)
			return -1;
	if (r.off != r.len)
		return bad(&p, "%zu bytes after the last section", r.len - r.off);
	return parse_complete(&p);
}

/* ---- checking and loading ------------------------------------------------ */

static const char *role_name(uint32_t role)
{
	static const char *const names[] = {"guest image", "boot disk", "disk"};
	return role <= SNAP_FILE_DISK ? names[role] : "file";
}

static int check_files(struct vm *vm, const struct snapshot_view *v, char *err, size_t errlen)
{
	if (vm_identity(vm, err, errlen) < 0)
		return -1;
	const struct snapshot_store *s = vm->snapshots;
	if (s->n_files != v->n_files) {
		snprintf(err, errlen,
		         "the snapshot is of a guest with %u files, this one has %u "
		         "(--force loads it anyway)",
		         v->n_files, s->n_files);
		return -1;
	}
	for (unsigned i = 0; i < v->n_files; i++) {
		const struct snapshot_file_id *a = &v->files[i], *b = &s->files[i];
		if (a->role != b->role || a->index != b->index || a->size != b->size ||
		    a->hash != b->hash) {
			snprintf(err, errlen,
			         "the snapshot is of another guest: its %s was %s (%" PRIu64
			         " bytes, FNV-1a %016" PRIx64 "), this %s is %s (%" PRIu64
			         " bytes, FNV-1a %016" PRIx64 ") (--force loads it anyway)",
			         role_name(a->role), a->path, a->size, a->hash, role_name(b->role),
			         b->path, b->size, b->hash);
			return -1;
		}
	}
	return 0;
}

static int check_disks(struct vm *vm, const struct snapshot_view *v, char *err, size_t errlen)
{
	unsigned have = vm->boot ? vm->boot->n_disks : 0;
	if (v->n_disks != have) {
		snprintf(err, errlen, "the snapshot has %u disks, this machine %u", v->n_disks,
		         have);
		return -1;
	}
	for (unsigned i = 0; i < have; i++) {
		const struct snapshot_disk *d = &v->disks[i];
		const struct disk *mine = &vm->boot->disks[i];
		if (d->drive != mine->drive) {
			snprintf(err, errlen, "the snapshot's disk %u is drive %#x, here %#x", i,
			         d->drive, mine->drive);
			return -1;
		}
		for (uint64_t k = 0; k < d->n; k++) {
			uint64_t lba;
			memcpy(&lba, d->data + k * DISK_ENTRY, 8);
			if (lba >= mine->sectors) {
				snprintf(err, errlen,
				         "the snapshot wrote sector %" PRIu64
				         " of drive %#x, which has %" PRIu64,
				         lba, d->drive, mine->sectors);
				return -1;
			}
		}
	}
	return 0;
}

int snapshot_check(struct vm *vm, const struct snapshot_view *v, bool force, char *err,
                   size_t errlen)
{
	if (v->info.ram_size != vm->ram_size) {
		snprintf(err, errlen,
		         "the snapshot has %" PRIu64 " bytes of RAM, this machine %" PRIu64,
		         v->info.ram_size, vm->ram_size);
		return -1;
	}
	if (v->info.n_vcpus != vm->n_cpus) {
		snprintf(err, errlen, "the snapshot has %u vCPUs, this machine %u", v->info.n_vcpus,
		         vm->n_cpus);
		return -1;
	}
	if (!(v->info.flags & SNAP_INFO_BOOT) != !vm->boot) {
		snprintf(err, errlen, "the snapshot %s booted with --boot, this machine %s",
		         vm->boot ? "was not" : "was", vm->boot ? "was" : "was not");
		return -1;
	}
	if (check_disks(vm, v, err, errlen) < 0)
		return -1;
	return force ? 0 : check_files(vm, v, err, errlen);
}

static void load_ram(struct vm *vm, const struct snapshot_view *v)
{
	const uint8_t *next = v->ram_pages;
	uint64_t pages = vm->ram_size / SNAPSHOT_PAGE_SIZE;
	for (uint64_t i = 0; i < pages; i++) {
		uint8_t *to = vm->ram + i * SNAPSHOT_PAGE_SIZE;
		if (v->ram_bitmap[i / 8] & (1u << (i % 8))) {
			memcpy(to, next, SNAPSHOT_PAGE_SIZE);
			next += SNAPSHOT_PAGE_SIZE;
		} else {
			memset(to, 0, SNAPSHOT_PAGE_SIZE);
		}
	}
	vm->ram_used = true;
	vm_ram_written(vm, 0, vm->ram_size);
	if (vm->stand_in)
		vcpu_ram_written(vm->stand_in, 0, vm->ram_size);
}

/* Run states and APICs (after the board: the APICs' post-load kicks CPUs
 * with an interrupt pending), and the vCPU the run loop goes on with. */
static void load_cpus(struct vm *vm, const struct snapshot_view *v)
{
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		struct vm_cpu *c = &vm->cpus[i];
		c->state = v->cpu[i].running ? VM_CPU_RUNNING : VM_CPU_WAIT_SIPI;
		c->halted = v->cpu[i].halted;
		vm->lapics.cpu[i].s = v->cpu[i].lapic;
	}
	lapic_post_load(&vm->lapics);
	vm_select_cpu(vm, &vm->cpus[v->info.current_cpu]);
}

static void load_bios(struct pc_boot *pb, const struct snapshot_bios *sb)
{
	struct bios *b = &pb->bios;
	b->booted = sb->booted;
	b->boot_drive = sb->boot_drive;
	b->wait_armed = sb->wait_armed;
	b->exit_status = sb->exit_status;
	b->wait_deadline = sb->wait_deadline;
	b->calls = sb->calls;
	memcpy(b->int13->last_status, sb->int13_status, sizeof(sb->int13_status));
	pb->key_timer.deadline = sb->key_timer;
	pb->frame_timer.deadline = sb->frame_timer;
	pb->wake_timer.deadline = sb->wake_timer;
}

static int load_disk(struct disk *d, const struct snapshot_disk *sd, char *err, size_t errlen)
{
	disk_overlay_clear(d);
	d->media_changed = sd->media_changed;
	for (uint64_t k = 0; k < sd->n; k++) {
		const uint8_t *e = sd->data + k * DISK_ENTRY;
		uint64_t lba;
		memcpy(&lba, e, 8);
		/* With --disk-write this goes to the file, as the guest's write did. */
		int r = disk_write(d, lba, 1, e + 8);
		if (r < 0) {
			snprintf(err, errlen, "cannot restore sector %" PRIu64 " of drive %#x: %s",
			         lba, d->drive, strerror(-r));
			return -1;
		}
	}
	return 0;
}

int snapshot_apply(struct vm *vm, const struct snapshot_view *v, char *err, size_t errlen)
{
	for (unsigned i = 0; i < vm->n_cpus; i++) {
		int r = vcpu_set_state(vm->cpus[i].vcpu, &v->cpu[i].regs);
		if (r < 0) {
			snprintf(err, errlen, "vCPU %u refused the snapshot's state: %s", i,
			         strerror(-r));
			return -1;
		}
	}
	load_ram(vm, v);
	/* The clock first: the devices re-arm their timers from its time. */
	vclock_set_now(&vm->board.clock, v->info.clock_now);
	vm->board.clock.wall_epoch_ns = v->info.wall_epoch_ns;
	pc_board_restore(&vm->board, &v->board);
	struct uart *u = &vm->uart;
	u->ier = v->uart.ier, u->lcr = v->uart.lcr, u->mcr = v->uart.mcr, u->scr = v->uart.scr;
	u->dll = v->uart.dll, u->dlm = v->uart.dlm, u->fcr = v->uart.fcr;
	load_cpus(vm, v);
	vm->exit_status = 0;
	vm->reset_requested = false;
	vm_set_a20(vm, !v->info.a20_off);
	vm_deadline_timer_arm(vm, VCLOCK_NEVER); /* the run loop arms the next one */
	if (!vm->boot)
		return 0;
	load_bios(vm->boot, &v->bios);
	for (unsigned i = 0; i < v->n_disks; i++)
		if (load_disk(&vm->boot->disks[i], &v->disks[i], err, errlen) < 0)
			return -1;
	return 0;
}

void snapshot_config(const struct snapshot_view *v, struct vm_config *cfg)
{
	cfg->ram_size = v->info.ram_size;
	cfg->n_cpus = v->info.n_vcpus;
	for (unsigned i = 0; i < v->n_files; i++) {
		const struct snapshot_file_id *f = &v->files[i];
		if (f->role == SNAP_FILE_IMAGE && !cfg->image_path)
			cfg->image_path = f->path;
		else if (f->role == SNAP_FILE_BOOT)
			cfg->boot_path = f->path;
		else if (f->role == SNAP_FILE_DISK && f->index < VM_MAX_DISKS) {
			cfg->disk_paths[f->index] = f->path;
			if (cfg->n_disks <= f->index)
				cfg->n_disks = f->index + 1;
		}
	}
}

/* ---- files --------------------------------------------------------------- */

int snapshot_read_file(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot read the snapshot %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SNAPSHOT_FILE_MAX) {
		snprintf(err, errlen, "the snapshot %s is not a regular file of at most 4 GiB",
		         path);
		close(fd);
		return -1;
	}
	size_t size = (size_t)st.st_size, got = 0;
	uint8_t *buf = malloc(size ? size : 1);
	while (buf && got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != size) {
		snprintf(err, errlen, "cannot read the snapshot %s: %s", path,
		         buf ? "short read" : "out of memory");
		free(buf);
		return -1;
	}
	*out = buf;
	*len = size;
	return 0;
}

int snapshot_write_file(const char *path, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "the file name is too long");
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t done = 0;
	while (fd >= 0 && done < len) {
		ssize_t n = write(fd, buf + done, len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	int saved = errno;
	if (fd < 0 || done != len || close(fd) < 0 || rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		         strerror(fd < 0 ? errno : saved));
		if (fd >= 0)
			unlink(tmp);
		return -1;
	}
	return 0;
}

/* ---- named snapshots ----------------------------------------------------- */

bool snapshot_name_ok(const char *name)
{
	size_t n =
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
	return n >= 1 && n <= SNAPSHOT_NAME_MAX && name[n] == 0;
}

static struct snapshot_entry **find_entry(struct snapshot_store *s, const char *name)
{
	struct snapshot_entry **e = &s->entries;
	while (*e && strcmp((*e)->name, name) != 0)
		e = &(*e)->next;
	return e;
}

int snapshot_store_save(struct vm *vm, const char *name, snapshot_shadow_fn shadow, void *ctx,
                        char *err, size_t errlen)
{
	struct snapshot_store *s = store_of(vm);
	struct snapshot_entry *fresh = calloc(1, sizeof(*fresh));
	if (!s || !fresh) {
		free(fresh);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (snapshot_encode(vm, shadow, ctx, &fresh->buf, &fresh->len, err, errlen) < 0) {
		free(fresh);
		return -1;
	}
	snprintf(fresh->name, sizeof(fresh->name), "%s", name);
	fresh->when = time(NULL);
	snapshot_store_delete(vm, name);
	struct snapshot_entry **tail = &s->entries;
	while (*tail)
		tail = &(*tail)->next;
	*tail = fresh; /* the list is in the order of saving */
	return 0;
}

const uint8_t *snapshot_store_find(struct vm *vm, const char *name, size_t *len)
{
	if (!vm->snapshots)
		return NULL;
	struct snapshot_entry *e = *find_entry(vm->snapshots, name);
	if (e)
		*len = e->len;
	return e ? e->buf : NULL;
}

int snapshot_store_delete(struct vm *vm, const char *name)
{
	if (!vm->snapshots)
		return -1;
	struct snapshot_entry **at = find_entry(vm->snapshots, name), *e = *at;
	if (!e)
		return -1;
	*at = e->next;
	free(e->buf);
	free(e);
	return 0;
}

size_t snapshot_store_list(struct vm *vm, char *buf, size_t len)
{
	size_t used = 0;
	if (len)
		buf[0] = 0;
	for (struct snapshot_entry *e = vm->snapshots ? vm->snapshots->entries : NULL; e;
	     e = e->next) {
		struct tm tm;
		char when[32];
		localtime_r(&e->when, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		int n = snprintf(buf + used, len - used, "%-20s %10zu bytes  %s\n", e->name, e->len,
		                 when);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return used;
}

void snapshot_store_free(struct vm *vm)
{
	if (!vm->snapshots)
		return;
	while (vm->snapshots->entries)
		snapshot_store_delete(vm, vm->snapshots->entries->name);
	free(vm->snapshots);
	vm->snapshots = NULL;
}
