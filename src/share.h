/* share: each store's fair share of the workers' time. Every worker adds
 * the wall time a store's blocks took to render (inputs, sandbox, waiting)
 * to that store's account in a small table in shared memory (a file next
 * to the database that every worker maps). A store whose account passes
 * store_cpu_ms within the current window of store_cpu_window seconds is
 * "over" until the window ends: its live pages then run no vibe code and
 * show each block's last good HTML (block_cache, per block and code
 * version) or a placeholder, so its heavy blocks cost the workers almost
 * nothing and other stores keep their share. Previews are never limited.
 * The file also holds the operator's counters (share_extra, ops.h). */
#ifndef SHARE_H
#define SHARE_H
#include "util.h"
#include <cJSON.h>
#include <stdint.h>

/* 1 when the store has used its share of the current window. */
int share_over(int64_t tid);
/* Add usec of render time to the store's account. */
void share_charge(int64_t tid, long usec);

/* The same shared file holds SHARE_EXTRA bytes more, zeroed when the file
 * is made, for other counters every worker adds to (ops.c's metrics lay
 * theirs out there): a pointer to them, or NULL when the file cannot be
 * mapped. Writers use atomic operations only. */
#define SHARE_EXTRA (128 * 1024)
void *share_extra(void);
/* The stores with the most render time in the current window, most
 * first: up to n of them into tids and used_us; returns how many. */
int share_top(int64_t *tids, int64_t *used_us, int n);

/* The cache key of a block's output: a hash of its code and config. */
void share_block_key(const cJSON *b, char out[33]);
/* The block's last good HTML for this key appended to html: 1, or 0. */
int share_cached(int64_t tid, const char *block_id, const char *key, sbuf *html);
/* Remember block b's good HTML (written when missing or a minute old, so a
 * new version replaces the old one within a minute; never waits for the
 * database's write lock). */
void share_keep(int64_t tid, const cJSON *b, const char *block_id, const char *html, size_t n);
#endif
