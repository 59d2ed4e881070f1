# guest: c-guest.bin
# gdb-file: c-guest.elf
# stub-args: --console stdout
# stub-stdout: 1^2=1 2^2=4 3^2=9 4^2=16 5^2=25
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# mechanism-kvm: 2=built-in CPU
# mechanism-vtx: 2=built-in CPU
# Reverse execution of the C guest (recorded from `monitor record on`, which
# KVM needs and the built-in CPU ignores): reverse-continue to the earlier
# hits of a breakpoint, reverse-stepi and stepi back to the same pc,
# reverse-finish, reverse-next and reverse-step through main's loop, a
# forward continue that replays the recorded hits and stops at the end of
# history, a watchpoint hit backwards before the write, then live again to
# the end.  The guest's console line comes out once, whole: a replay runs
# no devices.
monitor record on
python
def line_start():
    pc = int(gdb.parse_and_eval("$pc"))
    print("at a line's start: %s" % (gdb.find_pc_line(pc).pc == pc))
end
break square
mechanisms
continue
continue
continue
p x
p counter
reverse-continue
p x
reverse-continue
p x
set $at = $pc
set $sp_at = $sp
set $ret = *(unsigned int *)$sp
reverse-stepi
p $sp == $sp_at + 4 && $pc < $ret && $ret <= $pc + 6
stepi
p $pc == $at
reverse-finish
reverse-next
python line_start()
reverse-next
python line_start()
reverse-step
reverse-finish
continue
continue
continue
p x
p counter
delete
watch counter
mechanisms
reverse-continue
p counter
stepi
p counter
reverse-stepi
p counter
monitor record
delete
continue
monitor record
continue
