/* Lockstep: run each guest image on KVM and on the built-in CPU one step
 * at a time and compare the architectural state after every step, the port
 * output, and RAM at the end.  A step is one instruction, or one iteration
 * of a REP string instruction, as hardware single-steps.
 *
 * Usage: test_lockstep [--irq-every N] [IMAGE.bin...]; without images the
 * guests minimal hello primes echo c-guest segments pmode rep from
 * $GUESTS, and irq-spin with timer interrupts.
 *
 * Interrupts (--irq-every N, and irq-spin): every N steps the test asks
 * for IRQ 0, and injects its vector (0x08, the PC's) into both CPUs at the
 * first step where both can take it; whether each can (IF, the sti/mov ss
 * shadows) is compared after every step.  The delivery is no step of its
 * own: the step after it runs the handler's first instruction on both.
 * Exit 0 if both backends agree everywhere, 1 at the first divergence
 * (printed with the instruction and both states), 77 if KVM is unusable,
 * 99 on a setup error.
 *
 * Each backend has its own RAM holding the same flat image at 0.  Port
 * input is served identically: the COM1 line status register (0x3fd) reads
 * 0x70 (transmitter empty, and the break bit the guests take as end of
 * input), every other port 0xff.  KVM does not report HLT under
 * single-step here, so both stop before executing a hlt.
 *
 * Where KVM runs a stepped rep whole (its real-mode emulator: the probe's
 * rep_steps_per_iteration is false), KVM's step of a rep gets the count cut
 * to 1 and the rest put back afterwards, so that KVM itself still executes
 * every iteration that is compared.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "cpu/emu.h"
#include "kvm/kvm.h"
#include "vcpu.h"

#define RAM_SIZE  (1u << 20)
#define MAX_INSNS 20000000ull /* a guest that has not halted by then fails */
#define MAX_OUT   65536

#define FL_CF     0x0001u
#define FL_PF     0x0004u
#define FL_AF     0x0010u
#define FL_ZF     0x0040u
#define FL_SF     0x0080u
#define FL_OF     0x0800u
#define FL_STATUS (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* EFLAGS bits compared after every instruction: the status flags, bit 1,
 * TF, IF, DF, IOPL, NT, AC and ID.  RF (bit 16) is left out: it belongs to
 * the debug machinery (KVM may set it when resuming from a debug exit), as
 * are VM, VIF and VIP, which no guest here can set.  The status flags an
 * instruction leaves undefined (undefined_flags()) are also left out for
 * that instruction: KVM computes flags by running the instruction on the
 * host CPU, whose undefined results are its own, while the built-in CPU
 * follows the 386. */
#define FLAGS_COMPARED 0x00247fd7u

struct side {
	const char *name;
	struct vcpu *vcpu;
	uint8_t *ram;
	uint64_t traps; /* DEBUG exits and IO completions */
	uint64_t io_exits;
	uint8_t out[MAX_OUT]; /* bytes written to ports, in order */
	size_t out_n;
	uint16_t out_port[MAX_OUT];
};

static uint8_t *ram_alloc(void)
{
	void *p = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static long load_image(const char *path, uint8_t *ram)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "test_lockstep: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t n = fread(ram, 1, RAM_SIZE, f);
	fclose(f);
	return (long)n;
}

/* ---- decoding just enough of the instruction at pc ---- */

struct insn_info {
	uint8_t op;   /* opcode byte after prefixes (0x0f: see op2) */
	uint8_t op2;  /* second byte of a 0F opcode */
	uint8_t reg;  /* ModRM reg field of op's ModRM byte, if any */
	unsigned len; /* prefixes + opcode, enough for the checks here */
};

static struct insn_info peek(const uint8_t *ram, uint32_t pc)
{
	struct insn_info in = {0};
	unsigned n = 0;
	for (; n < 14 && pc + n + 2 < RAM_SIZE; n++) {
		uint8_t b = ram[pc + n];
		if (!(b == 0xf2 || b == 0xf3 || b == 0x66 || b == 0x67 || b == 0xf0 || b == 0x26 ||
		      b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65))
			break;
	}
	if (pc + n + 2 >= RAM_SIZE)
		return in;
	in.op = ram[pc + n];
	if (in.op == 0x0f) {
		in.op2 = ram[pc + n + 1];
		in.reg = (ram[pc + n + 2] >> 3) & 7;
	} else {
		in.reg = (ram[pc + n + 1] >> 3) & 7;
	}
	in.len = n + 1;
	return in;
}

