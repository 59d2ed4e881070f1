/* Tests of the built-in CPU's privilege levels, TSS stack switch, LDT,
 * system instructions and 32-bit paging (TLB, #PF, accessed/dirty bits,
 * self-modifying code through aliases), and of x86_translate(), the
 * debugger's page walk.
 *
 * Every guest starts in flat 32-bit protected mode at ring 0 (set through
 * vcpu_set_state), EIP = R0_CODE, with this machine:
 *   GDT 0x500: 08 code DPL0, 10 data DPL0, 18 code DPL3, 20 data DPL3,
 *              28 32-bit TSS (0x600, ESP0 = R0_STACK, SS0 = 10, an I/O
 *              bitmap allowing only port 0x80), 30 LDT (0x700), 38 read-only
 *              data DPL0
 *   IDT 0x800: every vector a 32-bit interrupt gate, DPL 0, to a hlt at
 *              STUBS + vector (ring 0), so the vector is read from EIP
 *   paging (when on): page directory 0x10000, page table 0x11000 mapping the
 *              1 MiB of RAM 1:1 as user, writable; page table 0x12000 for
 *              linear 4 MiB up (empty).
 * Exit status 0 when every check passes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cpu/emu.h"
#include "vcpu.h"

#define RAM_SIZE 0x100000u

#include "cpu_test.h"

#define GDT      0x500u
#define TSS      0x600u
#define LDT      0x700u
#define IDT      0x800u
#define STUBS    0x1000u
#define R0_CODE  0x2000u
#define R3_CODE  0x3000u
#define DATA     0x4000u
#define R3_STACK 0x8000u
#define R0_STACK 0x9000u
#define PD       0x10000u
#define PT0      0x11000u
#define PT1      0x12000u
#define HI       0x400000u /* linear base of PT1 */

enum { SEL_C0 = 0x08, SEL_D0 = 0x10, SEL_C3 = 0x1b, SEL_D3 = 0x23, SEL_TSS = 0x28, SEL_LDT = 0x30 };
enum { PTE_P = 1, PTE_W = 2, PTE_U = 4, PTE_A = 0x20, PTE_D = 0x40, PDE_PS = 0x80 };
enum { GATE_INT32 = 0xe };

static void wr32(uint32_t a, uint32_t v)
{
	memcpy(ram + a, &v, 4);
}
static void wr64(uint32_t a, uint64_t v)
{
	memcpy(ram + a, &v, 8);
}

static void set_gate(unsigned vec, uint16_t sel, uint32_t off, unsigned dpl)
{
	wr32(IDT + vec * 8, (off & 0xffff) | ((uint32_t)sel << 16));
	wr32(IDT + vec * 8 + 4, (off & 0xffff0000u) | 0x8000 | (dpl << 13) | (GATE_INT32 << 8));
}

/* Map linear page lin to phys with PTE flags (in PT0 or PT1). */
static void map(uint32_t lin, uint32_t phys, uint32_t flags)
{
	uint32_t pt = lin >= HI ? PT1 : PT0;
	wr32(pt + ((lin >> 12) & 0x3ff) * 4, (phys & ~0xfffu) | flags);
}
static uint32_t pte(uint32_t lin)
{
	return rd32((lin >= HI ? PT1 : PT0) + ((lin >> 12) & 0x3ff) * 4);
}

/* Fresh machine; the assembly cursor at R0_CODE. */
static void start(const char *name)
{
	static const uint64_t gdt[] = {
	    0,
	    0x00cf9a000000ffffull, /* 08 code DPL0 */
	    0x00cf92000000ffffull, /* 10 data DPL0 */
	    0x00cffa000000ffffull, /* 18 code DPL3 */
	    0x00cff2000000ffffull, /* 20 data DPL3 */
	    0x00008900060000e8ull, /* 28 TSS at 0x600, limit 0xe8 */
	    0x000082000700000full, /* 30 LDT at 0x700, two entries */
	    0x00cf90000000ffffull, /* 38 read-only data DPL0 */
	};
	current = name;
	memset(ram, 0, RAM_SIZE);
	memcpy(ram + GDT, gdt, sizeof(gdt));
	wr32(TSS + 4, R0_STACK);
	wr32(TSS + 8, SEL_D0);
	wr32(TSS + 0x64, 0x68u << 16); /* I/O bitmap at 0x68 */
	memset(ram + TSS + 0x68, 0xff, 0x81);
	ram[TSS + 0x68 + 0x80 / 8] = 0xfe;    /* port 0x80 allowed */
	wr64(LDT, 0x00cff2000000ffffull);     /* LDT 04: data DPL3 */
	wr64(LDT + 8, 0x00cf92000000ffffull); /* LDT 0c: data DPL0 */
	for (unsigned v = 0; v < 256; v++) {
		set_gate(v, SEL_C0, STUBS + v, 0);
		ram[STUBS + v] = 0xf4;
	}
	wr32(PD, PT0 | PTE_P | PTE_W | PTE_U);
	wr32(PD + 4, PT1 | PTE_P | PTE_W | PTE_U);
	for (uint32_t a = 0; a < RAM_SIZE; a += 0x1000)
		map(a, a, PTE_P | PTE_W | PTE_U);
	p = ram + R0_CODE;
}

