/* Unit tests for machine snapshots (src/vmm/snapshot.c): a VM on the
 * built-in CPU round-trips through the encoding; every damaged encoding is
 * refused by snapshot_parse (each byte flipped, each kind of truncation,
 * and structural damage behind a valid checksum); snapshot_check refuses a
 * machine of another shape or guest; names; the clock's offset API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bios/disk.h"
#include "hw/clock.h"
#include "vmm/boot.h"
#include "vmm/snapshot.h"
#include "vmm/vm.h"

#include "check.h"

static char image_a[64], image_b[64];

static void write_image(char *path, const char *tmpl, const uint8_t *bytes, size_t n)
{
	snprintf(path, 64, "%s", tmpl);
	int fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, bytes, n) == (ssize_t)n);
	close(fd);
}

static void sink_write(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx, (void)buf, (void)len;
}

/* A VM on the built-in CPU, reset: 0, or -1 (destroy it anyway). */
static int make_vm_cfg(struct vm *vm, const struct vm_config *cfg)
{
	char err[300];
	struct console_sink sink = {sink_write, NULL, NULL};
	if (vm_create(vm, cfg, sink, -1, err, sizeof(err)) < 0 ||
	    vm_reset(vm, err, sizeof(err)) < 0) {
		fprintf(stderr, "make_vm: %s\n", err);
		return -1;
	}
	return 0;
}

static int make_vm(struct vm *vm, const char *image, uint64_t ram)
{
	struct vm_config cfg = {.ram_size = ram, .accel = ACCEL_EMU, .image_path = image};
	return make_vm_cfg(vm, &cfg);
}

/* Recompute the trailer after a test changed bytes on purpose. */
static void fix_crc(uint8_t *buf, size_t len)
{
	uint32_t crc = snapshot_crc32(0, buf, len - SNAPSHOT_TRAILER_SIZE);
	memcpy(buf + len - SNAPSHOT_TRAILER_SIZE, &crc, 4);
}

/* Offset of the payload of the first section of type, or 0. */
static size_t section_at(const uint8_t *buf, size_t len, uint32_t type, uint64_t *n)
{
	size_t off = SNAPSHOT_HEADER_SIZE;
	while (off + SNAPSHOT_SECTION_HEAD <= len - SNAPSHOT_TRAILER_SIZE) {
		uint32_t t;
		memcpy(&t, buf + off, 4);
		memcpy(n, buf + off + 4, 8);
		if (t == type)
			return off + SNAPSHOT_SECTION_HEAD;
		off += SNAPSHOT_SECTION_HEAD + *n;
	}
	return 0;
}

static int parse(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	static struct snapshot_view v;
	return snapshot_parse(buf, len, &v, err, errlen);
}

