/* admin_content: /api/cms/posts, /api/cms/products, /api/cms/collections
 * and the change feed /api/cms/changes. Prices in the admin API are
 * integer minor units (cents). */
#include "pagecache.h"
#include "admin.h"
#include "cfields.h"
#include "input.h"
#include "money.h"
#include "config.h"
#include "posts.h"
#include "catalog.h"
#include "audit.h"
#include "route.h"
#include "db.h"
#include "catsync.h"
#include "text.h"
#include "seo.h"
#include "schedule.h"
#include "redirects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void deleted(req *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "deleted", 1);
	http_json(r, 200, o);
}

static void conflict_slug(req *r, const char *slug, const char *what)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "field", "slug");
	http_error(r, 409, "conflict", d, "a %s with slug '%s' already exists", what, slug);
}

/* A unique-constraint failure on (tenant_id, slug) is the client's doing. */
static int is_conflict(void) { return db_errcode() == SQLITE_CONSTRAINT; }

static void list(req *r, const char *key, cJSON *items)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, key, items);
	http_json(r, 200, o);
}

/* Delete one row of a tenant-owned table: 404 when it is not this tenant's. */
static void delete_row(req *r, const char *sql, const char *action, const char *entity)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, entity); return; }
	sqlite3_stmt *st = db_stmt(sql);
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) { adm_fail(r, entity); return; }
	if (db_changes() == 0) { db_rollback(); adm_not_found(r, entity); return; }
	if (audit_write(r, action, entity, id, "delete", NULL) < 0 ||
	    pagecache_invalidate_item(r->t.id, entity, id) < 0) { adm_fail(r, entity); return; }
	if (audit_bump_content(r->t.id) < 0) { adm_fail(r, "the change"); return; }
	if (adm_commit(r) == 0) deleted(r);
}

/* The slug of a collection now (NULL when there is none); caller frees.
 * (A product's slug change is handled by cs_write_product.) */
static char *slug_now(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT slug FROM collections WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	char *s = db_step(st) == SQLITE_ROW ? xstrdup(db_text(st, 0)) : NULL;
	db_reset(st);
	return s;
}

/* ---- posts ---- */

/* Route: GET /api/cms/posts?limit=&offset= -- newest first (up to
 * list_limit_max by default) */
void adm_posts_list(req *r)
{
	int64_t limit, offset;
	if (in_query_limit(r, cfg.list_limit_max, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	list(r, "posts", posts_admin_list(r->t.id, limit, offset));
}

/* Route: GET /api/cms/posts/{id} */
void adm_post_get(req *r) { adm_send(r, 200, posts_admin_get(r->t.id, route_id(r, 0)), "post"); }

/* Route: DELETE /api/cms/posts/{id} */
void adm_post_delete(req *r)
{
	delete_row(r, "DELETE FROM posts WHERE tenant_id = :t AND id = :id", "post.delete", "post");
}

/* The post's pending schedule row follows it: published for a later time
 * has one (due then), anything else none. Inside the caller's transaction. */
static int post_schedule_sync(req *r, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT published_at FROM posts WHERE tenant_id = :t AND id = :id AND status = 'published' "
				   "AND published_at > CAST(strftime('%s','now') AS INTEGER)");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	int64_t due = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	if (due) return sched_set(r->t.id, "post", id, 0, due, r->who.user_id);
	return sched_cancel(r->t.id, "post", id) < 0 ? -1 : 0;
}

/* A scheduled post goes back to draft: 1 when it was scheduled, 0 not, -1. */
static int post_unschedule(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("UPDATE posts SET status = 'draft', published_at = NULL WHERE tenant_id = :t AND id = :id "
				   "AND status = 'published' AND published_at > CAST(strftime('%s','now') AS INTEGER)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) return -1;
	return db_changes() ? 1 : 0;
}

/* Route: DELETE /api/cms/posts/{id}/schedule -- a scheduled post is not
 * published after all (back to draft); 404 when it is not scheduled. */
void adm_post_unschedule(req *r)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, "the post"); return; }
	int rc = post_unschedule(r->t.id, id);
	if (rc < 0) { adm_fail(r, "the post"); return; }
	if (rc == 0) {
		db_rollback();
		cJSON *cur = posts_admin_get(r->t.id, id);
		if (cur) http_error(r, 404, "not_found", NULL, "post %lld is not scheduled", (long long)id);
		else adm_not_found(r, "post");
		cJSON_Delete(cur);
		return;
	}
	if (sched_cancel(r->t.id, "post", id) < 0 || audit_write(r, "post.unschedule", "post", id, "update", NULL) < 0) {
		adm_fail(r, "the post");
		return;
	}
	if (adm_commit(r) == 0) adm_send(r, 200, posts_admin_get(r->t.id, id), "post");
}

