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
/* A copy of the state as it is now (the region's used part), for
 * jsa_restore: a block's compiled code and pushed inputs, kept by the
 * render child of one store (vibe.c's block cache). NULL without an
 * arena; *len its size. Free with free(). */
void *jsa_save(size_t *len);
/* The state as saved, byte for byte: nothing done to it since survives. */
js_State *jsa_restore(const void *saved, size_t len);
/* Did the last block hit the cap? Bytes it had at peak. */
int jsa_exceeded(void);
size_t jsa_peak(void);
/* Take the page faults of the snapshot and of the first bytes after it now
 * (a waiting child does this off the request's path). */
void jsa_prefault(size_t bytes);

/* Collect before declaring a block out of memory. MuJS collects when it
 * has made so many objects and strings since the last collection, not by
 * their size: a loop of `s += c` makes a few thousand ever longer strings
 * and reaches the cap with a live set of a few KB. So, between
 * jsa_gc_begin (the block's code is compiled and about to run) and
 * jsa_gc_end, an allocator about to fail asks jsa_gc_rescue, which may
 * run js_gc once and say "retry" (see jsarena.c for when it is safe).
 * Both allocators use it: the arena here and vibe.c's malloc one. */
void jsa_gc_begin(js_State *J);
void jsa_gc_end(void);
/* An allocation of n bytes would break the cap; *used is the allocator's
 * byte count (the collection lowers it), limit the cap, moving the block
 * being reallocated (kept) or NULL. 1: collected, retry once; 0: fail. */
int jsa_gc_rescue(size_t n, const size_t *used, size_t limit, void *moving);
/* The allocator calls these on every successful allocation and on every
 * free; jsa_gc_keep says a free must not happen (see jsarena.c). */
void jsa_gc_note(void *p);
int jsa_gc_keep(void *p);
/* The allocation that fails after a rescue: no more collections for this
 * block (it is out of memory). */
void jsa_gc_give_up(void);
#endif
