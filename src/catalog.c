/* catalog: products and collections for the storefront, vibe code and admin. */
#include "catalog.h"
#include "cfields.h"
#include "config.h"
#include "db.h"
#include "money.h"
#include "util.h"
#include "rows.h"
#include "catsync.h"
#include "currency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every image of a product in order, as one JSON array [{url, alt}]; a
 * media library item also has {mediaId, width, height, renditions} (its
 * alt text when the product gives none). */
#define IMAGES_COL(p) "(SELECT json_group_array(CASE WHEN mid IS NULL THEN json_object('url', url, 'alt', alt) " \
	"ELSE json_object('url', url, 'alt', alt, 'mediaId', mid, 'width', w, 'height', h, 'renditions', json(rj)) END) FROM " \
	"(SELECT i.url, CASE WHEN i.alt != '' OR m.id IS NULL THEN i.alt ELSE m.alt END AS alt, CAST(m.id AS TEXT) AS mid, " \
	"m.width AS w, m.height AS h, m.renditions_json AS rj FROM product_images i " \
	"LEFT JOIN media m ON m.tenant_id = i.tenant_id AND m.id = i.media_id " \
	"WHERE i.product_id = " p ".id ORDER BY i.position, i.id))"

/* A product with variants is in stock while any variant is; one whose
 * inventory is untracked or sold past zero ('continue') always is. */
#define PUB_COLS "p.id, p.slug, p.name, p.description, p.price, p.compare_at_price, p.sku, " \
	"coalesce((SELECT sum(v.stock) FROM variants v WHERE v.product_id = p.id), p.stock), p.tags_json, p.vendor, p.image, " \
	"p.options_json, EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id), p.created_at, p.seo_json, " \
	IMAGES_COL("p") ", p.track_inventory, p.inventory_policy, p.custom_json, p.related_json, p.product_type, p.barcode"

/* images [{url, alt, position (1-based)}]: product_images, else the one image. */
static cJSON *images_json(const char *json, const char *image, const char *name)
{
	cJSON *a = row_json_text(json, 1);
	if (cJSON_GetArraySize(a) == 0 && image && *image) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "url", image);
		cJSON_AddStringToObject(o, "alt", name);
		cJSON_AddItemToArray(a, o);
	}
	int pos = 1;
	cJSON *it;
	cJSON_ArrayForEach(it, a) cJSON_AddNumberToObject(it, "position", pos++);
	return a;
}

static void add_inventory(cJSON *p, int64_t stock, int track, const char *policy)
{
	cJSON_AddBoolToObject(p, "trackInventory", track);
	cJSON_AddStringToObject(p, "inventoryPolicy", policy);
	cJSON_AddBoolToObject(p, "inStock", !track || !strcmp(policy, "continue") || stock > 0);
	/* How many may be bought: a number only where stock stops the sale. */
	cJSON_AddBoolToObject(p, "stockLimited", track && strcmp(policy, "continue") != 0);
}

static cJSON *pub_row(const tenant *t, sqlite3_stmt *st)
{
	cJSON *p = cJSON_CreateObject();
	row_add_id(p, "id", db_int(st, 0));
	cJSON_AddStringToObject(p, "slug", db_text(st, 1));
	cJSON_AddStringToObject(p, "name", db_text(st, 2));
	cJSON_AddStringToObject(p, "description", db_text(st, 3));
	cJSON_AddNumberToObject(p, "price", money_major(db_int(st, 4), t->currency));
	if (db_isnull(st, 5)) cJSON_AddNullToObject(p, "compareAtPrice");
	else cJSON_AddNumberToObject(p, "compareAtPrice", money_major(db_int(st, 5), t->currency));
	cJSON_AddStringToObject(p, "currency", t->currency);
	row_add_time(p, "createdAt", st, 13);
	cJSON_AddItemToObject(p, "seo", row_json(st, 14, 0));
	cJSON_AddStringToObject(p, "sku", db_text(st, 6));
	cJSON_AddNumberToObject(p, "stock", (double)db_int(st, 7));
	add_inventory(p, db_int(st, 7), (int)db_int(st, 16), db_text(st, 17));
	cJSON_AddItemToObject(p, "tags", row_json(st, 8, 1));
	cJSON_AddStringToObject(p, "vendor", db_text(st, 9));
	cJSON *images = images_json(db_text(st, 15), db_text(st, 10), db_text(st, 2));
	/* the featured image: its own field, else the first of images */
	const cJSON *first = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(images, 0), "url");
	cJSON_AddStringToObject(p, "image", *db_text(st, 10) || !cJSON_IsString(first) ? db_text(st, 10) : first->valuestring);
	cJSON_AddItemToObject(p, "images", images);
	sbuf url = SBUF_INIT;
	sb_printf(&url, "/products/%s", db_text(st, 1));
	cJSON_AddStringToObject(p, "url", sb_str(&url));
	sb_free(&url);
	/* Most products have no variants: no second query for them. */
	cJSON_AddItemToObject(p, "options", row_json(st, 11, 1));
	cJSON_AddItemToObject(p, "variants", db_int(st, 12) ? cs_variants_json(t->id, db_int(st, 0), 0, t->currency) : cJSON_CreateArray());
	cJSON_AddItemToObject(p, "customFields", row_json(st, 18, 0));
	cJSON_AddItemToObject(p, "relatedProducts", cf_related_json(db_text(st, 19)));
	cJSON_AddStringToObject(p, "productType", db_text(st, 20));
	cJSON_AddStringToObject(p, "barcode", db_text(st, 21));
	return p;
}

