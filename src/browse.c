/* browse: sort, filters and pages over a store's products, with Shopify's
 * URL parameters. Parsing here; the statements are fixed text, one per
 * sort order and scope (store or collection), the filters bound as values
 * (JSON arrays for lists, NULL for "no filter"), so no SQL is ever built
 * from input. */
#include "browse.h"
#include "catalog.h"
#include "db.h"
#include "money.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const browse_sort_names[BR_NSORT] = {
	"manual", "best-selling", "title-ascending", "title-descending", "price-ascending", "price-descending",
	"created-descending", "created-ascending",
};

/* Shopify's spellings plus the older ones this store took (?sort=). */
static int sort_of(const char *s)
{
	static const struct { const char *w; browse_sort s; } alias[] = {
		{ "featured", BR_FEATURED }, { "price-asc", BR_PRICE_ASC }, { "price-desc", BR_PRICE_DESC },
		{ "name", BR_TITLE_ASC }, { "newest", BR_NEWEST },
	};
	for (int i = 0; i < BR_NSORT; i++) if (!strcmp(s, browse_sort_names[i])) return i;
	for (size_t i = 0; i < ARRAY_LEN(alias); i++) if (!strcmp(s, alias[i].w)) return (int)alias[i].s;
	return -1;
}

/* "12", "12.5", "12.50" in major units -> minor units of currency. */
static const char *price_problem(const char *s, const char *currency, int64_t *out)
{
	int dec = money_decimals(currency), frac = 0, nd = 0;
	int64_t v = 0;
	const char *p = s;
	if (!*p) return "must be a price such as 10 or 10.50";
	for (; *p && *p != '.'; p++) {
		if (!isdigit((unsigned char)*p) || v > MONEY_MAX) return "must be a price such as 10 or 10.50";
		v = v * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p; p++) {
			if (!isdigit((unsigned char)*p) || ++nd > dec) return "must be a price such as 10 or 10.50, with no more decimals than the currency has";
			frac = frac * 10 + (*p - '0');
		}
	}
	for (int i = 0; i < dec; i++) v *= 10;
	for (int i = nd; i < dec; i++) frac *= 10;
	v += frac;
	if (v > MONEY_MAX) return "is larger than any price";
	*out = v;
	return NULL;
}

/* Append value to the list *a (made on first use); a problem when full. */
static const char *add_value(cJSON **a, const char *v)
{
	if (!*a) *a = cJSON_CreateArray();
	if (cJSON_GetArraySize(*a) >= BROWSE_VALUES_MAX) return "is given too many times";
	if (strlen(v) > CAT_TYPE_MAX) return "is too long";   /* the longest value filtered: a type */
	cJSON_AddItemToArray(*a, cJSON_CreateString(v));
	return NULL;
}

static const char *add_option(cJSON **opts, const char *name, const char *v)
{
	char low[CAT_OPTION_MAX + 1];
	size_t n = strlen(name);
	if (!n || n > CAT_OPTION_MAX) return "names no option";
	for (size_t i = 0; i <= n; i++) low[i] = (char)tolower((unsigned char)name[i]);
	if (!*opts) *opts = cJSON_CreateArray();
	cJSON *o, *found = NULL;
	cJSON_ArrayForEach(o, *opts)
		if (!strcmp(cJSON_GetObjectItemCaseSensitive(o, "name")->valuestring, low)) found = o;
	if (!found) {
		if (cJSON_GetArraySize(*opts) >= BROWSE_VALUES_MAX) return "too many option filters";
		found = cJSON_CreateObject();
		cJSON_AddStringToObject(found, "name", low);
		cJSON_AddArrayToObject(found, "values");
		cJSON_AddItemToArray(*opts, found);
	}
	cJSON *vals = cJSON_GetObjectItemCaseSensitive(found, "values");
	return add_value(&vals, v);
}

