# guest: hello.bin
# stub-args: --console both
# stub-stdout: Hello, KVM!
# --console both: the guest's output reaches GDB and the stub's stdout.
continue