cJSON *cat_products(const tenant *t, const char *collection, const char *sort, int limit)
{
	if (limit <= 0) limit = CAT_PAGE_PRODUCTS;
	if (limit > cfg.list_limit_max) limit = (int)cfg.list_limit_max;
	sqlite3_stmt *st;
	/* Sort orders are fixed statements: never SQL built from input. */
	int by = sort && strcmp(sort, "price-asc") == 0 ? 1 : sort && strcmp(sort, "price-desc") == 0 ? 2 :
		 sort && strcmp(sort, "name") == 0 ? 3 : sort && strcmp(sort, "newest") == 0 ? 4 : 0;
	static const char *const by_coll[] = {
		"SELECT " PUB_COLS " FROM collections c JOIN collection_products cp ON cp.collection_id = c.id "
		"JOIN products p ON p.id = cp.product_id WHERE c.tenant_id = :t AND c.slug = :c AND p.status = 'active' ORDER BY cp.position, p.id LIMIT :n",
		"SELECT " PUB_COLS " FROM collections c JOIN collection_products cp ON cp.collection_id = c.id "
		"JOIN products p ON p.id = cp.product_id WHERE c.tenant_id = :t AND c.slug = :c AND p.status = 'active' ORDER BY p.price, p.id LIMIT :n",
		"SELECT " PUB_COLS " FROM collections c JOIN collection_products cp ON cp.collection_id = c.id "
		"JOIN products p ON p.id = cp.product_id WHERE c.tenant_id = :t AND c.slug = :c AND p.status = 'active' ORDER BY p.price DESC, p.id LIMIT :n",
		"SELECT " PUB_COLS " FROM collections c JOIN collection_products cp ON cp.collection_id = c.id "
		"JOIN products p ON p.id = cp.product_id WHERE c.tenant_id = :t AND c.slug = :c AND p.status = 'active' ORDER BY p.name, p.id LIMIT :n",
		"SELECT " PUB_COLS " FROM collections c JOIN collection_products cp ON cp.collection_id = c.id "
		"JOIN products p ON p.id = cp.product_id WHERE c.tenant_id = :t AND c.slug = :c AND p.status = 'active' ORDER BY p.created_at DESC, p.id DESC LIMIT :n",
	};
	static const char *const all[] = {
		"SELECT " PUB_COLS " FROM products p WHERE p.tenant_id = :t AND p.status = 'active' ORDER BY p.position, p.id LIMIT :n",
		"SELECT " PUB_COLS " FROM products p WHERE p.tenant_id = :t AND p.status = 'active' ORDER BY p.price, p.id LIMIT :n",
		"SELECT " PUB_COLS " FROM products p WHERE p.tenant_id = :t AND p.status = 'active' ORDER BY p.price DESC, p.id LIMIT :n",
		"SELECT " PUB_COLS " FROM products p WHERE p.tenant_id = :t AND p.status = 'active' ORDER BY p.name, p.id LIMIT :n",
		"SELECT " PUB_COLS " FROM products p WHERE p.tenant_id = :t AND p.status = 'active' ORDER BY p.created_at DESC, p.id DESC LIMIT :n",
	};
	if (collection && *collection) {
		st = db_stmt(by_coll[by]);
		db_bind_text(st, ":c", collection);
	} else {
		st = db_stmt(all[by]);
	}
	db_bind_int(st, ":t", t->id);
	db_bind_int(st, ":n", limit);
	cJSON *a = cJSON_CreateArray();
	while (db_step(st) == SQLITE_ROW) cJSON_AddItemToArray(a, pub_row(t, st));
	db_reset(st);
	return a;
}

