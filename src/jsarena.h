/* jsarena: one fixed memory region for the MuJS state of the block being
 * rendered, and a snapshot of a freshly made state in it. Restoring the
 * snapshot (a memcpy of ~100 KB) gives every block a pristine interpreter
 * -- no prototype change or global survives -- in a few microseconds
 * instead of js_newstate's ~70. The region's allocator also enforces the
 * block's memory cap. Made once per process (in the sandbox zygote, so
 * every render child inherits it). */
#ifndef JSARENA_H
#define JSARENA_H
#include <mujs.h>
#include <stddef.h>

/* Create the region (cap bytes usable by one block) and the snapshot of a
 * state with panic installed and setup run. 0, or -1 when unavailable. */
int jsa_init(size_t cap, js_Panic panic, void (*setup)(js_State *));
int jsa_ready(void);
/* The pristine state, restored from the snapshot. */
js_State *jsa_fresh(void);
/* Did the last block hit the cap? Bytes it had at peak. */
int jsa_exceeded(void);
size_t jsa_peak(void);
/* Take the page faults of the snapshot and of the first bytes after it now
 * (a waiting child does this off the request's path). */
void jsa_prefault(size_t bytes);
#endif
