# guest: smp.bin
# gdb-file: smp.elf
# stub-args: --cpus 3
# mechanism-kvm: 1=debug register
# mechanism-vtx: 1=int3 patch
# Every vCPU calls work once: a breakpoint there is hit by each of the
# three, each hit reported once with its own thread, none lost, also when
# two vCPUs (in parallel on KVM) hit it in the same instant: GDB is told
# about one, the other's stop waits for the next continue.
break work
mechanisms
python
seen = []
for _ in range(3):
    gdb.execute("continue", to_string=True)
    frame = gdb.selected_frame()
    seen.append(gdb.selected_thread().num)
    print("hit in work: %s" % (frame.pc() == int(gdb.parse_and_eval("work").address)))
print("threads that hit: %s" % sorted(seen))
end
delete
continue
