/* Targeted tests of the built-in CPU for what the 286 conformance data
 * cannot cover: 386/486/i686 instructions, protected mode, exits and their
 * completion, debugging, kicks, self-modifying code, faults.
 *
 * Every guest is hand-assembled machine code loaded at 0000:1000 in real
 * mode, with SS:SP = 0000:8000 and an IVT whose vector n points at a HLT at
 * 0000:0500+n, so "which exception" is read from EIP after the HLT exit.
 * Exit status 0 when every check passes.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cpu/emu.h"
#include "vcpu.h"

#define RAM_SIZE 0x100000u
#define CODE     0x1000u
#define HANDLERS 0x500u

#include "cpu_test.h"

/* Fresh RAM with the IVT and handler HLTs; the cursor at CODE. */
static void start(const char *name)
{
	current = name;
	memset(ram, 0, RAM_SIZE);
	for (unsigned v = 0; v < 256; v++) {
		ram[v * 4] = (uint8_t)(HANDLERS + v);
		ram[v * 4 + 1] = (uint8_t)((HANDLERS + v) >> 8);
		ram[HANDLERS + v] = 0xf4;
	}
	p = ram + CODE;
}

static struct vcpu *boot(void)
{
	struct vcpu *v = emu_vcpu_create(ram, RAM_SIZE);
	struct vcpu_state st;
	if (!v) {
		printf("emu_vcpu_create failed\n");
		exit(99);
	}
	vcpu_get_state(v, &st);
	st.eip = CODE;
	st.gpr[GPR_ESP] = 0x8000;
	vcpu_set_state(v, &st);
	return v;
}

/* Run to HLT and check that it is the handler of vector vec. */
static struct vcpu_state run_vector(struct vcpu *v, unsigned vec)
{
	struct vcpu_state st = run_hlt(v);
	check(st.seg[SREG_CS].selector == 0 && st.eip == HANDLERS + vec + 1,
	      "wanted vector %u, stopped at %04x:%04x", vec, st.seg[SREG_CS].selector, st.eip);
	return st;
}

/* ---- 386+ instructions ---- */

static void test_sib(void)
{
	start("32-bit addressing, SIB");
	E(0x66, 0xb8), e32(0x12345678);             /* mov eax, 0x12345678 */
	E(0x66, 0xbb), e32(0x2000);                 /* mov ebx, 0x2000 */
	E(0x66, 0xbe), e32(4);                      /* mov esi, 4 */
	E(0x67, 0x66, 0x89, 0x44, 0xb3, 0x10);      /* mov [ebx+esi*4+0x10], eax */
	E(0x67, 0x66, 0x8b, 0x8c, 0x73), e32(0x18); /* mov ecx, [ebx+esi*2+0x18] */
	E(0x67, 0x8d, 0x14, 0xf5), e32(0x100);      /* lea dx, [esi*8+0x100] */
	E(0x67, 0x66, 0x8b, 0x3c, 0x24);            /* mov edi, [esp] (SS) */
	E(0xf4);
	ram[0x8000] = 0xaa, ram[0x8003] = 0xbb;
	struct vcpu *v = boot();
	struct vcpu_state st = run_hlt(v);
	check(rd32(0x2020) == 0x12345678, "store via SIB: %08x", rd32(0x2020));
	check(st.gpr[GPR_ECX] == 0x12345678, "load via SIB+disp32: %08x", st.gpr[GPR_ECX]);
	check((st.gpr[GPR_EDX] & 0xffff) == 0x120, "lea: %x", st.gpr[GPR_EDX]);
	check(st.gpr[GPR_EDI] == 0xbb0000aa, "[esp]: %08x", st.gpr[GPR_EDI]);
	vcpu_destroy(v);
}

static void test_movx_setcc_cmov(void)
{
	start("movzx/movsx/setcc/cmov/bswap");
	E(0x66, 0xbb), e32(0x000080f0);         /* mov ebx, 0x80f0 */
	E(0x66, 0x0f, 0xb6, 0xc3);              /* movzx eax, bl */
	E(0x66, 0x0f, 0xbf, 0xcb);              /* movsx ecx, bx */
	E(0x66, 0x0f, 0xbe, 0x16), e16(0x2000); /* movsx edx, byte [0x2000] */
	E(0x66, 0x89, 0x06), e16(0x2010);       /* mov [0x2010], eax */
	E(0x66, 0x89, 0x0e), e16(0x2014);       /* mov [0x2014], ecx */
	E(0x66, 0x89, 0x16), e16(0x2018);       /* mov [0x2018], edx */
	E(0x39, 0xc0);                          /* cmp ax, ax */
	E(0x0f, 0x94, 0xc0);                    /* sete al */
	E(0x0f, 0x9c, 0xc4);                    /* setl ah */
	E(0x66, 0x0f, 0x44, 0xcb);              /* cmove ecx, ebx */
	E(0x66, 0x0f, 0x45, 0xd3);              /* cmovne edx, ebx */
	E(0x66, 0xbe), e32(0x12345678);         /* mov esi, 0x12345678 */
	E(0x66, 0x0f, 0xce);                    /* bswap esi */
	E(0xf4);
	ram[0x2000] = 0x85;
	struct vcpu *v = boot();
	struct vcpu_state st = run_hlt(v);
	check(rd32(0x2010) == 0xf0, "movzx: %08x", rd32(0x2010));
	check(rd32(0x2014) == 0xffff80f0, "movsx word: %08x", rd32(0x2014));
	check(rd32(0x2018) == 0xffffff85, "movsx byte mem: %08x", rd32(0x2018));
	check((st.gpr[GPR_EAX] & 0xffff) == 0x0001, "sete/setl: %04x", st.gpr[GPR_EAX] & 0xffff);
	check(st.gpr[GPR_ECX] == 0x80f0, "cmove taken: %08x", st.gpr[GPR_ECX]);
	check(st.gpr[GPR_EDX] == 0xffffff85, "cmovne not taken: %08x", st.gpr[GPR_EDX]);
	check(st.gpr[GPR_ESI] == 0x78563412, "bswap: %08x", st.gpr[GPR_ESI]);
	vcpu_destroy(v);
}

static void test_xadd_cmpxchg(void)
{
	start("xadd/cmpxchg/cmpxchg8b");
	E(0x66, 0xb8), e32(100);                /* mov eax, 100 */
	E(0x66, 0xbb), e32(23);                 /* mov ebx, 23 */
	E(0x66, 0x0f, 0xc1, 0xd8);              /* xadd eax, ebx: eax=123 ebx=100 */
	E(0x66, 0x0f, 0xc1, 0x1e), e16(0x2000); /* xadd [0x2000], ebx */
	E(0x66, 0x89, 0xc1);                    /* mov ecx, eax (123) */
	E(0x66, 0xba), e32(7);                  /* mov edx, 7 */
	E(0x66, 0x0f, 0xb1, 0xd1);              /* cmpxchg ecx, edx: equal -> ecx=7, ZF */
	E(0x9c);                                /* pushf */
	E(0x66, 0x0f, 0xb1, 0x16), e16(0x2004); /* cmpxchg [0x2004], edx: unequal -> eax=[..] */
	E(0x9c);                                /* pushf */
	E(0xf4);
	memcpy(ram + 0x2000, &(uint32_t){1000}, 4);
	memcpy(ram + 0x2004, &(uint32_t){555}, 4);
	struct vcpu *v = boot();
	struct vcpu_state st = run_hlt(v);
	check(st.gpr[GPR_EBX] == 1000, "xadd mem: ebx=%u", st.gpr[GPR_EBX]);
	check(rd32(0x2000) == 1100, "xadd mem: [..]=%u", rd32(0x2000));
	check(st.gpr[GPR_ECX] == 7, "cmpxchg equal: ecx=%u", st.gpr[GPR_ECX]);
	check(rd16(0x7ffe) & 0x40, "cmpxchg equal sets ZF");
	check(st.gpr[GPR_EAX] == 555, "cmpxchg unequal loads eax: %u", st.gpr[GPR_EAX]);
	check(!(rd16(0x7ffc) & 0x40), "cmpxchg unequal clears ZF");
	check(rd32(0x2004) == 555, "cmpxchg unequal keeps memory");
	vcpu_destroy(v);
}

static void test_cpuid_rdtsc(void)
{
	start("cpuid/rdtsc");
	E(0x66, 0x31, 0xc0);              /* xor eax, eax */
	E(0x0f, 0xa2);                    /* cpuid */
	E(0x66, 0x89, 0x1e), e16(0x2000); /* mov [0x2000], ebx */
	E(0x66, 0x89, 0x16), e16(0x2004); /* mov [0x2004], edx */
	E(0x66, 0x89, 0x0e), e16(0x2008); /* mov [0x2008], ecx */
	E(0x66, 0xb8), e32(1);            /* mov eax, 1 */
	E(0x0f, 0xa2);                    /* cpuid */
	E(0x66, 0x89, 0x16), e16(0x2010); /* mov [0x2010], edx */
	E(0x66, 0xa3), e16(0x2014);       /* mov [0x2014], eax */
	E(0x0f, 0x31);                    /* rdtsc */
	E(0x66, 0x89, 0xc6);              /* mov esi, eax */
	E(0x0f, 0x31);                    /* rdtsc */
	E(0xf4);
	struct vcpu *v = boot();
	struct vcpu_state st = run_hlt(v);
	check(!memcmp(ram + 0x2000, "GenuineIntel", 12), "vendor %.12s", ram + 0x2000);
	uint32_t feat = rd32(0x2010);
	check((feat & (1u << 15)) && (feat & (1u << 4)) && !(feat & 1) && !(feat & (1u << 25)),
	      "features %08x: CMOV, TSC, no FPU, no SSE", feat);
	check(((rd32(0x2014) >> 8) & 15) == 6, "family 6: %08x", rd32(0x2014));
	check(st.gpr[GPR_EAX] > st.gpr[GPR_ESI], "rdtsc increases: %u %u", st.gpr[GPR_ESI],
	      st.gpr[GPR_EAX]);
	vcpu_destroy(v);
}

