# smp: several vCPUs.  guest/smp.bin starts the others with INIT-SIPI-SIPI
# through the local APIC (in protected mode), guest/smp-hc.bin with the
# start-vCPU hypercall (real mode only); every vCPU adds 1,000,000 to a
# shared counter with `lock xadd`, so the total is exact only if each add
# is atomic; each application processor says it is up, under a spinlock.
# KVM on this project's machines emulates every instruction (about 1 us
# each): its 8-vCPU runs take some 15 s each.
. "$srcdir/tests/lib.sh"
counts="1 2 4 8"

# want_ups N: "CPU 1 up" .. "CPU N-1 up", sorted (the APs race for the lock).
want_ups() {
	i=1
	while [ "$i" -lt "$1" ]; do echo "CPU $i up"; i=$((i + 1)); done | sort
}

for n in $counts; do
	vmm --cpus "$n" "$GUESTS/smp.bin" > out 2> err
	expect_status 0 $? "smp.bin with $n vCPUs"
	want_ups "$n" > want
	grep '^CPU' out | sort > got
	expect_same want got "smp.bin with $n vCPUs: every AP up, once"
	printf 'total %d\n' $((n * 1000000)) > want
	tail -n 1 out > got
	expect_same want got "smp.bin with $n vCPUs: the exact total"
	grep -q 'disagree' out && fail "smp.bin with $n vCPUs: CPUID's APIC ID is not the APIC's"
done

for n in $counts; do
	vmm --cpus "$n" "$GUESTS/smp-hc.bin" > out 2> err
	expect_status 0 $? "smp-hc.bin with $n vCPUs"
	want_ups "$n" > want
	grep '^CPU' out | sort > got
	expect_same want got "smp-hc.bin with $n vCPUs: every AP up, once"
	expect_grep '^starting a running or missing vCPU is refused$' out "smp-hc.bin: refused starts"
	printf 'total %d\n' $((n * 1000000)) > want
	tail -n 1 out > got
	expect_same want got "smp-hc.bin with $n vCPUs: the exact total"
done

# The same interleaving every run on the built-in CPU: the exits of two
# runs, CPU by CPU, are identical.
if [ "$KVM_GDBSTUB_ACCEL" = emu ]; then
	vmm --cpus 4 -v "$GUESTS/smp.bin" > /dev/null 2> trace1
	vmm --cpus 4 -v "$GUESTS/smp.bin" > /dev/null 2> trace2
	grep -v INTR trace1 > t1
	grep -v INTR trace2 > t2
	expect_same t1 t2 "smp.bin's exits are the same in two runs"
	expect_grep '(CPU 3)' trace1 "-v names the vCPU of each exit"
fi

# Bad --cpus values are usage errors.
for bad in 0 65 -1 x; do
	vmm --cpus "$bad" "$GUESTS/smp.bin" > out 2> err
	expect_status 2 $? "--cpus $bad"
done
finish
