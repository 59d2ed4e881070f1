# guest: minimal.bin
# The guest's hlt ends the program for GDB, also when single-stepping onto it.
x/i $pc
stepi