static struct vcpu_segment flat(uint16_t sel, uint8_t type)
{
	return (struct vcpu_segment){.limit = 0xffffffffu,
	                             .selector = sel,
	                             .type = type,
	                             .s = 1,
	                             .dpl = sel & 3,
	                             .present = 1,
	                             .db = 1,
	                             .g = 1};
}

static struct vcpu *boot(bool paging)
{
	struct vcpu *v = emu_vcpu_create(ram, RAM_SIZE);
	struct vcpu_state st;
	if (!v) {
		printf("emu_vcpu_create failed\n");
		exit(99);
	}
	vcpu_get_state(v, &st);
	for (int s = 0; s < SREG_COUNT; s++)
		st.seg[s] = flat(SEL_D0, 3);
	st.seg[SREG_CS] = flat(SEL_C0, 0xb);
	st.gdt = (struct vcpu_dtable){GDT, 0x3f};
	st.idt = (struct vcpu_dtable){IDT, 0x7ff};
	st.cr0 = 0x11 | (paging ? 0x80000000u : 0);
	st.cr3 = PD;
	st.eip = R0_CODE;
	st.gpr[GPR_ESP] = R0_STACK;
	st.eflags = 2;
	vcpu_set_state(v, &st);
	return v;
}

/* Ring-0 code: load TR, then iretd to R3_CODE at ring 3 with eflags. */
static void emit_to_ring3(uint32_t eflags)
{
	E(0x66, 0xb8), e16(SEL_TSS); /* mov ax, 0x28 */
	E(0x0f, 0x00, 0xd8);         /* ltr ax */
	E(0x6a, SEL_D3);             /* push 0x23 */
	E(0x68), e32(R3_STACK);      /* push R3_STACK */
	E(0x68), e32(eflags);        /* push eflags */
	E(0x6a, SEL_C3);             /* push 0x1b */
	E(0x68), e32(R3_CODE);       /* push R3_CODE */
	E(0xcf);                     /* iretd */
	p = ram + R3_CODE;
}

/* Run to the hlt stub of vector vec; returns the state. */
static struct vcpu_state run_stub(struct vcpu *v, unsigned vec)
{
	struct vcpu_state st = run_hlt(v);
	check(st.seg[SREG_CS].selector == SEL_C0 && st.eip == STUBS + vec + 1,
	      "wanted vector %u, stopped at %04x:%08x", vec, st.seg[SREG_CS].selector, st.eip);
	return st;
}

/* A fault from ring 3: vector vec with error code err on the ring-0 stack,
 * above it the user frame (EIP at, CS, EFLAGS, ESP, SS). */
static void check_user_fault(struct vcpu *v, unsigned vec, uint32_t err, uint32_t at)
{
	struct vcpu_state st = run_stub(v, vec);
	uint32_t sp = st.gpr[GPR_ESP];
	check(sp == R0_STACK - 24, "ring-0 stack with an error code: esp %x", sp);
	check(rd32(sp) == err, "error code %x, wanted %x", rd32(sp), err);
	check(rd32(sp + 4) == at && rd32(sp + 8) == SEL_C3, "user cs:eip %x:%x", rd32(sp + 8),
	      rd32(sp + 4));
	check(rd32(sp + 16) == R3_STACK && rd32(sp + 20) == SEL_D3, "user ss:esp %x:%x",
	      rd32(sp + 20), rd32(sp + 16));
}

/* ---- rings ---- */

