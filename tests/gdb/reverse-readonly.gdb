# guest: c-guest.bin
# gdb-file: c-guest.elf
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# The past is read-only: after reverse-continue, writing a register or
# guest memory fails with GDB's errors and changes nothing, and `monitor
# snapshot save/load` are refused (no snapshot is made); back at the present
# (forward to the end of history) memory can be written again.
monitor record on
python
def attempt(cmd):
    try:
        out = gdb.execute(cmd, to_string=True)
        print("done: %s: %s" % (cmd, out.strip()))
    except gdb.error as e:
        print("error: %s: %s" % (cmd, e))
end
break square
mechanisms
continue
continue
reverse-continue
set $eax_was = $eax
set $counter_was = counter
python attempt("set $eax = $eax + 0x100")
python attempt("set var counter = 5")
python attempt("monitor snapshot save x")
python attempt("monitor snapshot load x")
p $eax == $eax_was && counter == $counter_was
monitor snapshot list
continue
set $counter_now = counter
python attempt("set var counter = counter + 10")
p counter == $counter_now + 10
set var counter = $counter_now
delete
continue
