/* libFuzzer target: sequences of BIOS service calls (src/bios/bios.c,
 * video.c, keyboard.c, system.c and int 13h through them) on a machine
 * after bios_post, as the VMM makes them when a guest's `int` traps.
 *
 * The input is a series of 48-byte records, at most MAX_CALLS of them:
 *   0      the vector, an index into vectors[] (IRQ 0/1, int 10h-1Ah, the
 *          reset vector's pseudo-vector)
 *   1      what every port read returns (port 0x60's scan code, CMOS, COM1)
 *   2-3    virtual microseconds that pass before the call (int 15h AH=86)
 *   4-19   EAX EBX ECX EDX, little-endian, 32 bits (E820 needs them)
 *   20-29  SI DI BP ES DS
 *   30     CF and ZF of the caller's FLAGS (the rest is 0x202)
 *   31     bit 0: the data goes to DS:SI, else ES:BP; bit 1: no data
 *   32-47  bytes stored at that address before the call, when RAM holds
 *          them (int 10h AH=13 strings, int 13h DAPs)
 * The machine: 1 MiB of RAM, a 360K floppy as drive 0 (a memfd image with
 * a write overlay, reopened for every input) and fake ports.
 *
 * Contract checked beyond crashes: RAM is malloc'ed to the byte plus a
 * guard (poisoned under ASan, compared after every input otherwise), so no
 * service reaches past RAM; ram_written only reports RAM; FLAGS bits other
 * than CF, and ZF outside int 16h, come back as given; an unsupported call
 * is CF=1 with AH=01 (int 15h: 86h) and an int 13h error has AH != 0;
 * int 1Ah's services clear CF; a successful E820 answers "SMAP"; only int
 * 16h AH=00/10 and int 15h AH=86 wait, only int 18h/19h end the guest and
 * only the reset vector boots or resets; int 10h writes nothing between
 * the text pages' end and the ROM.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bios/bios.h"
#include "bios/disk.h"

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(a, n)   ((void)(a), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(a, n) ((void)(a), (void)(n))
#endif

/* The corpus replay.c runs when given no directory. */
const char fuzz_corpus_name[] = "bios";

#define RAM_SIZE    0x100000u /* 1 MiB: what bios_init asks at least */
#define GUARD       4096u
#define GUARD_BYTE  0xa5
#define RECORD      48
#define DATA_OFF    32
#define MAX_CALLS   64
#define FLOPPY_SZ   (360u * 1024)
#define RESET_VEC   256 /* bios.c's pseudo-vector of the reset stub */
#define TEXT_END    0xc0000u /* the 8 text pages end here ... */
#define OUTSIDE_LEN 0x10000u /* ... and int 10h could reach this far past */
#define SMAP        0x534d4150u

static const int vectors[] = {0x08, 0x09, 0x10, 0x10, 0x10, 0x11, 0x12, 0x13,
                              0x14, 0x15, 0x15, 0x16, 0x16, 0x17, 0x18, 0x19,
                              0x1a, 0x1a, RESET_VEC};
#define N_VECTORS (sizeof(vectors) / sizeof(vectors[0]))

static uint8_t *ram;
static struct bios bios;
static uint8_t noted[sizeof(bios.noted)]; /* say each unsupported AH once per run */
static int floppy_fd = -1;
static struct disk floppy;
static uint8_t port_value; /* what the current record's port reads return */
static uint64_t now_ns;
static uint8_t outside[OUTSIDE_LEN];

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_bios: %s\n", what);
	abort();
}

/* ---- the fake machine around the services ---- */

static uint8_t f_inb(void *ctx, uint16_t port)
{
	(void)ctx;
	return (uint8_t)(port_value ^ (port == 0x60 ? 0 : port));
}

static void f_outb(void *ctx, uint16_t port, uint8_t v)
{
	(void)ctx;
	(void)port;
	(void)v;
}

static void f_written(void *ctx, uint32_t gpa, uint32_t len)
{
	(void)ctx;
	if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
		fail("ram_written reports memory past RAM");
}

static void f_text(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	(void)s;
	if (len == 0 || len > 4)
		fail("text_out got no character or more than one");
}

static void f_cursor(void *ctx, unsigned row, unsigned col)
{
	(void)ctx;
	(void)row;
	(void)col;
}

static uint64_t f_now(void *ctx)
{
	(void)ctx;
	return now_ns;
}

static void f_wake(void *ctx, uint64_t ns)
{
	(void)ctx;
	if (ns <= now_ns)
		fail("wake_at asked for a time already passed");
}

static bool f_a20(void *ctx, int on)
{
	(void)ctx;
	return on != 0;
}

static const struct bios_host host = {NULL, f_inb, f_outb, f_written, f_text,
                                      f_cursor, f_now, f_wake, f_a20};