static void test_bits(void)
{
	start("bt*/bsf/bsr/shld/shrd");
	E(0x66, 0xb8), e32(0x10);         /* mov eax, 0x10 */
	E(0x66, 0xbb), e32(4);            /* mov ebx, 4 */
	E(0x66, 0x0f, 0xa3, 0xd8);        /* bt eax, ebx -> CF=1 */
	E(0x9c);                          /* pushf (7ffe) */
	E(0x66, 0x0f, 0xba, 0xe8, 0x05);  /* bts eax, 5 -> 0x30 */
	E(0x0f, 0xba, 0xf0, 0x04);        /* btr ax, 4 -> 0x20 */
	E(0x66, 0x0f, 0xbb, 0xd8);        /* btc eax, ebx -> 0x30 */
	E(0xbb), e16(17);                 /* mov bx, 17 */
	E(0x0f, 0xab, 0x1e), e16(0x2000); /* bts [0x2000], bx: word 0x2002 bit 1 */
	E(0xbb), e16(0xffff);             /* mov bx, -1 */
	E(0x0f, 0xab, 0x1e), e16(0x2010); /* bts [0x2010], bx: word 0x200e bit 15 */
	E(0x66, 0xba), e32(0x00f00000);   /* mov edx, 0x00f00000 */
	E(0x66, 0x0f, 0xbc, 0xf2);        /* bsf esi, edx -> 20 */
	E(0x66, 0x0f, 0xbd, 0xfa);        /* bsr edi, edx -> 23 */
	E(0x66, 0xb9), e32(0x12345678);   /* mov ecx, 0x12345678 */
	E(0x66, 0xba), e32(0xabcdef01);   /* mov edx, 0xabcdef01 */
	E(0x66, 0x89, 0xcd);              /* mov ebp, ecx */
	E(0x66, 0x0f, 0xa4, 0xd1, 0x08);  /* shld ecx, edx, 8 */
	E(0x66, 0x0f, 0xac, 0xd5, 0x08);  /* shrd ebp, edx, 8 */
	E(0x66, 0x31, 0xd2);              /* xor edx, edx */
	E(0x66, 0x0f, 0xbc, 0xda);        /* bsf ebx, edx: ZF=1 */
	E(0x9c);                          /* pushf (7ffc) */
	E(0xf4);
	struct vcpu *v = boot();
	struct vcpu_state st = run_hlt(v);
	check(rd16(0x7ffe) & 1, "bt sets CF");
	check(st.gpr[GPR_EAX] == 0x30, "bts/btr/btc: %x", st.gpr[GPR_EAX]);
	check(rd16(0x2002) == 2, "bts with bit offset 17: %04x", rd16(0x2002));
	check(rd16(0x200e) == 0x8000, "bts with bit offset -1: %04x", rd16(0x200e));
	check(st.gpr[GPR_ESI] == 20 && st.gpr[GPR_EDI] == 23, "bsf %u bsr %u", st.gpr[GPR_ESI],
	      st.gpr[GPR_EDI]);
	check(st.gpr[GPR_ECX] == 0x345678ab, "shld: %08x", st.gpr[GPR_ECX]);
	check(st.gpr[GPR_EBP] == 0x01123456, "shrd: %08x", st.gpr[GPR_EBP]);
	check(rd16(0x7ffc) & 0x40, "bsf of 0 sets ZF");
	vcpu_destroy(v);
}

static void test_misc386(void)
{
	start("imul/cwde/cdq/enter/leave/pusha/lfs");
	E(0x66, 0xb8), e32(0xfffffffe);   /* mov eax, -2 */
	E(0x66, 0x6b, 0xd8, 0x07);        /* imul ebx, eax, 7 */
	E(0x66, 0x69, 0xc8), e32(100000); /* imul ecx, eax, 100000 */
	E(0x66, 0x0f, 0xaf, 0xcb);        /* imul ecx, ebx */
	E(0xb8), e16(0x8001);             /* mov ax, 0x8001 */
	E(0x66, 0x98);                    /* cwde */
	E(0x66, 0x99);                    /* cdq */
	E(0x0f, 0xb4, 0x36), e16(0x2000); /* lfs si, [0x2000] */
	E(0x64, 0x8b, 0x3c);              /* mov di, fs:[si] */
	E(0xc8, 0x10, 0x00, 0x00);        /* enter 16, 0 */
	E(0x90, 0x90);                    /* nop; nop */
	E(0xc9);                          /* leave */
	E(0xf4);
	memcpy(ram + 0x2000, "\x34\x12\x00\x30", 4); /* 3000:1234 */
	memcpy(ram + 0x31234, "\xcd\xab", 2);
	struct vcpu *v = boot();
	struct vcpu_state st = run_hlt(v);
	check(st.gpr[GPR_EBX] == (uint32_t)-14, "imul 3-op ib: %d", (int)st.gpr[GPR_EBX]);
	check(st.gpr[GPR_ECX] == 2800000, "imul chain: %d", (int)st.gpr[GPR_ECX]);
	check(st.gpr[GPR_EAX] == 0xffff8001 && st.gpr[GPR_EDX] == 0xffffffff, "cwde/cdq %08x %08x",
	      st.gpr[GPR_EAX], st.gpr[GPR_EDX]);
	check(st.seg[SREG_FS].selector == 0x3000 && st.seg[SREG_FS].base == 0x30000 &&
	          (st.gpr[GPR_EDI] & 0xffff) == 0xabcd,
	      "lfs: fs=%04x di=%04x", st.seg[SREG_FS].selector, st.gpr[GPR_EDI]);
	check(st.gpr[GPR_ESP] == 0x8000, "enter/leave balance: sp=%x", st.gpr[GPR_ESP]);
	vcpu_destroy(v);
}

static void test_string32_and_tf(void)
{
	start("rep movsd with 32-bit addressing");
	E(0x66, 0xbe), e32(0x2000); /* mov esi, 0x2000 */
	E(0x66, 0xbf), e32(0x3000); /* mov edi, 0x3000 */
	E(0x66, 0xb9), e32(2);      /* mov ecx, 2 */
	E(0xf3, 0x67, 0x66, 0xa5);  /* rep movsd (a32) */
	E(0x67, 0xac);              /* lodsb (a32) */
	E(0xf4);
	memcpy(ram + 0x2000, "ABCDEFGHI", 9);
	struct vcpu *v = boot();
	struct vcpu_state st = run_hlt(v);
	check(!memcmp(ram + 0x3000, "ABCDEFGH", 8), "copied %.8s", ram + 0x3000);
	check(st.gpr[GPR_ESI] == 0x2009 && st.gpr[GPR_EDI] == 0x3008 && st.gpr[GPR_ECX] == 0,
	      "esi %x edi %x ecx %x", st.gpr[GPR_ESI], st.gpr[GPR_EDI], st.gpr[GPR_ECX]);
	check((st.gpr[GPR_EAX] & 0xff) == 'I', "lodsb a32");
	vcpu_destroy(v);

	start("guest TF: #DB after the instruction following popf");
	E(0x9c, 0x58);       /* pushf; pop ax */
	E(0x0d), e16(0x100); /* or ax, 0x100 */
	E(0x50, 0x9d);       /* push ax; popf */
	E(0x90, 0x90, 0xf4); /* 1007 nop; 1008 nop; hlt */
	v = boot();
	st = run_vector(v, 1);
	check(rd16(st.gpr[GPR_ESP]) == 0x1008, "#DB return IP %x", rd16(st.gpr[GPR_ESP]));
	check(!(st.eflags & EFLAGS_TF), "TF cleared in the handler");
	vcpu_destroy(v);
}

/* ---- protected mode ---- */

/* lgdt [0x3100]; set CR0.PE; far jump to 0008: the code that follows. */
static void emit_enter_pm32(void)
{
	E(0x0f, 0x01, 0x16), e16(0x3100); /* lgdt [0x3100] */
	E(0x0f, 0x20, 0xc0);              /* mov eax, cr0 */
	E(0x66, 0x83, 0xc8, 0x01);        /* or eax, 1 */
	E(0x0f, 0x22, 0xc0);              /* mov cr0, eax */
	E(0x66, 0xea);                    /* jmp far 0008:pm32 */
	uint8_t *fix = p;
	e32(0), e16(0x08);
	uint32_t pm32 = here();
	memcpy(fix, &pm32, 4);
}

