# guest: fault.bin
# A guest that faults stops with a signal and stays inspectable.
continue
p/x $bx
p/x $eip_off
p/x $cr0 & 1
x/i $pc
kill
