/* schedule: publishing at a time, without cron. A page version published
 * for later exists as a version whose page's live pointer moves at its
 * due time; a post published with a future date shows from then on. The
 * publish_schedule table holds one pending row per page or post; the
 * storefront asks, once per request, whether its store has anything due
 * (one indexed look-up) and applies it, so does every signed-in admin
 * request, and the deliverer does the same for every store. Applying bumps the store's content version, so cached
 * pages are stale the moment the version goes live. */
#ifndef SCHEDULE_H
#define SCHEDULE_H
#include "util.h"
#include <cJSON.h>
#include <stdint.h>

/* Pending for a page (version) or a post: replaces the one before.
 * Caller holds the transaction. 0 or -1. */
MUST_USE int sched_set(int64_t tid, const char *kind, int64_t id, int64_t version, int64_t due, int64_t user);
/* Drop a page's or post's pending row: 1 dropped, 0 none, -1 error. */
MUST_USE int sched_cancel(int64_t tid, const char *kind, int64_t id);
/* {version, publishAt} of the pending row, or NULL. */
cJSON *sched_get(int64_t tid, const char *kind, int64_t id);

/* Apply the store's due rows (in their own transaction, only when some
 * are due): the number applied, 0 when none (the usual case: one indexed
 * query), -1 on error. Must not be called inside a transaction. */
int sched_run_due(int64_t tid);
/* The same for every store with due rows (the deliverer): applied or -1. */
int sched_run_all(void);
#endif
