#!/bin/bash
# Guest speed of kvm-gdbstub's two backends against KVM's floor and QEMU.
#
# Usage: bench/cpu_speed.sh [BUILDDIR]      (ROUNDS=5 by default)
#
# Workloads (flat real-mode guests assembled from bench/*.S at two sizes):
#   loop   `dec ecx; jnz`, 2 instructions per iteration
#   mixed  rep movsb, near call, memory arithmetic, repe cmpsb: 22 per
#          iteration (a rep instruction counts once)
#   outs   one `out` to an unused port per iteration (one VM exit under KVM)
# Engines:
#   emu    kvm-gdbstub --accel emu (the built-in CPU)
#   kvm    kvm-gdbstub --accel kvm
#   raw    bench/kvm_raw_loop.c: KVM_RUN and nothing else (the floor)
#   qemu   qemu-system-i386, TCG, no BIOS (a -bios image whose reset vector
#          jumps to 0:0; -device loader; isa-debug-exit ends it at port 0xf4)
# Each image runs at a large iteration count and at 1 iteration, interleaved
# across engines, ROUNDS times.  Instructions per second come from the
# differences of the medians: (insns_big - insns_small) / (t_big - t_small),
# which takes process start-up out; start-up is the median small run.
# Instruction counts come from the loop counts (checked once on the
# built-in CPU by bench/emu_speed when it is built).  Not part of make check.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-.}" && pwd)
vmm=${KVM_GDBSTUB:-$build/kvm-gdbstub}
rounds=${ROUNDS:-5}
CC=${CC:-cc}
ld_script="$here/../guest/guest.ld"

if [ ! -x "$vmm" ]; then
	echo "cpu_speed: no kvm-gdbstub at $vmm (give the build directory)" >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpu_speed.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Iterations of the big run, per workload and engine: about a second each.
big_iters() {
	case "$1:$2" in
	loop:emu) echo 100000000 ;;
	loop:qemu) echo 300000000 ;;
	loop:*) echo 1000000 ;;
	mixed:emu) echo 500000 ;;
	mixed:qemu) echo 1000000 ;;
	mixed:*) echo 4000 ;;
	outs:emu | outs:qemu) echo 10000000 ;;
	outs:*) echo 100000 ;;
	esac
}

# Guest instructions retired for ITERS iterations (see bench/*.S).
insns() {
	case "$1" in
	loop) echo $((2 * $2 + 4)) ;;
	mixed) echo $((22 * $2 + 10)) ;;
	outs) echo $((3 * $2 + 4)) ;;
	esac
}

image() { # WORKLOAD ITERS -> path of the flat image
	local out="$tmp/$1-$2"
	if [ ! -f "$out.bin" ]; then
		$CC -m16 -c -DITERS="$2" -o "$out.o" "$here/$1.S" &&
			ld -m elf_i386 -T "$ld_script" --build-id=none --no-warn-rwx-segments \
				-o "$out.elf" "$out.o" &&
			objcopy -O binary "$out.elf" "$out.bin" || exit 1
	fi
	echo "$out.bin"
}

# --- which engines can run here ---
engines="emu"
if "$vmm" --accel kvm "$(image loop 1)" >/dev/null 2>&1; then
	engines="$engines kvm"
	if $CC -O2 -o "$tmp/kvm_raw_loop" "$here/kvm_raw_loop.c" 2>/dev/null; then
		engines="$engines raw"
	else
		echo "cpu_speed: could not build kvm_raw_loop: raw skipped" >&2
	fi
else
	echo "cpu_speed: KVM not usable: kvm and raw skipped" >&2
fi
if command -v qemu-system-i386 >/dev/null; then
	python3 -c 'import sys; b = bytearray(65536); b[0xfff0:0xfff5] = b"\xea\0\0\0\0"; sys.stdout.buffer.write(b)' \
		>"$tmp/bios.bin" 2>/dev/null ||
		{ head -c 65520 /dev/zero; printf '\352\0\0\0\0'; head -c 11 /dev/zero; } >"$tmp/bios.bin"
	engines="$engines qemu"
else
	echo "cpu_speed: qemu-system-i386 not installed: qemu skipped" >&2
