# ELF guests load by program header, start at the ELF entry point.
. "$srcdir/tests/lib.sh"
vmm "$GUESTS/hello.elf" > out
expect_status 0 $? "hello.elf"
printf 'Hello, KVM!\n' > want
expect_same want out "hello.elf"
vmm "$GUESTS/primes.elf" > out
expect_status 0 $? "primes.elf"
vmm "$GUESTS/primes.bin" > want
expect_same want out "primes.elf = primes.bin"
finish
