# One reverse-execution benchmark session inside GDB 13, run by
# bench/reverse_bench.sh as
#
#   BENCH_TARGET=127.0.0.1:PORT BENCH_MODE=record|norecord \
#       gdb -batch -nx -x bench/reverse_bench.py
#
# against kvm-gdbstub --accel emu on one of the guests it builds.  Prints one
# line per measurement, "BENCH name value unit":
#   stepi_ms        ms per `stepi` at the present (live), BENCH_STEPS of them
#   run_s           the `continue`s from there to the guest's last magic
#                   breakpoint (BENCH_MARKS stops on the way, then the end)
#   (record mode, at every stop K = 1..BENCH_MARKS+1:)
#   at<K>_insns, at<K>_mib, at<K>_cps, at<K>_dropped   `monitor record` there
#   (BENCH_REVERSE=1, from the end:)
#   bs_end_ms       one line per `reverse-stepi`, BENCH_STEPS in a row
#   pstepi_ms       ms per `stepi` in the past (replay), as many back up
#   rcont_s         `reverse-continue` from the present to the oldest point
#                   with a breakpoint that is never hit (the whole history);
#                   rcont_insns the instructions it went back
#   fcont_s         `continue` from there back to the present (replay)
#   rmark_s         `reverse-continue` to the next earlier call of mark
#                   (BENCH_MARK_BP), from the end down to the first call
#   bs_middle_ms, bs_tenth_ms, bs_start_ms   `reverse-stepi`s there: at the
#                   mark at half the run, at a tenth, at iteration 1
# BENCH_LIVE_BP=1 sets the never-hit breakpoint before the first `continue`
# (then BENCH_REVERSE=0 still measures rcont_s from the end).
import os
import re
import time

import gdb

TARGET = os.environ["BENCH_TARGET"]
MODE = os.environ.get("BENCH_MODE", "record")
STEPS = int(os.environ.get("BENCH_STEPS", "100"))
NEVER = os.environ.get("BENCH_NEVER", "0xf000")  # no code there
MARKS = int(os.environ.get("BENCH_MARKS", "0"))
REVERSE = os.environ.get("BENCH_REVERSE", "0") == "1"
LIVE_BP = os.environ.get("BENCH_LIVE_BP", "0") == "1"
MARK_BP = os.environ.get("BENCH_MARK_BP", "")


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


def fail(what):
    raise gdb.GdbError("reverse_bench.py: " + what)


def record_stats():
    out = run("monitor record")
    insns = re.search(r"history: (\d+) instructions, (\d+) checkpoints", out)
    mem = re.search(r"memory: ([\d.]+) MiB of [\d.]+ MiB \(--history\); (\d+) checkpoints dropped",
                    out)
    pos = re.search(r"position: (the present|(\d+) instructions before the present)", out)
    if not insns or not mem or not pos:
        fail("monitor record said %r" % out)
    if "did not match" in out:
        fail("a replay diverged: %r" % out)
    return {"insns": int(insns.group(1)), "cps": int(insns.group(2)),
            "mib": float(mem.group(1)), "dropped": int(mem.group(2)),
            "behind": int(pos.group(2) or 0), "text": out}


def pc():
    return int(gdb.parse_and_eval("$pc"))


def back_steps(where):
    """BENCH_STEPS reverse-stepi, each timed; they must all move."""
    before = record_stats()["behind"]
    for _ in range(STEPS):
        t, _ = timed("reverse-stepi")
        report("bs_%s_ms" % where, t * 1e3, "ms")
    if record_stats()["behind"] != before + STEPS:
        fail("reverse-stepi at %s did not go back %d instructions" % (where, STEPS))


def to_oldest():
    # GDB prints "No more reverse-execution history." itself, not into
    # to_string: where the move ends tells instead.
    t, _ = timed("reverse-continue")
    st = record_stats()
    if pc() != pc0 or st["behind"] != st["insns"]:
        fail("reverse-continue did not reach the oldest point: %r" % st["text"])
    report("rcont_s", t, "s")
    report("rcont_insns", st["behind"], "insns")


def reverse_session():
    pc_end = pc()
    back_steps("end")
    t, _ = timed("stepi", STEPS)
    report("pstepi_ms", t / STEPS * 1e3, "ms")
    if record_stats()["behind"] != 0 or pc() != pc_end:
        fail("stepi in the past did not come back to the present")
    run("break *" + NEVER)
    to_oldest()
    t, _ = timed("continue")
    report("fcont_s", t, "s")
    if record_stats()["behind"] != 0:
        fail("continue from the oldest point did not reach the present")
    run("break *" + MARK_BP)
    # From the end: the last call (a few instructions back), then the ones
    # at half, a quarter, a tenth of the run and at iteration 1.
    where = {2: "middle", 4: "tenth", 5: "start"}
    for hit in range(1, MARKS + 2):
        t, _ = timed("reverse-continue")
        if pc() != int(MARK_BP, 0):
            fail("reverse-continue %d did not stop at mark: pc %#x" % (hit, pc()))
        report("rmark_s", t, "s")
        if hit in where:
            back_steps(where[hit])


run("set pagination off")
run("set confirm off")
run("set width 0")
run("target remote " + TARGET)
pc0 = pc()

t, _ = timed("stepi", STEPS)
report("stepi_ms", t / STEPS * 1e3, "ms")
if LIVE_BP:
    run("break *" + NEVER)
total = 0.0
for k in range(1, MARKS + 2):
    t, out = timed("continue")
    total += t
    if MODE == "record":
        st = record_stats()
        for key in ("insns", "mib", "cps", "dropped"):
            report("at%d_%s" % (k, key), st[key], "")
report("run_s", total, "s")
if MODE == "record":
    print(record_stats()["text"], end="", flush=True)
    if REVERSE:
        reverse_session()
    elif LIVE_BP:
        to_oldest()
run("kill")
print("reverse_bench.py: done", flush=True)
