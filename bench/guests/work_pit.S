/* work.inc with the PIT at 1 kHz and its handler. */
#define TIMER 1
#include "work.inc"
