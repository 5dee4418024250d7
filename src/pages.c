/* pages: pages, draft blocks and published versions (see pages.h). */
#include "pages.h"
#include "db.h"
#include "config.h"
#include "util.h"
#include "vibe.h"
#include "rows.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const block_types[] = { "hero", "product_grid", "text", "gallery", "blog", "custom", NULL };

/* The draft metadata (pages) and the live version's (lv): the live site
 * shows lv's, the editor edits the page's, publish copies one to the other. */
#define PAGE_COLS "p.id, p.slug, p.title, p.meta_description, p.seo_json, p.show_in_nav, p.live_version, p.published_at, " \
	"p.created_at, p.updated_at, " \
	"(SELECT max(version) FROM page_versions v WHERE v.page_id = p.id), " \
	"(SELECT max(updated_at) FROM draft_blocks b WHERE b.page_id = p.id), " \
	"p.version, lv.title, lv.meta_description, lv.seo_json, lv.show_in_nav, " \
	"(p.title, p.meta_description, p.seo_json, p.show_in_nav) IS NOT (lv.title, lv.meta_description, lv.seo_json, lv.show_in_nav), " \
	"(SELECT s.version FROM publish_schedule s WHERE s.tenant_id = p.tenant_id AND s.kind = 'page' AND s.entity_id = p.id), " \
	"(SELECT s.due_at FROM publish_schedule s WHERE s.tenant_id = p.tenant_id AND s.kind = 'page' AND s.entity_id = p.id), " \
	"p.custom_json"
#define PAGE_FROM "pages p LEFT JOIN page_versions lv ON lv.page_id = p.id AND lv.version = p.live_version"

static cJSON *page_row(sqlite3_stmt *st)
{
	cJSON *p = cJSON_CreateObject();
	row_add_id(p, "id", db_int(st, 0));
	cJSON_AddStringToObject(p, "slug", db_text(st, 1));
	cJSON_AddStringToObject(p, "title", db_text(st, 2));
	cJSON_AddStringToObject(p, "metaDescription", db_text(st, 3));
	cJSON_AddItemToObject(p, "seoConfig", row_json(st, 4, 0));
	cJSON_AddBoolToObject(p, "showInNav", db_int(st, 5) != 0);
	cJSON_AddNumberToObject(p, "version", (double)db_int(st, 12));
	cJSON_AddBoolToObject(p, "isPublished", !db_isnull(st, 6));
	if (db_isnull(st, 6)) cJSON_AddNullToObject(p, "liveVersion");
	else cJSON_AddNumberToObject(p, "liveVersion", (double)db_int(st, 6));
	cJSON_AddNumberToObject(p, "latestVersion", (double)db_int(st, 10));
	row_add_time(p, "publishedAt", st, 7);
	row_add_time(p, "createdAt", st, 8);
	row_add_time(p, "updatedAt", st, 9);
	/* What visitors see now (null until the first publish). */
	if (db_isnull(st, 13)) {
		cJSON_AddNullToObject(p, "live");
	} else {
		cJSON *l = cJSON_AddObjectToObject(p, "live");
		cJSON_AddStringToObject(l, "title", db_text(st, 13));
		cJSON_AddStringToObject(l, "metaDescription", db_text(st, 14));
		cJSON_AddItemToObject(l, "seoConfig", row_json(st, 15, 0));
		cJSON_AddBoolToObject(l, "showInNav", db_int(st, 16) != 0);
	}
	/* Drafts or draft metadata changed after the live version was published? */
	cJSON_AddBoolToObject(p, "hasUnpublishedChanges",
			      db_isnull(st, 6) || (!db_isnull(st, 11) && db_int(st, 11) > db_int(st, 7)) || db_int(st, 17));
	/* A version published for later: {version, publishAt}, else null. */
	if (db_isnull(st, 18)) {
		cJSON_AddNullToObject(p, "scheduled");
	} else {
		cJSON *s = cJSON_AddObjectToObject(p, "scheduled");
		cJSON_AddNumberToObject(s, "version", (double)db_int(st, 18));
		row_add_time(s, "publishAt", st, 19);
	}
	cJSON_AddItemToObject(p, "customFields", row_json(st, 20, 0));  /* not versioned: live at once */
	return p;
}