cJSON *cat_catalog(const tenant *t)
{
	cJSON *all = cat_products(t, NULL, NULL, 500), *p;
	sqlite3_stmt *st = db_stmt("SELECT c.slug FROM collection_products cp JOIN collections c ON c.id = cp.collection_id "
				   "WHERE cp.product_id = :p AND cp.tenant_id = :t ORDER BY cp.collection_id");
	cJSON_ArrayForEach(p, all) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "id");
		cJSON *slugs = cJSON_AddArrayToObject(p, "collections");
		db_bind_int(st, ":p", cJSON_IsString(id) ? strtoll(id->valuestring, NULL, 10) : 0);
		db_bind_int(st, ":t", t->id);
		while (db_step(st) == SQLITE_ROW) cJSON_AddItemToArray(slugs, cJSON_CreateString(db_text(st, 0)));
		db_reset(st);
	}
	return all;
}

cJSON *cat_product_by_slug(const tenant *t, const char *slug)
{
	sqlite3_stmt *st = db_stmt("SELECT " PUB_COLS " FROM products p WHERE p.tenant_id = :t AND p.slug = :s AND p.status = 'active'");
	db_bind_int(st, ":t", t->id);
	db_bind_text(st, ":s", slug);
	cJSON *p = db_step(st) == SQLITE_ROW ? pub_row(t, st) : NULL;
	db_reset(st);
	return p;
}

/* The same as by slug, by id (browse.c's pages of ids). */
cJSON *cat_product_by_id(const tenant *t, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " PUB_COLS " FROM products p WHERE p.tenant_id = :t AND p.id = :id AND p.status = 'active'");
	db_bind_int(st, ":t", t->id);
	db_bind_int(st, ":id", id);
	cJSON *p = db_step(st) == SQLITE_ROW ? pub_row(t, st) : NULL;
	db_reset(st);
	return p;
}

int64_t cat_variant_by_options(int64_t tid, int64_t pid, const char *const opt[3])
{
	sqlite3_stmt *st = db_stmt("SELECT id FROM variants WHERE tenant_id = :t AND product_id = :p "
				   "AND option1 = :o1 AND option2 = :o2 AND option3 = :o3 ORDER BY position, id LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", pid);
	db_bind_text(st, ":o1", opt[0] ? opt[0] : "");
	db_bind_text(st, ":o2", opt[1] ? opt[1] : "");
	db_bind_text(st, ":o3", opt[2] ? opt[2] : "");
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return id;
}

static cJSON *coll_row(sqlite3_stmt *st)
{
	cJSON *c = cJSON_CreateObject();
	row_add_id(c, "id", db_int(st, 0));
	cJSON_AddStringToObject(c, "slug", db_text(st, 1));
	cJSON_AddStringToObject(c, "title", db_text(st, 2));
	cJSON_AddStringToObject(c, "description", db_text(st, 3));
	cJSON_AddStringToObject(c, "image", db_text(st, 4));
	cJSON_AddNumberToObject(c, "productCount", (double)db_int(st, 5));
	cJSON_AddItemToObject(c, "seo", row_json(st, 6, 0));
	cJSON_AddItemToObject(c, "customFields", row_json(st, 7, 0));
	sbuf url = SBUF_INIT;
	sb_printf(&url, "/collections/%s", db_text(st, 1));
	cJSON_AddStringToObject(c, "url", sb_str(&url));
	sb_free(&url);
	return c;
}

#define COLL_COLS "c.id, c.slug, c.title, c.description, c.image, " \
	"(SELECT count(*) FROM collection_products cp WHERE cp.collection_id = c.id), c.seo_json, c.custom_json"

cJSON *cat_collections(const tenant *t)
{
	return cat_admin_collections(t->id, -1, 0);       /* at most limit_collections */
}

cJSON *cat_collection_by_slug(const tenant *t, const char *slug)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLL_COLS " FROM collections c WHERE c.tenant_id = :t AND c.slug = :s");
	db_bind_int(st, ":t", t->id);
	db_bind_text(st, ":s", slug);
	cJSON *c = db_step(st) == SQLITE_ROW ? coll_row(st) : NULL;
	db_reset(st);
	return c;
}

cJSON *cat_admin_collections(int64_t tid, int64_t limit, int64_t offset)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLL_COLS " FROM collections c WHERE c.tenant_id = :t ORDER BY c.title, c.id "
				   "LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	return row_all(st, coll_row);
}

cJSON *cat_admin_collection(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLL_COLS " FROM collections c WHERE c.tenant_id = :t AND c.id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	cJSON *c = db_step(st) == SQLITE_ROW ? coll_row(st) : NULL;
	db_reset(st);
	if (!c) return NULL;
	cJSON *ids = cJSON_AddArrayToObject(c, "productIds");
	st = db_stmt("SELECT product_id FROM collection_products WHERE tenant_id = :t AND collection_id = :c ORDER BY position, product_id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", id);
	while (db_step(st) == SQLITE_ROW) {
		char b[24];
		snprintf(b, sizeof b, "%lld", (long long)db_int(st, 0));
		cJSON_AddItemToArray(ids, cJSON_CreateString(b));
	}
	db_reset(st);
	return c;
}

