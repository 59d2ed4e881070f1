/* Unit tests for the VMM pieces that need no KVM: the loader, the device
 * registry, the UART, option parsing and the debug-mechanism layer. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target/debug.h"
#include "hw/bus.h"
#include "vmm/loader.h"
#include "vmm/options.h"
#include "hw/uart.h"

#include "check.h"

static uint8_t ram[65536];

/* ---- loader ---- */

struct elf_image {
	Elf32_Ehdr eh;
	Elf32_Phdr ph[2];
	uint8_t payload[16];
};

static void make_elf(struct elf_image *img, uint32_t paddr, uint32_t filesz, uint32_t memsz)
{
	memset(img, 0, sizeof(*img));
	memcpy(img->eh.e_ident, ELFMAG, SELFMAG);
	img->eh.e_ident[EI_CLASS] = ELFCLASS32;
	img->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img->eh.e_type = ET_EXEC;
	img->eh.e_machine = EM_386;
	img->eh.e_entry = paddr + 2;
	img->eh.e_phoff = offsetof(struct elf_image, ph);
	img->eh.e_phentsize = sizeof(Elf32_Phdr);
	img->eh.e_phnum = 1;
	img->ph[0].p_type = PT_LOAD;
	img->ph[0].p_offset = offsetof(struct elf_image, payload);
	img->ph[0].p_paddr = img->ph[0].p_vaddr = paddr;
	img->ph[0].p_filesz = filesz;
	img->ph[0].p_memsz = memsz;
	memset(img->payload, 0xab, sizeof(img->payload));
}

static int load(const void *buf, size_t len, struct loaded_image *out)
{
	char err[200];
	return loader_load_buffer(buf, len, ram, sizeof(ram), out, err, sizeof(err));
}

static void test_loader(void)
{
	struct loaded_image li;
	uint8_t flat[4] = {0xf4, 1, 2, 3};
	memset(ram, 0x55, sizeof(ram));
	CHECK(load(flat, sizeof(flat), &li) == 0 && li.format == IMAGE_FLAT && li.entry == 0);
	CHECK(memcmp(ram, flat, 4) == 0 && ram[4] == 0x55);
	CHECK(load(flat, 0, &li) < 0);
	static uint8_t big[sizeof(ram) + 1];
	CHECK(load(big, sizeof(ram), &li) == 0);
	CHECK(load(big, sizeof(big), &li) < 0);

	struct elf_image img;
	make_elf(&img, 0x1000, 16, 32);
	memset(ram, 0x55, sizeof(ram));
	CHECK(load(&img, sizeof(img), &li) == 0 && li.format == IMAGE_ELF);
	CHECK(li.entry == 0x1002 && li.bytes == 32);
	CHECK(ram[0x1000] == 0xab && ram[0x100f] == 0xab && ram[0x1010] == 0 && ram[0x101f] == 0);
	CHECK(ram[0x1020] == 0x55 && ram[0xfff] == 0x55);

	make_elf(&img, 0xfff8, 16, 16); /* crosses the end of RAM */
	CHECK(load(&img, sizeof(img), &li) < 0);
	make_elf(&img, 0xfffffff0, 16, 32); /* wraps 32 bits */
	CHECK(load(&img, sizeof(img), &li) < 0);
	make_elf(&img, 0, 32, 16); /* filesz > memsz */
	CHECK(load(&img, sizeof(img), &li) < 0);
	make_elf(&img, 0, 16, 16);
	img.ph[0].p_offset = 0xfffffff0; /* payload outside the file */
	CHECK(load(&img, sizeof(img), &li) < 0);
	make_elf(&img, 0, 16, 16);
	img.eh.e_phnum = 0xffff; /* headers beyond the file */
	CHECK(load(&img, sizeof(img), &li) < 0);
	make_elf(&img, 0, 16, 16);
	img.eh.e_machine = EM_X86_64;
	CHECK(load(&img, sizeof(img), &li) < 0);
	make_elf(&img, 0, 16, 16);
	CHECK(load(&img, 20, &li) < 0); /* truncated header */
	make_elf(&img, 0, 16, 16);
	img.ph[0].p_type = PT_NOTE;
	CHECK(load(&img, sizeof(img), &li) < 0); /* nothing to load */
}

