/* analytics: cookieless counting and the store's reports (see analytics.h). */
#include "analytics.h"
#include "commerce.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "money.h"
#include "sha256.h"
#include "store_settings.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOP_KEYS 10             /* rows in topPages, referrers, devices */

int analytics_is_bot(const char *ua)
{
	if (!ua || !*ua) return 1;              /* browsers always send one */
	static const char *const marks[] = {
		"bot", "crawl", "spider", "slurp", "headless", "lighthouse", "monitor", "curl/", "wget",
		"python-", "python/", "httpclient", "java/", "go-http", "preview", "facebookexternalhit",
		"pingdom", "uptime", "scrapy", "phantomjs", "libwww", "okhttp", "axios", "node-fetch",
	};
	char low[512];
	size_t n = strlen(ua);
	if (n >= sizeof low) n = sizeof low - 1;
	for (size_t i = 0; i < n; i++) low[i] = (char)((ua[i] >= 'A' && ua[i] <= 'Z') ? ua[i] + 32 : ua[i]);
	low[n] = 0;
	for (size_t i = 0; i < ARRAY_LEN(marks); i++)
		if (strstr(low, marks[i])) return 1;
	return 0;
}

/* The process runs in UTC; a store's local dates come from its zone's
 * POSIX rule, set in TZ for as long as they are computed. */
typedef struct zone { char *old; int had; } zone;

static void zone_enter(int64_t tid, zone *z)
{
	char tz[TZ_NAME_MAX + 1], rule[128];
	com_time_zone(tid, tz, sizeof tz);
	if (tz_rule(tz, rule, sizeof rule) < 0) snprintf(rule, sizeof rule, "UTC0");
	const char *o = getenv("TZ");
	z->had = o != NULL;
	z->old = o ? xstrdup(o) : NULL;
	setenv("TZ", rule, 1);
	tzset();
}

static void zone_leave(zone *z)
{
	if (z->had) setenv("TZ", z->old, 1);
	else unsetenv("TZ");
	tzset();
	free(z->old);
}

static void day_in_zone(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void analytics_local_day(int64_t tid, int64_t t, char out[11])
{
	zone z;
	zone_enter(tid, &z);
	day_in_zone(t, out);
	zone_leave(&z);
}

static void utc_day(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* "YYYY-MM-DD" -> unix time of its midnight UTC; -1 when not a date. */
static int64_t day_start(const char *s)
{
	int y, m, d;
	char tail;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 || y > 9999 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_mday != d || back.tm_mon != m - 1) return -1;   /* 2026-02-30 */
	return (int64_t)t;
}

const char *analytics_day_problem(const char *s)
{
	return day_start(s) < 0 ? "must be a date YYYY-MM-DD" : NULL;
}

/* Today's salt (made when the day's first view comes), 32 bytes into out.
 * Making one also forgets every day no time zone is still in: their salts
 * and visitor hashes. Inside the caller's transaction. 0 or -1. */
static int salt_of(const char *day, int64_t now, unsigned char out[32])
{
	sqlite3_stmt *st = db_stmt("SELECT salt FROM analytics_salt WHERE day = :d");
	db_bind_text(st, ":d", day);
	int rc = db_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(out, sqlite3_column_blob(st, 0), 32);
		db_reset(st);
		return 0;
	}
	db_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) return -1;
	random_bytes(out, 32);
	st = db_stmt("INSERT OR REPLACE INTO analytics_salt(day, salt) VALUES(:d, :s)");
	db_bind_text(st, ":d", day);
	db_bind_blob(st, ":s", out, 32);
	if (db_run(st) < 0) return -1;
	/* Local days run from UTC-12 to UTC+14: the UTC day before yesterday
	 * has ended everywhere. */
	char old[11];
	utc_day(now - 86400, old);
	st = db_stmt("DELETE FROM analytics_salt WHERE day < :old");
	db_bind_text(st, ":old", old);
	if (db_run(st) < 0) return -1;
	st = db_stmt("DELETE FROM analytics_visitors WHERE day < :old");
	db_bind_text(st, ":old", old);
	return db_run(st);
}

