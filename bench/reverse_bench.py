# One reverse-execution benchmark session inside GDB 13, run by
# bench/reverse_bench.sh as
#
#   BENCH_TARGET=127.0.0.1:PORT BENCH_MODE=record|norecord \
#       gdb -batch -nx -x bench/reverse_bench.py
#
# against kvm-gdbstub --accel emu on bench/guests/rev_work.S.  Prints one
# line per measurement, "BENCH name value unit":
#   stepi_ms        ms per `stepi` at the present (live), BENCH_STEPS of them
#   run_s           `continue` from there to the guest's magic breakpoint
#   (record mode only, from that stop:)
#   history_insns   instructions in the history (`monitor record`)
#   history_mib     memory the history uses (`monitor record`)
#   checkpoints     checkpoints kept, and dropped: checkpoints_dropped
#   rstepi_ms       ms per `reverse-stepi`, BENCH_STEPS in a row
#   pstepi_ms       ms per `stepi` in the past (replay), BENCH_STEPS back up
#   rcont_s         `reverse-continue` from the present to the oldest point
#                   with a breakpoint that is never hit (the whole history)
#   fcont_s         `continue` from the oldest point back to the present
#                   with the same breakpoint (replay of the whole history)
import os
import re
import time

import gdb

TARGET = os.environ["BENCH_TARGET"]
MODE = os.environ.get("BENCH_MODE", "record")
STEPS = int(os.environ.get("BENCH_STEPS", "200"))
NEVER = os.environ.get("BENCH_NEVER", "0xf000")  # no code there


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def report(name, value, unit):
    print("BENCH %s %.6g %s" % (name, value, unit), flush=True)


def timed(cmd, times=1):
    t = time.perf_counter()
    out = ""
    for _ in range(times):
        out = run(cmd)
    return time.perf_counter() - t, out


def expect(text, what, out):
    if text not in out:
        raise gdb.GdbError("reverse_bench.py: %s: expected %r, got %r" % (what, text, out))


def record_stats():
    out = run("monitor record")
    insns = re.search(r"history: (\d+) instructions, (\d+) checkpoints", out)
    mem = re.search(r"memory: ([\d.]+) MiB of [\d.]+ MiB \(--history\); (\d+) checkpoints dropped",
                    out)
    if not insns or not mem:
        raise gdb.GdbError("reverse_bench.py: monitor record said %r" % out)
    if "did not match" in out:
        raise gdb.GdbError("reverse_bench.py: a replay diverged: %r" % out)
    return int(insns.group(1)), int(insns.group(2)), float(mem.group(1)), int(mem.group(2)), out


run("set pagination off")
run("set confirm off")
run("set width 0")
run("target remote " + TARGET)
pc0 = int(gdb.parse_and_eval("$pc"))

t, _ = timed("stepi", STEPS)
report("stepi_ms", t / STEPS * 1e3, "ms")

t, out = timed("continue")
report("run_s", t, "s")
if MODE == "record":
    insns, cps, mib, dropped, text = record_stats()
    print(text, end="", flush=True)
    report("history_insns", insns, "insns")
    report("history_mib", mib, "MiB")
    report("checkpoints", cps, "")
    report("checkpoints_dropped", dropped, "")
    pc_end = int(gdb.parse_and_eval("$pc"))

    t, _ = timed("reverse-stepi", STEPS)
    report("rstepi_ms", t / STEPS * 1e3, "ms")
    expect("position: %d instructions before the present" % STEPS, "after reverse-stepi",
           run("monitor record"))
    t, _ = timed("stepi", STEPS)
    report("pstepi_ms", t / STEPS * 1e3, "ms")
    expect("position: the present", "after stepi in the past", run("monitor record"))
    if int(gdb.parse_and_eval("$pc")) != pc_end:
        raise gdb.GdbError("reverse_bench.py: not back at the stop's pc")

    run("break *" + NEVER)
    # GDB prints "No more reverse-execution history." itself, not into
    # to_string: where the moves end tells instead.
    t, _ = timed("reverse-continue")
    report("rcont_s", t, "s")
    if int(gdb.parse_and_eval("$pc")) != pc0:
        raise gdb.GdbError("reverse_bench.py: reverse-continue did not reach the start")
    expect("position: %d instructions before the present" % insns, "at the oldest point",
           run("monitor record"))
    t, _ = timed("continue")
    report("fcont_s", t, "s")
    expect("position: the present", "after the replay", record_stats()[4])
run("kill")
print("reverse_bench.py: done", flush=True)
