#!/usr/bin/env python3
"""Write the seeds of fuzz/corpus/bios: BIOS call sequences for
fuzz/fuzz_bios.c (its 48-byte record; keep the two in step).

    fuzz/bios_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
# fuzz_bios.c's vectors[]: the first index of each vector
VECTOR = {0x08: 0, 0x09: 1, 0x10: 2, 0x11: 5, 0x12: 6, 0x13: 7, 0x14: 8, 0x15: 9,
          0x16: 11, 0x17: 13, 0x18: 14, 0x19: 15, 0x1A: 16, "reset": 18}
SMAP = 0x534D4150


def rec(vector, eax=0, ebx=0, ecx=0, edx=0, si=0, di=0, bp=0, es=0, ds=0,
        port=0, us=0, flags=0, data=None, at_ds_si=False):
    """One call; data (16 bytes at most) goes to ES:BP, or DS:SI."""
    where = (1 if at_ds_si else 0) | (0 if data is not None else 2)
    head = struct.pack("<BBHIIIIHHHHHBB", VECTOR[vector], port, us, eax, ebx, ecx, edx,
                       si, di, bp, es, ds, flags, where)
    return head + (data or b"").ljust(16, b"\0")[:16]


def teletype(text):
    return b"".join(rec(0x10, eax=0x0E00 | c) for c in text.encode("latin-1"))


SEEDS = {
    "teletype": teletype("Hello\r\n\tworld\b!\a\r\n") + rec(0x10, eax=0x0300)
    + rec(0x10, eax=0x0200, edx=24 << 8 | 78) + teletype("wrap and scroll"),
    "video-scroll-pages": rec(0x10, eax=0x0003) + teletype("abc\r\ndef")
    + rec(0x10, eax=0x0601, ebx=0x1F00, ecx=0x0000, edx=0x184F)
    + rec(0x10, eax=0x0702, ebx=0x0700, ecx=0x0105, edx=0x0A20)
    + rec(0x10, eax=0x0958, ebx=0x001F, ecx=100) + rec(0x10, eax=0x0A2A, ecx=3)
    + rec(0x10, eax=0x0800) + rec(0x10, eax=0x0501) + rec(0x10, eax=0x0E41)
    + rec(0x10, eax=0x0100, ecx=0x2607) + rec(0x10, eax=0x0F00)
    + rec(0x10, eax=0x1200, ebx=0x10) + rec(0x10, eax=0x1A00)
    + rec(0x10, eax=0x1303, ebx=0x0007, ecx=6, edx=0x0A05, es=0x0050, bp=0,
          data=b"H\x1fi\x2f!\x4f")
    + rec(0x10, eax=0x1300, ebx=0x011E, ecx=16, edx=0x1840, es=0x0050, bp=0x10,
          data=b"on page one....."),
    # a cursor off the screen (it made teletype write past the text pages)
    "offscreen-cursor": rec(0x10, eax=0x0507) + rec(0x10, eax=0x0200, ebx=0x0700, edx=200 << 8 | 5)
    + rec(0x10, eax=0x0E41) + rec(0x10, eax=0x0200, ebx=0x0700, edx=0xFFFF) + rec(0x10, eax=0x0E09)
    + rec(0x10, eax=0x0941, ebx=0x0700, ecx=5) + rec(0x10, eax=0x0800, ebx=0x0700)
    + rec(0x10, eax=0x1301, ebx=0x0707, ecx=4, edx=0xFF50, es=0x0050, data=b"wxyz"),
    "e820-loop": rec(0x15, eax=0xE820, ecx=24, edx=SMAP, es=0x0050, di=0)
    + rec(0x15, eax=0xE820, ebx=1, ecx=24, edx=SMAP, es=0x0050, di=0x20)
    + rec(0x15, eax=0xE820, ebx=2, ecx=20, edx=SMAP, es=0x0050, di=0x40)
    + rec(0x15, eax=0xE820, ecx=20, edx=SMAP, es=0xFFFF, di=0xFFF8)
    + rec(0x15, eax=0xE801) + rec(0x15, eax=0x8800) + rec(0x15, eax=0xC000)
    + rec(0x15, eax=0x2401) + rec(0x15, eax=0x2402) + rec(0x15, eax=0x2403)
    + rec(0x15, eax=0x8600, ecx=0, edx=1000) + rec(0x15, eax=0x8600, us=2000)
    + rec(0x15, eax=0x4F1E) + rec(0x11) + rec(0x12),
    "keyboard": rec(0x16, eax=0x0100) + rec(0x16, eax=0x0000)
    + b"".join(rec(0x09, port=code) for code in
               (0x1E, 0x9E, 0x2A, 0x1E, 0x9E, 0xAA, 0x1D, 0x2E, 0x9D, 0x3A, 0x10, 0xE0, 0x48,
                0x38, 0x3B, 0xB8, 0x1C))
    + rec(0x16, eax=0x0100) + rec(0x16, eax=0x0000) + rec(0x16, eax=0x1000)
    + rec(0x16, eax=0x1100) + rec(0x16, eax=0x0200) + rec(0x16, eax=0x1200)
    + rec(0x16, eax=0x0305) + rec(0x16, eax=0x0500, ecx=0x3920) * 17
    + rec(0x16, eax=0x0000) * 4,
    "clock-serial-disk": rec(0x1A, eax=0x0100, ecx=0x0018, edx=0x00AF) + rec(0x08) * 3
    + rec(0x1A, eax=0x0000) + rec(0x1A, eax=0x0000) + rec(0x1A, eax=0x0200, port=0x12)
    + rec(0x1A, eax=0x0300, ecx=0x2359, edx=0x5900, port=0x04) + rec(0x1A, eax=0x0400)
    + rec(0x1A, eax=0x0500, ecx=0x2026, edx=0x0101) + rec(0x1A, eax=0x0700)
    + rec(0x14, eax=0x00E3) + rec(0x14, eax=0x0141, port=0x60) + rec(0x14, eax=0x0200)
    + rec(0x14, eax=0x0300) + rec(0x14, eax=0x0100, edx=1) + rec(0x17, eax=0x0200)
    + rec(0x13, eax=0x0201, ebx=0x7C00, ecx=0x0001, edx=0x0000)
    + rec(0x13, eax=0x4200, edx=0x0000, si=0x600, ds=0, at_ds_si=True,
          data=struct.pack("<BBHHHQ", 16, 0, 2, 0x8000, 0, 17))
    + rec(0x13, eax=0x0100) + rec(0x13, eax=0x0800) + rec(0x13, eax=0x0201, edx=0x0080)
    + rec("reset") + rec("reset") + rec(0x19),
}


def main():
    out = os.path.join(HERE, "corpus", "bios")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        assert len(data) % 48 == 0 and len(data) // 48 <= 64, name
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
