#!/bin/sh
# The GDB stub under a real GDB, against the ceiling: bench/gdb_bench.py run
# by GDB 13 against each target in turn, BENCH_REPS times interleaved, on the
# loop guest bench/guests/loop.S.  Targets:
#   null      bench/null_stub.py: answers at once, no VM (the ceiling)
#   kvm, emu  kvm-gdbstub --accel kvm / --accel emu (kvm only where usable)
#   qemu      qemu-system-i386 -S under TCG (where installed)
# The null stub serves the target description kvm-gdbstub serves now
# (fetched at start; bench/target.xml is the stored copy, and a warning
# says when it is stale).
# Prints a Markdown table: per row the median, the spread (half the
# interquartile range over the median) and the ratio to the null stub (rates: target / null;
# connect latency: null / target, so 100 % means as fast as the null stub).
#
# Environment: KVM_GDBSTUB (default ./kvm-gdbstub, then PATH), GDB, QEMU,
# BENCH_REPS (7), BENCH_TARGETS ("null kvm emu qemu"), BENCH_OUT (a
# directory kept for the raw results; default a temporary one), and the
# BENCH_* sizes read by gdb_bench.py.
set -u
here=$(cd "$(dirname "$0")" && pwd)
GDB=${GDB:-gdb}
QEMU=${QEMU:-qemu-system-i386}
reps=${BENCH_REPS:-7}
targets=${BENCH_TARGETS:-null kvm emu qemu}
if [ -z "${KVM_GDBSTUB:-}" ]; then
	if [ -x ./kvm-gdbstub ]; then KVM_GDBSTUB=$PWD/kvm-gdbstub; else KVM_GDBSTUB=kvm-gdbstub; fi
fi
if [ -n "${BENCH_OUT:-}" ]; then
	out=$BENCH_OUT/gdb
	mkdir -p "$out"
else
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi
command -v "$GDB" >/dev/null || { echo "gdb_bench: no $GDB, skipped"; exit 0; }
"$here/guests/build.sh" "$out/guests" || exit 1
guest=$out/guests/loop.bin

# Which targets this machine has.
have=
for t in $targets; do
	case $t in
	kvm) "$KVM_GDBSTUB" --accel kvm "$out/guests/halt.bin" >/dev/null 2>&1 ||
		{ echo "gdb_bench: KVM unusable here, no kvm column" >&2; continue; } ;;
	qemu) command -v "$QEMU" >/dev/null ||
		{ echo "gdb_bench: no $QEMU, no qemu column" >&2; continue; } ;;
	esac
	have="$have $t"
done

# QEMU boots the flat image with no BIOS: a 64 KiB -bios whose reset vector
# jumps to 0:0 (shared/kvm-platform.md, "Peers").
python3 -c "
import sys
b = bytearray(65536); b[0xfff0:0xfff5] = b'\xea\0\0\0\0'
open(sys.argv[1], 'wb').write(b)" "$out/bios.bin"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

listening() { # PORT: true once something listens on 127.0.0.1:PORT
	python3 - "$1" <<'EOF'
import sys
want = ":%04X" % int(sys.argv[1])
for line in open("/proc/net/tcp").readlines()[1:]:
    f = line.split()
    if f[1].endswith(want) and f[3] == "0A":
        sys.exit(0)
sys.exit(1)
EOF
}

start_target() { # TARGET: start it, set $pid and $port
	port=
	err=$out/stub-$1-$rep.err
	: > "$err"
	case $1 in
	null) python3 "$here/null_stub.py" --xml "$xml" --port 0 "$guest" 2>"$err" &
		pid=$! ;;
	kvm | emu) "$KVM_GDBSTUB" --accel "$1" --port 0 "$guest" >/dev/null 2>"$err" &
		pid=$! ;;
	qemu) port=$(free_port)
		"$QEMU" -display none -nodefaults -machine accel=tcg -m 2 -bios "$out/bios.bin" \
			-device loader,file="$guest",addr=0 -gdb tcp:127.0.0.1:"$port" -S \
			2>"$err" &
		pid=$! ;;
	esac
	for _ in $(seq 1 200); do
		if [ "$1" = qemu ]; then
			listening "$port" && return 0
		else
			port=$(sed -n 's/.*waiting for GDB on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$err")
			[ -n "$port" ] && return 0
		fi
		sleep 0.05
	done
	echo "gdb_bench: $1 did not listen:" >&2
	cat "$err" >&2
	return 1
}

