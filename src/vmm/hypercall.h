/* Hypercalls: the guest asks the VMM for a service.
 *
 * ABI (version 1): EAX holds the function, EBX, ECX, EDX and ESI the
 * arguments; the result comes back in EAX (negative = error).  Addresses are
 * linear.  Two ways in, with the same registers: `vmcall` / `vmmcall` where
 * the backend delivers them (the built-in CPU always; KVM depending on the
 * host, see README), or a 16-bit `out %ax, $0xea`, which works everywhere.
 */
#ifndef KVM_GDBSTUB_HYPERCALL_H
#define KVM_GDBSTUB_HYPERCALL_H

#include <stdint.h>

#include "vcpu.h"

#define HYPERCALL_PORT    0xea
#define HYPERCALL_VERSION 0x4b470001u /* "KG", interface version 1 */
#define HYPERCALL_ERROR   0xffffffffu /* -1 */

enum hypercall_nr {
	HC_PROBE,         /* -> HYPERCALL_VERSION */
	HC_CONSOLE_WRITE, /* EBX = buffer, ECX = length -> bytes written */
	HC_CONSOLE_READ,  /* EBX = buffer, ECX = max -> bytes read, 0 at end of input */
	HC_EXIT,          /* EBX = status: the VMM exits with it */
	HC_TIME,          /* -> EDX:EAX = ns since the Unix epoch (guest clock) */
	HC_START_VCPU,    /* EBX = index, ECX = CS, EDX = IP: 0, or -1 (no such vCPU, or it runs) */
	HC_COUNT
};

enum hypercall_outcome {
	HC_DONE,  /* the result is in the state: resume the guest */
	HC_BLOCK, /* nothing to return yet (console read): retry after waiting */
	HC_EXIT_GUEST, /* the guest asked to end with *exit_status */
};

struct vm;

/* Serve the call described by st (EAX = function); the result registers
 * are written back into st.  On HC_EXIT_GUEST, *exit_status is the status. */
enum hypercall_outcome hypercall_serve(struct vm *vm, struct vcpu_state *st, int *exit_status);

/* The function's name ("console-write"), or NULL for an unknown number. */
const char *hypercall_name(uint32_t nr);

#endif
