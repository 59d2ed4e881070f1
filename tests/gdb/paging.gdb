# guest: paging.bin
# gdb-file: paging.elf
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# With the guest's paging on, GDB's addresses are linear and go through the
# guest's page tables: 0x400000 is physical 0x30000 (the #PF handler mapped
# it), 0x500000 is not mapped (an error, not all ones), a write lands in the
# physical page.  No -kvm variant: KVM on this project's machines refuses
# CR0.PG (doc/cpu.md); -emu and -vtx (int3 patches placed through the
# translation) run.
break *task
mechanisms
continue
p/x $cr0
x/wx 0x400000
set {int}0x400004 = 0x99
x/wx 0x30004
x/wx 0x400004
python
try:
    gdb.execute("x/wx 0x500000")
except gdb.MemoryError as e:
    print("error:", e)
end
x/xb task
kill
