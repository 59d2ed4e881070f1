#!/bin/bash
# Reverse execution on the built-in CPU (--accel emu): what recording costs,
# how fast GDB moves through a history of 10^9 instructions, and how much
# memory that history takes.
#
# Usage: bench/reverse_bench.sh [BUILDDIR]     (2-4 minutes; not make check)
#
# Guests, built here into a temporary directory:
#   spin    bench/guests/rev_spin.S: REV_SPIN_ITERS (250000000) rounds of
#           `dec; jnz`, 2 * N + 4 instructions, then the magic breakpoint
#   work    bench/guests/rev_work.S: REV_ITERS (150000) rounds of 256 word
#           stores over 16 KiB and an `out`, 1284 * N + 10 instructions
#   c       bench/guests/rev_c.c, compiled like guest/c-guest.c: c-guest's
#           work REV_C_ITERS (96000) times, ~10,430 instructions each
#           (~10^9); stops (magic breakpoint in mark()) at iteration 1, a
#           tenth, a quarter, half and the end
#   c-long  the same, REV_SMALL_ITERS (2 * REV_C_ITERS) times
#
# Sessions (GDB 13, gdb -batch -nx -x bench/reverse_bench.py, one
# kvm-gdbstub --once --accel emu each), interleaved ROUNDS times (default 3):
#   spin, work: record (the default) and --no-record: `continue` to the end
#   c record      `continue` through the stops (`monitor record` at each),
#                 then from the end: BENCH_STEPS `reverse-stepi` (each timed)
#                 and as many `stepi`; `reverse-continue` with a breakpoint
#                 never hit to the oldest point, `continue` back (replay);
#                 then `reverse-continue` to a breakpoint on mark down to the
#                 first call, with BENCH_STEPS `reverse-stepi` at half, a
#                 tenth and iteration 1
#   c record-bp   the never-hit breakpoint set from the start: `continue`
#                 through the stops, then `reverse-continue` to the oldest
#   c norecord    --no-record: `continue` through the stops
# and once: c-long with --history REV_SMALL_HISTORY (16M) to the end.
# Rows: medians +-spread (half the interquartile range); ratios of medians;
# each goal of the issue with met/MISSED.
#
# Environment: KVM_GDBSTUB (default BUILDDIR/kvm-gdbstub), GDB (gdb), ROUNDS,
# REV_SPIN_ITERS, REV_ITERS, REV_C_ITERS (>= 20), REV_SMALL_ITERS,
# REV_SMALL_HISTORY, BENCH_STEPS (100), BENCH_OUT (keep the raw results
# there; default a temporary directory).
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
build=$(cd "${1:-.}" && pwd)
vmm=${KVM_GDBSTUB:-$build/kvm-gdbstub}
GDB=${GDB:-gdb}
rounds=${ROUNDS:-3}
iters=${REV_ITERS:-150000}
spin_iters=${REV_SPIN_ITERS:-250000000}
c_iters=${REV_C_ITERS:-96000}
small=${REV_SMALL_HISTORY:-16M}
small_iters=${REV_SMALL_ITERS:-$((2 * c_iters))}
CC=${CC:-gcc}
LD=${LD:-ld}
OBJCOPY=${OBJCOPY:-objcopy}

if [ ! -x "$vmm" ]; then
	echo "reverse_bench: no kvm-gdbstub at $vmm (give the build directory)" >&2
	exit 2
fi
command -v "$GDB" >/dev/null || { echo "reverse_bench: no $GDB, skipped"; exit 0; }
if [ -n "${BENCH_OUT:-}" ]; then
	tmp=$BENCH_OUT/reverse
	mkdir -p "$tmp" || exit 1
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/reverse_bench.XXXXXX") || exit 1
	trap 'rm -rf "$tmp"' EXIT
fi