/* Status flags the instruction leaves undefined (Intel SDM, per opcode). */
static uint32_t undefined_flags(const struct insn_info *in)
{
	uint8_t op = in->op;
	if (op == 0x0f) {
		switch (in->op2) {
		case 0xaf: /* imul r, r/m */
			return FL_SF | FL_ZF | FL_AF | FL_PF;
		case 0xbc: /* bsf */
		case 0xbd: /* bsr */
			return FL_CF | FL_OF | FL_SF | FL_AF | FL_PF;
		case 0xa3: /* bt, bts, btr, btc */
		case 0xab:
		case 0xb3:
		case 0xbb:
		case 0xba:
			return FL_OF | FL_SF | FL_AF | FL_PF;
		case 0xa4: /* shld, shrd */
		case 0xa5:
		case 0xac:
		case 0xad:
			return FL_OF | FL_AF;
		}
		return 0;
	}
	if ((op >= 0x08 && op <= 0x0d) || (op >= 0x20 && op <= 0x25) ||
	    (op >= 0x30 && op <= 0x35) || op == 0x84 || op == 0x85 || op == 0xa8 || op == 0xa9)
		return FL_AF; /* or, and, xor, test */
	if (op >= 0x80 && op <= 0x83 && (in->reg == 1 || in->reg == 4 || in->reg == 6))
		return FL_AF;
	if (op == 0xd0 || op == 0xd1) /* by 1: OF defined, AF undefined for shifts */
		return in->reg >= 4 ? FL_AF : 0;
	if (op == 0xc0 || op == 0xc1 || op == 0xd2 || op == 0xd3)
		return FL_OF | FL_AF; /* OF for counts other than 1 */
	if (op == 0xf6 || op == 0xf7) {
		if (in->reg <= 1) /* test */
			return FL_AF;
		if (in->reg == 4 || in->reg == 5) /* mul, imul */
			return FL_SF | FL_ZF | FL_AF | FL_PF;
		if (in->reg >= 6) /* div, idiv */
			return FL_STATUS;
		return 0;
	}
	if (op == 0x69 || op == 0x6b)
		return FL_SF | FL_ZF | FL_AF | FL_PF;
	if (op == 0x27 || op == 0x2f) /* daa, das */
		return FL_OF;
	if (op == 0x37 || op == 0x3f) /* aaa, aas */
		return FL_OF | FL_SF | FL_ZF | FL_PF;
	if (op == 0xd4 || op == 0xd5) /* aam, aad */
		return FL_OF | FL_AF | FL_CF;
	return 0;
}

/* Instructions whose undefined flags came out differently, for the summary. */
struct undef_seen {
	uint8_t op, op2, reg;
	uint32_t flags; /* bits that differed, ORed */
	uint64_t count;
};
#define MAX_UNDEF_SEEN 16

static void note_undefined(struct undef_seen *seen, unsigned *n, const struct insn_info *in,
                           uint32_t flags)
{
	unsigned k = 0;
	for (; k < *n; k++)
		if (seen[k].op == in->op && seen[k].op2 == in->op2 && seen[k].reg == in->reg)
			break;
	if (k == *n) {
		if (*n == MAX_UNDEF_SEEN)
			return;
		seen[(*n)++] = (struct undef_seen){.op = in->op, .op2 = in->op2, .reg = in->reg};
	}
	seen[k].flags |= flags;
	seen[k].count++;
}

static void print_undefined(const struct undef_seen *seen, unsigned n)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {{FL_CF, "CF"}, {FL_PF, "PF"}, {FL_AF, "AF"},
	             {FL_ZF, "ZF"}, {FL_SF, "SF"}, {FL_OF, "OF"}};
	for (unsigned k = 0; k < n; k++) {
		if (seen[k].op == 0x0f)
			printf("    opcode 0f %02x", seen[k].op2);
		else
			printf("    opcode %02x /%u", seen[k].op, seen[k].reg);
		printf(": %llu times, undefined", (unsigned long long)seen[k].count);
		for (unsigned b = 0; b < sizeof(names) / sizeof(names[0]); b++)
			if (seen[k].flags & names[b].bit)
				printf(" %s", names[b].name);
		printf(" differed\n");
	}
}

/* ---- one side ---- */

