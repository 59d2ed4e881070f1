#!/bin/sh
# Build the benchmark guests: bench/guests/build.sh OUTDIR
# Each NAME.S becomes OUTDIR/NAME.elf (linked at 0 with guest/guest.ld) and
# OUTDIR/NAME.bin (the flat image), as the project's own guests are.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTDIR}
CC=${CC:-gcc}
LD=${LD:-ld}
OBJCOPY=${OBJCOPY:-objcopy}
mkdir -p "$out"
for src in "$here"/*.S; do
	name=$(basename "$src" .S)
	[ "$out/$name.bin" -nt "$src" ] && continue
	$CC -m16 -g -c -Wa,-I"$here/../../guest" -o "$out/$name.o" "$src"
	$LD -m elf_i386 -T "$here/../../guest/guest.ld" --build-id=none \
		--no-warn-rwx-segments -o "$out/$name.elf" "$out/$name.o"
	$OBJCOPY -O binary "$out/$name.elf" "$out/$name.bin"
done