static int bump_key(int64_t tid, const char *day, const char *kind, const char *key)
{
	if (!key || !*key) return 0;
	sqlite3_stmt *st = db_stmt("INSERT INTO analytics_keys(tenant_id, day, kind, key, views) VALUES(:t, :d, :k, :key, 1) "
				   "ON CONFLICT(tenant_id, day, kind, key) DO UPDATE SET views = views + 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":d", day);
	db_bind_text(st, ":k", kind);
	db_bind_text(st, ":key", key);
	return db_run(st);
}

static int count_in_tx(int64_t tid, const analytics_view *v, const char *day, int64_t now)
{
	unsigned char salt[32], h[32];
	if (salt_of(day, now, salt) < 0) return -1;
	sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, salt, sizeof salt);
	sha256_update(&c, &tid, sizeof tid);
	sha256_update(&c, v->ip ? v->ip : "", strlen(v->ip ? v->ip : "") + 1);
	sha256_update(&c, v->ua ? v->ua : "", strlen(v->ua ? v->ua : ""));
	sha256_final(&c, h);
	sqlite3_stmt *st = db_stmt("INSERT OR IGNORE INTO analytics_visitors(day, tenant_id, hash) VALUES(:d, :t, :h)");
	db_bind_text(st, ":d", day);
	db_bind_int(st, ":t", tid);
	db_bind_blob(st, ":h", h, 16);
	if (db_run(st) < 0) return -1;
	int fresh = db_changes() > 0;
	st = db_stmt("INSERT INTO analytics_daily(tenant_id, day, views, visitors) VALUES(:t, :d, 1, :n) "
		     "ON CONFLICT(tenant_id, day) DO UPDATE SET views = views + 1, visitors = visitors + :n");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":d", day);
	db_bind_int(st, ":n", fresh);
	if (db_run(st) < 0) return -1;
	if (bump_key(tid, day, "page", v->path) < 0 || bump_key(tid, day, "referrer", v->ref_host) < 0 ||
	    bump_key(tid, day, "device", v->device) < 0)
		return -1;
	return 0;
}

int analytics_count(int64_t tid, const analytics_view *v)
{
	if (tid <= 0 || db_in_tx()) return 1;
	int64_t now = now_unix();
	char day[11];
	analytics_local_day(tid, now, day);
	/* A view never waits out another writer: busy, it is not counted. */
	db_busy_ms(cfg.analytics_busy_ms);
	int rc = 1;
	if (db_begin(1) == 0) {
		if (count_in_tx(tid, v, day, now) == 0 && db_commit() == 0) rc = 0;
		else if (db_in_tx()) db_rollback();
	}
	db_busy_ms(-1);
	if (rc) log_warn("a page view of store %lld was not counted (database busy)", (long long)tid);
	return rc;
}

/* ---- reports ---------------------------------------------------------- */

typedef struct day_row {
	char date[11];
	int64_t views, visitors, orders;
	cJSON *revenue;                 /* {currency: minor} while adding up */
} day_row;

static void add_minor(cJSON *acc, const char *cur, int64_t minor)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(acc, cur);
	if (v) cJSON_SetNumberValue(v, v->valuedouble + (double)minor);
	else cJSON_AddNumberToObject(acc, cur, (double)minor);
}

/* {USD: 1234} in minor units -> [{currency, amount, amountFormatted}] */
static cJSON *revenue_list(const cJSON *acc)
{
	cJSON *a = cJSON_CreateArray(), *v;
	cJSON_ArrayForEach(v, acc) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "currency", v->string);
		com_add_money(o, "amount", (int64_t)v->valuedouble, v->string);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *top_keys(int64_t tid, const char *from, const char *to, const char *kind, const char *label)
{
	sqlite3_stmt *st = db_stmt("SELECT key, sum(views) AS n FROM analytics_keys "
				   "WHERE tenant_id = :t AND day BETWEEN :f AND :to AND kind = :k "
				   "GROUP BY key ORDER BY n DESC, key LIMIT :lim");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":f", from);
	db_bind_text(st, ":to", to);
	db_bind_text(st, ":k", kind);
	db_bind_int(st, ":lim", TOP_KEYS);
	cJSON *a = cJSON_CreateArray();
	while (db_step(st) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, label, db_text(st, 0));
		cJSON_AddNumberToObject(o, "views", (double)db_int(st, 1));
		cJSON_AddItemToArray(a, o);
	}
	db_reset(st);
	return a;
}

static void conversion(cJSON *o, int64_t orders, int64_t visitors)
{
	/* orders per visitor, as a fraction (0.025 = 2.5 %); null without visitors */
	if (visitors > 0) cJSON_AddNumberToObject(o, "conversion", (double)(orders * 10000 / visitors) / 10000.0);
	else cJSON_AddNullToObject(o, "conversion");
}

