# guest: spin.bin
# gdb-file: spin.elf
# stub-stderr-not: replay did not reproduce
# Ctrl-C during a long reverse-continue: the guest spins for a second
# (recorded), then reverse-continue with no breakpoint or watchpoint, which
# would replay back to the first instruction, is interrupted after 0.3 s:
# GDB reports SIGINT, the guest stands in its loop somewhere in the past
# with a smaller counter, and `monitor record` says how far back; a
# forward continue replays to the end of history, with the counter back
# where it was.
monitor record on
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
interrupt_after(1.0)
end
continue
set $count = $ecx
python interrupt_after(0.3)
reverse-continue
python report()
p $pc == &spin || $pc == (char*)&spin + 2
p $ecx < $count && $ecx > 0
p $ecx
p $count
monitor record
continue
p $ecx == $count
monitor record
kill