static void test_ring3_round_trip(void)
{
	start("ring 3 via iret, int 0x80 through a DPL 3 gate");
	emit_to_ring3(0x202);
	E(0xb8), e32(0x1234); /* mov eax, 0x1234 */
	E(0xcd, 0x80);        /* int 0x80 */
	uint32_t ret = here();
	E(0x8c, 0xdb); /* mov ebx, ds */
	E(0xcd, 0x80); /* int 0x80 again */
	set_gate(0x80, SEL_C0, 0x1800, 3);
	memcpy(ram + 0x1800, "\xf4\xcf", 2); /* hlt; iretd */
	struct vcpu *v = boot(false);
	struct vcpu_state st = run_hlt(v);
	uint32_t sp = st.gpr[GPR_ESP];
	check(st.eip == 0x1801 && st.seg[SREG_CS].selector == SEL_C0, "in the handler: %x:%x",
	      st.seg[SREG_CS].selector, st.eip);
	check(st.seg[SREG_SS].selector == SEL_D0 && sp == R0_STACK - 20,
	      "stack switched from the TSS: ss:esp %x:%x", st.seg[SREG_SS].selector, sp);
	check(rd32(sp) == ret && rd32(sp + 4) == SEL_C3 && (rd32(sp + 8) & 0x202) == 0x202 &&
	          rd32(sp + 12) == R3_STACK && rd32(sp + 16) == SEL_D3,
	      "frame eip %x cs %x eflags %x esp %x ss %x", rd32(sp), rd32(sp + 4), rd32(sp + 8),
	      rd32(sp + 12), rd32(sp + 16));
	check(!(st.eflags & 0x200), "interrupt gate clears IF");
	check(st.tr.selector == SEL_TSS && st.tr.type == 11, "TR loaded and busy: %x type %u",
	      st.tr.selector, st.tr.type);
	check(ram[GDT + SEL_TSS + 5] == 0x8b, "busy bit in the GDT: %x", ram[GDT + SEL_TSS + 5]);
	st = run_hlt(v);
	check(st.eip == 0x1801 && st.gpr[GPR_EBX] == 0, "back in ring 3, DS was nulled: ds %x",
	      st.gpr[GPR_EBX]);
	check(rd32(st.gpr[GPR_ESP]) == ret + 4, "second int from ring 3: eip %x",
	      rd32(st.gpr[GPR_ESP]));
	vcpu_destroy(v);

	start("iret to ring 3: CPL 3, data segments of DPL 0 nulled");
	emit_to_ring3(0x2);
	E(0xcd, 0x80); /* int 0x80: stop here */
	set_gate(0x80, SEL_C0, 0x1800, 3);
	ram[0x1800] = 0xf4;
	v = boot(false);
	vcpu_set_debug(v, &(struct vcpu_debug){.n_breakpoints = 1,
	                                       .breakpoints = (const uint32_t[]){R3_CODE}});
	struct vcpu_exit ex = run(v);
	st = state(v);
	check(ex.reason == VCPU_EXIT_DEBUG && st.eip == R3_CODE, "at the user code: %s %x",
	      vcpu_exit_reason_name(ex.reason), st.eip);
	check(st.seg[SREG_CS].selector == SEL_C3 && st.seg[SREG_SS].selector == SEL_D3 &&
	          st.seg[SREG_SS].dpl == 3 && st.gpr[GPR_ESP] == R3_STACK,
	      "cs %x ss %x esp %x", st.seg[SREG_CS].selector, st.seg[SREG_SS].selector,
	      st.gpr[GPR_ESP]);
	check(!st.seg[SREG_DS].present && !st.seg[SREG_ES].present && !st.seg[SREG_FS].present &&
	          !st.seg[SREG_GS].present && st.seg[SREG_DS].selector == 0,
	      "data segments nulled");
	vcpu_destroy(v);
}

/* One instruction sequence at ring 3 (IOPL iopl) that must fault. */
struct user_fault {
	const char *name;
	uint8_t code[12];
	unsigned len, at; /* bytes; offset of the faulting instruction */
	unsigned vec;
	uint32_t err;
	unsigned iopl;
};

