# Real-mode helpers for GDB against kvm-gdbstub:  source gdb/realmode.py
#
# kvm-gdbstub shows $pc, $sp and $fp as linear addresses (segment base +
# offset) and the raw offsets as $eip_off, $esp_off, $ebp_off, with the
# segment bases as $cs_base ... $gs_base.  These commands put segments and
# offsets side by side:
#
#   where16            CS:IP, SS:SP, DS, ES with their linear addresses
#   stack16 [N]        N words at SS:SP (default 8), as seg:off, linear, value
#   ivt [FIRST [N]]    real-mode interrupt vectors (default 0..15)
#   linear SEG:OFF     the linear address of SEG:OFF
#   segoff ADDR [SEG]  a linear address as SEG:OFF (default: the canonical
#                      ADDR>>4 : ADDR&15; with SEG, relative to that segment)
#   realmode-hook on|off
#                      on every stop, print CS:IP and the instruction at the
#                      pc decoded as the CPU runs it (16- or 32-bit code);
#                      on by default
#
# The hook also keeps GDB's architecture in step with the guest's code size
# (i8086 for 16-bit code, i386 for 32-bit), so `x/i $pc` and `display/i $pc`
# follow a switch to protected mode: 32-bit from the far jump that loads a
# code segment whose descriptor has D = 1, not from the `mov %eax,%cr0`.

import gdb


def _reg(name):
    return int(gdb.parse_and_eval("$" + name)) & 0xFFFFFFFF


def _word(addr):
    data = gdb.selected_inferior().read_memory(addr, 2).tobytes()
    return data[0] | (data[1] << 8)


def _parse_segoff(text):
    if ":" not in text:
        raise gdb.GdbError("give SEG:OFF, e.g. 0x07c0:0x0010")
    seg, off = text.split(":", 1)
    return (int(gdb.parse_and_eval(seg)) & 0xFFFF,
            int(gdb.parse_and_eval(off)) & 0xFFFFFFFF)


def _protected():
    return bool(_reg("cr0") & 1)


def _descriptor(selector):
    """The GDT descriptor of selector as (base, access byte, flags byte), or None."""
    if selector & 4 or (selector | 7) > _reg("gdtr_limit"):
        return None  # LDT selectors are not followed
    try:
        raw = gdb.selected_inferior().read_memory(_reg("gdtr_base") + (selector & ~7), 8)
    except gdb.MemoryError:
        return None
    d = raw.tobytes()
    return d[2] | d[3] << 8 | d[4] << 16 | d[7] << 24, d[5], d[6]


def _code32():
    """Does the CPU run 32-bit code?  The code segment's D bit decides, not
    CR0.PE: between setting PE and the far jump, CS still holds the real-mode
    segment (16-bit).  The stub shows no descriptor cache, so the GDT entry
    of CS counts only if it is a code segment at CS's base; otherwise CS was
    loaded before the switch."""
    if not _protected() or _reg("eflags") & (1 << 17):  # real or virtual-8086 mode
        return False
    desc = _descriptor(_reg("cs"))
    if desc is None:
        return True  # cannot tell: protected mode usually means 32-bit
    base, access, flags = desc
    is_code = access & 0x98 == 0x98  # present, code/data, executable
    return is_code and base == _reg("cs_base") and bool(flags & 0x40)


