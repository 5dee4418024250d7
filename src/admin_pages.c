/* admin_pages: /api/cms/pages, /api/cms/blocks, preview, publish,
 * versions, rollback and validate. Drafts change freely; the live site
 * changes only on publish or rollback, each one transaction. */
#include "pagecache.h"
#include "admin.h"
#include "vref.h"
#include "cfields.h"
#include "server.h"
#include "input.h"
#include "pages.h"
#include "render.h"
#include "audit.h"
#include "vibe.h"
#include "validate.h"
#include "route.h"
#include "db.h"
#include "config.h"
#include "ratelimit.h"
#include "schedule.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void adm_not_found(req *r, const char *what)
{
	http_error(r, 404, "not_found", NULL, "%s not found", what);
}

void adm_send(req *r, int status, cJSON *entity, const char *what)
{
	if (!entity) { adm_not_found(r, what); return; }
	http_json(r, status, entity);
}

void adm_fail(req *r, const char *what)
{
	server_storage_error(r, "%s was not saved", what);
}

int adm_commit(req *r)
{
	if (db_commit() < 0) {
		server_storage_error(r, "the change was not committed");
		return -1;
	}
	return 0;
}

static int64_t page_param(req *r)
{
	int64_t id = route_id(r, 0);
	return id;
}

/* Route: GET /api/cms/pages?limit=&offset= (all of a store's pages by
 * default: limit_pages is far below list_limit_max) */
void adm_pages_list(req *r)
{
	int64_t limit, offset;
	if (in_query_limit(r, cfg.list_limit_max, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "pages", pages_list(r->t.id, limit, offset));
	http_json(r, 200, o);
}

static int slug_taken(int64_t tid, const char *slug, int64_t except)
{
	int64_t id = pages_id_by_slug(tid, slug);
	return id && id != except;
}

static const char *const reserved_slugs[] = { "products", "collections", "blog", "search", "cart", "checkout",
					      "orders", "api", "css", "js", "media", "admin", "sitemap.xml",
					      "robots.txt", "feed.xml", NULL };

static int slug_reserved(req *r, const char *slug)
{
	for (int i = 0; reserved_slugs[i]; i++)
		if (strcmp(reserved_slugs[i], slug) == 0) {
			in_fail(r, "slug", "'%s' is reserved for the store's own pages", slug);
			return 1;
		}
	return 0;
}

/* What a page body may hold: the seed's Page fields, and the ones the API
 * returns (accepted and ignored, so a GET result can be sent back). */
static const char *const page_fields[] = { "version", "slug", "title", "metaDescription", "seoConfig", "showInNav",
					  "customFields", NULL };
static const char *const page_readonly[] = { "id", "storefrontId", "blocks", "isPublished", "publishedAt", "createdAt",
					     "updatedAt", "liveVersion", "latestVersion", "hasUnpublishedChanges", "live", "scheduled", NULL };

/* seoConfig: an object, stored as given (at most 4 KB of JSON); NULL when absent. */
static int seo_config(req *r, const cJSON *b, char **out)
{
	const cJSON *seo = NULL;
	*out = NULL;
	int rc = in_obj(r, b, "seoConfig", IN_OPTIONAL, &seo);
	if (rc) return rc;
	/* The seed's SEOConfig: known fields checked (seo.h), others kept. */
	return adm_seo_text(r, seo, 0, "seoConfig", out);
}

/* Route: POST /api/cms/pages {slug, title, metaDescription?, seoConfig?, showInNav?} */
void adm_page_create(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *slug, *title, *meta = "";
	char *seo = NULL, *cfpatch = NULL, field[160], msg[300];
	int nav = 1;
	if (in_known(r, b, page_fields, page_readonly) < 0 ||
	    in_slug(r, b, "slug", IN_REQUIRED, &slug) < 0 || in_str(r, b, "title", IN_REQUIRED, 200, &title) < 0 ||
	    in_str(r, b, "metaDescription", IN_OPTIONAL, 500, &meta) < 0 || seo_config(r, b, &seo) < 0 ||
	    in_bool(r, b, "showInNav", IN_OPTIONAL, &nav) < 0 || slug_reserved(r, slug))
		goto out;
	if (cf_from_body(r->t.id, "page", b, &cfpatch, field, sizeof field, msg, sizeof msg) < 0) {
		in_fail(r, field, "%s", msg);
		goto out;
	}
	if (db_begin(1) < 0) { adm_fail(r, "the page"); goto out; }
	if (slug_taken(r->t.id, slug, 0)) {
		db_rollback();
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "slug");
		http_error(r, 409, "conflict", d, "a page with slug '%s' already exists", slug);
		goto out;
	}
	int64_t id = pages_create(r->t.id, slug, title, meta, seo, nav);
	if (id < 0 || cf_store(r->t.id, "page", id, cfpatch) < 0 ||
	    audit_write(r, "page.create", "page", id, "create", slug) < 0) { adm_fail(r, "the page"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, 201, pages_get(r->t.id, id), "page");
out:
	cJSON_free(cfpatch);
	cJSON_free(seo);
	cJSON_Delete(b);
}

/* Route: GET /api/cms/pages/{id} (with its draft blocks) */
void adm_page_get(req *r)
{
	cJSON *p = pages_get(r->t.id, page_param(r));
	if (p) cJSON_AddItemToObject(p, "blocks", pages_blocks(r->t.id, page_param(r)));
	adm_send(r, 200, p, "page");
}

/* Answer 409 with the entity as it is now: someone saved after the caller read it. */
void adm_version_conflict(req *r, const char *what, int64_t id, cJSON *cur, int64_t sent)
{
	int64_t have = (int64_t)cJSON_GetObjectItemCaseSensitive(cur, "version")->valuedouble;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "currentVersion", (double)have);
	cJSON_AddItemToObject(d, "current", cur);
	http_error(r, 409, "version_conflict", d,
		   "%s %lld was changed by someone else (version %lld, you sent %lld); reload and apply your change again",
		   what, (long long)id, (long long)have, (long long)sent);
}

