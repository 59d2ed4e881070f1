# guest: hello.bin
# Memory: reads, writes, dump/restore; outside guest RAM reads give all
# ones (as the guest's own reads do), writes and reads past 4 GiB an error.
p/x *(short*)0
x/4xb 0
set {char}0x600 = 1
p *(char*)0x600
set {int}0x500 = 0x11223344
p/x *(short*)0x500
p/x *(short*)0x502
dump binary memory mem.bin 0 0x40
restore mem.bin binary 0x1000
p/x *(int*)0x1000
x/wx 0xffffc
echo == outside RAM ==\n
python
for cmd in ("x/x 0x100000", "set {char}0x100000 = 1", "x/2xb 0xfffff",
            "x/x 0xffffffff", "p *(int*)0xfffffffe", "set {short}0xfffff = 0"):
    try:
        gdb.execute(cmd)
    except gdb.MemoryError as e:
        print("error:", e)
end
p *(char*)0xfffff
echo == still serving ==\n
p/x $pc
kill