/* ---- devices ---- */

static unsigned seen_port, seen_size;
static void probe_handler(void *opaque, struct vcpu *vcpu, uint64_t port, uint8_t *data,
                          unsigned size, bool w)
{
	(void)opaque;
	(void)vcpu;
	seen_port = (unsigned)port;
	seen_size = size;
	if (!w)
		data[0] = 0x42;
}

static void test_devices(void)
{
	struct bus d;
	uint8_t v[4] = {0};
	CHECK(bus_init(&d) == 0);
	CHECK(bus_register_pio(&d, "a", 0x100, 4, probe_handler, NULL) == 0);
	CHECK(bus_register_pio(&d, "b", 0x103, 2, probe_handler, NULL) == -EEXIST);
	CHECK(bus_register_pio(&d, "c", 0xffff, 2, probe_handler, NULL) == -EINVAL);
	CHECK(bus_register_pio(&d, "below", 0x80, 0x80, probe_handler, NULL) == 0);
	CHECK(bus_pio(&d, NULL, 0x102, v, 2, false) != NULL && v[0] == 0x42);
	CHECK(seen_port == 0x102 && seen_size == 2);
	CHECK(bus_pio(&d, NULL, 0x80, v, 1, false)->base == 0x80); /* indices moved */
	CHECK(bus_pio(&d, NULL, 0x103, v, 1, false)->base == 0x100);
	CHECK(bus_pio(&d, NULL, 0x104, v, 4, false) == NULL);
	CHECK(v[0] == 0xff && v[3] == 0xff);
	/* MMIO: sorted ranges, binary search, overlap refused, holes read as ones. */
	CHECK(bus_register_mmio(&d, "m2", 0xd1000, 0x10, probe_handler, NULL) == 0);
	CHECK(bus_register_mmio(&d, "m1", 0xd0000, 0x1000, probe_handler, NULL) == 0);
	CHECK(bus_register_mmio(&d, "m3", 0xd0ff0, 0x20, probe_handler, NULL) == -EEXIST);
	CHECK(bus_register_mmio(&d, "wrap", ~0ull - 4, 16, probe_handler, NULL) == -EINVAL);
	CHECK(bus_mmio(&d, NULL, 0xd0fff, v, 1, false)->base == 0xd0000 && v[0] == 0x42);
	CHECK(bus_mmio(&d, NULL, 0xd100f, v, 1, false)->base == 0xd1000);
	CHECK(bus_mmio(&d, NULL, 0xd1010, v, 4, false) == NULL && v[3] == 0xff);
	CHECK(bus_find_mmio(&d, 0xcffff) == NULL);
	/* Unregister: only a range's exact base; the others stay found. */
	CHECK(bus_unregister_mmio(&d, 0xd0010) == -ENOENT);
	CHECK(bus_unregister_mmio(&d, 0xd0000) == 0);
	CHECK(bus_find_mmio(&d, 0xd0000) == NULL && bus_find_mmio(&d, 0xd1000)->base == 0xd1000);
	CHECK(bus_unregister_mmio(&d, 0xd0000) == -ENOENT);
	CHECK(bus_register_mmio(&d, "m3", 0xd0ff0, 0x10, probe_handler, NULL) == 0);
	CHECK(bus_find_mmio(&d, 0xd0fff)->base == 0xd0ff0);
	bus_destroy(&d);
}

/* ---- UART ---- */

static uint8_t out_bytes[64];
static size_t out_len;
static void sink(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	memcpy(out_bytes + out_len, buf, len);
	out_len += len;
}

static uint8_t io(struct bus *d, uint16_t port, int write, uint8_t v)
{
	bus_pio(d, NULL, port, &v, 1, write);
	return v;
}