static void test_protected_mode(void)
{
	start("protected mode round trip");
	/* GDT at 0x3000: null, code32, data32, code16, data16. */
	static const uint64_t gdt[] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull,
	                               0x00009a000000ffffull, 0x000092000000ffffull};
	memcpy(ram + 0x3000, gdt, sizeof(gdt));
	memcpy(ram + 0x3100, "\x27\x00\x00\x30\x00\x00", 6); /* GDTR */
	/* IDT at 0x3300: vector 0x30 -> 0008:00002800, 32-bit interrupt gate. */
	memcpy(ram + 0x3300 + 0x30 * 8, "\x00\x28\x08\x00\x00\x8e\x00\x00", 8);
	memcpy(ram + 0x3200, "\xff\x03\x00\x33\x00\x00", 6); /* IDTR */
	memcpy(ram + 0x2800, "\xf4\xcf", 2);                 /* hlt; iretd */

	emit_enter_pm32();
	E(0xb8), e32(0x10);               /* mov eax, 0x10 */
	E(0x8e, 0xd8);                    /* mov ds, eax */
	E(0x8e, 0xd0);                    /* mov ss, eax */
	E(0xbc), e32(0x9000);             /* mov esp, 0x9000 */
	E(0xb9), e32(0x11223344);         /* mov ecx, 0x11223344 */
	E(0x89, 0x0d), e32(0x4000);       /* mov [0x4000], ecx */
	E(0x51);                          /* push ecx */
	E(0x5a);                          /* pop edx */
	E(0x8d, 0x74, 0x88, 0x04);        /* lea esi, [eax+ecx*4+4] */
	E(0x0f, 0x01, 0x1d), e32(0x3200); /* lidt [0x3200] */
	E(0xcd, 0x30);                    /* int 0x30 */
	E(0xf4);                          /* hlt (back from the handler) */
	E(0xea);                          /* jmp far 0018:pm16 */
	uint8_t *fix16 = p;
	e32(0), e16(0x18);
	uint32_t pm16 = here();
	memcpy(fix16, &pm16, 4);
	E(0xb8), e16(0x20);        /* mov ax, 0x20 */
	E(0x8e, 0xd8);             /* mov ds, ax */
	E(0x8e, 0xd0);             /* mov ss, ax */
	E(0x0f, 0x20, 0xc0);       /* mov eax, cr0 */
	E(0x66, 0x83, 0xe0, 0xfe); /* and eax, ~1 */
	E(0x0f, 0x22, 0xc0);       /* mov cr0, eax */
	E(0xea);                   /* jmp far 0000:rm */
	uint8_t *fixrm = p;
	e16(0), e16(0);
	uint32_t rm = here();
	memcpy(fixrm, &rm, 2);
	E(0x31, 0xc0);        /* xor ax, ax */
	E(0x8e, 0xd8);        /* mov ds, ax */
	E(0x8e, 0xd0);        /* mov ss, ax */
	E(0xa1), e16(0x4000); /* mov ax, [0x4000] */
	E(0xf4);

	struct vcpu *v = boot();
	struct vcpu_state st = run_hlt(v); /* in the int 0x30 handler */
	check(st.cr0 & CR0_PE, "PE set");
	check(st.seg[SREG_CS].selector == 8 && st.seg[SREG_CS].db && st.eip == 0x2801,
	      "in 32-bit handler: cs=%x db=%u eip=%x", st.seg[SREG_CS].selector, st.seg[SREG_CS].db,
	      st.eip);
	check(st.seg[SREG_SS].selector == 0x10 && st.seg[SREG_SS].limit == 0xffffffff &&
	          st.seg[SREG_SS].db,
	      "ss from GDT: sel %x limit %x", st.seg[SREG_SS].selector, st.seg[SREG_SS].limit);
	check(st.gpr[GPR_ESP] == 0x9000 - 12, "interrupt frame of 3 dwords: esp=%x",
	      st.gpr[GPR_ESP]);
	check(rd32(0x9000 - 8) == 8, "pushed CS %x", rd32(0x9000 - 8));
	check(st.gpr[GPR_EDX] == 0x11223344 && rd32(0x4000) == 0x11223344, "32-bit data");
	check(st.gpr[GPR_ESI] == 0x10 + 0x11223344u * 4 + 4, "SIB in 32-bit code: %x",
	      st.gpr[GPR_ESI]);
	st = run_hlt(v); /* after iretd */
	check(st.eip == pm16 - 7, "iretd back to 32-bit code: eip=%x", st.eip);
	st = run_hlt(v); /* back in real mode */
	check(!(st.cr0 & CR0_PE), "PE clear");
	check(st.seg[SREG_CS].selector == 0 && st.seg[SREG_CS].base == 0 && !st.seg[SREG_CS].db,
	      "real-mode CS");
	check((st.gpr[GPR_EAX] & 0xffff) == 0x3344, "real-mode read: %x", st.gpr[GPR_EAX]);
	check(st.eip == here() - CODE + CODE, "eip %x", st.eip);
	vcpu_destroy(v);

	start("PG without PE: #GP");
	E(0x66, 0xb8), e32(0x80000000); /* mov eax, PG */
	E(0x0f, 0x22, 0xc0);            /* mov cr0, eax */
	E(0xf4);
	v = boot();
	run_vector(v, 13);
	check(!(state(v).cr0 & 0x80000000u), "CR0 unchanged: %x", state(v).cr0);
	vcpu_destroy(v);
}

/* ---- exits ---- */

/* rdmsr and wrmsr exit to the caller before they complete; a #GP verdict
 * faults (vector 13 through the IVT); CPUID advertises MSR. */
static void test_msr(void)
{
	start("rdmsr/wrmsr exits");
	E(0x66, 0xb9), e32(0x1b);  /* mov ecx, 0x1b */
	E(0x0f, 0x32);             /* rdmsr */
	E(0x66, 0x83, 0xc0, 0x01); /* add eax, 1 */
	E(0x0f, 0x30);             /* wrmsr */
	E(0x0f, 0x30);             /* wrmsr (refused) */
	E(0xf4);
	struct vcpu *v = boot();
	struct vcpu_exit ex = run(v);
	check(ex.reason == VCPU_EXIT_MSR && ex.msr.index == 0x1b && !ex.msr.is_write && ex.msr.gp &&
	          !*ex.msr.gp,
	      "rdmsr exit: %s", vcpu_exit_reason_name(ex.reason));
	check(state(v).eip == CODE + 6, "rdmsr not done before its value arrives");
	*ex.msr.data = 0x12345678fee00900ull;
	ex = run(v);
	check(ex.reason == VCPU_EXIT_MSR && ex.msr.is_write &&
	          *ex.msr.data == 0x12345678fee00901ull,
	      "wrmsr carries EDX:EAX: %s %llx", vcpu_exit_reason_name(ex.reason),
	      ex.msr.data ? (unsigned long long)*ex.msr.data : 0ull);
	check(state(v).eip == CODE + 12, "wrmsr waits for its verdict");
	ex = run(v);
	check(ex.reason == VCPU_EXIT_MSR && ex.msr.is_write && state(v).eip == CODE + 14,
	      "first wrmsr done, second exits");
	*ex.msr.gp = 1;
	struct vcpu_state st = run_vector(v, 13);
	check(rd16(st.gpr[GPR_ESP]) == CODE + 14, "#GP at the refused wrmsr");
	vcpu_destroy(v);

	start("cpuid advertises MSR");
	E(0x66, 0xb8), e32(1); /* mov eax, 1 */
	E(0x0f, 0xa2);         /* cpuid */
	E(0xf4);
	v = boot();
	check(run_hlt(v).gpr[GPR_EDX] & (1u << 5), "CPUID.1:EDX bit 5");
	vcpu_destroy(v);
}

static void test_io(void)
{
	start("port I/O exits");
	E(0xe4, 0x60);        /* in al, 0x60 */
	E(0xe6, 0x61);        /* out 0x61, al */
	E(0xba), e16(0x3f8);  /* mov dx, 0x3f8 */
	E(0x66, 0xed);        /* in eax, dx */
	E(0xbe), e16(0x2000); /* mov si, 0x2000 */
	E(0xb9), e16(3);      /* mov cx, 3 */
	E(0xf3, 0x6e);        /* rep outsb */
	E(0xf4);
	memcpy(ram + 0x2000, "abc", 3);
	struct vcpu *v = boot();
	struct vcpu_exit ex = run(v);
	check(ex.reason == VCPU_EXIT_IO && ex.io.port == 0x60 && !ex.io.is_write && ex.io.size == 1,
	      "in al: %s port %x", vcpu_exit_reason_name(ex.reason), ex.io.port);
	check(state(v).eip == CODE, "in not done before its value arrives");
	ex.io.data[0] = 0x5a;
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IO && ex.io.port == 0x61 && ex.io.is_write &&
	          ex.io.data[0] == 0x5a,
	      "out carries the value read: %x", ex.io.data ? ex.io.data[0] : 0);
	check(state(v).eip == CODE + 4, "out complete at its exit");
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IO && ex.io.port == 0x3f8 && ex.io.size == 4, "in eax, dx");
	memcpy(ex.io.data, "\x01\x02\x03\x04", 4);
	char got[4] = {0};
	int n = 0;
	for (;;) {
		ex = run(v);
		if (ex.reason != VCPU_EXIT_IO)
			break;
		check(ex.io.is_write && ex.io.port == 0x3f8 && ex.io.size == 1, "outsb exit");
		for (uint32_t k = 0; k < ex.io.count && n < 4; k++)
			got[n++] = (char)ex.io.data[k];
	}
	check(ex.reason == VCPU_EXIT_HLT, "hlt after rep outsb: %s",
	      vcpu_exit_reason_name(ex.reason));
	check(n == 3 && !memcmp(got, "abc", 3), "rep outsb data %.*s", n, got);
	struct vcpu_state st = state(v);
	check(st.gpr[GPR_EAX] == 0x04030201, "in eax value %08x", st.gpr[GPR_EAX]);
	check((st.gpr[GPR_ECX] & 0xffff) == 0 && (st.gpr[GPR_ESI] & 0xffff) == 0x2003,
	      "rep outsb registers");
	check(st.eip == here(), "HLT exit: EIP past the hlt (%x)", st.eip);
	vcpu_destroy(v);
}

