#!/usr/bin/env python3
"""Write the hand-made seeds of fuzz/corpus: malformed RSP streams,
valid, truncated and corrupted guest images, and int 13h call sequences.  The GDB transcripts in
corpus/rsp/gdb-* were recorded with fuzz/capture.py and are not rewritten.

    fuzz/seeds.py GUEST_DIR      (a build's guest/ directory, for the ELFs)
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def pkt(payload):
    if isinstance(payload, str):
        payload = payload.encode("latin-1")
    return b"$" + payload + b"#%02x" % (sum(payload) & 0xFF)


def write(corpus, name, data):
    with open(os.path.join(HERE, "corpus", corpus, name), "wb") as f:
        f.write(data)


# Each command with missing, malformed, huge and negative arguments.
BAD_COMMANDS = [
    "m", "m0", "m0,", "m,10", "mffffffff,ffffffff", "m0,0", "m-1,4", "mfffffffffffffffff,1",
    "m100000,1", "mfffff,2", "m0,20001", "m0,10:", "M", "M0,10:zz", "M0,2:123", "M0,1:1",
    "M0,ffffffff:00", "Mfffff,2:0000", "X", "X0,4:ab", "X0,1:", "X0,0:", "Xffffffff,2:ab",
    "X0,20001:", "g0", "G", "G00", "Gzz", "p", "pzz", "p-1", "p1000", "pffffffffffffffff",
    "P", "P0", "P0=", "P0=zz", "P1000=00000000", "Pffff=00", "P8=0102", "Z", "Z0", "Z0,0",
    "Z0,0,", "Z0,0,2", "Z9,0,1", "Z0,100000000,1", "Z2,0,0", "Z2,0,ffffffff", "Z1,0,1;X2,ab",
    "z0,0,1", "z4,0,ffff", "Zf,0,1", "H", "Hg", "Hgzz", "Hg-2", "Hcp1.-1", "Hgp-1.1",
    "T", "T2", "Tp1.1", "vCont", "vCont;", "vCont;x", "vCont;C", "vCont;Czz", "vCont;C1ff",
    "vCont;r1", "vCont;r1,", "vCont;r1,ffffffffff", "vCont;s:zz", "vCont;t", "vCont;c:p1.1;x",
    "vCont?", "qXfer:features:read:target.xml:ffffffff,ffffffff",
    "qXfer:features:read:target.xml:0", "qXfer:features:read:other.xml:0,100",
    "qXfer:memory-map:read::0,100", "qXfer:features:read:target.xml:,", "vRun;zz",
    "vRun", "vKill", "vKill;zz", "qRcmd", "qRcmd,", "qRcmd,zz", "qRcmd,6", "qRcmd,00",
    "qRcmd,68656c7000", "qRcmd," + "41" * 2000, "qRcmd,626967", "qRcmd,6661696c",
    "qRcmd,737475622d7374617473", "qSupported:" + "x" * 500, "qC", "qAttached:zz",
    "QStartNoAckMode", "C", "Czz", "C1ff", "C05;", "C05;zz", "c", "czz", "cffffffffff",
    "s", "s100000", "S05;10", "D;", "D;zz", "D;1x", "R00", "!", "?", "k", "\x00", "\xff",
    "vMustReplyEmpty", "qTStatus", "Q", "q", "v", "",
    # Threads: unknown ids, malformed ids.
    "Hg9", "Hgp1.9", "Hc-2", "Hcp2.1", "T9", "Tp2.1", "T-1", "vCont;c:9", "vCont;s:2;c:9",
    "vCont;c:p2.-1", "vCont;s:p1.", "qThreadExtraInfo", "qThreadExtraInfo,",
    "qThreadExtraInfo,zz", "qThreadExtraInfo,9", "qThreadStopInfo", "qThreadStopInfozz",
    "qThreadStopInfo99999999999",
]


def rsp_seeds():
    # A GDB-like opening, then one bad command per packet, in ack mode.
    opening = b"+" + pkt("qSupported:multiprocess+;swbreak+") + b"+" + pkt("?") + b"+"
    for i, cmd in enumerate(BAD_COMMANDS):
        write("rsp", "cmd-%03d" % i, opening + pkt(cmd) + b"+" + pkt("g") + b"+")
    all_cmds = b"".join(pkt(c) + b"+" for c in BAD_COMMANDS if c not in ("k", "vKill", "c", "s"))
    write("rsp", "all-bad-commands", opening + all_cmds)
    noack = pkt("QStartNoAckMode") + b"+"
    write("rsp", "all-bad-commands-noack", noack + all_cmds.replace(b"+", b""))

    framing = {
        "bad-checksum": pkt("g")[:-2] + b"00" + b"+" + pkt("g"),
        "bad-checksum-hex": b"$g#zz$g#67",
        "bad-checksum-noack": noack + b"$g#00" + pkt("g"),
        "truncated": b"$m0,10" + pkt("g"),
        "truncated-eof": b"$m0,1",
        "truncated-csum": b"$g#6",
        "missing-hash": b"$g67$?#3f",
        "stray-bytes": b"garbage\r\n" + pkt("g") + b"\x00\xffxx" + pkt("?") + b"zz",
        "escape-at-end": pkt(b"m0,1}") + pkt(b"X0,1:}"),
        "escape-valid": pkt(b"X400,4:}]}\x03}\x04}\x0a"),
        "rle-client": pkt(b"M0,8:0* 0000") + pkt(b"m0,8"),
        "rle-bad-count": pkt(b"M0,2:0*\x100") + pkt(b"*") + pkt(b"m*!"),
        "rle-at-end": pkt(b"m0,1*"),
        "rle-oversize": pkt(b"X0,1:" + b"a" + b"a*~" * 1400),
        "nak-resend": pkt("g") + b"---" + pkt("?") + b"-+",
        "ctrl-c-stopped": b"\x03\x03" + pkt("?"),
        "continue-ctrl-c": pkt("c") + b"\x03" + pkt("?") + b"+",
        "continue-step-range": pkt("vCont;r0,10") + pkt("vCont;r5,6:1") + pkt("vCont;s"),
        "continue-then-packets": pkt("c") + pkt("g") + pkt("m0,4"),
        "breakpoints-run": pkt("Z0,5,1") + pkt("c") + pkt("z0,5,1") + pkt("Z1,20,1") +
        pkt("c") + pkt("Z2,100,4") + pkt("Z3,100,4") + pkt("Z4,100,4") + pkt("Z1,200,1") +
        pkt("Z1,300,1") + pkt("z2,100,4") + pkt("c"),
        "many-points": b"".join(pkt("Z0,%x,1" % a) for a in range(0, 40)),
        "extended-run": pkt("!") + pkt("vRun;") + pkt("R00") + pkt("k") + pkt("?") +
        pkt("vRun;") + pkt("vKill;1") + pkt("g"),
        "detach-then-more": pkt("D") + pkt("g"),
        "kill-noreply": pkt("k") + pkt("g"),
        "packet-in-packet": b"$m0,$g#67",
        "empty-packet": b"$#00",
        "binary-nul": pkt(b"X10,3:\x00\x00\x00") + pkt(b"m10,3"),
        "xml-read": pkt("qXfer:features:read:target.xml:0,10") +
        pkt("qXfer:features:read:target.xml:10,ffff") +
        pkt("qXfer:features:read:target.xml:ffff,10"),
        "write-regs": pkt("G" + "00" * 40) + pkt("P8=10000000") + pkt("P29=01000000") +
        pkt("p8") + pkt("p29") + pkt("c"),
        "monitor-big": pkt("qRcmd,626967") + pkt("qRcmd,68656c70") + pkt("qRcmd,6563686f206869"),
        # fuzz_rsp.c's fake has two CPUs at the same pc (breakpoints hit in
        # the same round: pending stops) and starts a third at the first run.
        "threads-queries": b"".join(pkt(c) for c in (
            "qfThreadInfo", "qsThreadInfo", "qC", "Hg2", "qC", "g", "p8", "P8=10000000", "m0,4",
            "Hg1", "Hc-1", "Hc2", "T1", "T2", "T3", "qThreadExtraInfo,1", "qThreadExtraInfo,2",
            "qThreadStopInfo1", "qThreadStopInfo2", "c", "qfThreadInfo", "T3", "Hg3", "g")),
        "threads-vcont": b"".join(pkt(c) for c in (
            "Z0,10,1", "vCont;c", "?", "z0,10,1", "Z0,10,1", "vCont;c", "vCont;s:2;c",
            "vCont;s:1", "vCont;c:1", "Z0,30,1", "vCont;r0,20:2;c", "vCont;t:2", "Hc2", "s",
            "Hc0", "s", "c", "vCont;c:9", "?")),
        "threads-multiprocess": b"".join(pkt(c) for c in (
            "qSupported:multiprocess+", "qfThreadInfo", "Hgp1.2", "qC", "Tp1.2",
            "qThreadExtraInfo,p1.2", "Z0,8,1", "vCont;s:p1.2;c:p1.-1", "vCont;c:p1.-1",
            "vCont;c:p1.1", "vCont;c:p2.1", "k")),
        # Reverse execution (the fake's history begins at eip 0).
        "reverse": b"".join(pkt(c) for c in (
            "qSupported", "bs", "Hc2", "bs", "Hc0", "Z0,5,1", "bc", "z0,5,1", "bc", "bs", "?",
            "bsx", "bc1", "b", "bx")) + pkt("bc") + b"\x03" + pkt("?"),
    }
    for name, data in framing.items():
        write("rsp", name, data)


def ehdr(phoff=52, phnum=1, phentsize=32, cls=1, data=1, machine=3, etype=2, entry=0):
    ident = b"\x7fELF" + bytes([cls, data, 1, 0]) + b"\0" * 8
    return ident + struct.pack("<HHIIIIIHHHHHH", etype, machine, 1, entry, phoff, 0, 0, 52,
                               phentsize, phnum, 40, 0, 0)


def phdr(offset, paddr, filesz, memsz, ptype=1):
    return struct.pack("<IIIIIIII", ptype, offset, paddr, paddr, filesz, memsz, 5, 1)


def loader_seeds(guests):
    for g in ("hello", "c-guest", "minimal", "watch"):
        for ext in ("elf", "bin"):
            with open(os.path.join(guests, "%s.%s" % (g, ext)), "rb") as f:
                write("loader", "%s.%s" % (g, ext), f.read())
    with open(os.path.join(guests, "hello.elf"), "rb") as f:
        hello = f.read()
    code = b"\xb0\x41\xba\xf8\x03\xee\xf4"
    good = ehdr() + phdr(84, 0x100, len(code), 0x200) + code
    seeds = {
        "tiny-elf": good,
        "tiny-elf-two-segments": ehdr(phnum=2) + phdr(116, 0, 7, 7) + phdr(116, 0xffff0, 7, 16) + code,
        "elf-truncated-ehdr": hello[:40],
        "elf-truncated-phdr": hello[:60],
        "elf-truncated-segment": hello[:0x1010],
        "elf-magic-only": b"\x7fELF",
        "elf-magic-3": b"\x7fEL",
        "elf-class64": ehdr(cls=2) + phdr(84, 0, 7, 7) + code,
        "elf-big-endian": ehdr(data=2) + phdr(84, 0, 7, 7) + code,
        "elf-x86-64": ehdr(machine=62) + phdr(84, 0, 7, 7) + code,
        "elf-dyn": ehdr(etype=3) + phdr(84, 0, 7, 7) + code,
        "elf-no-phdrs": ehdr(phnum=0) + code,
        "elf-phoff-huge": ehdr(phoff=0xFFFFFFF0) + phdr(84, 0, 7, 7) + code,
        "elf-phnum-max": ehdr(phnum=0xFFFF) + phdr(84, 0, 7, 7) + code,
        "elf-phentsize-small": ehdr(phentsize=8) + phdr(84, 0, 7, 7) + code,
        "elf-phentsize-big": ehdr(phentsize=0xFFFF) + phdr(84, 0, 7, 7) + code,
        "elf-filesz-gt-memsz": ehdr() + phdr(84, 0, 7, 3) + code,
        "elf-offset-outside": ehdr() + phdr(0xFFFFFFFF, 0, 7, 7) + code,
        "elf-offset-wrap": ehdr() + phdr(0xFFFFFFF0, 0, 0x20, 0x20) + code,
        "elf-paddr-end": ehdr() + phdr(84, 0xFFFFF, 1, 2) + code,
        "elf-paddr-wrap": ehdr() + phdr(84, 0xFFFFFFFF, 1, 2) + code,
        "elf-memsz-huge": ehdr() + phdr(84, 0, 7, 0xFFFFFFFF) + code,
        "elf-no-load": ehdr() + phdr(84, 0, 7, 7, ptype=4) + code,
        "elf-load-empty": ehdr() + phdr(84, 0, 0, 0) + code,
        "elf-entry-outside": ehdr(entry=0xFFFFFFFF) + phdr(84, 0, 7, 7) + code,
        "flat-out-loop": b"\xb0\x41\xba\xf8\x03\xee\xeb\xfd",
        "flat-one-byte": b"\xf4",
        "empty": b"",
    }
    corrupt = bytearray(hello)
    for off in (4, 5, 16, 18, 28, 42, 44, 52, 56, 64, 68):
        corrupt[off] ^= 0xFF
    seeds["elf-corrupted"] = bytes(corrupt)
    for name, data in seeds.items():
        write("loader", name, data)


# int 13h: 32-byte records, AX BX CX DX SI DI ES DS then 16 bytes stored at
# DS:SI (see fuzz/fuzz_int13.c).  DL 0 = floppy 0x00, 1 = disk 0x80,
# 2 = one-sector disk 0x81, 3 = missing drive 0x01.
def call13(ax, bx=0, cx=0, dx=0, si=0x600, di=0, es=0, ds=0, mem=b""):
    return struct.pack("<8H", ax, bx, cx, dx, si, di, es, ds) + mem.ljust(16, b"\0")[:16]


def dap(count, seg, off, lba, size=0x10):
    return struct.pack("<BBHHHQ", size, 0, count, off, seg, lba)


def int13_seeds():
    seeds = {
        "read-across-tracks": call13(0x0204, cx=0x0008, es=0x1000)
        + call13(0x0202, cx=0x0009, dx=0x0100, es=0x1100),
        "params-and-types": b"".join(call13(ah << 8, dx=dl) for ah in (0x08, 0x15, 0x16, 0x41)
                                     for dl in range(4)),
        "ext-read-write": call13(0x4100, bx=0x55AA, dx=1)
        + call13(0x4200, dx=1, mem=dap(4, 0x2000, 0, 2))
        + call13(0x4300, dx=1, mem=dap(2, 0x2000, 0, 100))
        + call13(0x4400, dx=1, mem=dap(2, 0x2000, 0, 100))
        + call13(0x4800, dx=1, mem=struct.pack("<H", 0x1E))
        + call13(0x4800, dx=2, mem=struct.pack("<H", 0x1A)),
        "ext-flat-buffer": call13(0x4200, dx=1, mem=dap(1, 0xFFFF, 0xFFFF, 0, 0x18))
        + call13(0x4200, dx=1, si=0x5F8, mem=b"\0" * 8 + dap(1, 0xFFFF, 0xFFFF, 0, 0x18)[:8]),
        "errors": call13(0x0204, cx=0x2708, dx=0x0100, es=0x1000)
        + call13(0x0100, dx=0)
        + call13(0x0200, cx=0x0001, es=0x1000)
        + call13(0x0281, cx=0x0001, dx=1, es=0x1000)
        + call13(0x0202, cx=0x0001, es=0x0FF0)
        + call13(0x4200, dx=1, mem=dap(129, 0x1000, 0, 0))
        + call13(0x4200, dx=1, mem=dap(1, 0x1000, 0, 128))
        + call13(0x4200, dx=1, ds=0x5000)
        + call13(0x4200, dx=1, mem=dap(2, 0x3FFF, 0xFF0, 0))
        + call13(0x7700, dx=1)
        + call13(0x0100, dx=1)
        + call13(0x0201, cx=0x0001, dx=3, es=0x1000),
        "write-through": call13(0x0302, cx=0x0001, dx=1, es=0x1000)
        + call13(0x0202, cx=0x0001, dx=1, es=0x2000)
        + call13(0x0301, cx=0x0001, dx=2, es=0x1000)
        + call13(0x0302, cx=0x0001, dx=2, es=0x1000),
        "format": call13(0x0509, cx=0x0100, dx=0x0100) + call13(0x0209, cx=0x0101, dx=0x0100,
                                                                es=0x1000),
    }
    for name, data in seeds.items():
        write("int13", name, data)


def main():
    os.makedirs(os.path.join(HERE, "corpus", "rsp"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "corpus", "loader"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "corpus", "int13"), exist_ok=True)
    rsp_seeds()
    loader_seeds(sys.argv[1])
    int13_seeds()


if __name__ == "__main__":
    main()
