#!/bin/sh
# The machine: what the timer, the interrupts and the MMIO RTC cost, on the
# built-in CPU and on KVM (where `--accel kvm` works).  Guests in
# bench/guests (machine.inc), each a kvm-gdbstub process, all interleaved
# BENCH_REPS times; medians +- spread (half the interquartile range):
#   idle100     PIT at 100 Hz, the CPU in `sti; hlt` for 100 ticks (1 s):
#               host CPU time (user + system, wait4) / wall time of the VMM
#               process.  Goal: < 2 % of one CPU.
#   pit1k       PIT at 1 kHz (1000.15 Hz), idle in `sti; hlt`, TICKS ticks
#               counted by the guest's handler against the time hypercall
#               (the guest's stopwatch starts at its second tick), and
#               against the process's wall time minus a bare start-up
#               (halt.bin).  Goal: 1000 +- 1 % per second.
#   work, work_pit  a fixed loop (ITERS x `dec ecx; jnz`, bench/loop.S's)
#               timed by the guest, without and with the 1 kHz PIT and a
#               counting handler: the speed the timer costs (goal: <= 5 % on
#               the built-in CPU), and the tick rate of a busy guest.
#   mmio_read, in80, out80_timed  N 32-bit reads of the MMIO RTC's TIME_LOW
#               (0xD0000), N `in`s from / `out`s to port 0x80 (no device):
#               time per access, timed by the guest.  Goal: an MMIO read
#               costs at most one port exit (ratio <= 1).
#
# Environment: KVM_GDBSTUB (default ./kvm-gdbstub, then PATH), BENCH_REPS
# (5), BENCH_OUT (keep the guests and raw results there), MACHINE_TICKS
# (2000), WORK_ITERS_EMU (100000000), WORK_ITERS_KVM (1000000),
# ACCESS_N_EMU (2000000), ACCESS_N_KVM (100000), MACHINE_PREFIX (a command
# to run each VMM under, e.g. "chrt -f 10": real-time priority shows what
# the VMM itself does, with the waits for a CPU of a loaded host taken out),
# CC, LD, OBJCOPY.
set -u
here=$(cd "$(dirname "$0")" && pwd)
reps=${BENCH_REPS:-5}
. "$here/lib.sh"
bench_setup machine
CC=${CC:-gcc}
LD=${LD:-ld}
OBJCOPY=${OBJCOPY:-objcopy}

# build NAME SOURCE DEFINE: $out/NAME.bin from bench/guests/SOURCE.S.
build() {
	$CC -m16 -c -D"$3" -Wa,-I"$here/../guest" -I"$here/guests" -o "$out/$1.o" \
		"$here/guests/$2.S" &&
		$LD -m elf_i386 -T "$here/../guest/guest.ld" --build-id=none \
			--no-warn-rwx-segments -o "$out/$1.elf" "$out/$1.o" &&
		$OBJCOPY -O binary "$out/$1.elf" "$out/$1.bin" ||
		{ echo "machine_bench: cannot build $1" >&2; exit 1; }
}
ticks=${MACHINE_TICKS:-2000}
build halt halt UNUSED=1
build idle100 idle100 UNUSED=1
build pit1k pit1k TICKS="$ticks"
for b in emu kvm; do
	if [ $b = emu ]; then
		iters=${WORK_ITERS_EMU:-100000000} n=${ACCESS_N_EMU:-2000000}
	else
		iters=${WORK_ITERS_KVM:-1000000} n=${ACCESS_N_KVM:-100000}
	fi
	build work-$b work ITERS="$iters"
	build work_pit-$b work_pit ITERS="$iters"
	for g in mmio_read in80 out80_timed; do build $g-$b $g N="$n"; done
	echo "$b $iters $n" >>"$out/sizes"
done

backends=emu
if "$KVM_GDBSTUB" --accel kvm "$out/halt.bin" >/dev/null 2>&1; then
	backends="emu kvm"
else
	echo "machine_bench: KVM unusable here: the built-in CPU only" >&2
fi

PYTHONPATH="$here" python3 - "$KVM_GDBSTUB" "$out" "$reps" "$backends" \
	"${MACHINE_PREFIX:-}" <<'EOF'
import os, re, statistics, subprocess, sys, time
from benchstats import spread

vmm, out, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
backends, prefix = sys.argv[4].split(), sys.argv[5].split()
sizes = {}
for line in open(out + "/sizes"):
    b, iters, n = line.split()
    sizes[b] = (int(iters), int(n))
PIT_HZ = 1193182 / 1193
guests = ["halt", "idle100", "pit1k", "work", "work_pit", "mmio_read", "in80", "out80_timed"]
shared = ("halt", "idle100", "pit1k")  # one image for both backends

res = {}  # (backend, guest) -> list of dicts: wall, cpu, ticks, us
for _ in range(reps):
    for g in guests:
        for b in backends:
            img = "%s/%s.bin" % (out, g if g in shared else g + "-" + b)
            t = time.perf_counter()
            p = subprocess.Popen(prefix + [vmm, "--accel", b, img], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL)
            text = p.stdout.read().decode(errors="replace")
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit("machine_bench: %s %s: exit status %d" %
                         (b, g, os.waitstatus_to_exitcode(status)))
            r = {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime}
            m = re.search(r"ticks (\d+) us (\d+)", text)
            if g != "halt":
                if not m:
                    sys.exit("machine_bench: %s %s: no report in %r" % (b, g, text))
                r["ticks"], r["us"] = int(m.group(1)), int(m.group(2))
            res.setdefault((b, g), []).append(r)