static void test_user_faults(void)
{
	static const struct user_fault cases[] = {
	    {"cli at IOPL 0", {0xfa}, 1, 0, 13, 0, 0},
	    {"sti at IOPL 0", {0xfb}, 1, 0, 13, 0, 0},
	    {"hlt", {0xf4}, 1, 0, 13, 0, 3},
	    {"mov cr0, eax", {0x0f, 0x22, 0xc0}, 3, 0, 13, 0, 3},
	    {"mov eax, cr3", {0x0f, 0x20, 0xd8}, 3, 0, 13, 0, 3},
	    {"lgdt", {0x0f, 0x01, 0x15, 0, 0x40, 0, 0}, 7, 0, 13, 0, 3},
	    {"ltr", {0x0f, 0x00, 0xd8}, 3, 0, 13, 0, 3},
	    {"in from a port the bitmap denies", {0x66, 0xba, 0xf8, 0x03, 0xec}, 5, 4, 13, 0, 0},
	    {"int 0x81 through a DPL 0 gate", {0xcd, 0x81}, 2, 0, 13, 0x81 * 8 + 2, 3},
	    {"mov ds, DPL 0 data", {0x66, 0xb8, 0x10, 0, 0x8e, 0xd8}, 6, 4, 13, 0x10, 3},
	    {"mov ss, DPL 0 data", {0x66, 0xb8, 0x10, 0, 0x8e, 0xd0}, 6, 4, 13, 0x10, 3},
	    {"mov ss, RPL 0 of DPL 3 data", {0x66, 0xb8, 0x20, 0, 0x8e, 0xd0}, 6, 4, 13, 0x20, 3},
	    {"jmp far to ring 0 code", {0xea, 0, 0x20, 0, 0, 0x08, 0}, 7, 0, 13, 0x08, 3},
	    {"user access to a null DS", {0xa1, 0, 0x40, 0, 0}, 5, 0, 13, 0, 3},
	};
	for (size_t n = 0; n < sizeof(cases) / sizeof(cases[0]); n++) {
		const struct user_fault *f = &cases[n];
		start(f->name);
		emit_to_ring3(0x2 | (f->iopl << 12));
		emit(f->code, f->len);
		struct vcpu *v = boot(false);
		check_user_fault(v, f->vec, f->err, R3_CODE + f->at);
		vcpu_destroy(v);
	}

	start("ring 3 with IOPL 3: cli, sti, in, out run");
	emit_to_ring3(0x3002);
	E(0xfa, 0xfb); /* cli; sti */
	E(0xe4, 0x71); /* in al, 0x71 */
	E(0xcd, 0x80); /* int 0x80 */
	set_gate(0x80, SEL_C0, 0x1800, 3);
	ram[0x1800] = 0xf4;
	struct vcpu *v = boot(false);
	struct vcpu_exit ex = run(v);
	check(ex.reason == VCPU_EXIT_IO && ex.io.port == 0x71, "in at IOPL 3: %s",
	      vcpu_exit_reason_name(ex.reason));
	ex.io.data[0] = 0x5a;
	struct vcpu_state st = run_hlt(v);
	check(st.eip == 0x1801 && (st.gpr[GPR_EAX] & 0xff) == 0x5a, "eip %x al %x", st.eip,
	      st.gpr[GPR_EAX] & 0xff);
	vcpu_destroy(v);

	start("ring 3 at IOPL 0: the bitmap allows port 0x80");
	emit_to_ring3(0x2);
	E(0xe6, 0x80); /* out 0x80, al */
	E(0xcd, 0x80);
	set_gate(0x80, SEL_C0, 0x1800, 3);
	ram[0x1800] = 0xf4;
	v = boot(false);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IO && ex.io.port == 0x80 && ex.io.is_write, "out 0x80: %s",
	      vcpu_exit_reason_name(ex.reason));
	st = run_hlt(v);
	check(st.eip == 0x1801, "then int 0x80: eip %x", st.eip);
	vcpu_destroy(v);

	start("popf at ring 3 keeps IF and IOPL");
	emit_to_ring3(0x202);
	E(0x68), e32(0x3002); /* push IOPL 3, IF 0 */
	E(0x9d);              /* popfd */
	E(0x9c);              /* pushfd */
	E(0x5b);              /* pop ebx */
	E(0xcd, 0x80);
	set_gate(0x80, SEL_C0, 0x1800, 3);
	ram[0x1800] = 0xf4;
	v = boot(false);
	st = run_hlt(v);
	check((state(v).gpr[GPR_EBX] & 0x3200) == 0x200, "flags %x", st.gpr[GPR_EBX]);
	vcpu_destroy(v);
}