const char *browse_parse(const kv *q, int n, const char *currency, int64_t per_page, browse_q *out,
			 const char **param)
{
	memset(out, 0, sizeof *out);
	out->avail = -1;
	out->price_min = out->price_max = -1;
	out->page = 1;
	out->per_page = per_page;
	const char *why = NULL;
	for (int i = 0; i < n && !why; i++) {
		const char *k = q[i].k, *v = q[i].v;
		*param = k;
		if (!strcmp(k, "sort_by") || !strcmp(k, "sort")) {
			int s = *v ? sort_of(v) : 0;
			if (s < 0) why = "must be one of manual, best-selling, title-ascending, title-descending, "
					 "price-ascending, price-descending, created-descending, created-ascending";
			else out->sort = (browse_sort)s;
		} else if (!strcmp(k, "page")) {
			char *end;
			long long p = strtoll(v, &end, 10);
			if (!*v || *end || p < 1 || p > 100000) why = "must be a page number from 1";
			else out->page = p;
		} else if (!strcmp(k, "filter.v.availability")) {
			if (!*v) continue;
			if (strcmp(v, "1") && strcmp(v, "0")) why = "must be 1 (in stock) or 0 (sold out)";
			/* both given: either, as Shopify does */
			else out->avail = out->avail >= 0 && out->avail != (v[0] == '1') ? -1 : v[0] == '1';
		} else if (!strcmp(k, "filter.v.price.gte") || !strcmp(k, "filter.v.price.lte")) {
			if (!*v) continue;
			int64_t m;
			if ((why = price_problem(v, currency, &m))) break;
			if (k[15] == 'g') out->price_min = m;
			else out->price_max = m;
		} else if (!strcmp(k, "filter.p.vendor")) {
			if (*v) why = add_value(&out->vendors, v);
		} else if (!strcmp(k, "filter.p.product_type")) {
			if (*v) why = add_value(&out->types, v);
		} else if (!strcmp(k, "filter.p.tag")) {
			if (*v) why = add_value(&out->tags, v);
		} else if (str_startswith(k, "filter.v.option.")) {
			if (*v) why = add_option(&out->options, k + 16, v);
		}
	}
	if (!why && out->price_min >= 0 && out->price_max >= 0 && out->price_min > out->price_max) {
		*param = "filter.v.price.gte";
		why = "must not be above filter.v.price.lte";
	}
	if (why) browse_free(out);
	return why;
}

void browse_free(browse_q *q)
{
	cJSON_Delete(q->vendors);
	cJSON_Delete(q->tags);
	cJSON_Delete(q->options);
	cJSON_Delete(q->types);
	q->vendors = q->tags = q->options = q->types = NULL;
}

/* A product is in stock as catalog.c says: untracked, sold past zero, or
 * some stock on it or (with variants) on one of its variants. */
#define IN_STOCK "(p.track_inventory = 0 OR p.inventory_policy = 'continue' OR " \
	"coalesce((SELECT sum(v.stock) FROM variants v WHERE v.product_id = p.id), p.stock) > 0)"

/* Every filter, each off when its value is NULL. An option filter holds
 * when some variant has one of its values at that option's position. */
#define FILTERS \
	" AND (:avail IS NULL OR " IN_STOCK " = :avail)" \
	" AND (:pmin IS NULL OR p.price >= :pmin) AND (:pmax IS NULL OR p.price <= :pmax)" \
	" AND (:vendors IS NULL OR p.vendor IN (SELECT value FROM json_each(:vendors)))" \
	" AND (:types IS NULL OR p.product_type IN (SELECT value FROM json_each(:types)))" \
	" AND (:tags IS NULL OR EXISTS (SELECT 1 FROM json_each(p.tags_json) tg WHERE tg.value IN (SELECT value FROM json_each(:tags))))" \
	" AND (:opts IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(:opts) f WHERE NOT EXISTS (" \
	"SELECT 1 FROM json_each(p.options_json) o JOIN variants v ON v.product_id = p.id " \
	"WHERE lower(json_extract(o.value, '$.name')) = json_extract(f.value, '$.name') " \
	"AND (CASE o.key WHEN 0 THEN v.option1 WHEN 1 THEN v.option2 ELSE v.option3 END) " \
	"IN (SELECT value FROM json_each(f.value, '$.values')))))"

#define ALL "SELECT p.id FROM products p WHERE p.tenant_id = :t AND p.status = 'active'" FILTERS " ORDER BY "
#define COLL "SELECT p.id FROM collections c JOIN collection_products cp ON cp.collection_id = c.id " \
	"JOIN products p ON p.id = cp.product_id WHERE c.tenant_id = :t AND c.slug = :c AND p.status = 'active'" FILTERS " ORDER BY "
#define SOLD "(SELECT coalesce(sum(oi.quantity), 0) FROM order_items oi WHERE oi.product_id = p.id AND oi.tenant_id = :t) DESC, "
#define PAGE " LIMIT :n OFFSET :o"

static const char *const sql_all[BR_NSORT] = {
	ALL "p.position, p.id" PAGE,
	ALL SOLD "p.position, p.id" PAGE,
	ALL "p.name, p.id" PAGE,
	ALL "p.name DESC, p.id" PAGE,
	ALL "p.price, p.id" PAGE,
	ALL "p.price DESC, p.id" PAGE,
	ALL "p.created_at DESC, p.id DESC" PAGE,
	ALL "p.created_at, p.id" PAGE,
};
static const char *const sql_coll[BR_NSORT] = {
	COLL "cp.position, p.id" PAGE,
	COLL SOLD "cp.position, p.id" PAGE,
	COLL "p.name, p.id" PAGE,
	COLL "p.name DESC, p.id" PAGE,
	COLL "p.price, p.id" PAGE,
	COLL "p.price DESC, p.id" PAGE,
	COLL "p.created_at DESC, p.id DESC" PAGE,
	COLL "p.created_at, p.id" PAGE,
};

