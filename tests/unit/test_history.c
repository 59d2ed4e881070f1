/* Reverse execution (src/replay/history.c) on the built-in CPU, without a
 * VMM: a host loop like the run loop's records a guest that reads input
 * ports, takes injected interrupts, runs REP string instructions cut at
 * random instruction limits, and has its RAM and registers written by the
 * host; then every state reached by stepping back must be the state the
 * live run had at that instruction, breakpoints and watchpoints must stop
 * a reverse continue where the live run passed them, and stepping forward
 * must come back to the present exactly.  One vCPU, then two in turns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cpu/emu.h"
#include "replay/history.h"
#include "vcpu.h"

#define RAM_SIZE   (1u << 20)
#define CODE       0x1000u
#define LOOP       0x1001u
#define ADD_INSN   0x1003u
#define HANDLER    0x2000u
#define SUM        0x3100u /* byte: the sum of the inputs */
#define COUNT      0x3102u /* word: iterations done */
#define ITERATIONS 60
#define HASHED     0x8000u /* RAM below this is compared */
#define MAX_RUNS   4096
#define CPUS       2

static uint8_t *ram;

/* One vCPU's loop: in al,0x10; add [SUM],al; mov bx,[COUNT]; mov
 * [bx+0x4000],al; inc word [COUNT]; out 0x11,al; in al,0x12; mov cx,5; mov si,0x4000;
 * mov di,0x5000; rep movsb; cmp word [COUNT],60; jb loop; cli; hlt.  The
 * second vCPU runs the same code at CODE + 0x100 on its own COUNT word. */
static void load_guest(void)
{
	static const uint8_t code[] = {
	    0xfb,                                     /* sti */
	    0xe4, 0x10,                               /* loop: in al, 0x10 */
	    0x00, 0x06, SUM & 0xff, SUM >> 8,         /* add [SUM], al */
	    0x8b, 0x1e, COUNT & 0xff, COUNT >> 8,     /* mov bx, [COUNT] */
	    0x88, 0x87, 0x00, 0x40,                   /* mov [bx+0x4000], al */
	    0xff, 0x06, COUNT & 0xff, COUNT >> 8,     /* inc word [COUNT] */
	    0xe6, 0x11,                               /* out 0x11, al */
	    0xe4, 0x12,                               /* in al, 0x12: an exit at the same count */
	    0xb9, 0x05, 0x00,                         /* mov cx, 5 */
	    0xbe, 0x00, 0x40,                         /* mov si, 0x4000 */
	    0xbf, 0x00, 0x50,                         /* mov di, 0x5000 */
	    0xf3, 0xa4,                               /* rep movsb */
	    0x81, 0x3e, COUNT & 0xff, COUNT >> 8, ITERATIONS, 0x00, /* cmp word [COUNT], 60 */
	    0x72, 0xd7,                               /* jb loop */
	    0xfa, 0xf4,                               /* cli; hlt */
	};
	memset(ram, 0, RAM_SIZE);
	for (unsigned v = 0; v < 256; v++) { /* vector 0x20 counts, the rest hlt */
		uint16_t at = v == 0x20 ? HANDLER : 0x500 + v;
		ram[v * 4] = (uint8_t)at;
		ram[v * 4 + 1] = (uint8_t)(at >> 8);
		ram[0x500 + v] = 0xf4;
	}
	static const uint8_t handler[] = {0xfe, 0x06, 0x00, 0x30, 0xcf}; /* inc byte [0x3000]; iret */
	memcpy(ram + HANDLER, handler, sizeof(handler));
	memcpy(ram + CODE, code, sizeof(code));
	/* vCPU 1's copy uses COUNT + 0x10 (its own counter) and the same SUM. */
	memcpy(ram + CODE + 0x100, code, sizeof(code));
	for (unsigned i = 0; i < sizeof(code); i++)
		if (ram[CODE + 0x100 + i] == (COUNT & 0xff) && ram[CODE + 0x101 + i] == (COUNT >> 8))
			ram[CODE + 0x100 + i] = (COUNT + 0x10) & 0xff;
}

static uint64_t ram_hash(void)
{
	uint64_t h = 1469598103934665603ull;
	for (unsigned i = 0; i < HASHED; i++)
		h = (h ^ ram[i]) * 1099511628211ull;
	return h;
}

/* What the live run looked like just before one of its runs. */
struct moment {
	unsigned cpu;
	uint64_t icount;
	struct vcpu_state st;
	uint64_t hash;
};

static struct moment moments[MAX_RUNS];
static unsigned n_moments;

