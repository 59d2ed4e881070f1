/* N 32-bit reads of the MMIO RTC's TIME_LOW (0xD0000). */
#define ACCESS mov %es:0, %eax
#include "access.inc"
