/* The BIOS core: the ROM image, the POST state, the dispatch of trapped
 * vectors to the service families, the call log (see bios.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bios/bios.h"

#define IRET           0xcf
#define OUT_IMM8       0xe6
#define JMP_NEAR       0xe9
#define JMP_SHORT      0xeb
#define IRET_OFF       0xff53u /* the default handler, where PC BIOSes keep it */
#define EOI_MASTER_OFF 0xff00u
#define EOI_SLAVE_OFF  0xff10u
#define TIMER_TAIL_OFF 0xff20u
#define RESET_OFF      BIOS_RESET_IP
#define DATE_OFF       0xfff5u
#define MODEL_OFF      0xfffeu
#define RESET_VECTOR   256 /* the reset vector's trap: a pseudo-vector */
#define MOTOR_COUNT    0x440u
#define HARD_DISKS     0x475u
#define PIC1_CMD       0x20
#define PIC1_DATA      0x21
#define PIC2_CMD       0xa0
#define PIC2_DATA      0xa1
#define PIC_EOI        0x20

/* The vectors whose handler is C code behind a trap stub. */
static const uint8_t trapped[] = {0x08, 0x09, 0x10, 0x11, 0x12, 0x13, 0x14,
                                  0x15, 0x16, 0x17, 0x18, 0x19, 0x1a};

static bool is_trapped(int v)
{
	if (v == RESET_VECTOR)
		return true;
	for (size_t i = 0; i < sizeof(trapped); i++)
		if (trapped[i] == v)
			return true;
	return false;
}

static uint16_t stub_off(int vector)
{
	return (uint16_t)(BIOS_STUB_OFF + (unsigned)vector * BIOS_STUB_SIZE);
}

int bios_vector_at(uint32_t pc)
{
	uint32_t first = BIOS_BASE + BIOS_STUB_OFF + 2; /* behind the `out` */
	if (pc < first || (pc - first) % BIOS_STUB_SIZE)
		return -1;
	uint32_t v = (pc - first) / BIOS_STUB_SIZE;
	return v <= RESET_VECTOR && is_trapped((int)v) ? (int)v : -1;
}

uint32_t bios_wait_tail(int vector)
{
	return BIOS_BASE + stub_off(vector) + BIOS_STUB_WAIT;
}

/* ---- guest memory for int13.c: bounds-checked, code caches told ---- */

static int mem_read(void *ctx, uint32_t gpa, void *buf, uint32_t len)
{
	struct bios *b = ctx;
	struct bios_mem raw = bios_mem_over(&b->ram_view);
	return raw.read(raw.ctx, gpa, buf, len);
}

static int mem_write(void *ctx, uint32_t gpa, const void *buf, uint32_t len)
{
	struct bios *b = ctx;
	struct bios_mem raw = bios_mem_over(&b->ram_view);
	if (raw.write(raw.ctx, gpa, buf, len) < 0)
		return -1;
	bios_ram_written(b, gpa, len);
	return 0;
}

int bios_init(struct bios *b, uint8_t *ram, uint64_t ram_size, const struct bios_host *host)
{
	memset(b, 0, sizeof(*b));
	b->ram = ram;
	b->ram_size = ram_size;
	b->ram_view.base = ram;
	b->ram_view.size = ram_size > UINT32_MAX ? UINT32_MAX : (uint32_t)ram_size;
	b->mem = (struct bios_mem){b, mem_read, mem_write};
	b->host = *host;
	b->int13 = malloc(sizeof(*b->int13));
	if (!b->int13)
		return -ENOMEM;
	int13_init(b->int13, &b->mem, BIOS_SEG, BIOS_DPT_OFF);
	return 0;
}

void bios_destroy(struct bios *b)
{
	free(b->int13);
	b->int13 = NULL;
}

int bios_attach_disk(struct bios *b, struct disk *d, uint8_t drive)
{
	d->drive = drive;
	return int13_attach(b->int13, d);
}

/* ---- the ROM ------------------------------------------------------------ */

static void rom_bytes(struct bios *b, uint16_t off, const uint8_t *bytes, size_t n)
{
	memcpy(b->ram + BIOS_BASE + off, bytes, n);
}

static void write_stub(struct bios *b, int vector)
{
	uint16_t off = stub_off(vector);
	uint8_t s[BIOS_STUB_SIZE] = {OUT_IMM8, BIOS_TRAP_PORT, IRET, 0xfb /* sti */,
	                             0xf4 /* hlt */, 0xfa /* cli */, JMP_SHORT,
	                             (uint8_t)-(int)BIOS_STUB_SIZE};
	if (vector == 0x08) { /* the tick, then int 1Ch and the EOI */
		uint16_t rel = (uint16_t)(TIMER_TAIL_OFF - (off + 5));
		s[2] = JMP_NEAR;
		s[3] = (uint8_t)rel;
		s[4] = (uint8_t)(rel >> 8);
	} else if (vector == RESET_VECTOR) { /* no way back */
		s[2] = 0xfa;
		s[3] = 0xf4;
		s[4] = JMP_SHORT;
		s[5] = (uint8_t)-3;
	}
	rom_bytes(b, off, s, sizeof(s));
}