static void test_round_trip(struct vm *vm)
{
	static struct snapshot_view v;
	char err[300];
	uint8_t *buf;
	size_t len;
	struct vcpu_state st, now;

	/* A state worth saving: registers, RAM, a device register, the clock. */
	CHECK(vcpu_get_state(vm->vcpu, &st) == 0);
	st.gpr[GPR_EAX] = 0x12345678;
	st.eip = 0x42;
	CHECK(vcpu_set_state(vm->vcpu, &st) == 0);
	memset(vm->ram + 0x8000, 0xab, 100);
	vm->ram[vm->ram_size - 1] = 7;
	vm->board.pic.state.chip[0].imr = 0x5a;
	vm->uart.scr = 0x99;
	vclock_set_now(&vm->board.clock, 5 * NS_PER_SEC);
	vm->cpu->halted = true;
	CHECK(snapshot_encode(vm, NULL, NULL, &buf, &len, err, sizeof(err)) == 0);
	/* Zero pages cost a bit: 1 MiB of RAM with three used pages. */
	CHECK(len < 4 * SNAPSHOT_PAGE_SIZE + 8192);
	CHECK(memcmp(buf, SNAPSHOT_MAGIC, SNAPSHOT_MAGIC_LEN) == 0);

	/* Change everything, then load. */
	st.gpr[GPR_EAX] = 0;
	st.eip = 0;
	CHECK(vcpu_set_state(vm->vcpu, &st) == 0);
	memset(vm->ram + 0x8000, 0, 100);
	vm->ram[0x20000] = 1;
	vm->ram[vm->ram_size - 1] = 0;
	vm->board.pic.state.chip[0].imr = 0;
	vm->uart.scr = 0;
	vclock_set_now(&vm->board.clock, 99 * NS_PER_SEC);
	vm->cpu->halted = false;
	CHECK(snapshot_parse(buf, len, &v, err, sizeof(err)) == 0);
	CHECK(v.info.ram_size == vm->ram_size && v.info.n_vcpus == 1 && v.n_files == 1);
	CHECK(snapshot_check(vm, &v, false, err, sizeof(err)) == 0);
	CHECK(snapshot_apply(vm, &v, err, sizeof(err)) == 0);
	CHECK(vcpu_get_state(vm->vcpu, &now) == 0);
	CHECK(now.gpr[GPR_EAX] == 0x12345678 && now.eip == 0x42);
	CHECK(vm->ram[0x8000] == 0xab && vm->ram[0x8063] == 0xab && vm->ram[0x8064] == 0);
	CHECK(vm->ram[0x20000] == 0 && vm->ram[vm->ram_size - 1] == 7);
	CHECK(vm->board.pic.state.chip[0].imr == 0x5a && vm->uart.scr == 0x99 && vm->cpu->halted);
	/* Time goes on from the saved moment (not from 99 s). */
	uint64_t t = vclock_now(&vm->board.clock);
	CHECK(t >= 5 * NS_PER_SEC && t < 6 * NS_PER_SEC);

	/* The same state encodes to the same bytes, the creation time aside. */
	uint8_t *again;
	size_t again_len;
	CHECK(snapshot_encode(vm, NULL, NULL, &again, &again_len, err, sizeof(err)) == 0);
	CHECK(again_len == len);
	free(again);
	free(buf);
}

/* A shadow callback sees every page and its bytes are what is stored. */
static void shadow_ff(void *ctx, uint32_t addr, uint8_t *buf, size_t len)
{
	(void)len;
	unsigned *pages = ctx;
	(*pages)++;
	if (addr == 0x3000)
		buf[5] = 0xee;
}

static void test_shadow(struct vm *vm)
{
	static struct snapshot_view v;
	char err[300];
	uint8_t *buf;
	size_t len;
	unsigned pages = 0;
	CHECK(snapshot_encode(vm, shadow_ff, &pages, &buf, &len, err, sizeof(err)) == 0);
	CHECK(pages == vm->ram_size / SNAPSHOT_PAGE_SIZE);
	CHECK(vm->ram[0x3005] == 0); /* the VM's RAM itself is untouched */
	CHECK(snapshot_parse(buf, len, &v, err, sizeof(err)) == 0);
	CHECK(snapshot_apply(vm, &v, err, sizeof(err)) == 0);
	CHECK(vm->ram[0x3005] == 0xee);
	vm->ram[0x3005] = 0;
	free(buf);
}

/* Every single flipped byte, every truncation: refused with a reason. */
static void test_damage(const uint8_t *good, size_t len)
{
	char err[300];
	uint8_t *buf = malloc(len);
	memcpy(buf, good, len);
	CHECK(parse(buf, len, err, sizeof(err)) == 0);
	unsigned accepted = 0;
	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x24;
		err[0] = 0;
		accepted += parse(buf, len, err, sizeof(err)) == 0 || !err[0];
		buf[i] ^= 0x24;
	}
	CHECK(accepted == 0);
	accepted = 0;
	for (size_t cut = 0; cut < len; cut += cut < 64 ? 1 : 997)
		accepted += parse(buf, cut, err, sizeof(err)) == 0;
	CHECK(accepted == 0);
	CHECK(parse(buf, len - 1, err, sizeof(err)) < 0 && strstr(err, "checksum"));
	CHECK(parse(buf, 10, err, sizeof(err)) < 0 && strstr(err, "truncated"));
	CHECK(parse(buf, 0, err, sizeof(err)) < 0 && strstr(err, "not a kvm-gdbstub snapshot"));

	buf[0] = 'X';
	CHECK(parse(buf, len, err, sizeof(err)) < 0 && strstr(err, "not a kvm-gdbstub snapshot"));
	buf[0] = 'K';
	buf[6] = 2; /* version 2, checksum fixed: the version is what is wrong */
	fix_crc(buf, len);
	CHECK(parse(buf, len, err, sizeof(err)) < 0 && strstr(err, "format version 2"));
	free(buf);
}

