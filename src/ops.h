/* ops: what the operator watches (doc/operations.md). Counters every
 * worker adds to, kept in share.c's shared-memory file (share_extra):
 * requests by program, route and status, a request-time histogram, block
 * failures by kind (the sandbox's limits: cpu, memory, output, ...), and
 * named counters any module can bump (the page cache's hits and misses).
 * The health checks behind /healthz, and the Prometheus text of /metrics
 * (those counters plus the outbox backlog and the stores using the most
 * render time). Never fails a request: without the shared file counting
 * is off. */
#ifndef OPS_H
#define OPS_H
#include "http.h"
#include "util.h"
#include <cJSON.h>

/* One answered request (after http_send): its route row's pattern, its
 * status and its time since r->t0. */
void ops_observe(const char *program, const req *r);
/* The time a live page's blocks took (render.c), for the render histogram. */
void ops_render_time(long usec);
/* A block that failed to render, by vibe_error kind ("cpu", "memory",
 * "output", "timeout", "sandbox", "runtime", ...). */
void ops_block_failed(const char *kind);
/* Add n to a named counter ([a-z_], e.g. "cache_hits", "cache_misses"):
 * exported as storefront_<name>_total. */
void ops_count(const char *name, long n);

/* The health checks: {status, checks:{database, sandbox, disk, backlog},
 * failed:[names]}. *ok is 1 when every check passed. sandbox is checked
 * when with_sandbox (a program that runs one). */
cJSON *ops_health(int with_sandbox, int *ok);
/* The Prometheus text exposition of everything above into out. */
void ops_metrics(sbuf *out);
/* 1 when the request may read /metrics and /healthz: from loopback, or
 * with "Authorization: Bearer <metrics_token>". Behind a proxy on the same
 * machine set trusted_proxy, or every client looks like loopback. */
int ops_metrics_allowed(req *r);
#endif
