/* GDB's view of the vCPU: register numbering, g/p encodings and target.xml.
 * Pure functions over struct vcpu_state; see gdb_regs.h for the policy. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "protocol/gdb_regs.h"

enum reg_feature { FEAT_CORE, FEAT_SEGS };

struct reg_desc {
	const char *name;
	uint8_t size; /* bytes */
	uint8_t feature;
	const char *type;
	const char *group; /* NULL: GDB's default for the type */
	/* For LLDB (GDB ignores both attributes): its role, NULL for none, and
	 * the i386 System V DWARF (= eh_frame) number, NO_DWARF for none. */
	const char *generic;
	uint8_t dwarf;
};

#define NO_DWARF 0xff

/* In GDB's numbering; the first 32 are what GDB's i386 code requires. */
static const struct reg_desc regs[GDB_REG_COUNT] = {
    {"eax", 4, FEAT_CORE, "int32", NULL, NULL, 0},
    {"ecx", 4, FEAT_CORE, "int32", NULL, NULL, 1},
    {"edx", 4, FEAT_CORE, "int32", NULL, NULL, 2},
    {"ebx", 4, FEAT_CORE, "int32", NULL, NULL, 3},
    {"esp", 4, FEAT_CORE, "data_ptr", NULL, "sp", 4},
    {"ebp", 4, FEAT_CORE, "data_ptr", NULL, "fp", 5},
    {"esi", 4, FEAT_CORE, "int32", NULL, NULL, 6},
    {"edi", 4, FEAT_CORE, "int32", NULL, NULL, 7},
    {"eip", 4, FEAT_CORE, "code_ptr", NULL, "pc", 8},
    {"eflags", 4, FEAT_CORE, "i386_eflags", NULL, "flags", 9},
    {"cs", 4, FEAT_CORE, "int32", NULL, NULL, 41},
    {"ss", 4, FEAT_CORE, "int32", NULL, NULL, 42},
    {"ds", 4, FEAT_CORE, "int32", NULL, NULL, 43},
    {"es", 4, FEAT_CORE, "int32", NULL, NULL, 40},
    {"fs", 4, FEAT_CORE, "int32", NULL, NULL, 44},
    {"gs", 4, FEAT_CORE, "int32", NULL, NULL, 45},
    {"st0", 10, FEAT_CORE, "i387_ext", NULL, NULL, 11},
    {"st1", 10, FEAT_CORE, "i387_ext", NULL, NULL, 12},
    {"st2", 10, FEAT_CORE, "i387_ext", NULL, NULL, 13},
    {"st3", 10, FEAT_CORE, "i387_ext", NULL, NULL, 14},
    {"st4", 10, FEAT_CORE, "i387_ext", NULL, NULL, 15},
    {"st5", 10, FEAT_CORE, "i387_ext", NULL, NULL, 16},
    {"st6", 10, FEAT_CORE, "i387_ext", NULL, NULL, 17},
    {"st7", 10, FEAT_CORE, "i387_ext", NULL, NULL, 18},
    {"fctrl", 4, FEAT_CORE, "int", "float", NULL, NO_DWARF},
    {"fstat", 4, FEAT_CORE, "int", "float", NULL, NO_DWARF},
    {"ftag", 4, FEAT_CORE, "int", "float", NULL, NO_DWARF},
    {"fiseg", 4, FEAT_CORE, "int", "float", NULL, NO_DWARF},
    {"fioff", 4, FEAT_CORE, "int", "float", NULL, NO_DWARF},
    {"foseg", 4, FEAT_CORE, "int", "float", NULL, NO_DWARF},
    {"fooff", 4, FEAT_CORE, "int", "float", NULL, NO_DWARF},
    {"fop", 4, FEAT_CORE, "int", "float", NULL, NO_DWARF},
    {"eip_off", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"esp_off", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"ebp_off", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"cs_base", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"ss_base", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"ds_base", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"es_base", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"fs_base", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"gs_base", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"cr0", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"gdtr_base", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"gdtr_limit", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"idtr_base", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
    {"idtr_limit", 4, FEAT_SEGS, "uint32", "general", NULL, NO_DWARF},
};

/* GDB's order of segment registers, mapped to x86 encoding order. */
static const enum vcpu_sreg gdb_sreg[6] = {SREG_CS, SREG_SS, SREG_DS, SREG_ES, SREG_FS, SREG_GS};

unsigned gdb_reg_size(unsigned regno)
{
	return regno < GDB_REG_COUNT ? regs[regno].size : 0;
}

size_t gdb_reg_offset(unsigned regno)
{
	size_t off = 0;

	for (unsigned i = 0; i < regno && i < GDB_REG_COUNT; i++)
		off += regs[i].size;
	return off;
}

const char *gdb_reg_name(unsigned regno)
{
	return regno < GDB_REG_COUNT ? regs[regno].name : NULL;
}

static void put32(uint8_t *out, uint32_t v)
{
	out[0] = (uint8_t)v;
	out[1] = (uint8_t)(v >> 8);
	out[2] = (uint8_t)(v >> 16);
	out[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *in)
{
	return (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 |
	       (uint32_t)in[3] << 24;
}

static bool real_mode(const struct vcpu_state *st)
{
	return !(st->cr0 & CR0_PE);
}

/* The 32-bit value of every register but st0..st7. */
static uint32_t reg_value(const struct vcpu_state *st, unsigned regno)
{
	uint32_t ss_base = st->seg[SREG_SS].base;

	switch (regno) {
	case GDB_REG_ESP:
		return ss_base + st->gpr[GPR_ESP];
	case GDB_REG_EBP:
		return ss_base + st->gpr[GPR_EBP];
	case GDB_REG_EIP:
		return vcpu_state_pc(st);
	case GDB_REG_EFLAGS:
		return st->eflags;
	case GDB_REG_CS ... GDB_REG_GS:
		return st->seg[gdb_sreg[regno - GDB_REG_CS]].selector;
	case GDB_REG_FCTRL:
		return 0x037f; /* the FNINIT value */
	case GDB_REG_FTAG:
		return 0xffff; /* all empty */
	case GDB_REG_FSTAT:
	case GDB_REG_FISEG ... GDB_REG_FOP:
		return 0;
	case GDB_REG_EIP_OFF:
		return st->eip;
	case GDB_REG_ESP_OFF:
		return st->gpr[GPR_ESP];
	case GDB_REG_EBP_OFF:
		return st->gpr[GPR_EBP];
	case GDB_REG_CS_BASE ... GDB_REG_GS_BASE:
		return st->seg[gdb_sreg[regno - GDB_REG_CS_BASE]].base;
	case GDB_REG_CR0:
		return st->cr0;
	case GDB_REG_GDTR_BASE:
		return st->gdt.base;
	case GDB_REG_GDTR_LIMIT:
		return st->gdt.limit;
	case GDB_REG_IDTR_BASE:
		return st->idt.base;
	case GDB_REG_IDTR_LIMIT:
		return st->idt.limit;
	default: /* eax..edi except esp/ebp */
		return st->gpr[regno];
	}
}

int gdb_reg_get(const struct vcpu_state *st, unsigned regno, uint8_t *out)
{
	if (regno >= GDB_REG_COUNT)
		return -EINVAL;
	if (regs[regno].size == 10) {
		memset(out, 0, 10);
		return 10;
	}
	put32(out, reg_value(st, regno));
	return 4;
}

/* Linear pc -> CS:EIP.  Keep CS if the offset fits its limit; in real mode
 * otherwise pick CS = pc >> 4 so any address below 1 MiB + 64 KiB works. */
static int set_pc(struct vcpu_state *st, uint32_t pc)
{
	struct vcpu_segment *cs = &st->seg[SREG_CS];
	uint32_t off = pc - cs->base;

	if (!real_mode(st) || (pc >= cs->base && off <= cs->limit)) {
		st->eip = off;
		return 0;
	}
	uint32_t sel = pc >> 4;
	if (sel > 0xffff)
		sel = 0xffff;
	off = pc - sel * 16;
	if (off > 0xffff)
		return -EINVAL;
	vcpu_segment_set_real(cs, (uint16_t)sel);
	st->eip = off;
	return 0;
}

static int set_selector(struct vcpu_state *st, enum vcpu_sreg sr, uint32_t v)
{
	if (v > 0xffff)
		return -EINVAL;
	if (real_mode(st))
		vcpu_segment_set_real(&st->seg[sr], (uint16_t)v);
	else
		st->seg[sr].selector = (uint16_t)v; /* the descriptor cache stays */
	return 0;
}

static int set_value(struct vcpu_state *st, unsigned regno, uint32_t v)
{
	uint32_t ss_base = st->seg[SREG_SS].base;

	switch (regno) {
	case GDB_REG_ESP:
		st->gpr[GPR_ESP] = v - ss_base;
		return 0;
	case GDB_REG_EBP:
		st->gpr[GPR_EBP] = v - ss_base;
		return 0;
	case GDB_REG_EIP:
		return set_pc(st, v);
	case GDB_REG_EFLAGS:
		st->eflags = v;
		return 0;
	case GDB_REG_CS ... GDB_REG_GS:
		return set_selector(st, gdb_sreg[regno - GDB_REG_CS], v);
	case GDB_REG_FCTRL ... GDB_REG_FOP:
		return 0; /* no FPU */
	case GDB_REG_EIP_OFF:
		st->eip = v;
		return 0;
	case GDB_REG_ESP_OFF:
		st->gpr[GPR_ESP] = v;
		return 0;
	case GDB_REG_EBP_OFF:
		st->gpr[GPR_EBP] = v;
		return 0;
	case GDB_REG_CS_BASE ... GDB_REG_GS_BASE:
		st->seg[gdb_sreg[regno - GDB_REG_CS_BASE]].base = v;
		return 0;
	case GDB_REG_CR0:
		st->cr0 = v;
		return 0;
	case GDB_REG_GDTR_BASE:
		st->gdt.base = v;
		return 0;
	case GDB_REG_IDTR_BASE:
		st->idt.base = v;
		return 0;
	case GDB_REG_GDTR_LIMIT:
	case GDB_REG_IDTR_LIMIT:
		if (v > 0xffff)
			return -EINVAL;
		if (regno == GDB_REG_GDTR_LIMIT)
			st->gdt.limit = (uint16_t)v;
		else
			st->idt.limit = (uint16_t)v;
		return 0;
	default:
		st->gpr[regno] = v;
		return 0;
	}
}

int gdb_reg_set(struct vcpu_state *st, unsigned regno, const uint8_t *val)
{
	if (regno >= GDB_REG_COUNT)
		return -EINVAL;
	if (regs[regno].size == 10)
		return 0; /* st0..st7: no FPU */

	struct vcpu_state tmp = *st;
	int rc = set_value(&tmp, regno, get32(val));
	if (rc == 0)
		*st = tmp;
	return rc;
}

void gdb_regs_get_all(const struct vcpu_state *st, uint8_t *buf)
{
	for (unsigned i = 0; i < GDB_REG_COUNT; i++)
		buf += gdb_reg_get(st, i, buf);
}

/* G write order: what changes the meaning of other registers goes first. */
static const uint8_t set_all_order[] = {
    GDB_REG_CR0,       GDB_REG_CS,         GDB_REG_SS,      GDB_REG_DS,        GDB_REG_ES,
    GDB_REG_FS,        GDB_REG_GS,         GDB_REG_CS_BASE, GDB_REG_SS_BASE,   GDB_REG_DS_BASE,
    GDB_REG_ES_BASE,   GDB_REG_FS_BASE,    GDB_REG_GS_BASE, GDB_REG_GDTR_BASE, GDB_REG_GDTR_LIMIT,
    GDB_REG_IDTR_BASE, GDB_REG_IDTR_LIMIT, GDB_REG_EFLAGS,  GDB_REG_EAX,       GDB_REG_ECX,
    GDB_REG_EDX,       GDB_REG_EBX,        GDB_REG_ESI,     GDB_REG_EDI,       GDB_REG_EIP_OFF,
    GDB_REG_ESP_OFF,   GDB_REG_EBP_OFF,    GDB_REG_EIP,     GDB_REG_ESP,       GDB_REG_EBP,
};

int gdb_regs_set_all(struct vcpu_state *st, const uint8_t *buf)
{
	uint8_t cur[GDB_REGS_BYTES];
	struct vcpu_state tmp = *st;

	gdb_regs_get_all(st, cur);
	for (size_t i = 0; i < sizeof(set_all_order); i++) {
		unsigned r = set_all_order[i];
		size_t off = gdb_reg_offset(r);

		if (memcmp(cur + off, buf + off, 4) == 0)
			continue;
		if (set_value(&tmp, r, get32(buf + off)) < 0)
			return -EINVAL;
	}
	*st = tmp;
	return 0;
}

/* snprintf that keeps counting past the end of the buffer. */
struct xml_out {
	char *buf;
	size_t cap, len;
};

__attribute__((format(printf, 2, 3))) static void xo(struct xml_out *o, const char *fmt, ...)
{
	va_list ap;
	size_t left = o->len < o->cap ? o->cap - o->len : 0;

	va_start(ap, fmt);
	int n = vsnprintf(left ? o->buf + o->len : NULL, left, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* EFLAGS bits GDB shows by name in `info registers`. */
static const struct {
	const char *name;
	unsigned bit;
} eflags_fields[] = {
    {"CF", 0},  {"", 1},    {"PF", 2},   {"AF", 4},   {"ZF", 6},  {"SF", 7},
    {"TF", 8},  {"IF", 9},  {"DF", 10},  {"OF", 11},  {"NT", 14}, {"RF", 16},
    {"VM", 17}, {"AC", 18}, {"VIF", 19}, {"VIP", 20}, {"ID", 21},
};

static void xml_regs(struct xml_out *o, enum reg_feature feat)
{
	for (unsigned i = 0; i < GDB_REG_COUNT; i++) {
		const struct reg_desc *r = &regs[i];

		if (r->feature != feat)
			continue;
		/* Explicit regnum: the protocol numbering must not depend on order. */
		xo(o, "  <reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"", r->name,
		   r->size * 8u, r->type, i);
		if (r->group)
			xo(o, " group=\"%s\"", r->group);
		if (r->generic)
			xo(o, " generic=\"%s\"", r->generic);
		if (r->dwarf != NO_DWARF)
			xo(o, " dwarf_regnum=\"%u\" ehframe_regnum=\"%u\"", r->dwarf, r->dwarf);
		xo(o, "/>\n");
	}
}

size_t gdb_regs_target_xml(char *buf, size_t cap)
{
	struct xml_out o = {buf, cap, 0};

	if (cap)
		buf[0] = 0;
	xo(&o, "<?xml version=\"1.0\"?>\n"
	       "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	       "<target version=\"1.0\">\n"
	       /* i8086: GDB 13 then disassembles real-mode code as 16-bit. */
	       "<architecture>i8086</architecture>\n"
	       /* A bare machine: without this GDB assumes GNU/Linux and warns. */
	       "<osabi>none</osabi>\n"
	       "<feature name=\"org.gnu.gdb.i386.core\">\n"
	       "  <flags id=\"i386_eflags\" size=\"4\">\n");
	for (size_t i = 0; i < sizeof(eflags_fields) / sizeof(eflags_fields[0]); i++)
		xo(&o, "    <field name=\"%s\" start=\"%u\" end=\"%u\"/>\n", eflags_fields[i].name,
		   eflags_fields[i].bit, eflags_fields[i].bit);
	xo(&o, "  </flags>\n");
	xml_regs(&o, FEAT_CORE);
	xo(&o, "</feature>\n"
	       "<feature name=\"org.kvm-gdbstub.x86.segments\">\n");
	xml_regs(&o, FEAT_SEGS);
	xo(&o, "</feature>\n</target>\n");
	return o.len;
}
