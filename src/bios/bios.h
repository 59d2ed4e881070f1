/* The PC BIOS of --boot: a small ROM image the VMM writes into guest RAM at
 * F0000-FFFFF, whose interrupt handlers trap into C code here.
 *
 * The ROM: the IVT (0x000-0x3FF) points every serviced vector at a stub
 * F000:stub = `out %al, $BIOS_TRAP_PORT; iret`, followed by a wait tail
 * `sti; hlt; cli; jmp stub`.  The VMM sees the `out`, finds the vector from
 * the stub's address (bios_vector_at), completes the `out`, reads the
 * registers, calls bios_call(), writes the registers back and copies CF and
 * ZF into the FLAGS image the `int` pushed, so that `iret` returns them.
 * A service that must wait (int 16h AH=00 with no key, int 15h AH=86)
 * answers BIOS_WAIT: the VMM moves IP to the wait tail, the guest sleeps in
 * `hlt` with interrupts on until an interrupt, and the call is made again.
 * IRQ 0 and IRQ 1 have stubs of their own (tick count and int 1Ch, the
 * keyboard ring); other vectors point at an `iret` (software interrupts)
 * or an EOI-and-iret (the other hardware interrupts).
 *
 * Fixed places, as on PC BIOSes: the diskette parameter table at
 * F000:EFC7 (int 1Eh), the configuration table of int 15h AH=C0 at
 * F000:E6F5, the date at F000:FFF5, the model byte 0xFC at F000:FFFE and
 * the reset vector at F000:FFF0, where the CPU starts: its first pass
 * (BIOS_BOOT) enters the boot sector at 0000:7C00, as a BIOS's POST ends,
 * so that a debugger attached at the start sees the jump to 0x7C00;
 * later ones are a reset (BIOS_RESET).  The BDA is filled as SeaBIOS leaves it
 * for the boot sector (see bios_post).
 *
 * The services (video.c, keyboard.c, system.c, int 13h through int13.c)
 * know nothing of KVM or the run loop: they reach the machine through
 * guest RAM and struct bios_host's hooks, so that unit tests can drive
 * them over a plain buffer.
 */
#ifndef KVM_GDBSTUB_BIOS_BIOS_H
#define KVM_GDBSTUB_BIOS_BIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bios/bios_regs.h"
#include "bios/int13.h"

#define BIOS_TRAP_PORT  0xec
#define BIOS_SEG        0xf000u
#define BIOS_BASE       0xf0000u
#define BIOS_SIZE       0x10000u
#define BIOS_STUB_OFF   0x1000u /* the trap stubs, BIOS_STUB_SIZE bytes each */
#define BIOS_STUB_SIZE  8u
#define BIOS_STUB_WAIT  3u      /* the wait tail, from the stub's start */
#define BIOS_DPT_OFF    0xefc7u /* diskette parameter table (int 1Eh) */
#define BIOS_CONFIG_OFF 0xe6f5u /* int 15h AH=C0's table */
#define BIOS_MODEL      0xfcu
#define BIOS_EBDA_SEG   0x9fc0u /* 639 KiB of base memory, then the EBDA */
#define BIOS_BOOT_SP    0x6f2cu /* SeaBIOS's SP at the boot sector's entry */
#define BIOS_BOOT_ADDR  0x7c00u
#define BIOS_RESET_IP   0xfff0u
#define BIOS_LOG_SIZE   32
#define BIOS_TICKS_PER_DAY 0x1800b0u