/* Route: PUT /api/cms/pages/{id} {version, title?, slug?, metaDescription?, seoConfig?, showInNav?}
 * Title, description, SEO and nav are draft metadata: they go live on
 * publish. The slug (the address) changes at once. Stale version: 409. */
void adm_page_update(req *r)
{
	int64_t id = page_param(r);
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *slug = NULL, *title = NULL, *meta = NULL;
	char *seo = NULL, *cfpatch = NULL, field[160], msg[300];
	int nav = -1;
	int64_t version;
	if (in_known(r, b, page_fields, page_readonly) < 0 ||
	    in_int(r, b, "version", IN_REQUIRED, 1, INT64_MAX, &version) < 0 ||
	    in_slug(r, b, "slug", IN_OPTIONAL, &slug) < 0 || in_str(r, b, "title", IN_OPTIONAL, 200, &title) < 0 ||
	    in_str(r, b, "metaDescription", IN_OPTIONAL, 500, &meta) < 0 || seo_config(r, b, &seo) < 0 ||
	    in_bool(r, b, "showInNav", IN_OPTIONAL, &nav) < 0 || (slug && slug_reserved(r, slug)))
		goto out;
	if (title && !*title) { in_fail(r, "title", "must not be empty"); goto out; }
	if (cf_from_body(r->t.id, "page", b, &cfpatch, field, sizeof field, msg, sizeof msg) < 0) {
		in_fail(r, field, "%s", msg);
		goto out;
	}
	if (db_begin(1) < 0) { adm_fail(r, "the page"); goto out; }
	cJSON *cur = pages_get(r->t.id, id);
	if (!cur) { db_rollback(); adm_not_found(r, "page"); goto out; }
	if ((int64_t)cJSON_GetObjectItemCaseSensitive(cur, "version")->valuedouble != version) {
		db_rollback();
		adm_version_conflict(r, "page", id, cur, version);
		goto out;
	}
	int is_home = strcmp(cJSON_GetObjectItemCaseSensitive(cur, "slug")->valuestring, "home") == 0;
	char *old_slug = xstrdup(cJSON_GetObjectItemCaseSensitive(cur, "slug")->valuestring);
	cJSON_Delete(cur);
	if (slug && is_home && strcmp(slug, "home") != 0) {
		free(old_slug);
		db_rollback();
		in_fail(r, "slug", "the home page keeps the slug 'home'");
		goto out;
	}
	if (slug && slug_taken(r->t.id, slug, id)) {
		db_rollback();
		free(old_slug);
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "slug");
		http_error(r, 409, "conflict", d, "a page with slug '%s' already exists", slug);
		goto out;
	}
	sqlite3_stmt *st = db_stmt(
		"UPDATE pages SET slug = coalesce(:s, slug), title = coalesce(:ti, title), "
		"meta_description = coalesce(:m, meta_description), seo_json = coalesce(:seo, seo_json), "
		"show_in_nav = CASE WHEN :n < 0 THEN show_in_nav ELSE :n END, version = version + 1, "
		"updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id AND version = :v");
	db_bind_text(st, ":s", slug);
	db_bind_text(st, ":ti", title);
	db_bind_text(st, ":m", meta);
	db_bind_text(st, ":seo", seo);
	db_bind_int(st, ":n", nav);
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":v", version);
	/* A published page's old address answers 301 to the new one. */
	int moved = slug && strcmp(old_slug, slug) != 0;
	int wrc = db_run(st) < 0 || db_changes() != 1 || cf_store(r->t.id, "page", id, cfpatch) < 0 ||
		  audit_write(r, "page.update", "page", id, "update", NULL) < 0 ||
		  (moved && adm_slug_moved(r->t.id, "/", old_slug, slug) < 0) ? -1 : 0;
	free(old_slug);
	if (wrc < 0) {
		adm_fail(r, "the page");
		goto out;
	}
	/* Only the address is live at once; the rest waits for publish. */
	if (slug && audit_bump_content(r->t.id) < 0) { adm_fail(r, "the page"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, 200, pages_get(r->t.id, id), "page");
out:
	cJSON_free(cfpatch);
	cJSON_free(seo);
	cJSON_Delete(b);
}

