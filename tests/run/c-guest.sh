# The C guest, as flat binary and as ELF: same output.
. "$srcdir/tests/lib.sh"
cat > want <<'OUT'
Hello from C!
1^2=1 2^2=4 3^2=9 4^2=16 5^2=25
primes:639
checksum:1227693281
OUT
vmm "$GUESTS/c-guest.bin" > out
expect_status 0 $? "c-guest.bin"
expect_same want out "c-guest.bin"
vmm "$GUESTS/c-guest.elf" > out
expect_status 0 $? "c-guest.elf"
expect_same want out "c-guest.elf"
finish
