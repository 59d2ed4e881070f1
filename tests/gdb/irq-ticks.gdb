# guest: pit.bin
# The PIT guest counts the same under GDB as without it: run alone first
# (shell), then under the stub with a plain continue; both print 100 ticks
# and one wake-up each (a tick that lands while a stalled host thread runs
# between two hlts wakes nothing: 90-100), in about a second.
shell "$KVM_GDBSTUB" --accel "$KVM_GDBSTUB_ACCEL" "$GUESTS/pit.bin" | sed 's/^/alone: /'
continue
