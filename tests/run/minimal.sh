# minimal: a 1-byte hlt: no output at all, exit 0.
. "$srcdir/tests/lib.sh"
vmm "$GUESTS/minimal.bin" > out 2> err
expect_status 0 $? "minimal.bin"
expect_empty out "minimal.bin stdout"
expect_empty err "minimal.bin stderr"
[ "$(wc -c < "$GUESTS/minimal.bin")" -eq 1 ] || fail "minimal.bin is not 1 byte"
finish
