/* N `out`s to port 0x80, which no device claims. */
#define ACCESS out %al, $0x80
#include "access.inc"
