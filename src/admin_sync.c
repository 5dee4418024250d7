/* admin_sync: variants, inventory, POS sync and CSV import/export under /api/cms:
 * PUT /products/{id}/variants, GET/POST /inventory, POST /sync/products
 * (bulk upsert by the POS's ids, up to 1,000, per-item results), POST
 * /sync/inventory (set or adjust by SKU), POST /products/import and GET
 * /products.csv (Shopify CSV). Batches run in one transaction with a savepoint per item, so a bad
 * item is reported and the rest is saved. */
#include "admin.h"
#include "server.h"
#include "catsync.h"
#include "import.h"
#include "input.h"
#include "audit.h"
#include "catalog.h"
#include "route.h"
#include "db.h"
#include "currency.h"
#include "pagecache.h"
#include "store_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNC_MAX 1000

static cs_actor actor_of(req *r)
{
	cs_actor a = { r->t.id, r->who.user_id, r->who.email, r->remote_addr };
	return a;
}

int adm_product_variants_save(req *r, const cJSON *body, int64_t id)
{
	const cJSON *vars = cJSON_GetObjectItemCaseSensitive(body, "variants");
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(body, "options");
	char field[160], msg[300];
	if (opts && !cJSON_IsNull(opts)) {
		if (!cJSON_IsArray(opts) || cJSON_GetArraySize(opts) > 3) {
			db_rollback();
			in_fail(r, "options", "must be a list of at most 3 {name, values[]}");
			return -1;
		}
		char *s = cJSON_PrintUnformatted(opts);
		sqlite3_stmt *st = db_stmt("UPDATE products SET options_json = :o WHERE tenant_id = :t AND id = :id");
		db_bind_text(st, ":o", s);
		db_bind_int(st, ":t", r->t.id);
		db_bind_int(st, ":id", id);
		int rc = db_run(st);
		cJSON_free(s);
		if (rc < 0) { adm_fail(r, "the product"); return -1; }
	}
	const cJSON *seo = cJSON_GetObjectItemCaseSensitive(body, "seo");
	if (seo && !cJSON_IsNull(seo)) {
		const char *sp = cs_seo_problem(seo);
		if (sp) {
			db_rollback();
			in_fail(r, "seo", "%s", sp);
			return -1;
		}
		char *txt = cJSON_PrintUnformatted(seo);
		sqlite3_stmt *st = db_stmt("UPDATE products SET seo_json = :s WHERE tenant_id = :t AND id = :id");
		db_bind_text(st, ":s", txt);
		db_bind_int(st, ":t", r->t.id);
		db_bind_int(st, ":id", id);
		int rc = db_run(st);
		cJSON_free(txt);
		if (rc < 0) { adm_fail(r, "the product"); return -1; }
	}
	if (vars && !cJSON_IsNull(vars)) {
		cs_actor a = actor_of(r);
		int rc = cs_save_variants(&a, id, vars, opts, field, sizeof field, msg, sizeof msg);
		if (rc == -2) { adm_fail(r, "the product"); return -1; }
		if (rc < 0) { db_rollback(); in_fail(r, field, "%s", msg); return -1; }
	}
	/* fixed prices per currency, after the variants they name */
	const cJSON *prices = cJSON_GetObjectItemCaseSensitive(body, "presentmentPrices");
	if (!prices || cJSON_IsNull(prices)) return 0;
	cJSON *settings = com_settings(r->t.id);
	int rc = currency_prices_save(r->t.id, id, prices, settings, field, sizeof field, msg, sizeof msg);
	cJSON_Delete(settings);
	if (rc == 0 && pagecache_invalidate_item(r->t.id, "product", id) < 0) rc = -2;
	if (rc == -2) { adm_fail(r, "the product"); return -1; }
	if (rc < 0) { db_rollback(); in_fail(r, field, "%s", msg); return -1; }
	return 0;
}

/* A part of product {id} from a checked body b, in one transaction through
 * adm_product_variants_save, audited as action -> 200 with the product. */
static void product_part_put(req *r, const cJSON *b, const char *action, const char *what)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, what); return; }
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM products WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	int found = db_step(st) == SQLITE_ROW;
	db_reset(st);
	if (!found) { db_rollback(); adm_not_found(r, "product"); return; }
	if (adm_product_variants_save(r, b, id) < 0) return;
	if (audit_write(r, action, "product", id, "update", NULL) < 0 || audit_bump_content(r->t.id) < 0) {
		adm_fail(r, what);
		return;
	}
	if (adm_commit(r) == 0) adm_send(r, 200, cat_admin_product(r->t.id, id), "product");
}

/* Route: PUT /api/cms/products/{id}/variants {options?, variants[]} */
void adm_product_variants_put(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const cJSON *vars;
	if (in_array(r, b, "variants", IN_REQUIRED, 100, &vars) == 0) product_part_put(r, b, "product.variants", "the variants");
	cJSON_Delete(b);
}

/* Route: PUT /api/cms/products/{id}/prices {presentmentPrices: [{variantId,
 * currency, price, compareAtPrice?}]} (minor units of that currency): the
 * product's fixed prices in the store's other currencies, replaced whole
 * ([] clears them) -> the product. */
