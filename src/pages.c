/* pages: pages, draft blocks and published versions (see pages.h). */
#include "pages.h"
#include "db.h"
#include "config.h"
#include "util.h"
#include "vibe.h"
#include "rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const block_types[] = { "hero", "product_grid", "text", "gallery", "blog", "custom", NULL };

#define PAGE_COLS "id, slug, title, meta_description, seo_json, show_in_nav, live_version, published_at, created_at, updated_at, " \
	"(SELECT max(version) FROM page_versions v WHERE v.page_id = pages.id), " \
	"(SELECT max(updated_at) FROM draft_blocks b WHERE b.page_id = pages.id)"

static cJSON *page_row(sqlite3_stmt *st)
{
	cJSON *p = cJSON_CreateObject();
	row_add_id(p, "id", db_int(st, 0));
	cJSON_AddStringToObject(p, "slug", db_text(st, 1));
	cJSON_AddStringToObject(p, "title", db_text(st, 2));
	cJSON_AddStringToObject(p, "metaDescription", db_text(st, 3));
	cJSON_AddItemToObject(p, "seoConfig", row_json(st, 4, 0));
	cJSON_AddBoolToObject(p, "showInNav", db_int(st, 5) != 0);
	cJSON_AddBoolToObject(p, "isPublished", !db_isnull(st, 6));
	if (db_isnull(st, 6)) cJSON_AddNullToObject(p, "liveVersion");
	else cJSON_AddNumberToObject(p, "liveVersion", (double)db_int(st, 6));
	cJSON_AddNumberToObject(p, "latestVersion", (double)db_int(st, 10));
	row_add_time(p, "publishedAt", st, 7);
	row_add_time(p, "createdAt", st, 8);
	row_add_time(p, "updatedAt", st, 9);
	/* Drafts changed after the live version was published? */
	cJSON_AddBoolToObject(p, "hasUnpublishedChanges",
			      db_isnull(st, 6) || (!db_isnull(st, 11) && db_int(st, 11) > db_int(st, 7)));
	return p;
}

cJSON *pages_get(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " PAGE_COLS " FROM pages WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	return row_one(st, page_row);
}

int pages_exists(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM pages WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	int found = db_step(st) == SQLITE_ROW;
	db_reset(st);
	return found;
}

int64_t pages_id_by_slug(int64_t tid, const char *slug)
{
	sqlite3_stmt *st = db_stmt("SELECT id FROM pages WHERE tenant_id = :t AND slug = :s");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", slug);
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return id;
}

cJSON *pages_list(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("SELECT " PAGE_COLS " FROM pages WHERE tenant_id = :t ORDER BY nav_position, id");
	db_bind_int(st, ":t", tid);
	return row_all(st, page_row);
}

#define BLOCK_COLS "id, page_id, type, vibe_code, config_json, visibility_json, position, version, modified_by, created_at, updated_at"

static cJSON *block_row(sqlite3_stmt *st)
{
	cJSON *b = cJSON_CreateObject();
	row_add_id(b, "id", db_int(st, 0));
	row_add_id(b, "pageId", db_int(st, 1));
	cJSON_AddStringToObject(b, "type", db_text(st, 2));
	cJSON_AddStringToObject(b, "vibeCode", db_text(st, 3));
	cJSON_AddItemToObject(b, "config", row_json(st, 4, 0));
	cJSON_AddItemToObject(b, "visibility", row_json(st, 5, 0));
	cJSON_AddNumberToObject(b, "position", (double)db_int(st, 6));
	cJSON_AddNumberToObject(b, "version", (double)db_int(st, 7));
	cJSON_AddBoolToObject(b, "isPublished", 0);
	if (db_isnull(st, 8)) cJSON_AddNullToObject(b, "modifiedBy");
	else row_add_id(b, "modifiedBy", db_int(st, 8));
	row_add_time(b, "createdAt", st, 9);
	row_add_time(b, "lastModified", st, 10);
	return b;
}

