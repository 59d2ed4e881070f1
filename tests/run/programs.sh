# Programs published for OS-development learners (tests/programs/README.md),
# built here with nasm, gcc -m32 and ld, booted with --boot and checked by
# their own text: the teletype text on stdout and the --screen dump.  They
# end in `jmp $`, so --timeout ends most runs (status 6).
. "$srcdir/tests/lib.sh"
command -v nasm >/dev/null 2>&1 || { echo "SKIP: no nasm"; exit 77; }
src=$srcdir/tests/programs/os-tutorial
cp -r "$src" os-tutorial && chmod -R u+w os-tutorial

# boot_image DIR FILE IMG: nasm -f bin in DIR (the lessons include by relative path).
boot_image() {
	(cd "os-tutorial/$1" && nasm -f bin "$2" -o "$tmp/$3") || fail "nasm $1/$2"
}

# run_until_timeout IMG: boot IMG for 0.5 s; stdout in out, the status checked.
run_until_timeout() {
	vmm --boot "$1" --screen --timeout 0.5 < /dev/null > out 2> err
	expect_status 6 $? "$1 (ends in jmp \$)"
}

# Lesson 05: strings and a hex number through int 10h AH=0Eh.
boot_image 05-bootsector-functions-strings boot_sect_main.asm hello.img
run_until_timeout hello.img
printf 'Hello, World\nGoodbye\n0x12FEHello, World\nGoodbye\n0x12FE\n' > want
expect_same want out "lesson 05: the teletype text, then the screen"

# Lesson 07: two sectors after the boot sector read with int 13h AH=02h.
boot_image 07-bootsector-disk boot_sect_main.asm disk.img
run_until_timeout disk.img
printf '0xDADA\n0xFACE0xDADA\n0xFACE\n' > want
expect_same want out "lesson 07: the words of sectors 2 and 3"

# Lessons 08-10: a GDT, protected mode, a string written to 0xB8000 over
# the real-mode message in the top row.
boot_image 10-32bit-enter 32bit-main.asm pm.img
run_until_timeout pm.img
printf 'Started in 16-bit real modeLoaded 32-bit protected mode\n' > want
expect_same want out "lessons 08-10: real mode, then protected mode's VGA write"

# Lesson 23: a C kernel (IDT, PIC, PIT, keyboard, shell) behind a boot
# sector that loads it with int 13h.  It takes keys only once its IDT is
# up (keys typed earlier go to the BIOS), so the input comes after a pause;
# END halts in the keyboard handler (IF = 0): status 0.
k=os-tutorial/23-fixes
cflags="-m32 -ffreestanding -fcommon -fno-pic -fno-pie -fno-stack-protector -march=i686 \
	-mno-sse -mno-mmx -fno-asynchronous-unwind-tables -fno-exceptions -g"
for c in "$k"/kernel/*.c "$k"/drivers/*.c "$k"/cpu/*.c "$k"/libc/*.c; do
	# shellcheck disable=SC2086
	${CC:-gcc} $cflags -c "$c" -o "${c%.c}.o" 2> cc.err || fail "gcc $c: $(cat cc.err)"
done
nasm -f elf "$k/cpu/interrupt.asm" -o "$k/cpu/interrupt.o" &&
	nasm -f elf "$k/boot/kernel_entry.asm" -o "$k/boot/kernel_entry.o" &&
	(cd "$k" && nasm -f bin boot/bootsect.asm -o boot/bootsect.bin) || fail "nasm lesson 23"
ld -m elf_i386 -o kernel.bin -Ttext 0x1000 "$k/boot/kernel_entry.o" "$k"/kernel/*.o \
	"$k"/drivers/*.o "$k"/cpu/*.o "$k"/libc/*.o --oformat binary || fail "ld lesson 23"
cat "$k/boot/bootsect.bin" kernel.bin > os.img && truncate -s 32K os.img
{ sleep 2; printf 'hello\nend\n'; } | vmm --boot os.img --screen --timeout 30 > out 2> err
expect_status 0 $? "lesson 23"
expect_empty err "lesson 23's stderr"
cat > want <<'W'
Started in 16-bit Real Mode
Loading kernel into memory
Landed in 32-bit Protected Mode
Loading kernel into memory
received interrupt: 2
Non Maskable Interrupt
received interrupt: 3
Breakpoint
Type something, it will go through the kernel
Type END to halt the CPU or PAGE to request a kmalloc()
> HELLO
You said: HELLO
> END
Stopping the CPU. Bye!
W
expect_same want out "lesson 23: int 2/int 3 through its IDT, typed keys through IRQ 1"
finish
