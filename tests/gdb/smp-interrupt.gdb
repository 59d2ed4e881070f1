# guest: smp.bin
# gdb-file: smp.elf
# stub-args: --cpus 8
# Ctrl-C stops all of 8 vCPUs busy adding to the shared counter (all-stop):
# promptly, every one of them started and in protected mode, the counter
# part way; `continue` then runs them on to the exact total.
python
import threading, time
def interrupt():
    gdb.execute("interrupt")
started = time.monotonic()
threading.Timer(0.05, lambda: gdb.post_event(interrupt)).start()
end
continue
python print("stopped within a second: %s" % (time.monotonic() - started < 1.0))
python print("threads: %d" % len(gdb.selected_inferior().threads()))
python print("all in protected mode: %s" % all("protected mode" in (t.details or "") for t in gdb.selected_inferior().threads()))
printf "counter part way: %d\n", *(int*)&counter < 8000000
continue
