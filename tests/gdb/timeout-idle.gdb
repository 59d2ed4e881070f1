# guest: spin.bin
# gdb-file: spin.elf
# stub-args: --timeout 2
# stub-status: 6
# stub-stderr: ~^kvm-gdbstub: guest did not halt within 2 s \(--timeout\) at 0000:0002 \(linear 0x2\)$
# stub-stderr: eax=00000000 ecx=00000000 edx=00000000 ebx=00000000
# --timeout while the guest is stopped and GDB idle: the time counts from
# the start of the run, not only while the guest runs.  The stub reports the
# stopped state and exits with 6; an X reply GDB did not ask for would be
# taken for the reply to its next packet, so GDB learns from the closed
# connection at its next request.
stepi
p $pc
python
import time
time.sleep(3)
try:
    gdb.execute("x/2xb 0")
except gdb.error as e:
    print("error:", e)
end