gopt=(-m16 -march=i686 -mno-sse -mno-mmx -ffreestanding -fno-pic -fno-pie
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin -O0 -Wall)
# build NAME OBJECT...: link the objects into $tmp/NAME.bin (at 0).
build() {
	local name=$1
	shift
	$LD -m elf_i386 -T "$here/../guest/guest.ld" --build-id=none --no-warn-rwx-segments \
		-o "$tmp/$name.elf" "$@" && $OBJCOPY -O binary "$tmp/$name.elf" "$tmp/$name.bin"
}
{
	$CC -m16 -DITERS="$spin_iters" -c -o "$tmp/spin.o" "$here/guests/rev_spin.S" &&
		build spin "$tmp/spin.o" &&
		$CC -m16 -DITERS="$iters" -c -o "$tmp/work.o" "$here/guests/rev_work.S" &&
		build work "$tmp/work.o" &&
		$CC -m16 -c -o "$tmp/start.o" "$here/../guest/start.S" &&
		$CC "${gopt[@]}" -DITERS="$c_iters" -c -o "$tmp/c.o" "$here/guests/rev_c.c" &&
		build c "$tmp/start.o" "$tmp/c.o" &&
		$CC "${gopt[@]}" -DITERS="$small_iters" -c -o "$tmp/c-long.o" "$here/guests/rev_c.c" &&
		build c-long "$tmp/start.o" "$tmp/c-long.o"
} || { echo "reverse_bench: cannot build the guests" >&2; exit 1; }
mark=0x$(nm "$tmp/c.elf" | sed -n 's/^0*\([0-9a-f]*\) T mark$/\1/p')

# One GDB session: GUEST MODE [STUB OPTION...], with the BENCH_ variables for
# reverse_bench.py in the environment; appends its BENCH lines to
# $tmp/results as "GUEST MODE name value", or warns.
session() {
	local g=$1 mode=$2 tag=$1-$2-$rep port="" pid rc
	local err=$tmp/stub-$tag.err log=$tmp/gdb-$tag.log
	local -a opt=()
	shift 2
	[ "$mode" = norecord ] && opt=(--no-record)
	"$vmm" --once --accel emu "${opt[@]}" "$@" --port 0 "$tmp/$g.bin" >/dev/null 2>"$err" &
	pid=$!
	stub_port "$pid" "$err"
	if [ -z "$port" ]; then
		echo "reverse_bench: $tag: the stub did not listen:" >&2
		cat "$err" >&2
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 1
	fi
	BENCH_TARGET=127.0.0.1:$port BENCH_MODE=${mode%%-*} BENCH_MARK_BP=$mark \
		timeout 900 "$GDB" -batch -nx -x "$here/reverse_bench.py" >"$log" 2>&1 </dev/null
	rc=$?
	for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ $rc -ne 0 ] || ! grep -q '^reverse_bench.py: done' "$log" ||
		grep -q 'replay did not reproduce' "$err"; then
		echo "reverse_bench: $tag failed (gdb rc $rc):" >&2
		grep -v 'in ?? ()$' "$log" | tail -5 >&2
		cat "$err" >&2
		return 1
	fi
	sed -n "s/^BENCH /$g $mode /p" "$log" >>"$tmp/results"
}

: >"$tmp/results"
start=$(date +%s.%N)
for rep in $(seq 1 "$rounds"); do
	session spin record
	session spin norecord
	session work record
	session work norecord
	BENCH_MARKS=4 BENCH_REVERSE=1 session c record
	BENCH_MARKS=4 BENCH_LIVE_BP=1 session c record-bp
	BENCH_MARKS=4 session c norecord
done
rep=1
BENCH_MARKS=4 session c-long record-small --history "$small"
end=$(date +%s.%N)

PYTHONPATH="$here" python3 - "$tmp/results" "$rounds" "$small" "$start" "$end" <<'EOF'
import statistics, sys
path, rounds, small, start, end = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
from benchstats import spread

data = {}
for line in open(path):
    f = line.split()
    data.setdefault((f[0], f[1], f[2]), []).append(float(f[3]))


def get(g, mode, key):
    return data.get((g, mode, key), [])


def med(g, mode, key):
    v = get(g, mode, key)
    return statistics.median(v) if v else None


def cell(g, mode, key, fmt="%.3g"):
    v = get(g, mode, key)
    return (fmt + " +-%.0f%%") % (statistics.median(v), spread(v)) if v else "-"


def ratio(a, b):
    return "%.3fx (%+.1f %%)" % (a / b, (a / b - 1) * 100) if a and b else "-"


def mega(x):
    return "%.4g M" % (x / 1e6) if x is not None else "-"