static void test_uart(void)
{
	struct bus d;
	struct uart u;
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(bus_init(&d) == 0);
	uart_init(&u, (struct console_sink){.write = sink}, p[0]);
	CHECK(uart_register(&u, &d) == 0);
	io(&d, 0x3f8, 1, 'h');
	io(&d, 0xe9, 1, 'i');
	CHECK(out_len == 2 && memcmp(out_bytes, "hi", 2) == 0);
	CHECK(io(&d, 0x3fd, 0, 0) == (UART_LSR_THRE | UART_LSR_TEMT)); /* nothing yet */
	CHECK(write(p[1], "xy", 2) == 2);
	CHECK(io(&d, 0x3fd, 0, 0) & UART_LSR_DR);
	CHECK(io(&d, 0x3f8, 0, 0) == 'x');
	CHECK(io(&d, 0x3f8, 0, 0) == 'y');
	close(p[1]);
	uint8_t lsr = io(&d, 0x3fd, 0, 0);
	CHECK(!(lsr & UART_LSR_DR) && (lsr & UART_LSR_BI)); /* end of input */
	/* divisor latch: writes to the data port with DLAB set are not output */
	io(&d, 0x3fb, 1, 0x80);
	io(&d, 0x3f8, 1, 0x0c);
	CHECK(io(&d, 0x3f8, 0, 0) == 0x0c);
	io(&d, 0x3fb, 1, 0x03);
	CHECK(out_len == 2);
	io(&d, 0x3ff, 1, 0x5a);
	CHECK(io(&d, 0x3ff, 0, 0) == 0x5a);
	CHECK(io(&d, 0xe9, 0, 0) == 0xe9);
	close(p[0]);
	bus_destroy(&d);
}

/* ---- options ---- */

/* options_parse() on string literals, copied into writable strings as
 * main()'s argv would be (valid until the next call). */
#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
static int parse_args(struct options *o, const char *const *args)
{
	static char store[16][32];
	char *argv[17];
	int n;

	for (n = 0; args[n] && n < 16; n++) {
		snprintf(store[n], sizeof store[n], "%s", args[n]);
		argv[n] = store[n];
	}
	argv[n] = NULL;
	return options_parse(o, n, argv);
}

static void test_options(void)
{
	uint64_t v;
	CHECK(parse_size("1M", &v) == 0 && v == 1u << 20);
	CHECK(parse_size("640K", &v) == 0 && v == 640u << 10);
	CHECK(parse_size("2GiB", &v) == 0 && v == 2ull << 30);
	CHECK(parse_size("4096", &v) == 0 && v == 4096);
	CHECK(parse_size("0x1000", &v) == 0 && v == 4096);
	CHECK(parse_size("", &v) < 0 && parse_size("-1", &v) < 0 && parse_size("1Q", &v) < 0);
	CHECK(parse_size("99999999999999999999", &v) < 0);
	CHECK(parse_size("17179869184G", &v) < 0);

	struct options o;
	CHECK(parse_args(&o, ARGS("kvm-gdbstub", "--port", "1234", "--mem", "2M", "-v", "g.bin")) == 0);
	CHECK(o.gdb == GDB_TCP && o.port == 1234 && o.vm.ram_size == 2u << 20 && o.vm.verbose);
	CHECK(strcmp(o.listen_host, "127.0.0.1") == 0 && strcmp(o.vm.image_path, "g.bin") == 0);
	CHECK(parse_args(&o, ARGS("kvm-gdbstub", "--listen", "[::1]:99", "--accel", "emu", "g")) == 0);
	CHECK(strcmp(o.listen_host, "::1") == 0 && o.port == 99 && o.vm.accel == ACCEL_EMU);
	CHECK(parse_args(&o, ARGS("kvm-gdbstub", "--gdb", "stdio", "--halt", "stop", "g")) == 0 &&
	      o.gdb == GDB_STDIO && o.halt == HALT_STOP);
}

/* ---- debug-mechanism layer ---- */