static void serve_io(struct side *s, struct vcpu_exit *e)
{
	uint8_t *d = e->io.data;
	s->io_exits++;
	for (uint32_t k = 0; k < e->io.count; k++, d += e->io.size) {
		if (e->io.is_write) {
			for (unsigned b = 0; b < e->io.size && s->out_n < MAX_OUT; b++) {
				s->out_port[s->out_n] = e->io.port;
				s->out[s->out_n++] = d[b];
			}
		} else {
			memset(d, e->io.port == 0x3fd ? 0x70 : 0xff, e->io.size);
		}
	}
}

/* Run to the single-step DEBUG exit, or to an IO exit, which is served and
 * then completed with vcpu_complete_io(): KVM here does not report the
 * single-step of an instruction that exited for I/O (the next KVM_RUN
 * would run one more instruction before its trap), so the instruction is
 * finished the way the stub finishes it before a stop.  0, or -1 with a
 * message (an unexpected exit). */
static int trap(struct side *s)
{
	struct vcpu_exit e;
	for (;;) {
		memset(&e, 0, sizeof(e));
		int r = vcpu_run(s->vcpu, &e);
		if (r < 0) {
			printf("%s: vcpu_run failed: %s\n", s->name, strerror(-r));
			return -1;
		}
		if (e.reason == VCPU_EXIT_IO) {
			serve_io(s, &e);
			s->traps++;
			r = vcpu_complete_io(s->vcpu);
			if (r < 0) {
				printf("%s: complete_io failed: %s\n", s->name, strerror(-r));
				return -1;
			}
			return 0;
		}
		if (e.reason == VCPU_EXIT_DEBUG && e.debug.kind == VCPU_DEBUG_STEP) {
			s->traps++;
			return 0;
		}
		char what[64] = "";
		if (e.reason == VCPU_EXIT_MMIO)
			snprintf(what, sizeof(what), " %s %#llx",
			         e.mmio.is_write ? "write" : "read",
			         (unsigned long long)e.mmio.addr);
		printf("%s: wanted a single-step DEBUG exit, got %s%s\n", s->name,
		       vcpu_exit_reason_name(e.reason), what);
		return -1;
	}
}

/* One step: one trap, and the state after it. */
static int step(struct side *s, struct vcpu_state *after)
{
	return trap(s) < 0 || vcpu_get_state(s->vcpu, after) < 0 ? -1 : 0;
}

static void set_rep_count(struct vcpu_state *st, const struct x86_rep_string *rs, uint32_t n)
{
	uint32_t mask = rs->addr_size == 4 ? 0xffffffffu : 0xffffu;
	st->gpr[GPR_ECX] = (st->gpr[GPR_ECX] & ~mask) | (n & mask);
}

/* One iteration of the REP string instruction rs on a KVM that steps a rep
 * whole: run it with a count of 1, then put back the iterations left and
 * EIP (at the instruction, or past it if that iteration ended it). */
static int step_one_iteration(struct side *s, const struct x86_rep_string *rs,
                              struct vcpu_state *after)
{
	struct vcpu_state st;
	if (vcpu_get_state(s->vcpu, &st) < 0)
		return -1;
	uint32_t n = x86_rep_count(rs, &st), eip = st.eip;
	set_rep_count(&st, rs, 1);
	if (vcpu_set_state(s->vcpu, &st) < 0 || step(s, after) < 0)
		return -1;
	if (x86_rep_count(rs, after) != 0) {
		set_rep_count(after, rs, n); /* it faulted: nothing was done */
	} else {
		uint32_t ipmask = after->seg[SREG_CS].db ? 0xffffffffu : 0xffffu;
		set_rep_count(after, rs, n - 1);
		after->eip =
		    x86_rep_ends(rs, after->eflags, n - 1) ? (eip + rs->len) & ipmask : eip;
	}
	return vcpu_set_state(s->vcpu, after) < 0 ? -1 : 0;
}

/* KVM's step: per iteration of a rep, whatever this host's KVM does. */
static int step_kvm(struct side *s, const struct vcpu_state *before, struct vcpu_state *after)
{
	uint32_t pc = vcpu_state_pc(before);
	struct x86_rep_string rs;
	if (!s->vcpu->caps.rep_steps_per_iteration && pc < RAM_SIZE &&
	    x86_rep_string_decode(s->ram + pc, pc + 15 <= RAM_SIZE ? 15 : RAM_SIZE - pc,
	                          before->seg[SREG_CS].db, &rs) &&
	    x86_rep_count(&rs, before))
		return step_one_iteration(s, &rs, after);
	return step(s, after);
}

/* ---- comparing ---- */

