# guest: pit-quiet.bin
# gdb-file: pit-quiet.elf
# Ctrl-C while the CPU sleeps in `sti; hlt` with nothing due for seconds
# (the PIT masked after 10 ticks, the RTC alarm 2.5 s away): the stop comes
# at once, not at the next interrupt, with the pc right after the hlt and
# IF = 1; `continue` goes back to sleep, the alarm wakes the guest once, and
# it ends with its normal output.
set architecture i8086
python
import threading, time
def interrupt():
    gdb.execute("interrupt")
def interrupt_after(seconds):
    global asked
    def ask():
        global asked
        asked = time.monotonic()
        gdb.post_event(interrupt)
    threading.Timer(seconds, ask).start()
def report():
    latency = time.monotonic() - asked
    print("stopped %s" % ("within a second" if latency < 1.0 else "after %.1f s" % latency))
interrupt_after(0.6)
end
continue
python report()
x/i $pc - 1
x/i $pc
p $pc == (int)&woke && ($eflags & 0x200) != 0
p *(int *)&ticks == 10 && *(char *)&fired == 0
continue
