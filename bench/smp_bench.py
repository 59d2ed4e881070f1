#!/usr/bin/env python3
"""Several vCPUs: how long from Ctrl-C (0x03) to the stop reply, and what a
stop-all costs, with N = 1, 2, 4, 8 vCPUs adding to a shared counter
(guest/smp.bin), on each backend; and the work N vCPUs do in one second.

Raw RSP over TCP (no GDB in the loop, so the stub's own latency is what is
measured).  Prints a markdown table; medians and spreads over ROUNDS runs.

    KVM_GDBSTUB=./kvm-gdbstub GUESTS=guest python3 bench/smp_bench.py
"""
import os, re, socket, statistics, subprocess, sys, time

STUB = os.environ.get("KVM_GDBSTUB", "./kvm-gdbstub")
GUESTS = os.environ.get("GUESTS", "guest")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def packet(body):
    return b"$" + body + b"#" + b"%02x" % (sum(body) & 0xFF)


class Rsp:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def reply(self):
        while True:
            m = re.search(rb"\$([^#]*)#..", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                self.s.sendall(b"+")
                return m.group(1)
            self.buf += self.s.recv(65536)

    def cmd(self, body):
        self.s.sendall(packet(body))
        return self.reply()


def start(accel, n):
    p = subprocess.Popen([STUB, "--accel", accel, "--cpus", str(n), "--port", "0", "--once",
                          os.path.join(GUESTS, "smp.bin")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    port = int(re.search(r":(\d+)", line.split("on ")[1]).group(1))
    return p, Rsp(port)


def interrupt_latency(accel, n):
    p, r = start(accel, n)
    out = []
    try:
        for _ in range(ROUNDS):
            r.s.sendall(packet(b"vCont;c"))
            time.sleep(0.02)
            t0 = time.perf_counter()
            r.s.sendall(b"\x03")
            rep = r.reply()
            while rep.startswith(b"O"):  # console output before the stop
                rep = r.reply()
            out.append((time.perf_counter() - t0) * 1000)
        r.s.sendall(packet(b"k"))
    finally:
        p.kill()
        p.wait()
    return out


def work_seconds(accel, n, guests_dir):
    """Wall seconds for n vCPUs each doing the same private work."""
    t0 = time.perf_counter()
    subprocess.run([STUB, "--accel", accel, "--cpus", str(n),
                    os.path.join(guests_dir, "smp_work.bin")],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def fmt(xs):
    med = statistics.median(xs)
    spread = (max(xs) - min(xs)) / 2
    return "%.2f ms (±%.2f)" % (med, spread)


def main():
    accels = ["emu"]
    if os.path.exists("/dev/kvm") and subprocess.run(
            [STUB, "--accel", "kvm", os.path.join(GUESTS, "minimal.bin")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
        accels.append("kvm")
    print("| backend | vCPUs | Ctrl-C to stop reply (median, ±half range) |")
    print("| --- | --- | --- |")
    for accel in accels:
        for n in (1, 2, 4, 8):
            print("| %s | %d | %s |" % (accel, n, fmt(interrupt_latency(accel, n))))
            sys.stdout.flush()
    bench_guests = os.environ.get("BENCH_GUESTS")
    if not bench_guests:
        return
    print()
    print("| backend | work of 2 vCPUs / work of 1, same wall time (median of %d) |" % min(ROUNDS, 5))
    print("| --- | --- |")
    for accel in accels:
        ratios = []
        for _ in range(min(ROUNDS, 5)):  # interleaved: the load changes alike
            one, two = work_seconds(accel, 1, bench_guests), work_seconds(accel, 2, bench_guests)
            ratios.append(2 * one / two)
        print("| %s | %.2fx (%.2f-%.2f) |" % (accel, statistics.median(ratios), min(ratios), max(ratios)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
