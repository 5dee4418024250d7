/* bench_currency: what a shopper's chosen currency costs (doc/commerce.md,
 * issue 13). The demo catalogue's products as vibe code and /api/products
 * get them (store_present_products: one currency_price look-up per product
 * and variant), in the store's own currency and in EUR with a fixed price
 * on every other product; and the demo home page (6 blocks, 24-product
 * grid) rendered in-process in each. p50/p90 of N runs.
 * usage: bench_currency DB [N] (the DB holds the demo store: storefront demo) */
#include "catalog.h"
#include "config.h"
#include "currency.h"
#include "db.h"
#include "http.h"
#include "pages.h"
#include "render.h"
#include "store.h"
#include "store_settings.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static void report(const char *label, long *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("%-46s p50 %7.3f ms  p90 %7.3f ms\n", label, t[n / 2] / 1000.0, t[n * 9 / 10] / 1000.0);
}

/* The demo store sells in EUR too, with a fixed price on every other product. */
static int setup(int64_t tid)
{
	cJSON *s = com_settings(tid);
	cJSON_DeleteItemFromObjectCaseSensitive(s, "currencies");
	cJSON *l = cJSON_AddArrayToObject(s, "currencies"), *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "code", "EUR");
	cJSON_AddNumberToObject(e, "rate", 0.92);
	cJSON_AddStringToObject(e, "rounding", "0.99");
	cJSON_AddItemToArray(l, e);
	char *txt = cJSON_PrintUnformatted(s);
	int bad = db_begin(1) < 0;
	sqlite3_stmt *st = db_stmt("INSERT OR REPLACE INTO commerce_settings(tenant_id, settings_json, updated_at) "
				   "VALUES(:t, :s, strftime('%s','now'))");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", txt);
	bad |= db_run(st) < 0;
	cJSON_free(txt);
	cJSON_Delete(s);
	st = db_stmt("INSERT OR IGNORE INTO variant_prices(tenant_id, product_id, variant_id, currency, price) "
		     "SELECT :t, p.id, coalesce((SELECT min(v.id) FROM variants v WHERE v.product_id = p.id), 0), 'EUR', 999 "
		     "FROM products p WHERE p.tenant_id = :t AND p.id % 2 = 0 -- scan: the bench's setup");
	db_bind_int(st, ":t", tid);
	bad |= db_run(st) < 0;
	if (bad || db_commit() < 0) { db_rollback(); return -1; }
	return 0;
}

static char *env_plain[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_HOST=demo.localhost", NULL };
static char *env_eur[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_HOST=demo.localhost",
			   "HTTP_COOKIE=sf_currency=EUR", NULL };

static void run(const char *label, char **env, int n, int page)
{
	long *t = xcalloc((size_t)n, sizeof *t);
	int count = 0;
	for (int i = 0; i < n; i++) {
		req r;
		http_begin(&r, env, NULL, NULL);
		tenant_from_host(&r.t, "demo.localhost");
		int64_t t0 = now_usec();
		if (page) {
			cJSON *blocks = pages_live_blocks(r.t.id, pages_id_by_slug(r.t.id, "home"), 0);
			sbuf content = SBUF_INIT;
			render_timing rt = { .inprocess = 1 };
			render_blocks_timed(&r, blocks, 0, &content, &rt);
			render_shell(&r, "Home", NULL, sb_str(&content));
			sb_free(&content);
			cJSON_Delete(blocks);
		} else {
			cJSON *list = cat_catalog(&r.t);
			count = cJSON_GetArraySize(list);
			store_present_products(&r, list);
			cJSON_Delete(list);
		}
		t[i] = (long)(now_usec() - t0);
		http_end(&r);
	}
	char l2[120];
	snprintf(l2, sizeof l2, page ? "%s" : "%s (%d products)", label, count);
	report(l2, t, n);
	free(t);
}

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: bench_currency DB [N]\n"); return 2; }
	int n = argc > 2 ? atoi(argv[2]) : 500;
	if (n < 10) n = 10;
	char err[256];
	config_load(NULL, err, sizeof err);
	if (db_open_existing(argv[1], err, sizeof err) < 0) { fprintf(stderr, "bench: %s\n", err); return 1; }
	tenant t = { 0 };
	if (tenant_load_username(&t, "demo") < 0 || setup(t.id) < 0) {
		fprintf(stderr, "bench: no demo store, or cannot set its currencies: %s\n", db_errmsg());
		return 1;
	}
	tenant_clear(&t);
	run("catalogue as blocks get it, store's currency", env_plain, n, 0);
	run("catalogue as blocks get it, EUR (half fixed)", env_eur, n, 0);
	run("home page in-process, store's currency", env_plain, n, 1);
	run("home page in-process, EUR", env_eur, n, 1);
	return 0;
}
