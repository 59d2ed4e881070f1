#!/usr/bin/env python3
"""A null GDB stub: the ceiling for bench/gdb_bench.sh.

It answers every packet GDB sends at once, with no VM behind it: the same
qSupported (PacketSize and features) and target description as kvm-gdbstub
(bench/target.xml, fetched from the stub with --fetch-xml), registers held
in a byte array, memory from the guest image, a step that moves pc to the
next instruction of the image (a tiny length decoder that knows the
instructions of bench/guests/loop.S), and a continue that stops at the next
breakpoint that stepping would reach.  With no breakpoint a continue waits
for GDB's Ctrl-C.

    null_stub.py [--port PORT] [--once] [--mem SIZE] GUEST.bin
    null_stub.py --fetch-xml PORT   # print a stub's target.xml

Like kvm-gdbstub it prints "waiting for GDB on 127.0.0.1:PORT" on stderr.
It is independent of the project's code: nothing in it comes from src/.
"""
import argparse
import os
import re
import socket
import sys
import zlib
from xml.etree import ElementTree

HERE = os.path.dirname(os.path.abspath(__file__))
PACKET_SIZE = 0x20000
FEATURES = ("PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;"
            "vContSupported+" % PACKET_SIZE)
REG_ESP, REG_EBP, REG_EIP, REG_EFLAGS = 4, 5, 8, 9


def checksum(body):
    """The sum of the bytes mod 256, in C: adler32's low half is 1 + the
    byte sum mod 65521, exact for chunks of 256 bytes (at most 65280), five
    times faster than sum() on a 64 KiB memory reply."""
    if len(body) <= 256:
        return sum(body) & 0xFF
    mv = memoryview(body)
    return sum((zlib.adler32(mv[i:i + 256]) & 0xFFFF) - 1 for i in range(0, len(mv), 256)) & 0xFF


# The checksum of data.hex() from data: each byte's two hex digits summed
# (at most 2 * ord("f") = 204, so it fits a byte), half as many bytes.
HEX_SUM = bytes(sum(b"%02x" % b) for b in range(256))


def frame_hex(data):
    return b"$%s#%02x" % (data.hex().encode(), checksum(data.translate(HEX_SUM)))


def frame(body):
    return b"$%s#%02x" % (body, checksum(body))


def escape(data):
    data = data.replace(b"}", b"}]")  # first: the escapes below add "}"
    for c in b"#$*":
        data = data.replace(bytes((c,)), bytes((0x7D, c ^ 0x20)))
    return data


def unescape(data):
    if b"}" not in data:
        return data
    out = bytearray()
    it = iter(data)
    for b in it:
        out.append(next(it) ^ 0x20 if b == 0x7D else b)
    return bytes(out)


class Regs:
    """The register file in GDB's layout, from the target description."""

    def __init__(self, xml):
        self.offsets, self.sizes = [], []
        off = 0
        for reg in ElementTree.fromstring(xml).iter("reg"):
            n = int(reg.get("regnum", len(self.sizes)))
            assert n == len(self.sizes), "registers out of order in target.xml"
            size = int(reg.get("bitsize")) // 8
            self.offsets.append(off)
            self.sizes.append(size)
            off += size
        self.raw = bytearray(off)
        self.set(REG_EFLAGS, 2)
        self.set(REG_ESP, 0x7000)

    def get(self, n):
        return int.from_bytes(self.raw[self.offsets[n]:self.offsets[n] + 4], "little")

    def set(self, n, v):
        self.raw[self.offsets[n]:self.offsets[n] + 4] = (v & 0xFFFFFFFF).to_bytes(4, "little")

    def expedite(self):
        return b"".join(b"%02x:%s;" % (n, self.raw[self.offsets[n]:self.offsets[n] + 4].hex().encode())
                        for n in (REG_EIP, REG_ESP, REG_EBP))


