# --boot: a boot sector and its second stage through the BIOS (int 10h
# teletype on stdout, int 13h across track boundaries, int 12h, E820),
# the --screen text, typed input through the 8042 and int 16h, int 18h,
# the reset vector, and bad images (status 3).
. "$srcdir/tests/lib.sh"
img=$GUESTS/pc/boot.img

cat > want <<'W'
Booting from the boot sector
Stage 2 loaded: all sectors read
int 12h: 027f KiB
E820 00000000 + 0009fc00 type 0001
E820 0009fc00 + 00060400 type 0002
E820 00100000 + 00f00000 type 0001
Halting.
W
vmm --boot "$img" --mem 16M < /dev/null > out 2> err
expect_status 0 $? "boot.img"
expect_same want out "boot.img's teletype text (a 40-sector read across tracks)"
expect_empty err "boot.img's stderr"

vmm --boot "$img" --screen < /dev/null > out 2> err
expect_status 0 $? "boot.img --screen"
grep -v 00100000 want > want1
cat want1 want1 > want2
expect_same want2 out "the teletype text, then the screen"

# Typed input: more keys than the BIOS's 15-key buffer holds, all kept.
printf 'The quick brown fox jumps over the lazy dog!\nignored' |
	vmm --boot "$GUESTS/pc/echo.bin" > out 2> err
expect_status 0 $? "echo.bin (a 512-byte hard disk image)"
printf 'Type: The quick brown fox jumps over the lazy dog!\nGot 002c keys\n' > want
expect_same want out "keys typed on stdin, echoed by int 16h and int 10h"
expect_empty err "echo.bin's stderr"

# A20: on at boot, switched by int 15h AX=2400-2402, port 0x92, the 8042.
printf '0011\r\n0022\r\n0000\r\n0011\r\n0022\r\n0011\r\n0001\r\n' | tr -d '\r' > want
vmm --boot "$GUESTS/pc/a20.bin" --mem 2M < /dev/null > out 2> err
expect_status 0 $? "a20.bin"
expect_same want out "addresses wrap at 1 MiB exactly while A20 is off"
expect_empty err "a20.bin's stderr"

# int 15h AH=86h: wait CX:DX = 500000 us in the wait tail, then halt.
{ printf '\271\007\000\272\040\241\264\206\315\025\372\364'; head -c 498 /dev/zero
  printf '\125\252'; } > wait.img
start=$(date +%s%N)
vmm --boot wait.img < /dev/null > out 2> err
expect_status 0 $? "int 15h AH=86h"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -ge 490 ] && [ "$ms" -lt 3000 ] || fail "int 15h AH=86h waited $ms ms for 500"

# A boot sector that calls int 18h: no bootable disk, status 5.
{ printf '\315\030'; head -c 508 /dev/zero; printf '\125\252'; } > int18.img
vmm --boot int18.img < /dev/null > out 2> err
expect_status 5 $? "int 18h"
expect_grep "int 18h: no bootable disk" err "int 18h's message"

# A jump to the reset vector ends the run.
{ printf '\352\000\000\377\377'; head -c 505 /dev/zero; printf '\125\252'; } > reset.img
vmm --boot reset.img < /dev/null > out 2> err
expect_status 0 $? "reset vector"
expect_grep "the guest reset the machine" err "reset's message"

# Bad images: status 3 and what is wrong.
: > empty.img
head -c 100 /dev/zero > short.img
head -c 513 /dev/zero > odd.img
head -c 512 /dev/zero > nosig.img
for c in "empty.img:is empty" "short.img:smaller than one 512-byte sector" \
	"odd.img:not a whole number of 512-byte sectors" \
	"nosig.img:has no boot signature" "missing.img:cannot open disk image"; do
	vmm --boot "${c%%:*}" < /dev/null > out 2> err
	expect_status 3 $? "${c%%:*}"
	expect_grep "${c#*:}" err "${c%%:*}'s message"
	expect_empty out "${c%%:*}'s stdout"
done
# --no-boot-signature runs it: zeros are `add %al,(%bx,%si)` until time is up.
vmm --boot nosig.img --no-boot-signature --timeout 0.3 < /dev/null > out 2> err
expect_status 6 $? "nosig.img --no-boot-signature"
vmm --boot "$img" --mem 640K < /dev/null > out 2> err
expect_status 2 $? "--boot with less than 1 MiB"
vmm --boot "$img" "$GUESTS/hello.bin" < /dev/null > out 2> err
expect_status 2 $? "--boot and a guest image"

# The boot image is never written by default.
cp "$img" copy.img
vmm --boot copy.img --disk nosig.img < /dev/null > out 2> err
expect_status 0 $? "boot.img with a second disk"
cmp -s "$img" copy.img || fail "the boot image changed"
finish
