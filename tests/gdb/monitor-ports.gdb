# guest: echo.bin
# gdb-file: echo.elf
# stub-stdin: ab\n
# Port catchpoints: monitor ports, catch-port in, uncatch-port.  A read
# catchpoint stops right after the `in`, with the value read in AL.
monitor ports
monitor catch-port in 0x3fd
monitor ports
continue
p $pc
p/x $al
echo == data port ==\n
monitor uncatch-port 0x3fd
monitor catch-port out 0x3f8
monitor catch-port in 0x3f8
monitor ports
monitor uncatch-port 0x3f8
monitor ports
monitor catch-port in 0x3f8
monitor ports
continue
p $pc
p/x $al
continue
p/x $al
echo == uncaught ==\n
monitor uncatch-port all
monitor ports
continue
