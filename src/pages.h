/* pages: the data layer of pages, their draft blocks and their published
 * versions. Every function takes the tenant id and binds it; an id of
 * another tenant is simply not found. Publishing snapshots the drafts and
 * the draft metadata (title, description, SEO, nav) as version N+1 and
 * moves the page's live pointer, in one transaction, and keeps only the
 * versions the retention names; the live site shows the live version's
 * blocks and metadata. */
#ifndef PAGES_H
#define PAGES_H
#include <cJSON.h>
#include <stdint.h>
#include "util.h"

extern const char *const block_types[];   /* hero, product_grid, ... NULL */

/* JSON of a page (seed Page, camelCase) or NULL when not found. */
cJSON *pages_get(int64_t tid, int64_t id);
int pages_exists(int64_t tid, int64_t id);
int64_t pages_id_by_slug(int64_t tid, const char *slug);
cJSON *pages_list(int64_t tid, int64_t limit, int64_t offset);
/* Draft blocks of a page in position order (seed DraftBlock). */
cJSON *pages_blocks(int64_t tid, int64_t page);
cJSON *pages_block_get(int64_t tid, int64_t id);
/* Published blocks of the live version (or of version v when v > 0):
 * array of {id,type,vibeCode,config,visibility,position}; NULL if none. */
cJSON *pages_live_blocks(int64_t tid, int64_t page, int64_t v);
cJSON *pages_versions(int64_t tid, int64_t page);
int pages_version_exists(int64_t tid, int64_t page, int64_t v);

/* Snapshot the drafts as a new version and make it live. Caller holds the
 * transaction. Returns the new version number, or -1. Versions past the
 * retention (cfg.page_versions_keep newest, the live one, and what those
 * rolled back to) are deleted in the same step. */
int64_t pages_snapshot(int64_t tid, int64_t page, int64_t user, int64_t rollback_of,
		       const cJSON *blocks, int *nblocks);
/* The same in two halves, so a publish compiles outside the write lock:
 * the snapshot's JSON text (each block compiled to ES5 once; caller frees
 * with cJSON_free), then, inside the transaction, version N+1 from it. */
char *pages_snapshot_json(const cJSON *blocks, int *nblocks);
int64_t pages_publish_json(int64_t tid, int64_t page, int64_t user, int64_t rollback_of, const char *json);
/* The same for a later time (at > 0): version N+1 is written but the live
 * pointer stays (the caller schedules it, schedule.h). */
int64_t pages_publish_json_at(int64_t tid, int64_t page, int64_t user, int64_t rollback_of, const char *json, int64_t at);
/* Insert a page and (optionally) one draft block; returns page id or -1. */
int64_t pages_create(int64_t tid, const char *slug, const char *title, const char *meta, const char *seo_json, int nav);
/* Make room for a block inserted at position pos of the page's draft: the
 * blocks at pos and after move one down (their code and version stay).
 * 0 or -1. */
MUST_USE int pages_block_make_room(int64_t tid, int64_t page, int64_t pos);
int64_t pages_block_create(int64_t tid, int64_t page, const char *type, const char *code,
			   const char *config_json, const char *visibility_json, int64_t position,
			   int64_t user);
/* Change a draft block whose version is still `version` (optimistic lock):
 * NULL fields and pos < 0 keep theirs; the version moves on, and the
 * block's history (block_history, by trigger) records new content. 1
 * changed, 0 the version moved (or no such block), -1 error. */
int pages_block_update(int64_t tid, int64_t id, int64_t version, const char *type, const char *code,
		       const char *config_json, const char *visibility_json, int64_t pos, int64_t user);
/* A block's saved versions, newest first: [{version, type, vibeCode,
 * config, visibility, modifiedBy, modifiedByEmail, modifiedAt}]. */
cJSON *pages_block_history(int64_t tid, int64_t block, int64_t limit, int64_t offset);
/* One saved version of a block, or NULL. */
cJSON *pages_block_history_get(int64_t tid, int64_t block, int64_t version);
/* Keep a block's newest `keep` versions in its history. 0 or -1. */
int pages_block_history_trim(int64_t tid, int64_t block, long keep);
/* Who has the page open in the web editor: the user's heartbeat (on
 * blockId, 0 for none). 0 or -1. */
int pages_presence_touch(int64_t tid, int64_t page, int64_t user, int64_t block);
/* The page's activity for editors: {editors: [{userId, email, blockId,
 * seenAt}] seen within ttl seconds, blocks: [{id, version, modifiedBy,
 * modifiedByEmail, lastModified}], page: {version, liveVersion}}. */
cJSON *pages_activity(int64_t tid, int64_t page, long ttl);
/* A block's visibility rules {devices[], userTypes[], dateRange{start,end}}:
 * NULL when valid, else a message naming the bad value (written to buf). */
const char *pages_visibility_problem(const cJSON *vis, char *buf, size_t n);
/* After a rollback: the drafts become the version's blocks. A draft that
 * is still there keeps its id (version + 1); drafts the version lacks are
 * deleted; blocks deleted since come back under new ids (ids are never
 * reused). Caller holds the transaction. 0 or -1. */
int pages_restore_drafts(int64_t tid, int64_t page, const cJSON *blocks, int64_t user);
/* The draft metadata (title, description, SEO, nav) becomes version's. */
int pages_restore_meta(int64_t tid, int64_t page, int64_t version);
/* The live version's title and meta description (caller frees); -1 if none. */
int pages_live_meta(int64_t tid, int64_t page, char **title, char **meta);
/* The web editor's unsaved edits of a page's blocks (a JSON array), kept
 * ttl seconds for its preview under a fresh token (out[65]); expired rows
 * of the store are removed on the way. 0 or -1. */
int pages_preview_edits_put(int64_t tid, int64_t page, int64_t user, const char *json, long ttl, char out[65]);
/* Those edits, if token names unexpired ones of this page; else NULL. */
cJSON *pages_preview_edits_get(int64_t tid, int64_t page, const char *token);
/* The live version's SEO object ({} when none). */
cJSON *pages_live_seo(int64_t tid, int64_t page);
/* What the navigation shows of the page's live version ("" when it is
 * not in the navigation) into out: a publish that changes it changes
 * every page's navigation. */
void pages_nav_entry(int64_t tid, int64_t page, char *out, size_t n);
/* The starter vibe code for a block type (templates/blocks/TYPE.js); caller frees. */
char *pages_starter_code(const char *type);
#endif
