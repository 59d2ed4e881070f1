# guest: selfmod.bin
# gdb-file: selfmod.elf
# mechanism-kvm: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=hlt patch, 6=hlt patch, 7=hlt patch
# mechanism-vtx: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=int3 patch, 6=int3 patch, 7=int3 patch
# mechanism-kvm: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=hlt patch, 6=hlt patch, 7=hlt patch
# mechanism-vtx: 1=debug register, 2=debug register, 3=debug register, 4=debug register, 5=int3 patch, 6=int3 patch, 7=int3 patch
# The guest reads and rewrites the opcode byte that holds a breakpoint
# (an int3 or hlt patch on KVM and the VT-x model: the four hbreaks take
# the debug registers first).  GDB and the guest see the guest's bytes,
# the guest's write takes effect, and the breakpoint still stops there.
# The guest's own read of a patched byte sees the patch (KVM runs guest
# code from RAM: nothing can hide it); the built-in CPU patches nothing.
set breakpoint always-inserted on
hbreak *0x7000
hbreak *0x7001
hbreak *0x7002
hbreak *0x7003
break *target
break *after_read
break *after_write
monitor debug
mechanisms
continue
p $pc == &after_read
python
import os
patch = (0xf4 if os.environ.get("KVM_GDBSTUB_ACCEL") == "kvm"
         else 0xcc if os.environ.get("KVM_GDBSTUB_DEBUG_MODEL") == "vtx" else 0xb3)
al = int(gdb.parse_and_eval("$al")) & 0xff
print("the guest read %s" % ("what this backend has there" if al == patch else "%#x" % al))
end
x/2xb &target
continue
p $pc == &after_write
x/2xb &target
# Still a patch after the guest's write over it:
mechanisms
continue
p $pc == &target
x/i $pc
delete
x/2xb &target
continue
