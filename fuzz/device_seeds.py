#!/usr/bin/env python3
"""Write the seeds of fuzz/corpus/devices: realistic operation sequences for
fuzz/fuzz_devices.c (its op encoding; keep the two in step).

    fuzz/device_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
(PORT_READ, PORT_WRITE, MMIO_READ, MMIO_WRITE, ADVANCE, RUN_TIMERS, INTA, INTA_IF_PENDING,
 IRQ_RAISE, IRQ_LOWER, IRQ_PULSE, KEYS, SCREEN, SNAPSHOT) = range(14)
ANY_PORT = 0xFF  # past fuzz_devices.c's device port table: a 16-bit port follows
PORT_SIZE = {1: 0, 2: 1, 4: 2}
MMIO_SIZE = {1: 0, 2: 1, 4: 2, 8: 3}
EPOCH_NS = 946684800 * 10**9  # the fuzzer's wall clock at virtual time 0


def outp(port, value, size=1):
    return bytes([PORT_WRITE, ANY_PORT]) + struct.pack("<HBI", port, PORT_SIZE[size], value)


def inp(port, size=1):
    return bytes([PORT_READ, ANY_PORT]) + struct.pack("<HB", port, PORT_SIZE[size])


def mmio_write(offset, value, size=4):
    return bytes([MMIO_WRITE]) + struct.pack("<HBQ", offset + 16, MMIO_SIZE[size], value)


def mmio_read(offset, size=4):
    return bytes([MMIO_READ]) + struct.pack("<HB", offset + 16, MMIO_SIZE[size])


def advance(ns):
    """Advance by about ns: a 16-bit amount and a shift."""
    shift = 0
    while ns >> shift > 0xFFFF:
        shift += 1
    return bytes([ADVANCE]) + struct.pack("<HB", ns >> shift, shift)


def op(code, *args):
    return bytes([code, *args])


def tick(eoi_ports=(0x20,)):
    """Run the timers, take the interrupt if there is one, EOI."""
    return op(RUN_TIMERS) + op(INTA_IF_PENDING) + b"".join(outp(p, 0x20) for p in eoi_ports)


PIC_INIT = (outp(0x20, 0x11) + outp(0x21, 0x20) + outp(0x21, 0x04) + outp(0x21, 0x01) +
            outp(0xA0, 0x11) + outp(0xA1, 0x28) + outp(0xA1, 0x02) + outp(0xA1, 0x01) +
            outp(0x21, 0xFA) + outp(0xA1, 0xFF))


def pic_seed():
    s = PIC_INIT + op(IRQ_PULSE, 0) + op(INTA_IF_PENDING)
    s += outp(0x20, 0x0B) + inp(0x20) + outp(0x20, 0x0A) + inp(0x20) + inp(0x21)
    s += outp(0x20, 0x20) + op(INTA)  # nothing pending: spurious IR 7
    s += op(IRQ_RAISE, 1) + op(IRQ_RAISE, 0) + op(INTA) + op(INTA) + op(IRQ_LOWER, 1)
    s += outp(0x20, 0x60) + outp(0x20, 0x61) + outp(0x20, 0xC7)  # specific EOIs, rotation
    s += outp(0x4D0, 0x01) + op(IRQ_RAISE, 0) + op(INTA) + outp(0x20, 0x0C) + inp(0x20)  # poll
    s += outp(0x20, 0x13) + outp(0x21, 0x08) + outp(0x21, 0x03)  # single mode, auto-EOI
    s += op(IRQ_PULSE, 3) + op(INTA) + op(SNAPSHOT)
    return s


def pit_seed():
    s = PIC_INIT + outp(0x43, 0x34) + outp(0x40, 1193 & 0xFF) + outp(0x40, 1193 >> 8)
    for _ in range(5):
        s += advance(1000000) + tick()
    s += outp(0x43, 0x00) + inp(0x40) + inp(0x40)  # latch channel 0
    s += outp(0x43, 0xC2) + inp(0x40) + inp(0x40) + inp(0x40)  # read-back: status, count
    s += outp(0x43, 0xB0) + outp(0x42, 0x00) + outp(0x42, 0x10)  # ch 2 mode 0
    s += outp(0x61, 0x01) + advance(3000000) + inp(0x61) + outp(0x61, 0x00)
    s += outp(0x43, 0x16) + outp(0x40, 0x00) + advance(60000000) + tick()  # mode 3, count 0
    s += outp(0x43, 0x38) + outp(0x40, 0x10, 2) + advance(1000) + tick() + op(SNAPSHOT)
    return s


def cmos_seed():
    s = PIC_INIT + outp(0x21, 0xF8) + outp(0xA1, 0xFE)  # IRQ 8 and the cascade open
    s += outp(0x70, 0x0A) + outp(0x71, 0x26) + outp(0x70, 0x0B) + outp(0x71, 0x42)
    for _ in range(4):
        s += advance(976563) + tick((0xA0, 0x20)) + outp(0x70, 0x0C) + inp(0x71)
    for reg in list(range(10)) + [0x32, 0x0A, 0x0D]:
        s += outp(0x70, 0x80 | reg) + inp(0x71)
    s += outp(0x70, 0x0B) + outp(0x71, 0x86)  # SET, binary, 24 h
    s += outp(0x70, 0x00) + outp(0x71, 59) + outp(0x70, 0x0B) + outp(0x71, 0x26)  # alarm on
    s += outp(0x70, 0x01) + outp(0x71, 0xFF) + advance(2 * 10**9) + tick((0xA0, 0x20))
    s += outp(0x70, 0x0C) + inp(0x71) + outp(0x70, 0x40) + outp(0x71, 0x5A) + inp(0x71)
    s += op(SNAPSHOT)
    return s


def rtc_seed():
    alarm = EPOCH_NS + 20 * 10**6
    s = PIC_INIT + outp(0x21, 0xF8) + outp(0xA1, 0xFB)  # IRQ 10 and the cascade open
    s += mmio_read(0x00) + mmio_read(0x04) + mmio_write(0x10, 1)
    s += mmio_write(0x0C, alarm >> 32) + mmio_write(0x08, alarm & 0xFFFFFFFF)
    s += mmio_read(0x18) + advance(20 * 10**6) + tick((0xA0, 0x20))
    s += mmio_write(0x1C, 1) + mmio_read(0x18) + mmio_write(0x14, 1)
    s += mmio_read(0x00, 8) + mmio_read(0x03, 2) + mmio_read(0x06, 4) + mmio_write(0x08, alarm, 8)
    s += mmio_read(0x1FF0) + mmio_write(0x0FFE, 0xFFFF, 4) + op(SNAPSHOT) + tick((0xA0, 0x20))
    return s


def host_seed():
    s = PIC_INIT + outp(0x21, 0xF8)
    s += outp(0x64, 0xAA) + inp(0x64) + inp(0x60) + outp(0x64, 0x20) + inp(0x60)
    s += op(KEYS, 2, 0x1E, 0x9E) + op(INTA_IF_PENDING) + inp(0x60) + outp(0x60, 0xFF) + inp(0x60)
    s += outp(0x64, 0xD1) + outp(0x60, 0xDD) + outp(0x92, 0x02) + inp(0x92)
    s += outp(0x3D4, 0x0E0F, 2) + outp(0x3D4, 0x500E, 2) + inp(0x3DA) + outp(0x3C0, 0x10)
    s += outp(0x3C0, 0x00) + outp(0x3C8, 0x01) + outp(0x3C9, 0x3F) + inp(0x3C9)
    s += op(SCREEN, 0xFF, 0x07) + op(SCREEN, 0x05, 0x00)
    s += outp(0x3F8, 0x41) + inp(0x3FD) + outp(0x3FB, 0x80) + outp(0x3F8, 0x01) + outp(0xE9, 0x42)
    s += inp(0x1234, 4) + outp(0xFFFF, 0x12345678, 4) + inp(0xFFFE, 4) + op(SNAPSHOT)
    return s


def main():
    d = os.path.join(HERE, "corpus", "devices")
    os.makedirs(d, exist_ok=True)
    seeds = {"pic": pic_seed(), "pit": pit_seed(), "cmos-periodic": cmos_seed(),
             "rtc-alarm": rtc_seed(), "kbd-vga-uart": host_seed()}
    seeds["all"] = b"".join(seeds.values())
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