static void test_mmio(void)
{
	start("MMIO exits");
	E(0xb8), e16(0xffff);     /* mov ax, 0xffff */
	E(0x8e, 0xd8);            /* mov ds, ax: DS base 0xffff0 */
	E(0xb8), e16(0x0101);     /* mov ax, 0x0101 */
	E(0x8b, 0x1e), e16(0x10); /* mov bx, [0x10]: MMIO read at 0x100000 */
	E(0x01, 0x06), e16(0x20); /* add [0x20], ax: read 0x100010, then write */
	E(0x89, 0x1e), e16(0x0f); /* mov [0x0f], bx: straddles RAM end: 1 byte + 1 MMIO */
	E(0xf4);
	struct vcpu *v = boot();
	struct vcpu_exit ex = run(v);
	check(ex.reason == VCPU_EXIT_MMIO && ex.mmio.addr == 0x100000 && ex.mmio.len == 2 &&
	          !ex.mmio.is_write,
	      "mmio read: %s %llx", vcpu_exit_reason_name(ex.reason),
	      (unsigned long long)ex.mmio.addr);
	ex.mmio.data[0] = 0x34, ex.mmio.data[1] = 0x12;
	ex = run(v);
	check(state(v).gpr[GPR_EBX] == 0x1234, "mmio read completed: bx=%x", state(v).gpr[GPR_EBX]);
	check(ex.reason == VCPU_EXIT_MMIO && ex.mmio.addr == 0x100010 && !ex.mmio.is_write,
	      "rmw read first");
	ex.mmio.data[0] = 0xff, ex.mmio.data[1] = 0x00;
	ex = run(v);
	check(ex.reason == VCPU_EXIT_MMIO && ex.mmio.is_write && ex.mmio.addr == 0x100010 &&
	          ex.mmio.len == 2 && ex.mmio.data[0] == 0x00 && ex.mmio.data[1] == 0x02,
	      "rmw write 0x00ff+0x0101: %02x%02x", ex.mmio.data[1], ex.mmio.data[0]);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_MMIO && ex.mmio.is_write && ex.mmio.addr == 0x100000 &&
	          ex.mmio.len == 1 && ex.mmio.data[0] == 0x12,
	      "straddling write: MMIO part");
	check(ram[0xfffff] == 0x34, "straddling write: RAM part %02x", ram[0xfffff]);
	run_hlt(v);
	vcpu_destroy(v);

	start("fetch outside RAM");
	E(0xea), e16(0x0010), e16(0xffff); /* jmp far ffff:0010 = 0x100000 */
	v = boot();
	ex = run(v);
	check(ex.reason == VCPU_EXIT_INTERNAL_ERROR && ex.internal.suberror == 1 &&
	          ex.internal.data[0] == 0x100000,
	      "fetch from MMIO: %s", vcpu_exit_reason_name(ex.reason));
	vcpu_destroy(v);
}

/* ---- debugging ---- */

static void set_debug(struct vcpu *v, bool step, unsigned nbp, const uint32_t *bp, unsigned nwp,
                      const struct vcpu_watchpoint *wp, bool sw)
{
	struct vcpu_debug d = {.singlestep = step,
	                       .n_breakpoints = nbp,
	                       .breakpoints = bp,
	                       .n_watchpoints = nwp,
	                       .watchpoints = wp,
	                       .sw_breakpoints = sw};
	check(vcpu_set_debug(v, &d) == 0, "set_debug");
}

static void test_step_and_breakpoints(void)
{
	start("single-step");
	E(0x40);         /* 1000 inc ax */
	E(0xb9), e16(3); /* 1001 mov cx, 3 */
	E(0xf3, 0xaa);   /* 1004 rep stosb */
	E(0xcd, 0x21);   /* 1006 int 0x21 */
	struct vcpu *v = boot();
	set_debug(v, true, 0, NULL, 0, NULL, false);
	/* The rep traps after each iteration, as hardware does. */
	static const uint32_t expect[] = {0x1001, 0x1004, 0x1004, 0x1004, 0x1006, HANDLERS + 0x21};
	for (unsigned k = 0; k < 6; k++) {
		struct vcpu_exit ex = run(v);
		struct vcpu_state st = state(v);
		check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_STEP &&
		          st.seg[SREG_CS].base + st.eip == expect[k],
		      "step %u: %s at %x, want %x", k, vcpu_exit_reason_name(ex.reason),
		      st.seg[SREG_CS].base + st.eip, expect[k]);
	}
	struct vcpu_exit ex = run(v);
	check(ex.reason == VCPU_EXIT_HLT, "hlt under single-step: %s",
	      vcpu_exit_reason_name(ex.reason));
	vcpu_destroy(v);

	start("breakpoints");
	E(0x40, 0x40, 0x40, 0x40, 0xf4); /* inc ax x4; hlt */
	v = boot();
	uint32_t bps[] = {0x1002, CODE};
	set_debug(v, false, 2, bps, 0, NULL, false);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_BREAKPOINT &&
	          state(v).eip == CODE && ex.debug.addr == CODE,
	      "breakpoint on the first instruction of the run");
	ex = run(v);
	check(ex.reason == VCPU_EXIT_DEBUG && state(v).eip == CODE, "no RF magic: same breakpoint");
	set_debug(v, false, 1, bps, 0, NULL, false);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_BREAKPOINT &&
	          state(v).eip == 0x1002 && (state(v).gpr[GPR_EAX] & 0xffff) == 2,
	      "breakpoint before the instruction: eip=%x ax=%x", state(v).eip,
	      state(v).gpr[GPR_EAX]);
	set_debug(v, false, 0, NULL, 0, NULL, false);
	check(run_hlt(v).gpr[GPR_EAX] == 4, "continue after removing");
	vcpu_destroy(v);

	start("int3 with and without sw_breakpoints");
	E(0x90, 0xcc, 0xf4);
	v = boot();
	set_debug(v, false, 0, NULL, 0, NULL, true);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_SW_BREAK &&
	          state(v).eip == CODE + 1,
	      "int3 trapped: %s eip=%x", vcpu_exit_reason_name(ex.reason), state(v).eip);
	set_debug(v, false, 0, NULL, 0, NULL, false);
	struct vcpu_state st = run_vector(v, 3);
	check(rd16(st.gpr[GPR_ESP]) == CODE + 2, "int3 via IVT pushes the next IP");
	vcpu_destroy(v);
}

static void test_watchpoints(void)
{
	start("watchpoints");
	E(0xc6, 0x06), e16(0x2000), E(0x11);      /* 1000 mov byte [0x2000], 0x11: neighbour */
	E(0xc7, 0x06), e16(0x2001), e16(0);       /* 1005 mov word [0x2001], 0: same value */
	E(0x66, 0xc7, 0x06), e16(0x1fff), e32(1); /* 100b mov dword [0x1fff], 1: unaligned */
	E(0xa0), e16(0x2003);                     /* 1014 mov al, [0x2003]: not watched */
	E(0xa0), e16(0x2010);                     /* 1017 mov al, [0x2010]: read wp */
	E(0xc6, 0x06), e16(0x2010), E(0x5);       /* 101a write to a read wp: no fire */
	E(0xfe, 0x06), e16(0x2020);               /* 101f inc byte [0x2020]: access wp, rmw */
	E(0xf4);                                  /* 1023 */
	struct vcpu *v = boot();
	struct vcpu_watchpoint wp[] = {{0x2001, 2, VCPU_WATCH_WRITE},
	                               {0x2010, 1, VCPU_WATCH_READ},
	                               {0x2020, 1, VCPU_WATCH_ACCESS}};
	set_debug(v, false, 0, NULL, 3, wp, false);
	static const struct {
		uint32_t eip, addr;
		uint8_t write;
	} want[] = {
	    {0x100b, 0x2001, 1}, {0x1014, 0x2001, 1}, {0x101a, 0x2010, 0}, {0x1023, 0x2020, 1}};
	for (unsigned k = 0; k < 4; k++) {
		struct vcpu_exit ex = run(v);
		struct vcpu_state st = state(v);
		check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_WATCHPOINT &&
		          st.eip == want[k].eip && ex.debug.addr == want[k].addr &&
		          ex.debug.is_write == want[k].write,
		      "watch %u: %s kind %d eip %x addr %x w %d", k,
		      vcpu_exit_reason_name(ex.reason), ex.debug.kind, st.eip, ex.debug.addr,
		      ex.debug.is_write);
	}
	check(ram[0x2020] == 1, "rmw done before the stop");
	run_hlt(v);
	vcpu_destroy(v);

	start("watchpoint in rep movsb");
	E(0xbe), e16(0x2000); /* mov si, 0x2000 */
	E(0xbf), e16(0x3000); /* mov di, 0x3000 */
	E(0xb9), e16(8);      /* mov cx, 8 */
	E(0xf3, 0xa4);        /* rep movsb */
	E(0xf4);
	v = boot();
	struct vcpu_watchpoint w2 = {0x3004, 1, VCPU_WATCH_WRITE};
	set_debug(v, false, 0, NULL, 1, &w2, false);
	struct vcpu_exit ex = run(v);
	struct vcpu_state st = state(v);
	check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_WATCHPOINT &&
	          st.eip == 0x1009 && (st.gpr[GPR_ECX] & 0xffff) == 3,
	      "stops inside the rep: eip=%x cx=%x", st.eip, st.gpr[GPR_ECX]);
	st = run_hlt(v);
	check((st.gpr[GPR_EDI] & 0xffff) == 0x3008, "rep finishes");
	vcpu_destroy(v);
}

