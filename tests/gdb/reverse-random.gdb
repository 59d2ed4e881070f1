# guest: primes.bin
# gdb-file: primes.elf
# stub-args: --halt stop
# Replay is exact.  From the start, 1500 live `stepi`s (the forward run)
# note a hash of every register and the guest's first 64 KiB at 40 random
# counts (a fixed seed); then reverse-stepi back through them, and stepi
# forward again (a replay), must find every hash again; 1500 reverse-stepi
# from the end come back to the start with every register and all 1 MiB of
# RAM (but the MMIO page) as they were there.  On KVM `monitor record on` hands the guest to the
# built-in CPU first.
set architecture i8086
monitor record on
python
import hashlib, random

def regs():
    return gdb.execute("info registers", to_string=True)

def ram(size):
    # all of it but the MMIO RTC's page at 0xD0000 (a device, not RAM)
    mem = gdb.selected_inferior()
    if size <= 0xd0000:
        return bytes(mem.read_memory(0, size))
    return bytes(mem.read_memory(0, 0xd0000)) + bytes(mem.read_memory(0xd1000, size - 0xd1000))

def state():
    return hashlib.sha1(regs().encode() + ram(0x10000)).hexdigest()

N = 1500
rng = random.Random(1729)
targets = sorted(rng.sample(range(1, N), 40))
start_regs, start_ram = regs(), ram(0x100000)
seen = {}
count = 0
for t in targets:
    gdb.execute("stepi %d" % (t - count), to_string=True)
    count = t
    seen[t] = state()
gdb.execute("stepi %d" % (N - count), to_string=True)
count = N
back = 0
for t in reversed(targets):
    gdb.execute("reverse-stepi %d" % (count - t), to_string=True)
    count = t
    back += seen[t] == state()
print("backward: %d of %d states as recorded" % (back, len(targets)))
fwd = 0
for t in targets:
    gdb.execute("stepi %d" % (t - count), to_string=True)
    count = t
    fwd += seen[t] == state()
print("forward in history: %d of %d states as recorded" % (fwd, len(targets)))
gdb.execute("stepi %d" % (N - count), to_string=True)
gdb.execute("reverse-stepi %d" % N, to_string=True)
print("at the start again: registers %s, RAM %s" %
      ("same" if regs() == start_regs else "DIFFERENT",
       "same" if ram(0x100000) == start_ram else "DIFFERENT"))
end
monitor record
