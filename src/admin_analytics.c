/* admin_analytics: /api/cms/analytics, a store's visits, orders and
 * revenue by day (analytics.c), and today's summary for the app's
 * Storefront Manager card. */
#include "admin.h"
#include "analytics.h"
#include "config.h"
#include "input.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEFAULT_DAYS 30         /* from, when only to (or nothing) is given */

/* "YYYY-MM-DD" days after (or before, negative) a checked date. */
static void day_add(const char *day, int n, char out[11])
{
	struct tm tm = { 0 };
	sscanf(day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + (time_t)n * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Route: GET /api/cms/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD -- days of
 * the store's local calendar, both included (default: the last 30 days
 * up to today); at most analytics_max_days. */
void adm_analytics(req *r)
{
	char today[11], from[11], to[11];
	analytics_local_day(r->t.id, now_unix(), today);
	const char *qf = http_query(r, "from"), *qt = http_query(r, "to");
	const char *p;
	if (qf && (p = analytics_day_problem(qf))) { in_query_fail(r, "from", "%s", p); return; }
	if (qt && (p = analytics_day_problem(qt))) { in_query_fail(r, "to", "%s", p); return; }
	snprintf(to, sizeof to, "%s", qt ? qt : today);
	if (qf) snprintf(from, sizeof from, "%s", qf);
	else day_add(to, -(DEFAULT_DAYS - 1), from);
	if (strcmp(from, to) > 0) { in_query_fail(r, "to", "must not be before from (%s)", from); return; }
	char last[11];
	day_add(from, (int)cfg.analytics_max_days - 1, last);
	if (strcmp(to, last) > 0) {
		in_query_fail(r, "to", "the range may span at most %ld days (to %s at the latest)", cfg.analytics_max_days, last);
		return;
	}
	cJSON *o = analytics_report(r->t.id, from, to);
	cJSON_AddItemToObject(o, "today", analytics_today(r->t.id));
	http_json(r, 200, o);
}

/* Route: GET /api/cms/analytics/today -- visitors, views, orders and
 * revenue (per currency) of the store's current day. */
void adm_analytics_today(req *r)
{
	http_json(r, 200, analytics_today(r->t.id));
}