/* Structural damage behind a valid checksum (a writer's bug, or a file
 * made by hand): each is found by its own check. */
static void test_structure(const uint8_t *good, size_t len)
{
	char err[300];
	uint8_t *buf = malloc(len + 64);
	uint64_t n;
	struct {
		const char *what;
		size_t at; /* offset of a u32 to overwrite */
		uint32_t value;
		const char *reason;
	} cases[] = {
	    {"header flags", 8, 1, "unknown header flags"},
	    {"section count + 1", 12, 0, "truncated"},
	    {"section count - 1", 12, 0, "bytes after the last section"},
	    {"too many sections", 12, 1000, "sections (at most"},
	    {"first section type", SNAPSHOT_HEADER_SIZE, 99, "unknown type"},
	    {"first section not INFO", SNAPSHOT_HEADER_SIZE, SNAP_SEC_UART, "first section"},
	    {"RAM size", 0, 12345, "RAM size"},
	    {"vCPU count", 0, 3, "VCPU sections"},
	    {"INFO flags", 0, 0x80, "unknown INFO flags"},
	};
	uint32_t count;
	memcpy(&count, good + 12, 4);
	cases[1].value = count + 1;
	cases[2].value = count - 1;
	size_t info = section_at(good, len, SNAP_SEC_INFO, &n);
	cases[6].at = info;      /* ram_size, low half */
	cases[7].at = info + 8;  /* n_vcpus */
	cases[8].at = info + 12; /* flags */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(buf, good, len);
		memcpy(buf + cases[i].at, &cases[i].value, 4);
		fix_crc(buf, len);
		err[0] = 0;
		int r = parse(buf, len, err, sizeof(err));
		if (r == 0 || !strstr(err, cases[i].reason))
			fprintf(stderr, "structure case '%s': got '%s'\n", cases[i].what, err);
		CHECK(r < 0 && strstr(err, cases[i].reason));
	}

	/* The RAM bitmap claims a page more than the section holds. */
	memcpy(buf, good, len);
	size_t ram = section_at(buf, len, SNAP_SEC_RAM, &n);
	uint8_t *map = buf + ram + 12;
	size_t bit = 0;
	while (map[bit / 8] & (1u << (bit % 8)))
		bit++;
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
	fix_crc(buf, len);
	CHECK(parse(buf, len, err, sizeof(err)) < 0 && strstr(err, "bitmap says"));

	/* A path with a NUL in it. */
	memcpy(buf, good, len);
	size_t file = section_at(buf, len, SNAP_SEC_FILE, &n);
	buf[file + 28 + 1] = 0;
	fix_crc(buf, len);
	CHECK(parse(buf, len, err, sizeof(err)) < 0 && strstr(err, "NUL"));

	/* A second INFO section appended (count + 1). */
	memcpy(buf, good, len - SNAPSHOT_TRAILER_SIZE);
	size_t at = len - SNAPSHOT_TRAILER_SIZE;
	uint64_t info_len = sizeof(struct snapshot_info);
	uint32_t type = SNAP_SEC_INFO;
	memcpy(buf + at, &type, 4);
	memcpy(buf + at + 4, &info_len, 8);
	memcpy(buf + at + 12, good + info, info_len);
	size_t grown = at + 12 + info_len + SNAPSHOT_TRAILER_SIZE;
	uint32_t more = count + 1;
	memcpy(buf + 12, &more, 4);
	fix_crc(buf, grown);
	CHECK(parse(buf, grown, err, sizeof(err)) < 0 && strstr(err, "too many INFO"));
	free(buf);
}

