# guest: hello.bin
# monitor commands; `stats` and `debug` name this variant's backend and debug
# model exactly, and `debug` which hypercall instructions reach the VMM.
monitor help
monitor registers
monitor stats
monitor debug
monitor catch-port out 0x3f8
continue
p/x $al
monitor uncatch-port all
monitor bogus
kill
