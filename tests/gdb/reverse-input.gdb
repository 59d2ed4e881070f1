# guest: echo.bin
# gdb-file: echo.elf
# stub-stdin: hello\n
# stub-args: --halt stop --console stdout
# stub-stdout: hello
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# COM1 input replays byte-exact: echo.bin reads "hello\n" from the stub's
# stdin and writes it back; from its halt, reverse-continue to the `out`
# finds each byte it read, newest first, with its status and data reads
# answered as they were; from the oldest point forward again to the first
# byte, on to the end of history (a replay: stdin is not read again, the
# echo is not printed again: the stub's stdout has "hello" once, whole), and
# the guest's halt once more.
set architecture i8086
monitor record on
continue
p $pc == (int)&done + 1
break *((char *)&done - 6)
mechanisms
reverse-continue
p/x $al
reverse-continue
p/c $al
reverse-continue
p/c $al
reverse-continue
p/c $al
reverse-continue
p/c $al
reverse-continue
p/c $al
reverse-continue
continue
p/c $al
delete
continue
monitor record
continue
