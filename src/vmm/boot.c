/* --boot: the BIOS's disks and hooks, the boot sector, the keyboard and
 * the screen on the host side (see boot.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/keymap.h"
#include "vmm/boot.h"
#include "vmm/terminal.h"

#define SIGNATURE_OFF  510
#define FLOPPY_DRIVE   0x00
#define HARD_DRIVE     0x80
#define PORT_A20_CMD   0x64
#define I8042_A20_OFF  0xdd
#define I8042_A20_ON   0xdf
#define BOOT_EFLAGS    0x202 /* IF, as SeaBIOS's far call leaves it */
#define BOOT_AX        0xaa55
#define KEYS_PER_POLL  64
#define DISPLAY_RESTORE "\033[0m\033[?25h\033[?7h\033[?1049l"

/* ---- the BIOS's hooks ------------------------------------------------- */

static uint8_t hook_inb(void *ctx, uint16_t port)
{
	struct vm *vm = ctx;
	uint8_t v = 0xff;
	bus_pio(&vm->board.bus, vm->vcpu, port, &v, 1, false);
	return v;
}

static void hook_outb(void *ctx, uint16_t port, uint8_t value)
{
	struct vm *vm = ctx;
	bus_pio(&vm->board.bus, vm->vcpu, port, &value, 1, true);
}

static void hook_ram_written(void *ctx, uint32_t gpa, uint32_t len)
{
	struct vm *vm = ctx;
	vm_ram_written(vm, gpa, len); /* a debugger's patches go back over it */
	if (vm->stand_in)
		vcpu_ram_written(vm->stand_in, gpa, len);
}

static void hook_text_out(void *ctx, const char *s, size_t len)
{
	struct vm *vm = ctx;
	if (!vm->boot->display_on && vm->uart.out.write)
		vm->uart.out.write(vm->uart.out.ctx, (const uint8_t *)s, len);
}

static void hook_set_cursor(void *ctx, unsigned row, unsigned col)
{
	struct vm *vm = ctx;
	vga_set_cursor(&vm->board.vga, row, col);
}

static uint64_t hook_now(void *ctx)
{
	struct vm *vm = ctx;
	return vclock_now(&vm->board.clock);
}

static void hook_wake_at(void *ctx, uint64_t ns)
{
	struct vm *vm = ctx;
	vtimer_arm(&vm->boot->wake_timer, ns);
}

/* int 15h AX=2400-2402: both switches a PC has (the 8042's output port
 * and port 0x92), through their ports, so the models stay the truth. */
static bool hook_a20(void *ctx, int on)
{
	struct vm *vm = ctx;
	if (on >= 0) {
		uint8_t a = hook_inb(vm, I8042_PORT_A) & ~(I8042_PORTA_RESET | I8042_PORTA_A20);
		hook_outb(vm, PORT_A20_CMD, on ? I8042_A20_ON : I8042_A20_OFF);
		hook_outb(vm, I8042_PORT_A, (uint8_t)(a | (on ? I8042_PORTA_A20 : 0)));
	}
	return i8042_a20(&vm->board.kbd);
}

/* ---- timers ------------------------------------------------------------- */

/* The BDA ring's free words while the guest's IRQ 1 is the BIOS's.  Else
 * (a handler of its own in the IVT, or protected mode, where the IVT does
 * not count) the guest drains the 8042 into a buffer whose room nobody can
 * see: one key a poll then, a fast typist's pace, so that a guest busy
 * echoing (KVM under load) does not overflow it and lose keys. */
static unsigned ring_room(const struct vm *vm)
{
	const struct bios *b = &vm->boot->bios;
	uint32_t vec9 = bios_rd32(b, 9 * 4);
	struct vcpu_state st;
	bool pmode = vcpu_get_state(vm->cpus[0].vcpu, &st) == 0 && (st.cr0 & CR0_PE);
	if (pmode || vec9 != (BIOS_SEG << 16 | (BIOS_STUB_OFF + 9 * BIOS_STUB_SIZE)))
		return 1;
	uint16_t start = bios_rd16(b, BDA_KBD_START), end = bios_rd16(b, BDA_KBD_END);
	uint16_t head = bios_rd16(b, BDA_KBD_HEAD), tail = bios_rd16(b, BDA_KBD_TAIL);
	if (start >= end || end > 0x100)
		return 0;
	unsigned size = (end - start) / 2, used = ((tail - head + (end - start)) % (end - start)) / 2;
	return used + 1 < size ? size - used - 1 : 0;
}

/* Ctrl-A x quits (a terminal only), Ctrl-A Ctrl-A types Ctrl-A. */
static bool escape_byte(struct vm *vm, uint8_t byte)
{
	struct pc_boot *pb = vm->boot;
	if (!pb->in_tty)
		return false;
	if (pb->ctrl_a) {
		pb->ctrl_a = false;
		if (byte == 'x' || byte == 'X') {
			vm->quit_requested = true;
			vm_kick(vm);
			return true;
		}
		return byte != BOOT_CTRL_A;
	}
	if (byte == BOOT_CTRL_A) {
		pb->ctrl_a = true;
		return true;
	}
	return false;
}

