# guest: spin.bin
# gdb-file: spin.elf
# stub-args: --history 1M
# stub-stderr-not: replay did not reproduce
# A small history budget (--history 1M, the least): the guest spins until
# the oldest checkpoints have been dropped to stay within it (run in steps
# of half a second until `monitor record` says so: slower hosts and
# valgrind need more); reverse-continue then ends at the oldest point kept,
# "No more reverse-execution history.", in the loop long after the guest's
# start (the counter well above 0); a forward continue goes back to the end
# of history, the counter as it was.
monitor record on
python
import re, threading
def interrupt():
    gdb.execute("interrupt")
def dropped():
    out = gdb.execute("monitor record", to_string=True)
    return int(re.search(r"; (\d+) checkpoints dropped", out).group(1))
tries = 0
while dropped() == 0 and tries < 120:
    threading.Timer(0.5, lambda: gdb.post_event(interrupt)).start()
    gdb.execute("continue", to_string=True)
    tries += 1
print("checkpoints dropped: %s" % ("some" if dropped() > 0 else "none"))
end
monitor record
set $count = $ecx
reverse-continue
p $pc == &spin || $pc == (char*)&spin + 2
p $ecx > 1000 && $ecx < $count
monitor record
continue
p $ecx == $count
kill