/* Route: DELETE /api/cms/pages/{id} */
void adm_page_delete(req *r)
{
	int64_t id = page_param(r);
	if (db_begin(1) < 0) { adm_fail(r, "the page"); return; }
	cJSON *cur = pages_get(r->t.id, id);
	if (!cur) { db_rollback(); adm_not_found(r, "page"); return; }
	int is_home = strcmp(cJSON_GetObjectItemCaseSensitive(cur, "slug")->valuestring, "home") == 0;
	cJSON_Delete(cur);
	if (is_home) {
		db_rollback();
		http_error(r, 409, "conflict", NULL, "the home page cannot be deleted");
		return;
	}
	sqlite3_stmt *st = db_stmt("DELETE FROM pages WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0 || audit_write(r, "page.delete", "page", id, "delete", NULL) < 0) { adm_fail(r, "the page"); return; }
	if (audit_bump_content(r->t.id) < 0) { adm_fail(r, "the page"); return; }
	if (adm_commit(r) < 0) return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "deleted", 1);
	http_json(r, 200, o);
}

/* {key: list(tenant, page)} for a page of this tenant, else 404. */
static void page_list(req *r, const char *key, cJSON *(*list)(int64_t, int64_t))
{
	int64_t id = page_param(r);
	if (!pages_exists(r->t.id, id)) { adm_not_found(r, "page"); return; }
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, key, list(r->t.id, id));
	http_json(r, 200, o);
}

/* Route: GET /api/cms/pages/{id}/blocks */
void adm_page_blocks(req *r) { page_list(r, "blocks", pages_blocks); }

/* The seed's CodeValidationResult for a block: static checks, then a dry
 * run with sample data and the block's own config. */
static cJSON *validation(req *r, const char *code, const cJSON *bconf)
{
	cJSON *data = cJSON_CreateObject();
	if (cJSON_IsObject(bconf)) cJSON_AddItemToObject(data, "config", cJSON_Duplicate(bconf, 1));
	cJSON *v = val_check(code, 1, r->t.id, data);
	cJSON_Delete(data);
	return v;
}

static int check_code(req *r, const char *code)
{
	if (strlen(code) > (size_t)cfg.vibe_code_max) {
		in_fail(r, "vibeCode", "is %zu bytes; the limit is %ld", strlen(code), cfg.vibe_code_max);
		return -1;
	}
	return 0;
}

static char *json_text(const cJSON *o)
{
	return o ? cJSON_PrintUnformatted(o) : NULL;
}

/* What a block body may hold: the seed's Block fields, and the ones the
 * API returns (accepted and ignored). */
static const char *const block_fields[] = { "version", "pageId", "type", "vibeCode", "config", "visibility", "position",
					    "dependencies", NULL };
static const char *const block_readonly[] = { "id", "storefrontId", "isPublished", "hasUnpublishedChanges", "lastModified",
					      "modifiedBy", "createdAt", "updatedAt", "codeVersion", "lastCodeUpdate",
					      "validation", NULL };

/* The rest of a block body: visibility rules with known names only, and
 * no npm dependencies (vibe code has none). 0 or -1 (answered 422). */
static int block_body_problem(req *r, const cJSON *b, const cJSON *vis)
{
	char buf[300];
	const char *p = vis ? pages_visibility_problem(vis, buf, sizeof buf) : NULL;
	if (p) { in_fail(r, "visibility", "%s", p); return -1; }
	const cJSON *deps = NULL;
	if (in_array(r, b, "dependencies", IN_OPTIONAL, 100, &deps) < 0) return -1;
	if (deps && cJSON_GetArraySize(deps) > 0) {
		in_fail(r, "dependencies", "must be empty: vibe code runs without npm packages (use helpers and api)");
		return -1;
	}
	return 0;
}