/* Feed what the 8042 and the BIOS ring can take now: a key at a time
 * never overflows the PC's 15-key buffer, so piped input is not lost. */
static void on_key_timer(void *opaque, uint64_t now)
{
	struct vm *vm = opaque;
	struct pc_boot *pb = vm->boot;
	struct pollfd p = {.fd = pb->in_fd, .events = POLLIN};
	struct i8042 *k = &vm->board.kbd;
	size_t want = ring_room(vm);
	if (k->s.key_count)
		want = 0; /* the last keys are still on their way */
	if (want > i8042_key_room(k) / KEYMAP_MAX_CODES)
		want = i8042_key_room(k) / KEYMAP_MAX_CODES;
	if (want > KEYS_PER_POLL)
		want = KEYS_PER_POLL;
	if (want && poll(&p, 1, 0) > 0) {
		uint8_t buf[KEYS_PER_POLL];
		ssize_t n = read(pb->in_fd, buf, want);
		if (n <= 0 && !(n < 0 && errno == EINTR)) {
			pb->in_fd = -1; /* end of input: no more keys, no more polling */
			return;
		}
		for (ssize_t i = 0; i < n; i++) {
			uint8_t codes[KEYMAP_MAX_CODES];
			int c = escape_byte(vm, buf[i]) ? 0 : keymap_from_byte(buf[i], codes, sizeof(codes));
			if (c > 0)
				i8042_key_codes(k, codes, (size_t)c);
		}
	}
	vtimer_arm(&pb->key_timer, now + BOOT_KEY_POLL);
}

static void on_frame_timer(void *opaque, uint64_t now)
{
	struct vm *vm = opaque;
	display_frame(&vm->boot->display, &vm->board.vga);
	vtimer_arm(&vm->boot->frame_timer, now + BOOT_FRAME_NS);
}

/* int 15h AH=86's time is up: the halted CPU goes on into the wait tail's
 * `cli; jmp`, which calls the service again. */
static void on_wake_timer(void *opaque, uint64_t now)
{
	(void)now;
	struct vm *vm = opaque;
	vm->cpu->halted = false;
}

/* ---- the 8042's lines into the VM --------------------------------------- */

static void on_a20(void *opaque, bool on)
{
	vm_set_a20(opaque, on);
}

static void on_reset_line(void *opaque)
{
	struct vm *vm = opaque;
	vm->reset_requested = true;
}

int boot_create(struct vm *vm, char *err, size_t errlen)
{
	struct pc_boot *pb = calloc(1, sizeof(*pb));
	const struct bios_host host = {
	    .ctx = vm,
	    .inb = hook_inb,
	    .outb = hook_outb,
	    .ram_written = hook_ram_written,
	    .text_out = hook_text_out,
	    .set_cursor = hook_set_cursor,
	    .now_ns = hook_now,
	    .wake_at = hook_wake_at,
	    .a20 = hook_a20,
	};
	if (!pb || bios_init(&pb->bios, vm->ram, vm->ram_size, &host) < 0) {
		free(pb);
		snprintf(err, errlen, "out of memory for the BIOS");
		return -1;
	}
	vm->boot = pb;
	pb->in_fd = -1;
	for (unsigned i = 0; i < 1 + VM_MAX_DISKS; i++)
		pb->disks[i].fd = -1;
	vtimer_init(&pb->key_timer, &vm->board.clock, on_key_timer, vm);
	pb->key_timer.irq = PC_KBD_IRQ;
	/* The refresh counts as the timer line's: where IRQ 0 is open the PIT
	 * wakes a halted CPU anyway, and where it is masked the refresh keeps
	 * no hlt from ending the guest. */
	vtimer_init(&pb->frame_timer, &vm->board.clock, on_frame_timer, vm);
	pb->frame_timer.irq = PC_PIT_IRQ;
	vtimer_init(&pb->wake_timer, &vm->board.clock, on_wake_timer, vm);
	pb->wake_timer.irq = -1;
	vm->board.kbd.a20 = on_a20;
	vm->board.kbd.reset = on_reset_line;
	vm->board.kbd.opaque = vm;
	return 0;
}

/* The boot image, then each --disk, as BIOS drives. */
static int open_disks(struct vm *vm, char *err, size_t errlen)
{
	struct pc_boot *pb = vm->boot;
	const char *paths[1 + VM_MAX_DISKS] = {vm->cfg.boot_path};
	unsigned n = 1 + vm->cfg.n_disks;
	uint8_t next_hard = HARD_DRIVE;
	for (unsigned i = 0; i < vm->cfg.n_disks; i++)
		paths[1 + i] = vm->cfg.disk_paths[i];
	for (unsigned i = 0; i < n; i++) {
		struct disk *d = &pb->disks[i];
		if (disk_open(d, paths[i], vm->cfg.disk_write, err, errlen) < 0)
			return -1;
		pb->n_disks = i + 1;
		uint8_t drive = i == 0 && d->is_floppy ? FLOPPY_DRIVE : next_hard++;
		if (bios_attach_disk(&pb->bios, d, drive) < 0) {
			snprintf(err, errlen, "disk image '%s': no BIOS drive left for it", paths[i]);
			return -1;
		}
	}
	return 0;
}

