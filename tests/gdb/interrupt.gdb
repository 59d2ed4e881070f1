# guest: spin.bin
# gdb-file: spin.elf
# Ctrl-C (0x03) stops a guest spinning in a tight loop, quickly, twice; each
# time the guest is inside its loop, and its counter (ecx) grew in between:
# the first stop left it running on after `continue`.  The guest's output
# reached GDB's console as it was produced.
python
import threading, time
def interrupt():
    gdb.execute("interrupt")
def interrupt_after(seconds):
    global started
    started = time.monotonic()
    threading.Timer(seconds, lambda: gdb.post_event(interrupt)).start()
def report():
    elapsed = time.monotonic() - started
    print("stopped after %s" % ("a fraction of a second" if elapsed < 1.5 else "%.1f s" % elapsed))
interrupt_after(0.5)
end
continue
python report()
p $pc == &spin || $pc == (char*)&spin + 2
p $ecx > 0 && $cs == 0 && $eip_off == $pc
set $count = $ecx
x/i $pc
echo == again ==\n
python interrupt_after(0.3)
continue
python report()
p $pc == &spin || $pc == (char*)&spin + 2
p $ecx > $count && $cs == 0 && $eip_off == $pc
x/i $pc
kill
