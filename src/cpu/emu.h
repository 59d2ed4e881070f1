/* The built-in x86 CPU: an interpreter behind the vcpu interface.
 *
 * Used where /dev/kvm is missing.  It runs real mode as a 386-class CPU does
 * (plus the i686 integer instructions compilers emit) and 32-bit protected
 * mode without paging.  See doc/cpu.md for what it leaves out.
 */
#ifndef KVM_GDBSTUB_CPU_EMU_H
#define KVM_GDBSTUB_CPU_EMU_H

#include <stdint.h>

#include "vcpu.h"

/* Create a CPU over guest RAM [ram, ram + ram_size), guest physical 0 up.
 * The buffer stays owned by the caller and must outlive the vcpu.  Accesses
 * at or above ram_size are MMIO exits.  The vcpu starts in the power-on state
 * of vcpu_state_reset().  NULL on ENOMEM. */
struct vcpu *emu_vcpu_create(uint8_t *ram, uint64_t ram_size);

/* Data accesses to guest-physical [start, start + len) become MMIO exits
 * even inside RAM (a device's page).  Instruction fetches and descriptor
 * reads there still see RAM: nothing runs code from a device page. */
void emu_vcpu_map_hole(struct vcpu *vcpu, uint64_t start, uint64_t len);

/* Guest instructions retired so far (a rep string instruction counts once
 * per run slice it executes in).  For benchmarks and statistics. */
uint64_t emu_vcpu_instructions(struct vcpu *vcpu);

#endif
