/* quota: a store's seed limits -- pages, blocks per page, products, media
 * bytes, posts, collections, discounts, live API tokens and users.
 * Defaults from the config (limit_*), per-store overrides in
 * tenants.limits_json ({"pages":N,"blocksPerPage":N,...}, set by the
 * platform API). Checked before creating. */
#ifndef QUOTA_H
#define QUOTA_H
#include "route.h"
#include <stdint.h>

enum limit_kind { LIM_PAGES, LIM_BLOCKS_PER_PAGE, LIM_PRODUCTS, LIM_MEDIA_BYTES, LIM_POSTS,
		  LIM_COLLECTIONS, LIM_DISCOUNTS, LIM_TOKENS, LIM_USERS, LIM_N };

/* The JSON key of a kind ("pages", "blocksPerPage", ...). */
const char *quota_key(enum limit_kind k);
/* The limit in force for a store. */
int64_t quota_get(int64_t tid, enum limit_kind k);
/* Before a create route runs: 0 go on, -1 answered 422 limit_reached. */
int quota_gate(req *r, const route *rt);
/* For media uploads: 0 when add more bytes fit beside used, else -1 after
 * answering 422 limit_reached. */
int quota_media_check(req *r, int64_t used, int64_t add);
/* The store's limits and current use as JSON. */
cJSON *quota_json(int64_t tid);
#endif
