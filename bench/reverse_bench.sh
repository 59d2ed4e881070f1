#!/bin/bash
# Reverse execution on the built-in CPU (--accel emu): what recording costs,
# and how fast GDB moves through the history.
#
# Usage: bench/reverse_bench.sh [BUILDDIR]     (about a minute; not make check)
#
# Guest: bench/guests/rev_work.S, assembled here with -DITERS=N (default
# 150000: 1284 * N + 10 instructions, ~190 M, 1-2 s): rounds of 256 word
# stores over 16 KiB and one `out` to port 0x80, then the magic breakpoint.
#
# Sessions (GDB 13, gdb -batch -nx -x bench/reverse_bench.py, one
# kvm-gdbstub --once --accel emu each), interleaved ROUNDS times (default 5):
#   record    the default (history recorded from the attach): BENCH_STEPS
#             `stepi`, `continue` to the magic breakpoint, `monitor record`,
#             BENCH_STEPS `reverse-stepi`, as many `stepi` back to the present
#             (replay), `reverse-continue` with a breakpoint never hit (from
#             the present to the oldest point: the whole history), `continue`
#             back to the present (replay)
#   norecord  the same with --no-record, up to the magic breakpoint
# Rows: medians +-spread (half the interquartile range); the recording
# overhead is the ratio of the `continue` times; scan and replay speeds are
# history instructions / time.
#
# Environment: KVM_GDBSTUB (default BUILDDIR/kvm-gdbstub), GDB (gdb), ROUNDS,
# REV_ITERS (150000), BENCH_STEPS (200), BENCH_OUT (keep the raw results
# there; default a temporary directory).
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
build=$(cd "${1:-.}" && pwd)
vmm=${KVM_GDBSTUB:-$build/kvm-gdbstub}
GDB=${GDB:-gdb}
rounds=${ROUNDS:-5}
iters=${REV_ITERS:-150000}
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

guest=$tmp/rev_work-$iters
$CC -m16 -DITERS="$iters" -c -o "$guest.o" "$here/guests/rev_work.S" &&
	$LD -m elf_i386 -T "$here/../guest/guest.ld" --build-id=none --no-warn-rwx-segments \
		-o "$guest.elf" "$guest.o" &&
	$OBJCOPY -O binary "$guest.elf" "$guest.bin" ||
	{ echo "reverse_bench: cannot build the guest" >&2; exit 1; }

# One GDB session: MODE; appends its BENCH lines to $tmp/results, or warns.
session() {
	local mode=$1 tag=$1-$rep port="" pid rc
	local err=$tmp/stub-$tag.err log=$tmp/gdb-$tag.log
	local -a opt=()
	[ "$mode" = norecord ] && opt=(--no-record)
	"$vmm" --once --accel emu "${opt[@]}" --port 0 "$guest.bin" >/dev/null 2>"$err" &
	pid=$!
	stub_port "$pid" "$err"
	if [ -z "$port" ]; then
		echo "reverse_bench: $tag: the stub did not listen:" >&2
		cat "$err" >&2
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 1
	fi
	BENCH_TARGET=127.0.0.1:$port BENCH_MODE=$mode timeout 600 "$GDB" -batch -nx \
		-x "$here/reverse_bench.py" >"$log" 2>&1 </dev/null
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
	sed -n "s/^BENCH /$mode /p" "$log" >>"$tmp/results"
}

: >"$tmp/results"
start=$(date +%s.%N)
for rep in $(seq 1 "$rounds"); do
	for mode in record norecord; do
		session "$mode"
	done
done
end=$(date +%s.%N)

PYTHONPATH="$here" python3 - "$tmp/results" "$rounds" "$iters" "$start" "$end" <<'EOF'
import statistics, sys
path, rounds, iters, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
from benchstats import spread

data = {}
for line in open(path):
    f = line.split()
    data.setdefault((f[0], f[1]), []).append(float(f[2]))


def med(mode, key):
    v = data.get((mode, key))
    return statistics.median(v) if v else None


def cell(mode, key, fmt="%.3g"):
    v = data.get((mode, key))
    return (fmt + " +-%.0f%%") % (statistics.median(v), spread(v)) if v else "-"


insns = med("record", "history_insns")
print("Reverse execution on the built-in CPU, guest rev_work (%d rounds: %.3g M "
      "instructions): median of %d interleaved sessions per mode, +-spread (half the "
      "interquartile range)\n" % (iters, (1284 * iters + 10) / 1e6, rounds))
print("| row | recording (default) | --no-record | ratio |")
print("|---|---|---|---|")
rec, norec = med("record", "run_s"), med("norecord", "run_s")
print("| `continue` to the end (s) | %s | %s | %s |" % (
    cell("record", "run_s"), cell("norecord", "run_s"),
    "%.3fx (%+.1f %%)" % (rec / norec, (rec / norec - 1) * 100) if rec and norec else "-"))
rs, ns = med("record", "stepi_ms"), med("norecord", "stepi_ms")
print("| `stepi` at the present (ms) | %s | %s | %s |" % (
    cell("record", "stepi_ms"), cell("norecord", "stepi_ms"),
    "%.2fx" % (rs / ns) if rs and ns else "-"))
print("| guest Minsn/s of that `continue` | %s | %s | |" % (
    "%.0f" % (insns / rec / 1e6) if insns and rec else "-",
    "%.0f" % (insns / norec / 1e6) if insns and norec else "-"))
print("\n| row (recording) | median | per |")
print("|---|---|---|")
print("| history kept | %s instructions, %s checkpoints (%s dropped) | |" % (
    "%.4g M" % (insns / 1e6) if insns else "-", "%.0f" % (med("record", "checkpoints") or 0),
    "%.0f" % (med("record", "checkpoints_dropped") or 0)))
mib = med("record", "history_mib")
print("| memory (`monitor record`) | %s MiB | %s bytes per 1000 instructions |" % (
    cell("record", "history_mib"), "%.0f" % (mib * 1048576 / insns * 1000) if mib and insns else "-"))
fwd = med("record", "stepi_ms")
for key, label in (("rstepi_ms", "`reverse-stepi` (ms per step)"),
                   ("pstepi_ms", "`stepi` in the past, replay (ms per step)")):
    m = med("record", key)
    print("| %s | %s | %s |" % (label, cell("record", key),
                                "%.2fx forward `stepi` at the present" % (m / fwd) if m and fwd else ""))
for key, label in (("rcont_s", "`reverse-continue` over the whole history, breakpoint never hit (s)"),
                   ("fcont_s", "`continue` from the oldest point to the present, replay (s)")):
    m = med("record", key)
    print("| %s | %s | %s |" % (label, cell("record", key),
                                "%.0f M instructions/s" % (insns / m / 1e6) if m and insns else ""))
want = rounds * 2
got = len(data.get(("record", "run_s"), [])) + len(data.get(("norecord", "run_s"), []))
print("\n%d of %d sessions succeeded; the whole run took %.0f s." % (got, want, end - start))
EOF
