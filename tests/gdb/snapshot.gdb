# guest: primes.bin
# gdb-file: primes.elf
# stub-args: --halt stop
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# monitor snapshot: save at a breakpoint (a patched one on vtx: the
# snapshot holds the guest's byte, not the patch), run to the end, load,
# and the run from there prints the same output; registers and memory after
# the load equal those at the save.  Names are checked; list and delete.
python
regs = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags",
        "cs", "ss", "ds", "es", "fs", "gs"]
def regvals():
    return [int(gdb.parse_and_eval("$" + r)) for r in regs]
def memsum():
    import hashlib
    inf = gdb.selected_inferior()  # all of RAM but the MMIO page at 0xD0000
    m = bytes(inf.read_memory(0, 0xd0000)) + bytes(inf.read_memory(0xd1000, 0x2f000))
    return hashlib.sha1(m).hexdigest()
end
break factorial
mechanisms
continue
p $pc
python saved_regs = regvals()
python saved_mem = memsum()
monitor snapshot save a
monitor snapshot save b.2_x-Y
monitor snapshot list
delete
echo == to the end ==\n
continue
echo == load ==\n
set $ecx = 0x5555
set {char}0x600 = 0x77
monitor snapshot load a
maintenance flush register-cache
p $pc
python print("registers " + ("equal" if regvals() == saved_regs else "differ: %s %s" % (regvals(), saved_regs)))
python print("memory " + ("equal" if memsum() == saved_mem else "differs"))
p/x *(char*)0x600
echo == to the end again ==\n
continue
echo == names ==\n
monitor snapshot save bad/name
monitor snapshot save a b
monitor snapshot save 12345678901234567890123456789012345678901234567890123456789012345
monitor snapshot save 1234567890123456789012345678901234567890123456789012345678901234
monitor snapshot load nosuch
monitor snapshot load
monitor snapshot frob
monitor snapshot delete b.2_x-Y
monitor snapshot delete b.2_x-Y
monitor snapshot list
kill
