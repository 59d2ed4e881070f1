# FreeDOS from a boot floppy (opt-in: FREEDOS_IMG=/path/to/a FreeDOS boot
# floppy image, e.g. codercowboy/freedosbootdisks'
# bootdisks/freedos.boot.disk.1.4MB.img; skipped without it).  Commands
# typed before the prompt is up wait in the BIOS keyboard buffer; DOS
# answers them at A:\>.
. "$srcdir/tests/lib.sh"
if [ -z "${FREEDOS_IMG:-}" ]; then
	echo "SKIP: set FREEDOS_IMG to a FreeDOS boot floppy image"
	exit 77
fi
secs=20
[ "$KVM_GDBSTUB_ACCEL" = kvm ] && secs=60 # KVM's instruction emulator is slower here
printf 'ver\rdir\r' | vmm --boot "$FREEDOS_IMG" --timeout $secs --screen > out 2> err
expect_status 6 $? "FreeDOS runs until --timeout"
expect_grep '^A:\\>ver$' out "the typed-ahead command at the prompt"
expect_grep '^FreeCom version' out "ver's answer"
expect_grep 'KERNEL   SYS' out "dir's listing"
if grep -q 'not supported' err; then fail "a BIOS service FreeDOS calls is missing"; cat err >&2; fi
finish
