/* catsync: bulk catalogue writes (see catsync.h). */
#include "pagecache.h"
#include "catsync.h"
#include "currency.h"
#include "seo.h"
#include "redirects.h"
#include "cfields.h"
#include "media.h"
#include "catalog.h"
#include "text.h"
#include "audit.h"
#include "money.h"
#include "html.h"
#include "input.h"
#include "quota.h"
#include "db.h"
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int bad(char *field, size_t fl, char *msg, size_t ml, const char *f, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static int bad(char *field, size_t fl, char *msg, size_t ml, const char *f, const char *fmt, ...)
{
	snprintf(field, fl, "%s", f);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, ml, fmt, ap);
	va_end(ap);
	return -1;
}

void cs_slugify(const char *in, char *out, size_t n)
{
	/* text_slugify folds accents ("Crème Brûlée" -> "creme-brulee"); cut
	 * to a slug's limit without a trailing '-'. */
	sbuf b = SBUF_INIT;
	text_slugify(&b, in);
	size_t k = b.len;
	if (k > IN_SLUG_MAX) k = IN_SLUG_MAX;
	if (k > n - 1) k = n - 1;
	memcpy(out, sb_str(&b), k);
	out[k] = 0;
	while (k && out[k - 1] == '-') out[--k] = 0;
	sb_free(&b);
	if (!k) snprintf(out, n, "item");
}

/* Field readers over input.c's checks: 0 set, 1 absent, -1 wrong
 * (field and message filled). */
static int get_str(const cJSON *o, const char *k, size_t max, const char **out, char *field, size_t fl, char *msg, size_t ml)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!v || cJSON_IsNull(v)) return 1;
	char buf[120];
	const char *why = str_problem(v, max, buf, sizeof buf);
	if (why) return bad(field, fl, msg, ml, k, "%s", why);
	*out = v->valuestring;
	return 0;
}

static int get_int(const cJSON *o, const char *k, int64_t min, int64_t max, int64_t *out, char *field, size_t fl, char *msg, size_t ml)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!v || cJSON_IsNull(v)) return 1;
	char buf[120];
	const char *why = int_problem(v, min, max, buf, sizeof buf);
	if (why) return bad(field, fl, msg, ml, k, "%s", why);
	*out = (int64_t)v->valuedouble;
	return 0;
}

static int get_id(const cJSON *o, const char *k, int64_t *out, char *field, size_t fl, char *msg, size_t ml)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!v || cJSON_IsNull(v)) return 1;
	const char *why = id_problem(v, out);
	return why ? bad(field, fl, msg, ml, k, "%s", why) : 0;
}

/* A POS id: printable ASCII, 1-100 bytes, numbers accepted as text. */
static int get_posid(const cJSON *o, const char *k, char *out, size_t n, char *field, size_t fl, char *msg, size_t ml)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!v || cJSON_IsNull(v)) return 1;
	if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 9e15) {
		snprintf(out, n, "%lld", (long long)v->valuedouble);
		return 0;
	}
	if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) > 100)
		return bad(field, fl, msg, ml, k, "must be a string of 1-100 characters");
	for (const char *c = v->valuestring; *c; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
			return bad(field, fl, msg, ml, k, "must be printable ASCII without spaces");
	snprintf(out, n, "%s", v->valuestring);
	return 0;
}

static int get_bool(const cJSON *o, const char *k, int *out, char *field, size_t fl, char *msg, size_t ml)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!v || cJSON_IsNull(v)) return 1;
	const char *why = bool_problem(v);
	if (why) return bad(field, fl, msg, ml, k, "%s", why);
	*out = cJSON_IsTrue(v);
	return 0;
}

static const char *const statuses[] = { "active", "draft", "archived", NULL };

const char *cs_type_problem(const char *type)
{
	return strlen(type) > CAT_TYPE_MAX ? "is longer than " STR(CAT_TYPE_MAX) " bytes" : control_problem(type);
}

const char *cs_barcode_problem(const char *barcode)
{
	return strlen(barcode) > CAT_BARCODE_MAX ? "is longer than " STR(CAT_BARCODE_MAX) " bytes" : code_problem(barcode);
}

int cs_inventory_fields(const cJSON *item, int *track, const char **policy, char *field, size_t fl, char *msg, size_t ml)
{
	if (get_bool(item, "trackInventory", track, field, fl, msg, ml) < 0 ||
	    get_str(item, "inventoryPolicy", 20, policy, field, fl, msg, ml) < 0)
		return -1;
	if (*policy && strcmp(*policy, "deny") && strcmp(*policy, "continue"))
		return bad(field, fl, msg, ml, "inventoryPolicy",
			   "must be 'deny' (stop selling at zero) or 'continue' (keep selling when out of stock), not '%.40s'", *policy);
	return 0;
}

