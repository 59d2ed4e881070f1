# hello: "Hello, KVM!" on stdout, nothing on stderr, exit 0.
. "$srcdir/tests/lib.sh"
vmm "$GUESTS/hello.bin" > out 2> err
expect_status 0 $? "hello.bin"
printf 'Hello, KVM!\n' > want
expect_same want out "hello.bin stdout"
expect_empty err "hello.bin stderr"
finish
