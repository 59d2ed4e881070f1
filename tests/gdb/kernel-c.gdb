# boot: pc/kernel.img
# gdb-file: pc/kernel.elf
# stub-args: --screen
# stub-stdin: sleep 5\necho hi there\nhalt\n
# stub-stdout: Halted.
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=debug register
# mechanism-kvm: 1=debug register, 2=debug register
# mechanism-vtx: 1=debug register, 2=int3 patch
# Source-level debugging of the example C kernel in protected mode: a
# breakpoint on a function, the backtrace through the shell, its arguments
# and locals, next over a call, a global the timer interrupt counts.
# The first stop is an hbreak: until the second stage has read the kernel
# an int3 patched into its memory would be overwritten; after it, break.
hbreak kernel_main
mechanisms
continue
p $pc == kernel_main
p/x $cs
p $esp < 0x20000
break cmd_echo
mechanisms
continue
bt
info args
up 2
info locals
p line
down 2
p ticks >= 5
ptype ticks
next
next
p args
finish
delete
continue
