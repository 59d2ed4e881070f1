# machine: the PC devices from a guest's side: PIT ticks on IRQ 0 while the
# CPU sleeps in hlt (idle, not spinning), the CMOS clock and NVRAM with
# periodic interrupts on IRQ 8, and the Goldfish RTC over MMIO with its
# alarm on IRQ 10; --clock makes the times exact.
. "$srcdir/tests/lib.sh"
clock=--clock=2000-01-01T00:00:00

# PIT: 100 ticks at 100 Hz, one wake-up each, in about a second; the host
# CPU stays idle meanwhile (CPU time well under the wall time).
"$KVM_GDBSTUB" --accel "$KVM_GDBSTUB_ACCEL" "$GUESTS/pit.bin" > out 2> err &
pid=$!
wait $pid
expect_status 0 $? "pit.bin"
sed -n 1p out > got
printf '100 ticks\n' > want
expect_same want got "pit.bin ticks"
# One wake-up per tick, less any tick that lands while a stalled host thread
# runs the few instructions between two hlts; a spinning hlt gives thousands.
wakeups=$(sed -n 's/^\([0-9]*\) wake-ups$/\1/p' out)
[ -n "$wakeups" ] && [ "$wakeups" -ge 90 ] && [ "$wakeups" -le 100 ] ||
	fail "pit.bin woke ${wakeups:-?} times for 100 ticks"
ms=$(sed -n 's/^\([0-9]*\) ms$/\1/p' out)
[ -n "$ms" ] && [ "$ms" -ge 900 ] && [ "$ms" -le 5000 ] ||
	fail "100 ticks at 100 Hz took '${ms:-?}' ms"
/usr/bin/time -f '%U %S' -o cpu "$KVM_GDBSTUB" --accel "$KVM_GDBSTUB_ACCEL" "$GUESTS/pit.bin" > /dev/null 2>&1
cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' cpu)
[ "$cpu" -lt 300 ] || fail "pit.bin used $cpu ms of CPU for a second of sleeping in hlt"

# CMOS: date and time as BCD and binary, NVRAM, 256 periodic interrupts.
vmm "$clock" "$GUESTS/cmos.bin" > out 2> err
expect_status 0 $? "cmos.bin"
cat > want <<'END'
CMOS 2000-01-01 00:00 weekday 07
binary month 1
NVRAM ok
256 periodic interrupts
END
expect_same want out "cmos.bin output"

# The MMIO RTC: the time's high half, then the alarm's interrupt.
vmm "$clock" "$GUESTS/rtc-mmio.bin" > out 2> err
expect_status 0 $? "rtc-mmio.bin"
printf 'TIME_HIGH 0d234ccf\nalarm fired, ALARM_STATUS 0\n' > want
expect_same want out "rtc-mmio.bin output"

# The MMIO page is a hole in RAM whatever the RAM size.
vmm "$clock" --mem 16M "$GUESTS/rtc-mmio.bin" > out 2> err
expect_status 0 $? "rtc-mmio.bin with 16 MiB"
expect_same want out "rtc-mmio.bin output with 16 MiB"
finish