/* Segment loads at ring 0 and the LDT, verr/verw/lar/lsl, str/sldt. */
static void test_segments(void)
{
	static const struct {
		const char *name;
		uint8_t code[8];
		unsigned len;
		unsigned vec;
		uint32_t err;
	} faults[] = {
	    {"ring 0: mov ss, RPL 3", {0x66, 0xb8, 0x23, 0, 0x8e, 0xd0}, 6, 13, 0x20},
	    {"ring 0: mov ds, RPL 3 of DPL 0", {0x66, 0xb8, 0x13, 0, 0x8e, 0xd8}, 6, 13, 0x10},
	    {"ring 0: mov ss, read-only data", {0x66, 0xb8, 0x38, 0, 0x8e, 0xd0}, 6, 13, 0x38},
	    {"ring 0: mov ds, the TSS", {0x66, 0xb8, 0x28, 0, 0x8e, 0xd8}, 6, 13, 0x28},
	    {"ring 0: LDT selector without an LDT", {0x66, 0xb8, 0x04, 0, 0x8e, 0xd8}, 6, 13, 0x04},
	    {"ring 0: mov ss, null", {0x31, 0xc0, 0x8e, 0xd0}, 4, 13, 0},
	};
	for (size_t n = 0; n < sizeof(faults) / sizeof(faults[0]); n++) {
		start(faults[n].name);
		emit(faults[n].code, faults[n].len);
		struct vcpu *v = boot(false);
		struct vcpu_state st = run_stub(v, faults[n].vec);
		check(rd32(st.gpr[GPR_ESP]) == faults[n].err, "error code %x",
		      rd32(st.gpr[GPR_ESP]));
		vcpu_destroy(v);
	}

	start("LDT, str, sldt, verr, verw, lar, lsl, arpl");
	E(0x66, 0xb8), e16(SEL_LDT); /* mov ax, 0x30 */
	E(0x0f, 0x00, 0xd0);         /* lldt ax */
	E(0x66, 0xb8), e16(0x0c);    /* mov ax, 0x0c: LDT entry 1 */
	E(0x8e, 0xe0);               /* mov fs, eax */
	E(0x66, 0xb8), e16(SEL_TSS);
	E(0x0f, 0x00, 0xd8);      /* ltr ax */
	E(0x0f, 0x00, 0xc9);      /* str ecx */
	E(0x0f, 0x00, 0xc2);      /* sldt edx */
	E(0x66, 0xbe), e16(0x38); /* mov si, 0x38 */
	E(0x0f, 0x00, 0xe6);      /* verr si */
	E(0x0f, 0x94, 0xc3);      /* sete bl */
	E(0x0f, 0x00, 0xee);      /* verw si */
	E(0x0f, 0x94, 0xc7);      /* sete bh */
	E(0x0f, 0x02, 0xfe);      /* lar edi, esi */
	E(0x0f, 0x03, 0xee);      /* lsl ebp, esi */
	E(0x66, 0xb8), e16(0x10); /* mov ax, 0x10 */
	E(0x66, 0xbe), e16(0x03); /* mov si, 3 */
	E(0x66, 0x63, 0xf0);      /* arpl ax, si */
	E(0xf4);
	struct vcpu *v = boot(false);
	struct vcpu_state st = run_hlt(v);
	check(st.seg[SREG_FS].selector == 0x0c && st.ldt.selector == SEL_LDT, "fs from the LDT: %x",
	      st.seg[SREG_FS].selector);
	check(st.gpr[GPR_ECX] == SEL_TSS && st.gpr[GPR_EDX] == SEL_LDT, "str %x sldt %x",
	      st.gpr[GPR_ECX], st.gpr[GPR_EDX]);
	check((st.gpr[GPR_EBX] & 0xffff) == 0x0001, "verr 1, verw 0 on read-only data: %x",
	      st.gpr[GPR_EBX] & 0xffff);
	check(st.gpr[GPR_EDI] == 0x00cf9000 && st.gpr[GPR_EBP] == 0xffffffffu, "lar %x lsl %x",
	      st.gpr[GPR_EDI], st.gpr[GPR_EBP]);
	check((st.gpr[GPR_EAX] & 0xffff) == 0x13 && (st.eflags & 0x40), "arpl %x",
	      st.gpr[GPR_EAX] & 0xffff);
	vcpu_destroy(v);
}

/* ---- paging ---- */

/* Ring-0 code: mov eax, [lin]. */
static void emit_load(uint32_t lin)
{
	E(0xa1), e32(lin);
}
static void emit_store(uint32_t lin, uint32_t val)
{
	E(0xc7, 0x05), e32(lin), e32(val); /* mov dword [lin], val */
}

