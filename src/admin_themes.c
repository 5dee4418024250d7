/* admin_themes: /api/cms/themes -- the store's theme draft and the live
 * theme, the starter themes, preview of the draft and publish. A saved
 * draft changes nothing a shopper sees; publish makes it live in one
 * transaction and bumps the store's content version (every page goes
 * stale). Contrast below WCAG AA is a warning in the answer, not an error. */
#include "admin.h"
#include "theme.h"
#include "input.h"
#include "pages.h"
#include "render.h"
#include "audit.h"
#include "ratelimit.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The answer of GET, PUT and apply: {draft, live, version,
 * hasUnpublishedChanges, publishedAt, warnings (the draft's), fonts}. */
static void send_state(req *r, int status)
{
	char *live_json = theme_live_json(r->t.id);
	int64_t version;
	int unpublished;
	cJSON *draft = theme_draft(r->t.id, live_json, &version, &unpublished);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "warnings", theme_warnings(draft));
	cJSON_AddItemToObject(o, "draft", draft);
	cJSON_AddItemToObject(o, "live", theme_resolve(live_json));
	cJSON_AddNumberToObject(o, "version", (double)version);
	cJSON_AddBoolToObject(o, "hasUnpublishedChanges", unpublished);
	int64_t at = theme_published_at(r->t.id);
	if (at) {
		char ts[32];
		iso8601(at, ts);
		cJSON_AddStringToObject(o, "publishedAt", ts);
	} else {
		cJSON_AddNullToObject(o, "publishedAt");
	}
	cJSON_AddItemToObject(o, "fonts", theme_fonts());
	free(live_json);
	http_json(r, status, o);
}

/* Route: GET /api/cms/themes */
void adm_theme_get(req *r) { send_state(r, 200); }

/* Under the write lock: the draft becomes body's fields over the current
 * draft, or (starter non-NULL, taken) that starter, keeping the current
 * logo and favicon when keep_brand. The caller's version (-1: any) must
 * still be current, else 409. 0 saved and committed, -1 answered. */
static int save_draft(req *r, const cJSON *body, cJSON *starter, int keep_brand, int64_t want, const char *action,
		      const char *detail)
{
	if (db_begin(1) < 0) { cJSON_Delete(starter); adm_fail(r, "the theme"); return -1; }
	char *live_json = theme_live_json(r->t.id);
	int64_t have;
	int unpublished;
	cJSON *cur = theme_draft(r->t.id, live_json, &have, &unpublished);
	free(live_json);
	if (want >= 0 && want != have) {
		db_rollback();
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "currentVersion", (double)have);
		cJSON_AddItemToObject(d, "current", cur);
		cJSON_Delete(starter);
		http_error(r, 409, "version_conflict", d,
			   "the theme draft was changed by someone else (version %lld, you sent %lld); reload and apply "
			   "your change again", (long long)have, (long long)want);
		return -1;
	}
	cJSON *next = starter;
	if (!next) {
		next = theme_merge(cur, body);
	} else if (keep_brand) {
		static const char *const brand[] = { "logo", "favicon" };
		for (size_t i = 0; i < ARRAY_LEN(brand); i++)
			cJSON_ReplaceItemInObjectCaseSensitive(next, brand[i],
							       cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cur, brand[i]), 1));
	}
	cJSON_Delete(cur);
	int rc = theme_draft_save(r->t.id, next, have, r->who.user_id);
	cJSON_Delete(next);
	if (rc < 0 || audit_write(r, action, "theme", r->t.id, "update", detail) < 0) { adm_fail(r, "the theme"); return -1; }
	if (rc == 0) {   /* cannot happen under the write lock; stay safe */
		db_rollback();
		http_error(r, 409, "version_conflict", NULL, "the theme draft changed meanwhile; reload and try again");
		return -1;
	}
	return adm_commit(r);
}

/* The optional "version" of a body: -1 when absent (last writer wins). */
static int body_version(req *r, const cJSON *b, int64_t *v)
{
	*v = -1;
	int rc = in_int(r, b, "version", IN_OPTIONAL, 0, INT64_MAX, v);
	if (rc == 1) *v = -1;
	return rc < 0 ? -1 : 0;
}

/* Route: PUT /api/cms/themes {version?, field: value, ...} -- the given
 * fields replace the draft's (null: back to the default); the answer
 * carries contrast warnings. Unknown fields and bad values: 422 naming them. */
void adm_theme_put(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *field = NULL, *problem = theme_problem(b, &field);
	int64_t want;
	if (problem) { in_fail(r, field, "%s", problem); goto out; }
	if (body_version(r, b, &want) < 0) goto out;
	if (save_draft(r, b, NULL, 0, want, "theme.update", NULL) == 0) send_state(r, 200);
out:
	cJSON_Delete(b);
}

