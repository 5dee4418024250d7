/* route: a program's route table (cgit-style command table). Each row has
 * the methods it answers, a pattern with :name segments, its handler and
 * flags (needs a tenant, needs auth, which roles), the rate-limit bucket
 * its requests count against, and whether its answers may be cached.
 * route_dispatch matches the path, answers 404/405 itself, sets the row's
 * caching, and calls the program's gate, which enforces the rest of the
 * row (tenant, credentials, roles, bucket) before the handler runs. */
#ifndef ROUTE_H
#define ROUTE_H
#include "http.h"

enum {
	R_TENANT = 1,       /* the Host must name a store */
	R_AUTH = 2,         /* a signed-in user (token or session) */
	R_PUBLIC = 4,       /* no auth, even under an authenticated prefix */
	R_WRITE = 8,        /* changes data: CSRF for cookie auth, audit */
	R_NOSTORE = 16,     /* private answers: Cache-Control: no-store, no ETag */
	R_CACHE = 32,       /* opt-in: anonymous GETs kept in the page cache (pagecache.h) */
	R_REVALIDATE = 64,  /* private answers a client keeps and revalidates (pollers):
			       Cache-Control: private, no-cache, with an ETag (304) */
};

/* Roles allowed (bit set); 0 = any role. */
enum { ROLE_OWNER = 1, ROLE_EDITOR = 2, ROLE_STAFF = 4, ROLE_ANY = 7 };

typedef void (*route_fn)(req *r);
typedef struct route {
	int methods;
	const char *pattern;    /* "/api/cms/pages/:id/blocks" */
	route_fn fn;
	int flags;
	int roles;
	const char *resource;   /* for docs and the isolation matrix: "page" */
	const char *bucket;     /* per-IP rate-limit bucket of cfg.rate_limits, or NULL */
} route;

/* Gate: run before the handler; returns 0 to go on, -1 when it answered. */
typedef int (*route_gate_fn)(req *r, const route *rt);

/* Returns the matching route (after calling fn), or NULL when it answered
 * 404/405. */
const route *route_dispatch(req *r, const route *table, size_t n, route_gate_fn gate);
/* The row that would answer r (path and method), without dispatching:
 * NULL when none would (404/405). */
const route *route_find(req *r, const route *table, size_t n);
/* Match one pattern against a path, filling params: 1 or 0. */
int route_match(const char *pattern, const char *path, const char **params, int *nparams,
		char *scratch, size_t scratch_len);
/* A route parameter as a positive id (0 when not a number). */
int64_t route_id(req *r, int i);
#endif
