# guest: hello.bin
# Connect: stopped at 0:0, registers readable and writable, 16-bit code.
echo == at reset ==\n
info registers eip eflags cs ss ds es fs gs
x/3i $pc
echo == set registers ==\n
set $eax = 5
set $ebx = 0x12345678
p $eax
p/x $ebx
set $pc = 0xa
p/x $pc
p/x $eip_off
x/i $pc
set $cs = 0x10
p/x $cs
p/x $cs_base
p/x $pc
p/x $eip_off
set $cs = 0
set $pc = 0
maintenance flush register-cache
p $eax
p/x $ebx
p/x $pc
echo == all registers ==\n
info registers eip_off esp_off ebp_off cs_base cr0 idtr_limit
kill