int cs_save_images(int64_t tid, int64_t pid, const cJSON *images, char *field, size_t fl, char *msg, size_t ml)
{
	if (!cJSON_IsArray(images) || cJSON_GetArraySize(images) > 50)
		return bad(field, fl, msg, ml, "images", "must be a list of at most 50 images ({url, alt?} or a URL)");
	int i = 0;
	const cJSON *im;
	cJSON_ArrayForEach(im, images) {
		const char *url = NULL, *alt = "";
		char f2[32], sub[64], m2[200], mu[600];
		snprintf(f2, sizeof f2, "images[%d]", i);
		if (cJSON_IsString(im)) url = im->valuestring;
		else if (cJSON_IsObject(im)) {
			const cJSON *it;
			/* width, height, renditions: what the API returns for a
			 * library image, accepted back and ignored (media.c) */
			static const char *const known[] = { "url", "alt", "position", "mediaId", "width", "height",
							      "renditions", NULL };
			cJSON_ArrayForEach(it, im) {
				int k = 0;
				while (known[k] && strcmp(known[k], it->string)) k++;
				if (!known[k])
					return bad(field, fl, msg, ml, f2, "has an unknown field '%.40s'; an image is {url, alt?} or {mediaId, alt?}", it->string);
			}
			const cJSON *mid = cJSON_GetObjectItemCaseSensitive(im, "mediaId");
			if (mid && !cJSON_IsNull(mid)) {
				int64_t id = 0;
				char f3[48];
				snprintf(f3, sizeof f3, "%s.mediaId", f2);
				if (id_problem(mid, &id) || !(url = media_url_of(tid, id, mu, sizeof mu)))
					return bad(field, fl, msg, ml, f3, "is not an item of this store's media library");
				if (get_str(im, "alt", 500, &alt, sub, sizeof sub, m2, sizeof m2) < 0) {
					char full[100];
					snprintf(full, sizeof full, "%s.%s", f2, sub);
					return bad(field, fl, msg, ml, full, "%s", m2);
				}
			} else if (get_str(im, "url", IN_URL_MAX, &url, sub, sizeof sub, m2, sizeof m2) < 0 ||
			    get_str(im, "alt", 500, &alt, sub, sizeof sub, m2, sizeof m2) < 0) {
				char full[100];
				snprintf(full, sizeof full, "%s.%s", f2, sub);
				return bad(field, fl, msg, ml, full, "%s", m2);
			}
		}
		if (!url || !*url || strlen(url) > IN_URL_MAX || !utf8_valid(url, strlen(url)))
			return bad(field, fl, msg, ml, f2, "needs a url of 1-%d bytes", IN_URL_MAX);
		i++;
	}
	sqlite3_stmt *st = db_stmt("DELETE FROM product_images WHERE tenant_id = :t AND product_id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", pid);
	if (db_run(st) < 0) return -2;
	i = 0;
	cJSON_ArrayForEach(im, images) {
		const cJSON *u = cJSON_IsString(im) ? im : cJSON_GetObjectItemCaseSensitive(im, "url");
		const cJSON *a = cJSON_IsObject(im) ? cJSON_GetObjectItemCaseSensitive(im, "alt") : NULL;
		/* a library item, by id or by its URL: its renditions come along */
		const cJSON *mj = cJSON_IsObject(im) ? cJSON_GetObjectItemCaseSensitive(im, "mediaId") : NULL;
		char mu[600];
		int64_t mid = 0;
		const char *url;
		if (mj && !cJSON_IsNull(mj)) {
			if (id_problem(mj, &mid) || !(url = media_url_of(tid, mid, mu, sizeof mu))) return -2;
		} else {
			url = u->valuestring;
			mid = media_id_by_url(tid, url);
		}
		st = db_stmt("INSERT INTO product_images(tenant_id, product_id, url, alt, position, media_id) "
			     "VALUES(:t, :p, :u, :a, :pos, :m)");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":p", pid);
		if (mid) db_bind_int(st, ":m", mid);
		else db_bind_null(st, ":m");
		db_bind_text(st, ":u", url);
		db_bind_text(st, ":a", cJSON_IsString(a) ? a->valuestring : "");
		db_bind_int(st, ":pos", i++);
		if (db_run(st) < 0) return -2;
		if (!mid && (str_startswith(url, "http://") || str_startswith(url, "https://")) && media_fetch_queue(tid) < 0)
			return -2;
	}
	return 0;
}

static int slug_free(int64_t tid, const char *slug, int64_t except)
{
	sqlite3_stmt *st = db_stmt("SELECT id FROM products WHERE tenant_id = :t AND slug = :s");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", slug);
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return !id || id == except;
}

/* Options [{name, values[]}]: at most 3, names 1-50 bytes. */
static int check_options(const cJSON *opts, char *field, size_t fl, char *msg, size_t ml)
{
	if (!opts) return 0;
	if (!cJSON_IsArray(opts) || cJSON_GetArraySize(opts) > 3)
		return bad(field, fl, msg, ml, "options", "must be a list of at most 3 {name, values[]}");
	const cJSON *o;
	cJSON_ArrayForEach(o, opts) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "name");
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(o, "values");
		if (!cJSON_IsString(n) || !n->valuestring[0] || strlen(n->valuestring) > 50)
			return bad(field, fl, msg, ml, "options", "each option needs a name of 1-50 bytes");
		if (vals && (!cJSON_IsArray(vals) || cJSON_GetArraySize(vals) > 100))
			return bad(field, fl, msg, ml, "options", "values must be a list of at most 100 strings");
		const cJSON *v;
		cJSON_ArrayForEach(v, vals)
			if (!cJSON_IsString(v) || strlen(v->valuestring) > CAT_OPTION_MAX)
				return bad(field, fl, msg, ml, "options", "values must be strings of at most %d bytes", CAT_OPTION_MAX);
	}
	return 0;
}

