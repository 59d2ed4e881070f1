# guest: chatty.bin
# gdb-file: chatty.elf
# monitor catch-port set after 300 COM1 writes (KVM queues COM1 output after
# 256): the catchpoint still stops right after the next write, also when it
# is set while the built-in CPU stands in for KVM (an rwatch is set) and the
# guest goes back to KVM before the write.
break *dots_done
continue
p $pc == &dots_done
monitor catch-port out 0x3f8
continue
p $pc == &after_newline
p/x $al
echo == set while the built-in CPU stands in ==\n
monitor uncatch-port all
rwatch *(char*)0x7000
stepi
p $pc == (char*)&after_newline + 2
monitor catch-port out 0x3f8
delete
continue
p $pc == &after_a
p/x $al
continue
p $pc == &after_b
p/x $al
monitor uncatch-port all
continue