/* Route: POST /api/cms/blocks {pageId, type, vibeCode?, bconf?, position?, visibility?} */
void adm_block_create(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int64_t page, pos = -1;
	const char *type, *code = NULL;
	const cJSON *bconf = NULL, *vis = NULL;
	char *starter = NULL, *cfgtext = NULL, *vistext = NULL;
	if (in_known(r, b, block_fields, block_readonly) < 0 ||
	    in_id(r, b, "pageId", IN_REQUIRED, &page) < 0 || in_enum(r, b, "type", IN_REQUIRED, block_types, &type) < 0 ||
	    in_str(r, b, "vibeCode", IN_OPTIONAL, (size_t)cfg.vibe_code_max, &code) < 0 ||
	    in_obj(r, b, "config", IN_OPTIONAL, &bconf) < 0 || in_obj(r, b, "visibility", IN_OPTIONAL, &vis) < 0 ||
	    in_int(r, b, "position", IN_OPTIONAL, 0, 10000, &pos) < 0 || block_body_problem(r, b, vis) < 0)
		goto out;
	if (!code) code = starter = pages_starter_code(type);
	if (check_code(r, code) < 0) goto out;
	cfgtext = json_text(bconf);
	vistext = json_text(vis);
	if (db_begin(1) < 0) { adm_fail(r, "the block"); goto out; }
	if (!pages_exists(r->t.id, page)) { db_rollback(); adm_not_found(r, "page"); goto out; }
	/* a block given a position goes there: the ones from it on move down */
	if (pos >= 0 && pages_block_make_room(r->t.id, page, pos) < 0) { adm_fail(r, "the block"); goto out; }
	int64_t id = pages_block_create(r->t.id, page, type, code, cfgtext, vistext, pos, r->who.user_id);
	if (id < 0 || audit_write(r, "block.create", "block", id, "create", type) < 0) { adm_fail(r, "the block"); goto out; }
	if (adm_commit(r) < 0) goto out;
	cJSON *blk = pages_block_get(r->t.id, id);
	cJSON_AddItemToObject(blk, "validation", validation(r, code, cJSON_GetObjectItemCaseSensitive(blk, "config")));
	http_json(r, 201, blk);
out:
	free(starter);
	cJSON_free(cfgtext);
	cJSON_free(vistext);
	cJSON_Delete(b);
}

/* Route: GET /api/cms/blocks/{id} */
void adm_block_get(req *r)
{
	adm_send(r, 200, pages_block_get(r->t.id, route_id(r, 0)), "block");
}

/* Route: PUT /api/cms/blocks/{id} {version, type?, vibeCode?, bconf?, position?, visibility?}
 * A stale version answers 409 with the current block. */
void adm_block_update(req *r)
{
	int64_t id = route_id(r, 0);
	cJSON *b = http_json_body(r);
	if (!b) return;
	int64_t version, pos = -1;
	const char *type = NULL, *code = NULL;
	const cJSON *bconf = NULL, *vis = NULL;
	char *cfgtext = NULL, *vistext = NULL;
	if (in_known(r, b, block_fields, block_readonly) < 0 ||
	    in_int(r, b, "version", IN_REQUIRED, 1, INT64_MAX, &version) < 0 ||
	    in_enum(r, b, "type", IN_OPTIONAL, block_types, &type) < 0 ||
	    in_str(r, b, "vibeCode", IN_OPTIONAL, (size_t)cfg.vibe_code_max, &code) < 0 ||
	    in_obj(r, b, "config", IN_OPTIONAL, &bconf) < 0 || in_obj(r, b, "visibility", IN_OPTIONAL, &vis) < 0 ||
	    in_int(r, b, "position", IN_OPTIONAL, 0, 10000, &pos) < 0 || block_body_problem(r, b, vis) < 0)
		goto out;
	if (code && check_code(r, code) < 0) goto out;
	cfgtext = json_text(bconf);
	vistext = json_text(vis);
	if (db_begin(1) < 0) { adm_fail(r, "the block"); goto out; }
	cJSON *cur = pages_block_get(r->t.id, id);
	if (!cur) { db_rollback(); adm_not_found(r, "block"); goto out; }
	if ((int64_t)cJSON_GetObjectItemCaseSensitive(cur, "version")->valuedouble != version) {
		db_rollback();
		adm_version_conflict(r, "block", id, cur, version);
		goto out;
	}
	cJSON_Delete(cur);
	if (pages_block_update(r->t.id, id, version, type, code, cfgtext, vistext, pos, r->who.user_id) != 1 ||
	    pages_block_history_trim(r->t.id, id, cfg.block_history_keep) < 0 ||
	    audit_write(r, "block.update", "block", id, "update", NULL) < 0) {
		adm_fail(r, "the block");
		goto out;
	}
	if (adm_commit(r) < 0) goto out;
	cJSON *blk = pages_block_get(r->t.id, id);
	cJSON_AddItemToObject(blk, "validation", validation(r, cJSON_GetObjectItemCaseSensitive(blk, "vibeCode")->valuestring,
							    cJSON_GetObjectItemCaseSensitive(blk, "config")));
	http_json(r, 200, blk);
out:
	cJSON_free(cfgtext);
	cJSON_free(vistext);
	cJSON_Delete(b);
}