cJSON *pages_blocks(int64_t tid, int64_t page)
{
	sqlite3_stmt *st = db_stmt("SELECT " BLOCK_COLS " FROM draft_blocks WHERE tenant_id = :t AND page_id = :p ORDER BY position, id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	return row_all(st, block_row);
}

cJSON *pages_block_get(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " BLOCK_COLS " FROM draft_blocks WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	return row_one(st, block_row);
}

cJSON *pages_live_blocks(int64_t tid, int64_t page, int64_t v)
{
	sqlite3_stmt *st;
	if (v > 0) {
		st = db_stmt("SELECT blocks_json FROM page_versions WHERE tenant_id = :t AND page_id = :p AND version = :v");
		db_bind_int(st, ":v", v);
	} else {
		st = db_stmt("SELECT v.blocks_json FROM pages p JOIN page_versions v "
			     "ON v.page_id = p.id AND v.version = p.live_version "
			     "WHERE p.tenant_id = :t AND p.id = :p");
	}
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	cJSON *a = db_step(st) == SQLITE_ROW ? row_json(st, 0, 1) : NULL;
	db_reset(st);
	return a;
}

int pages_version_exists(int64_t tid, int64_t page, int64_t v)
{
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM page_versions WHERE tenant_id = :t AND page_id = :p AND version = :v");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":v", v);
	int found = db_step(st) == SQLITE_ROW;
	db_reset(st);
	return found;
}

cJSON *pages_versions(int64_t tid, int64_t page)
{
	sqlite3_stmt *st = db_stmt(
		"SELECT v.version, v.published_at, v.published_by, json_array_length(v.blocks_json), "
		"v.version = p.live_version, v.rollback_of, v.title, u.email FROM page_versions v "
		"JOIN pages p ON p.id = v.page_id LEFT JOIN users u ON u.id = v.published_by "
		"WHERE v.tenant_id = :t AND v.page_id = :p ORDER BY v.version DESC");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	cJSON *a = cJSON_CreateArray();
	while (db_step(st) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "version", (double)db_int(st, 0));
		row_add_time(o, "publishedAt", st, 1);
		if (db_isnull(st, 2)) cJSON_AddNullToObject(o, "publishedBy");
		else row_add_id(o, "publishedBy", db_int(st, 2));
		cJSON_AddStringToObject(o, "publishedByEmail", db_text(st, 7));
		cJSON_AddNumberToObject(o, "blocks", (double)db_int(st, 3));
		cJSON_AddBoolToObject(o, "isLive", db_int(st, 4) != 0);
		if (db_isnull(st, 5)) cJSON_AddNullToObject(o, "rollbackOf");
		else cJSON_AddNumberToObject(o, "rollbackOf", (double)db_int(st, 5));
		cJSON_AddStringToObject(o, "title", db_text(st, 6));
		cJSON_AddItemToArray(a, o);
	}
	db_reset(st);
	return a;
}

char *pages_snapshot_json(const cJSON *blocks, int *nblocks)
{
	/* The snapshot keeps what rendering needs, nothing editor-only. */
	cJSON *snap = cJSON_CreateArray();
	const cJSON *b;
	cJSON_ArrayForEach(b, blocks) {
		cJSON *o = cJSON_CreateObject();
		static const char *keep[] = { "id", "type", "vibeCode", "config", "visibility", "position" };
		for (size_t i = 0; i < ARRAY_LEN(keep); i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(b, keep[i]);
			if (v) cJSON_AddItemToObject(o, keep[i], cJSON_Duplicate(v, 1));
		}
		/* Compiled once here, not on every page view: the ES5 and entry. */
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(b, "vibeCode");
		sbuf es5 = SBUF_INIT;
		vibe_entry entry;
		vibe_error err;
		if (cJSON_IsString(code) && vibe_compile(code->valuestring, &es5, &entry, &err) == 0) {
			cJSON_AddStringToObject(o, "es5", sb_str(&es5));
			cJSON_AddItemToObject(o, "entry", vibe_entry_json(&entry));
		}
		sb_free(&es5);
		cJSON_AddItemToArray(snap, o);
	}
	if (nblocks) *nblocks = cJSON_GetArraySize(snap);
	char *json = cJSON_PrintUnformatted(snap);
	cJSON_Delete(snap);
	return json;
}

/* Retention: the newest page_versions_keep versions, the live one and the
 * versions those newest ones rolled back to stay; the rest go. Bounded by
 * 2 x keep + 1 however a store loops publishes and rollbacks. */