cJSON *pages_get(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " PAGE_COLS " FROM " PAGE_FROM " WHERE p.tenant_id = :t AND p.id = :id");
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

cJSON *pages_list(int64_t tid, int64_t limit, int64_t offset)
{
	sqlite3_stmt *st = db_stmt("SELECT " PAGE_COLS " FROM " PAGE_FROM " WHERE p.tenant_id = :t ORDER BY p.nav_position, p.id "
				   "LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	return row_all(st, page_row);
}

/* A draft is published when the live version holds a block of its id; it
 * has unpublished changes when edited after that publish. */
#define BLOCK_COLS "id, page_id, type, vibe_code, config_json, visibility_json, position, version, modified_by, created_at, updated_at, " \
	"EXISTS (SELECT 1 FROM pages p JOIN page_versions v ON v.page_id = p.id AND v.version = p.live_version, " \
	"json_each(v.blocks_json) j WHERE p.id = draft_blocks.page_id AND json_extract(j.value, '$.id') = CAST(draft_blocks.id AS TEXT)), " \
	"(SELECT draft_blocks.updated_at > coalesce(p.published_at, 0) FROM pages p WHERE p.id = draft_blocks.page_id)"

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
	cJSON_AddBoolToObject(b, "isPublished", db_int(st, 11) != 0);
	cJSON_AddBoolToObject(b, "hasUnpublishedChanges", db_int(st, 11) == 0 || db_int(st, 12) != 0);
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
		"v.version = p.live_version, v.rollback_of, v.title, u.email, "
		"(SELECT s.due_at FROM publish_schedule s WHERE s.tenant_id = v.tenant_id AND s.kind = 'page' "
		"AND s.entity_id = v.page_id AND s.version = v.version) FROM page_versions v "
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
		/* The version published for later, and when it goes live. */
		cJSON_AddBoolToObject(o, "isScheduled", !db_isnull(st, 8));
		row_add_time(o, "publishAt", st, 8);
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
	return pages_publish_json_at(tid, page, user, rollback_of, json, 0);
}

int64_t pages_publish_json_at(int64_t tid, int64_t page, int64_t user, int64_t rollback_of, const char *json, int64_t at)
{
	sqlite3_stmt *st = db_stmt("SELECT coalesce(max(version), 0) + 1 FROM page_versions WHERE tenant_id = :t AND page_id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	int64_t v = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 1;
	db_reset(st);

	/* The version's metadata: the draft's on publish, the restored version's on rollback. */
	st = rollback_of
		? db_stmt("INSERT INTO page_versions(tenant_id, page_id, version, blocks_json, title, meta_description, seo_json, show_in_nav, "
			  "published_at, published_by, rollback_of) SELECT :t, :p, :v, :b, title, meta_description, seo_json, show_in_nav, "
			  "strftime('%s','now'), :u, :rb FROM page_versions WHERE tenant_id = :t AND page_id = :p AND version = :rb")
		: db_stmt("INSERT INTO page_versions(tenant_id, page_id, version, blocks_json, title, meta_description, seo_json, show_in_nav, "
			  "published_at, published_by, rollback_of) SELECT :t, :p, :v, :b, title, meta_description, seo_json, show_in_nav, "
			  "strftime('%s','now'), :u, :rb FROM pages WHERE tenant_id = :t AND id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":v", v);
	db_bind_text(st, ":b", json);
	if (user) db_bind_int(st, ":u", user); else db_bind_null(st, ":u");
	if (rollback_of) db_bind_int(st, ":rb", rollback_of); else db_bind_null(st, ":rb");
	if (db_run(st) < 0 || db_changes() != 1) return -1;
	/* For later: the version waits (schedule.h moves the pointer then). */
	if (at > 0) return prune_versions(tid, page) < 0 ? -1 : v;

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

int64_t pages_create(int64_t tid, const char *slug, const char *title, const char *meta, const char *seo_json, int nav)
{
	sqlite3_stmt *st = db_stmt(
		"INSERT INTO pages(tenant_id, slug, title, meta_description, seo_json, show_in_nav, nav_position, created_at, updated_at) "
		"VALUES(:t, :s, :ti, :m, coalesce(:seo, '{}'), :n, (SELECT count(*) FROM pages WHERE tenant_id = :t), "
		"strftime('%s','now'), strftime('%s','now'))");
	db_bind_text(st, ":seo", seo_json);
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", slug);
	db_bind_text(st, ":ti", title);
	db_bind_text(st, ":m", meta ? meta : "");
	db_bind_int(st, ":n", nav);
	if (db_run(st) < 0) return -1;
	return db_last_id();
}

int pages_block_make_room(int64_t tid, int64_t page, int64_t pos)
{
	sqlite3_stmt *st = db_stmt("UPDATE draft_blocks SET position = position + 1 "
				   "WHERE tenant_id = :t AND page_id = :p AND position >= :pos");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":pos", pos);
	return db_run(st);
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

/* One of a fixed set of words, or an error naming the bad value. */
static const char *word_list_problem(const cJSON *a, const char *key, const char *const *allowed, char *buf, size_t n)
{
	if (!a || cJSON_IsNull(a)) return NULL;
	if (!cJSON_IsArray(a)) { snprintf(buf, n, "%s must be a list", key); return buf; }
	const cJSON *v;
	cJSON_ArrayForEach(v, a) {
		int ok = 0;
		for (int i = 0; cJSON_IsString(v) && allowed[i]; i++) ok |= strcmp(allowed[i], v->valuestring) == 0;
		if (ok) continue;
		char *bad = cJSON_PrintUnformatted(v);
		snprintf(buf, n, "%s has an unknown value %.60s; the values are %s, %s%s%s", key, bad ? bad : "?",
			 allowed[0], allowed[1], allowed[2] ? ", " : "", allowed[2] ? allowed[2] : "");
		cJSON_free(bad);
		return buf;
	}
	return NULL;
}

const char *pages_visibility_problem(const cJSON *vis, char *buf, size_t n)
{
	static const char *const devices[] = { "desktop", "tablet", "mobile", NULL };
	static const char *const users[] = { "guest", "customer", NULL };
	const cJSON *it;
	cJSON_ArrayForEach(it, vis) {
		if (strcmp(it->string, "devices") && strcmp(it->string, "userTypes") && strcmp(it->string, "dateRange")) {
			snprintf(buf, n, "has an unknown rule '%.60s'; the rules are devices, userTypes and dateRange", it->string);
			return buf;
		}
	}
	const char *p = word_list_problem(cJSON_GetObjectItemCaseSensitive(vis, "devices"), "devices", devices, buf, n);
	if (!p) p = word_list_problem(cJSON_GetObjectItemCaseSensitive(vis, "userTypes"), "userTypes", users, buf, n);
	if (p) return p;
	const cJSON *dr = cJSON_GetObjectItemCaseSensitive(vis, "dateRange");
	if (!dr || cJSON_IsNull(dr)) return NULL;
	if (!cJSON_IsObject(dr)) { snprintf(buf, n, "dateRange must be {start, end}"); return buf; }
	cJSON_ArrayForEach(it, dr) {
		double ms;
		if (strcmp(it->string, "start") && strcmp(it->string, "end")) {
			snprintf(buf, n, "dateRange has an unknown field '%.60s'; it takes start and end", it->string);
			return buf;
		}
		if (!cJSON_IsNull(it) && (!cJSON_IsString(it) || text_parse_iso(it->valuestring, &ms) < 0)) {
			snprintf(buf, n, "dateRange.%s must be an ISO 8601 time (like 2026-12-01T00:00:00Z)", it->string);
			return buf;
		}
	}
	return NULL;
}

int pages_restore_drafts(int64_t tid, int64_t page, const cJSON *blocks, int64_t user)
{
	/* Pass 1: drafts that still exist keep their id (their version moves
	 * on, so a save made before the rollback is a 409). */
	cJSON *kept = cJSON_CreateArray();
	int rc = 0;
	const cJSON *blk;
	cJSON_ArrayForEach(blk, blocks) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(blk, "id");
		int64_t bid = cJSON_IsString(id) ? atoll(id->valuestring) : 0;
		if (bid <= 0) continue;
		char *cfgtext = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(blk, "config"));
		char *vistext = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(blk, "visibility"));
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(blk, "vibeCode");
		const cJSON *pos = cJSON_GetObjectItemCaseSensitive(blk, "position");
		sqlite3_stmt *st = db_stmt(
			"UPDATE draft_blocks SET type = :ty, vibe_code = :c, config_json = coalesce(:cfg, '{}'), "
			"visibility_json = coalesce(:vis, '{}'), position = :pos, version = version + 1, modified_by = :u, "
			"updated_at = strftime('%s','now') WHERE tenant_id = :t AND page_id = :p AND id = :id");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":p", page);
		db_bind_int(st, ":id", bid);
		db_bind_text(st, ":ty", cJSON_GetObjectItemCaseSensitive(blk, "type")->valuestring);
		db_bind_text(st, ":c", cJSON_IsString(code) ? code->valuestring : "");
		db_bind_text(st, ":cfg", cfgtext);
		db_bind_text(st, ":vis", vistext);
		db_bind_int(st, ":pos", cJSON_IsNumber(pos) ? (int64_t)pos->valuedouble : 0);
		if (user) db_bind_int(st, ":u", user); else db_bind_null(st, ":u");
		rc = db_run(st);
		cJSON_free(cfgtext);
		cJSON_free(vistext);
		if (rc < 0) break;
		if (db_changes() == 1) cJSON_AddItemToArray(kept, cJSON_CreateNumber((double)bid));
	}
	/* Pass 2: drafts the version did not have go; their ids are not reused. */
	char *ids = cJSON_PrintUnformatted(kept);
	if (rc == 0) {
		sqlite3_stmt *st = db_stmt("DELETE FROM draft_blocks WHERE tenant_id = :t AND page_id = :p "
					   "AND id NOT IN (SELECT value FROM json_each(:ids))");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":p", page);
		db_bind_text(st, ":ids", ids);
		rc = db_run(st);
	}
	/* Pass 3: blocks deleted since that version come back under new ids. */
	cJSON_ArrayForEach(blk, blocks) {
		if (rc < 0) break;
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(blk, "id");
		int64_t bid = cJSON_IsString(id) ? atoll(id->valuestring) : 0;
		int was_kept = 0;
		const cJSON *k;
		cJSON_ArrayForEach(k, kept) if ((int64_t)k->valuedouble == bid) was_kept = 1;
		if (was_kept) continue;
		char *cfgtext = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(blk, "config"));
		char *vistext = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(blk, "visibility"));
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(blk, "vibeCode");
		const cJSON *pos = cJSON_GetObjectItemCaseSensitive(blk, "position");
		if (pages_block_create(tid, page, cJSON_GetObjectItemCaseSensitive(blk, "type")->valuestring,
				       cJSON_IsString(code) ? code->valuestring : "", cfgtext, vistext,
				       cJSON_IsNumber(pos) ? (int64_t)pos->valuedouble : 0, user) < 0)
			rc = -1;
		cJSON_free(cfgtext);
		cJSON_free(vistext);
	}
	cJSON_free(ids);
	cJSON_Delete(kept);
	return rc < 0 ? -1 : 0;
}