/* stock: a product with variants has the sum of theirs (set per variant). */
#define ADM_COLS "id, slug, name, description, price, compare_at_price, sku, " \
	"coalesce((SELECT sum(v.stock) FROM variants v WHERE v.product_id = products.id), stock), status, vendor, tags_json, image, seo_json, created_at, updated_at, tenant_id, pos_id, " \
	IMAGES_COL("products") ", track_inventory, inventory_policy, custom_json, related_json, product_type, barcode"

static cJSON *adm_row(sqlite3_stmt *st)
{
	cJSON *p = cJSON_CreateObject();
	row_add_id(p, "id", db_int(st, 0));
	cJSON_AddStringToObject(p, "slug", db_text(st, 1));
	cJSON_AddStringToObject(p, "name", db_text(st, 2));
	cJSON_AddStringToObject(p, "description", db_text(st, 3));
	cJSON_AddNumberToObject(p, "price", (double)db_int(st, 4));
	if (db_isnull(st, 5)) cJSON_AddNullToObject(p, "compareAtPrice");
	else cJSON_AddNumberToObject(p, "compareAtPrice", (double)db_int(st, 5));
	cJSON_AddStringToObject(p, "sku", db_text(st, 6));
	cJSON_AddNumberToObject(p, "stock", (double)db_int(st, 7));
	add_inventory(p, db_int(st, 7), (int)db_int(st, 18), db_text(st, 19));
	cJSON_AddStringToObject(p, "status", db_text(st, 8));
	cJSON_AddStringToObject(p, "vendor", db_text(st, 9));
	cJSON_AddItemToObject(p, "tags", row_json(st, 10, 1));
	cJSON_AddStringToObject(p, "image", db_text(st, 11));
	cJSON_AddItemToObject(p, "images", images_json(db_text(st, 17), db_text(st, 11), db_text(st, 2)));
	cJSON_AddItemToObject(p, "seo", row_json(st, 12, 0));
	row_add_time(p, "createdAt", st, 13);
	row_add_time(p, "updatedAt", st, 14);
	if (db_isnull(st, 16)) cJSON_AddNullToObject(p, "posId");
	else cJSON_AddStringToObject(p, "posId", db_text(st, 16));
	cJSON_AddItemToObject(p, "options", cs_options_json(db_int(st, 15), db_int(st, 0)));
	cJSON_AddItemToObject(p, "variants", cs_variants_json(db_int(st, 15), db_int(st, 0), 1, NULL));
	cJSON_AddItemToObject(p, "presentmentPrices", currency_prices_json(db_int(st, 15), db_int(st, 0)));
	cJSON_AddItemToObject(p, "customFields", row_json(st, 20, 0));
	cJSON_AddItemToObject(p, "relatedProducts", cf_related_json(db_text(st, 21)));
	cJSON_AddStringToObject(p, "productType", db_text(st, 22));
	cJSON_AddStringToObject(p, "barcode", db_text(st, 23));
	return p;
}

cJSON *cat_admin_product(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " ADM_COLS " FROM products WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	return row_one(st, adm_row);
}

cJSON *cat_admin_products(int64_t tid, int64_t limit, int64_t offset)
{
	sqlite3_stmt *st = db_stmt("SELECT " ADM_COLS " FROM products WHERE tenant_id = :t ORDER BY position, id LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	return row_all(st, adm_row);
}

int cat_set_collection_products(int64_t tid, int64_t coll, const cJSON *ids, int64_t *bad)
{
	sqlite3_stmt *st = db_stmt("DELETE FROM collection_products WHERE tenant_id = :t AND collection_id = :c");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", coll);
	if (db_run(st) < 0) return -1;
	int pos = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, ids) {
		int64_t pid = cJSON_IsNumber(it) ? (int64_t)it->valuedouble :
			      cJSON_IsString(it) ? (int64_t)atoll(it->valuestring) : 0;
		st = db_stmt("INSERT OR IGNORE INTO collection_products(tenant_id, collection_id, product_id, position) "
			     "SELECT :t, :c, id, :pos FROM products WHERE tenant_id = :t AND id = :p");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":c", coll);
		db_bind_int(st, ":p", pid);
		db_bind_int(st, ":pos", pos++);
		if (db_run(st) < 0) return -1;
		if (db_changes() == 0) {
			/* unknown, other tid's, or a duplicate: only the first two are errors */
			sqlite3_stmt *chk = db_stmt("SELECT 1 FROM products WHERE tenant_id = :t AND id = :p");
			db_bind_int(chk, ":t", tid);
			db_bind_int(chk, ":p", pid);
			int found = db_step(chk) == SQLITE_ROW;
			db_reset(chk);
			if (!found) { *bad = pid; return -1; }
		}
	}
	return 0;
}