static int prune_versions(int64_t tid, int64_t page)
{
	sqlite3_stmt *st = db_stmt(
		"DELETE FROM page_versions WHERE tenant_id = :t AND page_id = :p "
		"AND version <> coalesce((SELECT live_version FROM pages WHERE tenant_id = :t AND id = :p), 0) "
		"AND version NOT IN (SELECT version FROM page_versions WHERE tenant_id = :t AND page_id = :p "
		"ORDER BY version DESC LIMIT :keep) "
		"AND version NOT IN (SELECT rollback_of FROM (SELECT rollback_of FROM page_versions "
		"WHERE tenant_id = :t AND page_id = :p ORDER BY version DESC LIMIT :keep) WHERE rollback_of IS NOT NULL)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":keep", cfg.page_versions_keep);
	return db_run(st);
}

int64_t pages_publish_json(int64_t tid, int64_t page, int64_t user, int64_t rollback_of, const char *json)
{
	sqlite3_stmt *st = db_stmt("SELECT coalesce(max(version), 0) + 1 FROM page_versions WHERE tenant_id = :t AND page_id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	int64_t v = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 1;
	db_reset(st);

	st = db_stmt("INSERT INTO page_versions(tenant_id, page_id, version, blocks_json, title, published_at, published_by, rollback_of) "
		     "SELECT :t, :p, :v, :b, title, strftime('%s','now'), :u, :rb FROM pages WHERE tenant_id = :t AND id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":v", v);
	db_bind_text(st, ":b", json);
	if (user) db_bind_int(st, ":u", user); else db_bind_null(st, ":u");
	if (rollback_of) db_bind_int(st, ":rb", rollback_of); else db_bind_null(st, ":rb");
	if (db_run(st) < 0 || db_changes() != 1) return -1;

	st = db_stmt("UPDATE pages SET live_version = :v, published_at = strftime('%s','now'), "
		     "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":v", v);
	if (db_run(st) < 0 || prune_versions(tid, page) < 0) return -1;
	return v;
}

int64_t pages_snapshot(int64_t tid, int64_t page, int64_t user, int64_t rollback_of,
		       const cJSON *blocks, int *nblocks)
{
	char *json = pages_snapshot_json(blocks, nblocks);
	int64_t v = pages_publish_json(tid, page, user, rollback_of, json);
	cJSON_free(json);
	return v;
}

int64_t pages_create(int64_t tid, const char *slug, const char *title, const char *meta, int nav)
{
	sqlite3_stmt *st = db_stmt(
		"INSERT INTO pages(tenant_id, slug, title, meta_description, show_in_nav, nav_position, created_at, updated_at) "
		"VALUES(:t, :s, :ti, :m, :n, (SELECT count(*) FROM pages WHERE tenant_id = :t), strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", slug);
	db_bind_text(st, ":ti", title);
	db_bind_text(st, ":m", meta ? meta : "");
	db_bind_int(st, ":n", nav);
	if (db_run(st) < 0) return -1;
	return db_last_id();
}

int64_t pages_block_create(int64_t tid, int64_t page, const char *type, const char *code,
			   const char *config_json, const char *visibility_json, int64_t position,
			   int64_t user)
{
	sqlite3_stmt *st = db_stmt(
		"INSERT INTO draft_blocks(tenant_id, page_id, type, vibe_code, config_json, visibility_json, position, modified_by, created_at, updated_at) "
		"SELECT :t, :p, :ty, :c, :cfg, :vis, "
		"CASE WHEN :pos < 0 THEN coalesce((SELECT max(position) + 1 FROM draft_blocks WHERE tenant_id = :t AND page_id = :p), 0) ELSE :pos END, "
		":u, strftime('%s','now'), strftime('%s','now') FROM pages WHERE tenant_id = :t AND id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_text(st, ":ty", type);
	db_bind_text(st, ":c", code);
	db_bind_text(st, ":cfg", config_json ? config_json : "{}");
	db_bind_text(st, ":vis", visibility_json ? visibility_json : "{}");
	db_bind_int(st, ":pos", position);
	if (user) db_bind_int(st, ":u", user); else db_bind_null(st, ":u");
	if (db_run(st) < 0 || db_changes() != 1) return -1;
	return db_last_id();
}

char *pages_starter_code(const char *type)
{
	for (int i = 0; block_types[i]; i++) {
		if (strcmp(block_types[i], type) != 0) continue;
		char rel[128], path[1200];
		snprintf(rel, sizeof rel, "templates/blocks/%s.js", type);
		char *code = file_read(config_path(path, sizeof path, rel), NULL);
		return code ? code : xstrdup("function render(config, helpers) {\n  return '';\n}\n");
	}
	return NULL;
}