static void bind_list(sqlite3_stmt *st, const char *name, const cJSON *a)
{
	if (!a) { db_bind_null(st, name); return; }
	char *s = cJSON_PrintUnformatted(a);
	db_bind_text(st, name, s);
	cJSON_free(s);
}

cJSON *browse_products(const tenant *t, const browse_q *q, int *more)
{
	int coll = q->collection && *q->collection;
	sqlite3_stmt *st = db_stmt((coll ? sql_coll : sql_all)[q->sort]);
	db_bind_int(st, ":t", t->id);
	if (coll) db_bind_text(st, ":c", q->collection);
	if (q->avail < 0) db_bind_null(st, ":avail");
	else db_bind_int(st, ":avail", q->avail);
	if (q->price_min < 0) db_bind_null(st, ":pmin");
	else db_bind_int(st, ":pmin", q->price_min);
	if (q->price_max < 0) db_bind_null(st, ":pmax");
	else db_bind_int(st, ":pmax", q->price_max);
	bind_list(st, ":vendors", q->vendors);
	bind_list(st, ":types", q->types);
	bind_list(st, ":tags", q->tags);
	bind_list(st, ":opts", q->options);
	/* One more than the page: whether another page follows. */
	db_bind_int(st, ":n", q->per_page + 1);
	db_bind_int(st, ":o", (q->page - 1) * q->per_page);
	int64_t ids[CAT_PAGE_PRODUCTS + 1];
	int64_t n = 0;
	while (n < q->per_page + 1 && n < (int64_t)ARRAY_LEN(ids) && db_step(st) == SQLITE_ROW) ids[n++] = db_int(st, 0);
	db_reset(st);
	*more = n > q->per_page;
	if (*more) n = q->per_page;
	cJSON *a = cJSON_CreateArray();
	for (int64_t i = 0; i < n; i++) {
		cJSON *p = cat_product_by_id(t, ids[i]);
		if (p) cJSON_AddItemToArray(a, p);
	}
	return a;
}

static void add_column(const tenant *t, const char *sql, const char *coll, cJSON *into)
{
	sqlite3_stmt *st = db_stmt(sql);
	db_bind_int(st, ":t", t->id);
	db_bind_text(st, ":c", coll);
	while (db_step(st) == SQLITE_ROW) cJSON_AddItemToArray(into, cJSON_CreateString(db_text(st, 0)));
	db_reset(st);
}

/* The products a facet looks at: the collection's, else the store's. */
#define SCOPE " FROM products p WHERE p.tenant_id = :t AND p.status = 'active' AND (:c IS NULL OR p.id IN " \
	"(SELECT cp.product_id FROM collections c JOIN collection_products cp ON cp.collection_id = c.id WHERE c.tenant_id = :t AND c.slug = :c))"

cJSON *browse_facets(const tenant *t, const char *collection)
{
	const char *c = collection && *collection ? collection : NULL;
	cJSON *f = cJSON_CreateObject();
	add_column(t, "SELECT DISTINCT p.vendor" SCOPE " AND p.vendor <> '' ORDER BY 1 LIMIT 50", c,
		   cJSON_AddArrayToObject(f, "vendors"));
	add_column(t, "SELECT DISTINCT tg.value FROM (SELECT p.tags_json" SCOPE ") s, json_each(s.tags_json) tg "
		   "WHERE tg.type = 'text' AND tg.value <> '' ORDER BY 1 LIMIT 50", c, cJSON_AddArrayToObject(f, "tags"));
	add_column(t, "SELECT DISTINCT p.product_type" SCOPE " AND p.product_type <> '' ORDER BY 1 LIMIT 50", c,
		   cJSON_AddArrayToObject(f, "types"));
	cJSON *opts = cJSON_AddArrayToObject(f, "options");
	sqlite3_stmt *st = db_stmt("SELECT lower(json_extract(o.value, '$.name')), json_extract(o.value, '$.name'), ov.value "
				   "FROM (SELECT p.options_json" SCOPE ") s, json_each(s.options_json) o, "
				   "json_each(o.value, '$.values') ov WHERE ov.type = 'text' "
				   "GROUP BY 1, 3 ORDER BY 1, min(o.key * 1000 + ov.key) LIMIT 200");
	db_bind_int(st, ":t", t->id);
	db_bind_text(st, ":c", c);
	cJSON *cur = NULL;
	while (db_step(st) == SQLITE_ROW) {
		const char *key = db_text(st, 0);
		if (!*key) continue;
		if (!cur || strcmp(cJSON_GetObjectItemCaseSensitive(cur, "key")->valuestring, key)) {
			cur = cJSON_CreateObject();
			cJSON_AddStringToObject(cur, "key", key);
			cJSON_AddStringToObject(cur, "name", db_text(st, 1));
			cJSON_AddArrayToObject(cur, "values");
			cJSON_AddItemToArray(opts, cur);
		}
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(cur, "values"), cJSON_CreateString(db_text(st, 2)));
	}
	db_reset(st);
	return f;
}