/* Route: GET /api/cms/themes/starters -- {starters: [{id, name,
 * description, theme}], fonts} */
void adm_theme_starters(req *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "starters", theme_starters());
	cJSON_AddItemToObject(o, "fonts", theme_fonts());
	http_json(r, 200, o);
}

static const char *const apply_fields[] = { "starter", "version", "keepBrand", NULL };

/* Route: POST /api/cms/themes/apply {starter, version?, keepBrand?} -- the
 * draft becomes that starter (keeping the draft's logo and favicon unless
 * keepBrand is false). Publish makes it live. */
void adm_theme_apply(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *id;
	int keep = 1;
	int64_t want;
	if (in_known(r, b, apply_fields, NULL) < 0 || in_str(r, b, "starter", IN_REQUIRED, 40, &id) < 0 ||
	    in_bool(r, b, "keepBrand", IN_OPTIONAL, &keep) < 0 || body_version(r, b, &want) < 0)
		goto out;
	cJSON *next = theme_starter(id);
	if (!next) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "starter");
		http_error(r, 404, "not_found", d, "there is no starter theme '%s' (GET /api/cms/themes/starters)", id);
		goto out;
	}
	if (save_draft(r, NULL, next, keep, want, "theme.apply", id) == 0) send_state(r, 200);
out:
	cJSON_Delete(b);
}

/* Route: GET /api/cms/themes/preview?page=slug -- a page as it is live
 * (home by default), in the draft theme. Like the page preview, the
 * merchant's HTML runs in an opaque origin (CSP sandbox). */
void adm_theme_preview(req *r)
{
	const char *slug = http_query(r, "page");
	if (!slug || !*slug) slug = "home";
	if (slug_problem(slug)) { in_query_fail(r, "page", "%s", slug_problem(slug)); return; }
	int64_t id = pages_id_by_slug(r->t.id, slug);
	cJSON *blocks = id ? pages_live_blocks(r->t.id, id, 0) : NULL;
	if (!blocks) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "page");
		http_error(r, 404, "not_found", d, "no published page '%s' to preview the theme on", slug);
		return;
	}
	/* The draft stands in for the live theme for this request only: the
	 * shell and every block's storefront.theme see it. */
	int64_t v;
	int unpublished;
	cJSON *draft = theme_draft(r->t.id, r->t.theme_json, &v, &unpublished);
	char *text = cJSON_PrintUnformatted(draft);
	free(r->t.theme_json);
	r->t.theme_json = xstrdup(text);
	cJSON_free(text);
	cJSON_Delete(draft);
	char *title = NULL, *meta = NULL;
	pages_live_meta(r->t.id, id, &title, &meta);
	sbuf content = SBUF_INIT;
	render_blocks(r, blocks, 1, &content);
	render_shell(r, title && *title ? title : r->t.name, meta && *meta ? meta : NULL, sb_str(&content));
	r->csp = "sandbox allow-scripts allow-forms allow-popups allow-modals; frame-ancestors 'self'";
	http_header(r, "X-Robots-Tag", "noindex");
	sb_free(&content);
	free(title);
	free(meta);
	cJSON_Delete(blocks);
}

/* Route: POST /api/cms/themes/publish -- the draft becomes the live theme
 * and every page of the store is invalidated (content version). Counts
 * against the store's "publish" bucket, like page publishes. */
void adm_theme_publish(req *r)
{
	char key[32];
	snprintf(key, sizeof key, "t:%lld", (long long)r->t.id);
	if (ratelimit_check_key(r, "publish", key) < 0) return;
	if (db_begin(1) < 0) { adm_fail(r, "the publish"); return; }
	char *live_json = theme_live_json(r->t.id);
	int64_t v;
	int unpublished;
	cJSON *draft = theme_draft(r->t.id, live_json, &v, &unpublished);
	free(live_json);
	int rc = theme_publish(r->t.id, draft, r->who.user_id);
	cJSON *warnings = theme_warnings(draft);
	cJSON_Delete(draft);
	char detail[48];
	snprintf(detail, sizeof detail, "draft version %lld", (long long)v);
	if (rc < 0 || audit_write(r, "theme.publish", "theme", r->t.id, "publish", detail) < 0 ||
	    audit_bump_content(r->t.id) < 0) {
		cJSON_Delete(warnings);
		adm_fail(r, "the publish");
		return;
	}
	if (adm_commit(r) < 0) { cJSON_Delete(warnings); return; }
	char ts[32];
	iso8601(now_unix(), ts);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "success", 1);
	cJSON_AddNumberToObject(o, "version", (double)v);
	cJSON_AddStringToObject(o, "publishedAt", ts);
	cJSON_AddItemToObject(o, "warnings", warnings);
	http_json(r, 200, o);
}
