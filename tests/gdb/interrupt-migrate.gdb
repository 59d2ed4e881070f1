# guest: spin.bin
# gdb-file: spin.elf
# Ctrl-C at many moments while the guest moves between CPUs: an rwatch
# moves it to the built-in CPU at the next continue (on KVM and the VT-x
# model), deleting it moves it back.  Every Ctrl-C must stop the guest
# (SIGINT, in its loop) at once; one lost for 5 s ends GDB with a message.
break *spin
continue
delete
python
import os, threading

stops = []
gdb.events.stop.connect(lambda ev: stops.append(getattr(ev, "stop_signal", "?")))
spin = int(gdb.parse_and_eval("(int)&spin"))
delays = (0, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.02)
tally = {"SIGINT stops": 0, "in the loop": 0}

def interrupt():
    gdb.execute("interrupt")

def lost(delay):
    # A second Ctrl-C would make GDB give up waiting: end here instead.
    print("a Ctrl-C %g s after continue was lost: no stop after 5 s" % delay, flush=True)
    os._exit(1)

def run(delay):
    threading.Timer(delay, lambda: gdb.post_event(interrupt)).start()
    dog = threading.Timer(5.0, lost, (delay,))
    dog.start()
    del stops[:]
    gdb.execute("continue")
    dog.cancel()
    tally["SIGINT stops"] += stops == ["SIGINT"]
    pc = int(gdb.parse_and_eval("$pc"))
    tally["in the loop"] += pc in (spin, spin + 2)

rounds = 0
for i in range(8 * len(delays)):
    d = delays[i % len(delays)]
    gdb.execute("rwatch *(char*)0x7000")
    run(d)
    gdb.execute("delete")
    run(delays[-1 - i % len(delays)])
    rounds += 2
print("continues: %d" % rounds)
for k in sorted(tally):
    print("%s: %d" % (k, tally[k]))
end
monitor debug
kill