def verdict(ok):
    return "**met**" if ok else "**MISSED**"


names = {"spin": "spin loop (`rev_spin`)", "work": "word stores (`rev_work`)",
         "c": "C guest (`rev_c`)"}
print("Reverse execution on the built-in CPU: medians of %d interleaved rounds, "
      "+-spread (half the interquartile range)\n" % rounds)
print("Goal 1: recording overhead (`continue` from the attach to the end, summed over "
      "the stops on the way)\n")
print("| guest | instructions | recording (s) | --no-record (s) | recorded / not | Minsn/s recording / not |")
print("|---|---|---|---|---|---|")
worst = 0
for g in ("spin", "work", "c"):
    insns = med(g, "record", "at%d_insns" % (5 if g == "c" else 1))
    rec, norec = med(g, "record", "run_s"), med(g, "norecord", "run_s")
    if rec and norec and g != "work":
        worst = max(worst, rec / norec)
    print("| %s | %s | %s | %s | %s | %s / %s |" % (
        names[g], mega(insns), cell(g, "record", "run_s"), cell(g, "norecord", "run_s"),
        ratio(rec, norec), "%.0f" % (insns / rec / 1e6) if insns and rec else "-",
        "%.0f" % (insns / norec / 1e6) if insns and norec else "-"))
print("\nGoal 1 (spin loop and C guest <= 1.10x): %s, worst %.3fx" % (verdict(worst <= 1.10), worst))