static struct vcpu *kick_target;
static volatile double kick_time;
static double now(void);
static void *kicker(void *arg)
{
	(void)arg;
	usleep(50000);
	kick_time = now();
	vcpu_kick(kick_target);
	return NULL;
}
static void on_alarm(int sig)
{
	(void)sig;
	vcpu_kick(kick_target);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void test_kick(void)
{
	start("kick");
	E(0xeb, 0xfe); /* jmp $ */
	struct vcpu *v = boot();
	kick_target = v;
	pthread_t t;
	pthread_create(&t, NULL, kicker, NULL);
	struct vcpu_exit ex = run(v);
	double end = now();
	pthread_join(t, NULL); /* then kick_time is ours to read */
	double dt = end - kick_time;
	check(ex.reason == VCPU_EXIT_INTR, "kick from a thread: %s",
	      vcpu_exit_reason_name(ex.reason));
	/* Microseconds natively; generous for valgrind's thread scheduling. */
	check(dt < 2.0, "kick latency: %.6f s", dt);
	printf("kick latency %.1f us\n", dt * 1e6);
	check(state(v).eip == CODE, "still at the jmp");

	signal(SIGALRM, on_alarm);
	struct itimerval it = {.it_value = {.tv_usec = 30000}};
	setitimer(ITIMER_REAL, &it, NULL);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_INTR, "kick from a signal handler: %s",
	      vcpu_exit_reason_name(ex.reason));
	signal(SIGALRM, SIG_DFL);

	vcpu_kick(v);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_INTR, "kick before run");
	vcpu_destroy(v);
}

/* ---- REP string instructions: one iteration is the unit ---- */

/* At CODE: mov si, 0x2000; mov di, 0x3000; mov cx, count; rep op (at
 * 0x1009); hlt (at 0x100b). */
static void emit_rep(uint16_t count, uint8_t op)
{
	E(0xbe), e16(0x2000);
	E(0xbf), e16(0x3000);
	E(0xb9), e16(count);
	E(0xf3, op);
	E(0xf4);
}

/* Step once; check the stop is a step at eip with the count cx. */
static void step_to(struct vcpu *v, unsigned k, uint32_t eip, uint32_t ecx)
{
	struct vcpu_exit ex = run(v);
	struct vcpu_state st = state(v);
	check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_STEP && st.eip == eip &&
	          st.gpr[GPR_ECX] == ecx,
	      "step %u: %s kind %d eip %x ecx %x, want eip %x ecx %x", k,
	      vcpu_exit_reason_name(ex.reason), ex.debug.kind, st.eip, st.gpr[GPR_ECX], eip, ecx);
}

static void test_rep_step(void)
{
	start("rep movsb stepped: one iteration per step");
	emit_rep(5, 0xa4); /* rep movsb */
	memcpy(ram + 0x2000, "HELLO", 5);
	struct vcpu *v = boot();
	set_debug(v, true, 0, NULL, 0, NULL, false);
	for (unsigned k = 0; k < 3; k++)
		run(v);
	for (unsigned k = 1; k <= 5; k++) {
		step_to(v, k, k < 5 ? 0x1009 : 0x100b, 5 - k);
		check(ram[0x3000 + k - 1] == "HELLO"[k - 1] && ram[0x3000 + k] == 0,
		      "after iteration %u: %.5s", k, ram + 0x3000);
	}
	check(run(v).reason == VCPU_EXIT_HLT, "hlt after the rep");
	vcpu_destroy(v);

	start("repe cmpsb stepped: ends at the mismatch");
	emit_rep(6, 0xa6); /* repe cmpsb */
	memcpy(ram + 0x2000, "abXdef", 6);
	memcpy(ram + 0x3000, "abYdef", 6);
	v = boot();
	set_debug(v, true, 0, NULL, 0, NULL, false);
	for (unsigned k = 0; k < 3; k++)
		run(v);
	step_to(v, 1, 0x1009, 5);
	step_to(v, 2, 0x1009, 4);
	step_to(v, 3, 0x100b, 3);
	check(!(state(v).eflags & 0x40) && state(v).gpr[GPR_ESI] == 0x2003, "ZF clear, si %x",
	      state(v).gpr[GPR_ESI]);
	vcpu_destroy(v);

	start("rep with CX = 0: one step moves past");
	E(0x66, 0xb9), e32(0x10000); /* 1000 mov ecx, 0x10000: CX = 0 */
	E(0xbf), e16(0x3000);        /* 1006 mov di, 0x3000 */
	E(0xf3, 0xaa);               /* 1009 rep stosb */
	E(0xf4);                     /* 100b */
	v = boot();
	set_debug(v, true, 0, NULL, 0, NULL, false);
	run(v);
	run(v);
	step_to(v, 1, 0x100b, 0x10000);
	check(state(v).gpr[GPR_EDI] == 0x3000, "nothing stored");
	vcpu_destroy(v);

	start("rep a32 stosw behind prefixes: ECX counts");
	E(0x66, 0xb9), e32(2);           /* 1000 mov ecx, 2 */
	E(0x66, 0xbf), e32(0x3000);      /* 1006 mov edi, 0x3000 */
	E(0x26, 0x67, 0xf3, 0x66, 0xab); /* 100c es a32 rep o32 stosd */
	E(0xf4);                         /* 1011 */
	v = boot();
	set_debug(v, true, 0, NULL, 0, NULL, false);
	run(v);
	run(v);
	step_to(v, 1, 0x100c, 1);
	check(state(v).gpr[GPR_EDI] == 0x3004, "edi %x", state(v).gpr[GPR_EDI]);
	step_to(v, 2, 0x1011, 0);
	vcpu_destroy(v);

	start("guest TF traps after each rep iteration");
	E(0xb9), e16(3);      /* 1000 mov cx, 3 */
	E(0xbf), e16(0x3000); /* 1003 mov di, 0x3000 */
	E(0x9c, 0x58);        /* 1006 pushf; pop ax */
	E(0x0d), e16(0x100);  /* 1008 or ax, 0x100 */
	E(0x50, 0x9d);        /* 100b push ax; popf */
	E(0xf3, 0xaa);        /* 100d rep stosb: the first #DB is after popf's next */
	E(0xf4);
	v = boot();
	struct vcpu_state st = run_vector(v, 1);
	check(rd16(st.gpr[GPR_ESP]) == 0x100d && (st.gpr[GPR_ECX] & 0xffff) == 2 &&
	          st.gpr[GPR_EDI] == 0x3001,
	      "#DB after one iteration: return IP %x cx %x di %x", rd16(st.gpr[GPR_ESP]),
	      st.gpr[GPR_ECX], st.gpr[GPR_EDI]);
	vcpu_destroy(v);

	start("watchpoint in a stepped rep: the stop is the watchpoint");
	emit_rep(4, 0xa4); /* rep movsb */
	v = boot();
	struct vcpu_watchpoint w = {0x3001, 1, VCPU_WATCH_WRITE};
	set_debug(v, true, 0, NULL, 1, &w, false);
	for (unsigned k = 0; k < 3; k++)
		run(v);
	step_to(v, 1, 0x1009, 3);
	struct vcpu_exit ex = run(v);
	st = state(v);
	check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_WATCHPOINT &&
	          ex.debug.addr == 0x3001 && st.eip == 0x1009 && st.gpr[GPR_ECX] == 2,
	      "one exit, the watchpoint, after the iteration: %s kind %d eip %x cx %x",
	      vcpu_exit_reason_name(ex.reason), ex.debug.kind, st.eip, st.gpr[GPR_ECX]);
	step_to(v, 3, 0x1009, 1);
	vcpu_destroy(v);

	start("watchpoint in a rep run at full speed: stops after that iteration");
	emit_rep(300, 0xa5); /* rep movsw */
	v = boot();
	struct vcpu_watchpoint rw = {0x2101, 1, VCPU_WATCH_READ};
	set_debug(v, false, 0, NULL, 1, &rw, false);
	ex = run(v);
	st = state(v);
	check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_WATCHPOINT &&
	          st.eip == 0x1009 && st.gpr[GPR_ECX] == 300 - 0x81 && st.gpr[GPR_ESI] == 0x2102,
	      "read of word 0x80: eip %x cx %d si %x", st.eip, st.gpr[GPR_ECX], st.gpr[GPR_ESI]);
	set_debug(v, false, 0, NULL, 0, NULL, false);
	st = run_hlt(v);
	check(st.gpr[GPR_ECX] == 0 && st.gpr[GPR_EDI] == 0x3000 + 600, "the rep finishes");
	vcpu_destroy(v);
}

/* A kick lands inside a long rep: the state is at an iteration boundary. */
static void test_rep_kick(void)
{
	start("kick inside a rep: consistent state");
	E(0x31, 0xf6);        /* 1000 l: xor si, si */
	E(0xb9), e16(0xffff); /* 1002 mov cx, 0xffff */
	E(0xf3, 0xac);        /* 1005 rep lodsb */
	E(0xeb, 0xf7);        /* 1007 jmp l */
	for (unsigned a = 0; a < 0x10000; a++)
		ram[0x10000 + a] = (uint8_t)(a * 7 + 1);
	struct vcpu *v = boot();
	struct vcpu_state st = state(v);
	vcpu_segment_set_real(&st.seg[SREG_DS], 0x1000);
	vcpu_set_state(v, &st);
	unsigned inside = 0;
	for (unsigned k = 0; k < 20; k++) {
		vcpu_kick(v); /* lands at once: then the next kicks land mid-run */
		run(v);
		struct itimerval it = {.it_value = {.tv_usec = 1000 + 500 * k}};
		kick_target = v;
		signal(SIGALRM, on_alarm);
		setitimer(ITIMER_REAL, &it, NULL);
		struct vcpu_exit ex = run(v);
		signal(SIGALRM, SIG_DFL);
		st = state(v);
		uint32_t cx = st.gpr[GPR_ECX] & 0xffff, si = st.gpr[GPR_ESI] & 0xffff;
		check(ex.reason == VCPU_EXIT_INTR, "kick %u: %s", k,
		      vcpu_exit_reason_name(ex.reason));
		if (st.eip != 0x1005)
			continue;
		inside++;
		check(si == 0xffff - cx &&
		          (!si || (st.gpr[GPR_EAX] & 0xff) == ram[0x10000 + si - 1]),
		      "kick %u at an iteration boundary: cx %x si %x al %x", k, cx, si,
		      st.gpr[GPR_EAX] & 0xff);
	}
	check(inside > 0, "some kicks landed inside the rep");
	printf("kicks inside the rep: %u of 20\n", inside);
	vcpu_destroy(v);
}

