/* The built-in x86 CPU: an interpreter behind the vcpu interface.
 *
 * Used where /dev/kvm is missing.  It runs real mode as a 386-class CPU does
 * (plus the i686 integer instructions compilers emit) and 32-bit protected
 * mode with privilege levels 0 and 3 and 32-bit paging.  See doc/cpu.md for what it leaves out.
 */
#ifndef KVM_GDBSTUB_CPU_EMU_H
#define KVM_GDBSTUB_CPU_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vcpu.h"

/* The built-in CPU's VM over guest RAM [ram, ram + ram_size): its vCPUs
 * (vcpu_vm_create_vcpu) share the RAM.  NULL on ENOMEM. */
struct vcpu_vm *emu_vm_create(uint8_t *ram, uint64_t ram_size);

/* Create a CPU over guest RAM [ram, ram + ram_size), guest physical 0 up.
 * The buffer stays owned by the caller and must outlive the vcpu.  Accesses
 * at or above ram_size are MMIO exits.  The vcpu starts in the power-on state
 * of vcpu_state_reset().  NULL on ENOMEM. */
struct vcpu *emu_vcpu_create(uint8_t *ram, uint64_t ram_size);

/* Data accesses to guest-physical [start, start + len) become MMIO exits
 * even inside RAM (a device's page).  Instruction fetches and descriptor
 * reads there still see RAM: nothing runs code from a device page. */
void emu_vcpu_map_hole(struct vcpu *vcpu, uint64_t start, uint64_t len);

/* The A20 gate: off, data accesses at 1 MiB and up wrap to address bit 20
 * clear, as on a PC (instruction fetches do not wrap).  On at creation. */
void emu_vcpu_set_a20(struct vcpu *vcpu, bool on);

/* The initial APIC ID CPUID leaf 1 reports in EBX[31:24] (vCPU index). */
void emu_vcpu_set_apic_id(struct vcpu *vcpu, uint8_t id);

/* Make vcpu_run() return VCPU_EXIT_INTR at the instruction boundary where
 * emu_vcpu_instructions() reaches limit (UINT64_MAX: never): how a clock
 * driven by the instruction count stops the guest at its next deadline. */
void emu_vcpu_set_icount_limit(struct vcpu *vcpu, uint64_t limit);

/* Guest instructions retired so far, each iteration of a REP string
 * instruction and each exception delivered counting as one: a position in
 * the run that replays reach exactly (emu_vcpu_set_icount_limit). */
uint64_t emu_vcpu_instructions(struct vcpu *vcpu);

/* Checkpoints for reverse execution: the vCPU's whole state as a run
 * reproduces it (registers, the interrupt shadow, an injected interrupt, an
 * instruction waiting for its input, queued exits, the instruction count)
 * into a buffer of emu_vcpu_saved_size() bytes, and back.  The restore keeps
 * the host's setup (RAM, MMIO hole, debug points, instruction limit) and
 * drops every decoded instruction: the caller restores RAM with it. */
size_t emu_vcpu_saved_size(void);
void emu_vcpu_save(struct vcpu *v, void *buf);
void emu_vcpu_restore(struct vcpu *v, const void *buf);

/* The architectural state and the instruction count in a saved buffer. */
int emu_vcpu_saved_state(const void *buf, struct vcpu_state *st);
uint64_t emu_vcpu_saved_instructions(const void *buf);

/* The instruction limit the host set (UINT64_MAX: none). */
uint64_t emu_vcpu_icount_limit(struct vcpu *v);

/* The caller's answer to the last input exit (an IO or MMIO read, an MSR
 * access: value and #GP verdict) that the next run or complete_io will
 * consume: false (and 0) if none is awaited.  Replay puts it back with
 * emu_vcpu_set_input(), which does nothing if none is awaited. */
bool emu_vcpu_input(struct vcpu *v, uint64_t *value, uint8_t *gp);
void emu_vcpu_set_input(struct vcpu *v, uint64_t value, uint8_t gp);

/* The next run does not stop at a breakpoint at the current pc (the
 * debugger saw it already), as hardware's RF flag. */
void emu_vcpu_skip_breakpoint(struct vcpu *v);

/* The guest-physical address of linear address lin under the guest's 32-bit
 * paging (CR0.PG with PE; 4 KiB pages, 4 MiB pages with CR4.PSE), walking
 * the tables in guest RAM [ram, ram + ram_size) as the CPU would but
 * setting no accessed/dirty bits and checking no permission: the debugger's
 * view.  Without paging *phys = lin.  0, or -EFAULT if lin is not mapped
 * (a table entry outside RAM counts as not present). */
int x86_translate(const uint8_t *ram, uint64_t ram_size, uint32_t cr0, uint32_t cr3, uint32_t cr4,
                  uint32_t lin, uint32_t *phys);

/* A string instruction with a REP, REPE or REPNE prefix, found in code bytes
 * (for the KVM backend, which cannot step one iteration on every host). */
struct x86_rep_string {
	uint8_t len;       /* bytes, prefixes included */
	uint8_t addr_size; /* 2: the count is CX, 4: ECX */
	uint8_t rep;       /* the prefix in effect: 0xf3 (rep/repe) or 0xf2 (repne) */
	bool compares;     /* cmps/scas: REPE/REPNE also end on ZF */
};

/* Decode the legacy prefixes (any order) and the opcode of code[0..n) as a
 * CPU with CS.D = code32 would.  True, with *out filled, if it is movs, cmps,
 * stos, lods, scas, ins or outs with a REP/REPE/REPNE prefix. */
bool x86_rep_string_decode(const uint8_t *code, size_t n, bool code32, struct x86_rep_string *out);

/* The iterations left of the decoded instruction in state st: CX or ECX. */
static inline uint32_t x86_rep_count(const struct x86_rep_string *rs, const struct vcpu_state *st)
{
	return rs->addr_size == 4 ? st->gpr[GPR_ECX] : st->gpr[GPR_ECX] & 0xffff;
}

/* After an iteration of rs that left the flags `eflags` and `left`
 * iterations: does the instruction end (EIP moves past it)? */
static inline bool x86_rep_ends(const struct x86_rep_string *rs, uint32_t eflags, uint32_t left)
{
	bool zf = eflags & 0x40;
	return !left || (rs->compares && zf != (rs->rep == 0xf3));
}

#endif