static void set_vector(struct bios *b, int vector, uint16_t seg, uint16_t off)
{
	bios_wr16(b, (uint32_t)vector * 4, off);
	bios_wr16(b, (uint32_t)vector * 4 + 2, seg);
}

/* The diskette parameter table of a 1.44M drive, as SeaBIOS's. */
static const uint8_t diskette_params[11] = {0xaf, 0x02, 0x25, 0x02, 0x12, 0x1b,
                                            0xff, 0x6c, 0xf6, 0x0f, 0x08};

/* int 15h AH=C0: 8 bytes after the length; feature byte 1: second PIC,
 * RTC (SeaBIOS's, without "int 9 calls int 15h/4F"). */
static const uint8_t config_table[10] = {0x08, 0x00, BIOS_MODEL, 0x00, 0x01, 0x60,
                                         0x00, 0x00, 0x00, 0x00};

static void write_rom(struct bios *b)
{
	static const uint8_t eoi_master[] = {0x50, 0xb0, PIC_EOI, OUT_IMM8, PIC1_CMD, 0x58, IRET};
	static const uint8_t eoi_slave[] = {0x50, 0xb0, PIC_EOI, OUT_IMM8, PIC2_CMD,
	                                    OUT_IMM8, PIC1_CMD, 0x58, IRET};
	static const uint8_t timer_tail[] = {0xcd, 0x1c, /* int $0x1c */
	                                     0x50, 0xb0, PIC_EOI, OUT_IMM8, PIC1_CMD, 0x58, IRET};
	static const uint8_t reset[] = {0xea, (uint8_t)(BIOS_STUB_OFF + RESET_VECTOR * 8),
	                                (uint8_t)((BIOS_STUB_OFF + RESET_VECTOR * 8) >> 8), 0x00,
	                                0xf0};
	memset(b->ram + BIOS_BASE, 0, BIOS_SIZE);
	b->ram[BIOS_BASE + IRET_OFF] = IRET;
	rom_bytes(b, EOI_MASTER_OFF, eoi_master, sizeof(eoi_master));
	rom_bytes(b, EOI_SLAVE_OFF, eoi_slave, sizeof(eoi_slave));
	rom_bytes(b, TIMER_TAIL_OFF, timer_tail, sizeof(timer_tail));
	rom_bytes(b, RESET_OFF, reset, sizeof(reset));
	rom_bytes(b, DATE_OFF, (const uint8_t *)"01/01/26", 8);
	b->ram[BIOS_BASE + MODEL_OFF] = BIOS_MODEL;
	rom_bytes(b, BIOS_DPT_OFF, diskette_params, sizeof(diskette_params));
	rom_bytes(b, BIOS_CONFIG_OFF, config_table, sizeof(config_table));
	for (size_t i = 0; i < sizeof(trapped); i++)
		write_stub(b, trapped[i]);
	write_stub(b, RESET_VECTOR);
}

static void write_ivt(struct bios *b)
{
	for (int v = 0; v < 256; v++)
		set_vector(b, v, BIOS_SEG, IRET_OFF);
	for (int v = 0x08; v < 0x10; v++)
		set_vector(b, v, BIOS_SEG, EOI_MASTER_OFF);
	for (int v = 0x70; v < 0x78; v++)
		set_vector(b, v, BIOS_SEG, EOI_SLAVE_OFF);
	for (size_t i = 0; i < sizeof(trapped); i++)
		set_vector(b, trapped[i], BIOS_SEG, stub_off(trapped[i]));
	set_vector(b, 0x1d, 0, 0); /* no video parameter table */
	set_vector(b, 0x1e, BIOS_SEG, BIOS_DPT_OFF);
	set_vector(b, 0x1f, 0, 0); /* no graphics font */
}

/* The equipment word: floppies (bit 0, count - 1 in bits 6-7), 80x25
 * colour (bits 4-5 = 10b), one serial port (bits 9-11). */
static uint16_t equipment(const struct bios *b)
{
	unsigned floppies = (b->int13->floppy[0] != NULL) + (b->int13->floppy[1] != NULL);
	uint16_t w = 0x0020 | 0x0200;
	if (floppies)
		w |= 0x0001 | (uint16_t)((floppies - 1) << 6);
	return w;
}

static void write_bda(struct bios *b)
{
	memset(b->ram + 0x400, 0, 0x100);
	bios_wr16(b, 0x400, 0x3f8); /* COM1 */
	bios_wr16(b, BDA_EQUIPMENT, equipment(b));
	bios_wr16(b, BDA_MEMORY_KIB, BIOS_EBDA_SEG / 64);
	bios_wr16(b, BDA_EBDA_SEG, BIOS_EBDA_SEG);
	bios_wr16(b, BDA_KBD_HEAD, BDA_KBD_BUF - 0x400);
	bios_wr16(b, BDA_KBD_TAIL, BDA_KBD_BUF - 0x400);
	bios_wr16(b, BDA_KBD_START, BDA_KBD_BUF - 0x400);
	bios_wr16(b, BDA_KBD_END, BDA_KBD_BUF_END - 0x400);
	bios_wr8(b, HARD_DISKS, (b->int13->hard[0] != NULL) + (b->int13->hard[1] != NULL));
	bios_wr8(b, 0x496, 0x10); /* a 101/102-key keyboard */
	memset(b->ram + BIOS_EBDA_SEG * 16, 0, 1024);
	bios_wr8(b, BIOS_EBDA_SEG * 16, 1); /* its size in KiB */
}

