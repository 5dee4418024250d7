/* ratelimit: GCRA buckets per IP and login backoff (see ratelimit.h). */
#include "ratelimit.h"
#include "config.h"
#include "db.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ratelimit_config(const char *bucket, long *limit, long *period)
{
	size_t bl = strlen(bucket);
	const char *p = cfg.rate_limits;
	while (*p) {
		while (*p == ',' || *p == ' ') p++;
		const char *colon = strchr(p, ':');
		if (!colon) break;
		const char *end = strchr(p, ',');
		if (!end) end = p + strlen(p);
		if ((size_t)(colon - p) == bl && strncmp(p, bucket, bl) == 0) {
			long n, s;
			if (sscanf(colon + 1, "%ld/%ld", &n, &s) == 2 && n > 0 && s > 0) {
				*limit = n;
				*period = s;
				return 0;
			}
			log_warn("rate_limits: bad entry for bucket '%s'", bucket);
			return -1;
		}
		p = end;
	}
	return -1;
}

int ratelimit_take(const char *bucket, const char *key, long limit, long period, long *retry_after)
{
	int64_t now = now_ms(), tau = (int64_t)period * 1000, T = tau / limit;
	if (T < 1) T = 1;
	/* Admit and advance the arrival time in one statement, or leave it. */
	sqlite3_stmt *st = db_stmt(
		"INSERT INTO rate_limits(bucket, key, tat_ms) VALUES(:b, :k, :now + :T) "
		"ON CONFLICT(bucket, key) DO UPDATE SET tat_ms = max(tat_ms, :now) + :T "
		"WHERE max(tat_ms, :now) + :T - :now <= :tau RETURNING tat_ms");
	db_bind_text(st, ":b", bucket);
	db_bind_text(st, ":k", key);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":T", T);
	db_bind_int(st, ":tau", tau);
	/* The limiter never waits out another writer's lock (DB_BUSY_MS): with
	 * the database busy it gives up within ratelimit_busy_ms and the caller
	 * fails open, so one store's long write cannot slow every cart. */
	db_busy_ms(cfg.ratelimit_busy_ms);
	int rc = db_step(st);
	db_reset(st);
	if (rc == SQLITE_ROW) {
		unsigned char dice;
		random_bytes(&dice, 1);
		if (dice == 0) {   /* rows in the past hold no state: forget them */
			st = db_stmt("DELETE FROM rate_limits WHERE tat_ms < :now");
			db_bind_int(st, ":now", now);
			db_run_best_effort(st);
		}
		db_busy_ms(-1);
		return 0;
	}
	db_busy_ms(-1);
	if (rc != SQLITE_DONE) return -1;
	st = db_stmt("SELECT tat_ms FROM rate_limits WHERE bucket = :b AND key = :k");
	db_bind_text(st, ":b", bucket);
	db_bind_text(st, ":k", key);
	int64_t tat = db_step(st) == SQLITE_ROW ? db_int(st, 0) : now;
	db_reset(st);
	int64_t wait = tat + T - tau - now;
	*retry_after = wait <= 0 ? 1 : (long)((wait + 999) / 1000);
	return 1;
}

void ratelimit_answer(req *r, const char *code, long retry_after, const char *what)
{
	http_header(r, "Retry-After", "%ld", retry_after);
	cJSON *d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "retryAfter", (double)retry_after);
	http_error(r, 429, code, d, "too many requests for %s; try again in %ld second%s", what, retry_after,
		   retry_after == 1 ? "" : "s");
}

int ratelimit_check(req *r, const char *bucket)
{
	return ratelimit_check_key(r, bucket, r->remote_addr);
}

int ratelimit_check_key(req *r, const char *bucket, const char *key)
{
	long limit, period, retry = 0;
	if (ratelimit_config(bucket, &limit, &period) < 0) return 0;
	int rc = ratelimit_take(bucket, key, limit, period, &retry);
	if (rc <= 0) return 0;   /* allowed, or storage trouble: fail open */
	ratelimit_answer(r, "rate_limited", retry, bucket);
	return -1;
}

/* ---- login throttling ---- */

long throttle_backoff(long failures, long allowed)
{
	if (failures < allowed) return 0;
	long shift = failures - allowed, wait = cfg.login_backoff_base > 0 ? cfg.login_backoff_base : 1;
	for (long i = 0; i < shift && wait < cfg.login_backoff_max; i++) wait *= 2;
	return wait > cfg.login_backoff_max ? cfg.login_backoff_max : wait;
}

static void key_of(char *out, size_t n, const char *kind, const char *v)
{
	snprintf(out, n, "%s:%s", kind, v ? v : "");
}

long throttle_login_wait(const char *email, const char *ip)
{
	char a[300], i[80];
	key_of(a, sizeof a, "acct", email);
	key_of(i, sizeof i, "ip", ip);
	int64_t now = now_unix();
	sqlite3_stmt *st = db_stmt("SELECT max(blocked_until) FROM login_failures WHERE key IN (:a, :i) AND last_at > :since");
	db_bind_text(st, ":a", a);
	db_bind_text(st, ":i", i);
	db_bind_int(st, ":since", now - cfg.login_window);
	int64_t until = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return until > now ? (long)(until - now) : 0;
}

static void fail_one(const char *key, long allowed, int64_t now)
{
	sqlite3_stmt *st = db_stmt("SELECT failures, last_at FROM login_failures WHERE key = :k");
	db_bind_text(st, ":k", key);
	long failures = 0;
	if (db_step(st) == SQLITE_ROW && db_int(st, 1) > now - cfg.login_window) failures = (long)db_int(st, 0);
	db_reset(st);
	failures++;
	long wait = throttle_backoff(failures, allowed);
	st = db_stmt("INSERT INTO login_failures(key, failures, last_at, blocked_until) VALUES(:k, :f, :now, :until) "
		     "ON CONFLICT(key) DO UPDATE SET failures = :f, last_at = :now, blocked_until = :until");
	db_bind_text(st, ":k", key);
	db_bind_int(st, ":f", failures);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":until", wait ? now + wait : 0);
	db_run_best_effort(st);
}

void throttle_login_failed(const char *email, const char *ip)
{
	char a[300], i[80];
	key_of(a, sizeof a, "acct", email);
	key_of(i, sizeof i, "ip", ip);
	int64_t now = now_unix();
	fail_one(a, cfg.login_max_failures, now);
	fail_one(i, cfg.login_ip_max_failures, now);
	unsigned char dice;
	random_bytes(&dice, 1);
	if (dice < 4) {
		sqlite3_stmt *st = db_stmt("DELETE FROM login_failures WHERE last_at < :since -- scan");
		db_bind_int(st, ":since", now - cfg.login_window);
		db_run_best_effort(st);
	}
}

void throttle_login_ok(const char *email)
{
	char a[300];
	key_of(a, sizeof a, "acct", email);
	sqlite3_stmt *st = db_stmt("DELETE FROM login_failures WHERE key = :k");
	db_bind_text(st, ":k", a);
	db_run_best_effort(st);
}