void adm_product_prices_put(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const cJSON *list;
	static const char *const known[] = { "presentmentPrices", NULL };
	if (in_known(r, b, known, NULL) == 0 &&
	    in_array(r, b, "presentmentPrices", IN_REQUIRED, CURRENCY_PRICES_MAX, &list) == 0)
		product_part_put(r, b, "product.prices", "the prices");
	cJSON_Delete(b);
}

/* Route: GET /api/cms/inventory?limit=&offset= -> {items[{productId,
 * variantId, name, variantTitle, sku, stock}]} every stocked item */
void adm_inventory_list(req *r)
{
	int64_t limit, offset;
	if (in_query_limit(r, 500, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	sqlite3_stmt *st = db_stmt(
		"SELECT p.id, coalesce(v.id, 0), p.name, coalesce(v.title, ''), coalesce(v.sku, p.sku), coalesce(v.stock, p.stock), "
		"coalesce(v.pos_id, p.pos_id) FROM products p LEFT JOIN variants v ON v.product_id = p.id "
		"WHERE p.tenant_id = :t ORDER BY p.position, p.id, v.position, v.id LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	cJSON *out = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(out, "items");
	while (db_step(st) == SQLITE_ROW) {
		cJSON *it = cJSON_CreateObject();
		char b[24];
		snprintf(b, sizeof b, "%lld", (long long)db_int(st, 0));
		cJSON_AddStringToObject(it, "productId", b);
		if (db_int(st, 1)) { snprintf(b, sizeof b, "%lld", (long long)db_int(st, 1)); cJSON_AddStringToObject(it, "variantId", b); }
		else cJSON_AddNullToObject(it, "variantId");
		cJSON_AddStringToObject(it, "name", db_text(st, 2));
		cJSON_AddStringToObject(it, "variantTitle", db_text(st, 3));
		cJSON_AddStringToObject(it, "sku", db_text(st, 4));
		cJSON_AddNumberToObject(it, "stock", (double)db_int(st, 5));
		if (db_isnull(st, 6)) cJSON_AddNullToObject(it, "posId"); else cJSON_AddStringToObject(it, "posId", db_text(st, 6));
		cJSON_AddItemToArray(a, it);
	}
	db_reset(st);
	http_json(r, 200, out);
}

static void batch(req *r, const char *key, int kind, int bykey)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const cJSON *items;
	if (in_array(r, b, key, IN_REQUIRED, SYNC_MAX, &items) < 0) goto out;
	if (db_begin(1) < 0) { adm_fail(r, "the batch"); goto out; }
	cs_actor a = actor_of(r);
	cJSON *res = cs_batch(&a, items, kind, bykey);
	if (!res || audit_bump_content(r->t.id) < 0) { cJSON_Delete(res); adm_fail(r, "the batch"); goto out; }
	if (adm_commit(r) < 0) { cJSON_Delete(res); goto out; }
	http_json(r, 200, res);
out:
	cJSON_Delete(b);
}

/* Route: POST /api/cms/sync/products {products: [{posId, name, price, ...,
 * variants: [{posId, sku, price, stock, options}]}]} (up to 1,000) ->
 * {results[{index, posId, status: created|updated|error, id, error}], created, updated, failed} */
void adm_sync_products(req *r) { batch(r, "products", 0, CS_BY_POS); }

/* Route: POST /api/cms/sync/inventory {items: [{sku|barcode|posId|variantId|productId, set|adjust}]}
 * Route: POST /api/cms/inventory (the same) */
void adm_sync_inventory(req *r) { batch(r, "items", 1, 0); }
void adm_inventory_set(req *r) { batch(r, "items", 1, 0); }

/* Route: GET /api/cms/products.csv -- the store's products as Shopify's
 * product CSV (what POST /api/cms/products/import reads back) */
void adm_products_csv(req *r)
{
	http_content_type(r, "text/csv; charset=utf-8");
	http_header(r, "Content-Disposition", "attachment; filename=\"products.csv\"");
	imp_shopify_csv_export(r->t.id, r->t.currency, &r->out);
}

/* Route: POST /api/cms/products/import (body: a Shopify product CSV export,
 * Content-Type text/csv) -> {created, updated, failed, errors[{row, column, message}]} */
void adm_products_import(req *r)
{
	const char *ct = http_env(r, "CONTENT_TYPE");
	if (!ct || (strncmp(ct, "text/csv", 8) != 0 && strncmp(ct, "application/csv", 15) != 0 && strncmp(ct, "text/plain", 10) != 0)) {
		http_error(r, 415, "unsupported_media_type", NULL, "send the CSV file as the body with Content-Type: text/csv");
		return;
	}
	if (r->body_too_large) {
		http_error(r, 413, "too_large", NULL, "the CSV is larger than %ld bytes; use the CLI 'storefront import shopify-csv'", (long)r->body.len);
		return;
	}
	cs_actor a = actor_of(r);
	imp_result res;
	if (imp_shopify_csv(&a, r->body.s ? r->body.s : "", r->body.len, NULL, NULL, &res) < 0) {
		server_storage_error(r, "the import was not saved: %s", res.fatal);
		imp_result_free(&res);
		return;
	}
	if (audit_bump_content(r->t.id) < 0) {   /* the rows are in; cached pages would not know */
		imp_result_free(&res);
		server_storage_error(r, "the import was saved, but the store's pages were not marked as changed; import again");
		return;
	}
	http_json(r, res.fatal[0] ? 422 : 200, imp_result_json(&res));
	imp_result_free(&res);
}