/* The 8259 pair as SeaBIOS leaves it: bases 0x08 and 0x70, IRQ 0 (timer),
 * 1 (keyboard) and 2 (cascade) open. */
static void program_pic(struct bios *b)
{
	static const struct {
		uint8_t port, value;
	} seq[] = {
	    {PIC1_CMD, 0x11}, {PIC2_CMD, 0x11}, {PIC1_DATA, 0x08}, {PIC2_DATA, 0x70},
	    {PIC1_DATA, 0x04}, {PIC2_DATA, 0x02}, {PIC1_DATA, 0x01}, {PIC2_DATA, 0x01},
	    {PIC1_DATA, 0xf8}, {PIC2_DATA, 0xff},
	};
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		b->host.outb(b->host.ctx, seq[i].port, seq[i].value);
}

/* Boot-time video state: mode 3, page 0, the cursor at the top left. */
static void video_post(struct bios *b)
{
	struct bios_call c = {.r = {.eax = 0x0003}};
	bios_video(b, &c);
}

void bios_post(struct bios *b, uint8_t boot_drive)
{
	b->boot_drive = boot_drive;
	memset(b->ram, 0, 0x400);
	write_rom(b);
	write_ivt(b);
	write_bda(b);
	program_pic(b);
	video_post(b);
	/* A far return from the boot sector lands in int 18h's stub. */
	bios_wr16(b, BIOS_BOOT_SP, stub_off(0x18));
	bios_wr16(b, BIOS_BOOT_SP + 2, BIOS_SEG);
	b->wait_armed = false;
	b->booted = false;
	b->calls = 0;
	memset(b->log, 0, sizeof(b->log));
	bios_ram_written(b, 0, 0x100000); /* the ROM's and the BDA's raw writes too */
}

/* ---- dispatch ----------------------------------------------------------- */

enum bios_outcome bios_unsupported(struct bios *b, int vector, struct bios_call *c)
{
	uint8_t ah = bios_hi(c->r.eax);
	if (!(b->noted[vector][ah / 8] & (1u << (ah % 8)))) {
		b->noted[vector][ah / 8] |= (uint8_t)(1u << (ah % 8));
		fprintf(stderr, "kvm-gdbstub: BIOS int %02xh AH=%02xh not supported\n", vector, ah);
	}
	bios_set_hi(&c->r.eax, vector == 0x15 ? 0x86 : 0x01);
	bios_set_cf(&c->r, true);
	return BIOS_DONE;
}

static enum bios_outcome call_disk(struct bios *b, struct bios_call *c)
{
	int13_call(b->int13, &c->r);
	return BIOS_DONE;
}

static enum bios_outcome dispatch(struct bios *b, int vector, struct bios_call *c)
{
	switch (vector) {
	case 0x08:
		bios_irq_timer(b);
		return BIOS_DONE;
	case 0x09:
		bios_irq_keyboard(b);
		b->host.outb(b->host.ctx, PIC1_CMD, PIC_EOI);
		return BIOS_DONE;
	case 0x10:
		return bios_video(b, c);
	case 0x13:
		return call_disk(b, c);
	case 0x16:
		return bios_keyboard(b, c);
	case RESET_VECTOR:
		if (b->booted)
			return BIOS_RESET;
		b->booted = true;
		return BIOS_BOOT;
	default:
		return bios_system(b, vector, c);
	}
}

static bool logged(int vector)
{
	/* interrupts would flood the log; the boot is no call */
	return vector != 0x08 && vector != 0x09 && vector != RESET_VECTOR;
}

enum bios_outcome bios_call(struct bios *b, int vector, struct bios_call *c)
{
	struct bios_regs in = c->r;
	enum bios_outcome o = dispatch(b, vector, c);
	if (logged(vector) && o != BIOS_WAIT) { /* a wait is logged once it ends */
		struct bios_log_entry *e = &b->log[b->calls % BIOS_LOG_SIZE];
		*e = (struct bios_log_entry){(uint8_t)vector, in, c->r, o, ++b->calls};
	}
	return o;
}

unsigned bios_log(const struct bios *b, struct bios_log_entry *out)
{
	unsigned n = b->calls < BIOS_LOG_SIZE ? (unsigned)b->calls : BIOS_LOG_SIZE;
	for (unsigned i = 0; i < n; i++)
		out[i] = b->log[(b->calls - n + i) % BIOS_LOG_SIZE];
	return n;
}