med = statistics.median
name = {"emu": "emu (built-in CPU)", "kvm": "kvm"}

def col(b, g, key):
    return [r[key] for r in res[(b, g)]]

def ms(v):
    return "%.3f +-%.0f%%" % (med(v), spread(v))

print("Machine benchmarks: median of %d interleaved runs +-spread (half the interquartile "
      "range)%s; load average %s\n" % (reps, ", under `%s`" % " ".join(prefix) if prefix else "",
                                       " ".join(open("/proc/loadavg").read().split()[:3])))

print("### Idle: PIT at 100 Hz, 1 s in `sti; hlt` (goal: < 2 % of one CPU)\n")
print("| backend | wall (s) | CPU, user + system (ms) | CPU / wall | ticks |")
print("|---|---|---|---|---|")
for b in backends:
    pct = [r["cpu"] / r["wall"] * 100 for r in res[(b, "idle100")]]
    print("| %s | %s | %.1f +-%.0f%% | %.2f %% +-%.0f%% | %d |" % (
        name[b], ms(col(b, "idle100", "wall")), med(col(b, "idle100", "cpu")) * 1e3,
        spread(col(b, "idle100", "cpu")), med(pct), spread(pct),
        med(col(b, "idle100", "ticks"))))

print("\n### PIT at 1 kHz (1000.15 Hz programmed): interrupts per second "
      "(goal: 1000 +- 1 %)\n")
print("| backend | guest | ticks | rate by hypercall time (Hz) | error | min - max (Hz) "
      "| rate by host wall time (Hz) | error |")
print("|---|---|---|---|---|---|---|---|")
halt_wall = {b: med(col(b, "halt", "wall")) for b in backends}
for b in backends:
    for g, what in (("pit1k", "idle in hlt"), ("work_pit", "busy (work loop)")):
        rate = [r["ticks"] / r["us"] * 1e6 for r in res[(b, g)]]
        if g == "pit1k":  # two ticks before the stopwatch, and the start-up
            host = [(r["ticks"] + 2) / (r["wall"] - halt_wall[b]) for r in res[(b, g)]]
            hs = "%.1f +-%.1f%% | %+.2f %%" % (med(host), spread(host),
                                              (med(host) / 1000 - 1) * 100)
        else:
            hs = "- | -"
        print("| %s | %s | %d | %.1f +-%.2f%% | %+.2f %% | %.1f - %.1f | %s |" % (
            name[b], what, med(col(b, g, "ticks")), med(rate), spread(rate),
            (med(rate) / 1000 - 1) * 100, min(rate), max(rate), hs))

print("\n### CPU speed lost to a 1 kHz timer (goal: <= 5 % on the built-in CPU)\n")
print("| backend | loop iterations | without timer (ms) | with 1 kHz PIT (ms) | ticks taken "
      "| time ratio (medians) | per-round ratio | speed lost | by CPU time: ratio, lost |")
print("|---|---|---|---|---|---|---|---|---|")
for b in backends:
    a, t = col(b, "work", "us"), col(b, "work_pit", "us")
    rounds = [y / x for x, y in zip(a, t)]
    ratio = med(t) / med(a)
    # The process's CPU time less a bare start-up's: what load elsewhere
    # does not inflate (but a descheduled VMM also takes fewer ticks).
    base = med(col(b, "halt", "cpu"))
    cpu_ratio = (med(col(b, "work_pit", "cpu")) - base) / (med(col(b, "work", "cpu")) - base)
    print("| %s | %d | %.1f +-%.1f%% | %.1f +-%.1f%% | %d | %.4f | %.4f +-%.2f%% | %.2f %% "
          "| %.4f, %.2f %% |" % (
              name[b], sizes[b][0], med(a) / 1e3, spread(a), med(t) / 1e3, spread(t),
              med(col(b, "work_pit", "ticks")), ratio, med(rounds), spread(rounds),
              (1 - 1 / ratio) * 100, cpu_ratio, (1 - 1 / cpu_ratio) * 100))

print("\n### An MMIO RTC read against a port exit (goal: MMIO / port <= 1)\n")
print("| backend | accesses | MMIO read TIME_LOW (us) | `in` port 0x80 (us) | `out` port 0x80 "
      "(us) | MMIO / in | MMIO / out |")
print("|---|---|---|---|---|---|---|")
for b in backends:
    n = sizes[b][1]
    per = {g: [r["us"] / n for r in res[(b, g)]] for g in ("mmio_read", "in80", "out80_timed")}
    def cell(g):
        return "%.3f +-%.0f%%" % (med(per[g]), spread(per[g]))
    print("| %s | %d | %s | %s | %s | %.2f | %.2f |" % (
        name[b], n, cell("mmio_read"), cell("in80"), cell("out80_timed"),
        med(per["mmio_read"]) / med(per["in80"]),
        med(per["mmio_read"]) / med(per["out80_timed"])))
EOF
