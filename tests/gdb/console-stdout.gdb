# guest: hello.bin
# stub-args: --console stdout
# stub-stdout: Hello, KVM!
# --console stdout: under GDB the guest's output goes to the stub's stdout,
# not to GDB's console.
continue