static void test_paging_maps(void)
{
	start("identity, a remapped page, a 4 MiB page");
	wr32(DATA, 0x11111111);
	wr32(0x5000, 0x22222222);
	map(HI, 0x5000, PTE_P | PTE_W);
	wr32(PD + 8, PDE_PS | PTE_P | PTE_W); /* linear 8 MiB: 4 MiB page at 0 */
	E(0x0f, 0x20, 0xe0);                  /* mov eax, cr4 */
	E(0x83, 0xc8, 0x10);                  /* or eax, PSE */
	E(0x0f, 0x22, 0xe0);                  /* mov cr4, eax */
	emit_load(DATA), E(0x89, 0xc3);       /* mov ebx, eax */
	emit_load(HI), E(0x89, 0xc1);         /* mov ecx, eax */
	emit_load(0x800000 + DATA), E(0x89, 0xc2);
	emit_store(HI + 4, 0x33333333);
	E(0xf4);
	struct vcpu *v = boot(true);
	struct vcpu_state st = run_hlt(v);
	check(st.gpr[GPR_EBX] == 0x11111111, "identity: %x", st.gpr[GPR_EBX]);
	check(st.gpr[GPR_ECX] == 0x22222222, "remapped: %x", st.gpr[GPR_ECX]);
	check(st.gpr[GPR_EDX] == 0x11111111, "4 MiB page: %x", st.gpr[GPR_EDX]);
	check(rd32(0x5004) == 0x33333333, "store through the remap: %x", rd32(0x5004));
	vcpu_destroy(v);

	start("accessed and dirty bits");
	map(HI, 0x5000, PTE_P | PTE_W);
	map(HI + 0x1000, 0x6000, PTE_P | PTE_W);
	wr32(PD + 8, PDE_PS | PTE_P | PTE_W);
	E(0x0f, 0x20, 0xe0), E(0x83, 0xc8, 0x10), E(0x0f, 0x22, 0xe0); /* CR4.PSE */
	emit_load(HI);
	emit_store(HI + 0x1000, 1);
	emit_store(0x800000 + DATA, 1);
	E(0xf4);
	v = boot(true);
	run_hlt(v);
	check((pte(HI) & (PTE_A | PTE_D)) == PTE_A, "read: A only: %x", pte(HI));
	check((pte(HI + 0x1000) & (PTE_A | PTE_D)) == (PTE_A | PTE_D), "write: A and D: %x",
	      pte(HI + 0x1000));
	check(rd32(PD + 4) & PTE_A, "PDE accessed: %x", rd32(PD + 4));
	check((rd32(PD + 8) & (PTE_A | PTE_D)) == (PTE_A | PTE_D), "4 MiB PDE: A and D: %x",
	      rd32(PD + 8));
	check(!(pte(0x7000) & PTE_A), "untouched page: no A: %x", pte(0x7000));
	vcpu_destroy(v);
}

/* One access that must page-fault, with CR2 and the error code. */
struct pf_case {
	const char *name;
	uint32_t pte_flags; /* of the page at HI */
	bool user, write, wp;
	uint32_t err;
};

static void test_page_faults(void)
{
	static const struct pf_case cases[] = {
	    {"not present, read", 0, false, false, false, 0},
	    {"not present, write", 0, false, true, false, 2},
	    {"supervisor write to read-only, CR0.WP", PTE_P, false, true, true, 3},
	    {"user read of a supervisor page", PTE_P | PTE_W, true, false, false, 5},
	    {"user write to a supervisor page", PTE_P | PTE_W, true, true, false, 7},
	    {"user write to a read-only page", PTE_P | PTE_U, true, true, false, 7},
	    {"user not present", 0, true, false, false, 4},
	};
	for (size_t n = 0; n < sizeof(cases) / sizeof(cases[0]); n++) {
		const struct pf_case *k = &cases[n];
		start(k->name);
		map(HI, 0x5000, k->pte_flags);
		if (k->wp) {
			E(0x0f, 0x20, 0xc0);   /* mov eax, cr0 */
			E(0x0d), e32(0x10000); /* or eax, WP */
			E(0x0f, 0x22, 0xc0);   /* mov cr0, eax */
		}
		if (k->user) {
			emit_to_ring3(0x2);
			E(0x6a, SEL_D3, 0x1f); /* push 0x23; pop ds */
		}
		uint32_t at = here();
		if (k->write)
			emit_store(HI + 0x10, 5);
		else
			emit_load(HI + 0x10);
		struct vcpu *v = boot(true);
		if (k->user) {
			check_user_fault(v, 14, k->err, at);
		} else {
			struct vcpu_state st = run_stub(v, 14);
			check(rd32(st.gpr[GPR_ESP]) == k->err && rd32(st.gpr[GPR_ESP] + 4) == at,
			      "error code %x at %x", rd32(st.gpr[GPR_ESP]),
			      rd32(st.gpr[GPR_ESP] + 4));
		}
		check(state(v).cr2 == HI + 0x10, "cr2 %x", state(v).cr2);
		vcpu_destroy(v);
	}

	start("supervisor write to read-only without WP is allowed");
	map(HI, 0x5000, PTE_P);
	emit_store(HI, 0x77);
	E(0xf4);
	struct vcpu *v = boot(true);
	run_hlt(v);
	check(rd32(0x5000) == 0x77, "written: %x", rd32(0x5000));
	vcpu_destroy(v);

	start("user fetch from a supervisor page");
	map(R3_CODE, R3_CODE, PTE_P | PTE_W);
	emit_to_ring3(0x2);
	E(0x90);
	v = boot(true);
	check_user_fault(v, 14, 5, R3_CODE);
	check(state(v).cr2 == R3_CODE, "cr2 %x", state(v).cr2);
	vcpu_destroy(v);

	start("instruction across a page boundary into an unmapped page");
	map(HI + 0x1000, 0, 0);
	map(HI, 0x5000, PTE_P | PTE_W);
	ram[0x5ffe] = 0xb8; /* mov eax, imm32: runs on into HI + 0x1000 */
	E(0xe9), e32(HI + 0xffe - (here() + 4));
	v = boot(true);
	struct vcpu_state st = run_stub(v, 14);
	check(rd32(st.gpr[GPR_ESP]) == 0 && rd32(st.gpr[GPR_ESP] + 4) == HI + 0xffe,
	      "error %x eip %x", rd32(st.gpr[GPR_ESP]), rd32(st.gpr[GPR_ESP] + 4));
	check(st.cr2 == HI + 0x1000, "cr2 %x", st.cr2);
	vcpu_destroy(v);

	start("page fault handler maps the page, the access is retried");
	map(HI, 0, 0);
	wr32(0x5010, 0xabcd);
	emit_load(HI + 0x10);
	E(0xf4);
	/* #PF handler: map HI -> 0x5000, invlpg, pop the error code, iretd */
	set_gate(14, SEL_C0, 0x1800, 0);
	p = ram + 0x1800;
	E(0xc7, 0x05), e32(PT1), e32(0x5000 | PTE_P | PTE_W);
	E(0x0f, 0x01, 0x3d), e32(HI); /* invlpg [HI] */
	E(0x83, 0xc4, 0x04);          /* add esp, 4 */
	E(0xcf);
	v = boot(true);
	st = run_hlt(v);
	check(st.gpr[GPR_EAX] == 0xabcd && st.eip == R0_CODE + 6, "eax %x eip %x", st.gpr[GPR_EAX],
	      st.eip);
	vcpu_destroy(v);
}

