# guest: spin.bin
# gdb-file: spin.elf
# stub-args: --timeout 2
# stub-status: 6
# stub-stderr: ~^kvm-gdbstub: guest did not halt within 2 s \(--timeout\) at 0000:000[ac] \(linear 0x[ac]\)$
# stub-stderr: ~^eip=0000000[ac] eflags=00000[0-9a-f]{3} pc=0x[ac] real mode$
# stub-stderr: cs=0000 base=00000000 limit=0000ffff type=b
# --timeout under GDB, in the middle of a continue: the guest is terminated
# by SIGALRM (GDB gets X0e), the stub reports where it was and exits with 6.
python
import time
started = time.monotonic()
end
continue
python
elapsed = time.monotonic() - started
print("terminated %s" % ("within 2 s" if elapsed < 2.5 else "after %.1f s" % elapsed))
try:
    gdb.execute("info registers eip")
except gdb.error as e:
    print("error:", e)
end
