/* The registers GDB sees, their layout in g/G/p/P packets, and the target
 * description (target.xml) that tells GDB 13 about them.
 *
 * One address policy everywhere: GDB's eip, esp and ebp are *linear*
 * (CS.base + EIP, SS.base + ESP, SS.base + EBP), so x/i $pc, breakpoints
 * and backtraces hit the right memory whatever the segments hold.  The raw
 * values the CPU holds are extra registers eip_off, esp_off and ebp_off.
 * The set never changes with the CPU mode.  target.xml also carries LLDB's
 * attributes (generic, dwarf_regnum, ehframe_regnum), which GDB ignores.
 */
#ifndef KVM_GDBSTUB_GDB_REGS_H
#define KVM_GDBSTUB_GDB_REGS_H

#include <stddef.h>
#include <stdint.h>

#include "vcpu.h"

/* GDB register numbers (the remote protocol's numbering: p/P, T replies). */
enum gdb_regno {
	GDB_REG_EAX,
	GDB_REG_ECX,
	GDB_REG_EDX,
	GDB_REG_EBX,
	GDB_REG_ESP, /* linear: SS.base + ESP */
	GDB_REG_EBP, /* linear: SS.base + EBP */
	GDB_REG_ESI,
	GDB_REG_EDI,
	GDB_REG_EIP, /* linear: CS.base + EIP */
	GDB_REG_EFLAGS,
	GDB_REG_CS,
	GDB_REG_SS,
	GDB_REG_DS,
	GDB_REG_ES,
	GDB_REG_FS,
	GDB_REG_GS,
	GDB_REG_ST0, /* st0..st7: 10 bytes each, no FPU: read as 0 */
	GDB_REG_FCTRL = GDB_REG_ST0 + 8,
	GDB_REG_FSTAT,
	GDB_REG_FTAG,
	GDB_REG_FISEG,
	GDB_REG_FIOFF,
	GDB_REG_FOSEG,
	GDB_REG_FOOFF,
	GDB_REG_FOP,
	GDB_REG_EIP_OFF, /* org.kvm-gdbstub.x86.segments from here on */
	GDB_REG_ESP_OFF,
	GDB_REG_EBP_OFF,
	GDB_REG_CS_BASE,
	GDB_REG_SS_BASE,
	GDB_REG_DS_BASE,
	GDB_REG_ES_BASE,
	GDB_REG_FS_BASE,
	GDB_REG_GS_BASE,
	GDB_REG_CR0,
	GDB_REG_GDTR_BASE,
	GDB_REG_GDTR_LIMIT,
	GDB_REG_IDTR_BASE,
	GDB_REG_IDTR_LIMIT,
	GDB_REG_COUNT
};

/* Bytes of a g reply (the whole register file in GDB's order). */
#define GDB_REGS_BYTES (16 * 4 + 8 * 10 + 8 * 4 + 14 * 4)
/* The largest single register (st0..st7). */
#define GDB_REG_MAX_BYTES 10

/* Size in bytes of register regno, 0 if there is no such register. */
unsigned gdb_reg_size(unsigned regno);

/* Offset of register regno in the g buffer (regno < GDB_REG_COUNT). */
size_t gdb_reg_offset(unsigned regno);

/* GDB's name for register regno, NULL if there is no such register. */
const char *gdb_reg_name(unsigned regno);

/* Encode register regno of st into out (little-endian, gdb_reg_size()
 * bytes).  Returns the size, or -EINVAL for an unknown register. */
int gdb_reg_get(const struct vcpu_state *st, unsigned regno, uint8_t *out);

/* Write register regno from val (gdb_reg_size() bytes, little-endian) into
 * st, applying the address policy:
 *   eip: raw EIP = val - CS.base; in real mode, if that is outside
 *        0..CS.limit, CS = val >> 4 and EIP = val & 15 instead;
 *   esp, ebp: raw = val - SS.base;  eip_off, esp_off, ebp_off: raw = val;
 *   cs..gs: real mode loads selector and base = selector * 16
 *        (vcpu_segment_set_real); protected mode changes only the selector;
 *   *_base: the hidden base; x87 registers: accepted and ignored.
 * 0, or -EINVAL if the value does not fit (selector > 0xffff, a descriptor
 * table limit > 0xffff, a real-mode eip beyond 0x10ffef) or regno is unknown;
 * st is then unchanged. */
int gdb_reg_set(struct vcpu_state *st, unsigned regno, const uint8_t *val);

/* The whole g buffer (GDB_REGS_BYTES bytes) for st. */
void gdb_regs_get_all(const struct vcpu_state *st, uint8_t *buf);

/* Apply a G buffer (GDB_REGS_BYTES bytes) to st.  Only registers whose value
 * differs from what gdb_regs_get_all(st) gives are written, in an order that
 * makes mode and segments take effect first: cr0, selectors, bases,
 * descriptor tables, eflags and general registers, raw offsets, then the
 * linear eip/esp/ebp.  All or nothing: 0, or -EINVAL with st unchanged. */
int gdb_regs_set_all(struct vcpu_state *st, const uint8_t *buf);

/* The architecture for LLDB, served by qHostInfo and qProcessInfo (GDB never
 * asks).  LLDB reads <architecture> from target.xml only when it has no
 * triple, and knows no "i8086": it would then drop every register.  The
 * code16 environment makes its disassembler decode 16-bit code, as i8086
 * does GDB's. */
#define GDB_REGS_LLDB_TRIPLE "i386-unknown-unknown-code16"

/* Write the target description into buf (NUL-terminated if it fits).
 * Returns its length without the NUL, whatever cap is (like snprintf). */
size_t gdb_regs_target_xml(char *buf, size_t cap);

#endif
