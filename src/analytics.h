/* analytics: a store's visits without cookies (doc/analytics.md). Page views
 * and unique visitors per store-local day, counted from the store script's
 * beacon: a visitor is sha256(day's salt, store, IP, user agent), kept only
 * for its day (the salt is deleted with it), never the IP or agent itself.
 * Top pages, referrer hosts and devices per day; orders, revenue per
 * currency (never summed across currencies) and conversion from the orders
 * table. Bots (by user agent) are not counted. */
#ifndef ANALYTICS_H
#define ANALYTICS_H
#include <cJSON.h>
#include <stdint.h>

/* One view as the beacon reports it. path is the page's path (no query),
 * ref_host the referrer's host ("" for none or the store itself), device
 * "desktop" | "tablet" | "mobile". */
typedef struct analytics_view {
	const char *ip, *ua, *path, *ref_host, *device;
} analytics_view;

/* 1 when the user agent names a crawler, a monitor or a headless tool. */
int analytics_is_bot(const char *ua);
/* Count one view: one short write transaction of upserts that never
 * waits long for the write lock (cfg.analytics_busy_ms). 0 counted, 1 not
 * counted (busy or a storage error: dropped, logged), never an error for
 * the shopper. */
int analytics_count(int64_t tid, const analytics_view *v);
/* NULL when s is a calendar date "YYYY-MM-DD", else what is wrong. */
const char *analytics_day_problem(const char *s);
/* The store's local date of unix time t ("YYYY-MM-DD"). */
void analytics_local_day(int64_t tid, int64_t t, char out[11]);
/* The report for days from..to (store-local, both included, checked):
 * {from, to, days:[{date, views, visitors, orders, revenue:[{currency,
 * amount}], conversion}], totals, topPages, referrers, devices}. */
cJSON *analytics_report(int64_t tid, const char *from, const char *to);
/* Today's summary (the Storefront Manager card): {date, visitors, views,
 * orders, revenue:[{currency, amount}]}. */
cJSON *analytics_today(int64_t tid);
#endif
