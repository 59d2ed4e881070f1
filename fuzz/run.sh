#!/bin/sh
# Build the fuzz targets with libFuzzer and run each for a while: `make fuzz`.
#
#   fuzz/run.sh SRCDIR BUILDDIR LIBRARY-SOURCES...
#
# SRCDIR is the source tree, BUILDDIR the configured build (for config.h);
# LIBRARY-SOURCES are the .c files of libvmm.a, relative to SRCDIR.
# Environment: FUZZ_CC (clang), FUZZ_SECONDS per target (60), FUZZ_TARGETS
# ("rsp loader int13 devices snapshot bios"), FUZZ_JOBS parallel compiles (nproc), FUZZ_ARGS
# extra libFuzzer options; fuzz/rsp.dict is fuzz_rsp's dictionary.  Everything
# goes to BUILDDIR/fuzz-out: the binaries, the growing corpora (seeded from
# SRCDIR/fuzz/corpus, which is never written),
# crash-* artifacts and NAME.log.  Exit 1 if any target found something.
set -u
[ $# -ge 2 ] || { echo "usage: $0 SRCDIR BUILDDIR LIBRARY-SOURCES..." >&2; exit 2; }
srcdir=$(cd "$1" && pwd) || exit 2
builddir=$(cd "$2" && pwd) || exit 2
shift 2
cc=${FUZZ_CC:-clang}
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-rsp loader int13 devices snapshot bios}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
out=$builddir/fuzz-out
command -v "$cc" >/dev/null 2>&1 || { echo "fuzz: $cc not found (set FUZZ_CC)" >&2; exit 77; }

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# -D_GNU_SOURCE as in Makefile.am's AM_CPPFLAGS (the sources rely on it).
cflags="-std=gnu11 -D_GNU_SOURCE -g -O1 $san -I$srcdir/src -I$srcdir/tests/unit -I$builddir"
mkdir -p "$out/obj" || exit 2

# The library once, instrumented for coverage but without libFuzzer's main.
echo "fuzz: compiling $# library sources with $cc"
for f in "$@"; do echo "$f"; done | xargs -P "$jobs" -I{} sh -c '
	o="$1/obj/$(echo "$3" | tr / _).o"
	$2 -fsanitize=fuzzer-no-link -c "$4/$3" -o "$o"' sh "$out" "$cc $cflags" {} "$srcdir" ||
	{ echo "fuzz: compiling the library failed" >&2; exit 2; }
rm -f "$out/libvmm-fuzz.a"
ar rcs "$out/libvmm-fuzz.a" "$out"/obj/*.o || exit 2

status=0
for t in $targets; do
	extra=
	[ "$t" = rsp ] && extra="$srcdir/tests/unit/fake_target.c"
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer -o "$out/fuzz_$t" "$srcdir/fuzz/fuzz_$t.c" $extra \
		"$out/libvmm-fuzz.a" -lpthread || { echo "fuzz: building fuzz_$t failed" >&2; exit 2; }
	mkdir -p "$out/corpus-$t"
	dict=
	case $t in
	rsp) max_len=16384 dict=-dict=$srcdir/fuzz/rsp.dict ;;
	snapshot) max_len=131072 ;; # the seeds are whole snapshots
	*) max_len=65536 ;;
	esac
	echo "fuzz: fuzz_$t for $seconds s (log: $out/$t.log)"
	# shellcheck disable=SC2086
	(cd "$out" && ASAN_OPTIONS=detect_leaks=1 ./fuzz_$t -max_total_time="$seconds" \
		-max_len=$max_len $dict -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$out/$t-" ${FUZZ_ARGS:-} "corpus-$t" "$srcdir/fuzz/corpus/$t") \
		> "$out/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t.log")
	cov=$(grep -E '^#[0-9]+' "$out/$t.log" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1, ft \2/p')
	units=$(find "$out/corpus-$t" -type f | wc -l)
	if [ $rc -eq 0 ]; then
		echo "fuzz: fuzz_$t: ${execs:-?} executions (${rate:-?}/s), ${cov:-?}, $units new corpus files, no findings"
	else
		echo "fuzz: fuzz_$t: FINDING (exit $rc) after ${execs:-?} executions:"
		grep -E 'ERROR|SUMMARY|Test unit written|runtime error' "$out/$t.log" | head -n 10
		status=1
	fi
done
exit $status
