/* "hot": every iteration stores on the same 4 KiB page as the watched word
 * (0x2000), but not to it. */
#define OTHER 0x2010
#include "watch_loop.inc"