static void test_tlb(void)
{
	start("the TLB: stale until invlpg, then until a CR3 reload");
	wr32(0x5000, 0x55);
	wr32(0x6000, 0x66);
	wr32(0x7000, 0x77);
	map(HI, 0x5000, PTE_P | PTE_W);
	emit_load(HI), E(0x89, 0xc3);            /* ebx = [HI] (0x55) */
	emit_store(PT1, 0x6000 | PTE_P | PTE_W); /* remap to 0x6000 */
	emit_load(HI), E(0x89, 0xc1);            /* ecx: still 0x55 */
	E(0x0f, 0x01, 0x3d), e32(HI);            /* invlpg [HI] */
	emit_load(HI), E(0x89, 0xc2);            /* edx = 0x66 */
	emit_store(PT1, 0x7000 | PTE_P | PTE_W); /* remap to 0x7000 */
	emit_load(HI), E(0x89, 0xc6);            /* esi: still 0x66 */
	E(0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8);   /* mov eax, cr3; mov cr3, eax */
	emit_load(HI), E(0x89, 0xc7);            /* edi = 0x77 */
	E(0xf4);
	struct vcpu *v = boot(true);
	struct vcpu_state st = run_hlt(v);
	check(st.gpr[GPR_EBX] == 0x55 && st.gpr[GPR_ECX] == 0x55, "cached: %x %x", st.gpr[GPR_EBX],
	      st.gpr[GPR_ECX]);
	check(st.gpr[GPR_EDX] == 0x66, "after invlpg: %x", st.gpr[GPR_EDX]);
	check(st.gpr[GPR_ESI] == 0x66 && st.gpr[GPR_EDI] == 0x77, "after a CR3 reload: %x %x",
	      st.gpr[GPR_ESI], st.gpr[GPR_EDI]);
	vcpu_destroy(v);

	start("paging off and on again");
	map(DATA, 0x5000, PTE_P | PTE_W);
	wr32(DATA, 0x44);
	wr32(0x5000, 0x55);
	emit_load(DATA), E(0x89, 0xc3); /* ebx = 0x55 (paged) */
	E(0x0f, 0x20, 0xc0);            /* mov eax, cr0 */
	E(0x0f, 0xba, 0xf0, 0x1f);      /* btr eax, 31 */
	E(0x0f, 0x22, 0xc0);            /* mov cr0, eax */
	emit_load(DATA), E(0x89, 0xc1); /* ecx = 0x44 (linear = physical) */
	E(0x0f, 0x20, 0xc0);            /* mov eax, cr0 */
	E(0x0f, 0xba, 0xe8, 0x1f);      /* bts eax, 31 */
	E(0x0f, 0x22, 0xc0);            /* mov cr0, eax */
	emit_load(DATA), E(0x89, 0xc2); /* edx = 0x55 */
	E(0xf4);
	v = boot(true);
	st = run_hlt(v);
	check(st.gpr[GPR_EBX] == 0x55 && st.gpr[GPR_ECX] == 0x44 && st.gpr[GPR_EDX] == 0x55,
	      "%x %x %x", st.gpr[GPR_EBX], st.gpr[GPR_ECX], st.gpr[GPR_EDX]);
	vcpu_destroy(v);
}

