# echo: stdin reaches the guest through COM1; end of input and EOT end it.
. "$srcdir/tests/lib.sh"
printf 'abc\nsecond line\n' > in
vmm "$GUESTS/echo.bin" < in > out
expect_status 0 $? "echo.bin with input"
expect_same in out "echo.bin echoes stdin"

printf 'ab\004cd' | vmm "$GUESTS/echo.bin" > out
expect_status 0 $? "echo.bin with EOT"
printf 'ab' > want
expect_same want out "echo.bin stops at EOT"

vmm "$GUESTS/echo.bin" < /dev/null > out
expect_status 0 $? "echo.bin with no input"
expect_empty out "echo.bin with no input"

# Input arriving later, in pieces, is not lost.
{ printf 'one '; sleep 0.3; printf 'two\n'; } | vmm "$GUESTS/echo.bin" > out
printf 'one two\n' > want
expect_same want out "echo.bin with delayed input"
finish