class Where16(gdb.Command):
    """Show CS:IP, SS:SP, SS:BP, DS and ES with their linear addresses."""

    def __init__(self):
        super().__init__("where16", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        mode = "protected mode" if _protected() else "real mode"
        print("CS:IP %04x:%04x = linear 0x%05x  (%s)"
              % (_reg("cs"), _reg("eip_off"), _reg("pc"), mode))
        print("SS:SP %04x:%04x = linear 0x%05x" % (_reg("ss"), _reg("esp_off"), _reg("sp")))
        print("SS:BP %04x:%04x = linear 0x%05x" % (_reg("ss"), _reg("ebp_off"), _reg("ebp")))
        for seg in ("ds", "es", "fs", "gs"):
            print("%s    %04x      base 0x%05x" % (seg.upper(), _reg(seg), _reg(seg + "_base")))


class Stack16(gdb.Command):
    """Show N 16-bit words at SS:SP (default 8): stack16 [N]."""

    def __init__(self):
        super().__init__("stack16", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        count = int(gdb.parse_and_eval(arg)) if arg.strip() else 8
        ss, sp, base = _reg("ss"), _reg("esp_off") & 0xFFFF, _reg("ss_base")
        for i in range(count):
            off = (sp + 2 * i) & 0xFFFF
            lin = base + off
            try:
                value = "%04x" % _word(lin)
            except gdb.MemoryError:
                value = "(outside guest RAM)"
            print("%04x:%04x  0x%05x  %s%s" % (ss, off, lin, value, "  <- SP" if i == 0 else ""))


class Ivt(gdb.Command):
    """Show real-mode interrupt vectors: ivt [FIRST [COUNT]] (default 0 16)."""

    def __init__(self):
        super().__init__("ivt", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        first = int(gdb.parse_and_eval(args[0])) if args else 0
        count = int(gdb.parse_and_eval(args[1])) if len(args) > 1 else 16
        base = _reg("idtr_base")
        for vec in range(first, min(first + count, 256)):
            off, seg = _word(base + 4 * vec), _word(base + 4 * vec + 2)
            print("int 0x%02x  %04x:%04x  linear 0x%05x" % (vec, seg, off, (seg << 4) + off))


class Linear(gdb.Command):
    """The linear address of SEG:OFF (real mode): linear 0x07c0:0x10."""

    def __init__(self):
        super().__init__("linear", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        seg, off = _parse_segoff(arg.strip())
        lin = (seg << 4) + off
        gdb.set_convenience_variable("linear", lin)
        print("%04x:%04x = linear 0x%05x" % (seg, off, lin))


class SegOff(gdb.Command):
    """A linear address as SEG:OFF: segoff ADDR [SEG]."""

    def __init__(self):
        super().__init__("segoff", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if not args:
            raise gdb.GdbError("usage: segoff ADDR [SEG]")
        lin = int(gdb.parse_and_eval(args[0])) & 0xFFFFFFFF
        if len(args) > 1:
            seg = int(gdb.parse_and_eval(args[1])) & 0xFFFF
            off = lin - (seg << 4)
            if not 0 <= off <= 0xFFFF:
                raise gdb.GdbError("0x%x is not within 64 KiB of segment %04x" % (lin, seg))
        else:
            seg, off = (lin >> 4) & 0xFFFF, lin & 0xF
        print("linear 0x%05x = %04x:%04x" % (lin, seg, off))


class _Hook:
    def __init__(self):
        self.enabled = False
        self.arch = None

    def follow_mode(self):
        arch = "i386" if _code32() else "i8086"
        if arch != self.arch:
            gdb.execute("set architecture " + arch, to_string=True)
            self.arch = arch

    def on_stop(self, event):
        try:
            self.follow_mode()
            print("[%s %04x:%04x]" % ("pm" if _protected() else "rm", _reg("cs"), _reg("eip_off")))
            gdb.execute("x/i $pc")
        except gdb.error:
            pass  # the target went away (the guest exited)

    def set(self, on):
        if on and not self.enabled:
            gdb.events.stop.connect(self.on_stop)
        elif not on and self.enabled:
            gdb.events.stop.disconnect(self.on_stop)
        self.enabled = on


_hook = _Hook()


class RealmodeHook(gdb.Command):
    """realmode-hook on|off: show CS:IP and the instruction at every stop."""

    def __init__(self):
        super().__init__("realmode-hook", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        if arg.strip() not in ("on", "off"):
            raise gdb.GdbError("usage: realmode-hook on|off")
        _hook.set(arg.strip() == "on")
        print("realmode-hook is %s" % arg.strip())


for _cmd in (Where16, Stack16, Ivt, Linear, SegOff, RealmodeHook):
    _cmd()
_hook.set(True)
