/* redirects: a store's redirects table. Paths that answer 301 (or 302, 307,
 * 308) to another path of the same store, consulted only when nothing else
 * answers; the merchant's own (/api/cms/redirects) and the ones slug
 * changes leave. Never a loop, never a chain, never another host: a slug
 * change re-points older redirects at the new address instead of
 * chaining. Every function binds the tenant. */
#ifndef REDIRECTS_H
#define REDIRECTS_H
#include "util.h"
#include <cJSON.h>
#include <stdint.h>

#define REDIR_PATH_MAX 1000

/* A from path: "/..." (not "//"), no query or fragment, no control
 * characters or blanks, not under /api/. NULL or the problem. */
const char *redir_from_problem(const char *from);
/* A to target: a path of this store "/..." (query allowed), never
 * "//host", "http://..." or another scheme. NULL or the problem. */
const char *redir_to_problem(const char *to);
/* Would from -> to make a loop or a chain with the store's redirects
 * (except the one of id `except`)? NULL, or the problem (into buf). */
const char *redir_chain_problem(int64_t tid, const char *from, const char *to, int64_t except, char *buf, size_t n);

/* JSON of one redirect or NULL; the list, oldest first. */
cJSON *redir_get(int64_t tid, int64_t id);
cJSON *redir_list(int64_t tid, int64_t limit, int64_t offset);
/* Insert: the new id, 0 when from already has one, -1 on error. */
int64_t redir_create(int64_t tid, const char *from, const char *to, int status);
/* Update (NULL/0: unchanged): 1 done, 0 not found, -1 error (a duplicate
 * from is SQLITE_CONSTRAINT). */
int redir_update(int64_t tid, int64_t id, const char *from, const char *to, int status);

/* A slug change moved an address (paths, e.g. "/products/old" to
 * "/products/new"): old answers 301 to new, redirects to old now point at
 * new, and new no longer redirects. Caller holds the transaction. 0 or -1. */
MUST_USE int redir_moved(int64_t tid, const char *old_path, const char *new_path);

/* The target and status for a path nobody answered; 0 found, -1 none. */
int redir_lookup(int64_t tid, const char *path, sbuf *to, int *status);
#endif
