#!/bin/sh
# The exit path: kvm-gdbstub with no debugger against bench/kvm_raw_loop (the
# least a KVM monitor can do), on guests that do 200,000 `out`s then hlt:
#   out80   to port 0x80, which no device claims: the pure exit path
#   out3f8  to COM1's data port, output to /dev/null (kvm-gdbstub may queue
#           these with coalesced port I/O; the raw loop takes every exit)
#   halt    no `out` at all: the start-up and tear-down both pay
# Time per exit = (time(guest) - time(halt)) / 200,000, medians of
# BENCH_REPS interleaved runs, in wall time and in the process's CPU time
# (user + system from wait4: what a loaded machine does not inflate).  Goal: kvm-gdbstub within 5 % of the raw loop
# on out80.  Where KVM is unusable only the built-in CPU (--accel emu) is
# measured; its rows are shown everywhere for reference.
#
# Environment: KVM_GDBSTUB (default ./kvm-gdbstub, then PATH), KVM_RAW_LOOP
# (default bench/kvm_raw_loop beside kvm-gdbstub or in bench/, else built
# from bench/kvm_raw_loop.c),
# BENCH_REPS (5), BENCH_OUT (keep work files there), CC.
set -u
here=$(cd "$(dirname "$0")" && pwd)
reps=${BENCH_REPS:-5}
. "$here/lib.sh"
bench_setup exit
"$here/guests/build.sh" "$out/guests" || exit 1

find_raw_loop "$out"
kvm=yes
"$KVM_GDBSTUB" --accel kvm "$out/guests/halt.bin" >/dev/null 2>&1 || kvm=
[ -n "$kvm" ] || echo "exit_bench: KVM unusable here: the built-in CPU only" >&2
[ -n "$kvm" ] && [ -z "$raw" ] && echo "exit_bench: no bench/kvm_raw_loop(.c): no raw column" >&2

PYTHONPATH="$here" python3 - "$KVM_GDBSTUB" "$raw" "$kvm" "$out/guests" "$reps" <<'EOF'
import os, statistics, subprocess, sys, time
vmm, raw, kvm, guests, reps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
N = 200000
runners = []
if kvm:
    runners.append(("kvm-gdbstub --accel kvm", [vmm, "--accel", "kvm"]))
    if raw:
        runners.append(("kvm_raw_loop", [raw]))
runners.append(("kvm-gdbstub --accel emu", [vmm, "--accel", "emu"]))
guests_ = ["out80", "out3f8", "halt"]
times, cpu = {}, {}
for _ in range(reps):
    for g in guests_:
        for name, cmd in runners:
            t = time.perf_counter()
            p = subprocess.Popen(cmd + ["%s/%s.bin" % (guests, g)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            dt = time.perf_counter() - t
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0:
                sys.exit("exit_bench: %s %s.bin: exit status %d" % (cmd[0], g, p.returncode))
            times.setdefault((name, g), []).append(dt)
            cpu.setdefault((name, g), []).append(ru.ru_utime + ru.ru_stime)

def med(v):
    return statistics.median(v)

from benchstats import spread

print("Exit path: %d outs then hlt, median of %d interleaved runs (+-spread: half the "
      "interquartile range).\nPer exit: (median(guest) - median(halt)) / %d, in wall time and "
      "in CPU time (user + system of the process, which a loaded machine does not inflate)\n"
      % (N, reps, N))
print("| program | guest | wall time (ms) | per exit, wall (us) | per exit, CPU (us) | "
      "ratio to raw loop (wall, CPU) |")
print("|---|---|---|---|---|---|")
ref = "kvm_raw_loop"

def per_exit(d, name, g):
    return (med(d[(name, g)]) - med(d[(name, "halt")])) / N * 1e6

for g in ("out80", "out3f8"):
    for name, _ in runners:
        v = times[(name, g)]
        w, c = per_exit(times, name, g), per_exit(cpu, name, g)
        ratio = "-"
        if (ref, g) in times and name.endswith("--accel kvm"):
            ratio = "%.2fx, %.2fx" % (w / per_exit(times, ref, g), c / per_exit(cpu, ref, g))
        print("| %s | %s | %.1f +-%.0f%% | %.3f | %.3f | %s |" % (name, g, med(v) * 1e3,
                                                               spread(v), w, c, ratio))
for name, _ in runners:
    v = times[(name, "halt")]
    print("| %s | halt (baseline) | %.2f +-%.0f%% | - | - | - |" % (name, med(v) * 1e3, spread(v)))
EOF
status=$?

# Exits that reached user space, counted by the kernel (one untimed run each).
if [ -n "$kvm" ] && command -v perf >/dev/null &&
	perf stat -e kvm:kvm_userspace_exit true >/dev/null 2>&1; then
	echo
	echo "| program | guest | exits to user space (kvm:kvm_userspace_exit) |"
	echo "|---|---|---|"
	for g in out80 out3f8; do
		for p in "$KVM_GDBSTUB" "$raw"; do
			[ -n "$p" ] || continue
			n=$(perf stat -x, -e kvm:kvm_userspace_exit "$p" "$out/guests/$g.bin" 2>&1 >/dev/null |
				sed -n 's/^\([0-9]*\),.*kvm_userspace_exit.*/\1/p')
			echo "| $(basename "$p") | $g | $n |"
		done
	done
fi
exit $status
