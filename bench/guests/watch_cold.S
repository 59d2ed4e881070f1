/* "cold": every iteration stores on another 4 KiB page than the watched
 * word (0x2000). */
#define OTHER 0x5010
#include "watch_loop.inc"