/* The floppy: a patterned memfd, opened afresh with an empty overlay. */
static void floppy_up(void)
{
	static uint8_t content[FLOPPY_SZ];
	char path[64], err[200];

	if (floppy_fd < 0) {
		floppy_fd = memfd_create("bios-fd0", MFD_CLOEXEC);
		if (floppy_fd < 0)
			fail("memfd_create failed");
		for (uint32_t i = 0; i < FLOPPY_SZ; i++)
			content[i] = (uint8_t)(i / DISK_SECTOR_SIZE * 7 + i);
		if (pwrite(floppy_fd, content, FLOPPY_SZ, 0) != (ssize_t)FLOPPY_SZ)
			fail("cannot write the image");
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", floppy_fd);
	if (disk_open(&floppy, path, false, err, sizeof(err)) < 0)
		fail(err);
	if (bios_attach_disk(&bios, &floppy, 0x00) < 0)
		fail("bios_attach_disk refused the floppy");
}

/* ---- one call ---- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static void load_regs(struct bios_call *c, const uint8_t *rec)
{
	memset(c, 0, sizeof(*c));
	c->r.eax = get32(rec + 4);
	c->r.ebx = get32(rec + 8);
	c->r.ecx = get32(rec + 12);
	c->r.edx = get32(rec + 16);
	c->r.esi = get16(rec + 20);
	c->r.edi = get16(rec + 22);
	c->ebp = get16(rec + 24);
	c->r.es = get16(rec + 26);
	c->r.ds = get16(rec + 28);
	c->r.flags = 0x202u | (rec[30] & (BIOS_FLAG_CF | BIOS_FLAG_ZF));
}

static void store_data(const struct bios_call *c, const uint8_t *rec)
{
	if (rec[31] & 2)
		return;
	uint32_t at = rec[31] & 1 ? bios_linear(c->r.ds, bios_x(c->r.esi))
	                          : bios_linear(c->r.es, bios_x(c->ebp));
	bios.mem.write(bios.mem.ctx, at, rec + DATA_OFF, RECORD - DATA_OFF);
}

/* The outcomes each vector may have besides BIOS_DONE. */
static bool outcome_allowed(int vector, uint8_t ah, enum bios_outcome o)
{
	switch (o) {
	case BIOS_DONE:
		return vector != RESET_VEC && vector != 0x18 && vector != 0x19;
	case BIOS_WAIT:
		return (vector == 0x16 && (ah == 0x00 || ah == 0x10)) || (vector == 0x15 && ah == 0x86);
	case BIOS_EXIT:
		return vector == 0x18 || vector == 0x19;
	case BIOS_RESET:
	case BIOS_BOOT:
		return vector == RESET_VEC;
	}
	return false;
}

/* CF and AH as the vector's conventions have them. */
static void check_status(int vector, uint8_t ah_in, const struct bios_regs *in,
                         const struct bios_regs *r)
{
	uint32_t eax_in = in->eax;
	bool cf = bios_cf(r);
	uint8_t ah = bios_hi(r->eax);

	if (vector == 0x13 && cf && ah == 0)
		fail("int 13h: CF without an error code");
	if (vector == 0x1a && ah_in <= 0x05 && cf)
		fail("int 1Ah: a supported service set CF");
	if (vector == 0x1a && ah_in > 0x05 && (!cf || ah != 0x01))
		fail("int 1Ah: an unsupported service without CF and AH=01");
	if (vector == 0x15 && cf && ah_in != 0x4f && ah != 0x86)
		fail("int 15h: CF with AH other than 86h");
	if (vector == 0x15 && (eax_in & 0xffff) == 0xe820 && !cf && r->eax != SMAP)
		fail("int 15h E820: success without SMAP in EAX");
	/* int 10h and 16h leave CF alone but to report an unsupported call */
	if ((vector == 0x10 || vector == 0x16) && cf && !bios_cf(in) && ah != 0x01)
		fail("an unsupported service without AH=01");
}

static void call(const uint8_t *rec)
{
	int vector = vectors[rec[0] % N_VECTORS];
	struct bios_call c;

	port_value = rec[1];
	now_ns += (uint64_t)get16(rec + 2) * 1000;
	load_regs(&c, rec);
	store_data(&c, rec);
	if (vector == 0x10)
		memcpy(outside, ram + TEXT_END, OUTSIDE_LEN);
	struct bios_regs in = c.r;
	uint8_t ah_in = bios_hi(c.r.eax);
	enum bios_outcome o = bios_call(&bios, vector, &c);

	uint32_t kept = BIOS_FLAG_CF | (vector == 0x16 ? BIOS_FLAG_ZF : 0);
	if ((c.r.flags ^ in.flags) & ~kept)
		fail("flags other than CF (and int 16h's ZF) changed");
	if (!outcome_allowed(vector, ah_in, o))
		fail("an outcome the vector does not have");
	if (o == BIOS_DONE)
		check_status(vector, ah_in, &in, &c.r);
	if (vector == 0x10 && memcmp(outside, ram + TEXT_END, OUTSIDE_LEN) != 0)
		fail("int 10h wrote past the text pages");
}

static void guard_check(void)
{
	ASAN_UNPOISON_MEMORY_REGION(ram + RAM_SIZE, GUARD);
	for (uint32_t i = 0; i < GUARD; i++)
		if (ram[RAM_SIZE + i] != GUARD_BYTE)
			fail("a write past the end of RAM");
	ASAN_POISON_MEMORY_REGION(ram + RAM_SIZE, GUARD);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ram) {
		ram = malloc(RAM_SIZE + GUARD);
		if (!ram)
			abort();
		memset(ram + RAM_SIZE, GUARD_BYTE, GUARD);
		ASAN_POISON_MEMORY_REGION(ram + RAM_SIZE, GUARD);
	}
	memset(ram, 0, RAM_SIZE);
	now_ns = 0;
	if (bios_init(&bios, ram, RAM_SIZE, &host) < 0)
		abort();
	memcpy(bios.noted, noted, sizeof(noted));
	floppy_up();
	bios_post(&bios, 0x00);

	for (size_t n = 0; n < MAX_CALLS && (n + 1) * RECORD <= size; n++)
		call(data + n * RECORD);

	struct bios_log_entry log[BIOS_LOG_SIZE];
	if (bios_log(&bios, log) > BIOS_LOG_SIZE)
		fail("bios_log returned more than its size");
	guard_check();
	memcpy(noted, bios.noted, sizeof(noted));
	bios_destroy(&bios);
	disk_close(&floppy);
	return 0;
}
