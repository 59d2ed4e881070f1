#!/bin/sh
# Start-up: `kvm-gdbstub guest/minimal.bin` (one hlt) from exec to exit,
# against bench/kvm_raw_loop doing the same, and /bin/true as the floor of
# exec itself; with peak RSS of each (getrusage of the child, ru_maxrss).
# With 1 MiB of guest RAM (the default) and 16 MiB, to see whether RSS
# follows the guest's RAM.  Goal: within 1.5x of the raw loop in time; RSS
# the guest RAM plus little else.
#
# Environment: KVM_GDBSTUB (default ./kvm-gdbstub, then PATH), GUESTS (the
# built guest/ directory; default beside KVM_GDBSTUB), KVM_RAW_LOOP,
# BENCH_RUNS (40 runs of each, interleaved), BENCH_OUT, CC.
set -u
here=$(cd "$(dirname "$0")" && pwd)
runs=${BENCH_RUNS:-40}
if [ -z "${KVM_GDBSTUB:-}" ]; then
	if [ -x ./kvm-gdbstub ]; then KVM_GDBSTUB=$PWD/kvm-gdbstub; else KVM_GDBSTUB=$(command -v kvm-gdbstub); fi
fi
if [ -n "${BENCH_OUT:-}" ]; then
	out=$BENCH_OUT/startup
	mkdir -p "$out"
else
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi
guest=${GUESTS:-$(dirname "$KVM_GDBSTUB")/guest}/minimal.bin
if [ ! -f "$guest" ]; then
	"$here/guests/build.sh" "$out/guests" || exit 1
	guest=$out/guests/halt.bin
fi
raw=${KVM_RAW_LOOP:-}
if [ -z "$raw" ]; then
	if [ -x "$here/kvm_raw_loop" ]; then
		raw=$here/kvm_raw_loop
	elif [ -f "$here/kvm_raw_loop.c" ] &&
		${CC:-gcc} -O2 -o "$out/kvm_raw_loop" "$here/kvm_raw_loop.c"; then
		raw=$out/kvm_raw_loop
	fi
fi
kvm=yes
"$KVM_GDBSTUB" --accel kvm "$guest" >/dev/null 2>&1 || kvm=
[ -n "$kvm" ] || echo "startup_bench: KVM unusable here: the built-in CPU only" >&2

python3 - "$KVM_GDBSTUB" "$raw" "$kvm" "$guest" "$runs" <<'EOF'
import os, statistics, sys, time
vmm, raw, kvm, guest, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
progs = [("/bin/true (exec floor)", ["/bin/true"])]
for ram in (1, 16):
    if kvm:
        progs.append(("kvm-gdbstub --accel kvm, %d MiB" % ram,
                      [vmm, "--accel", "kvm", "--mem", "%dM" % ram, guest]))
        if raw:
            progs.append(("kvm_raw_loop, %d MiB" % ram, [raw, guest, str(ram * 1024)]))
    progs.append(("kvm-gdbstub --accel emu, %d MiB" % ram,
                  [vmm, "--accel", "emu", "--mem", "%dM" % ram, guest]))

null = os.open(os.devnull, os.O_RDWR)

def once(argv):
    t = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)])
    _, status, ru = os.wait4(pid, 0)
    dt = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("startup_bench: %s: exit status %d" % (" ".join(argv), os.waitstatus_to_exitcode(status)))
    return dt, ru.ru_maxrss

res = {}
for _ in range(runs):
    for name, argv in progs:
        res.setdefault(name, []).append(once(argv))

def ref_for(name):
    if name.startswith("kvm-gdbstub --accel kvm"):
        return "kvm_raw_loop" + name[name.index(","):]
    return None

print("Start-up: exec to exit of a guest that only halts, median of %d interleaved runs "
      "(+-spread: half the range)\n" % runs)
print("| program | time (ms) | ratio to raw loop | peak RSS (KiB) |")
print("|---|---|---|---|")
for name, _ in progs:
    t = [x[0] for x in res[name]]
    m = statistics.median(t)
    rss = statistics.median(x[1] for x in res[name])
    ratio = "-"
    ref = ref_for(name)
    if ref in res:
        ratio = "%.2fx" % (m / statistics.median(x[0] for x in res[ref]))
    print("| %s | %.2f +-%.0f%% | %s | %d |" % (name, m * 1e3, (max(t) - min(t)) / 2 / m * 100,
                                             ratio, rss))
EOF