/* Route: DELETE /api/cms/blocks/{id} */
void adm_block_delete(req *r)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, "the block"); return; }
	sqlite3_stmt *st = db_stmt("DELETE FROM draft_blocks WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) { adm_fail(r, "the block"); return; }
	if (db_changes() == 0) { db_rollback(); adm_not_found(r, "block"); return; }
	if (audit_write(r, "block.delete", "block", id, "delete", NULL) < 0) { adm_fail(r, "the block"); return; }
	if (adm_commit(r) < 0) return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "deleted", 1);
	http_json(r, 200, o);
}

/* Route: GET /api/cms/pages/{id}/preview -- the page from its drafts. */
/* The page's drafts through the vibe engine, as the shell shows them,
 * with unsaved changes (the web editor's live preview) put over them. */
static void preview(req *r, int64_t id, const cJSON *overrides)
{
	cJSON *p = pages_get(r->t.id, id);
	if (!p) { adm_not_found(r, "page"); return; }
	cJSON *blocks = pages_blocks(r->t.id, id);
	const cJSON *o, *blk;
	cJSON_ArrayForEach(o, overrides) {
		const cJSON *oid = cJSON_GetObjectItemCaseSensitive(o, "id");
		cJSON_ArrayForEach(blk, blocks) {
			const cJSON *bid = cJSON_GetObjectItemCaseSensitive(blk, "id");
			if (!cJSON_IsString(oid) || !cJSON_IsString(bid) || strcmp(oid->valuestring, bid->valuestring)) continue;
			static const char *const fields[] = { "vibeCode", "config", "visibility" };
			for (size_t i = 0; i < ARRAY_LEN(fields); i++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, fields[i]);
				if (v) cJSON_ReplaceItemInObjectCaseSensitive((cJSON *)blk, fields[i], cJSON_Duplicate(v, 1));
			}
		}
	}
	sbuf content = SBUF_INIT;
	render_blocks(r, blocks, 1, &content);
	render_shell(r, cJSON_GetObjectItemCaseSensitive(p, "title")->valuestring, NULL, sb_str(&content));
	/* Draft HTML is the merchant's, served from the admin API's origin:
	 * its scripts run in an opaque origin (sandbox without
	 * allow-same-origin), so they reach no session, cookie or API there. */
	r->csp = "sandbox allow-scripts allow-forms allow-popups allow-modals; frame-ancestors 'self'";
	http_header(r, "X-Robots-Tag", "noindex");
	sb_free(&content);
	cJSON_Delete(blocks);
	cJSON_Delete(p);
}

/* Route: GET /api/cms/pages/:id/preview[?edits=TOKEN] -- the drafts, or
 * with the unsaved edits stored under TOKEN (see below) put over them. */
void adm_page_preview(req *r)
{
	int64_t id = page_param(r);
	const char *tok = http_query(r, "edits");
	cJSON *edits = NULL;
	if (tok && !(edits = pages_preview_edits_get(r->t.id, id, tok))) {
		http_error(r, 404, "not_found", NULL,
			   "these preview edits are unknown or expired (they are kept %ld seconds): post them again",
			   cfg.preview_ttl);
		return;
	}
	preview(r, id, edits);
	cJSON_Delete(edits);
}

/* Route: POST /api/cms/pages/:id/preview/edits {blocks: [{id, vibeCode?,
 * config?, visibility?}]} -- unsaved edits of some of the page's blocks
 * (checked like a block PUT), kept preview_ttl seconds for the preview:
 * 201 {token, url}. The web editor points its sandboxed frame at url, so
 * the merchant's HTML comes with the preview's own CSP. Nothing of the
 * page changes. */