static void test_check(struct vm *vm, const uint8_t *snap, size_t len)
{
	static struct snapshot_view v;
	char err[300];
	struct vm other;
	CHECK(snapshot_parse(snap, len, &v, err, sizeof(err)) == 0);
	/* Another guest image: refused, unless forced. */
	CHECK(make_vm(&other, image_b, vm->ram_size) == 0);
	CHECK(snapshot_check(&other, &v, false, err, sizeof(err)) < 0 &&
	      strstr(err, "another guest") && strstr(err, image_a + 5));
	CHECK(snapshot_check(&other, &v, true, err, sizeof(err)) == 0);
	vm_destroy(&other);
	/* Another RAM size: refused, even forced. */
	CHECK(make_vm(&other, image_a, 2 * vm->ram_size) == 0);
	CHECK(snapshot_check(&other, &v, true, err, sizeof(err)) < 0 && strstr(err, "RAM"));
	vm_destroy(&other);
}

/* --boot: the disk overlay's written sectors and the BIOS state come back;
 * a sector written after the save is gone. */
static void test_boot_disk(void)
{
	static struct snapshot_view v;
	static uint8_t disk[8 * 512];
	char path[64], err[300];
	struct vm vm;
	uint8_t sector[512], back[512];
	uint8_t *buf;
	size_t len;
	disk[510] = 0x55, disk[511] = 0xaa;
	disk[0] = 0xf4;
	write_image(path, "/tmp/snapshot-disk.XXXXXX", disk, sizeof(disk));
	struct vm_config cfg = {.ram_size = 1 << 20, .accel = ACCEL_EMU, .boot_path = path};
	if (make_vm_cfg(&vm, &cfg) < 0) {
		CHECK(!"a --boot VM");
		vm_destroy(&vm);
		unlink(path);
		return;
	}
	struct disk *d = &vm.boot->disks[0];
	memset(sector, 0x3c, sizeof(sector));
	CHECK(disk_write(d, 5, 1, sector) == 0);
	vm.boot->bios.calls = 77;
	CHECK(snapshot_encode(&vm, NULL, NULL, &buf, &len, err, sizeof(err)) == 0);
	memset(sector, 0x11, sizeof(sector));
	CHECK(disk_write(d, 5, 1, sector) == 0 && disk_write(d, 6, 1, sector) == 0);
	vm.boot->bios.calls = 0;
	CHECK(snapshot_parse(buf, len, &v, err, sizeof(err)) == 0 && v.n_disks == 1 && v.has_bios);
	CHECK(v.disks[0].n == 1);
	CHECK(snapshot_check(&vm, &v, false, err, sizeof(err)) == 0);
	CHECK(snapshot_apply(&vm, &v, err, sizeof(err)) == 0);
	CHECK(disk_read(d, 5, 1, back) == 0 && back[0] == 0x3c && back[511] == 0x3c);
	CHECK(disk_read(d, 6, 1, back) == 0 && back[0] == 0); /* the file's sector again */
	CHECK(vm.boot->bios.calls == 77);
	/* A sector past the disk is refused before anything is loaded. */
	size_t at;
	uint64_t n;
	at = section_at(buf, len, SNAP_SEC_DISK, &n);
	uint64_t lba = 8;
	memcpy(buf + at + 16, &lba, 8);
	fix_crc(buf, len);
	CHECK(snapshot_parse(buf, len, &v, err, sizeof(err)) == 0);
	CHECK(snapshot_check(&vm, &v, false, err, sizeof(err)) < 0 && strstr(err, "sector 8"));
	free(buf);
	vm_destroy(&vm);
	unlink(path);
}

