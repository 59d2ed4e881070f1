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

# An entry point above 64 KiB starts as (entry >> 4):(entry & 15).
if command -v as >/dev/null && command -v ld >/dev/null && command -v "${GDB:-gdb}" >/dev/null; then
	printf '.code16\n.globl _start\n_start: hlt\n' | as --32 -o far.o
	ld -m elf_i386 -Ttext=0x12340 -e _start -o far.elf far.o
	"${GDB:-gdb}" -batch -nx -ex "target remote | $KVM_GDBSTUB --accel $KVM_GDBSTUB_ACCEL --gdb stdio far.elf" \
		-ex 'p/x $cs' -ex 'p/x $eip_off' -ex 'p/x $pc' -ex 'x/i $pc' -ex continue > out 2>&1
	expect_grep '^\$1 = 0x1234$' out "CS from the ELF entry"
	expect_grep '^\$2 = 0x0$' out "IP from the ELF entry"
	expect_grep '^\$3 = 0x12340$' out "linear pc = entry"
	expect_grep 'hlt' out "the code at the entry"
	expect_grep 'exited normally' out "runs to its hlt"
fi
finish