static void test_debug(void)
{
	struct debug d;
	struct vcpu_caps kvm_here = {.backend = "kvm", .max_breakpoints = 4, .max_watchpoints = 4};
	memset(ram, 0x90, sizeof(ram));
	debug_init(&d, ram, sizeof(ram), &kvm_here, true);
	/* Without int3, four debug registers, then hlt patches. */
	for (uint32_t a = 0x100; a < 0x106; a++)
		CHECK(debug_insert(&d, TARGET_BP_SW, a, 1) == 0);
	CHECK(d.points[3].mech == MECH_DEBUGREG && d.points[4].mech == MECH_HLT);
	CHECK(ram[0x103] == 0x90 && ram[0x104] == 0xf4 && ram[0x105] == 0xf4);
	uint8_t buf[8];
	memcpy(buf, ram + 0x100, 8);
	debug_shadow(&d, 0x100, buf, 8);
	CHECK(buf[4] == 0x90 && buf[5] == 0x90); /* the debugger sees the guest's bytes */
	ram[0x104] = 0x12;                       /* the debugger writes over a patch */
	debug_after_write(&d, 0x104, 1);
	CHECK(ram[0x104] == 0xf4);
	CHECK(debug_remove(&d, TARGET_BP_SW, 0x104, 1) == 0 && ram[0x104] == 0x12);
	CHECK(debug_remove(&d, TARGET_BP_SW, 0x104, 1) == -ENOENT);
	/* Watchpoints here: no firing data breakpoints, so emulation. */
	CHECK(!debug_needs_emulation(&d));
	CHECK(debug_insert(&d, TARGET_WP_WRITE, 0x500, 2) == 0);
	CHECK(debug_needs_emulation(&d));
	CHECK(debug_insert(&d, TARGET_WP_WRITE, sizeof(ram) - 1, 2) == -EINVAL);
	CHECK(debug_insert(&d, TARGET_BP_SW, sizeof(ram), 1) == -EINVAL);
	debug_remove_all(&d);
	CHECK(d.count == 0 && ram[0x105] == 0x90);
	debug_free(&d);

	/* Where int3 traps and data breakpoints fire (VT-x/AMD-V hosts). */
	struct vcpu_caps kvm_vtx = kvm_here;
	kvm_vtx.sw_breakpoints_trap = kvm_vtx.watchpoints_fire = true;
	debug_init(&d, ram, sizeof(ram), &kvm_vtx, true);
	CHECK(debug_insert(&d, TARGET_BP_SW, 0x100, 1) == 0 && d.points[0].mech == MECH_INT3);
	CHECK(ram[0x100] == 0xcc);
	CHECK(debug_insert(&d, TARGET_BP_SW, 0x100, 1) == 0); /* twice at one address */
	CHECK(debug_remove(&d, TARGET_BP_SW, 0x100, 1) == 0 && ram[0x100] == 0xcc);
	CHECK(debug_remove(&d, TARGET_BP_SW, 0x100, 1) == 0 && ram[0x100] == 0x90);
	CHECK(debug_insert(&d, TARGET_BP_HW, 0x200, 1) == 0 && d.points[0].mech == MECH_DEBUGREG);
	CHECK(debug_insert(&d, TARGET_WP_WRITE, 0x500, 4) == 0 &&
	      d.points[1].mech == MECH_DEBUGREG);
	CHECK(debug_insert(&d, TARGET_WP_WRITE, 0x501, 2) == 0 &&
	      d.points[2].mech == MECH_EMULATED);
	CHECK(debug_insert(&d, TARGET_WP_READ, 0x600, 2) == 0 && d.points[3].mech == MECH_EMULATED);
	debug_free(&d);

	/* The built-in CPU takes everything natively, patching nothing. */
	struct vcpu_caps emu = {.backend = "emu", .max_breakpoints = UINT32_MAX};
	debug_init(&d, ram, sizeof(ram), &emu, false);
	CHECK(debug_insert(&d, TARGET_BP_SW, 0x100, 1) == 0 && d.points[0].mech == MECH_NATIVE);
	CHECK(ram[0x100] == 0x90 && !debug_needs_emulation(&d));
	char text[256];
	CHECK(debug_describe(&d, text, sizeof(text)) > 0 && strstr(text, "0x100"));
	debug_free(&d);
}

int main(void)
{
	test_loader();
	test_devices();
	test_uart();
	test_options();
	test_debug();
	int status = check_status("test_vmm");
	if (status == 0)
		printf("test_vmm: all checks passed\n");
	return status;
}
