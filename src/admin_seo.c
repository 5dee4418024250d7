/* admin_seo: /api/cms/redirects (the merchant's redirects: list, create,
 * update, delete; loops, chains and other hosts refused), /api/cms/seo
 * (the store's robots.txt rules) and cancelling a page's scheduled
 * publish; the SEO object check and the redirect a slug change leaves,
 * shared by the pages, posts, products and collections handlers. */
#include "admin.h"
#include "input.h"
#include "config.h"
#include "redirects.h"
#include "schedule.h"
#include "sitemap.h"
#include "seo.h"
#include "audit.h"
#include "route.h"
#include "db.h"
#include "html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int adm_seo_text(req *r, const cJSON *seo, int strict, const char *field, char **out)
{
	*out = NULL;
	if (!seo) return 0;
	char buf[300];
	const char *p = seo_problem(seo, strict, buf, sizeof buf);
	if (p) { in_fail(r, field, "%s", p); return -1; }
	*out = cJSON_PrintUnformatted(seo);
	if (strlen(*out) > IN_SEO_MAX) {
		in_fail(r, field, "is %zu bytes of JSON; the limit is %d", strlen(*out), IN_SEO_MAX);
		cJSON_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int adm_slug_moved(int64_t tid, const char *prefix, const char *old_slug, const char *new_slug)
{
	sbuf from = SBUF_INIT, to = SBUF_INIT;
	sb_printf(&from, "%s%s", prefix, old_slug);
	sb_printf(&to, "%s%s", prefix, new_slug);
	int rc = redir_moved(tid, sb_str(&from), sb_str(&to));
	sb_free(&from);
	sb_free(&to);
	return rc;
}

/* ---- redirects ---- */

/* Route: GET /api/cms/redirects?limit=&offset= -- oldest first */
void adm_redirects_list(req *r)
{
	int64_t limit, offset;
	if (in_query_limit(r, cfg.list_limit_max, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "redirects", redir_list(r->t.id, limit, offset));
	http_json(r, 200, o);
}

static const char *const redirect_fields[] = { "from", "to", "status", NULL };
static const char *const redirect_readonly[] = { "id", "source", "createdAt", "updatedAt", NULL };

/* from, to and status of a body: checked; from percent-decoded (requests
 * are matched decoded). 0, or -1 answered. */
static int redirect_body(req *r, const cJSON *b, int create, char **from, const char **to, int64_t *status)
{
	const char *f = NULL;
	*from = NULL;
	*status = 0;
	if (in_known(r, b, redirect_fields, redirect_readonly) < 0 ||
	    in_str(r, b, "from", create, REDIR_PATH_MAX, &f) < 0 || in_str(r, b, "to", create, REDIR_PATH_MAX, to) < 0 ||
	    in_int(r, b, "status", IN_OPTIONAL, 301, 308, status) < 0)
		return -1;
	if (*status && *status != 301 && *status != 302 && *status != 307 && *status != 308) {
		in_fail(r, "status", "must be 301, 302, 307 or 308");
		return -1;
	}
	if (f) {
		*from = xstrdup(f);
		const char *p = url_decode(*from, 0) < 0 ? "has a bad percent-escape" : redir_from_problem(*from);
		if (!p && !utf8_valid(*from, strlen(*from))) p = "is not valid UTF-8 once decoded";
		if (p) { in_fail(r, "from", "%s", p); free(*from); *from = NULL; return -1; }
	}
	const char *p = *to ? redir_to_problem(*to) : NULL;
	if (p) { in_fail(r, "to", "%s", p); free(*from); *from = NULL; return -1; }
	return 0;
}

static void chain_refused(req *r, const char *msg)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "field", "to");
	http_error(r, 422, "redirect_chain", d, "%s", msg);
}

static void from_taken(req *r, const char *from)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "field", "from");
	http_error(r, 409, "conflict", d, "%s already has a redirect", from);
}

/* Route: POST /api/cms/redirects {from, to, status?} -- 301 by default */
void adm_redirect_create(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	char *from = NULL;
	const char *to = NULL;
	int64_t status;
	char buf[700];
	if (redirect_body(r, b, IN_REQUIRED, &from, &to, &status) < 0) goto out;
	if (db_begin(1) < 0) { adm_fail(r, "the redirect"); goto out; }
	const char *p = redir_chain_problem(r->t.id, from, to, 0, buf, sizeof buf);
	if (p) { db_rollback(); chain_refused(r, p); goto out; }
	int64_t id = redir_create(r->t.id, from, to, status ? (int)status : 301);
	if (id < 0) { adm_fail(r, "the redirect"); goto out; }
	if (id == 0) { db_rollback(); from_taken(r, from); goto out; }
	if (audit_write(r, "redirect.create", "redirect", id, "create", from) < 0 || audit_bump_content(r->t.id) < 0) {
		adm_fail(r, "the redirect");
		goto out;
	}
	if (adm_commit(r) == 0) adm_send(r, 201, redir_get(r->t.id, id), "redirect");
out:
	free(from);
	cJSON_Delete(b);
}