def next_pc(mem, pc):
    """Where one instruction at pc goes: enough of 16-bit x86 for loop.S."""
    p, opsize = pc, 2
    while mem[p] in (0x66, 0x67, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0xF3, 0xF2):
        if mem[p] == 0x66:
            opsize = 4
        p += 1
    op = mem[p]
    if op == 0xEB:  # jmp rel8
        rel = mem[p + 1]
        return (p + 2 + rel - (256 if rel & 0x80 else 0)) & 0xFFFF
    if op == 0xE9:  # jmp rel16
        rel = mem[p + 1] | mem[p + 2] << 8
        return (p + 3 + rel - (0x10000 if rel & 0x8000 else 0)) & 0xFFFF
    if 0x40 <= op <= 0x5F or op in (0x90, 0xFA, 0xFB, 0xF4, 0xC3, 0xCC):
        return p + 1
    if 0xB8 <= op <= 0xBF:  # mov imm, reg
        return p + 1 + opsize
    if 0xB0 <= op <= 0xB7 or op in (0xEB, 0x04, 0x0C, 0x24, 0x2C, 0x34, 0x3C, 0xA8):
        return p + 2
    if op < 0x40 and op & 7 < 4 or op in (0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B,
                                          0x8C, 0x8E, 0xFE, 0xFF):
        modrm = mem[p + 1]
        mod, rm = modrm >> 6, modrm & 7
        disp = {0: 2 if rm == 6 else 0, 1: 1, 2: 2, 3: 0}[mod]
        return p + 2 + disp
    return p + 1


class Session:
    def __init__(self, conn, mem, regs, xml):
        self.conn = conn
        self.mem = mem
        self.xml = xml
        self.regs = regs
        self.breaks = {}
        self.ack = True
        self.buf = b""

    # ---- transport ----
    def send(self, body):
        self.conn.sendall(frame(body))

    def send_hex(self, data):
        self.conn.sendall(frame_hex(data))

    def packets(self):
        """Yield packet bodies; None for a Ctrl-C (0x03)."""
        while True:
            while self.buf:
                c = self.buf[:1]
                if c == b"$":
                    end = self.buf.find(b"#")
                    if end < 0 or len(self.buf) < end + 3:
                        break
                    body = self.buf[1:end]
                    self.buf = self.buf[end + 3:]
                    if self.ack:
                        self.conn.sendall(b"+")
                    yield body
                elif c == b"\x03":
                    self.buf = self.buf[1:]
                    yield None
                else:  # acks, naks, noise
                    self.buf = self.buf[1:]
            # Small reads: CPython allocates the whole size for each recv
            # (a 256 KiB recv costs about 35 us here, a 16 KiB one 4 us).
            data = self.conn.recv(16384)
            if not data:
                return
            self.buf += data

    def wait_interrupt(self, it):
        for body in it:
            if body is None:
                return True
        return False

    # ---- target ----
    def stop_reply(self, why=b""):
        return b"T05" + why + self.regs.expedite() + b"thread:p1.1;"

    def step(self):
        self.regs.set(REG_EIP, next_pc(self.mem, self.regs.get(REG_EIP)))

    def cont(self, it):
        for _ in range(100000):
            self.step()
            pc = self.regs.get(REG_EIP)
            if pc in self.breaks:
                return self.stop_reply(b"swbreak:;" if self.breaks[pc] == 0 else b"hwbreak:;")
        if not self.wait_interrupt(it):
            return None
        return b"T02" + self.regs.expedite() + b"thread:p1.1;"

    def memory(self, addr, length):
        if addr >= len(self.mem):
            return None
        return self.mem[addr:min(addr + length, len(self.mem))]

    # ---- packets ----
    def serve(self):
        it = self.packets()
        for body in it:
            if body is None:
                self.send(b"T02" + self.regs.expedite() + b"thread:p1.1;")
                continue
            reply = self.handle(body, it)
            if reply is False:
                return
            if reply is not None:
                self.send(reply)
            if body == b"QStartNoAckMode":
                self.ack = False

    def handle(self, body, it):
        c = body[:1]
        if c == b"m":
            a, n = body[1:].split(b",")
            data = self.memory(int(a, 16), int(n, 16))
            if data is None:
                return b"E14"
            self.send_hex(data)
            return None
        if c == b"g":
            self.send_hex(self.regs.raw)
            return None
        if c == b"p":
            n = int(body[1:], 16)
            o = self.regs.offsets[n]
            return self.regs.raw[o:o + self.regs.sizes[n]].hex().encode()
        if c in b"Zz" and body[1:2] in b"01":
            kind, addr, _ = body[1:].split(b",")
            addr = int(addr, 16)
            if c == b"Z":
                self.breaks[addr] = int(kind)
            else:
                self.breaks.pop(addr, None)
            return b"OK"
        if body.startswith(b"vCont;s") or c == b"s":
            self.step()
            return self.stop_reply()
        if body.startswith(b"vCont;c") or c == b"c":
            r = self.cont(it)
            return False if r is None else r
        if c == b"G":
            self.regs.raw[:] = bytes.fromhex(body[1:].decode())
            return b"OK"
        if c == b"P":
            n, v = body[1:].split(b"=")
            o = self.regs.offsets[int(n, 16)]
            v = bytes.fromhex(v.decode())
            self.regs.raw[o:o + len(v)] = v
            return b"OK"
        if c == b"M":
            where, data = body[1:].split(b":")
            a = int(where.split(b",")[0], 16)
            data = bytes.fromhex(data.decode())
            self.mem[a:a + len(data)] = data
            return b"OK"
        if c == b"X":
            where, data = body[1:].split(b":", 1)
            a = int(where.split(b",")[0], 16)
            data = unescape(data)
            self.mem[a:a + len(data)] = data
            return b"OK"
        if body.startswith(b"qXfer:features:read:target.xml:"):
            off, n = (int(x, 16) for x in body.rsplit(b":", 1)[1].split(b","))
            chunk = self.xml[off:off + n]
            return (b"m" if off + n < len(self.xml) else b"l") + escape(chunk)
        if body.startswith(b"qSupported"):
            return FEATURES.encode() + (b";multiprocess+" if b"multiprocess+" in body else b"")
        if c == b"?":
            return self.stop_reply()
        if c == b"H" or body == b"QStartNoAckMode":
            return b"OK"
        if body == b"vCont?":
            return b"vCont;c;C;s;S;t;r"
        if body == b"qfThreadInfo":
            return b"mp1.1"
        if body == b"qsThreadInfo":
            return b"l"
        if body.startswith(b"qAttached"):
            return b"1"
        if body == b"qC":
            return b"QCp1.1"
        if c == b"D":
            self.send(b"OK")
            return False
        if c == b"k" or body.startswith(b"vKill"):
            if c != b"k":
                self.send(b"OK")
            return False
        return b""