# The target description the null stub serves: kvm-gdbstub's own.
xml=$here/target.xml
rep=0
if start_target emu; then
	if python3 "$here/null_stub.py" --fetch-xml "$port" > "$out/target.xml" &&
		[ -s "$out/target.xml" ]; then
		xml=$out/target.xml
		cmp -s "$xml" "$here/target.xml" ||
			echo "gdb_bench: bench/target.xml differs from kvm-gdbstub's; using the stub's" \
				"(refresh: bench/null_stub.py --fetch-xml PORT > bench/target.xml)" >&2
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
fi

: > "$out/results"
for rep in $(seq 1 "$reps"); do
	for t in $have; do
		start_target "$t" || { kill "$pid" 2>/dev/null; continue; }
		BENCH_TARGET=127.0.0.1:$port timeout 300 "$GDB" -batch -nx \
			-x "$here/gdb_bench.py" > "$out/gdb-$t-$rep.log" 2>&1 < /dev/null
		rc=$?
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		sed -n "s/^BENCH /$t /p" "$out/gdb-$t-$rep.log" >> "$out/results"
		grep '^gdb_bench.py: connect' "$out/gdb-$t-$rep.log" | sed "s/^/gdb_bench: $t run $rep: /" >&2
		if [ $rc -ne 0 ] || ! grep -q '^BENCH dump_mibs' "$out/gdb-$t-$rep.log"; then
			echo "gdb_bench: $t run $rep failed (rc $rc):" >&2
			grep -v '^Breakpoint\|^$' "$out/gdb-$t-$rep.log" | tail -5 >&2
		fi
	done
done

PYTHONPATH="$here" python3 - "$out/results" "$reps" $have <<'EOF'
import statistics, sys
path, reps, targets = sys.argv[1], sys.argv[2], sys.argv[3:]
from benchstats import spread

data = {}
for line in open(path):
    t, name, value, unit = line.split()
    data.setdefault((t, name), []).append(float(value))
refused = {t: sum(data.get((t, "connect_refused"), [])) for t in targets}
rows = [("connect_first_ms", "connect to first stop (ms)", False),
        ("connect_ms", "reconnect after disconnect (ms)", False),
        ("stepi_s", "stepi per second", True),
        ("bp_s", "breakpoint hits per second", True),
        ("regs_s", "register reads per second", True),
        ("dump_mibs", "dump 1 MiB (MiB/s)", True)]
names = {"null": "null stub (ceiling)", "kvm": "kvm-gdbstub --accel kvm",
         "emu": "kvm-gdbstub --accel emu", "qemu": "QEMU 7.2 TCG -s -S"}
print("GDB 13 against each target: median of %s interleaved runs, +-spread "
      "(half the interquartile range), (ratio to the null stub)\n" % reps)
print("| row | " + " | ".join(names.get(t, t) for t in targets) + " |")
print("|---" * (len(targets) + 1) + "|")
for key, label, higher in rows:
    ref = data.get(("null", key))
    cells = []
    for t in targets:
        v = data.get((t, key))
        if not v:
            cells.append("-")
            continue
        m = statistics.median(v)
        cell = "%.4g +-%.0f%%" % (m, spread(v))
        if ref and t != "null":
            r = statistics.median(ref)
            cell += " (%.0f%%)" % ((m / r if higher else r / m) * 100)
        cells.append(cell)
    print("| %s | %s |" % (label, " | ".join(cells)))
for t in targets:
    if refused[t]:
        print("\n%s refused a reconnection right after a disconnect %d times in %s runs "
              "(retried; see the warnings above)." % (names.get(t, t), refused[t], reps))
EOF