/* Recognising REP string instructions in raw code (for the KVM hand-over). */
static void test_rep_decode(void)
{
	static const struct {
		uint8_t code[8];
		uint8_t n;
		bool code32, is_rep;
		uint8_t len, addr_size, rep;
		bool compares;
	} cases[] = {
	    {{0xf3, 0xa4}, 2, false, true, 2, 2, 0xf3, false},
	    {{0xf3, 0xa6}, 2, false, true, 2, 2, 0xf3, true},
	    {{0xf2, 0xae}, 2, false, true, 2, 2, 0xf2, true},
	    {{0x26, 0xf3, 0x67, 0xa4}, 4, false, true, 4, 4, 0xf3, false},
	    {{0x2e, 0xf3, 0x66, 0xa5}, 4, false, true, 4, 2, 0xf3, false},
	    {{0x67, 0xf3, 0x6c}, 3, true, true, 3, 2, 0xf3, false},
	    {{0xf3, 0x6f}, 2, true, true, 2, 4, 0xf3, false},
	    {{0xf2, 0xf3, 0xaf}, 3, false, true, 3, 2, 0xf3, true},
	    {{0xa4}, 1, false, false, 0, 0, 0, false},
	    {{0xf3, 0x90}, 2, false, false, 0, 0, 0, false},       /* pause */
	    {{0xf3, 0xc3}, 2, false, false, 0, 0, 0, false},       /* rep ret */
	    {{0xf3, 0x66, 0x67}, 3, false, false, 0, 0, 0, false}, /* cut short */
	};
	current = "rep string decode";
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct x86_rep_string rs = {0};
		bool is = x86_rep_string_decode(cases[k].code, cases[k].n, cases[k].code32, &rs);
		check(is == cases[k].is_rep, "case %zu: rep string %d", k, is);
		if (!is || !cases[k].is_rep)
			continue;
		check(rs.len == cases[k].len && rs.addr_size == cases[k].addr_size &&
		          rs.rep == cases[k].rep && rs.compares == cases[k].compares,
		      "case %zu: len %u asz %u rep %x compares %d", k, rs.len, rs.addr_size, rs.rep,
		      rs.compares);
	}
	uint8_t many[16];
	memset(many, 0x26, sizeof(many));
	many[0] = 0xf3;
	many[15] = 0xa4;
	struct x86_rep_string rs;
	check(!x86_rep_string_decode(many, 16, false, &rs), "longer than 15 bytes");
}

/* vcpu_complete_io(): the instruction of the last input exit finishes with
 * the caller's data and nothing after it runs; a kick does not lose it. */
static void test_complete_io(void)
{
	start("complete_io after in");
	E(0xe4, 0x60); /* 1000 in al, 0x60 */
	E(0xfe, 0xc0); /* 1002 inc al */
	E(0xf4);       /* 1004 hlt */
	struct vcpu *v = boot();
	check(vcpu_complete_io(v) == 0 && state(v).eip == CODE, "nothing pending: no-op");
	struct vcpu_exit ex = run(v);
	check(ex.reason == VCPU_EXIT_IO && !ex.io.is_write, "in exit");
	ex.io.data[0] = 0x41;
	check(vcpu_complete_io(v) == 0, "complete_io returns 0");
	struct vcpu_state st = state(v);
	check(st.eip == CODE + 2 && (st.gpr[GPR_EAX] & 0xff) == 0x41,
	      "in done, inc not run: eip=%x al=%x", st.eip, st.gpr[GPR_EAX] & 0xff);
	check(vcpu_complete_io(v) == 0 && state(v).eip == CODE + 2, "second call: no-op");
	st = run_hlt(v);
	check((st.gpr[GPR_EAX] & 0xff) == 0x42, "the in is not repeated: al=%x",
	      st.gpr[GPR_EAX] & 0xff);
	vcpu_destroy(v);

	start("complete_io under single-step");
	E(0xe4, 0x60); /* 1000 in al, 0x60 */
	E(0xfe, 0xc0); /* 1002 inc al */
	E(0xf4);       /* 1004 hlt */
	v = boot();
	set_debug(v, true, 0, NULL, 0, NULL, false);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IO, "in exit when stepping");
	ex.io.data[0] = 7;
	vcpu_complete_io(v);
	check(state(v).eip == CODE + 2, "in done: eip=%x", state(v).eip);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_STEP &&
	          state(v).eip == CODE + 4,
	      "next step runs the inc: %s eip=%x", vcpu_exit_reason_name(ex.reason), state(v).eip);
	check((state(v).gpr[GPR_EAX] & 0xff) == 8, "al=%x", state(v).gpr[GPR_EAX] & 0xff);
	vcpu_destroy(v);

	start("complete_io after an MMIO read");
	E(0xb8), e16(0xffff);     /* 1000 mov ax, 0xffff */
	E(0x8e, 0xd8);            /* 1003 mov ds, ax */
	E(0x8b, 0x1e), e16(0x10); /* 1005 mov bx, [0x10]: MMIO at 0x100000 */
	E(0x43);                  /* 1009 inc bx */
	E(0xf4);
	v = boot();
	ex = run(v);
	check(ex.reason == VCPU_EXIT_MMIO && !ex.mmio.is_write && ex.mmio.len == 2,
	      "MMIO read exit");
	ex.mmio.data[0] = 0x34;
	ex.mmio.data[1] = 0x12;
	vcpu_complete_io(v);
	st = state(v);
	check(st.eip == CODE + 9 && (st.gpr[GPR_EBX] & 0xffff) == 0x1234, "mov done: eip=%x bx=%x",
	      st.eip, st.gpr[GPR_EBX] & 0xffff);
	st = run_hlt(v);
	check((st.gpr[GPR_EBX] & 0xffff) == 0x1235, "bx=%x", st.gpr[GPR_EBX] & 0xffff);
	vcpu_destroy(v);

	start("complete_io after an out");
	E(0xe6, 0x61); /* out 0x61, al */
	E(0x40);       /* inc ax */
	E(0xf4);
	v = boot();
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IO && ex.io.is_write, "out exit");
	vcpu_complete_io(v);
	st = state(v);
	check(st.eip == CODE + 2 && (st.gpr[GPR_EAX] & 0xffff) == 0, "out: nothing more runs");
	vcpu_destroy(v);

	start("complete_io after an out under single-step");
	E(0xe6, 0x61); /* 1000 out 0x61, al */
	E(0x40);       /* 1002 inc ax */
	E(0x40);       /* 1003 inc ax */
	E(0xf4);
	v = boot();
	set_debug(v, true, 0, NULL, 0, NULL, false);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IO && ex.io.is_write, "out exit");
	vcpu_complete_io(v);
	ex = run(v);
	st = state(v);
	check(ex.reason == VCPU_EXIT_DEBUG && st.eip == CODE + 3 && (st.gpr[GPR_EAX] & 0xffff) == 1,
	      "the next step runs one inc (no stale step report): %s eip=%x ax=%x",
	      vcpu_exit_reason_name(ex.reason), st.eip, st.gpr[GPR_EAX] & 0xffff);
	vcpu_destroy(v);

	start("complete_io in rep insb");
	E(0xbf), e16(0x3000); /* 1000 mov di, 0x3000 */
	E(0xb9), e16(2);      /* 1003 mov cx, 2 */
	E(0xba), e16(0x60);   /* 1006 mov dx, 0x60 */
	E(0xf3, 0x6c);        /* 1009 rep insb */
	E(0xf4);
	v = boot();
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IO && !ex.io.is_write, "insb exit 1");
	ex.io.data[0] = 0xa1;
	vcpu_complete_io(v);
	st = state(v);
	check(st.eip == CODE + 9 && (st.gpr[GPR_ECX] & 0xffff) == 1 &&
	          (st.gpr[GPR_EDI] & 0xffff) == 0x3001 && ram[0x3000] == 0xa1,
	      "first iteration done, the rep waits for its next input: eip=%x cx=%x di=%x", st.eip,
	      st.gpr[GPR_ECX], st.gpr[GPR_EDI]);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IO && !ex.io.is_write, "insb exit 2: %s",
	      vcpu_exit_reason_name(ex.reason));
	ex.io.data[0] = 0xa2;
	st = run_hlt(v);
	check(ram[0x3001] == 0xa2 && (st.gpr[GPR_EDI] & 0xffff) == 0x3002, "second byte");
	vcpu_destroy(v);

	start("kick while an in waits for its data");
	E(0xe4, 0x60); /* 1000 in al, 0x60 */
	E(0xfe, 0xc0); /* 1002 inc al */
	E(0xeb, 0xfe); /* 1004 jmp $ */
	v = boot();
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IO, "in exit");
	ex.io.data[0] = 0x10;
	vcpu_kick(v);
	ex = run(v);
	st = state(v);
	check(ex.reason == VCPU_EXIT_INTR, "kick: %s", vcpu_exit_reason_name(ex.reason));
	check(st.eip == CODE + 2 && (st.gpr[GPR_EAX] & 0xff) == 0x10,
	      "the in completed before the kick: eip=%x al=%x", st.eip, st.gpr[GPR_EAX] & 0xff);
	vcpu_kick(v);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_INTR && state(v).eip == CODE + 2,
	      "a second kick: nothing runs, no new in: %s eip=%x", vcpu_exit_reason_name(ex.reason),
	      state(v).eip);
	vcpu_destroy(v);
}

/* ---- code changes ---- */

