# guest: vmcall.bin
# Hypercalls by vmcall under GDB.  Where the vCPU hands vmcall to the VMM
# (the built-in CPU) the guest runs to the catchpoint after its first
# console write.  Where this host's KVM spins in the kernel on it, the guest
# is stuck at its first vmcall: Ctrl-C still stops it, and GDB is told why.
monitor catch-hypercall 1
python
import threading
timer = threading.Timer(1.0, lambda: gdb.post_event(lambda: gdb.execute("interrupt")))
timer.start()
end
continue
python timer.cancel()
x/i $pc - 3
kill
