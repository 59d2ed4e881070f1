# Bad images and options: a clear message and a distinct status, never a crash.
. "$srcdir/tests/lib.sh"
check() { # STATUS PATTERN ARGS...
	want=$1 pattern=$2
	shift 2
	vmm "$@" > out 2> err
	got=$?
	expect_status "$want" "$got" "$*"
	expect_grep "$pattern" err "$*"
	[ "$got" -lt 128 ] || fail "$*: killed by a signal"
}
check 3 'No such file' does-not-exist.bin
: > empty.bin
check 3 'is empty' empty.bin
mkdir dir.bin
check 3 'directory' dir.bin
mkfifo fifo.bin
check 3 'not a regular file' fifo.bin
head -c 1048577 /dev/zero > big.bin
check 3 'do not fit' big.bin
# exactly the RAM size loads: a hlt followed by zeros
{ printf '\364'; head -c 65535 /dev/zero; } > exact.bin
vmm --mem 64K exact.bin; expect_status 0 $? "image of exactly the RAM size"
check 3 'do not fit' --mem 64K exact.bin --mem 8K
printf '\177ELF\001\001\001' > truncated.elf
check 3 'truncated ELF header' truncated.elf
check 2 'unrecognized option' --bogus "$GUESTS/hello.bin"
check 2 'no guest image' 
check 2 'more than one' "$GUESTS/hello.bin" "$GUESTS/hello.bin"
check 2 "unknown value 'fast'" --accel fast "$GUESTS/hello.bin"
check 2 'multiple of 4 KiB' --mem 1000 "$GUESTS/hello.bin"
check 2 'multiple of 4 KiB' --mem lots "$GUESTS/hello.bin"
check 2 'positive number' --timeout -1 "$GUESTS/hello.bin"
check 2 'not a port' --port 99999 "$GUESTS/hello.bin"
vmm --help > out; expect_status 0 $? "--help"
expect_grep 'Usage: kvm-gdbstub' out "--help"
finish
