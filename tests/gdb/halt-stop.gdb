# guest: hello.bin
# stub-args: --halt stop
# --halt stop: the guest stops after its hlt and stays inspectable.
continue
p/x $pc
p/x $eax
x/s 0x18
monitor halt exit
kill