def fetch_xml(port):
    s = socket.create_connection(("127.0.0.1", port))
    buf = b""

    def ask(body):
        nonlocal buf
        s.sendall(frame(body))
        while True:
            i = buf.find(b"$")
            j = buf.find(b"#", i)
            if i >= 0 and j >= 0 and len(buf) >= j + 3:
                r, buf = buf[i + 1:j], buf[j + 3:]
                s.sendall(b"+")
                return r
            buf += s.recv(65536)

    ask(b"qSupported:multiprocess+")
    xml = b""
    while True:
        r = ask(b"qXfer:features:read:target.xml:%x,800" % len(xml))
        xml += unescape(r[1:])
        if r[:1] != b"m":
            break
    s.sendall(frame(b"D"))
    s.close()
    return xml


def parse_size(text):
    m = re.fullmatch(r"(\d+)([KkMm]?)", text)
    if not m:
        raise argparse.ArgumentTypeError("bad size " + text)
    return int(m.group(1)) * {"": 1, "k": 1024, "m": 1 << 20}[m.group(2).lower()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--once", action="store_true")
    ap.add_argument("--mem", type=parse_size, default=1 << 20)
    ap.add_argument("--xml", default=os.path.join(HERE, "target.xml"))
    ap.add_argument("--fetch-xml", type=int, metavar="PORT")
    ap.add_argument("guest", nargs="?")
    a = ap.parse_args()
    if a.fetch_xml:
        sys.stdout.buffer.write(fetch_xml(a.fetch_xml))
        return
    if not a.guest:
        ap.error("a guest image is required")
    with open(a.guest, "rb") as f:
        image = f.read()
    with open(a.xml, "rb") as f:
        xml = f.read()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.port))
    ls.listen(1)
    print("null_stub: waiting for GDB on 127.0.0.1:%d" % ls.getsockname()[1],
          file=sys.stderr, flush=True)
    # One guest for the life of the process, as with kvm-gdbstub: a new
    # session finds memory and registers where the last one left them.
    mem = bytearray(a.mem)
    mem[:len(image)] = image[:a.mem]
    regs = Regs(xml)
    while True:
        conn, _ = ls.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            Session(conn, mem, regs, xml).serve()
        except (ConnectionError, OSError):
            pass
        conn.close()
        if a.once:
            return


if __name__ == "__main__":
    main()