c_insns = med("c", "record", "at5_insns")
print("\nGoal 2: `reverse-stepi` latency in the C guest's history of %s instructions "
      "(each step timed; %d steps per place and session)\n" % (mega(c_insns), len(get("c", "record", "bs_end_ms")) // max(rounds, 1)))
print("| where | instructions before the present | median (ms) | max (ms) |")
print("|---|---|---|---|")
allsteps = []
places = (("end", "the end (the present)", 5), ("middle", "the mark at half the run", 4),
          ("tenth", "the mark at a tenth", 2), ("start", "the mark at iteration 1, near the start", 1))
for key, label, at in places:
    v = get("c", "record", "bs_%s_ms" % key)
    allsteps += v
    at_insns = med("c", "record", "at%d_insns" % at)
    print("| %s | %s | %s | %s |" % (label, mega(c_insns - at_insns) if c_insns is not None and at_insns is not None else "-",
                                     "%.2f" % statistics.median(v) if v else "-",
                                     "%.2f" % max(v) if v else "-"))
if allsteps:
    print("| all | | %.2f | %.2f |" % (statistics.median(allsteps), max(allsteps)))
    print("\nGoal 2 (every step < 20 ms): %s, max %.2f ms, median %.2f ms of %d steps" % (
        verdict(max(allsteps) < 20), max(allsteps), statistics.median(allsteps), len(allsteps)))
print("\n`stepi` at the present %s ms (recording), %s ms (--no-record); "
      "`stepi` in the past (replay) %s ms" % (cell("c", "record", "stepi_ms"),
                                             cell("c", "norecord", "stepi_ms"),
                                             cell("c", "record", "pstepi_ms")))

print("\nGoal 3: `reverse-continue` over the whole history, a breakpoint never hit, "
      "against running the same instructions forward live (recording)\n")
rc = get("c", "record", "rcont_s") + get("c", "record-bp", "rcont_s")
rcm = statistics.median(rc) if rc else None
fwd, fwd_bp = med("c", "record", "run_s"), med("c", "record-bp", "run_s")
print("| row | instructions | s | Minsn/s | reverse / forward |")
print("|---|---|---|---|---|")
rci = med("c", "record", "rcont_insns")
print("| `reverse-continue` from the present to the oldest point (%d) | %s | %s | %s | |" % (
    len(rc), mega(rci), "%.3g +-%.0f%%" % (rcm, spread(rc)) if rc else "-",
    "%.0f" % (rci / rcm / 1e6) if rci and rcm else "-"))
print("| forward `continue`, the never-hit breakpoint set | %s | %s | %s | %s |" % (
    mega(c_insns), cell("c", "record-bp", "run_s"),
    "%.0f" % (c_insns / fwd_bp / 1e6) if c_insns and fwd_bp else "-", ratio(rcm, fwd_bp)))
print("| forward `continue`, no breakpoint | %s | %s | %s | %s |" % (
    mega(c_insns), cell("c", "record", "run_s"),
    "%.0f" % (c_insns / fwd / 1e6) if c_insns and fwd else "-", ratio(rcm, fwd)))
fc = med("c", "record", "fcont_s")
print("| `continue` from the oldest point to the present (replay) | %s | %s | %s | %s |" % (
    mega(rci), cell("c", "record", "fcont_s"), "%.0f" % (rci / fc / 1e6) if rci and fc else "-",
    "" if not fc else "replay / forward with breakpoint %.2fx" % (fc / fwd_bp if fwd_bp else 0)))
rm = get("c", "record", "rmark_s")
if rm:
    print("| `reverse-continue` to the previous mark (5 per session) | | median %.3g, max %.3g | | |" % (
        statistics.median(rm), max(rm)))
if rcm and fwd_bp and fwd:
    print("\nGoal 3 (<= 1.2x forward, with the breakpoint set on both runs): %s, %.3fx "
          "(%.3fx against the forward run without a breakpoint)" % (
              verdict(rcm / fwd_bp <= 1.2), rcm / fwd_bp, rcm / fwd))

print("\nGoal 4: history memory of the C guest (`monitor record` at its stops, recording "
      "sessions without the breakpoint; default --history 256M)\n")
print("| stop | instructions | memory (MiB) | checkpoints | dropped | bytes per 1000 instructions |")
print("|---|---|---|---|---|---|")
stops = ("iteration 1", "a tenth", "a quarter", "half", "the end")
for k, label in enumerate(stops, 1):
    i, m = med("c", "record", "at%d_insns" % k), med("c", "record", "at%d_mib" % k)
    print("| %s | %s | %s | %s | %s | %s |" % (
        label, mega(i), "%.2f" % m if m is not None else "-",
        "%.0f" % (med("c", "record", "at%d_cps" % k) or 0),
        "%.0f" % (med("c", "record", "at%d_dropped" % k) or 0),
        "%.0f" % (m * 1048576 / i * 1000) if m and i else "-"))
wi, wm = med("work", "record", "at1_insns"), med("work", "record", "at1_mib")
if wi and wm:
    print("| (`rev_work`, 16 KiB rewritten all the time) | %s | %.2f | %.0f | %.0f | %.0f |" % (
        mega(wi), wm, med("work", "record", "at1_cps"), med("work", "record", "at1_dropped"),
        wm * 1048576 / wi * 1000))
print("\nWith --history %s (one session of the C guest, twice as long), at its stops:\n" % small)
print("| stop | instructions kept | memory (MiB) | checkpoints | dropped |")
print("|---|---|---|---|---|")
for k, label in enumerate(stops, 1):
    i, m = med("c-long", "record-small", "at%d_insns" % k), med("c-long", "record-small", "at%d_mib" % k)
    print("| %s | %s | %s | %s | %s |" % (
        label, mega(i), "%.2f" % m if m is not None else "-",
        "%.0f" % (med("c-long", "record-small", "at%d_cps" % k) or 0),
        "%.0f" % (med("c-long", "record-small", "at%d_dropped" % k) or 0)))
full_mib = med("c", "record", "at5_mib")
sm, sd = med("c-long", "record-small", "at5_mib"), med("c-long", "record-small", "at5_dropped")
mult = {"K": 1 / 1024, "M": 1, "G": 1024}
small_mib = float(small[:-1]) * mult.get(small[-1].upper(), 1) if small[-1].isalpha() else float(small) / 1048576
if full_mib is not None and sm is not None:
    print("\nGoal 4 (within --history: 256 MiB; --history %s drops the oldest and stays within it): %s, "
          "%.1f MiB for %s instructions; %.1f MiB with %s, %.0f checkpoints dropped" % (
              small, verdict(full_mib <= 256 and sm <= small_mib * 1.05 and sd > 0), full_mib,
              mega(c_insns), sm, small, sd))
want = rounds * 7 + 1
got = sum(len(v) for (g, m, k), v in data.items() if k == "run_s")
print("\n%d of %d sessions succeeded; the whole run took %.0f s." % (got, want, end - start))
EOF
