/* ratelimit: limits on work one client can cause. Per-IP buckets for public
 * endpoints that cost work (cart, checkout, login, ...: the route rows name them) with
 * the generic cell rate algorithm over the rate_limits table, configured
 * by cfg.rate_limits ("bucket:N/SECONDS,..."); and login throttling by
 * account and by IP with exponential backoff (login_failures table). */
#ifndef RATELIMIT_H
#define RATELIMIT_H
#include "http.h"

/* One request of r's client (its IP) against a configured bucket. 0: go on.
 * -1: it answered 429 (JSON error, Retry-After). An unknown bucket or a
 * storage error lets the request through (logged): so does a database
 * busy for longer than ratelimit_busy_ms (a few ms; the limiter never waits
 * out the busy timeout). Call it outside a transaction, before the work, e.g.
 *     if (ratelimit_check(r, "cart") < 0) return;                         */
int ratelimit_check(req *r, const char *bucket);
/* The same with another key than the IP, e.g. per store ("t:42"). */
int ratelimit_check_key(req *r, const char *bucket, const char *key);

/* The same for any key: 0 allowed, 1 limited (*retry_after seconds), -1 on
 * a storage error or a database busy past ratelimit_busy_ms. limit
 * requests per period seconds, bursts up to limit. */
int ratelimit_take(const char *bucket, const char *key, long limit, long period, long *retry_after);
/* A bucket's configuration from cfg.rate_limits: 0 or -1 when not listed. */
int ratelimit_config(const char *bucket, long *limit, long *period);
/* Answer 429 with Retry-After and a JSON error naming what was limited. */
void ratelimit_answer(req *r, const char *code, long retry_after, const char *what);

/* Login throttling. Seconds the client must still wait before another try
 * for this email (known or not) or from this IP; 0 = go on. */
long throttle_login_wait(const char *email, const char *ip);
/* A failed try: counts for the email and the IP; past the allowance each
 * further failure doubles the wait (login_backoff_base .. _max). */
void throttle_login_failed(const char *email, const char *ip);
/* A successful login forgets the account's failures (not the IP's). */
void throttle_login_ok(const char *email);
/* The backoff after `failures` failures with an allowance of `allowed`. */
long throttle_backoff(long failures, long allowed);
#endif