/* What a post body may hold: the seed's Post fields, and the ones the API
 * returns (accepted and ignored). */
static const char *const post_fields[] = { "version", "title", "slug", "content", "excerpt", "featuredImage", "status",
					   "publishedAt", "seoConfig", "authorName", "tags", "publishAt", "customFields", NULL };
static const char *const post_readonly[] = { "id", "storefrontId", "authorId", "createdAt", "updatedAt", "url", "scheduled",
					     NULL };
static const char *const post_statuses[] = { "draft", "published", NULL };

/* Route: POST /api/cms/posts {title, slug, content?, excerpt?, featuredImage?, status?, publishedAt?, seoConfig?}
 * Route: PUT /api/cms/posts/{id} {version, the same fields, all optional}: a stale version is 409. */
static void post_save(req *r, int64_t id)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int create = id == 0;
	const char *title = NULL, *slug = NULL, *content = NULL, *excerpt = NULL, *image = NULL, *status = NULL, *when = NULL;
	const char *author = NULL;
	const cJSON *seo = NULL, *tags = NULL;
	char *seotext = NULL, *tagtext = NULL, *old_slug = NULL, *cfpatch = NULL, field[160], msg[300];
	int64_t version = 0;
	double pub_ms = 0;
	if (in_known(r, b, post_fields, post_readonly) < 0 ||
	    (!create && in_int(r, b, "version", IN_REQUIRED, 1, INT64_MAX, &version) < 0) ||
	    in_str(r, b, "title", create, 300, &title) < 0 || in_slug(r, b, "slug", create, &slug) < 0 ||
	    in_str(r, b, "content", IN_OPTIONAL, POST_CONTENT_MAX, &content) < 0 ||
	    in_str(r, b, "excerpt", IN_OPTIONAL, 1000, &excerpt) < 0 ||
	    in_str(r, b, "featuredImage", IN_OPTIONAL, IN_URL_MAX, &image) < 0 ||
	    in_enum(r, b, "status", IN_OPTIONAL, post_statuses, &status) < 0 ||
	    in_str(r, b, "publishedAt", IN_OPTIONAL, 64, &when) < 0 ||
	    in_obj(r, b, "seoConfig", IN_OPTIONAL, &seo) < 0)
		goto out;
	if (cJSON_GetObjectItemCaseSensitive(b, "publishAt") && when) {
		in_fail(r, "publishAt", "give publishAt or publishedAt, not both");
		goto out;
	}
	if (title && !*title) { in_fail(r, "title", "must not be empty"); goto out; }
	/* publishAt: published from that time on (scheduled while it is in
	 * the future); null cancels a schedule (the post goes back to draft). */
	const cJSON *pa = cJSON_GetObjectItemCaseSensitive(b, "publishAt");
	int cancel = pa && cJSON_IsNull(pa);
	if (pa && !cancel) {
		if (in_str(r, b, "publishAt", IN_OPTIONAL, 64, &when) < 0) goto out;
		if (status && strcmp(status, "published") != 0) {
			in_fail(r, "publishAt", "schedules publishing: it cannot go with status '%s'", status);
			goto out;
		}
		status = "published";
	}
	if (when && text_parse_iso(when, &pub_ms) < 0) {
		in_fail(r, pa && !cancel ? "publishAt" : "publishedAt",
			"must be an ISO 8601 time like 2026-12-01T09:00:00Z (got '%.40s')", when);
		goto out;
	}
	if (adm_seo_text(r, seo, 0, "seoConfig", &seotext) < 0) goto out;
	if (in_str(r, b, "authorName", IN_OPTIONAL, 200, &author) < 0 || in_array(r, b, "tags", IN_OPTIONAL, 100, &tags) < 0)
		goto out;
	if (author && control_problem(author)) { in_fail(r, "authorName", "%s", control_problem(author)); goto out; }
	if (tags && posts_tags_problem(tags)) { in_fail(r, "tags", "%s", posts_tags_problem(tags)); goto out; }
	if (image && seo_url_problem(image)) { in_fail(r, "featuredImage", "%s", seo_url_problem(image)); goto out; }
	if (tags) tagtext = cJSON_PrintUnformatted(tags);
	if (cf_from_body(r->t.id, "post", b, &cfpatch, field, sizeof field, msg, sizeof msg) < 0) {
		in_fail(r, field, "%s", msg);
		goto out;
	}
	if (db_begin(1) < 0) { adm_fail(r, "the post"); goto out; }
	if (!create) {
		cJSON *cur = posts_admin_get(r->t.id, id);
		if (!cur) { db_rollback(); adm_not_found(r, "post"); goto out; }
		if ((int64_t)cJSON_GetObjectItemCaseSensitive(cur, "version")->valuedouble != version) {
			db_rollback();
			adm_version_conflict(r, "post", id, cur, version);
			goto out;
		}
		const char *was = cJSON_GetObjectItemCaseSensitive(cur, "slug")->valuestring;
		if (slug && strcmp(was, slug) != 0) old_slug = xstrdup(was);
		cJSON_Delete(cur);
	}
	/* status 'published' publishes (at publishedAt, else now, else when it
	 * first was); publishedAt alone moves the date. */
	sqlite3_stmt *st;
	if (create) {
		st = db_stmt("INSERT INTO posts(tenant_id, slug, title, content, excerpt, featured_image, status, published_at, seo_json, "
			     "author_id, author_name, tags_json, created_at, updated_at) VALUES(:t, :s, :ti, coalesce(:c, ''), coalesce(:e, ''), "
			     "coalesce(:i, ''), coalesce(:st, 'draft'), CASE WHEN :pa IS NOT NULL THEN :pa WHEN :st = 'published' THEN "
			     "strftime('%s','now') END, coalesce(:seo, '{}'), :u, coalesce(:an, ''), coalesce(:tg, '[]'), strftime('%s','now'), "
			     "strftime('%s','now'))");
		db_bind_int(st, ":u", r->who.user_id);
	} else {
		st = db_stmt("UPDATE posts SET slug = coalesce(:s, slug), title = coalesce(:ti, title), content = coalesce(:c, content), "
			     "excerpt = coalesce(:e, excerpt), featured_image = coalesce(:i, featured_image), status = coalesce(:st, status), "
			     "published_at = CASE WHEN :pa IS NOT NULL THEN :pa WHEN :st = 'published' THEN coalesce(published_at, strftime('%s','now')) "
			     "ELSE published_at END, seo_json = coalesce(:seo, seo_json), author_name = coalesce(:an, author_name), "
			     "tags_json = coalesce(:tg, tags_json), version = version + 1, "
			     "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id AND version = :v");
		db_bind_int(st, ":id", id);
		db_bind_int(st, ":v", version);
	}
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":s", slug);
	db_bind_text(st, ":ti", title);
	db_bind_text(st, ":c", content);
	db_bind_text(st, ":e", excerpt);
	db_bind_text(st, ":i", image);
	db_bind_text(st, ":st", status);
	if (when) db_bind_int(st, ":pa", (int64_t)(pub_ms / 1000)); else db_bind_null(st, ":pa");
	db_bind_text(st, ":seo", seotext);
	db_bind_text(st, ":an", author);
	db_bind_text(st, ":tg", tagtext);
	if (db_run(st) < 0) {
		if (is_conflict()) { db_rollback(); conflict_slug(r, slug, "post"); }
		else adm_fail(r, "the post");
		goto out;
	}
	if (!create && db_changes() == 0) { db_rollback(); adm_not_found(r, "post"); goto out; }
	if (create) id = db_last_id();
	if ((tags && posts_set_tags(r->t.id, id, tags) < 0) || (cancel && post_unschedule(r->t.id, id) < 0) ||
	    post_schedule_sync(r, id) < 0) {
		adm_fail(r, "the post");
		goto out;
	}
	if (old_slug && adm_slug_moved(r->t.id, "/blog/", old_slug, slug) < 0) { adm_fail(r, "the post"); goto out; }
	if (cf_store(r->t.id, "post", id, cfpatch) < 0) { adm_fail(r, "the post"); goto out; }
	if (audit_write(r, create ? "post.create" : "post.update", "post", id, create ? "create" : "update", NULL) < 0) {
		adm_fail(r, "the post");
		goto out;
	}
	if (pagecache_invalidate_item(r->t.id, "post", id) < 0 || audit_bump_content(r->t.id) < 0) { adm_fail(r, "the post"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, create ? 201 : 200, posts_admin_get(r->t.id, id), "post");
out:
	cJSON_free(seotext);
	cJSON_free(tagtext);
	cJSON_free(cfpatch);
	free(old_slug);
	cJSON_Delete(b);
}