static void test_smc(void)
{
	start("self-modifying code");
	E(0xb9), e16(2);                     /* 1000 mov cx, 2 */
	E(0xb0, 0x05);                       /* 1003 mov al, 5 */
	E(0xc6, 0x06), e16(0x1004), E(0x07); /* 1005 mov byte [0x1004], 7 */
	E(0xe2, 0xf7);                       /* 100a loop 1003 */
	E(0xf4);                             /* 100c */
	struct vcpu *v = boot();
	struct vcpu_state st = run_hlt(v);
	check((st.gpr[GPR_EAX] & 0xff) == 7, "guest store to cached code: al=%x",
	      st.gpr[GPR_EAX] & 0xff);
	ram[0x1004] = 9;
	vcpu_ram_written(v, 0x1004, 1);
	st.eip = 0x1003;
	st.gpr[GPR_ECX] = 1;
	vcpu_set_state(v, &st);
	st = run_hlt(v);
	check((st.gpr[GPR_EAX] & 0xff) == 9, "ram_written drops the decode: al=%x",
	      st.gpr[GPR_EAX] & 0xff);
	vcpu_destroy(v);

	start("store into the next instruction");
	E(0xc6, 0x06), e16(0x1006), E(0x42); /* 1000 mov byte [0x1006], 0x42 (inc dx) */
	E(0x90);                             /* 1005 nop */
	E(0x90);                             /* 1006 nop -> inc dx */
	E(0xf4);
	v = boot();
	st = run_hlt(v);
	check((st.gpr[GPR_EDX] & 0xffff) == 1, "prefetch is not stale: dx=%x", st.gpr[GPR_EDX]);
	vcpu_destroy(v);
}

/* ---- faults ---- */

static void test_faults(void)
{
	start("#NM for x87");
	E(0x90, 0xd9, 0xe8); /* nop; fld1 */
	struct vcpu *v = boot();
	struct vcpu_state st = run_vector(v, 7);
	check(rd16(st.gpr[GPR_ESP]) == CODE + 1, "#NM pushes the faulting IP: %x",
	      rd16(st.gpr[GPR_ESP]));
	vcpu_destroy(v);

	start("#UD");
	E(0x0f, 0x0b); /* ud2 */
	v = boot();
	st = run_vector(v, 6);
	check(rd16(st.gpr[GPR_ESP]) == CODE, "#UD pushes the faulting IP");
	vcpu_destroy(v);

	start("#UD for mov cs and 0f ff");
	E(0x8e, 0xc8); /* mov cs, ax */
	v = boot();
	run_vector(v, 6);
	vcpu_destroy(v);
	start("#UD 0f ff");
	E(0x0f, 0xff);
	v = boot();
	run_vector(v, 6);
	vcpu_destroy(v);

	start("#DE");
	E(0x31, 0xdb, 0xf7, 0xf3); /* xor bx, bx; div bx */
	v = boot();
	st = run_vector(v, 0);
	check(rd16(st.gpr[GPR_ESP]) == CODE + 2, "#DE pushes the div's IP");
	vcpu_destroy(v);

	start("#GP for a word at offset 0xffff");
	E(0x8b, 0x1e), e16(0xffff); /* mov bx, [0xffff] */
	v = boot();
	st = run_vector(v, 13);
	check(rd16(st.gpr[GPR_ESP]) == CODE, "#GP at the mov");
	vcpu_destroy(v);

	start("triple fault");
	E(0x0f, 0x01, 0x1e), e16(0x3000); /* lidt [0x3000]: limit 0 */
	E(0x0f, 0x0b);                    /* ud2 */
	v = boot();
	struct vcpu_exit ex = run(v);
	check(ex.reason == VCPU_EXIT_SHUTDOWN, "triple fault: %s",
	      vcpu_exit_reason_name(ex.reason));
	vcpu_destroy(v);
}

/* ---- external interrupts, IDT gates, hypercalls ---- */

#define PM_STUBS 0x600u  /* 32-bit hlt stubs, one per vector */
#define PM_IDT   0x3800u /* IDTR at 0x3200 */
#define PM_STACK 0x9000u

enum { GATE_TASK = 0x5, GATE_INT16 = 0x6, GATE_TRAP16 = 0x7, GATE_INT32 = 0xe, GATE_TRAP32 = 0xf };

static void set_gate(unsigned vec, unsigned type, uint16_t sel, uint32_t off, bool present)
{
	uint8_t *g = ram + PM_IDT + vec * 8;
	g[0] = (uint8_t)off, g[1] = (uint8_t)(off >> 8);
	g[2] = (uint8_t)sel, g[3] = (uint8_t)(sel >> 8);
	g[4] = 0;
	g[5] = (uint8_t)((present ? 0x80 : 0) | type);
	g[6] = (uint8_t)(off >> 16), g[7] = (uint8_t)(off >> 24);
}

/* start() plus a switch to 32-bit protected mode: GDT null, code32 (08),
 * data32 (10), code16 (18); every IDT gate a 32-bit interrupt gate to a hlt
 * at PM_STUBS + vector; IDT limit idt_limit; ESP = PM_STACK.  The cursor is
 * left in 32-bit code. */
static void pm_start(const char *name, uint16_t idt_limit)
{
	static const uint64_t gdt[] = {0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull,
	                               0x00009a000000ffffull};
	start(name);
	memcpy(ram + 0x3000, gdt, sizeof(gdt));
	memcpy(ram + 0x3100, "\x1f\x00\x00\x30\x00\x00", 6); /* GDTR */
	memcpy(ram + 0x3200, &idt_limit, 2);
	memcpy(ram + 0x3202, "\x00\x38\x00\x00", 4); /* IDTR base PM_IDT */
	for (unsigned v = 0; v < 256; v++) {
		set_gate(v, GATE_INT32, 8, PM_STUBS + v, true);
		ram[PM_STUBS + v] = 0xf4;
	}
	emit_enter_pm32();
	E(0xb8), e32(0x10);               /* mov eax, 0x10 */
	E(0x8e, 0xd8);                    /* mov ds, eax */
	E(0x8e, 0xc0);                    /* mov es, eax */
	E(0x8e, 0xd0);                    /* mov ss, eax */
	E(0xbc), e32(PM_STACK);           /* mov esp, PM_STACK */
	E(0x0f, 0x01, 0x1d), e32(0x3200); /* lidt [0x3200] */
}

/* Run to a HLT in the stub of vector vec; returns the state. */
static struct vcpu_state run_pm_vector(struct vcpu *v, unsigned vec)
{
	struct vcpu_state st = run_hlt(v);
	check(st.seg[SREG_CS].selector == 8 && st.eip == PM_STUBS + vec + 1,
	      "wanted vector %u, stopped at %04x:%08x", vec, st.seg[SREG_CS].selector, st.eip);
	return st;
}

/* A gate of each kind: the frame's size, IF in the handler, iret back. */
static void test_pm_gates(void)
{
	static const struct {
		const char *name;
		unsigned type;
		unsigned frame; /* bytes pushed */
		bool if_kept;
	} gates[] = {
	    {"32-bit interrupt gate", GATE_INT32, 12, false},
	    {"32-bit trap gate", GATE_TRAP32, 12, true},
	    {"16-bit interrupt gate", GATE_INT16, 6, false},
	    {"16-bit trap gate", GATE_TRAP16, 6, true},
	};
	for (size_t n = 0; n < sizeof(gates) / sizeof(gates[0]); n++) {
		pm_start(gates[n].name, 0x7ff);
		E(0xfb);       /* sti */
		E(0xcd, 0x40); /* int 0x40 */
		uint32_t ret = here();
		E(0xf4); /* hlt */
		/* handler: pushfd; pop ebx; hlt; iretd (o16 iret for 16-bit gates) */
		set_gate(0x40, gates[n].type, 8, 0x2800, true);
		memcpy(ram + 0x2800, "\x9c\x5b\xf4\x66\xcf", 5);
		if (gates[n].frame == 12)
			memcpy(ram + 0x2803, "\xcf", 1);
		struct vcpu *v = boot();
		struct vcpu_state st = run_hlt(v);
		check(st.eip == 0x2803, "in the handler: eip %x", st.eip);
		check(st.gpr[GPR_ESP] == PM_STACK - gates[n].frame, "frame of %u bytes: esp %x",
		      gates[n].frame, st.gpr[GPR_ESP]);
		check(!!(st.gpr[GPR_EBX] & EFLAGS_IF) == gates[n].if_kept, "IF in the handler: %x",
		      st.gpr[GPR_EBX]);
		uint32_t pushed_ip =
		    gates[n].frame == 12 ? rd32(st.gpr[GPR_ESP]) : rd16(st.gpr[GPR_ESP]);
		check(pushed_ip == ret, "pushed return %x", pushed_ip);
		st = run_hlt(v);
		check(st.eip == ret + 1 && st.gpr[GPR_ESP] == PM_STACK && (st.eflags & EFLAGS_IF),
		      "iret back: eip %x esp %x flags %x", st.eip, st.gpr[GPR_ESP], st.eflags);
		vcpu_destroy(v);
	}
}