static const char *const gpr_names[GPR_COUNT] = {"eax", "ecx", "edx", "ebx",
                                                 "esp", "ebp", "esi", "edi"};
static const char *const sreg_names[SREG_COUNT] = {"es", "cs", "ss", "ds", "fs", "gs"};

static void print_state(const char *label, const struct vcpu_state *st)
{
	printf("  %-12s", label);
	for (int r = 0; r < GPR_COUNT; r++)
		printf(" %s=%08x", gpr_names[r], st->gpr[r]);
	printf("\n  %-12s eip=%08x eflags=%08x cr0=%08x", "", st->eip, st->eflags, st->cr0);
	for (int s = 0; s < SREG_COUNT; s++)
		printf(" %s=%04x", sreg_names[s], st->seg[s].selector);
	printf("\n  %-12s", "");
	for (int s = 0; s < SREG_COUNT; s++)
		printf(" %s.base=%x limit=%x db=%u", sreg_names[s], st->seg[s].base,
		       st->seg[s].limit, st->seg[s].db);
	printf("\n");
}

/* The first difference between the two states, or NULL. */
static const char *differs(const struct vcpu_state *a, const struct vcpu_state *b,
                           uint32_t flag_mask, char *buf, size_t len)
{
	for (int r = 0; r < GPR_COUNT; r++)
		if (a->gpr[r] != b->gpr[r]) {
			snprintf(buf, len, "%s %08x vs %08x", gpr_names[r], a->gpr[r], b->gpr[r]);
			return buf;
		}
	if (a->eip != b->eip) {
		snprintf(buf, len, "eip %08x vs %08x", a->eip, b->eip);
		return buf;
	}
	if ((a->eflags ^ b->eflags) & flag_mask) {
		snprintf(buf, len, "eflags %08x vs %08x (compared bits %08x)", a->eflags, b->eflags,
		         flag_mask);
		return buf;
	}
	for (int s = 0; s < SREG_COUNT; s++) {
		const struct vcpu_segment *x = &a->seg[s], *y = &b->seg[s];
		/* Limit and size of the segment caches matter (unreal mode, the
		 * way back from protected mode); type bits differ legitimately
		 * in real mode, where KVM keeps what VMX wants. */
		if (x->selector != y->selector || x->base != y->base || x->limit != y->limit ||
		    x->db != y->db) {
			snprintf(buf, len,
			         "%s %04x base %x limit %x db %u vs %04x base %x limit %x db %u",
			         sreg_names[s], x->selector, x->base, x->limit, x->db, y->selector,
			         y->base, y->limit, y->db);
			return buf;
		}
	}
	if ((a->cr0 ^ b->cr0) & 0x8005003fu) { /* PG AM WP NE ET TS EM MP PE; not CD/NW */
		snprintf(buf, len, "cr0 %08x vs %08x", a->cr0, b->cr0);
		return buf;
	}
	if (a->gdt.base != b->gdt.base || a->gdt.limit != b->gdt.limit ||
	    a->idt.base != b->idt.base || a->idt.limit != b->idt.limit) {
		snprintf(buf, len, "gdt %x/%x idt %x/%x vs gdt %x/%x idt %x/%x", a->gdt.base,
		         a->gdt.limit, a->idt.base, a->idt.limit, b->gdt.base, b->gdt.limit,
		         b->idt.base, b->idt.limit);
		return buf;
	}
	return NULL;
}

static void print_divergence(const char *image, uint64_t n, const uint8_t *ram,
                             const struct vcpu_state *before, const struct vcpu_state *k,
                             const struct vcpu_state *e, const char *what)
{
	uint32_t pc = vcpu_state_pc(before);
	printf("%s: DIVERGENCE at step %llu, %04x:%08x (linear %#x): %s\n", image,
	       (unsigned long long)n, before->seg[SREG_CS].selector, before->eip, pc, what);
	printf("  bytes       ");
	for (unsigned b = 0; b < 15 && pc + b < RAM_SIZE; b++)
		printf(" %02x", ram[pc + b]);
	printf("\n");
	print_state("before", before);
	print_state("after (kvm)", k);
	print_state("after (emu)", e);
}