static void test_names(void)
{
	CHECK(snapshot_name_ok("a") && snapshot_name_ok("Ab.9_-x"));
	char longest[SNAPSHOT_NAME_MAX + 2];
	memset(longest, 'n', sizeof(longest));
	longest[SNAPSHOT_NAME_MAX] = 0;
	CHECK(snapshot_name_ok(longest));
	longest[SNAPSHOT_NAME_MAX] = 'n';
	longest[SNAPSHOT_NAME_MAX + 1] = 0;
	CHECK(!snapshot_name_ok(longest));
	CHECK(!snapshot_name_ok("") && !snapshot_name_ok("a b") && !snapshot_name_ok("a/b") &&
	      !snapshot_name_ok("ä") && !snapshot_name_ok("a\n"));
}

static void test_store(struct vm *vm)
{
	char err[300], list[512];
	size_t len;
	CHECK(snapshot_store_find(vm, "x", &len) == NULL);
	CHECK(snapshot_store_save(vm, "x", NULL, NULL, err, sizeof(err)) == 0);
	CHECK(snapshot_store_save(vm, "y", NULL, NULL, err, sizeof(err)) == 0);
	CHECK(snapshot_store_save(vm, "x", NULL, NULL, err, sizeof(err)) == 0); /* replaced */
	CHECK(snapshot_store_find(vm, "x", &len) != NULL && len > SNAPSHOT_HEADER_SIZE);
	snapshot_store_list(vm, list, sizeof(list));
	unsigned lines = 0;
	for (const char *c = list; *c; c++)
		lines += *c == '\n';
	CHECK(strncmp(list, "y ", 2) == 0 && strstr(list, "\nx ") && lines == 2); /* saving order */
	CHECK(snapshot_store_delete(vm, "x") == 0 && snapshot_store_delete(vm, "x") < 0);
	CHECK(snapshot_store_find(vm, "x", &len) == NULL);
}

static uint64_t counter;
static uint64_t counter_source(void *opaque)
{
	(void)opaque;
	return counter;
}

static void test_clock(void)
{
	struct vclock clk;
	vclock_init(&clk, 0);
	vclock_set_now(&clk, 1000 * NS_PER_SEC); /* far past the host's uptime, maybe */
	uint64_t t = vclock_now(&clk);
	CHECK(t >= 1000 * NS_PER_SEC && t < 1001 * NS_PER_SEC);
	vclock_set_source(&clk, counter_source, NULL);
	counter = 500;
	vclock_set_now(&clk, 100);
	CHECK(vclock_now(&clk) == 100);
	counter = 600;
	CHECK(vclock_now(&clk) == 200);
	CHECK(vclock_source_time(&clk, 300) == 700 && vclock_source_time(&clk, 100) == 500);
	vclock_set_now(&clk, 10000);
	CHECK(vclock_source_time(&clk, 0) == 0); /* before the source's start */
}

static void test_checksums(void)
{
	CHECK(snapshot_crc32(0, (const uint8_t *)"123456789", 9) == 0xcbf43926u);
	CHECK(snapshot_fnv1a(SNAPSHOT_FNV_INIT, (const uint8_t *)"a", 1) == 0xaf63dc4c8601ec8cull);
}

int main(void)
{
	static const uint8_t a[] = {0xf4, 1, 2, 3}, b[] = {0xf4, 9};
	struct vm vm;
	char err[300];
	uint8_t *snap;
	size_t len;

	test_checksums();
	test_names();
	test_clock();
	test_boot_disk();
	write_image(image_a, "/tmp/snapshot-a.XXXXXX", a, sizeof(a));
	write_image(image_b, "/tmp/snapshot-b.XXXXXX", b, sizeof(b));
	if (make_vm(&vm, image_a, 1 << 20) == 0) {
		test_round_trip(&vm);
		test_shadow(&vm);
		test_store(&vm);
		CHECK(snapshot_encode(&vm, NULL, NULL, &snap, &len, err, sizeof(err)) == 0);
		test_damage(snap, len);
		test_structure(snap, len);
		test_check(&vm, snap, len);
		free(snap);
	} else {
		CHECK(!"a VM on the built-in CPU");
	}
	vm_destroy(&vm);
	unlink(image_a);
	unlink(image_b);
	return check_status("test_snapshot");
}
