# guest: selfmod.bin
# gdb-file: selfmod.elf
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
continue
p $pc == &target
x/i $pc
delete
x/2xb &target
continue