static int compare_output(const char *image, uint64_t n, const struct side *k, const struct side *e)
{
	if (k->out_n == e->out_n && !memcmp(k->out, e->out, k->out_n) &&
	    !memcmp(k->out_port, e->out_port, k->out_n * sizeof(k->out_port[0])))
		return 0;
	size_t i = 0;
	while (i < k->out_n && i < e->out_n && k->out[i] == e->out[i] &&
	       k->out_port[i] == e->out_port[i])
		i++;
	printf("%s: DIVERGENCE in port output after step %llu: byte %zu: kvm %zu bytes, "
	       "emu %zu bytes\n",
	       image, (unsigned long long)n, i, k->out_n, e->out_n);
	return -1;
}

/* ---- interrupts ---- */

#define IRQ0_VECTOR 0x08 /* the PIC's reset base, as the PC BIOS leaves it */

/* Asks for an interrupt every `every` steps (0: never) and injects it into
 * both CPUs at the first step where both can take it. */
struct irq_plan {
	uint64_t every;
	bool wanted;
	uint64_t injected;
};

/* Before step n: 0, or -1 after a message if the CPUs disagree about
 * taking an interrupt now or an injection fails. */
static int inject_if_due(struct irq_plan *p, uint64_t n, const char *image, struct side *k,
                         struct side *e)
{
	if (!p->every)
		return 0;
	bool ready_k = vcpu_interrupt_ready(k->vcpu), ready_e = vcpu_interrupt_ready(e->vcpu);
	if (ready_k != ready_e) {
		printf("%s: DIVERGENCE before step %llu: KVM %s take an interrupt, the built-in "
		       "CPU %s\n",
		       image, (unsigned long long)n, ready_k ? "can" : "cannot",
		       ready_e ? "can" : "cannot");
		return -1;
	}
	if (n && n % p->every == 0)
		p->wanted = true;
	if (!p->wanted || !ready_k)
		return 0;
	int rk = vcpu_inject_interrupt(k->vcpu, IRQ0_VECTOR);
	int re = vcpu_inject_interrupt(e->vcpu, IRQ0_VECTOR);
	if (rk < 0 || re < 0) {
		printf("%s: injecting before step %llu failed: kvm %s, emu %s\n", image,
		       (unsigned long long)n, strerror(-rk), strerror(-re));
		return -1;
	}
	p->wanted = false;
	p->injected++;
	return 0;
}

/* ---- one guest ---- */

