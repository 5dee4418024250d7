/* admin_editor: what the web editor (htdocs/admin/) needs beyond the page
 * and block API, all of it plain /api/cms/ endpoints the app may use too:
 * a block's history and restoring one version of one block, the blocks of
 * a published version (for diffs), and who else is on a page (presence
 * heartbeats and an activity document the editor polls with ETag/304, so
 * an open editor costs a worker only for a short answer). */
#include "admin.h"
#include "server.h"
#include "input.h"
#include "pages.h"
#include "audit.h"
#include "route.h"
#include "db.h"
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Route: GET /api/cms/blocks/:id/history?limit=&offset= */
void adm_block_history(req *r)
{
	int64_t id = route_id(r, 0), limit, offset;
	if (in_query_limit(r, cfg.block_history_keep, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	cJSON *blk = pages_block_get(r->t.id, id);
	if (!blk) { adm_not_found(r, "block"); return; }
	cJSON_Delete(blk);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "history", pages_block_history(r->t.id, id, limit, offset));
	http_json(r, 200, o);
}

/* Route: POST /api/cms/blocks/:id/restore {version, restoreVersion} --
 * the draft of this one block takes the type, code, config and visibility
 * it had at restoreVersion (a new version; the rest of the page and the
 * live site are untouched). version is the draft's current version (409
 * with the current block when someone saved since). */
void adm_block_restore(req *r)
{
	int64_t id = route_id(r, 0), version, want;
	cJSON *b = http_json_body(r), *old = NULL, *cur = NULL;
	if (!b) return;
	if (in_int(r, b, "version", IN_REQUIRED, 1, INT64_MAX, &version) < 0 ||
	    in_int(r, b, "restoreVersion", IN_REQUIRED, 1, INT64_MAX, &want) < 0)
		goto out;
	if (db_begin(1) < 0) { adm_fail(r, "the block"); goto out; }
	cur = pages_block_get(r->t.id, id);
	if (!cur) { db_rollback(); adm_not_found(r, "block"); goto out; }
	if ((int64_t)cJSON_GetObjectItemCaseSensitive(cur, "version")->valuedouble != version) {
		db_rollback();
		adm_version_conflict(r, "block", id, cur, version);
		cur = NULL;   /* the error owns it */
		goto out;
	}
	old = pages_block_history_get(r->t.id, id, want);
	if (!old) {
		db_rollback();
		http_error(r, 404, "not_found", NULL,
			   "block %lld has no saved version %lld (its history keeps the newest %ld)",
			   (long long)id, (long long)want, cfg.block_history_keep);
		goto out;
	}
	char *cfgtext = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(old, "config"));
	char *vistext = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(old, "visibility"));
	char detail[64];
	snprintf(detail, sizeof detail, "version %lld restored", (long long)want);
	int rc = pages_block_update(r->t.id, id, version, cJSON_GetObjectItemCaseSensitive(old, "type")->valuestring,
				    cJSON_GetObjectItemCaseSensitive(old, "vibeCode")->valuestring, cfgtext, vistext, -1,
				    r->who.user_id);
	cJSON_free(cfgtext);
	cJSON_free(vistext);
	if (rc != 1 || pages_block_history_trim(r->t.id, id, cfg.block_history_keep) < 0 ||
	    audit_write(r, "block.restore", "block", id, "update", detail) < 0) {
		adm_fail(r, "the block");
		goto out;
	}
	if (adm_commit(r) < 0) goto out;
	adm_send(r, 200, pages_block_get(r->t.id, id), "block");
out:
	cJSON_Delete(cur);
	cJSON_Delete(old);
	cJSON_Delete(b);
}

/* Route: GET /api/cms/pages/:id/versions/:version -- the blocks a
 * published version holds (type, code, config, visibility), for diffs. */
void adm_page_version_get(req *r)
{
	int64_t id = route_id(r, 0), v = route_id(r, 1);
	cJSON *blocks = v > 0 ? pages_live_blocks(r->t.id, id, v) : NULL;
	if (!blocks) { adm_not_found(r, "page version"); return; }
	cJSON *blk;
	cJSON_ArrayForEach(blk, blocks) {   /* the compiled code is the server's own */
		cJSON_DeleteItemFromObjectCaseSensitive(blk, "es5");
		cJSON_DeleteItemFromObjectCaseSensitive(blk, "entry");
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", (double)v);
	cJSON_AddItemToObject(o, "blocks", blocks);
	http_json(r, 200, o);
}

/* Route: GET /api/cms/pages/:id/activity -- who is on the page and each
 * draft block's version: the editor polls it (ETag/304 from http_send). */
void adm_page_activity(req *r)
{
	int64_t id = route_id(r, 0);
	if (!pages_exists(r->t.id, id)) { adm_not_found(r, "page"); return; }
	http_json(r, 200, pages_activity(r->t.id, id, cfg.presence_ttl));
}

/* Route: POST /api/cms/pages/:id/presence {blockId?} -- the caller's
 * heartbeat on the page (every few seconds while it is open); answers the
 * activity as GET does. */
void adm_page_presence(req *r)
{
	int64_t id = route_id(r, 0), block = 0;
	cJSON *b = http_json_body(r);
	if (!b) return;
	if (in_id(r, b, "blockId", IN_OPTIONAL, &block) < 0) goto out;
	if (!pages_exists(r->t.id, id)) { adm_not_found(r, "page"); goto out; }
	if (pages_presence_touch(r->t.id, id, r->who.user_id, block) < 0) { adm_fail(r, "the presence"); goto out; }
	http_json(r, 200, pages_activity(r->t.id, id, cfg.presence_ttl));
out:
	cJSON_Delete(b);
}
