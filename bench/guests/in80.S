/* N 32-bit `in`s from port 0x80, which no device claims. */
#define ACCESS in $0x80, %eax
#include "access.inc"
