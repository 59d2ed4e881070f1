#!/bin/bash
# What a watchpoint costs: a GDB session that runs a guest to its end, timed
# without and with `watch *(short*)0x2000` set, per backend and workload.
#
# Usage: bench/watch_bench.sh [BUILDDIR]     (about a minute; not make check)
#
# Guests (bench/guests/watch_hot.S, watch_cold.S, assembled here with
# -DITERS=N): N iterations of a 4-instruction loop whose store lands on the
# watched word's 4 KiB page (hot) or on another page (cold); the watched word
# itself is written once, at the very end, then hlt.  4 * N + 9 instructions.
#
# Sessions (GDB 13, gdb -batch -nx, one kvm-gdbstub --once per session):
#   plain  target remote; continue (to the guest's exit)
#   watch  target remote; watch *(short*)0x2000; continue (the watchpoint
#          fires once, at the end); delete; continue (to the guest's exit)
# Time: from just before `target remote` to the last `continue` returning,
# measured inside GDB (python time.perf_counter), so GDB's own start-up is
# out and the stub's start-up is out (it already listens).
# Each (backend, guest, mode) runs at N and at N = 1; the N = 1 session is the
# fixed cost (connect, stops, exit), and guest instructions per second are
# (insns(N) - insns(1)) / (t(N) - t(1)) over the medians.
# All runs are interleaved, ROUNDS times (default 5).  Backends: emu (the
# built-in CPU), and kvm where `--accel kvm` works.
#
# Environment: KVM_GDBSTUB (default BUILDDIR/kvm-gdbstub), GDB (gdb), ROUNDS,
# WATCH_ITERS_EMU (15000000), WATCH_ITERS_KVM (200000), BENCH_OUT (keep the
# raw results there; default a temporary directory).
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
build=$(cd "${1:-.}" && pwd)
vmm=${KVM_GDBSTUB:-$build/kvm-gdbstub}
GDB=${GDB:-gdb}
rounds=${ROUNDS:-5}
iters_emu=${WATCH_ITERS_EMU:-15000000}
iters_kvm=${WATCH_ITERS_KVM:-200000}
CC=${CC:-gcc}
LD=${LD:-ld}
OBJCOPY=${OBJCOPY:-objcopy}
ld_script=$here/../guest/guest.ld
watch_addr=0x2000	# WATCHED in bench/guests/watch_*.S

if [ ! -x "$vmm" ]; then
	echo "watch_bench: no kvm-gdbstub at $vmm (give the build directory)" >&2
	exit 2
fi
command -v "$GDB" >/dev/null || { echo "watch_bench: no $GDB, skipped"; exit 0; }
if [ -n "${BENCH_OUT:-}" ]; then
	tmp=$BENCH_OUT/watch
	mkdir -p "$tmp" || exit 1
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/watch_bench.XXXXXX") || exit 1
	trap 'rm -rf "$tmp"' EXIT
fi

build_guest() { # NAME ITERS: $tmp/NAME-ITERS.bin
	local o=$tmp/$1-$2
	[ -s "$o.bin" ] && return 0
	$CC -m16 -DITERS="$2" -c -o "$o.o" "$here/guests/$1.S" &&
		$LD -m elf_i386 -T "$ld_script" --build-id=none --no-warn-rwx-segments \
			-o "$o.elf" "$o.o" &&
		$OBJCOPY -O binary "$o.elf" "$o.bin"
}

iters_of() { case $1 in emu) echo "$iters_emu" ;; *) echo "$iters_kvm" ;; esac; }

for g in watch_hot watch_cold; do
	for n in 1 "$iters_emu" "$iters_kvm"; do
		build_guest "$g" "$n" || { echo "watch_bench: cannot build $g" >&2; exit 1; }
	done
done

backends=emu
if "$vmm" --accel kvm "$tmp/watch_hot-1.bin" >/dev/null 2>&1; then
	backends="emu kvm"
else
	echo "watch_bench: KVM unusable here, built-in CPU only" >&2
fi

