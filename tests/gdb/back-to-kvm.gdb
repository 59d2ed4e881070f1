# guest: watch.bin
# gdb-file: watch.elf
# A watchpoint KVM cannot serve moves the guest to the built-in CPU; once the
# last one is deleted, the next run is on KVM again (`monitor debug` says
# where the guest last ran).  On the built-in CPU nothing moves.
python
import os
own = ("KVM" if os.environ.get("KVM_GDBSTUB_ACCEL") == "kvm"
       else "the built-in CPU playing KVM" if os.environ.get("KVM_GDBSTUB_DEBUG_MODEL") == "vtx"
       else "the built-in CPU")
stand_in = own if own == "the built-in CPU" else "the built-in CPU standing in for " + own
def ran_on(label, want):
    out = gdb.execute("monitor debug", to_string=True)
    got = [l for l in out.splitlines() if l.startswith("the guest last ran on: ")]
    ok = got == ["the guest last ran on: " + want]
    print("ran on %s: %s" % (label, "yes" if ok else "NO, %s" % got))
end
python ran_on("its own CPU", own)
rwatch *(char*)0x7000
break *w_word
continue
p $pc == &w_word
python ran_on("the stand-in", stand_in)
delete 1
python ran_on("the stand-in", stand_in)
break *r_byte
continue
p $pc == &r_byte
python ran_on("its own CPU", own)
monitor debug
delete
continue
