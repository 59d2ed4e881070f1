# guest: c-guest.bin
# gdb-file: c-guest.elf
# stub-args: --no-record
# stub-stderr-not: replay did not reproduce
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# mechanism-kvm: 1=built-in CPU
# mechanism-vtx: 1=built-in CPU
# --no-record (and KVM, which never records by itself): nothing is recorded,
# so reverse-stepi fails with the stub's reason and `monitor record` says
# so, the guest does not move; `monitor record on` then records from that
# moment: reverse-continue from the breakpoint's next hit goes back to that
# moment, and no further.
break square
mechanisms
continue
set $at = $pc
reverse-stepi
p $pc == $at
monitor record
monitor record on
mechanisms
continue
p x
reverse-continue
p x
reverse-stepi
p $pc == $at && x == 1
monitor record
delete
continue
continue