/* Route: POST /api/cms/posts/preview {content} -> {html}: Markdown as
 * the store's post page renders it (cmark, raw HTML dropped), for the web
 * editor's preview while the merchant types. Nothing is stored. */
void adm_post_preview(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *content;
	if (in_str(r, b, "content", IN_REQUIRED, POST_CONTENT_MAX, &content) == 0) {
		char *html = posts_markdown(content);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "html", html);
		free(html);
		http_json(r, 200, o);
	}
	cJSON_Delete(b);
}

void adm_post_create(req *r) { post_save(r, 0); }
void adm_post_update(req *r) { post_save(r, route_id(r, 0)); }

static void post_status(req *r, int publish)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, "the post"); return; }
	sqlite3_stmt *st = db_stmt(
		"UPDATE posts SET status = :s, published_at = CASE WHEN :s = 'published' THEN coalesce(published_at, strftime('%s','now')) ELSE published_at END, "
		"version = version + 1, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
	db_bind_text(st, ":s", publish ? "published" : "draft");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) { adm_fail(r, "the post"); return; }
	if (db_changes() == 0) { db_rollback(); adm_not_found(r, "post"); return; }
	if (post_schedule_sync(r, id) < 0) { adm_fail(r, "the post"); return; }
	if (audit_write(r, publish ? "post.publish" : "post.unpublish", "post", id, publish ? "publish" : "update", NULL) < 0) {
		adm_fail(r, "the post");
		return;
	}
	if (pagecache_invalidate_item(r->t.id, "post", id) < 0 || audit_bump_content(r->t.id) < 0) { adm_fail(r, "the post"); return; }
	if (adm_commit(r) == 0) adm_send(r, 200, posts_admin_get(r->t.id, id), "post");
}