int cs_write_product(int64_t tid, int64_t *id, const cs_product *p)
{
	sqlite3_stmt *st;
	/* A new slug (admin, POS sync or CSV import alike): the old address
	 * answers 301 to the new one (redirects.h). */
	char *old_slug = NULL;
	if (*id && p->slug) {
		st = db_stmt("SELECT slug FROM products WHERE tenant_id = :t AND id = :id");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", *id);
		if (db_step(st) == SQLITE_ROW && strcmp(db_text(st, 0), p->slug) != 0) old_slug = xstrdup(db_text(st, 0));
		db_reset(st);
	}
	if (!*id) {
		st = db_stmt("INSERT INTO products(tenant_id, slug, name, description, price, compare_at_price, sku, stock, status, vendor, "
			     "tags_json, image, options_json, pos_id, import_handle, track_inventory, inventory_policy, seo_json, position, "
			     "created_at, updated_at, custom_json, related_json, product_type, barcode) VALUES(:t, :s, :n, "
			     "coalesce(:d, ''), max(:p, 0), CASE WHEN :cmp < 0 THEN NULL ELSE :cmp END, coalesce(:sku, ''), max(:stock, 0), "
			     "coalesce(:st, 'active'), coalesce(:v, ''), coalesce(:tags, '[]'), coalesce(:img, ''), coalesce(:opt, '[]'), :pos, :h, "
			     "CASE WHEN :trk < 0 THEN 1 ELSE :trk END, coalesce(:pol, 'deny'), coalesce(:seo, '{}'), "
			     "(SELECT count(*) FROM products WHERE tenant_id = :t), strftime('%s','now'), strftime('%s','now'), "
			     "json_patch('{}', coalesce(:cf, '{}')), coalesce(:rel, '[]'), coalesce(:ty, ''), coalesce(:bc, ''))");
	} else {
		st = db_stmt("UPDATE products SET slug = coalesce(:s, slug), name = coalesce(:n, name), description = coalesce(:d, description), "
			     "price = CASE WHEN :p < 0 THEN price ELSE :p END, compare_at_price = CASE WHEN :cmp < 0 THEN compare_at_price ELSE :cmp END, "
			     "sku = coalesce(:sku, sku), stock = CASE WHEN :stock < 0 THEN stock ELSE :stock END, status = coalesce(:st, status), "
			     "vendor = coalesce(:v, vendor), tags_json = coalesce(:tags, tags_json), image = coalesce(:img, image), "
			     "options_json = coalesce(:opt, options_json), pos_id = coalesce(:pos, pos_id), import_handle = coalesce(:h, import_handle), "
			     "track_inventory = CASE WHEN :trk < 0 THEN track_inventory ELSE :trk END, "
			     "inventory_policy = coalesce(:pol, inventory_policy), seo_json = coalesce(:seo, seo_json), "
			     "custom_json = CASE WHEN :cf IS NULL THEN custom_json ELSE " CF_MERGE("custom_json") " END, "
			     "related_json = coalesce(:rel, related_json), product_type = coalesce(:ty, product_type), "
			     "barcode = coalesce(:bc, barcode), "
			     "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
		db_bind_int(st, ":id", *id);
	}
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", p->slug);
	db_bind_text(st, ":n", p->name);
	db_bind_text(st, ":d", p->description);
	db_bind_int(st, ":p", p->price);
	db_bind_int(st, ":cmp", p->compare_at);
	db_bind_text(st, ":sku", p->sku);
	db_bind_int(st, ":stock", p->stock);
	db_bind_text(st, ":st", p->status);
	db_bind_text(st, ":v", p->vendor);
	db_bind_text(st, ":tags", p->tags_json);
	db_bind_text(st, ":img", p->image);
	db_bind_text(st, ":opt", p->options_json);
	db_bind_text(st, ":pos", p->pos_id);
	db_bind_text(st, ":h", p->import_handle);
	db_bind_int(st, ":trk", p->track);
	db_bind_text(st, ":pol", p->policy);
	db_bind_text(st, ":seo", p->seo_json);
	db_bind_text(st, ":cf", p->custom_patch);
	db_bind_text(st, ":rel", p->related_json);
	db_bind_text(st, ":ty", p->product_type);
	db_bind_text(st, ":bc", p->barcode);
	if (db_run(st) < 0) { free(old_slug); return -2; }
	int changed = db_changes(), updating = *id != 0, rc = updating && !changed ? 1 : 0;
	if (!updating) *id = db_last_id();
	if (rc == 0 && updating && old_slug) {   /* the old address answers 301 */
		sbuf from = SBUF_INIT, to = SBUF_INIT;
		sb_printf(&from, "/products/%s", old_slug);
		sb_printf(&to, "/products/%s", p->slug);
		if (redir_moved(tid, sb_str(&from), sb_str(&to)) < 0) rc = -2;
		sb_free(&from);
		sb_free(&to);
	}
	free(old_slug);
	/* a remote image (POS, Shopify CSV): the deliverer fetches it into the library */
	if (rc == 0 && changed && p->image && (str_startswith(p->image, "http://") || str_startswith(p->image, "https://")) &&
	    media_fetch_queue(tid) < 0) rc = -2;
	return rc;
}

int cs_upsert_product(const cs_actor *a, const cJSON *item, int key, int64_t *id,
		      char *field, size_t fl, char *msg, size_t ml)
{
	char keyval[128] = "";
	int64_t byid = 0;
	*id = 0;
	if (!cJSON_IsObject(item)) return bad(field, fl, msg, ml, "item", "must be an object");
	if (key == CS_BY_POS) {
		int rc = get_posid(item, "posId", keyval, sizeof keyval, field, fl, msg, ml);
		if (rc < 0) return -1;
		if (rc == 1) return bad(field, fl, msg, ml, "posId", "is required");
	} else if (key == CS_BY_HANDLE) {
		const char *h = NULL;
		if (get_str(item, "handle", CAT_HANDLE_MAX, &h, field, fl, msg, ml) < 0) return -1;
		if (!h || !*h) return bad(field, fl, msg, ml, "handle", "is required");
		snprintf(keyval, sizeof keyval, "%s", h);
	} else {
		if (get_id(item, "id", &byid, field, fl, msg, ml) != 0) return bad(field, fl, msg, ml, "id", "is required");
	}
	const char *name = NULL, *slug = NULL, *desc = NULL, *sku = NULL, *status = NULL, *vendor = NULL, *image = NULL;
	const char *policy = NULL, *ptype = NULL, *barcode = NULL;
	int64_t price = -1, cmp = -1, stock = -1;
	int track = -1;
	if (cs_inventory_fields(item, &track, &policy, field, fl, msg, ml) < 0) return -1;
	if (get_str(item, "productType", CAT_TYPE_MAX, &ptype, field, fl, msg, ml) < 0) return -1;
	if (ptype && cs_type_problem(ptype)) return bad(field, fl, msg, ml, "productType", "%s", cs_type_problem(ptype));
	if (get_str(item, "barcode", CAT_BARCODE_MAX, &barcode, field, fl, msg, ml) < 0) return -1;
	if (barcode && cs_barcode_problem(barcode)) return bad(field, fl, msg, ml, "barcode", "%s", cs_barcode_problem(barcode));
	if (get_str(item, "name", CAT_NAME_MAX, &name, field, fl, msg, ml) < 0 || get_str(item, "slug", IN_SLUG_MAX, &slug, field, fl, msg, ml) < 0 ||
	    get_str(item, "description", CAT_DESC_MAX, &desc, field, fl, msg, ml) < 0 || get_str(item, "sku", CAT_SKU_MAX, &sku, field, fl, msg, ml) < 0 ||
	    get_str(item, "status", 20, &status, field, fl, msg, ml) < 0 || get_str(item, "vendor", CAT_VENDOR_MAX, &vendor, field, fl, msg, ml) < 0 ||
	    get_str(item, "image", IN_URL_MAX, &image, field, fl, msg, ml) < 0 ||
	    get_int(item, "price", 0, MONEY_MAX, &price, field, fl, msg, ml) < 0 ||
	    get_int(item, "compareAtPrice", 0, MONEY_MAX, &cmp, field, fl, msg, ml) < 0 ||
	    get_int(item, "stock", 0, CAT_STOCK_MAX, &stock, field, fl, msg, ml) < 0)
		return -1;
	if (name && !*name) return bad(field, fl, msg, ml, "name", "must not be empty");
	if (slug && slug_problem(slug)) return bad(field, fl, msg, ml, "slug", "%s", slug_problem(slug));
	if (status) {
		int ok = 0;
		for (int i = 0; statuses[i]; i++) ok |= !strcmp(statuses[i], status);
		if (!ok) return bad(field, fl, msg, ml, "status", "must be active, draft or archived");
	}
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(item, "tags");
	if (tags && !cJSON_IsNull(tags)) {
		if (!cJSON_IsArray(tags) || cJSON_GetArraySize(tags) > 50)
			return bad(field, fl, msg, ml, "tags", "must be a list of at most 50 strings");
		const cJSON *t;
		cJSON_ArrayForEach(t, tags)
			if (!cJSON_IsString(t) || strlen(t->valuestring) > CAT_OPTION_MAX)
				return bad(field, fl, msg, ml, "tags", "must be strings of at most %d bytes", CAT_OPTION_MAX);
	} else tags = NULL;
	const cJSON *options = cJSON_GetObjectItemCaseSensitive(item, "options");
	if (cJSON_IsNull(options)) options = NULL;
	if (check_options(options, field, fl, msg, ml) < 0) return -1;
	const cJSON *variants = cJSON_GetObjectItemCaseSensitive(item, "variants");
	if (cJSON_IsNull(variants)) variants = NULL;
	const cJSON *seo = cJSON_GetObjectItemCaseSensitive(item, "seo");
	if (cJSON_IsNull(seo)) seo = NULL;
	const char *sp = seo ? cs_seo_problem(seo) : NULL;
	if (sp) return bad(field, fl, msg, ml, "seo", "%s", sp);
	if (variants && (!cJSON_IsArray(variants) || cJSON_GetArraySize(variants) > 100))
		return bad(field, fl, msg, ml, "variants", "must be a list of at most 100 variants");

	/* Existing product? */
	sqlite3_stmt *st;
	if (key == CS_BY_POS) st = db_stmt("SELECT id FROM products WHERE tenant_id = :t AND pos_id = :k");
	else if (key == CS_BY_HANDLE) st = db_stmt("SELECT id FROM products WHERE tenant_id = :t AND (import_handle = :k OR (import_handle IS NULL AND slug = :k)) ORDER BY import_handle IS NULL LIMIT 1");
	else st = db_stmt("SELECT id FROM products WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", a->tid);
	if (key == CS_BY_ID) db_bind_int(st, ":id", byid); else db_bind_text(st, ":k", keyval);
	int64_t pid = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	if (key == CS_BY_ID && !pid) return bad(field, fl, msg, ml, "id", "product %lld not found", (long long)byid);
	int create = pid == 0;
	char slugbuf[128];
	if (create) {
		/* Bulk paths honour the store's product limit like POST /products. */
		sqlite3_stmt *cnt = db_stmt("SELECT count(*) FROM products WHERE tenant_id = :t");
		db_bind_int(cnt, ":t", a->tid);
		int64_t have = db_step(cnt) == SQLITE_ROW ? db_int(cnt, 0) : 0;
		db_reset(cnt);
		int64_t max = quota_get(a->tid, LIM_PRODUCTS);
		if (have >= max)
			return bad(field, fl, msg, ml, "item", "would pass the store's limit of %lld products", (long long)max);
	}
	if (create) {
		if (!name) return bad(field, fl, msg, ml, "name", "is required for a new product");
		if (price < 0 && !variants) return bad(field, fl, msg, ml, "price", "is required for a new product without variants");
		if (slug) {
			if (!slug_free(a->tid, slug, 0)) return bad(field, fl, msg, ml, "slug", "is taken by another product");
			snprintf(slugbuf, sizeof slugbuf, "%s", slug);
		} else {
			char base[110];
			cs_slugify(key == CS_BY_HANDLE ? keyval : name, base, sizeof base);
			snprintf(slugbuf, sizeof slugbuf, "%s", base);
			for (int i = 2; !slug_free(a->tid, slugbuf, 0) && i < 1000; i++)
				snprintf(slugbuf, sizeof slugbuf, "%.90s-%d", base, i);
		}
		slug = slugbuf;
	} else if (slug && !slug_free(a->tid, slug, pid)) {
		return bad(field, fl, msg, ml, "slug", "is taken by another product");
	}
	/* custom fields and the merchant's related products, checked like the admin API's */
	char *cfpatch = NULL, *reltext = NULL;
	const cJSON *cf = cJSON_GetObjectItemCaseSensitive(item, "customFields");
	if (cf && !cJSON_IsNull(cf) && cf_check(a->tid, "product", cf, &cfpatch, field, fl, msg, ml) < 0) return -1;
	const cJSON *rel = cJSON_GetObjectItemCaseSensitive(item, "relatedProducts");
	if (rel && !cJSON_IsNull(rel) && cf_related(a->tid, pid, rel, &reltext, field, fl, msg, ml) < 0) {
		cJSON_free(cfpatch);
		return -1;
	}
	char *tagtext = tags ? cJSON_PrintUnformatted(tags) : NULL;
	char *opttext = options ? cJSON_PrintUnformatted(options) : NULL;
	char *seotext = seo ? cJSON_PrintUnformatted(seo) : NULL;
	cs_product p = { .slug = slug, .name = name, .description = desc, .price = price, .compare_at = cmp, .sku = sku,
			 .stock = stock, .status = status, .vendor = vendor, .tags_json = tagtext, .image = image,
			 .options_json = opttext, .pos_id = key == CS_BY_POS ? keyval : NULL,
			 .import_handle = key == CS_BY_HANDLE ? keyval : NULL, .track = track, .policy = policy,
			 .seo_json = seotext, .custom_patch = cfpatch, .related_json = reltext, .product_type = ptype,
			 .barcode = barcode };
	int rc = cs_write_product(a->tid, &pid, &p);
	cJSON_free(cfpatch);
	cJSON_free(reltext);
	cJSON_free(tagtext);
	cJSON_free(opttext);
	cJSON_free(seotext);
	if (rc < 0) return -2;
	*id = pid;
	if (variants) {
		int vrc = cs_save_variants(a, pid, variants, options, field, fl, msg, ml);
		if (vrc != 0) return vrc;
	}
	/* Every image, the first one too: {url, alt} or a URL (Shopify: Image Src rows). */
	const cJSON *images = cJSON_GetObjectItemCaseSensitive(item, "images");
	if (images && !cJSON_IsNull(images)) {
		int irc = cs_save_images(a->tid, pid, images, field, fl, msg, ml);
		if (irc != 0) return irc;
	}
	if (audit_write_as(a->tid, a->uid, a->actor, a->ip, create ? "product.create" : "product.update", "product", pid,
			   create ? "create" : "update", key == CS_BY_ID ? NULL : keyval) < 0 ||
	    pagecache_invalidate_item(a->tid, "product", pid) < 0)
		return -2;
	return create ? 1 : 2;
}

typedef struct vrow { int64_t id; char pos[128], sku[110], o[3][110]; int used; } vrow;

int cs_save_variants(const cs_actor *a, int64_t pid, const cJSON *arr, const cJSON *options,
		     char *field, size_t fl, char *msg, size_t ml)
{
	if (!cJSON_IsArray(arr)) return bad(field, fl, msg, ml, "variants", "must be a list");
	if (cJSON_GetArraySize(arr) > 100) return bad(field, fl, msg, ml, "variants", "has more than 100 variants");
	/* Current variants. */
	sqlite3_stmt *st = db_stmt("SELECT id, coalesce(pos_id, ''), sku, option1, option2, option3 FROM variants "
				   "WHERE tenant_id = :t AND product_id = :p ORDER BY position, id");
	db_bind_int(st, ":t", a->tid);
	db_bind_int(st, ":p", pid);
	vrow *cur = NULL;
	size_t ncur = 0;
	while (db_step(st) == SQLITE_ROW) {
		cur = xrealloc(cur, (ncur + 1) * sizeof *cur);
		vrow *v = &cur[ncur++];
		memset(v, 0, sizeof *v);
		v->id = db_int(st, 0);
		snprintf(v->pos, sizeof v->pos, "%s", db_text(st, 1));
		snprintf(v->sku, sizeof v->sku, "%s", db_text(st, 2));
		for (int k = 0; k < 3; k++) snprintf(v->o[k], sizeof v->o[k], "%s", db_text(st, 3 + k));
	}
	db_reset(st);
	int rc = 0, pos = 0;
	int64_t minprice = -1;
	const cJSON *v;
	char f2[64];
	cJSON_ArrayForEach(v, arr) {
		snprintf(f2, sizeof f2, "variants[%d]", pos);
		if (!cJSON_IsObject(v)) { rc = bad(field, fl, msg, ml, f2, "must be an object"); break; }
		char posid[128] = "";
		const char *sku = NULL, *title = NULL, *image = NULL, *o[3] = { NULL, NULL, NULL }, *barcode = NULL;
		int64_t vid = 0, price = -1, cmp = -1, stock = -1;
		char sub[64], m2[200];
		if (get_posid(v, "posId", posid, sizeof posid, sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_id(v, "id", &vid, sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_str(v, "sku", CAT_SKU_MAX, &sku, sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_str(v, "title", CAT_VARIANT_TITLE_MAX, &title, sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_str(v, "image", IN_URL_MAX, &image, sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_str(v, "option1", CAT_OPTION_MAX, &o[0], sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_str(v, "option2", CAT_OPTION_MAX, &o[1], sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_str(v, "option3", CAT_OPTION_MAX, &o[2], sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_int(v, "price", 0, MONEY_MAX, &price, sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_int(v, "compareAtPrice", 0, MONEY_MAX, &cmp, sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_int(v, "stock", 0, CAT_STOCK_MAX, &stock, sub, sizeof sub, m2, sizeof m2) < 0 ||
		    get_str(v, "barcode", CAT_BARCODE_MAX, &barcode, sub, sizeof sub, m2, sizeof m2) < 0) {
			char full[140];
			snprintf(full, sizeof full, "%s.%s", f2, sub);
			rc = bad(field, fl, msg, ml, full, "%s", m2);
			break;
		}
		if (barcode && cs_barcode_problem(barcode)) {
			char full[140];
			snprintf(full, sizeof full, "%s.barcode", f2);
			rc = bad(field, fl, msg, ml, full, "%s", cs_barcode_problem(barcode));
			break;
		}
		/* options given as a list ["M", "Blue"] */
		const cJSON *ol = cJSON_GetObjectItemCaseSensitive(v, "options");
		if (cJSON_IsArray(ol)) {
			int k = 0;
			const cJSON *x;
			cJSON_ArrayForEach(x, ol) {
				if (k >= 3 || !cJSON_IsString(x) || strlen(x->valuestring) > CAT_OPTION_MAX) {
					char full[140];
					snprintf(full, sizeof full, "%s.options", f2);
					rc = bad(field, fl, msg, ml, full, "must be at most 3 strings of at most 100 bytes");
					goto done;
				}
				o[k++] = x->valuestring;
			}
		}
		/* match */
		vrow *m = NULL;
		for (size_t i = 0; i < ncur && !m; i++) if (!cur[i].used && vid && cur[i].id == vid) m = &cur[i];
		if (vid && !m) {
			char full[140];
			snprintf(full, sizeof full, "%s.id", f2);
			rc = bad(field, fl, msg, ml, full, "variant %lld is not a variant of this product", (long long)vid);
			break;
		}
		for (size_t i = 0; i < ncur && !m; i++) if (!cur[i].used && posid[0] && !strcmp(cur[i].pos, posid)) m = &cur[i];
		for (size_t i = 0; i < ncur && !m; i++) if (!cur[i].used && sku && *sku && !strcmp(cur[i].sku, sku)) m = &cur[i];
		for (size_t i = 0; i < ncur && !m; i++)
			if (!cur[i].used && !strcmp(cur[i].o[0], o[0] ? o[0] : "") && !strcmp(cur[i].o[1], o[1] ? o[1] : "") &&
			    !strcmp(cur[i].o[2], o[2] ? o[2] : ""))
				m = &cur[i];
		char tbuf[320] = "";
		if (!title) {
			for (int k = 0; k < 3; k++)
				if (o[k] && *o[k]) {
					size_t n = strlen(tbuf);
					snprintf(tbuf + n, sizeof tbuf - n, "%s%s", n ? " / " : "", o[k]);
				}
			title = tbuf;
		}
		if (!m && price < 0) {
			char full[140];
			snprintf(full, sizeof full, "%s.price", f2);
			rc = bad(field, fl, msg, ml, full, "is required for a new variant");
			break;
		}
		if (m) {
			m->used = 1;
			st = db_stmt("UPDATE variants SET title = :ti, option1 = :o1, option2 = :o2, option3 = :o3, sku = coalesce(:sku, sku), "
				     "price = CASE WHEN :p < 0 THEN price ELSE :p END, compare_at_price = CASE WHEN :cmp < 0 THEN compare_at_price ELSE :cmp END, "
				     "stock = CASE WHEN :stock < 0 THEN stock ELSE :stock END, image = coalesce(:img, image), position = :pos, "
				     "pos_id = coalesce(:posid, pos_id), barcode = coalesce(:bc, barcode), updated_at = strftime('%s','now') "
				     "WHERE tenant_id = :t AND id = :id");
			db_bind_int(st, ":id", m->id);
		} else {
			st = db_stmt("INSERT INTO variants(tenant_id, product_id, title, option1, option2, option3, sku, price, compare_at_price, stock, "
				     "image, position, pos_id, created_at, updated_at, barcode) VALUES(:t, :pid, :ti, :o1, :o2, :o3, coalesce(:sku, ''), :p, "
				     "CASE WHEN :cmp < 0 THEN NULL ELSE :cmp END, max(:stock, 0), coalesce(:img, ''), :pos, :posid, "
				     "strftime('%s','now'), strftime('%s','now'), coalesce(:bc, ''))");
			db_bind_int(st, ":pid", pid);
		}
		db_bind_int(st, ":t", a->tid);
		db_bind_text(st, ":ti", title);
		db_bind_text(st, ":o1", o[0] ? o[0] : "");
		db_bind_text(st, ":o2", o[1] ? o[1] : "");
		db_bind_text(st, ":o3", o[2] ? o[2] : "");
		db_bind_text(st, ":sku", sku);
		db_bind_int(st, ":p", price);
		db_bind_int(st, ":cmp", cmp);
		db_bind_int(st, ":stock", stock);
		db_bind_text(st, ":img", image);
		db_bind_int(st, ":pos", pos);
		db_bind_text(st, ":posid", posid[0] ? posid : NULL);
		db_bind_text(st, ":bc", barcode);
		if (db_run(st) < 0) {
			if (db_errcode() == SQLITE_CONSTRAINT) {
				char full[140];
				snprintf(full, sizeof full, "%s.posId", f2);
				rc = bad(field, fl, msg, ml, full, "is already used by another variant");
			} else rc = -2;
			break;
		}
		/* the variant's own fixed prices in other currencies (Shopify's
		 * presentmentPrices), replaced when given */
		const cJSON *pp = cJSON_GetObjectItemCaseSensitive(v, "presentmentPrices");
		if (pp && !cJSON_IsNull(pp)) {
			char pre[80];
			snprintf(pre, sizeof pre, "%s.presentmentPrices", f2);
			rc = currency_variant_prices_save(a->tid, pid, m ? m->id : db_last_id(), pp, pre, field, fl, msg, ml);
			if (rc != 0) break;
		}
		pos++;
	}
	if (rc == 0) {
		for (size_t i = 0; i < ncur && rc == 0; i++) {
			if (cur[i].used) continue;
			st = db_stmt("DELETE FROM variants WHERE tenant_id = :t AND id = :id");
			db_bind_int(st, ":t", a->tid);
			db_bind_int(st, ":id", cur[i].id);
			if (db_run(st) < 0) rc = -2;
		}
	}
	if (rc == 0) {
		/* The product shows its lowest variant price; options default to what the variants use. */
		st = db_stmt("UPDATE products SET price = coalesce((SELECT min(price) FROM variants WHERE product_id = :p), price), "
			     "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :p");
		db_bind_int(st, ":t", a->tid);
		db_bind_int(st, ":p", pid);
		if (db_run(st) < 0) rc = -2;
		(void)minprice;
		(void)options;
	}
done:
	free(cur);
	return rc;
}

int cs_inventory(const cs_actor *a, const cJSON *item, int64_t *stock_out, char *field, size_t fl, char *msg, size_t ml)
{
	if (!cJSON_IsObject(item)) return bad(field, fl, msg, ml, "item", "must be an object");
	const char *sku = NULL, *barcode = NULL;
	char posid[128] = "";
	int64_t vid = 0, pid = 0, set = -1, adjust = 0;
	int has_adj;
	if (get_str(item, "sku", CAT_SKU_MAX, &sku, field, fl, msg, ml) < 0 ||
	    get_str(item, "barcode", CAT_BARCODE_MAX, &barcode, field, fl, msg, ml) < 0 ||
	    get_posid(item, "posId", posid, sizeof posid, field, fl, msg, ml) < 0 ||
	    get_id(item, "variantId", &vid, field, fl, msg, ml) < 0 || get_id(item, "productId", &pid, field, fl, msg, ml) < 0 ||
	    get_int(item, "set", 0, CAT_STOCK_MAX, &set, field, fl, msg, ml) < 0 ||
	    (has_adj = get_int(item, "adjust", -CAT_STOCK_MAX, CAT_STOCK_MAX, &adjust, field, fl, msg, ml)) < 0)
		return -1;
	if ((set >= 0) == (has_adj == 0)) return bad(field, fl, msg, ml, "set", "give exactly one of set (a level) or adjust (a change)");
	if (!(sku && *sku) && !(barcode && *barcode) && !posid[0] && !vid && !pid)
		return bad(field, fl, msg, ml, "sku", "name the item by sku, barcode, posId, variantId or productId");
	/* Find it: a variant first (SKUs live there), else a product without variants. */
	int is_var = 0;
	int64_t target = 0;
	sqlite3_stmt *st;
	if (vid) {
		st = db_stmt("SELECT id FROM variants WHERE tenant_id = :t AND id = :id");
		db_bind_int(st, ":id", vid);
		is_var = 1;
	} else if (posid[0]) {
		st = db_stmt("SELECT id, 1 FROM variants WHERE tenant_id = :t AND pos_id = :k UNION ALL "
			     "SELECT id, 0 FROM products WHERE tenant_id = :t AND pos_id = :k AND NOT EXISTS "
			     "(SELECT 1 FROM variants v WHERE v.product_id = products.id) LIMIT 1");
		db_bind_text(st, ":k", posid);
	} else if (sku && *sku) {
		st = db_stmt("SELECT id, 1 FROM variants WHERE tenant_id = :t AND sku = :k UNION ALL "
			     "SELECT id, 0 FROM products WHERE tenant_id = :t AND sku = :k AND NOT EXISTS "
			     "(SELECT 1 FROM variants v WHERE v.product_id = products.id) LIMIT 1");
		db_bind_text(st, ":k", sku);
	} else if (barcode && *barcode) {   /* a scanned code (sql/017) */
		st = db_stmt("SELECT id, 1 FROM variants WHERE tenant_id = :t AND barcode = :k UNION ALL "
			     "SELECT id, 0 FROM products WHERE tenant_id = :t AND barcode = :k AND NOT EXISTS "
			     "(SELECT 1 FROM variants v WHERE v.product_id = products.id) LIMIT 1");
		db_bind_text(st, ":k", barcode);
	} else {
		st = db_stmt("SELECT id, 0 FROM products WHERE tenant_id = :t AND id = :id AND NOT EXISTS "
			     "(SELECT 1 FROM variants v WHERE v.product_id = products.id)");
		db_bind_int(st, ":id", pid);
	}
	db_bind_int(st, ":t", a->tid);
	if (db_step(st) == SQLITE_ROW) {
		target = db_int(st, 0);
		if (!vid) is_var = (int)db_int(st, 1);
	}
	db_reset(st);
	if (!target)
		return bad(field, fl, msg, ml, vid ? "variantId" : posid[0] ? "posId" : sku && *sku ? "sku" :
			   barcode && *barcode ? "barcode" : "productId",
			   "matches no item of this store (a product with variants takes its stock per variant)");
	if (set >= 0)
		st = is_var ? db_stmt("UPDATE variants SET stock = :n, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id")
			    : db_stmt("UPDATE products SET stock = :n, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
	else
		st = is_var ? db_stmt("UPDATE variants SET stock = stock + :n, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id AND stock + :n >= 0")
			    : db_stmt("UPDATE products SET stock = stock + :n, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id AND stock + :n >= 0");
	db_bind_int(st, ":t", a->tid);
	db_bind_int(st, ":id", target);
	db_bind_int(st, ":n", set >= 0 ? set : adjust);
	if (db_run(st) < 0) return -2;
	if (db_changes() == 0) return bad(field, fl, msg, ml, "adjust", "would take the stock below zero");
	st = is_var ? db_stmt("SELECT stock, product_id FROM variants WHERE id = :id") : db_stmt("SELECT stock, id FROM products WHERE id = :id");
	db_bind_int(st, ":id", target);
	int64_t product = 0;
	if (db_step(st) == SQLITE_ROW) { *stock_out = db_int(st, 0); product = db_int(st, 1); }
	db_reset(st);
	/* A stock change: only the pages that show this product. */
	if (pagecache_invalidate(a->tid, "product", product) < 0 ||
	    audit_write_as(a->tid, a->uid, a->actor, a->ip, "inventory.set", "product", product, "update", NULL) < 0) return -2;
	return 0;
}

cJSON *cs_batch(const cs_actor *a, const cJSON *items, int kind, int key)
{
	cJSON *o = cJSON_CreateObject(), *res = cJSON_AddArrayToObject(o, "results");
	int created = 0, updated = 0, failed = 0, i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, items) {
		char field[160] = "", msg[300] = "";
		if (db_savepoint("cs_item") < 0) { cJSON_Delete(o); return NULL; }
		int64_t id = 0, stock = 0;
		int rc = kind == 0 ? cs_upsert_product(a, it, key, &id, field, sizeof field, msg, sizeof msg)
				   : cs_inventory(a, it, &stock, field, sizeof field, msg, sizeof msg);
		if (rc == -2) { cJSON_Delete(o); return NULL; }
		cJSON *r = cJSON_CreateObject();
		cJSON_AddNumberToObject(r, "index", i);
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(it, key == CS_BY_HANDLE ? "handle" : "posId");
		if (cJSON_IsString(k)) cJSON_AddStringToObject(r, key == CS_BY_HANDLE ? "handle" : "posId", k->valuestring);
		else if (cJSON_IsNumber(k)) cJSON_AddNumberToObject(r, "posId", k->valuedouble);
		if (rc < 0) {
			if (db_rollback_to("cs_item") < 0) { cJSON_Delete(r); cJSON_Delete(o); return NULL; }
			cJSON_AddStringToObject(r, "status", "error");
			cJSON *e = cJSON_AddObjectToObject(r, "error");
			cJSON_AddStringToObject(e, "field", field);
			char full[600];
			snprintf(full, sizeof full, "field '%s' %s", field, msg);
			cJSON_AddStringToObject(e, "message", full);
			failed++;
		} else {
			if (db_release("cs_item") < 0) { cJSON_Delete(r); cJSON_Delete(o); return NULL; }
			char b[24];
			snprintf(b, sizeof b, "%lld", (long long)id);
			if (kind == 0) {
				cJSON_AddStringToObject(r, "status", rc == 1 ? "created" : "updated");
				cJSON_AddStringToObject(r, "id", b);
				if (rc == 1) created++; else updated++;
			} else {
				cJSON_AddStringToObject(r, "status", "updated");
				cJSON_AddNumberToObject(r, "stock", (double)stock);
				updated++;
			}
		}
		cJSON_AddItemToArray(res, r);
		i++;
	}
	cJSON_AddNumberToObject(o, "created", created);
	cJSON_AddNumberToObject(o, "updated", updated);
	cJSON_AddNumberToObject(o, "failed", failed);
	return o;
}

const char *cs_seo_problem(const cJSON *seo)
{
	/* A product's seo: the SEO object of seo.h, no other fields. */
	static char buf[300];   /* one request at a time */
	return seo_problem(seo, 1, buf, sizeof buf);
}

cJSON *cs_variants_json(int64_t tid, int64_t pid, int admin, const char *currency)
{
	/* A variant is in stock while it has some, or when its product's
	 * inventory is untracked or sold past zero. */
	sqlite3_stmt *st = db_stmt("SELECT v.id, v.title, v.option1, v.option2, v.option3, v.sku, v.price, v.compare_at_price, v.stock, "
				   "v.image, v.pos_id, (p.track_inventory = 0 OR p.inventory_policy = 'continue'), v.barcode "
				   "FROM variants v JOIN products p ON p.id = v.product_id "
				   "WHERE v.tenant_id = :t AND v.product_id = :p ORDER BY v.position, v.id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", pid);
	cJSON *a = cJSON_CreateArray();
	while (db_step(st) == SQLITE_ROW) {
		cJSON *v = cJSON_CreateObject();
		char b[24];
		snprintf(b, sizeof b, "%lld", (long long)db_int(st, 0));
		cJSON_AddStringToObject(v, "id", b);
		cJSON_AddStringToObject(v, "title", db_text(st, 1));
		cJSON *opts = cJSON_AddArrayToObject(v, "options");
		for (int k = 0; k < 3; k++) if (*db_text(st, 2 + k)) cJSON_AddItemToArray(opts, cJSON_CreateString(db_text(st, 2 + k)));
		cJSON_AddStringToObject(v, "sku", db_text(st, 5));
		cJSON_AddStringToObject(v, "barcode", db_text(st, 12));
		if (admin) {
			cJSON_AddNumberToObject(v, "price", (double)db_int(st, 6));
			if (db_isnull(st, 7)) cJSON_AddNullToObject(v, "compareAtPrice");
			else cJSON_AddNumberToObject(v, "compareAtPrice", (double)db_int(st, 7));
			if (db_isnull(st, 10)) cJSON_AddNullToObject(v, "posId");
			else cJSON_AddStringToObject(v, "posId", db_text(st, 10));
		} else {
			cJSON_AddNumberToObject(v, "price", money_major(db_int(st, 6), currency));
			if (db_isnull(st, 7)) cJSON_AddNullToObject(v, "compareAtPrice");
			else cJSON_AddNumberToObject(v, "compareAtPrice", money_major(db_int(st, 7), currency));
			cJSON_AddBoolToObject(v, "inStock", db_int(st, 8) > 0 || db_int(st, 11));
		}
		cJSON_AddNumberToObject(v, "stock", (double)db_int(st, 8));
		cJSON_AddStringToObject(v, "image", db_text(st, 9));
		cJSON_AddItemToArray(a, v);
	}
	db_reset(st);
	return a;
}

cJSON *cs_options_json(int64_t tid, int64_t pid)
{
	sqlite3_stmt *st = db_stmt("SELECT options_json FROM products WHERE tenant_id = :t AND id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", pid);
	cJSON *o = db_step(st) == SQLITE_ROW ? cJSON_Parse(db_text(st, 0)) : NULL;
	db_reset(st);
	if (!cJSON_IsArray(o)) { cJSON_Delete(o); o = cJSON_CreateArray(); }
	return o;
}
