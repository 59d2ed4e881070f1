# A GDB stub under a real GDB: run inside GDB 13 as
#
#   BENCH_TARGET=127.0.0.1:PORT gdb -batch -nx -x bench/gdb_bench.py
#
# or with the connection made first: gdb -batch -nx -ex 'target remote :PORT'
# -x bench/gdb_bench.py (then the connect row is left out).  The target runs
# bench/guests/loop.S (a counter loop with a breakpoint at BENCH_BP).
#
# Prints one line per measurement, "BENCH name value unit", for
# bench/gdb_bench.sh to collect:
#   connect_first_ms  `target remote` to the first stop shown, the first time
#   connect_ms  the same after a `disconnect` (median of BENCH_CONNECTS - 1)
#   stepi_s     instructions per second of `stepi BENCH_STEPS`
#   bp_s        breakpoint hits per second: `continue` BENCH_HITS times
#   regs_s      `info registers` + `maintenance flush register-cache` per second
#   dump_mibs   MiB/s of `dump binary memory` over [0, BENCH_MEM)
import os
import statistics
import time

import gdb


def env_int(name, default):
    return int(os.environ.get(name, str(default)), 0)


TARGET = os.environ.get("BENCH_TARGET")
CONNECTS = env_int("BENCH_CONNECTS", 5)
STEPS = env_int("BENCH_STEPS", 2000)
HITS = env_int("BENCH_HITS", 300)
REGS = env_int("BENCH_REGS", 300)
DUMPS = env_int("BENCH_DUMPS", 3)
MEM = env_int("BENCH_MEM", 0x100000)
BP = env_int("BENCH_BP", 0x42)


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def report(name, value, unit):
    print("BENCH %s %.6g %s" % (name, value, unit), flush=True)


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def connected():
    try:
        return gdb.selected_inferior().pid != 0 and gdb.selected_thread() is not None
    except gdb.error:
        return False


run("set pagination off")
run("set confirm off")
run("set width 0")

if TARGET:
    # A connect that fails right after a disconnect is retried (and counted):
    # a stub may still be tearing the last session down.
    times, refused = [], 0
    for i in range(CONNECTS):
        while True:
            try:
                times.append(timed(lambda: run("target remote " + TARGET)))
                break
            except gdb.error as e:
                refused += 1
                print("gdb_bench.py: connect %d refused: %s" % (i + 1, e), flush=True)
                if refused > 3:
                    raise
        if i + 1 < CONNECTS:
            run("disconnect")
    report("connect_first_ms", times[0] * 1e3, "ms")
    if len(times) > 1:
        report("connect_ms", statistics.median(times[1:]) * 1e3, "ms")
    if refused:
        report("connect_refused", refused, "times")
elif not connected():
    raise gdb.GdbError("gdb_bench.py: set BENCH_TARGET=HOST:PORT or connect first")

# stepi: GDB sends a step, then reads memory around the new pc.
report("stepi_s", STEPS / timed(lambda: run("stepi %d" % STEPS)), "/s")

# Breakpoint hits: each `continue` steps off the breakpoint, runs the loop
# once round and stops on it again.
run("break *%d" % BP)
run("continue")  # onto the breakpoint first


def hits():
    for _ in range(HITS):
        run("continue")


report("bp_s", HITS / timed(hits), "/s")
run("delete")
pc = int(gdb.parse_and_eval("$pc"))
if pc != BP:
    raise gdb.GdbError("gdb_bench.py: stopped at %#x, not at the breakpoint %#x" % (pc, BP))


def regs():
    for _ in range(REGS):
        run("info registers")
        run("maintenance flush register-cache")


report("regs_s", REGS / timed(regs), "/s")


def dumps():
    for _ in range(DUMPS):
        run("dump binary memory /dev/null 0 %d" % MEM)


report("dump_mibs", DUMPS * MEM / (1 << 20) / timed(dumps), "MiB/s")
run("disconnect")
