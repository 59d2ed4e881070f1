# GDB commands for the GDB tests (sourced by tests/gdb-run).
#
# `debug-model` prints the stub's debug model, which gdb-run runs first:
#   emu      the built-in CPU itself
#   vtx      the built-in CPU playing KVM on a VT-x/AMD-V host (int3 traps,
#            data breakpoints fire; KVM_GDBSTUB_DEBUG_MODEL=vtx)
#   kvm      KVM whose instruction emulator runs real mode: neither (this
#            project's machines)
#   kvm-vtx  KVM on a VT-x/AMD-V host: both
#
# `mechanisms`: GDB inserts breakpoints and watchpoints only while the guest
# runs, so it inserts them now (breakpoint always-inserted, for a moment),
# asks the stub's `monitor debug` which mechanism serves each one, and prints
# one line that gdb-run compares with the script's "# mechanism-MODEL:" lines:
#
#   mechanisms: 1=debug register, 2=hlt patch, 6=built-in CPU standing in for KVM
#
# A point the stub does not hold shows as "not inserted"; a stub point no GDB
# point explains as "?=...".
import re

import gdb

STUB_POINT = re.compile(r"^(.+?) +at (0x[0-9a-f]+|0) len (\d+): (.+)$")
KINDS = {
    gdb.BP_BREAKPOINT: "breakpoint",
    gdb.BP_HARDWARE_BREAKPOINT: "hw breakpoint",
    gdb.BP_HARDWARE_WATCHPOINT: "watchpoint",
    gdb.BP_READ_WATCHPOINT: "read watchpoint",
    gdb.BP_ACCESS_WATCHPOINT: "access watchpoint",
}
PROBE_MODELS = {
    ("no", "no"): "kvm",
    ("yes", "yes"): "kvm-vtx",
}


def debug_model(report):
    probe = re.search(r"^KVM debug probe: (.*)$", report, re.M)
    if not probe:
        return "emu"
    if "plays a VT-x host" in probe.group(1):
        return "vtx"
    bits = re.search(r"int3 traps: (\w+); data breakpoints fire: (\w+)", probe.group(1))
    return PROBE_MODELS.get(bits.groups() if bits else None, "unknown")


def addresses(bp):
    """The linear addresses the stub is asked to watch or break at."""
    if bp.type in (gdb.BP_BREAKPOINT, gdb.BP_HARDWARE_BREAKPOINT):
        return [loc.address for loc in bp.locations if loc.enabled]
    return [int(gdb.parse_and_eval("(unsigned long)&(%s)" % bp.expression))]


def insert_all_now(points):
    was = gdb.parameter("breakpoint always-inserted")
    gdb.execute("set breakpoint always-inserted on")
    # Re-enabling an enabled point makes GDB update (and so insert) all of them.
    points[0].enabled = True
    gdb.execute("set breakpoint always-inserted %s" % ("on" if was else "off"))


def mechanism_words(points, stub):
    """ "N=MECH" for each GDB point, then "?=..." for stub points left over."""
    used = set()
    words = []
    for bp in points:
        mechs = []
        for addr in addresses(bp):
            found = [i for i, p in enumerate(stub)
                     if p[0] == KINDS.get(bp.type) and int(p[1], 16) == addr]
            used.update(found)
            mechs.append(stub[found[0]][3] if found else "not inserted")
        words.append("%d=%s" % (bp.number, "+".join(mechs)))
    return words + ["?=%s at %s: %s" % (p[0], p[1], p[3])
                    for i, p in enumerate(stub) if i not in used]


class Mechanisms(gdb.Command):
    """Show which stub mechanism serves each enabled breakpoint and watchpoint."""

    def __init__(self):
        super().__init__("mechanisms", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        points = [b for b in gdb.breakpoints() if b.enabled and b.number > 0]
        if points:
            insert_all_now(points)
        report = gdb.execute("monitor debug", to_string=True)
        stub = [m.groups() for m in map(STUB_POINT.match, report.splitlines()) if m]
        print("mechanisms: %s" % ", ".join(mechanism_words(points, stub)))


class DebugModel(gdb.Command):
    """Show the stub's debug model: emu, vtx, kvm or kvm-vtx."""

    def __init__(self):
        super().__init__("debug-model", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        print("debug model: %s" % debug_model(gdb.execute("monitor debug", to_string=True)))


Mechanisms()
DebugModel()