/* The registers SeaBIOS's call_boot_entry leaves for the boot sector, at
 * the reset vector whose first pass jumps to 0000:7C00 (see bios.h). */
static void boot_state(struct vcpu_state *st, uint8_t drive)
{
	vcpu_state_reset(st);
	for (int s = 0; s < SREG_COUNT; s++)
		vcpu_segment_set_real(&st->seg[s], 0);
	vcpu_segment_set_real(&st->seg[SREG_CS], BIOS_SEG);
	st->seg[SREG_CS].type = 0xb;
	st->eip = BIOS_RESET_IP;
	st->gpr[GPR_ESP] = BIOS_BOOT_SP;
	st->gpr[GPR_EAX] = BOOT_AX;
	st->gpr[GPR_EDX] = drive;
	st->eflags = BOOT_EFLAGS;
}

int boot_reset(struct vm *vm, char *err, size_t errlen)
{
	struct pc_boot *pb = vm->boot;
	if (pb->n_disks == 0 && open_disks(vm, err, errlen) < 0)
		return -1;

	struct disk *d = &pb->disks[0];
	uint8_t drive = d->drive;
	bios_post(&pb->bios, drive);
	uint8_t *sector = vm->ram + BIOS_BOOT_ADDR;
	int r = disk_read(d, 0, 1, sector);
	if (r < 0) {
		snprintf(err, errlen, "disk image '%s': cannot read sector 0: %s", vm->cfg.boot_path,
		         strerror(-r));
		return -1;
	}
	if (!vm->cfg.no_boot_signature &&
	    (sector[SIGNATURE_OFF] != 0x55 || sector[SIGNATURE_OFF + 1] != 0xaa)) {
		snprintf(err, errlen,
		         "disk image '%s': sector 0 has no boot signature (0x55 0xAA at offset 510); "
		         "--no-boot-signature boots it anyway",
		         vm->cfg.boot_path);
		return -1;
	}
	vm_set_a20(vm, true);
	vcpu_ram_written(vm->vcpu, 0, vm->ram_size);
	struct vcpu_state st;
	boot_state(&st, drive);
	r = vcpu_set_state(vm->vcpu, &st);
	if (r < 0) {
		snprintf(err, errlen, "cannot set the vCPU state: %s", strerror(-r));
		return -1;
	}
	vtimer_disarm(&pb->wake_timer);
	return 0;
}

void boot_start_io(struct vm *vm, int in_fd, bool display_text)
{
	struct pc_boot *pb = vm->boot;
	uint64_t now = vclock_now(&vm->board.clock);
	pb->in_fd = in_fd;
	pb->in_tty = in_fd >= 0 && isatty(in_fd);
	pb->display_on = display_text && isatty(STDOUT_FILENO);
	if (pb->display_on && display_open(&pb->display, STDOUT_FILENO) < 0)
		pb->display_on = false;
	if (pb->in_tty)
		terminal_raw(in_fd, STDOUT_FILENO, pb->display_on ? DISPLAY_RESTORE : NULL);
	if (in_fd >= 0)
		vtimer_arm(&pb->key_timer, now);
	if (pb->display_on)
		vtimer_arm(&pb->frame_timer, now);
}

void boot_stop_io(struct vm *vm)
{
	struct pc_boot *pb = vm->boot;
	if (!pb)
		return;
	vtimer_disarm(&pb->frame_timer);
	vtimer_disarm(&pb->key_timer);
	if (pb->display_on)
		display_frame(&pb->display, &vm->board.vga);
	bool left = terminal_is_raw() && pb->display_on; /* the restore leaves the display */
	terminal_restore();
	if (pb->display_on && !left)
		display_close(&pb->display);
	pb->display_on = false;
}

void boot_save_screen(struct vm *vm)
{
	struct pc_boot *pb = vm->boot;
	if (pb->bios.booted && !pb->screen_saved) {
		vga_screen_text(&vm->board.vga, pb->saved_screen, sizeof(pb->saved_screen));
		pb->screen_saved = true;
	}
}

void boot_screen_text(struct vm *vm, char *buf, size_t len)
{
	if (vm->boot && vm->boot->screen_saved)
		snprintf(buf, len, "%s", vm->boot->saved_screen);
	else
		vga_screen_text(&vm->board.vga, buf, len);
}

void boot_destroy(struct vm *vm)
{
	struct pc_boot *pb = vm->boot;
	if (!pb)
		return;
	boot_stop_io(vm);
	for (unsigned i = 0; i < pb->n_disks; i++)
		disk_close(&pb->disks[i]);
	bios_destroy(&pb->bios);
	free(pb);
	vm->boot = NULL;
}
