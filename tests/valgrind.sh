#!/bin/sh
# The GDB test scripts (tests/gdb/*.gdb) and the hostile-client test with the
# stub under valgrind's memcheck, on the built-in CPU: zero errors and zero
# definite or indirect leaks, or fail.  For CI (.ci/run), not every
# `make check`: it takes a few minutes.
#
#   tests/valgrind.sh [SCRIPT.gdb...]      (from the build directory)
#
# Environment, as `make check` sets it (defaults for an in-tree build):
# KVM_GDBSTUB, GUESTS, srcdir, top_srcdir, GDB; VALGRIND (valgrind); VALGRIND_JOBS (2).
# Exit 0 clean, 1 if anything failed, 77 if valgrind or gdb is missing.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
srcdir=${srcdir:-$here}
top_srcdir=${top_srcdir:-$srcdir}
KVM_GDBSTUB=${KVM_GDBSTUB:-$PWD/kvm-gdbstub}
GUESTS=${GUESTS:-$PWD/guest}
valgrind=${VALGRIND:-valgrind}
jobs=${VALGRIND_JOBS:-2}
command -v "$valgrind" >/dev/null 2>&1 || { echo "SKIP: no valgrind"; exit 77; }
command -v "${GDB:-gdb}" >/dev/null 2>&1 || { echo "SKIP: no gdb"; exit 77; }
[ -x "$KVM_GDBSTUB" ] || { echo "valgrind.sh: no stub at $KVM_GDBSTUB (set KVM_GDBSTUB)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvm-gdbstub-valgrind.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

# gdb-run and the shell tests start "$KVM_GDBSTUB": make it valgrind.
cat > "$tmp/stub" <<EOF
#!/bin/sh
exec "$valgrind" -q --error-exitcode=99 --leak-check=full \\
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \\
	--log-file="$tmp/vg.%p.log" "$KVM_GDBSTUB" "\$@"
EOF
chmod +x "$tmp/stub"
real_stub=$KVM_GDBSTUB
KVM_GDBSTUB=$tmp/stub
KVM_GDBSTUB_ACCEL=emu
export KVM_GDBSTUB KVM_GDBSTUB_ACCEL GUESTS srcdir top_srcdir

[ $# -gt 0 ] || set -- "$srcdir"/tests/gdb/*.gdb "$srcdir/tests/run/hostile.sh"
start=$(date +%s)
for t in "$@"; do echo "$t"; done | xargs -P "$jobs" -I{} sh -c '
	t=$1 tmp=$2 srcdir=$3
	name=$(basename "$t")
	case $t in
	*.gdb) sh "$srcdir/tests/gdb-run" "$t" > "$tmp/$name.log" 2>&1 ;;
	*) sh "$t" > "$tmp/$name.log" 2>&1 ;;
	esac
	echo $? > "$tmp/$name.status"' sh {} "$tmp" "$srcdir"

failures=0
for t in "$@"; do
	name=$(basename "$t")
	status=$(cat "$tmp/$name.status" 2>/dev/null || echo 99)
	case $status in
	0) echo "PASS: $name" ;;
	77) echo "SKIP: $name" ;;
	*) echo "FAIL: $name (status $status)"; failures=$((failures + 1))
	   sed 's/^/    /' "$tmp/$name.log" | tail -n 40 ;;
	esac
done

# Every stub process left a log; an empty one is a clean run.
runs=0 dirty=0
for log in "$tmp"/vg.*.log; do
	[ -e "$log" ] || continue
	runs=$((runs + 1))
	if [ -s "$log" ]; then
		dirty=$((dirty + 1))
		echo "FAIL: valgrind report ($log):"
		sed 's/^/    /' "$log" | head -n 60
	fi
done
[ "$runs" -gt 0 ] || { echo "FAIL: no stub ran under valgrind"; failures=$((failures + 1)); }
echo "valgrind: $runs runs of $real_stub, $dirty with errors or leaks, $failures test(s) failed," \
	"$(($(date +%s) - start)) s"
[ "$failures" -eq 0 ] && [ "$dirty" -eq 0 ]
