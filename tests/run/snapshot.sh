# snapshot: `monitor snapshot write FILE` in a GDB session on this backend,
# then `kvm-gdbstub --restore FILE` in new processes on both backends runs
# on to the same output as the original run.  Damaged files (a flipped
# byte, truncated, wrong magic, another version, random bytes, empty) and a
# snapshot of another guest end with status 3 and a message, before
# anything runs.
. "$srcdir/tests/lib.sh"
command -v "${GDB:-gdb}" >/dev/null 2>&1 || { echo "SKIP: no gdb"; exit 77; }

cp "$GUESTS/primes.bin" primes.bin # a copy this test can change later
vmm primes.bin > full.out 2> full.err
expect_status 0 $? "primes.bin, a plain run"
sed -n '/^1!=1$/,$p' full.out > want # what follows the first factorial call
[ -s want ] || fail "primes.bin printed no factorials"

start_stub stub --halt stop primes.bin
timeout 60 "${GDB:-gdb}" -batch -nx "$GUESTS/primes.elf" -ex "target remote :$port" -ex 'break factorial' \
	-ex continue -ex "monitor snapshot write $tmp/snap" -ex kill > gdb.out 2>&1
expect_grep "snapshot written to $tmp/snap" gdb.out "monitor snapshot write"
[ -s snap ] || fail "no snapshot file"

backends=emu
"$KVM_GDBSTUB" --accel kvm "$GUESTS/minimal.bin" >/dev/null 2>&1
[ $? -ne 4 ] && backends="emu kvm"
for accel in $backends; do
	"$KVM_GDBSTUB" --accel "$accel" --restore snap > out 2> err
	expect_status 0 $? "--restore on $accel"
	expect_same want out "--restore on $accel runs on from the breakpoint"
done

# --boot: the BIOS's state and the disk come along (stopped at stage 2's
# entry, 0x7E00); the boot disk's path is
# the snapshot's.
vmm --boot "$GUESTS/pc/boot.img" --display none > boot-full.out 2> boot.err
expect_status 0 $? "boot.img, a plain run"
sed -n '/^Stage 2 loaded/,$p' boot-full.out > boot-want
start_stub bootstub --halt stop --display none --boot "$GUESTS/pc/boot.img"
timeout 60 "${GDB:-gdb}" -batch -nx -ex "target remote :$port" -ex 'break *0x7e00' \
	-ex continue -ex "monitor snapshot write $tmp/boot-snap" -ex kill > gdb-boot.out 2>&1
expect_grep "snapshot written to" gdb-boot.out "monitor snapshot write under --boot"
for accel in $backends; do
	"$KVM_GDBSTUB" --accel "$accel" --display none --restore boot-snap > out 2> err
	expect_status 0 $? "--restore of a --boot snapshot on $accel"
	expect_same boot-want out "--restore of a --boot snapshot on $accel: stage 2 runs on"
done
[ -s boot-want ] || fail "boot.img printed no stage 2 lines"

# Several vCPUs: every one's registers, run state and APIC come along.  At
# the BSP's `work` the APs are up or on their way; the restored run adds up
# to the exact total on either backend.
start_stub smpstub --cpus 4 "$GUESTS/smp.bin"
timeout 60 "${GDB:-gdb}" -batch -nx "$GUESTS/smp.elf" -ex "target remote :$port" -ex 'break work' \
	-ex continue -ex "monitor snapshot write $tmp/smp-snap" -ex kill > gdb-smp.out 2>&1
expect_grep "snapshot written to" gdb-smp.out "monitor snapshot write with 4 vCPUs"
for accel in $backends; do
	"$KVM_GDBSTUB" --accel "$accel" --restore smp-snap > out 2> err
	expect_status 0 $? "--restore of a 4-vCPU snapshot on $accel"
	expect_grep '^total 4000000$' out "--restore of a 4-vCPU snapshot on $accel: the exact total"
done

# byte_at FILE OFFSET: the byte's value, 0-255.
byte_at() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
# put_bytes FILE OFFSET OCTAL-ESCAPES: overwrite bytes in place.
put_bytes() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }

# expect_refused FILE WHAT PATTERN [GUEST]: status 3, the message, no output.
expect_refused() {
	vmm --restore "$1" ${4:+"$4"} > out 2> err
	expect_status 3 $? "$2"
	expect_grep "$3" err "$2: the message"
	expect_empty out "$2: nothing ran"
}

size=$(wc -c < snap)
cp snap flipped
mid=$((size / 2))
put_bytes flipped "$mid" "\\$(printf %03o $(($(byte_at snap "$mid") ^ 0x5a)))"
expect_refused flipped "a flipped byte" "checksum mismatch"
head -c $((size - 1)) snap > truncated
expect_refused truncated "one byte short" "checksum mismatch"
head -c 10 snap > tiny
expect_refused tiny "a 10-byte piece" "truncated"
cp snap magic
put_bytes magic 0 'XGSNAP'
expect_refused magic "wrong magic" "not a kvm-gdbstub snapshot"
cp snap version
put_bytes version 6 '\002\000'
expect_refused version "version 2" "format version 2; this kvm-gdbstub reads version 1"
head -c 65536 /dev/urandom > random
expect_refused random "random bytes" "not a kvm-gdbstub snapshot"
: > empty
expect_refused empty "an empty file" "not a kvm-gdbstub snapshot"
expect_refused "$tmp/nosuch" "a missing file" "cannot read the snapshot"

# Another guest: named on the command line, or the image changed since.
expect_refused snap "hello.bin instead" "the snapshot is of another guest" "$GUESTS/hello.bin"
printf '\220' >> primes.bin
expect_refused snap "primes.bin changed" "the snapshot is of another guest"
vmm --force --restore snap > out 2> err
expect_status 0 $? "--force"
expect_same want out "--force restores it anyway"
finish
