# The other guests without a debugger: exact output on every backend.
. "$srcdir/tests/lib.sh"
check_output() { # GUEST: compare stdout with the here-document on stdin
	cat > want
	vmm "$GUESTS/$1" > out 2> err
	expect_status 0 $? "$1"
	expect_same want out "$1"
	expect_empty err "$1 stderr"
}
check_output segments.bin <<'OUT'
segments: ds=0100 es=4000 ss=3000 sp=1000
segments: copied to es:0000
segments: at 0200:0010
segments: far call from 0200, arg 1234
segments: ok
OUT
check_output pmode.bin <<'OUT'
pmode: real mode
pmode: 32-bit protected mode
pmode: sum of squares 0x13e5e51c
pmode: table sum 0x3fff0000
pmode: back in real mode, cr0.pe=0, result 0x13e5e51c
pmode: ok
OUT
check_output watch.bin <<'OUT'
wD8
OUT
# without a debugger the magic breakpoint does nothing
check_output magic.bin <<'OUT'
before
after
OUT
check_output int3.bin <<'OUT'
int3 handled
back
OUT
finish
