/* Human-readable register dumps, for fault reports and monitor commands. */
#ifndef KVM_GDBSTUB_REPORT_H
#define KVM_GDBSTUB_REPORT_H

#include <stddef.h>

#include "vcpu.h"

/* Append a multi-line register dump (general, segment with base/limit,
 * control and descriptor-table registers) to buf; returns its length. */
size_t report_format_registers(const struct vcpu_state *st, char *buf, size_t len);

/* "0000:0012 (linear 0x12)" */
void report_format_pc(const struct vcpu_state *st, char *buf, size_t len);

/* On stderr: "kvm-gdbstub: WHAT at CS:IP (linear ...)" and the register
 * dump of vcpu (or a note that the registers are unavailable). */
void report_stop(struct vcpu *vcpu, const char *what);

/* Why the guest stopped, for every message about a fault: "shut down
 * (triple fault)", or the exit described ("INTERNAL_ERROR suberror 1 ..."). */
void report_fault_reason(const struct vcpu_exit *e, char *buf, size_t len);
struct vm;

/* Why a guest that seems wedged makes no progress, if the reason is a
 * hypercall: its pc is at or right after a vmcall/vmmcall that the VM's
 * vCPU does not hand to the VMM by itself (KVM on hosts whose kernel spins
 * on it).  One sentence naming the cause and the way out, or NULL. */
const char *report_stuck_hypercall(struct vm *vm);

#endif
