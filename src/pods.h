/* pods: the router node (doc/scale.md). A pod is an ordinary installation
 * (web server, pools, its own database); the catalogue, a SQLite database
 * of its own (cfg.catalogue), records every pod (the address HAProxy sends
 * to, the command that runs its bin/storefront), every store's pod and
 * hostnames, and is the authority for usernames across pods. HAProxy routes
 * by Host with a map file written from the catalogue and kept current
 * without reloads through its runtime API (cfg.haproxy_socket). New stores
 * go to the least-loaded pod; a store moves between pods as one exported
 * file with a short read-only window.
 *
 * These functions run in `bin/storefront catalogue ...` and `tenant move`
 * with the catalogue as the process's database (db.c); a pod's own
 * database is reached only through the pod's command. */
#ifndef PODS_H
#define PODS_H
#include "util.h"
#include <stddef.h>
#include <cJSON.h>

/* Open (creating) the catalogue as this process's database. */
int pods_open(char *err, size_t errlen);

int pods_pod_add(const char *name, const char *addr, const char *cli, char *err, size_t errlen);
/* [{name, addr, cli, stores, requests, load}] */
cJSON *pods_pod_list(void);
/* Record a pod's recent request count (from HAProxy's stats or the
 * operator), one input of placement. */
int pods_pod_requests(const char *name, long requests, char *err, size_t errlen);
/* Read every pod backend's request count from HAProxy (show stat) into
 * the catalogue: how many pods got numbers, or -1. */
int pods_requests_from_haproxy(char *err, size_t errlen);

/* Claim username for a new store on pod (NULL: the least-loaded) and its
 * subdomain host: 0 with pod_out, -1 (taken, no pod, storage). */
int pods_claim(const char *username, const char *pod, char *pod_out, size_t n, char *err, size_t errlen);
/* Create a store: claim, `tenant create` on its pod, map entry. */
int pods_store_create(const char *username, const char *name, const char *pod, char *pod_out, size_t n, char *err,
		      size_t errlen);
int pods_host_add(const char *host, const char *username, char *err, size_t errlen);
int pods_host_remove(const char *host, char *err, size_t errlen);
/* The pod of a host ("" none): the same answer the map gives HAProxy. */
int pods_lookup(const char *host, char *pod, size_t n);

/* Write the whole host -> pod map (one "host pod" line each, sorted) to
 * path (atomically). The number of lines, or -1. */
long pods_map_write(const char *path, char *err, size_t errlen);
/* One command to HAProxy's runtime API; its answer in out. 0 or -1. */
int pods_haproxy(const char *cmd, sbuf *out, char *err, size_t errlen);
/* Make HAProxy's live map say host -> pod (pod NULL: remove the host). */
int pods_map_apply(const char *host, const char *pod, char *err, size_t errlen);

/* Move a store to pod `to`: export from its pod, import on the target,
 * read-only window (writes 503 + Retry-After) for this store only from
 * the export to the switch, switch the map, verify, delete the source's
 * copy. Progress lines go to stdout. 0 or -1 (the store stays where it
 * was, writable again). */
int pods_move(const char *username, const char *to, long window, char *err, size_t errlen);
#endif