/* Exceptions through the IDT, with error codes; the gate checks. */
static void test_pm_exceptions(void)
{
	pm_start("#GP(selector) from a bad selector load", 0x7ff);
	E(0xb8), e32(0x58); /* mov eax, 0x58: past the GDT limit */
	uint32_t at = here();
	E(0x8e, 0xd8); /* mov ds, eax */
	struct vcpu *v = boot();
	struct vcpu_state st = run_pm_vector(v, 13);
	check(rd32(st.gpr[GPR_ESP]) == 0x58 && rd32(st.gpr[GPR_ESP] + 4) == at,
	      "error code %x, eip %x", rd32(st.gpr[GPR_ESP]), rd32(st.gpr[GPR_ESP] + 4));
	check(st.gpr[GPR_ESP] == PM_STACK - 16, "frame with an error code");
	vcpu_destroy(v);

	static const struct {
		const char *name;
		unsigned gate_vec, type;
		bool present;
		uint16_t idt_limit;
		unsigned want_vec;
		uint32_t want_err;
	} cases[] = {
	    {"int n, gate not present: #NP", 0x41, GATE_INT32, false, 0x7ff, 11, 0x41 * 8 + 2},
	    {"int n, gate past the IDT limit: #GP", 0x90, GATE_INT32, true, 0x3ff, 13,
	     0x90 * 8 + 2},
	    {"int n, call gate type: #GP", 0x42, 0xc, true, 0x7ff, 13, 0x42 * 8 + 2},
	    {"int n, #NP gate also absent: #DF", 0x41, GATE_INT32, false, 0x7ff, 8, 0},
	};
	for (size_t n = 0; n < sizeof(cases) / sizeof(cases[0]); n++) {
		pm_start(cases[n].name, cases[n].idt_limit);
		E(0xcd, (uint8_t)cases[n].gate_vec); /* int gate_vec */
		set_gate(cases[n].gate_vec, cases[n].type, 8, 0x2800, cases[n].present);
		if (cases[n].want_vec == 8)
			set_gate(11, GATE_INT32, 8, PM_STUBS + 11, false);
		v = boot();
		st = run_pm_vector(v, cases[n].want_vec);
		check(rd32(st.gpr[GPR_ESP]) == cases[n].want_err, "error code %x",
		      rd32(st.gpr[GPR_ESP]));
		vcpu_destroy(v);
	}

	pm_start("#UD, its gate absent: #NP(EXT) delivered, not #DF", 0x7ff);
	E(0x0f, 0x0b); /* ud2 */
	set_gate(6, GATE_INT32, 8, PM_STUBS + 6, false);
	v = boot();
	st = run_pm_vector(v, 11);
	check(rd32(st.gpr[GPR_ESP]) == 6 * 8 + 3, "error code %x", rd32(st.gpr[GPR_ESP]));
	vcpu_destroy(v);

	pm_start("task gate: unsupported", 0x7ff);
	at = here();
	E(0xcd, 0x43); /* int 0x43 */
	set_gate(0x43, GATE_TASK, 0x28, 0, true);
	v = boot();
	struct vcpu_exit ex = run(v);
	check(ex.reason == VCPU_EXIT_INTERNAL_ERROR && ex.internal.data[0] == at &&
	          ex.internal.data[1] == 0x43,
	      "task gate: %s", vcpu_exit_reason_name(ex.reason));
	check(state(v).eip == at, "EIP stays at the int");
	vcpu_destroy(v);
}

/* Injection in protected mode goes through the IDT; a gate not present
 * gives #NP with EXT set. */
static void test_pm_injection(void)
{
	pm_start("injection through the IDT", 0x7ff);
	E(0xfb, 0xf4); /* sti; hlt */
	uint32_t after = here();
	E(0xf4);
	set_gate(0x40, GATE_INT32, 8, 0x2800, true);
	memcpy(ram + 0x2800, "\xf4\xcf", 2); /* hlt; iretd */
	struct vcpu *v = boot();
	struct vcpu_state st = run_hlt(v);
	check(vcpu_interrupt_ready(v), "ready after sti; hlt");
	check(vcpu_inject_interrupt(v, 0x40) == 0, "inject");
	check(vcpu_inject_interrupt(v, 0x41) == -EBUSY, "a second one waits: EBUSY");
	check(!vcpu_interrupt_ready(v), "not ready with one pending");
	st = run_hlt(v);
	check(st.eip == 0x2801 && !(st.eflags & EFLAGS_IF), "in the handler, IF clear");
	check(rd32(st.gpr[GPR_ESP]) == after && (rd32(st.gpr[GPR_ESP] + 8) & EFLAGS_IF),
	      "frame: return %x, flags %x", rd32(st.gpr[GPR_ESP]), rd32(st.gpr[GPR_ESP] + 8));
	st = run_hlt(v);
	check(st.eip == after + 1, "iretd to behind the hlt: %x", st.eip);
	vcpu_destroy(v);

	pm_start("injection into an absent gate: #NP(EXT)", 0x7ff);
	E(0xfb, 0xf4);
	set_gate(0x41, GATE_INT32, 8, 0x2800, false);
	v = boot();
	run_hlt(v);
	check(vcpu_inject_interrupt(v, 0x41) == 0, "inject");
	st = run_pm_vector(v, 11);
	check(rd32(st.gpr[GPR_ESP]) == 0x41 * 8 + 3, "error code %x", rd32(st.gpr[GPR_ESP]));
	vcpu_destroy(v);
}

/* Real mode: what only this CPU shows (test_vcpu_irq runs the rest on both
 * backends). */
static void test_rm_interrupts(void)
{
	start("sti with IF set: no shadow");
	E(0xfb, 0x90, 0xfb, 0x90, 0xf4); /* sti; nop; sti; nop; hlt */
	struct vcpu *v = boot();
	set_debug(v, true, 0, NULL, 0, NULL, false);
	static const bool ready[] = {false, true, true, true};
	for (unsigned n = 0; n < 4; n++) {
		struct vcpu_exit ex = run(v);
		check(ex.reason == VCPU_EXIT_DEBUG && vcpu_interrupt_ready(v) == ready[n],
		      "step %u: ready %d", n, vcpu_interrupt_ready(v));
	}
	vcpu_destroy(v);

	start("injection under single-step, a breakpoint at the handler");
	E(0xfb, 0x90, 0xf4); /* sti; nop; hlt */
	v = boot();
	uint32_t bp = HANDLERS + 0x21;
	set_debug(v, true, 1, &bp, 0, NULL, false);
	run(v);
	run(v);
	check(vcpu_inject_interrupt(v, 0x21) == 0, "inject");
	struct vcpu_exit ex = run(v);
	struct vcpu_state st = state(v);
	check(ex.reason == VCPU_EXIT_DEBUG && ex.debug.kind == VCPU_DEBUG_BREAKPOINT &&
	          st.eip == HANDLERS + 0x21,
	      "breakpoint at the handler's first instruction: %s at %x",
	      vcpu_exit_reason_name(ex.reason), st.eip);
	check(rd16(st.gpr[GPR_ESP]) == CODE + 2, "return address %x", rd16(st.gpr[GPR_ESP]));
	vcpu_destroy(v);

	start("a kick comes before an injected interrupt");
	E(0xfb, 0xf4, 0xf4);
	v = boot();
	run_hlt(v);
	vcpu_inject_interrupt(v, 0x22);
	vcpu_kick(v);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_INTR && state(v).eip == CODE + 2, "kick first");
	run_vector(v, 0x22);
	vcpu_destroy(v);

	start("pop ss: shadow; a window exit waits for it");
	E(0xfb, 0x90, 0x16, 0x17, 0x90, 0xf4); /* sti; nop; push ss; pop ss; nop; hlt */
	v = boot();
	set_debug(v, true, 0, NULL, 0, NULL, false);
	for (unsigned n = 0; n < 4; n++)
		run(v);
	check(!vcpu_interrupt_ready(v) && state(v).eip == CODE + 4, "after pop ss");
	set_debug(v, false, 0, NULL, 0, NULL, false);
	vcpu_request_interrupt_window(v, true);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IRQ_WINDOW && state(v).eip == CODE + 5,
	      "window after the nop: %s at %x", vcpu_exit_reason_name(ex.reason), state(v).eip);
	vcpu_destroy(v);

	start("popf setting IF opens the window at once");
	E(0x6a, 0x02, 0x9d);          /* push 2; popf (IF clear) */
	E(0x68), e16(0x202), E(0x9d); /* push 0x202; popf (IF set) */
	E(0x90, 0xf4);                /* nop; hlt */
	v = boot();
	vcpu_request_interrupt_window(v, true);
	ex = run(v);
	check(ex.reason == VCPU_EXIT_IRQ_WINDOW && state(v).eip == CODE + 7,
	      "window right after popf: %s at %x", vcpu_exit_reason_name(ex.reason), state(v).eip);
	vcpu_destroy(v);

	start("vmcall, vmmcall and other register forms of 0f 01");
	E(0x0f, 0x01, 0xc1, 0x0f, 0x01, 0xd9, 0x0f, 0x01, 0xc8); /* vmcall; vmmcall; monitor */
	v = boot();
	ex = run(v);
	check(ex.reason == VCPU_EXIT_HYPERCALL && ex.hypercall.insn == VCPU_HYPERCALL_VMCALL &&
	          state(v).eip == CODE + 3,
	      "vmcall: %s", vcpu_exit_reason_name(ex.reason));
	ex = run(v);
	check(ex.reason == VCPU_EXIT_HYPERCALL && ex.hypercall.insn == VCPU_HYPERCALL_VMMCALL &&
	          state(v).eip == CODE + 6,
	      "vmmcall: %s", vcpu_exit_reason_name(ex.reason));
	run_vector(v, 6);
	vcpu_destroy(v);
}

int main(void)
{
	ram = aligned_alloc(4096, RAM_SIZE);
	if (!ram)
		return 99;
	test_sib();
	test_movx_setcc_cmov();
	test_xadd_cmpxchg();
	test_cpuid_rdtsc();
	test_bits();
	test_misc386();
	test_string32_and_tf();
	test_protected_mode();
	test_io();
	test_msr();
	test_mmio();
	test_step_and_breakpoints();
	test_watchpoints();
	test_kick();
	test_rep_step();
	test_rep_kick();
	test_rep_decode();
	test_complete_io();
	test_smc();
	test_faults();
	test_pm_gates();
	test_pm_exceptions();
	test_pm_injection();
	test_rm_interrupts();
	free(ram);
	printf("test_cpu: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