void adm_page_preview_edits(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int64_t id = page_param(r);
	const cJSON *edits = NULL, *e;
	if (!pages_exists(r->t.id, id)) { adm_not_found(r, "page"); goto out; }
	if (in_array(r, b, "blocks", IN_REQUIRED, (size_t)cfg.limit_blocks_per_page, &edits) < 0) goto out;
	cJSON_ArrayForEach(e, edits) {
		const char *code = NULL;
		const cJSON *bconf = NULL, *vis = NULL;
		int64_t bid;
		if (!cJSON_IsObject(e)) { in_fail(r, "blocks", "must be a list of {id, vibeCode?, config?, visibility?}"); goto out; }
		if (in_id(r, e, "id", IN_REQUIRED, &bid) < 0 ||
		    in_str(r, e, "vibeCode", IN_OPTIONAL, (size_t)cfg.vibe_code_max, &code) < 0 ||
		    in_obj(r, e, "config", IN_OPTIONAL, &bconf) < 0 || in_obj(r, e, "visibility", IN_OPTIONAL, &vis) < 0 ||
		    block_body_problem(r, e, vis) < 0)
			goto out;
	}
	char *json = cJSON_PrintUnformatted(edits), tok[65];
	int rc = pages_preview_edits_put(r->t.id, id, r->who.user_id, json, cfg.preview_ttl, tok);
	cJSON_free(json);
	if (rc < 0) { adm_fail(r, "the preview edits"); goto out; }
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", tok);
	char url[160];
	snprintf(url, sizeof url, "/api/cms/pages/%lld/preview?edits=%s", (long long)id, tok);
	cJSON_AddStringToObject(o, "url", url);
	http_json(r, 201, o);
out:
	cJSON_Delete(b);
}

static cJSON *publish_error(const cJSON *blk, const cJSON *e)
{
	cJSON *x = cJSON_Duplicate(e, 1);
	cJSON_AddItemToObject(x, "blockId", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(blk, "id"), 1));
	cJSON_AddItemToObject(x, "type", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(blk, "type"), 1));
	return x;
}

/* A store's publishes and rollbacks count against its own "publish"
 * bucket (rate_limits), whoever sends them: 0 go on, -1 answered 429. */
static int publish_limited(req *r)
{
	char key[32];
	snprintf(key, sizeof key, "t:%lld", (long long)r->t.id);
	return ratelimit_check_key(r, "publish", key) < 0 ? -1 : 0;
}

/* "id:version,..." of a page's drafts: what a publish validated, compared
 * again under the write lock. */
static void drafts_stamp(const cJSON *blocks, sbuf *out)
{
	const cJSON *blk;
	cJSON_ArrayForEach(blk, blocks) {
		const cJSON *bid = cJSON_GetObjectItemCaseSensitive(blk, "id");
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(blk, "version");
		sb_printf(out, "%s:%lld,", cJSON_IsString(bid) ? bid->valuestring : "",
			  cJSON_IsNumber(ver) ? (long long)ver->valuedouble : -1LL);
	}
}

/* Validate every draft (static checks and a dry run each) within the
 * publish's time budget: NULL when all pass, else the errors, one line on
 * the first in *first. Runs merchant code, so never inside a transaction. */
static cJSON *publish_validate(req *r, const cJSON *blocks, sbuf *first)
{
	cJSON *errors = cJSON_CreateArray();
	int64_t start = now_usec();
	const cJSON *blk;
	cJSON_ArrayForEach(blk, blocks) {
		const char *bid = cJSON_GetObjectItemCaseSensitive(blk, "id")->valuestring;
		const char *type = cJSON_GetObjectItemCaseSensitive(blk, "type")->valuestring;
		if (now_usec() - start > cfg.publish_ms * 1000) {
			/* One publish costs the worker publish_ms at most, however
			 * many slow blocks the page has. */
			cJSON *e = cJSON_CreateObject();
			cJSON_AddNumberToObject(e, "line", 0);
			cJSON_AddNumberToObject(e, "column", 0);
			cJSON_AddStringToObject(e, "kind", "time");
			char msg[160];
			snprintf(msg, sizeof msg, "not checked: validating the page's blocks took longer than %ld ms in all "
				 "(publish_ms)", cfg.publish_ms);
			cJSON_AddStringToObject(e, "message", msg);
			if (!first->len) sb_printf(first, "block %s (%s): %s", bid, type, msg);
			cJSON_AddItemToArray(errors, publish_error(blk, e));
			cJSON_Delete(e);
			break;
		}
		cJSON *v = validation(r, cJSON_GetObjectItemCaseSensitive(blk, "vibeCode")->valuestring,
				      cJSON_GetObjectItemCaseSensitive(blk, "config"));
		const cJSON *e = val_first_error(v);
		if (e) {
			if (!first->len)
				sb_printf(first, "block %s (%s) line %d: %s", bid, type,
					  (int)cJSON_GetObjectItemCaseSensitive(e, "line")->valuedouble,
					  cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring);
			cJSON_AddItemToArray(errors, publish_error(blk, e));
		}
		cJSON_Delete(v);
	}
	if (cJSON_GetArraySize(errors) == 0) { cJSON_Delete(errors); return NULL; }
	return errors;
}

