# guest: echo.bin
# gdb-file: echo.elf
# stub-stdin: hi there\n
# COM1 input while GDB is attached: the stub's stdin reaches the guest's
# UART, echo.bin writes it back, and GDB's console shows it (O packets).
# At the end of input the guest halts: GDB sees the program exit.
continue
