/* wishlist: a shopper's wished-for products and the back-in-stock emails
 * (wishlist.h). */
#include "wishlist.h"
#include "catalog.h"
#include "config.h"
#include "db.h"
#include "domains.h"
#include "outbox.h"
#include "rows.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

wl_code wishlist_add(int64_t tid, int64_t cid, int64_t pid, int64_t vid, int notify)
{
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM products p WHERE p.tenant_id = :t AND p.id = :p AND p.status = 'active' "
				   "AND (:v = 0 OR EXISTS (SELECT 1 FROM variants v WHERE v.id = :v AND v.product_id = p.id AND v.tenant_id = :t))");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", pid);
	db_bind_int(st, ":v", vid);
	int ok = db_step(st) == SQLITE_ROW;
	db_reset(st);
	if (!ok) return WL_UNKNOWN;
	st = db_stmt("SELECT count(*) FROM wishlist_items WHERE customer_id = :c AND tenant_id = :t");
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":t", tid);
	int64_t n = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	st = db_stmt("INSERT INTO wishlist_items(tenant_id, customer_id, product_id, variant_id, notify, created_at) "
		     "SELECT :t, :c, :p, :v, :n, :now WHERE :room "
		     "ON CONFLICT(customer_id, product_id, variant_id) DO UPDATE SET notify = excluded.notify, notified_at = NULL");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":p", pid);
	db_bind_int(st, ":v", vid);
	db_bind_int(st, ":n", notify ? 1 : 0);
	db_bind_int(st, ":now", now_unix());
	db_bind_int(st, ":room", n < WISHLIST_MAX);
	if (db_run(st) < 0) return WL_STORAGE;
	if (!db_changes()) return WL_FULL;
	return WL_OK;
}

wl_code wishlist_remove(int64_t tid, int64_t cid, int64_t pid)
{
	sqlite3_stmt *st = db_stmt("DELETE FROM wishlist_items WHERE customer_id = :c AND tenant_id = :t AND product_id = :p");
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", pid);
	if (db_run(st) < 0) return WL_STORAGE;
	return db_changes() ? WL_OK : WL_UNKNOWN;
}

cJSON *wishlist_json(const tenant *t, int64_t cid)
{
	sqlite3_stmt *st = db_stmt("SELECT product_id, variant_id, notify FROM wishlist_items WHERE customer_id = :c AND tenant_id = :t "
				   "ORDER BY created_at DESC, product_id LIMIT " STR(WISHLIST_MAX));
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":t", t->id);
	int64_t rows[WISHLIST_MAX][3];
	int n = 0;
	while (n < WISHLIST_MAX && db_step(st) == SQLITE_ROW) {
		rows[n][0] = db_int(st, 0);
		rows[n][1] = db_int(st, 1);
		rows[n][2] = db_int(st, 2);
		n++;
	}
	db_reset(st);
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		cJSON *p = cat_product_by_id(t, rows[i][0]);
		if (!p) continue;     /* archived since */
		cJSON *w = cJSON_AddObjectToObject(p, "wishlist");
		if (rows[i][1]) row_add_id(w, "variantId", rows[i][1]);
		else cJSON_AddNullToObject(w, "variantId");
		cJSON_AddBoolToObject(w, "notify", rows[i][2]);
		cJSON_AddItemToArray(a, p);
	}
	return a;
}

/* A waiting line is due when its product (or variant) has stock again. */
#define DUE "FROM wishlist_items w JOIN customers c ON c.id = w.customer_id JOIN products p ON p.id = w.product_id " \
	"LEFT JOIN variants v ON v.id = w.variant_id WHERE w.notify = 1 AND w.notified_at IS NULL AND p.status = 'active' " \
	"AND (:t = 0 OR w.tenant_id = :t) AND (CASE WHEN w.variant_id = 0 THEN " \
	"coalesce((SELECT sum(x.stock) FROM variants x WHERE x.product_id = p.id), p.stock) ELSE coalesce(v.stock, 0) END) > 0"

int wishlist_notify_due(int64_t tid)
{
	/* the partial scan over waiting lines is bounded by the index on
	 * (tenant_id, notify, notified_at) */
	sqlite3_stmt *st = db_stmt("SELECT w.tenant_id, w.customer_id, w.product_id, w.variant_id, c.email, p.name, p.slug, "
				   "coalesce(v.title, '') " DUE " LIMIT 100 -- scan");
	db_bind_int(st, ":t", tid);
	struct due { int64_t t, c, p, v; char email[256], name[320], slug[210], vt[210]; } *d = NULL;
	int n = 0, cap = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n == cap) d = xrealloc(d, (size_t)(cap = cap ? cap * 2 : 16) * sizeof *d);
		d[n].t = db_int(st, 0);
		d[n].c = db_int(st, 1);
		d[n].p = db_int(st, 2);
		d[n].v = db_int(st, 3);
		snprintf(d[n].email, sizeof d[n].email, "%s", db_text(st, 4));
		snprintf(d[n].name, sizeof d[n].name, "%s", db_text(st, 5));
		snprintf(d[n].slug, sizeof d[n].slug, "%s", db_text(st, 6));
		snprintf(d[n].vt, sizeof d[n].vt, "%s", db_text(st, 7));
		n++;
	}
	db_reset(st);
	int queued = 0;
	for (int i = 0; i < n; i++) {
		tenant t = { 0 };
		if (tenant_load_id(&t, d[i].t) < 0) continue;
		char host[256], origin[300];
		if (!domain_primary(t.id, host, sizeof host)) snprintf(host, sizeof host, "%s.%s", t.username, cfg.base_domain);
		snprintf(origin, sizeof origin, "https://%s", host);
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "name", d[i].name);
		cJSON_AddStringToObject(m, "variantTitle", d[i].vt);
		cJSON_AddStringToObject(m, "origin", origin);
		char url[300];
		snprintf(url, sizeof url, "/products/%s", d[i].slug);
		if (d[i].v) snprintf(url + strlen(url), sizeof url - strlen(url), "?variant=%lld", (long long)d[i].v);
		cJSON_AddStringToObject(m, "url", url);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(m, "store"), "name", t.name);
		int ok = db_begin(1) == 0;
		if (ok) {
			st = db_stmt("UPDATE wishlist_items SET notified_at = :now WHERE customer_id = :c AND product_id = :p "
				     "AND variant_id = :v AND tenant_id = :t AND notified_at IS NULL");
			db_bind_int(st, ":now", now_unix());
			db_bind_int(st, ":c", d[i].c);
			db_bind_int(st, ":p", d[i].p);
			db_bind_int(st, ":v", d[i].v);
			db_bind_int(st, ":t", d[i].t);
			ok = db_run(st) == 0 && db_changes() == 1 && outbox_queue_email(&t, d[i].email, "back_in_stock", m) == 0 &&
			     db_commit() == 0;
			if (!ok) db_rollback();
			else queued++;
		}
		cJSON_Delete(m);
		tenant_clear(&t);
		if (!ok && !db_in_tx() && db_busy()) break;
	}
	free(d);
	return queued;
}
