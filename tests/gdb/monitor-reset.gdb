# guest: watch.bin
# gdb-file: watch.elf
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# monitor reset: the image is reloaded (bytes GDB or the guest wrote are
# back to their image values, RAM outside the image is zero again), the CPU
# is at the entry point with reset registers, and the guest runs again.
break *w_dword
mechanisms
continue
p/x *(char*)0x500
p/x *(int*)0x504
p/x $esp
set {char}_start = 0x90
x/xb _start
set $ecx = 0x1234
monitor reset
maintenance flush register-cache
echo == after reset ==\n
p $pc
p/x $esp
p/x $ecx
info registers eflags
x/xb _start
p/x *(char*)0x500
p/x *(int*)0x504
echo == runs again ==\n
mechanisms
continue
p $pc
p/x *(char*)0x500
kill