fi

# The instruction counts, checked on the built-in CPU where emu_speed exists.
if [ -x "$build/bench/emu_speed" ]; then
	for w in loop mixed outs; do
		got=$("$build/bench/emu_speed" "$(image $w 1000)" | cut -d' ' -f1)
		if [ "$got" != "$(insns $w 1000)" ]; then
			echo "cpu_speed: $w: emu_speed counts $got instructions, formula $(insns $w 1000)" >&2
			exit 1
		fi
	done
fi

run() { # ENGINE IMAGE: run once, print wall seconds
	local t0 t1 rc
	t0=$EPOCHREALTIME
	case "$1" in
	emu | kvm) "$vmm" --accel "$1" "$2" >/dev/null 2>&1 ;;
	raw) "$tmp/kvm_raw_loop" "$2" 2>/dev/null ;;
	qemu) qemu-system-i386 -bios "$tmp/bios.bin" -device loader,file="$2",addr=0 \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -display none -nodefaults \
		-no-reboot >/dev/null 2>&1
		[ $? -eq 1 ] ;; # isa-debug-exit: status value * 2 + 1
	esac
	rc=$?
	t1=$EPOCHREALTIME
	if [ $rc -ne 0 ]; then
		echo "cpu_speed: $1 failed on $2 (status $rc)" >&2
		exit 1
	fi
	echo "$t0 $t1" | awk '{ printf "%.6f\n", $2 - $1 }'
}

# Build every image first, so assembling is not timed.
for w in loop mixed outs; do
	for e in $engines; do image $w "$(big_iters $w $e)" >/dev/null; done
	image $w 1 >/dev/null
done

echo "cpu_speed: engines: $engines; $rounds rounds; $(nproc) CPUs; $(uname -r)" >&2
results="$tmp/results"
for r in $(seq "$rounds"); do
	for w in loop mixed outs; do
		for e in $engines; do
			n=$(big_iters $w $e)
			t=$(run $e "$(image $w "$n")") || exit 1
			echo "$w $e big $t" >>"$results"
			t=$(run $e "$(image $w 1)") || exit 1
			echo "$w $e small $t" >>"$results"
		done
	done
	echo "cpu_speed: round $r of $rounds done" >&2
done

median() { # WORKLOAD ENGINE KIND -> "median min max"
	awk -v w="$1" -v e="$2" -v k="$3" '$1 == w && $2 == e && $3 == k { print $4 }' "$results" |
		sort -g | awk '{ v[NR] = $1 } END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.6f %.6f %.6f\n", m, v[1], v[NR] }'
}

printf '\n%-6s %-5s %12s %14s %10s %19s %10s %12s %8s\n' workload engine iterations \
	instructions "median s" "spread (min-max) s" "start-up s" "Minsn/s" "vs emu"
for w in loop mixed outs; do
	emu_rate=
	for e in $engines; do
		n=$(big_iters $w $e)
		read -r tb lo hi < <(median $w $e big)
		read -r ts _ _ < <(median $w $e small)
		ib=$(insns $w "$n")
		is=$(insns $w 1)
		rate=$(awk -v ib="$ib" -v is="$is" -v tb="$tb" -v ts="$ts" \
			'BEGIN { d = tb - ts; printf "%.2f", (d > 0 ? (ib - is) / d / 1e6 : 0) }')
		[ "$e" = emu ] && emu_rate=$rate
		ratio=$(awk -v a="$rate" -v b="$emu_rate" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
		printf '%-6s %-5s %12s %14s %10.3f %9.3f - %7.3f %10.3f %12s %8s\n' $w $e "$n" "$ib" \
			"$tb" "$lo" "$hi" "$ts" "$rate" "$ratio"
		if [ $w = outs ]; then
			awk -v n="$n" -v tb="$tb" -v ts="$ts" -v e="$e" 'BEGIN {
				printf "%-6s %-5s   %.3f us per port write (one VM exit under kvm/raw)\n",
					"", e, (tb - ts) / (n - 1) * 1e6 }' >>"$tmp/exits"
		fi
	done
done
echo
cat "$tmp/exits"
echo "cpu_speed: spread is min - max of the $rounds big runs" >&2
