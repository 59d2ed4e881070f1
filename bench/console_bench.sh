#!/bin/sh
# Console throughput: bench/guests/console.S writes 1 MiB of text to COM1
# (no polling of the line status), then halts.  kvm-gdbstub runs it with
# output to /dev/null and to a pipe (a reader that checks the text is
# byte-identical to what the guest was told to write), on each backend,
# BENCH_REPS times interleaved.  Reported: MiB/s, the exits --stats counts
# (VM exits, and `out`s queued in the coalesced ring), exits per byte, and
# on KVM the exits that really reached user space (perf, kvm:kvm_userspace_exit).
#
# Environment: KVM_GDBSTUB (default ./kvm-gdbstub, then PATH), BENCH_REPS (3),
# BENCH_OUT (keep work files there).
set -u
here=$(cd "$(dirname "$0")" && pwd)
reps=${BENCH_REPS:-3}
if [ -z "${KVM_GDBSTUB:-}" ]; then
	if [ -x ./kvm-gdbstub ]; then KVM_GDBSTUB=$PWD/kvm-gdbstub; else KVM_GDBSTUB=kvm-gdbstub; fi
fi
if [ -n "${BENCH_OUT:-}" ]; then
	out=$BENCH_OUT/console
	mkdir -p "$out"
else
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi
"$here/guests/build.sh" "$out/guests" || exit 1
accels=emu
"$KVM_GDBSTUB" --accel kvm "$out/guests/halt.bin" >/dev/null 2>&1 && accels="kvm emu"
[ "$accels" = emu ] && echo "console_bench: KVM unusable here: the built-in CPU only" >&2
perf=
command -v perf >/dev/null && perf stat -e kvm:kvm_userspace_exit true >/dev/null 2>&1 && perf=yes

PYTHONPATH="$here" python3 - "$KVM_GDBSTUB" "$out/guests/console.bin" "$reps" "$perf" $accels <<'EOF'
import hashlib, re, statistics, subprocess, sys, time
vmm, guest, reps, perf, accels = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]

# What bench/guests/console.S writes.
expected = b"".join(b"kvm-gdbstub console bench, line 0x%04x: quick brown fox jumps!!\n" % i
                    for i in range(16384))
assert len(expected) == 1 << 20
want = hashlib.sha256(expected).hexdigest()

def stats(text):
    """VM exits and queued outs from --stats."""
    m = re.search(r"(\d+) VM exits", text)
    q = re.search(r"IO queued\s+(\d+)", text)
    return int(m.group(1)) if m else None, int(q.group(1)) if q else 0

def run(accel, sink):
    cmd = [vmm, "--accel", accel, "--stats", guest]
    t = time.perf_counter()
    if sink == "/dev/null":
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ok = None
    else:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        h, n = hashlib.sha256(), 0
        while True:
            chunk = p.stdout.read1(65536)
            if not chunk:
                break
            h.update(chunk)
            n += len(chunk)
        err = p.stderr.read()
        p.wait()
        r = subprocess.CompletedProcess(cmd, p.returncode, None, err)
        ok = h.hexdigest() == want and n == len(expected)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit("console_bench: %s: exit status %d\n%s" % (" ".join(cmd), r.returncode,
                                                             r.stderr.decode(errors="replace")))
    return dt, stats(r.stderr.decode(errors="replace")), ok

res = {}
for _ in range(reps):
    for accel in accels:
        for sink in ("/dev/null", "pipe"):
            res.setdefault((accel, sink), []).append(run(accel, sink))

uexits = {}
if perf and "kvm" in accels:
    r = subprocess.run(["perf", "stat", "-x,", "-e", "kvm:kvm_userspace_exit", vmm, "--accel",
                        "kvm", guest], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    m = re.search(r"^(\d+),.*kvm_userspace_exit", r.stderr.decode(), re.M)
    if m:
        uexits["kvm"] = int(m.group(1))

from benchstats import spread

MiB = 1 << 20
print("Console: 1 MiB to COM1, median of %d interleaved runs (+-spread: half the interquartile range)\n" % reps)
print("| backend | output | MiB/s | time (ms) | VM exits (--stats) | outs queued | "
      "exits per byte | exits to user space | output identical |")
print("|---|---|---|---|---|---|---|---|---|")
for accel in accels:
    for sink in ("/dev/null", "pipe"):
        v = res[(accel, sink)]
        t = [x[0] for x in v]
        m = statistics.median(t)
        exits, queued = v[-1][1]
        checks = [x[2] for x in v if x[2] is not None]
        ident = "-" if not checks else ("yes" if all(checks) else "NO")
        ue = uexits.get(accel, "-") if sink == "/dev/null" else "-"
        epb = "%.4f" % (exits / MiB) if exits is not None else "?"
        if isinstance(ue, int):
            epb += " (%.4f)" % (ue / MiB)
        print("| %s | %s | %.2f | %.0f +-%.0f%% | %s | %s | %s | %s | %s |" % (
            accel, sink, MiB / m / MiB, m * 1e3, spread(t),
            exits, queued, epb, ue, ident))
if any(x[2] is False for v in res.values() for x in v):
    sys.exit("console_bench: the guest's output differs from the expected text")
EOF