/* Route: POST /api/cms/pages/{id}/publish -- validate every draft and
 * compile the snapshot outside any transaction (merchant code never runs
 * under the write lock, which every store shares), then, in one short
 * transaction, check the drafts are still the ones validated (else 409,
 * nothing written), store them as version N+1 and make it live. */
void adm_page_publish(req *r)
{
	int64_t id = page_param(r);
	/* {publishAt?}: a time in the future publishes for then (schedule.h);
	 * now or none publishes at once and drops a pending schedule. */
	int64_t at = 0;
	if (r->body.len > 0) {
		cJSON *b = http_json_body(r);
		if (!b) return;
		static const char *const fields[] = { "publishAt", NULL };
		const char *when = NULL;
		double ms = 0;
		int rc = in_known(r, b, fields, NULL) < 0 || in_str(r, b, "publishAt", IN_OPTIONAL, 64, &when) < 0 ? -1 : 0;
		if (rc == 0 && when && text_parse_iso(when, &ms) < 0) {
			in_fail(r, "publishAt", "must be an ISO 8601 time like 2026-12-01T09:00:00Z (got '%.40s')", when);
			rc = -1;
		}
		cJSON_Delete(b);
		if (rc < 0) return;
		if (when && (int64_t)(ms / 1000) > now_unix()) at = (int64_t)(ms / 1000);
	}
	if (!pages_exists(r->t.id, id)) { adm_not_found(r, "page"); return; }
	if (publish_limited(r) < 0) return;
	cJSON *blocks = pages_blocks(r->t.id, id);
	sbuf first = SBUF_INIT, stamp = SBUF_INIT, now = SBUF_INIT;
	cJSON *errors = publish_validate(r, blocks, &first);
	char ts[32];
	iso8601(now_unix(), ts);
	if (errors) {
		int n = cJSON_GetArraySize(errors);
		cJSON *d = cJSON_CreateObject();
		cJSON_AddItemToObject(d, "errors", cJSON_Duplicate(errors, 1));
		http_error(r, 422, "publish_failed", d, "nothing was published: %d block%s failed validation; %s",
			   n, n == 1 ? "" : "s", sb_str(&first));
		/* The seed's PublishResult alongside the error object. */
		cJSON *res = cJSON_Parse(r->out.s);
		cJSON_AddBoolToObject(res, "success", 0);
		cJSON_AddNumberToObject(res, "publishedBlocks", 0);
		cJSON_AddNullToObject(res, "version");
		cJSON_AddNullToObject(res, "publishedAt");
		cJSON_AddItemToObject(res, "errors", errors);
		http_json(r, 422, res);
		goto out;
	}
	int n = 0;
	char *snap = pages_snapshot_json(blocks, &n);
	drafts_stamp(blocks, &stamp);
	if (db_begin(1) < 0) { cJSON_free(snap); adm_fail(r, "the publish"); goto out; }
	if (!pages_exists(r->t.id, id)) { cJSON_free(snap); db_rollback(); adm_not_found(r, "page"); goto out; }
	char nav_before[600], nav_after[600];
	pages_nav_entry(r->t.id, id, nav_before, sizeof nav_before);
	cJSON *cur = pages_blocks(r->t.id, id);
	drafts_stamp(cur, &now);
	cJSON_Delete(cur);
	if (strcmp(sb_str(&stamp), sb_str(&now)) != 0) {
		cJSON_free(snap);
		db_rollback();
		http_error(r, 409, "version_conflict", NULL,
			   "page %lld's drafts changed while it was being published; nothing was published, publish again",
			   (long long)id);
		goto out;
	}
	int64_t v = pages_publish_json_at(r->t.id, id, r->who.user_id, 0, snap, at);
	cJSON_free(snap);
	char detail[64];
	snprintf(detail, sizeof detail, at ? "version %lld (scheduled)" : "version %lld", (long long)v);
	if (v >= 0 && !at) pages_nav_entry(r->t.id, id, nav_after, sizeof nav_after);
	if (v < 0 || (at ? sched_set(r->t.id, "page", id, v, at, r->who.user_id) : sched_cancel(r->t.id, "page", id)) < 0 ||
	    audit_write(r, at ? "page.schedule" : "page.publish", "page", id, at ? "update" : "publish", detail) < 0 ||
	    (!at && pagecache_invalidate_page(r->t.id, id, nav_before, nav_after) < 0)) {
		adm_fail(r, "the publish");
		goto out;
	}
	if (!at && audit_bump_content(r->t.id) < 0) { adm_fail(r, "the publish"); goto out; }
	if (adm_commit(r) < 0) goto out;
	cJSON *res = cJSON_CreateObject();
	cJSON_AddBoolToObject(res, "success", 1);
	cJSON_AddNumberToObject(res, "publishedBlocks", n);
	cJSON_AddNumberToObject(res, "version", (double)v);
	if (at) iso8601(at, ts);
	cJSON_AddStringToObject(res, "publishedAt", ts);
	cJSON_AddBoolToObject(res, "scheduled", at != 0);
	cJSON_AddArrayToObject(res, "errors");
	http_json(r, 200, res);
out:
	cJSON_Delete(blocks);
	sb_free(&first);
	sb_free(&stamp);
	sb_free(&now);
}