static struct vcpu_state get(struct vcpu *v)
{
	struct vcpu_state st;
	CHECK(vcpu_get_state(v, &st) == 0);
	return st;
}

static bool same_state(const struct vcpu_state *a, const struct vcpu_state *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* The host's part before run k: interrupts, RAM and register writes, and
 * instruction limits that cut runs anywhere (REP iterations included). */
static void host_acts(struct vcpu *v, unsigned k, uint32_t *rng)
{
	*rng = *rng * 1103515245u + 12345u;
	if (k % 7 == 3 && vcpu_interrupt_ready(v))
		CHECK(vcpu_inject_interrupt(v, 0x20) == 0);
	if (k % 11 == 5) {
		ram[0x3200 + k % 16] = (uint8_t)k;
		vcpu_ram_written(v, 0x3200 + k % 16, 1);
	}
	if (k % 13 == 6) {
		struct vcpu_state st = get(v);
		st.gpr[GPR_EDX] = k;
		CHECK(vcpu_set_state(v, &st) == 0);
	}
	uint64_t now = emu_vcpu_instructions(v);
	emu_vcpu_set_icount_limit(v, k % 3 == 1 ? now + 1 + (*rng >> 16) % 40 : UINT64_MAX);
}

/* Run the vCPUs in turns (one run each) until all halted, as the run loop
 * would, noting each moment before a run. */
static void record_live(struct vcpu **cpus, unsigned n)
{
	uint32_t rng = 1;
	bool done[CPUS] = {false};
	unsigned left = n;
	n_moments = 0;
	for (unsigned k = 0; left && k < MAX_RUNS; k++) {
		unsigned c = k % n;
		if (done[c])
			continue;
		struct vcpu *v = cpus[c];
		host_acts(v, k, &rng);
		moments[n_moments++] = (struct moment){c, emu_vcpu_instructions(v), get(v), ram_hash()};
		struct vcpu_exit e;
		CHECK(vcpu_run(v, &e) == 0);
		if (e.reason == VCPU_EXIT_IO && !e.io.is_write)
			e.io.data[0] = (uint8_t)(rng >> 8);
		if (e.reason == VCPU_EXIT_HLT && !(get(v).eflags & EFLAGS_IF)) {
			done[c] = true;
			left--;
		}
	}
	CHECK(left == 0);
	for (unsigned c = 0; c < n; c++)
		emu_vcpu_set_icount_limit(cpus[c], UINT64_MAX);
}

/* The last moment before a run of cpu that began at icount: the state
 * a step back to that instruction must show. */
static const struct moment *moment_at(unsigned cpu, uint64_t icount)
{
	for (unsigned i = n_moments; i-- > 0;)
		if (moments[i].cpu == cpu && moments[i].icount == icount)
			return &moments[i];
	return NULL;
}

struct machine {
	struct vcpu_vm *vm;
	struct vcpu *cpus[CPUS];
	unsigned n;
	struct history *h;
};

static void machine_start(struct machine *m, unsigned n, uint64_t budget)
{
	load_guest();
	m->n = n;
	m->vm = emu_vm_create(ram, RAM_SIZE);
	char err[100];
	for (unsigned c = 0; c < n; c++) {
		m->cpus[c] = vcpu_vm_create_vcpu(m->vm, c, err, sizeof(err));
		if (!m->cpus[c])
			exit(99);
		struct vcpu_state st;
		vcpu_state_reset(&st);
		st.eip = CODE + 0x100 * c;
		st.gpr[GPR_ESP] = 0x8000 - 0x400 * c;
		CHECK(vcpu_set_state(m->cpus[c], &st) == 0);
	}
	m->h = history_create(ram, RAM_SIZE, m->cpus, n, budget);
	if (!m->h)
		exit(99);
	history_set_interval(m->h, 97); /* many checkpoints, runs cut by them */
	record_live(m->cpus, n);
}

static void machine_stop(struct machine *m)
{
	CHECK(!history_in_past(m->h));
	struct history_stats st;
	history_get_stats(m->h, &st);
	CHECK(st.diverged == 0);
	history_destroy(m->h);
	for (unsigned c = 0; c < m->n; c++)
		vcpu_destroy(m->cpus[c]);
	vcpu_vm_destroy(m->vm);
}

struct present {
	struct vcpu_state st[CPUS];
	uint64_t icount[CPUS];
	uint64_t hash;
};

static struct present present_of(const struct machine *m)
{
	struct present p = {.hash = ram_hash()};
	for (unsigned c = 0; c < m->n; c++) {
		p.st[c] = get(m->cpus[c]);
		p.icount[c] = emu_vcpu_instructions(m->cpus[c]);
	}
	return p;
}

static bool at_present(const struct machine *m, const struct present *p)
{
	struct present now = present_of(m);
	for (unsigned c = 0; c < m->n; c++)
		if (!same_state(&now.st[c], &p->st[c]) || now.icount[c] != p->icount[c])
			return false;
	return now.hash == p->hash;
}

/* Back one instruction at a time to the beginning: each step takes the
 * count down by one, and where a live run began the state is the live one. */
static void step_back_all(struct machine *m, unsigned cpu, unsigned *steps)
{
	struct history_hit hit;
	unsigned compared = 0;
	*steps = 0;
	for (;;) {
		uint64_t was = emu_vcpu_instructions(m->cpus[cpu]);
		CHECK(history_step_back(m->h, cpu, &hit) == 0);
		uint64_t now = emu_vcpu_instructions(m->cpus[cpu]);
		if (hit.stop == HISTORY_BEGIN)
			break;
		CHECK(hit.stop == HISTORY_DONE);
		CHECK(now == was - 1);
		(*steps)++;
		const struct moment *mo = moment_at(cpu, now);
		if (mo && m->n == 1) { /* alone, a moment fixes RAM too */
			struct vcpu_state st = get(m->cpus[cpu]);
			CHECK(same_state(&st, &mo->st));
			CHECK(ram_hash() == mo->hash);
			compared++;
		} else if (mo) {
			struct vcpu_state st = get(m->cpus[cpu]);
			CHECK(st.eip == mo->st.eip && st.gpr[GPR_EAX] == mo->st.gpr[GPR_EAX]);
			compared++;
		}
		if (*steps > 100000)
			break;
	}
	CHECK(compared > 100);
	CHECK(emu_vcpu_instructions(m->cpus[cpu]) == 0);
}

static void step_forward_all(struct machine *m, unsigned cpu, unsigned steps,
                             const struct present *p)
{
	struct history_hit hit = {0};
	unsigned n = 0;
	while (history_in_past(m->h) && n <= steps) {
		uint64_t was = emu_vcpu_instructions(m->cpus[cpu]);
		CHECK(history_step_forward(m->h, cpu, &hit) == 0);
		if (hit.stop == HISTORY_END)
			break;
		CHECK(hit.stop == HISTORY_DONE);
		CHECK(emu_vcpu_instructions(m->cpus[cpu]) == was + 1);
		n++;
	}
	CHECK(n == steps);
	CHECK(!history_in_past(m->h));
	CHECK(at_present(m, p));
}

static uint16_t word_at(uint32_t a)
{
	return (uint16_t)(ram[a] | ram[a + 1] << 8);
}

static void test_one_cpu(void)
{
	struct machine m;
	machine_start(&m, 1, HISTORY_DEFAULT_BUDGET);
	struct present p = present_of(&m);
	CHECK(word_at(COUNT) == ITERATIONS);
	CHECK(ram[0x3000] > 3); /* interrupts were taken */

	/* The debugger's last setup is still on the vCPU (as after a live
	 * breakpoint stop): moves in history must not stop at it. */
	uint32_t live_bp = LOOP;
	CHECK(vcpu_set_debug(m.cpus[0], &(struct vcpu_debug){.n_breakpoints = 1,
	                                                     .breakpoints = &live_bp}) == 0);
	unsigned steps;
	step_back_all(&m, 0, &steps);
	CHECK(steps == p.icount[0]);
	CHECK(get(m.cpus[0]).eip == CODE);
	step_forward_all(&m, 0, steps, &p);

	/* Breakpoint at the loop head: the last two passes, then forward. */
	uint32_t bp = LOOP;
	struct vcpu_debug dbg = {.n_breakpoints = 1, .breakpoints = &bp};
	struct history_hit hit;
	CHECK(history_continue_back(m.h, &dbg, &hit) == 0);
	CHECK(hit.stop == HISTORY_BREAKPOINT && get(m.cpus[0]).eip == LOOP);
	CHECK(word_at(COUNT) == ITERATIONS - 1);
	CHECK(history_continue_back(m.h, &dbg, &hit) == 0);
	CHECK(hit.stop == HISTORY_BREAKPOINT && word_at(COUNT) == ITERATIONS - 2);
	CHECK(history_continue_forward(m.h, &dbg, &hit) == 0);
	CHECK(hit.stop == HISTORY_BREAKPOINT && word_at(COUNT) == ITERATIONS - 1);
	CHECK(history_continue_forward(m.h, &dbg, &hit) == 0);
	CHECK(hit.stop == HISTORY_END && at_present(&m, &p));

	/* A breakpoint on the interrupt handler's first instruction: the
	 * delivery before it is a step of its own, back and forth. */
	uint32_t hbp = HANDLER;
	struct vcpu_debug hdbg = {.n_breakpoints = 1, .breakpoints = &hbp};
	uint8_t ticks = ram[0x3000];
	CHECK(history_continue_back(m.h, &hdbg, &hit) == 0);
	struct vcpu_state at_handler = get(m.cpus[0]);
	CHECK(hit.stop == HISTORY_BREAKPOINT && at_handler.eip == HANDLER);
	CHECK(ram[0x3000] == ticks - 1);
	CHECK(history_step_back(m.h, 0, &hit) == 0 && hit.stop == HISTORY_DONE);
	struct vcpu_state before = get(m.cpus[0]);
	CHECK(before.eip != HANDLER && before.gpr[GPR_ESP] == at_handler.gpr[GPR_ESP] + 6);
	CHECK(history_step_forward(m.h, 0, &hit) == 0 && get(m.cpus[0]).eip == HANDLER);
	CHECK(history_to_present(m.h) == 0 && at_present(&m, &p));

	/* Watchpoint: back to just before the last write of SUM. */
	struct vcpu_watchpoint wp = {SUM, 1, VCPU_WATCH_WRITE};
	struct vcpu_debug wdbg = {.n_watchpoints = 1, .watchpoints = &wp};
	CHECK(history_continue_back(m.h, &wdbg, &hit) == 0);
	CHECK(hit.stop == HISTORY_WATCHPOINT && get(m.cpus[0]).eip == ADD_INSN);
	CHECK(word_at(COUNT) == ITERATIONS - 1);
	CHECK(history_step_forward(m.h, 0, &hit) == 0 && get(m.cpus[0]).eip == ADD_INSN + 4);

	/* Nothing to stop at: the beginning, then forward to the end. */
	struct vcpu_debug none = {0};
	CHECK(history_continue_back(m.h, &none, &hit) == 0);
	CHECK(hit.stop == HISTORY_BEGIN && emu_vcpu_instructions(m.cpus[0]) == 0);
	CHECK(history_continue_forward(m.h, &none, &hit) == 0);
	CHECK(hit.stop == HISTORY_END && at_present(&m, &p));
	machine_stop(&m);
}

/* A budget far below the run: the oldest checkpoints go, and the beginning
 * moves up; what is kept still replays exactly. */
static void test_budget(void)
{
	struct machine m;
	machine_start(&m, 1, 256 << 10);
	struct present p = present_of(&m);
	struct history_stats st;
	history_get_stats(m.h, &st);
	CHECK(st.dropped > 0);
	CHECK(st.bytes <= st.budget + (64 << 10));
	struct history_hit hit;
	struct vcpu_debug none = {0};
	CHECK(history_continue_back(m.h, &none, &hit) == 0);
	CHECK(hit.stop == HISTORY_BEGIN && emu_vcpu_instructions(m.cpus[0]) > 0);
	CHECK(history_continue_forward(m.h, &none, &hit) == 0);
	CHECK(hit.stop == HISTORY_END && at_present(&m, &p));
	machine_stop(&m);
}

/* Two vCPUs in turns over shared RAM: each steps back to its beginning
 * and forward again, and a breakpoint names the vCPU that hit it. */
static void test_two_cpus(void)
{
	struct machine m;
	machine_start(&m, 2, HISTORY_DEFAULT_BUDGET);
	struct present p = present_of(&m);
	CHECK(word_at(COUNT) == ITERATIONS && word_at(COUNT + 0x10) == ITERATIONS);
	unsigned steps;
	step_back_all(&m, 1, &steps);
	CHECK(steps == p.icount[1]);
	step_forward_all(&m, 1, steps, &p);

	uint32_t bp = LOOP + 0x100; /* vCPU 1's loop */
	struct vcpu_debug dbg = {.n_breakpoints = 1, .breakpoints = &bp};
	struct history_hit hit;
	CHECK(history_continue_back(m.h, &dbg, &hit) == 0);
	CHECK(hit.stop == HISTORY_BREAKPOINT && hit.cpu == 1);
	CHECK(word_at(COUNT + 0x10) == ITERATIONS - 1);
	CHECK(history_to_present(m.h) == 0 && at_present(&m, &p));
	machine_stop(&m);
}

int main(void)
{
	ram = calloc(1, RAM_SIZE);
	if (!ram)
		return 99;
	test_one_cpu();
	test_budget();
	test_two_cpus();
	free(ram);
	return check_status("test_history");
}