int pages_restore_meta(int64_t tid, int64_t page, int64_t version)
{
	sqlite3_stmt *st = db_stmt(
		"UPDATE pages SET (title, meta_description, seo_json, show_in_nav) = "
		"(SELECT title, meta_description, seo_json, show_in_nav FROM page_versions "
		"WHERE tenant_id = :t AND page_id = :p AND version = :v), version = version + 1 "
		"WHERE tenant_id = :t AND id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":v", version);
	return db_run(st) < 0 ? -1 : 0;
}

int pages_live_meta(int64_t tid, int64_t page, char **title, char **meta)
{
	sqlite3_stmt *st = db_stmt("SELECT v.title, v.meta_description FROM pages p JOIN page_versions v "
				   "ON v.page_id = p.id AND v.version = p.live_version WHERE p.tenant_id = :t AND p.id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	int found = db_step(st) == SQLITE_ROW;
	if (found) {
		*title = xstrdup(db_text(st, 0));
		*meta = xstrdup(db_text(st, 1));
	}
	db_reset(st);
	return found ? 0 : -1;
}

cJSON *pages_live_seo(int64_t tid, int64_t page)
{
	sqlite3_stmt *st = db_stmt("SELECT v.seo_json FROM pages p JOIN page_versions v "
				   "ON v.page_id = p.id AND v.version = p.live_version WHERE p.tenant_id = :t AND p.id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	cJSON *o = db_step(st) == SQLITE_ROW ? row_json(st, 0, 0) : cJSON_CreateObject();
	db_reset(st);
	return o;
}

void pages_nav_entry(int64_t tid, int64_t page, char *out, size_t n)
{
	sqlite3_stmt *st = db_stmt("SELECT v.title FROM pages p JOIN page_versions v ON v.page_id = p.id "
				   "AND v.version = p.live_version WHERE p.tenant_id = :t AND p.id = :p AND v.show_in_nav = 1");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	snprintf(out, n, "%s", db_step(st) == SQLITE_ROW ? db_text(st, 0) : "");
	db_reset(st);
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

int pages_preview_edits_put(int64_t tid, int64_t page, int64_t user, const char *json, long ttl, char out[65])
{
	int64_t now = now_unix();
	sqlite3_stmt *st = db_stmt("DELETE FROM preview_edits WHERE tenant_id = :t AND expires_at < :now");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":now", now);
	db_run_best_effort(st);
	random_hex(out, 32);
	st = db_stmt("INSERT INTO preview_edits (tenant_id, page_id, user_id, token, edits_json, expires_at) "
		     "VALUES (:t, :p, :u, :tok, :j, :exp)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	if (user) db_bind_int(st, ":u", user);
	else db_bind_null(st, ":u");
	db_bind_text(st, ":tok", out);
	db_bind_text(st, ":j", json);
	db_bind_int(st, ":exp", now + ttl);
	return db_run(st);
}

cJSON *pages_preview_edits_get(int64_t tid, int64_t page, const char *token)
{
	sqlite3_stmt *st = db_stmt("SELECT edits_json FROM preview_edits WHERE token = :tok AND tenant_id = :t "
				   "AND page_id = :p AND expires_at >= :now");
	db_bind_text(st, ":tok", token);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":now", now_unix());
	cJSON *a = db_step(st) == SQLITE_ROW ? row_json(st, 0, 1) : NULL;
	db_reset(st);
	return a;
}

int pages_block_update(int64_t tid, int64_t id, int64_t version, const char *type, const char *code,
		       const char *config_json, const char *visibility_json, int64_t pos, int64_t user)
{
	sqlite3_stmt *st = db_stmt(
		"UPDATE draft_blocks SET type = coalesce(:ty, type), vibe_code = coalesce(:c, vibe_code), "
		"config_json = coalesce(:cfg, config_json), visibility_json = coalesce(:vis, visibility_json), "
		"position = CASE WHEN :pos < 0 THEN position ELSE :pos END, version = version + 1, "
		"modified_by = :u, updated_at = strftime('%s','now') "
		"WHERE tenant_id = :t AND id = :id AND version = :v");
	db_bind_text(st, ":ty", type);
	db_bind_text(st, ":c", code);
	db_bind_text(st, ":cfg", config_json);
	db_bind_text(st, ":vis", visibility_json);
	db_bind_int(st, ":pos", pos);
	if (user) db_bind_int(st, ":u", user);
	else db_bind_null(st, ":u");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":v", version);
	if (db_run(st) < 0) return -1;
	return db_changes() == 1;
}

static cJSON *history_row(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", (double)db_int(st, 0));
	cJSON_AddStringToObject(o, "type", db_text(st, 1));
	cJSON_AddStringToObject(o, "vibeCode", db_text(st, 2));
	cJSON_AddItemToObject(o, "config", row_json(st, 3, 0));
	cJSON_AddItemToObject(o, "visibility", row_json(st, 4, 0));
	if (db_isnull(st, 5)) cJSON_AddNullToObject(o, "modifiedBy");
	else row_add_id(o, "modifiedBy", db_int(st, 5));
	cJSON_AddStringToObject(o, "modifiedByEmail", db_text(st, 6));
	row_add_time(o, "modifiedAt", st, 7);
	return o;
}

#define HISTORY_SQL "SELECT h.version, h.type, h.vibe_code, h.config_json, h.visibility_json, h.modified_by, " \
	"coalesce(u.email, ''), h.modified_at FROM block_history h LEFT JOIN users u ON u.id = h.modified_by "

cJSON *pages_block_history(int64_t tid, int64_t block, int64_t limit, int64_t offset)
{
	sqlite3_stmt *st = db_stmt(HISTORY_SQL "WHERE h.tenant_id = :t AND h.block_id = :b "
				   "ORDER BY h.version DESC LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":b", block);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	return row_all(st, history_row);
}

cJSON *pages_block_history_get(int64_t tid, int64_t block, int64_t version)
{
	sqlite3_stmt *st = db_stmt(HISTORY_SQL "WHERE h.tenant_id = :t AND h.block_id = :b AND h.version = :v");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":b", block);
	db_bind_int(st, ":v", version);
	return row_one(st, history_row);
}

int pages_block_history_trim(int64_t tid, int64_t block, long keep)
{
	sqlite3_stmt *st = db_stmt(
		"DELETE FROM block_history WHERE tenant_id = :t AND block_id = :b AND version <= "
		"(SELECT version FROM block_history WHERE tenant_id = :t AND block_id = :b "
		"ORDER BY version DESC LIMIT 1 OFFSET :keep)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":b", block);
	db_bind_int(st, ":keep", keep);
	return db_run(st);
}

int pages_presence_touch(int64_t tid, int64_t page, int64_t user, int64_t block)
{
	sqlite3_stmt *st = db_stmt(
		"INSERT INTO editor_presence (tenant_id, page_id, user_id, block_id, seen_at) "
		"SELECT :t, :p, :u, :b, :now FROM pages WHERE tenant_id = :t AND id = :p "
		"ON CONFLICT (tenant_id, page_id, user_id) DO UPDATE SET block_id = excluded.block_id, seen_at = excluded.seen_at");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":u", user);
	if (block) db_bind_int(st, ":b", block);
	else db_bind_null(st, ":b");
	db_bind_int(st, ":now", now_unix());
	return db_run(st);
}

cJSON *pages_activity(int64_t tid, int64_t page, long ttl)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *eds = cJSON_AddArrayToObject(o, "editors");
	sqlite3_stmt *st = db_stmt(
		"SELECT e.user_id, coalesce(u.email, ''), e.block_id, e.seen_at FROM editor_presence e "
		"LEFT JOIN users u ON u.id = e.user_id "
		"WHERE e.tenant_id = :t AND e.page_id = :p AND e.seen_at >= :since ORDER BY e.user_id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":since", now_unix() - ttl);
	while (db_step(st) == SQLITE_ROW) {
		cJSON *e = cJSON_CreateObject();
		row_add_id(e, "userId", db_int(st, 0));
		cJSON_AddStringToObject(e, "email", db_text(st, 1));
		if (db_isnull(st, 2)) cJSON_AddNullToObject(e, "blockId");
		else row_add_id(e, "blockId", db_int(st, 2));
		cJSON_AddItemToArray(eds, e);
	}
	db_reset(st);
	cJSON *bl = cJSON_AddArrayToObject(o, "blocks");
	st = db_stmt("SELECT b.id, b.version, b.modified_by, coalesce(u.email, ''), b.updated_at, b.position "
		     "FROM draft_blocks b LEFT JOIN users u ON u.id = b.modified_by "
		     "WHERE b.tenant_id = :t AND b.page_id = :p ORDER BY b.position, b.id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	while (db_step(st) == SQLITE_ROW) {
		cJSON *b = cJSON_CreateObject();
		row_add_id(b, "id", db_int(st, 0));
		cJSON_AddNumberToObject(b, "version", (double)db_int(st, 1));
		if (db_isnull(st, 2)) cJSON_AddNullToObject(b, "modifiedBy");
		else row_add_id(b, "modifiedBy", db_int(st, 2));
		cJSON_AddStringToObject(b, "modifiedByEmail", db_text(st, 3));
		row_add_time(b, "lastModified", st, 4);
		cJSON_AddNumberToObject(b, "position", (double)db_int(st, 5));
		cJSON_AddItemToArray(bl, b);
	}
	db_reset(st);
	st = db_stmt("SELECT version, live_version FROM pages WHERE tenant_id = :t AND id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	if (db_step(st) == SQLITE_ROW) {
		cJSON *p = cJSON_AddObjectToObject(o, "page");
		cJSON_AddNumberToObject(p, "version", (double)db_int(st, 0));
		if (db_isnull(st, 1)) cJSON_AddNullToObject(p, "liveVersion");
		else cJSON_AddNumberToObject(p, "liveVersion", (double)db_int(st, 1));
	}
	db_reset(st);
	return o;
}