cJSON *analytics_report(int64_t tid, const char *from, const char *to)
{
	int64_t f0 = day_start(from), t0 = day_start(to);
	if (f0 < 0 || t0 < 0 || t0 < f0) return NULL;
	int ndays = (int)((t0 - f0) / 86400) + 1;
	day_row *days = xcalloc((size_t)ndays, sizeof *days);
	for (int i = 0; i < ndays; i++) {
		utc_day(f0 + (int64_t)i * 86400, days[i].date);
		days[i].revenue = cJSON_CreateObject();
	}
	sqlite3_stmt *st = db_stmt("SELECT day, views, visitors FROM analytics_daily "
				   "WHERE tenant_id = :t AND day BETWEEN :f AND :to");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":f", from);
	db_bind_text(st, ":to", to);
	while (db_step(st) == SQLITE_ROW) {
		int64_t d = day_start(db_text(st, 0));
		if (d < f0 || d > t0) continue;
		day_row *r = &days[(d - f0) / 86400];
		r->views = db_int(st, 1);
		r->visitors = db_int(st, 2);
	}
	db_reset(st);
	/* Orders by the store's local day: a day's margin either side of the
	 * UTC range covers every zone. Cancelled orders count for nothing;
	 * refunds come off revenue. Revenue is what was charged, in the
	 * currency charged (an order charged in EUR is EUR revenue), each
	 * currency summed on its own. */
	zone z;
	zone_enter(tid, &z);
	st = db_stmt("SELECT created_at, coalesce(charge_currency, currency), coalesce(charge_total, total) - refunded FROM orders "
		     "WHERE tenant_id = :t AND created_at >= :lo AND created_at < :hi AND status != 'cancelled'");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":lo", f0 - 86400);
	db_bind_int(st, ":hi", t0 + 2 * 86400);
	while (db_step(st) == SQLITE_ROW) {
		char d[11];
		day_in_zone(db_int(st, 0), d);
		int64_t ds = day_start(d);
		if (ds < f0 || ds > t0) continue;
		day_row *r = &days[(ds - f0) / 86400];
		r->orders++;
		add_minor(r->revenue, db_text(st, 1), db_int(st, 2));
	}
	db_reset(st);
	zone_leave(&z);

	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "from", from);
	cJSON_AddStringToObject(o, "to", to);
	cJSON *arr = cJSON_AddArrayToObject(o, "days");
	cJSON *tot_rev = cJSON_CreateObject();
	int64_t tv = 0, tu = 0, to_ = 0;
	for (int i = 0; i < ndays; i++) {
		day_row *r = &days[i];
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "date", r->date);
		cJSON_AddNumberToObject(d, "views", (double)r->views);
		cJSON_AddNumberToObject(d, "visitors", (double)r->visitors);
		cJSON_AddNumberToObject(d, "orders", (double)r->orders);
		cJSON_AddItemToObject(d, "revenue", revenue_list(r->revenue));
		conversion(d, r->orders, r->visitors);
		cJSON_AddItemToArray(arr, d);
		cJSON *v;
		cJSON_ArrayForEach(v, r->revenue) add_minor(tot_rev, v->string, (int64_t)v->valuedouble);
		tv += r->views;
		tu += r->visitors;
		to_ += r->orders;
		cJSON_Delete(r->revenue);
	}
	free(days);
	cJSON *tot = cJSON_AddObjectToObject(o, "totals");
	cJSON_AddNumberToObject(tot, "views", (double)tv);
	/* a visitor is counted once per day: over a range this is visitor-days */
	cJSON_AddNumberToObject(tot, "visitors", (double)tu);
	cJSON_AddNumberToObject(tot, "orders", (double)to_);
	cJSON_AddItemToObject(tot, "revenue", revenue_list(tot_rev));
	conversion(tot, to_, tu);
	cJSON_Delete(tot_rev);
	cJSON_AddItemToObject(o, "topPages", top_keys(tid, from, to, "page", "path"));
	cJSON_AddItemToObject(o, "referrers", top_keys(tid, from, to, "referrer", "host"));
	cJSON_AddItemToObject(o, "devices", top_keys(tid, from, to, "device", "device"));
	return o;
}

cJSON *analytics_today(int64_t tid)
{
	char day[11];
	analytics_local_day(tid, now_unix(), day);
	cJSON *rep = analytics_report(tid, day, day);
	cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rep, "days"), 0);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "date", day);
	static const char *const keep[] = { "visitors", "views", "orders", "revenue", "conversion" };
	for (size_t i = 0; i < ARRAY_LEN(keep); i++)
		cJSON_AddItemToObject(o, keep[i], cJSON_DetachItemFromObjectCaseSensitive(d, keep[i]));
	cJSON_Delete(rep);
	return o;
}
