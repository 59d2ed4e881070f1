# guest: fault.bin
# A guest that faults stops with a signal and stays inspectable.  Its int3
# in protected mode with an empty IDT raises #GP, then #DF, then shuts the CPU
# down: a triple fault (SIGSEGV) on the built-in CPU and on VT-x/AMD-V.  KVM's
# instruction emulator, which runs this guest where KVM has no VT-x/AMD-V,
# cannot deliver that int3 and stops with an emulation failure (SIGILL).
continue
p/x $bx
p/x $eip_off
p/x $cr0 & 1
x/i $pc
kill