/* Route: PUT /api/cms/redirects/{id} {from?, to?, status?} */
void adm_redirect_update(req *r)
{
	int64_t id = route_id(r, 0);
	cJSON *b = http_json_body(r);
	if (!b) return;
	char *from = NULL;
	const char *to = NULL;
	int64_t status;
	char buf[700];
	if (redirect_body(r, b, IN_OPTIONAL, &from, &to, &status) < 0) goto out;
	if (db_begin(1) < 0) { adm_fail(r, "the redirect"); goto out; }
	cJSON *cur = redir_get(r->t.id, id);
	if (!cur) { db_rollback(); adm_not_found(r, "redirect"); goto out; }
	const char *f = from ? from : cJSON_GetObjectItemCaseSensitive(cur, "from")->valuestring;
	const char *t = to ? to : cJSON_GetObjectItemCaseSensitive(cur, "to")->valuestring;
	const char *p = redir_chain_problem(r->t.id, f, t, id, buf, sizeof buf);
	cJSON_Delete(cur);
	if (p) { db_rollback(); chain_refused(r, p); goto out; }
	int rc = redir_update(r->t.id, id, from, to, (int)status);
	if (rc < 0) {
		if (db_errcode() == SQLITE_CONSTRAINT) { db_rollback(); from_taken(r, from); }
		else adm_fail(r, "the redirect");
		goto out;
	}
	if (audit_write(r, "redirect.update", "redirect", id, "update", NULL) < 0 || audit_bump_content(r->t.id) < 0) {
		adm_fail(r, "the redirect");
		goto out;
	}
	if (adm_commit(r) == 0) adm_send(r, 200, redir_get(r->t.id, id), "redirect");
out:
	free(from);
	cJSON_Delete(b);
}

/* Route: DELETE /api/cms/redirects/{id} */
void adm_redirect_delete(req *r)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, "the redirect"); return; }
	sqlite3_stmt *st = db_stmt("DELETE FROM redirects WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) { adm_fail(r, "the redirect"); return; }
	if (db_changes() == 0) { db_rollback(); adm_not_found(r, "redirect"); return; }
	if (audit_write(r, "redirect.delete", "redirect", id, "delete", NULL) < 0 || audit_bump_content(r->t.id) < 0) {
		adm_fail(r, "the redirect");
		return;
	}
	if (adm_commit(r) < 0) return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "deleted", 1);
	http_json(r, 200, o);
}

/* ---- the store's SEO settings ---- */

/* Route: GET /api/cms/seo -- {robotsTxt} */
void adm_seo_settings_get(req *r) { http_json(r, 200, sitemap_settings(r->t.id)); }

/* Route: PUT /api/cms/seo {robotsTxt?} -- the store's own robots.txt rules,
 * printed after the platform's (User-agent, Allow, Disallow, Crawl-delay
 * lines and # comments). */
void adm_seo_settings_put(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	static const char *const fields[] = { "robotsTxt", NULL };
	const char *robots = NULL;
	char buf[300];
	if (in_known(r, b, fields, NULL) < 0 || in_str(r, b, "robotsTxt", IN_OPTIONAL, SITEMAP_ROBOTS_MAX, &robots) < 0)
		goto out;
	const char *p = robots ? sitemap_robots_problem(robots, buf, sizeof buf) : NULL;
	if (p) { in_fail(r, "robotsTxt", "%s", p); goto out; }
	if (db_begin(1) < 0) { adm_fail(r, "the SEO settings"); goto out; }
	if (robots && sitemap_settings_save(r->t.id, robots) < 0) { adm_fail(r, "the SEO settings"); goto out; }
	if (audit_write(r, "seo.update", "settings", r->t.id, "update", NULL) < 0 || audit_bump_content(r->t.id) < 0) {
		adm_fail(r, "the SEO settings");
		goto out;
	}
	if (adm_commit(r) == 0) http_json(r, 200, sitemap_settings(r->t.id));
out:
	cJSON_Delete(b);
}

/* ---- schedules ---- */

/* Route: DELETE /api/cms/pages/{id}/schedule -- the version published for
 * later does not go live (it stays in the page's versions); 404 when the
 * page has nothing scheduled. */
void adm_page_unschedule(req *r)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, "the schedule"); return; }
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM pages WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	int exists = db_step(st) == SQLITE_ROW;
	db_reset(st);
	if (!exists) { db_rollback(); adm_not_found(r, "page"); return; }
	int rc = sched_cancel(r->t.id, "page", id);
	if (rc < 0) { adm_fail(r, "the schedule"); return; }
	if (rc == 0) { db_rollback(); http_error(r, 404, "not_found", NULL, "page %lld has no scheduled publish", (long long)id); return; }
	if (audit_write(r, "page.unschedule", "page", id, "update", NULL) < 0) { adm_fail(r, "the schedule"); return; }
	if (adm_commit(r) < 0) return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "cancelled", 1);
	http_json(r, 200, o);
}
