# guest: hello.bin
# stub-args: --mem 64K
# Memory at the end of a 64 KiB RAM.  Reads outside RAM return all ones, as
# the guest's own reads of unassigned memory do (and so GDB's unwinder never
# mistakes a frame for another when the pc leaves RAM: frame-id.gdb).  A
# write with any byte outside RAM gets E0e (EFAULT) and writes nothing.  The
# stub stays up.
echo == raw packets ==\n
maint packet mfffe,2
maint packet mfffe,4
maint packet m10000,1
maint packet Mfffe,4:11223344
maint packet mfffe,2
echo == GDB ==\n
python
for cmd in ("x/4xb 0xfffe", "x/wx 0xfffe", "x/xb 0x10000", "x/xb 0x80000000",
            "x/xb 0xffffffff", "set {char}0x10000 = 1", "set {int}0xfffe = 0x11223344",
            "set {char}0xffffffff = 1"):
    try:
        gdb.execute(cmd)
    except gdb.MemoryError as e:
        print("error:", e)
end
p/x *(short*)0xfffe
set {short}0xfffe = 0x5566
p/x *(short*)0xfffe
x/2xb 0xfffe
echo == still serving ==\n
stepi
p/x $pc
x/2i 0
kill
