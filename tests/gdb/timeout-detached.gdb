# guest: spin.bin
# gdb-file: spin.elf
# stub-args: --timeout 2
# stub-status: 6
# stub-stderr: ~^kvm-gdbstub: guest did not halt within 2 s \(--timeout\) at 0000:000[ac] \(linear 0x[ac]\)$
# stub-stderr: ~^eax=00000000 ecx=[0-9a-f]{8} edx=00000000 ebx=00000000$
# stub-stdout: spinning
# --timeout after GDB detached: the guest runs on without a debugger (its
# output to stdout) until the time is up, then the stub reports and exits 6.
detach
