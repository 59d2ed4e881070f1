#!/bin/sh
# Run every benchmark (`make bench` calls this): the GDB stub against the
# null stub and QEMU, the exit path, console throughput, start-up, the
# machine (timer, interrupts, MMIO RTC: machine_bench.sh), and
# bench/cpu_speed.sh (guest speed) where it is there.  About 5 minutes on a
# 2-core machine.  Never part of `make check`.
#
# Environment: KVM_GDBSTUB (default ./kvm-gdbstub), GUESTS, BENCH_OUT (keep
# the raw results and logs there), BENCH_SKIP (names to leave out, e.g.
# "cpu_speed gdb_bench"), and each script's own BENCH_* knobs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${KVM_GDBSTUB:-}" ] && [ -x ./kvm-gdbstub ]; then
	KVM_GDBSTUB=$PWD/kvm-gdbstub
fi
export KVM_GDBSTUB
status=0

echo "# kvm-gdbstub benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
	"Linux $(uname -r)"
if [ -c /dev/kvm ]; then
	virt=$(grep -qw -e vmx -e svm /proc/cpuinfo && echo "hardware virtualization (vmx/svm)" ||
		echo "no vmx/svm flag: KVM emulates real mode in software")
	echo "- /dev/kvm: present, $virt"
else
	echo "- /dev/kvm: absent (built-in CPU only)"
fi
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $(${GDB:-gdb} --version | head -1); $(${QEMU:-qemu-system-i386} --version 2>/dev/null | head -1)"
for b in gdb_bench exit_bench console_bench startup_bench watch_bench reverse_bench machine_bench smp_bench cpu_speed; do
	case " ${BENCH_SKIP:-} " in *" $b "*) continue ;; esac
	[ -f "$here/$b.sh" ] || continue
	echo
	echo "## $b"
	echo
	start=$(date +%s)
	if [ "$b" = cpu_speed ] || [ "$b" = watch_bench ] || [ "$b" = reverse_bench ]; then
		bash "$here/$b.sh" "$(dirname "${KVM_GDBSTUB:-./kvm-gdbstub}")" || status=1
	else
		"$here/$b.sh" || status=1
	fi
	echo
	echo "($b: $(( $(date +%s) - start )) s)"
done
exit $status
