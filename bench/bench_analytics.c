/* bench_analytics: what counting one page view costs (analytics_count: the
 * salted visitor hash and one short write transaction of upserts), p50/p90
 * over N views from a few thousand visitors on a few dozen paths, and the
 * report for a month (GET /api/cms/analytics's work) after them.
 * usage: bench_analytics DB [N] */
#include "analytics.h"
#include "config.h"
#include "db.h"
#include "tenant.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: bench_analytics DB [N]\n"); return 2; }
	char err[256];
	config_load(NULL, err, sizeof err);
	snprintf(cfg.db, sizeof cfg.db, "%s", argv[1]);
	int n = argc > 2 ? atoi(argv[2]) : 5000;
	if (db_open(cfg.db, err, sizeof err) < 0) { fprintf(stderr, "%s\n", err); return 1; }
	tenant t = { 0 };
	if (tenant_from_host(&t, "demo.localhost") < 0) { fprintf(stderr, "no demo store\n"); return 1; }
	long *us = xcalloc((size_t)n, sizeof *us);
	int dropped = 0;
	for (int i = 0; i < n; i++) {
		char ip[32], ua[96], path[48];
		snprintf(ip, sizeof ip, "198.51.%d.%d", (i / 7) % 256, (i * 13) % 256);
		snprintf(ua, sizeof ua, "Mozilla/5.0 (X11; Linux x86_64) Chrome/%d.0 Safari/537.36", 100 + (i / 3) % 40);
		snprintf(path, sizeof path, "/products/item-%d", (i * 7) % 37);
		analytics_view v = { ip, ua, path, i % 4 ? "" : "www.example.com", i % 3 ? "desktop" : "mobile" };
		int64_t t0 = now_usec();
		dropped += analytics_count(t.id, &v) != 0;
		us[i] = (long)(now_usec() - t0);
	}
	qsort(us, (size_t)n, sizeof *us, cmp);
	printf("count one view (%d views)   p50 %6.3f ms  p90 %6.3f ms  (%d not counted)\n", n,
	       us[n / 2] / 1000.0, us[n * 9 / 10] / 1000.0, dropped);
	char today[11], from[11];
	analytics_local_day(t.id, now_unix(), today);
	analytics_local_day(t.id, now_unix() - 29 * 86400, from);
	int64_t t0 = now_usec();
	int reps = 50;
	for (int i = 0; i < reps; i++) cJSON_Delete(analytics_report(t.id, from, today));
	printf("report for 30 days          mean %6.3f ms\n", (now_usec() - t0) / 1000.0 / reps);
	tenant_clear(&t);
	db_close();
	free(us);
	return 0;
}