static int run_image(const char *path, uint64_t irq_every)
{
	struct side *sides[2] = {calloc(1, sizeof(struct side)), calloc(1, sizeof(struct side))};
	char err[256] = "";
	int rc = 99;
	uint64_t n = 0, synced = 0;
	struct undef_seen seen[MAX_UNDEF_SEEN];
	unsigned n_seen = 0;
	struct timespec t0, t1;
	struct irq_plan irq = {.every = irq_every};

	if (!sides[0] || !sides[1]) {
		fprintf(stderr, "test_lockstep: out of memory\n");
		free(sides[0]);
		free(sides[1]);
		return 99;
	}
	struct side *k = sides[0], *e = sides[1];
	k->name = "kvm";
	e->name = "emu";
	k->ram = ram_alloc();
	e->ram = ram_alloc();
	if (!k->ram || !e->ram) {
		fprintf(stderr, "test_lockstep: out of memory\n");
		goto out;
	}
	long size = load_image(path, k->ram);
	if (size < 0 || load_image(path, e->ram) != size)
		goto out;
	k->vcpu = kvm_vcpu_create(k->ram, RAM_SIZE, err, sizeof(err));
	if (!k->vcpu) {
		fprintf(stderr, "test_lockstep: KVM: %s\n", err);
		goto out;
	}
	kvm_probe_debug(k->vcpu); /* caps.rep_steps_per_iteration */
	e->vcpu = emu_vcpu_create(e->ram, RAM_SIZE);
	if (!e->vcpu) {
		fprintf(stderr, "test_lockstep: emu_vcpu_create failed\n");
		goto out;
	}
	struct vcpu_debug dbg = {.singlestep = true};
	for (int s = 0; s < 2; s++) {
		int r = vcpu_set_debug(sides[s]->vcpu, &dbg);
		if (r < 0) {
			fprintf(stderr, "test_lockstep: %s: set_debug: %s\n", sides[s]->name,
			        strerror(-r));
			goto out;
		}
	}

	struct vcpu_state before, ka, ea;
	char what[160];
	if (vcpu_get_state(k->vcpu, &ka) < 0 || vcpu_get_state(e->vcpu, &ea) < 0)
		goto out;
	if (differs(&ka, &ea, FLAGS_COMPARED, what, sizeof(what))) {
		print_divergence(path, 0, e->ram, &ea, &ka, &ea, what);
		rc = 1;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		before = ea;
		uint32_t pc = vcpu_state_pc(&before);
		if (pc < RAM_SIZE && e->ram[pc] == 0xf4 && k->ram[pc] == 0xf4)
			break; /* hlt: KVM would step past it */
		if (n >= MAX_INSNS) {
			printf("%s: no hlt after %llu steps\n", path, (unsigned long long)n);
			rc = 1;
			goto out;
		}
		struct insn_info in = peek(e->ram, pc);
		if (inject_if_due(&irq, n, path, k, e) < 0) {
			rc = 1;
			goto out;
		}
		if (step_kvm(k, &before, &ka) < 0 || step(e, &ea) < 0) {
			printf("%s: at step %llu, %04x:%08x\n", path, (unsigned long long)n,
			       before.seg[SREG_CS].selector, before.eip);
			rc = 1;
			goto out;
		}
		n++;
		uint32_t undef = undefined_flags(&in);
		if (differs(&ka, &ea, FLAGS_COMPARED & ~undef, what, sizeof(what))) {
			print_divergence(path, n, e->ram, &before, &ka, &ea, what);
			rc = 1;
			goto out;
		}
		if ((ka.eflags ^ ea.eflags) & undef) {
			/* Give the CPU KVM's undefined flags so that later code
			 * (pushf, a jcc on them) sees the same inputs. */
			note_undefined(seen, &n_seen, &in, (ka.eflags ^ ea.eflags) & undef);
			ea.eflags = (ea.eflags & ~undef) | (ka.eflags & undef);
			if (vcpu_set_state(e->vcpu, &ea) < 0)
				goto out;
			synced++;
		}
		if (compare_output(path, n, k, e) < 0) {
			rc = 1;
			goto out;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	for (uint32_t a = 0; a < RAM_SIZE; a++)
		if (k->ram[a] != e->ram[a]) {
			printf(
			    "%s: DIVERGENCE in RAM at the end: first at %#x: kvm %02x, emu %02x\n",
			    path, a, k->ram[a], e->ram[a]);
			rc = 1;
			goto out;
		}
	double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s: identical: %llu steps (emu counted %llu), single-step traps kvm %llu "
	       "emu %llu, IO exits kvm %llu emu %llu, %zu bytes out, undefined flags differed "
	       "%llu times, %llu interrupts injected, %.2f s\n",
	       path, (unsigned long long)n, (unsigned long long)emu_vcpu_instructions(e->vcpu),
	       (unsigned long long)k->traps, (unsigned long long)e->traps,
	       (unsigned long long)k->io_exits, (unsigned long long)e->io_exits, k->out_n,
	       (unsigned long long)synced, (unsigned long long)irq.injected, secs);
	print_undefined(seen, n_seen);
	rc = 0;
out:
	vcpu_destroy(k->vcpu);
	vcpu_destroy(e->vcpu);
	if (k->ram)
		munmap(k->ram, RAM_SIZE);
	if (e->ram)
		munmap(e->ram, RAM_SIZE);
	free(k);
	free(e);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		uint64_t irq_every; /* steps between interrupts, 0 = none */
	} defaults[] = {{"minimal", 0}, {"hello", 0},   {"primes", 0},
	                {"echo", 0},    {"c-guest", 0}, {"segments", 0},
	                {"pmode", 0},   {"rep", 0},     {"irq-spin", 37}};
	char err[256] = "";
	int worst = 0;
	uint64_t irq_every = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (kvm_available(err, sizeof(err)) < 0) {
		printf("test_lockstep: skipped: KVM is not usable here: %s\n", err);
		return 77;
	}
	int a = 1;
	if (argc > 2 && !strcmp(argv[1], "--irq-every")) {
		irq_every = strtoull(argv[2], NULL, 0);
		a = 3;
	}
	if (argc > a) {
		for (; a < argc; a++) {
			int rc = run_image(argv[a], irq_every);
			worst = rc > worst ? rc : worst;
		}
		return worst;
	}
	const char *dir = getenv("GUESTS");
	if (!dir) {
		fprintf(stderr, "test_lockstep: give guest images or set $GUESTS\n");
		return 99;
	}
	for (size_t g = 0; g < sizeof(defaults) / sizeof(defaults[0]); g++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.bin", dir, defaults[g].name);
		int rc = run_image(path, defaults[g].irq_every);
		worst = rc > worst ? rc : worst;
	}
	return worst;
}