/* Route: POST /api/cms/posts/{id}/publish */
void adm_post_publish(req *r) { post_status(r, 1); }
/* Route: POST /api/cms/posts/{id}/unpublish */
void adm_post_unpublish(req *r) { post_status(r, 0); }

/* ---- products ---- */

/* Route: GET /api/cms/products?limit=&offset= */
void adm_products_list(req *r)
{
	int64_t limit, offset;
	if (in_query_limit(r, 100, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	list(r, "products", cat_admin_products(r->t.id, limit, offset));
}

/* Route: GET /api/cms/products/{id} */
void adm_product_get(req *r) { adm_send(r, 200, cat_admin_product(r->t.id, route_id(r, 0)), "product"); }

/* Route: DELETE /api/cms/products/{id} */
void adm_product_delete(req *r)
{
	delete_row(r, "DELETE FROM products WHERE tenant_id = :t AND id = :id", "product.delete", "product");
}

static const char *const product_statuses[] = { "active", "draft", "archived", NULL };
static const char *const product_fields[] = { "name", "slug", "description", "price", "compareAtPrice", "sku", "stock",
					      "trackInventory", "inventoryPolicy", "status", "vendor", "image", "images", "tags",
					      "seo", "options", "variants", "customFields", "relatedProducts", "productType", "barcode",
					      "presentmentPrices", NULL };
static const char *const product_readonly[] = { "id", "posId", "createdAt", "updatedAt", "inStock", "stockLimited", "url",
						"currency", NULL };

/* Route: POST /api/cms/products {name, slug, price, ...}
 * Route: PUT /api/cms/products/{id} (the same fields, all optional) */
static void product_save(req *r, int64_t id)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int create = id == 0;
	const char *name = NULL, *slug = NULL, *desc = NULL, *sku = NULL, *status = NULL, *vendor = NULL, *image = NULL;
	const char *ptype = NULL, *barcode = NULL;
	int64_t price = -1, cmp = -1, stock = -1;
	const cJSON *tags = NULL, *images = NULL;
	char *tagtext = NULL, *cfpatch = NULL, *reltext = NULL;
	const char *policy = NULL;
	int track = -1;
	char field[160], msg[300];
	if (in_known(r, b, product_fields, product_readonly) < 0) goto out;
	if (cs_inventory_fields(b, &track, &policy, field, sizeof field, msg, sizeof msg) < 0) {
		in_fail(r, field, "%s", msg);
		goto out;
	}
	if (in_str(r, b, "name", create, CAT_NAME_MAX, &name) < 0 || in_slug(r, b, "slug", create, &slug) < 0 ||
	    in_str(r, b, "description", IN_OPTIONAL, CAT_DESC_MAX, &desc) < 0 ||
	    in_int(r, b, "price", create, 0, MONEY_MAX, &price) < 0 ||
	    in_int(r, b, "compareAtPrice", IN_OPTIONAL, 0, MONEY_MAX, &cmp) < 0 ||
	    in_str(r, b, "sku", IN_OPTIONAL, CAT_SKU_MAX, &sku) < 0 ||
	    in_int(r, b, "stock", IN_OPTIONAL, 0, CAT_STOCK_MAX, &stock) < 0 ||
	    in_enum(r, b, "status", IN_OPTIONAL, product_statuses, &status) < 0 ||
	    in_str(r, b, "vendor", IN_OPTIONAL, CAT_VENDOR_MAX, &vendor) < 0 ||
	    in_str(r, b, "productType", IN_OPTIONAL, CAT_TYPE_MAX, &ptype) < 0 ||
	    in_str(r, b, "barcode", IN_OPTIONAL, CAT_BARCODE_MAX, &barcode) < 0 ||
	    in_str(r, b, "image", IN_OPTIONAL, IN_URL_MAX, &image) < 0 ||
	    in_array(r, b, "tags", IN_OPTIONAL, 50, &tags) < 0 || in_array(r, b, "images", IN_OPTIONAL, 50, &images) < 0)
		goto out;
	if (name && !*name) { in_fail(r, "name", "must not be empty"); goto out; }
	if (ptype && cs_type_problem(ptype)) { in_fail(r, "productType", "%s", cs_type_problem(ptype)); goto out; }
	if (barcode && cs_barcode_problem(barcode)) { in_fail(r, "barcode", "%s", cs_barcode_problem(barcode)); goto out; }
	if (tags) {
		const cJSON *t;
		cJSON_ArrayForEach(t, tags)
			if (!cJSON_IsString(t) || strlen(t->valuestring) > 100) {
				in_fail(r, "tags", "must be a list of strings of at most 100 bytes");
				goto out;
			}
		tagtext = cJSON_PrintUnformatted(tags);
	}
	/* custom fields and related products (cfields.c) */
	const cJSON *cf = cJSON_GetObjectItemCaseSensitive(b, "customFields");
	const cJSON *rel = cJSON_GetObjectItemCaseSensitive(b, "relatedProducts");
	if ((cf && !cJSON_IsNull(cf) && cf_check(r->t.id, "product", cf, &cfpatch, field, sizeof field, msg, sizeof msg) < 0) ||
	    (rel && !cJSON_IsNull(rel) && cf_related(r->t.id, id, rel, &reltext, field, sizeof field, msg, sizeof msg) < 0)) {
		in_fail(r, field, "%s", msg);
		goto out;
	}
	if (db_begin(1) < 0) { adm_fail(r, "the product"); goto out; }
	cs_product p = { .slug = slug, .name = name, .description = desc, .price = price, .compare_at = cmp, .sku = sku,
			 .stock = stock, .status = status, .vendor = vendor, .tags_json = tagtext, .image = image,
			 .track = track, .policy = policy, .custom_patch = cfpatch, .related_json = reltext, .product_type = ptype,
			 .barcode = barcode };
	int wrc = cs_write_product(r->t.id, &id, &p);
	if (wrc == -2) {
		if (is_conflict()) { db_rollback(); conflict_slug(r, slug, "product"); }
		else adm_fail(r, "the product");
		goto out;
	}
	if (wrc == 1) { db_rollback(); adm_not_found(r, "product"); goto out; }
	if (adm_product_variants_save(r, b, id) < 0) goto out;
	if (images) {
		int irc = cs_save_images(r->t.id, id, images, field, sizeof field, msg, sizeof msg);
		if (irc == -2) { adm_fail(r, "the product"); goto out; }
		if (irc < 0) { db_rollback(); in_fail(r, field, "%s", msg); goto out; }
	}
	if (audit_write(r, create ? "product.create" : "product.update", "product", id, create ? "create" : "update", NULL) < 0) {
		adm_fail(r, "the product");
		goto out;
	}
	if (pagecache_invalidate_item(r->t.id, "product", id) < 0 || audit_bump_content(r->t.id) < 0) { adm_fail(r, "the product"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, create ? 201 : 200, cat_admin_product(r->t.id, id), "product");
out:
	cJSON_free(tagtext);
	cJSON_free(cfpatch);
	cJSON_free(reltext);
	cJSON_Delete(b);
}

void adm_product_create(req *r) { product_save(r, 0); }
void adm_product_update(req *r) { product_save(r, route_id(r, 0)); }

/* ---- collections ---- */

/* Route: GET /api/cms/collections */
/* Route: GET /api/cms/collections?limit=&offset= */
void adm_collections_list(req *r)
{
	int64_t limit, offset;
	if (in_query_limit(r, cfg.list_limit_max, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	list(r, "collections", cat_admin_collections(r->t.id, limit, offset));
}

/* Route: GET /api/cms/collections/{id} */
void adm_collection_get(req *r) { adm_send(r, 200, cat_admin_collection(r->t.id, route_id(r, 0)), "collection"); }

/* Route: DELETE /api/cms/collections/{id} */
void adm_collection_delete(req *r)
{
	delete_row(r, "DELETE FROM collections WHERE tenant_id = :t AND id = :id", "collection.delete", "collection");
}

/* Route: POST /api/cms/collections {title, slug, description?, image?, productIds?}
 * Route: PUT /api/cms/collections/{id} (the same fields, all optional) */
static void collection_save(req *r, int64_t id)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int create = id == 0;
	const char *title = NULL, *slug = NULL, *desc = NULL, *image = NULL;
	const cJSON *ids = NULL, *seo = NULL;
	char *seotext = NULL, *old_slug = NULL;
	static const char *const fields[] = { "title", "slug", "description", "image", "productIds", "seo", "customFields", NULL };
	static const char *const readonly[] = { "id", "productCount", "url", "products", "createdAt", "updatedAt", NULL };
	char *cfpatch = NULL, field[160], msg[300];
	if (in_known(r, b, fields, readonly) < 0 ||
	    in_str(r, b, "title", create, CAT_NAME_MAX, &title) < 0 || in_slug(r, b, "slug", create, &slug) < 0 ||
	    in_str(r, b, "description", IN_OPTIONAL, 10000, &desc) < 0 ||
	    in_str(r, b, "image", IN_OPTIONAL, IN_URL_MAX, &image) < 0 ||
	    in_array(r, b, "productIds", IN_OPTIONAL, 5000, &ids) < 0 || in_obj(r, b, "seo", IN_OPTIONAL, &seo) < 0 ||
	    adm_seo_text(r, seo, 1, "seo", &seotext) < 0)
		goto out;
	if (image && seo_url_problem(image)) { in_fail(r, "image", "%s", seo_url_problem(image)); goto out; }
	if (cf_from_body(r->t.id, "collection", b, &cfpatch, field, sizeof field, msg, sizeof msg) < 0) {
		in_fail(r, field, "%s", msg);
		goto out;
	}
	if (db_begin(1) < 0) { adm_fail(r, "the collection"); goto out; }
	if (!create && slug) old_slug = slug_now(r->t.id, id);
	sqlite3_stmt *st;
	if (create) {
		st = db_stmt("INSERT INTO collections(tenant_id, slug, title, description, image, seo_json, created_at, updated_at) "
			     "VALUES(:t, :s, :ti, coalesce(:d, ''), coalesce(:i, ''), coalesce(:seo, '{}'), strftime('%s','now'), "
			     "strftime('%s','now'))");
	} else {
		st = db_stmt("UPDATE collections SET slug = coalesce(:s, slug), title = coalesce(:ti, title), description = coalesce(:d, description), "
			     "image = coalesce(:i, image), seo_json = coalesce(:seo, seo_json), updated_at = strftime('%s','now') "
			     "WHERE tenant_id = :t AND id = :id");
		db_bind_int(st, ":id", id);
	}
	db_bind_text(st, ":seo", seotext);
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":s", slug);
	db_bind_text(st, ":ti", title);
	db_bind_text(st, ":d", desc);
	db_bind_text(st, ":i", image);
	if (db_run(st) < 0) {
		if (is_conflict()) { db_rollback(); conflict_slug(r, slug, "collection"); }
		else adm_fail(r, "the collection");
		goto out;
	}
	if (!create && db_changes() == 0) { db_rollback(); adm_not_found(r, "collection"); goto out; }
	if (create) id = db_last_id();
	if (old_slug && strcmp(old_slug, slug) != 0 && adm_slug_moved(r->t.id, "/collections/", old_slug, slug) < 0) {
		adm_fail(r, "the collection");
		goto out;
	}
	if (cf_store(r->t.id, "collection", id, cfpatch) < 0) { adm_fail(r, "the collection"); goto out; }
	if (ids) {
		int64_t bad = 0;
		if (cat_set_collection_products(r->t.id, id, ids, &bad) < 0) {
			db_rollback();
			if (bad) {
				cJSON *d = cJSON_CreateObject();
				cJSON_AddStringToObject(d, "field", "productIds");
				cJSON_AddNumberToObject(d, "productId", (double)bad);
				http_error(r, 404, "not_found", d, "product %lld not found (field 'productIds')", (long long)bad);
			} else {
				adm_fail(r, "the collection");
			}
			goto out;
		}
	}
	if (audit_write(r, create ? "collection.create" : "collection.update", "collection", id, create ? "create" : "update", NULL) < 0) {
		adm_fail(r, "the collection");
		goto out;
	}
	if (pagecache_invalidate_item(r->t.id, "collection", id) < 0 || audit_bump_content(r->t.id) < 0) { adm_fail(r, "the collection"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, create ? 201 : 200, cat_admin_collection(r->t.id, id), "collection");
out:
	cJSON_free(seotext);
	free(old_slug);
	cJSON_free(cfpatch);
	cJSON_Delete(b);
}

void adm_collection_create(req *r) { collection_save(r, 0); }
void adm_collection_update(req *r) { collection_save(r, route_id(r, 0)); }

/* Route: GET /api/cms/changes?since=SEQ&limit=N -- the change feed; seq and
 * the cursor count this store's changes only. */
void adm_changes(req *r)
{
	int64_t since, limit;
	if (in_query_offset(r, "since", &since) < 0 || in_query_limit(r, 500, &limit) < 0) return;
	sqlite3_stmt *st = db_stmt("SELECT store_seq, entity, entity_id, op, at FROM changes "
				   "WHERE tenant_id = :t AND store_seq > :s ORDER BY store_seq LIMIT :n");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":s", since);
	db_bind_int(st, ":n", limit);
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "changes");
	long long last = since;
	while (db_step(st) == SQLITE_ROW) {
		cJSON *c = cJSON_CreateObject();
		last = db_int(st, 0);
		cJSON_AddNumberToObject(c, "seq", (double)last);
		cJSON_AddStringToObject(c, "entity", db_text(st, 1));
		cJSON_AddStringToObject(c, "id", db_text(st, 2));
		cJSON_AddStringToObject(c, "op", db_text(st, 3));
		char ts[32];
		iso8601(db_int(st, 4), ts);
		cJSON_AddStringToObject(c, "at", ts);
		cJSON_AddItemToArray(a, c);
	}
	db_reset(st);
	cJSON_AddNumberToObject(o, "cursor", (double)last);
	cJSON_AddBoolToObject(o, "more", cJSON_GetArraySize(a) == limit);
	http_json(r, 200, o);
}
