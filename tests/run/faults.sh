# Guest faults and runaway guests: reported with the reason, CS:IP and the
# registers, each with its own exit status.
. "$srcdir/tests/lib.sh"
# lidt [0x20] (a zero-limit IDT); set CR0.PE; int3 -> #GP -> #DF -> triple
# fault.  KVM on hosts without VT-x/AMD-V emulates this code and cannot
# deliver the exception: it reports an emulation failure at the same place.
raw_guest triple.bin '\017\001\036\040\000\017\040\300\014\001\017\042\300\314'
head -c 32 /dev/zero >> triple.bin
vmm triple.bin > out 2> err
expect_status 5 $? "triple fault"
if [ "$KVM_GDBSTUB_ACCEL" = emu ]; then
	expect_grep 'shut down (triple fault)' err "triple fault named"
else
	expect_grep 'triple fault\|emulation failed' err "triple fault named"
fi
expect_grep 'at 0000:000d' err "CS:IP of the fault"
expect_grep '^eax=60000011' err "registers shown"
expect_grep 'protected mode' err "mode shown"

# jmp $: never halts; --timeout ends it
raw_guest spin.bin '\353\376'
vmm --timeout 0.3 spin.bin > out 2> err
expect_status 6 $? "timeout"
expect_grep 'did not halt within 0.3 s' err "timeout named"
expect_grep 'at 0000:0000' err "timeout CS:IP"

# far jump to 0x2000:0, outside 64 KiB of RAM: execution outside RAM
raw_guest away.bin '\352\000\000\000\040'
vmm --mem 64K --timeout 5 away.bin > out 2> err
expect_status 5 $? "execution outside RAM"
expect_grep 'INTERNAL_ERROR' err "emulation failure named"

# mov byte [es:0], 1 with ES=0x2000 (outside 64 KiB): reported, ignored; hlt
raw_guest mmio.bin '\270\000\040\216\300\046\306\006\000\000\001\364'
vmm --mem 64K mmio.bin > out 2> err
expect_status 0 $? "write outside RAM"
expect_grep 'write of 1 byte at 0x20000, outside guest RAM' err "MMIO write reported"
finish
