/* share: each store's fair share of the workers' time. Every worker adds
 * the wall time a store's blocks took to render (inputs, sandbox, waiting)
 * to that store's account in a small table in shared memory (a file next
 * to the database that every worker maps). A store whose account passes
 * store_cpu_ms within the current window of store_cpu_window seconds is
 * "over" until the window ends: its live pages then run no vibe code and
 * show each block's last good HTML (block_cache, per block and code
 * version) or a placeholder, so its heavy blocks cost the workers almost
 * nothing and other stores keep their share. Previews are never limited. */
#ifndef SHARE_H
#define SHARE_H
#include "util.h"
#include <cJSON.h>
#include <stdint.h>

/* 1 when the store has used its share of the current window. */
int share_over(int64_t tid);
/* Add usec of render time to the store's account. */
void share_charge(int64_t tid, long usec);

/* The cache key of a block's output: a hash of its code and config. */
void share_block_key(const cJSON *b, char out[33]);
/* The block's last good HTML for this key appended to html: 1, or 0. */
int share_cached(int64_t tid, const char *block_id, const char *key, sbuf *html);
/* Remember block b's good HTML (written when missing or a minute old, so a
 * new version replaces the old one within a minute; never waits for the
 * database's write lock). */
void share_keep(int64_t tid, const cJSON *b, const char *block_id, const char *html, size_t n);
#endif
