/* work.inc without a timer: the reference. */
#define TIMER 0
#include "work.inc"
