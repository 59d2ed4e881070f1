# guest: spin.bin
# gdb-file: spin.elf
# Ctrl-C (0x03) stops a guest spinning in a tight loop, quickly, and the
# guest's output reached GDB's console as it was produced.
python
import threading, time
def interrupt():
    gdb.execute("interrupt")
started = time.monotonic()
threading.Timer(0.5, lambda: gdb.post_event(interrupt)).start()
end
continue
python
elapsed = time.monotonic() - started
print("stopped after %s" % ("a fraction of a second" if elapsed < 1.5 else "%.1f s" % elapsed))
end
p $pc == &spin || $pc == (char*)&spin + 2
x/i $pc
echo == again ==\n
python
started = time.monotonic()
threading.Timer(0.3, lambda: gdb.post_event(interrupt)).start()
end
continue
python
elapsed = time.monotonic() - started
print("stopped after %s" % ("a fraction of a second" if elapsed < 1.5 else "%.1f s" % elapsed))
end
kill
