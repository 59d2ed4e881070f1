# -v traces every exit: hello makes 13 port writes (#0-#12) then HLT (#13).
. "$srcdir/tests/lib.sh"
vmm -v "$GUESTS/hello.bin" > out 2> err
expect_status 0 $? "hello.bin -v"
printf 'Hello, KVM!\n' > want
expect_same want out "hello.bin -v stdout"
[ "$(grep -c '^VM Exit #[0-9]*: IO out port 0x3f[8b] ' err)" -eq 13 ] ||
	fail "want 13 port exits, got: $(cat err)"
expect_grep '^VM Exit #0: IO out port 0x3fb size 1 count 1 data 0x3$' err "first exit"
expect_grep '^VM Exit #1: IO out port 0x3f8 size 1 count 1 data 0x48$' err "'H'"
[ "$(tail -n 1 err)" = "VM Exit #13: HLT" ] || fail "last line is not 'VM Exit #13: HLT': $(tail -n 1 err)"
[ "$(wc -l < err)" -eq 14 ] || fail "want 14 trace lines, got $(wc -l < err)"

# Unknown ports are traced under -v and read as 0xff; 0xe9 is a console.
# in al,0x80; mov dx,0x3f8; out dx,al; mov al,'A'; out 0xe9,al; hlt
raw_guest ports.bin '\344\200\272\370\003\356\260\101\346\351\364'
vmm -v ports.bin > out 2> err
expect_status 0 $? "ports.bin"
printf '\377A' > want
expect_same want out "unknown port reads 0xff, 0xe9 prints"
expect_grep '^VM Exit #0: IO in port 0x80 size 1' err "unknown port traced"
finish
