# guest: c-guest.bin
# gdb-file: c-guest.elf
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# A hardware breakpoint going backwards, `set exec-direction reverse` (then
# `continue` and `stepi` go back, as reverse-continue and reverse-stepi do),
# and reverse-nexti over a call: from the instruction after `call square`
# it goes back over the whole call, to the call in main (with no
# breakpoint inside, which would stop it as it stops `next`).
monitor record on
hbreak square
mechanisms
continue
continue
continue
p x
set exec-direction reverse
continue
p x
stepi
python print("after a backward stepi: in %s" % gdb.selected_frame().name())
set exec-direction forward
stepi
p $pc == (int)&square && x == 2
delete
finish
python print("after finish: in %s, at a call: %s" % (gdb.selected_frame().name(), "call" in gdb.execute("x/i $pc", to_string=True)))
reverse-nexti
python print("after reverse-nexti: in %s, at a call: %s" % (gdb.selected_frame().name(), "call" in gdb.execute("x/i $pc", to_string=True)))
stepi
p $pc == (int)&square && x == 2
continue
