/* incache: a worker's copies of the inputs it built for blocks (the JSON
 * text handed to the render child), so the next view of the same store's
 * page skips the queries and the encoding. A key names everything the
 * inputs are made of -- the store, its content_version (bumped on every
 * publish, catalogue, theme and settings change), host, device, the
 * block's parameters and config -- so a change makes new keys and an old
 * entry is never served; old ones leave least recently used first, within
 * render_input_cache bytes per worker. Inputs that change with the clock
 * (posts going live at their time) are not put here (render.c decides).
 * The worker holds every store's data anyway; nothing here reaches a
 * render child but the store's own inputs, as before. */
#ifndef INCACHE_H
#define INCACHE_H
#include <stddef.h>

/* The inputs kept under key, or NULL. Valid until the next incache_put. */
const char *incache_get(const char *key);
/* Keep a copy of json under key (nothing when over the byte budget). */
void incache_put(const char *key, const char *json);
/* Hits and misses since start (the benchmark). */
void incache_stats(long *hits, long *misses);
#endif