/* Route: GET /api/cms/pages/{id}/versions */
void adm_page_versions(req *r) { page_list(r, "versions", pages_versions); }

/* Route: POST /api/cms/pages/{id}/rollback {version, keepDrafts?} -- that
 * version's blocks and metadata become live again as a new version; the
 * drafts and draft metadata are reset to them unless keepDrafts is true.
 * Counts as a publish (per-store bucket); compiled before the write lock
 * is taken. */
void adm_page_rollback(req *r)
{
	int64_t id = page_param(r);
	cJSON *b = http_json_body(r);
	if (!b) return;
	int64_t version;
	int keep = 0;
	if (in_int(r, b, "version", IN_REQUIRED, 1, INT64_MAX, &version) < 0 ||
	    in_bool(r, b, "keepDrafts", IN_OPTIONAL, &keep) < 0) {
		cJSON_Delete(b);
		return;
	}
	cJSON_Delete(b);
	if (!pages_exists(r->t.id, id)) { adm_not_found(r, "page"); return; }
	if (publish_limited(r) < 0) return;
	/* Read and compile the version before taking the write lock: a version
	 * never changes once written, retention may only delete it meanwhile. */
	cJSON *blocks = pages_live_blocks(r->t.id, id, version);
	int n = 0;
	char *snap = blocks ? pages_snapshot_json(blocks, &n) : NULL;
	if (snap && db_begin(1) < 0) { cJSON_free(snap); cJSON_Delete(blocks); adm_fail(r, "the rollback"); return; }
	if (!snap || !pages_version_exists(r->t.id, id, version)) {
		db_rollback();
		cJSON_free(snap);
		cJSON_Delete(blocks);
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "version");
		http_error(r, 404, "not_found", d, "page %lld has no version %lld", (long long)id, (long long)version);
		return;
	}
	int64_t v = pages_publish_json(r->t.id, id, r->who.user_id, version, snap);
	cJSON_free(snap);
	/* A rollback is a publish: a version scheduled before it does not go live. */
	int rc = v < 0 || sched_cancel(r->t.id, "page", id) < 0 ? -1 : 0;
	/* The drafts (blocks and metadata) become that version's again. */
	if (rc == 0 && !keep)
		rc = pages_restore_drafts(r->t.id, id, blocks, r->who.user_id) < 0 ||
		     pages_restore_meta(r->t.id, id, version) < 0 ? -1 : 0;
	cJSON_Delete(blocks);
	char detail[64];
	snprintf(detail, sizeof detail, "version %lld restored as %lld", (long long)version, (long long)v);
	if (rc < 0 || audit_write(r, "page.rollback", "page", id, "rollback", detail) < 0) { adm_fail(r, "the rollback"); return; }
	if (audit_bump_content(r->t.id) < 0) { adm_fail(r, "the rollback"); return; }
	if (adm_commit(r) < 0) return;
	char ts[32];
	iso8601(now_unix(), ts);
	cJSON *res = cJSON_CreateObject();
	cJSON_AddBoolToObject(res, "success", 1);
	cJSON_AddNumberToObject(res, "publishedBlocks", n);
	cJSON_AddNumberToObject(res, "version", (double)v);
	cJSON_AddNumberToObject(res, "restoredVersion", (double)version);
	cJSON_AddStringToObject(res, "publishedAt", ts);
	cJSON_AddArrayToObject(res, "errors");
	http_json(r, 200, res);
}

/* Route: POST /api/cms/validate {code, type?, config?} -> CodeValidationResult */
/* Route: GET /api/cms/vibe/reference -- the vibe-code contract (inputs
 * and their fields, helpers, api calls) from the engine's own table
 * (vref.h): the web editor's completion and inline documentation. */
void adm_vibe_reference(req *r)
{
	http_json(r, 200, vref_json());
}

void adm_validate(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *code, *type = NULL;
	const cJSON *bconf = NULL;
	if (in_str(r, b, "code", IN_REQUIRED, (size_t)cfg.vibe_code_max, &code) == 0 &&
	    in_enum(r, b, "type", IN_OPTIONAL, block_types, &type) >= 0 &&
	    in_obj(r, b, "config", IN_OPTIONAL, &bconf) >= 0)
		http_json(r, 200, validation(r, code, bconf));
	cJSON_Delete(b);
}
