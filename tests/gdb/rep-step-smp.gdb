# guest: rep.bin
# gdb-file: rep.elf
# stub-args: --cpus 2
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# mechanism-kvm: 2=debug register
# mechanism-vtx: 2=int3 patch
# rep-step.gdb again with a second vCPU (waiting for its SIPI): where KVM
# steps a REP whole, each such step runs every vCPU on a built-in CPU
# standing in for it, so the steps are per iteration here too.
python
import os
gdb.execute("source %s/tests/gdb/rep-step.gdb" % os.environ["srcdir"])
end