/* The BDA fields the services share. */
#define BDA_EQUIPMENT     0x410u
#define BDA_MEMORY_KIB    0x413u
#define BDA_KBD_FLAGS     0x417u
#define BDA_KBD_FLAGS2    0x418u
#define BDA_KBD_HEAD      0x41au
#define BDA_KBD_TAIL      0x41cu
#define BDA_KBD_BUF       0x41eu
#define BDA_KBD_BUF_END   0x43eu
#define BDA_KBD_START     0x480u
#define BDA_KBD_END       0x482u
#define BDA_VIDEO_MODE    0x449u
#define BDA_VIDEO_COLS    0x44au
#define BDA_VIDEO_PAGE_SZ 0x44cu
#define BDA_VIDEO_START   0x44eu
#define BDA_CURSOR_POS    0x450u /* 8 pages: column, row */
#define BDA_CURSOR_SHAPE  0x460u
#define BDA_VIDEO_PAGE    0x462u
#define BDA_CRTC_BASE     0x463u
#define BDA_VIDEO_ROWS    0x484u /* rows - 1 */
#define BDA_CHAR_HEIGHT   0x485u
#define BDA_TICKS         0x46cu
#define BDA_MIDNIGHT      0x470u
#define BDA_EBDA_SEG      0x40eu

/* What a service asks of the VMM when it returns. */
enum bios_outcome {
	BIOS_DONE,      /* registers and flags are the results: iret */
	BIOS_WAIT,      /* nothing yet: sleep in the wait tail, then call again */
	BIOS_EXIT,      /* the guest is over (int 18h/19h): exit status in *status */
	BIOS_RESET,     /* the guest jumped to the reset vector */
	BIOS_BOOT,      /* the reset vector's first pass: go to 0000:7C00 */
};

/* The registers a service sees: the shared block plus BP (int 10h AH=13
 * takes ES:BP).  r.flags is the FLAGS image the `int` pushed: CF and ZF
 * written there go back to the caller. */
struct bios_call {
	struct bios_regs r;
	uint32_t ebp;
};
#define BIOS_FLAG_ZF 0x0040u

/* The machine around the services.  Every hook but ram_written is required. */
struct bios_host {
	void *ctx;
	uint8_t (*inb)(void *ctx, uint16_t port);
	void (*outb)(void *ctx, uint16_t port, uint8_t value);
	/* Guest RAM [gpa, gpa + len) changed behind the CPU (code caches). */
	void (*ram_written)(void *ctx, uint32_t gpa, uint32_t len);
	/* Teletype output (int 10h AH=0E, 13h) as plain UTF-8 text. */
	void (*text_out)(void *ctx, const char *s, size_t len);
	/* Put the VGA's CRTC cursor at (row, col) of the displayed page. */
	void (*set_cursor)(void *ctx, unsigned row, unsigned col);
	/* Virtual time in ns, for int 15h AH=86. */
	uint64_t (*now_ns)(void *ctx);
	/* Wake a sleeping wait tail at virtual time ns (int 15h AH=86). */
	void (*wake_at)(void *ctx, uint64_t ns);
	/* The A20 gate: set it (on = 0 or 1) or just read it (on = -1). */
	bool (*a20)(void *ctx, int on);
};

/* One logged call, for `monitor bios`. */
struct bios_log_entry {
	uint8_t vector;
	struct bios_regs in, out;
	enum bios_outcome outcome;
	uint64_t count; /* the call's number since boot, from 1 */
};

struct bios {
	uint8_t *ram;      /* guest RAM, at least 1 MiB */
	uint64_t ram_size;
	struct bios_ram ram_view;
	struct bios_mem mem; /* bounds-checked, tells host.ram_written */
	struct bios_host host;
	struct int13 *int13; /* heap: its bounce buffer is 64 KiB */
	uint8_t boot_drive;
	bool booted;            /* the reset vector was passed once */
	bool wait_armed;        /* int 15h AH=86: a wait in progress ... */
	uint64_t wait_deadline; /* ... until this virtual time */
	uint8_t noted[256][32]; /* (vector, AH) pairs reported unsupported */
	uint64_t calls;
	struct bios_log_entry log[BIOS_LOG_SIZE];
	int exit_status; /* BIOS_EXIT */
};

/* Set b up over ram (ram_size >= 1 MiB) with the host's hooks; no drives.
 * 0, or -ENOMEM. */
int bios_init(struct bios *b, uint8_t *ram, uint64_t ram_size, const struct bios_host *host);

void bios_destroy(struct bios *b);