# One GDB session: BACKEND GUEST MODE ITERS; appends a result line, or warns.
session() {
	local b=$1 g=$2 mode=$3 n=$4 tag=$1-$2-$3-$4-$rep port="" pid rc
	local err=$tmp/stub-$tag.err log=$tmp/gdb-$tag.log
	local -a w=()
	"$vmm" --once --accel "$b" --port 0 "$tmp/$g-$n.bin" >/dev/null 2>"$err" &
	pid=$!
	stub_port "$pid" "$err"
	if [ -z "$port" ]; then
		echo "watch_bench: $tag: the stub did not listen:" >&2
		cat "$err" >&2
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 1
	fi
	[ "$mode" = watch ] &&
		w=(-ex "watch *(short*)$watch_addr" -ex continue -ex delete)
	timeout 300 "$GDB" -batch -nx -ex 'set confirm off' -ex 'set pagination off' \
		-ex 'python import time; t0 = time.perf_counter()' \
		-ex "target remote 127.0.0.1:$port" \
		-ex 'python t1 = time.perf_counter()' \
		"${w[@]}" -ex continue \
		-ex 'python print("WATCHBENCH %.6f %.6f" % (time.perf_counter() - t0, t1 - t0))' \
		>"$log" 2>&1 </dev/null
	rc=$?
	# --once: the stub exits with the session; make sure of it.
	for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ $rc -ne 0 ] || ! grep -q '^\[Inferior 1 (process 1) exited normally\]' "$log" ||
		{ [ "$mode" = watch ] && { ! grep -q '^Hardware watchpoint 1' "$log" ||
			[ "$(grep -c '^New value = ' "$log")" != 1 ]; }; }; then
		echo "watch_bench: $tag failed (gdb rc $rc):" >&2
		tail -5 "$log" >&2
		return 1
	fi
	sed -n "s/^WATCHBENCH /$b $g $mode $n /p" "$log" >>"$tmp/results"
}

: >"$tmp/results"
start=$(date +%s.%N)
for rep in $(seq 1 "$rounds"); do
	for b in $backends; do
		for g in watch_hot watch_cold; do
			for mode in plain watch; do
				for n in "$(iters_of "$b")" 1; do
					session "$b" "$g" "$mode" "$n"
				done
			done
		done
	done
done
end=$(date +%s.%N)

# shellcheck disable=SC2086 # one argument per backend
PYTHONPATH="$here" python3 - "$tmp/results" "$rounds" "$start" "$end" $backends <<'EOF'
import statistics, sys
path, rounds, start, end, backends = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5:]

def insns(n):
    return 4 * n + 9            # bench/guests/watch_*.S

from benchstats import spread

total, connect = {}, {}
for line in open(path):
    b, g, mode, n, t, c = line.split()
    total.setdefault((b, g, mode, int(n)), []).append(float(t))
    connect.setdefault((b, g, mode, int(n)), []).append(float(c))
big = {b: max((k[3] for k in total if k[0] == b), default=None) for b in backends}

def med(k):
    v = total.get(k)
    return statistics.median(v) if v else None

def rate(b, g, mode):
    """Guest instructions per second, fixed cost taken out (None if unknown)."""
    n = big[b]
    t, t1 = med((b, g, mode, n)), med((b, g, mode, 1))
    if t is None or t1 is None or t <= t1:
        return None
    return (insns(n) - insns(1)) / (t - t1)

names = {"emu": "emu (built-in CPU)", "kvm": "kvm (KVM; the built-in CPU while watching)"}
guests = {"watch_hot": "hot (same page)", "watch_cold": "cold (other page)"}
print("GDB session from `target remote` to the guest's exit: median of %s "
      "interleaved runs +-spread (half the interquartile range); "
      "ratio = with / without the watchpoint.\n" % rounds)
print("| backend | guest | N (insns) | without watch (s) | with watch (s) | ratio "
      "| guest Minsn/s without | with | rate ratio |")
print("|---|---|---|---|---|---|---|---|---|")
for b in backends:
    n = big[b]
    for g in ("watch_hot", "watch_cold"):
        cells = []
        for mode in ("plain", "watch"):
            v = total.get((b, g, mode, n))
            cells.append("%.3f +-%.0f%%" % (statistics.median(v), spread(v)) if v else "-")
        p, w = med((b, g, "plain", n)), med((b, g, "watch", n))
        rp, rw = rate(b, g, "plain"), rate(b, g, "watch")
        print("| %s | %s | %d (%.3g M) | %s | %s | %s | %s | %s | %s |" % (
            names.get(b, b), guests[g], n, insns(n) / 1e6, cells[0], cells[1],
            "%.2fx" % (w / p) if p and w else "-",
            "%.3g" % (rp / 1e6) if rp else "-", "%.3g" % (rw / 1e6) if rw else "-",
            "%.3gx" % (rw / rp) if rp and rw else "-"))
print("\nFixed cost: the same sessions at N = 1 (13 instructions), median ms "
      "(of which `target remote`):\n")
print("| backend | guest | without watch | with watch |")
print("|---|---|---|---|")
for b in backends:
    for g in ("watch_hot", "watch_cold"):
        cells = []
        for mode in ("plain", "watch"):
            k = (b, g, mode, 1)
            cells.append("%.1f (%.1f)" % (1e3 * statistics.median(total[k]),
                                          1e3 * statistics.median(connect[k]))
                         if k in total else "-")
        print("| %s | %s | %s | %s |" % (b, guests[g], cells[0], cells[1]))
want = int(rounds) * len(backends) * 2 * 2 * 2
got = sum(len(v) for v in total.values())
print("\n%d of %d sessions succeeded; the whole run took %.0f s." % (got, want, end - start))
EOF