/* Code in physical page 0x6000, run through linear 0x6000 and through the
 * alias HI; stores through either alias change what runs. */
static void test_smc_aliases(void)
{
	start("self-modifying code through two linear mappings");
	map(HI, 0x6000, PTE_P | PTE_W);
	E(0xb9), e32(2);                     /* mov ecx, 2 */
	E(0xe9), e32(0x6000 - (here() + 4)); /* jmp 0x6000 */
	p = ram + 0x6000;
	E(0xb0, 0x01);                       /* 6000 mov al, 1 */
	E(0xc6, 0x05), e32(HI + 1), E(0x02); /* 6002 mov byte [HI+1], 2 */
	E(0x49);                             /* 6009 dec ecx */
	E(0x75, 0xf4);                       /* 600a jnz 6000 */
	E(0x88, 0xc3);                       /* 600c mov bl, al */
	E(0xc6, 0x05), e32(0x6001), E(0x03); /* 600e mov byte [0x6001], 3 */
	E(0xe9), e32(HI - 0x601a);           /* 6015 jmp HI (the alias of 6000) */
	struct vcpu *v = boot(true);
	/* Through the alias: mov al, 3; the store of 2 again; ecx 0 -> loops
	 * 2^32 times: stop it with a breakpoint at HI + 9 (dec ecx). */
	vcpu_set_debug(
	    v, &(struct vcpu_debug){.n_breakpoints = 1, .breakpoints = (const uint32_t[]){HI + 9}});
	struct vcpu_exit ex = run(v);
	struct vcpu_state st = state(v);
	check(ex.reason == VCPU_EXIT_DEBUG, "breakpoint: %s", vcpu_exit_reason_name(ex.reason));
	check((st.gpr[GPR_EBX] & 0xff) == 2, "store through the alias seen: bl %x",
	      st.gpr[GPR_EBX] & 0xff);
	check((st.gpr[GPR_EAX] & 0xff) == 3, "store through the identity seen via the alias: al %x",
	      st.gpr[GPR_EAX] & 0xff);
	vcpu_destroy(v);
}

/* ---- the debugger's walk ---- */

static void test_translate(void)
{
	start("x86_translate");
	map(HI, 0x5000, PTE_P);
	wr32(PD + 8, PDE_PS | PTE_P);
	uint32_t pa = 0;
	const uint32_t pg = 0x80000011u;
	check(x86_translate(ram, RAM_SIZE, 0x11, PD, 0, 0x12345, &pa) == 0 && pa == 0x12345,
	      "paging off: %x", pa);
	check(x86_translate(ram, RAM_SIZE, pg, PD, 0, HI + 0x123, &pa) == 0 && pa == 0x5123,
	      "remapped: %x", pa);
	check(x86_translate(ram, RAM_SIZE, pg, PD, 0x10, 0x800000 + 0x4567, &pa) == 0 &&
	          pa == 0x4567,
	      "4 MiB page: %x", pa);
	check(x86_translate(ram, RAM_SIZE, pg, PD, 0, HI + 0x1000, &pa) == -EFAULT,
	      "unmapped: -EFAULT");
	check(x86_translate(ram, RAM_SIZE, pg, PD, 0, 0xc0000000u, &pa) == -EFAULT,
	      "no page table: -EFAULT");
	check(!(pte(HI) & PTE_A) && !(rd32(PD + 4) & PTE_A), "no accessed bits set");
	wr32(PD + 12, 0x7ffff000u | PTE_P); /* page table outside RAM */
	check(x86_translate(ram, RAM_SIZE, pg, PD, 0, 0xc00000, &pa) == -EFAULT,
	      "table outside RAM: -EFAULT");
}

int main(void)
{
	ram = aligned_alloc(4096, RAM_SIZE);
	if (!ram)
		return 99;
	test_ring3_round_trip();
	test_user_faults();
	test_segments();
	test_paging_maps();
	test_page_faults();
	test_tlb();
	test_smc_aliases();
	test_translate();
	free(ram);
	printf("test_cpu_paging: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