/* Give the BIOS an open disk as BIOS drive `drive` (0x00, 0x01, 0x80,
 * 0x81); it stays the caller's.  0, or -1 if that drive is taken or
 * invalid. */
int bios_attach_disk(struct bios *b, struct disk *d, uint8_t drive);

/* Power-on self test, as far as a guest can tell: write the ROM and the
 * IVT, fill the BDA and the EBDA, program the PIC (bases 0x08/0x70, IRQ 0,
 * 1 and 2 open) and the CRTC cursor. */
void bios_post(struct bios *b, uint8_t boot_drive);

/* The vector whose stub's `out` ends just before linear address pc, or -1
 * if pc is not behind a stub's `out`. */
int bios_vector_at(uint32_t pc);

/* Linear address of the wait tail of vector's stub. */
uint32_t bios_wait_tail(int vector);

/* Serve vector `vector` on the registers in c. */
enum bios_outcome bios_call(struct bios *b, int vector, struct bios_call *c);

/* Up to BIOS_LOG_SIZE most recent calls, oldest first, into out; returns
 * how many. */
unsigned bios_log(const struct bios *b, struct bios_log_entry *out);

/* Service families (one file each): the call for vector's AH.  They set CF
 * (and ZF where the service defines it) in c->r.flags. */
enum bios_outcome bios_video(struct bios *b, struct bios_call *c);    /* int 10h */
enum bios_outcome bios_keyboard(struct bios *b, struct bios_call *c); /* int 16h */
enum bios_outcome bios_system(struct bios *b, int vector, struct bios_call *c);

/* IRQ 1's handler: read port 0x60, track the shift keys, queue the key. */
void bios_irq_keyboard(struct bios *b);

/* Queue the int 16h word `key` in the BDA ring: false if it is full. */
bool bios_kbd_push(struct bios *b, uint16_t key);

/* IRQ 0's handler (before int 1Ch): count the tick. */
void bios_irq_timer(struct bios *b);

/* An unknown service: CF=1, AH=01 (int 15h: AH=86h, as PC BIOSes), and
 * once per (vector, AH) a note on stderr. */
enum bios_outcome bios_unsupported(struct bios *b, int vector, struct bios_call *c);

/* Little-endian BDA/RAM access for the services (the caller keeps addr
 * inside the first MiB); every write is told to host.ram_written. */
static inline uint8_t bios_rd8(const struct bios *b, uint32_t addr)
{
	return b->ram[addr];
}
static inline uint16_t bios_rd16(const struct bios *b, uint32_t addr)
{
	return (uint16_t)(b->ram[addr] | b->ram[addr + 1] << 8);
}
static inline uint32_t bios_rd32(const struct bios *b, uint32_t addr)
{
	return bios_rd16(b, addr) | (uint32_t)bios_rd16(b, addr + 2) << 16;
}
/* Tell the host that the BIOS changed guest RAM [addr, addr + len) (code
 * caches, reverse execution's record); nothing if it has no such hook. */
static inline void bios_ram_written(struct bios *b, uint32_t addr, uint32_t len)
{
	if (len && b->host.ram_written)
		b->host.ram_written(b->host.ctx, addr, len);
}
static inline void bios_wr8(struct bios *b, uint32_t addr, uint8_t v)
{
	b->ram[addr] = v;
	bios_ram_written(b, addr, 1);
}
static inline void bios_wr16(struct bios *b, uint32_t addr, uint16_t v)
{
	b->ram[addr] = (uint8_t)v;
	b->ram[addr + 1] = (uint8_t)(v >> 8);
	bios_ram_written(b, addr, 2);
}
static inline void bios_wr32(struct bios *b, uint32_t addr, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		b->ram[addr + i] = (uint8_t)(v >> (8 * i));
	bios_ram_written(b, addr, 4);
}

/* Set or clear ZF in the caller's flags. */
static inline void bios_set_zf(struct bios_regs *r, bool on)
{
	r->flags = on ? r->flags | BIOS_FLAG_ZF : r->flags & ~BIOS_FLAG_ZF;
}

#endif
