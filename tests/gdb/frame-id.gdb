# guest: hello.bin
# No symbols: after each register write GDB re-finds its selected frame by
# id, and lays out frame 0 by whether the byte at the pc is readable.  A pc
# moved outside RAM (a stale CS, then $eip_off) must not change frame 0's id,
# or an outer frame takes the old id and GDB selects it: writes then go to
# that frame ($pc: "Attempt to assign to an unmodifiable value").
set $esp = 0x1000
set $ebp = 0x1010
select-frame 0
set $cs = 0xffff
set $eip_off = 0x100
frame
set $eip_off = 0x10
p/x $pc
set $pc = 0x100020
p/x $eip_off
frame
echo == outside RAM reads as all ones ==\n
x/2xb $pc
kill
