#!/bin/sh
# --boot costs (bench/README.md "Booting PC programs"), on each usable backend:
#  1. start to the boot sector's first instruction: a boot sector that is
#     only `cli; hlt` (exec to exit), against guest/hello.bin run flat;
#     goal: at most 20 ms more than the plain guest;
#  2. the screen drawing cost: guest/pc/kernel.img idle at its prompt with
#     --display text in a pty for 3 s: the process's CPU time / wall time;
#     goal: at most 2 % of a host CPU;
#  3. boot of guest/pc/kernel.img to its prompt ("> " on port 0xE9), against
#     QEMU + SeaBIOS booting the same floppy (-debugcon, the same text);
#     goal: at most 1.5x QEMU's time.
# Environment: KVM_GDBSTUB (default ./kvm-gdbstub), GUESTS (default beside
# it), BENCH_RUNS (default 20), QEMU (default qemu-system-i386).
set -u
if [ -z "${KVM_GDBSTUB:-}" ]; then
	if [ -x ./kvm-gdbstub ]; then KVM_GDBSTUB=$PWD/kvm-gdbstub; else KVM_GDBSTUB=$(command -v kvm-gdbstub); fi
fi
guests=${GUESTS:-$(dirname "$KVM_GDBSTUB")/guest}
exec python3 - "$KVM_GDBSTUB" "$guests" "${BENCH_RUNS:-20}" "${QEMU:-qemu-system-i386}" <<'PY'
import os, pty, select, shutil, statistics, subprocess, sys, tempfile, time
vmm, guests, runs, qemu = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
tmp = tempfile.mkdtemp()
halt = os.path.join(tmp, "halt.img")
with open(halt, "wb") as f:
    f.write(b"\xfa\xf4" + bytes(508) + b"\x55\xaa")
kernel = os.path.join(guests, "pc", "kernel.img")
accels = ["emu"]
if subprocess.run([vmm, "--accel", "kvm", os.path.join(guests, "minimal.bin")],
                  capture_output=True).returncode == 0:
    accels.insert(0, "kvm")

def wall(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return (time.perf_counter() - t) * 1000

def med(xs):
    return "%.1f ms (min %.1f)" % (statistics.median(xs), min(xs))

print("1. start to the boot sector (exec to exit), %d runs" % runs)
for a in accels:
    boot = [wall([vmm, "--accel", a, "--boot", halt]) for _ in range(runs)]
    flat = [wall([vmm, "--accel", a, os.path.join(guests, "hello.bin")]) for _ in range(runs)]
    print("  %-4s --boot cli;hlt %s   hello.bin %s   difference %.1f ms"
          % (a, med(boot), med(flat), statistics.median(boot) - statistics.median(flat)))

print("2. the kernel idle at its prompt in a pty, 3 s (display none: the idle floor)")
for a, d in [(a, d) for a in accels for d in ("text", "none")]:
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(vmm, [vmm, "--accel", a, "--boot", kernel, "--display", d, "--timeout", "3"])
    t0 = time.perf_counter()
    while True:  # drain the terminal so the VMM never blocks on it
        r, _, _ = select.select([fd], [], [], 0.1)
        try:
            if r and not os.read(fd, 65536):
                break
        except OSError:
            break
    _, status, ru = os.wait4(pid, 0)
    w = time.perf_counter() - t0
    cpu = ru.ru_utime + ru.ru_stime
    print("  %-4s --display %-4s CPU %.3f s of %.2f s wall: %.2f %%" % (a, d, cpu, w, 100 * cpu / w))

def to_prompt(cmd, path, limit=30):
    if os.path.exists(path):
        os.unlink(path)
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    while True:
        try:
            if b"\n> " in open(path, "rb").read():
                break
        except FileNotFoundError:
            pass
        if time.perf_counter() - t > limit:
            return None
        time.sleep(0.002)
    ms = (time.perf_counter() - t) * 1000
    p.kill()
    p.wait()
    return ms

print("3. boot of guest/pc/kernel.img to its prompt, %d runs" % runs)
out = os.path.join(tmp, "out")
for a in accels:
    xs = []
    for _ in range(runs):
        with open(out, "wb") as f:
            pass
        xs.append(to_prompt(["sh", "-c", 'exec "$0" --accel %s --boot "$1" --timeout 30 > "$2"' % a,
                             vmm, kernel, out], out))
    print("  kvm-gdbstub --accel %-4s %s" % (a, med(xs)))
if shutil.which(qemu):
    for acc, n in ((["-accel", "tcg"], runs), (["-accel", "kvm"], 1)):
        xs = [to_prompt([qemu] + acc + ["-cpu", "qemu32", "-display", "none", "-serial", "none",
                        "-drive", "file=%s,format=raw,if=floppy,readonly=on" % kernel,
                        "-debugcon", "file:" + out], out, 10) for _ in range(n)]
        if None in xs:
            print("  %s %s: no prompt within 10 s" % (qemu, " ".join(acc)))
        else:
            print("  %s %s %s" % (qemu, " ".join(acc), med(xs)))
else:
    print("  %s: not installed (apt-get install qemu-system-x86 seabios)" % qemu)
shutil.rmtree(tmp)
PY
