/* platform: /api/platform/tenants (see platform.h). */
#include "platform.h"
#include "provision.h"
#include "quota.h"
#include "auth.h"
#include "input.h"
#include "ratelimit.h"
#include "sha256.h"
#include "config.h"
#include "db.h"
#include "server.h"
#include "tenantfile.h"
#include "util.h"

#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACTOR "platform"

/* The row, enforced: the API is off without a platform_token (404), the
 * row's bucket, then for an R_AUTH row (all of them) the platform token. */
int plat_gate(req *r, const route *rt)
{
	r->json_errors = 1;
	if (!cfg.platform_token[0]) {
		http_error(r, 404, "not_found", NULL, "the platform API is not enabled (no platform_token configured)");
		return -1;
	}
	if (rt->bucket && ratelimit_check(r, rt->bucket) < 0) return -1;
	if (!(rt->flags & R_AUTH)) return 0;
	const char *h = http_env(r, "HTTP_AUTHORIZATION");
	unsigned char want[32], got[32];
	sha256(cfg.platform_token, strlen(cfg.platform_token), want);
	int ok = 0;
	if (h && strncmp(h, "Bearer ", 7) == 0) {
		sha256(h + 7, strlen(h + 7), got);
		ok = ct_equal(want, got, sizeof want);
	}
	if (!ok) {
		http_header(r, "WWW-Authenticate", "Bearer realm=\"platform\"");
		http_error(r, 401, "unauthorized", NULL, "the platform token is required");
		return -1;
	}
	return 0;
}

static cJSON *tenant_json(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("SELECT id, username, name, status, created_at, suspended_at, "
				   "(SELECT count(*) FROM domains d WHERE d.tenant_id = t.id AND d.verified_at IS NOT NULL), "
				   "(SELECT count(*) FROM users u WHERE u.tenant_id = t.id) FROM tenants t WHERE id = :t AND status != 'deleted'");
	db_bind_int(st, ":t", tid);
	cJSON *o = NULL;
	if (db_step(st) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		char b[32];
		snprintf(b, sizeof b, "%lld", (long long)db_int(st, 0));
		cJSON_AddStringToObject(o, "id", b);
		cJSON_AddStringToObject(o, "username", db_text(st, 1));
		cJSON_AddStringToObject(o, "name", db_text(st, 2));
		cJSON_AddStringToObject(o, "status", db_text(st, 3));
		iso8601(db_int(st, 4), b);
		cJSON_AddStringToObject(o, "createdAt", b);
		if (db_isnull(st, 5)) cJSON_AddNullToObject(o, "suspendedAt");
		else { iso8601(db_int(st, 5), b); cJSON_AddStringToObject(o, "suspendedAt", b); }
		cJSON_AddNumberToObject(o, "verifiedDomains", (double)db_int(st, 6));
		cJSON_AddNumberToObject(o, "users", (double)db_int(st, 7));
		char url[400];
		snprintf(url, sizeof url, "%s.%s", db_text(st, 1), cfg.base_domain);
		cJSON_AddStringToObject(o, "subdomain", url);
	}
	db_reset(st);
	if (o) cJSON_AddItemToObject(o, "limits", quota_json(tid));
	return o;
}

static int64_t tid_of(const char *username)
{
	tenant t = { 0 };
	int64_t id = tenant_load_username(&t, username) == 0 ? t.id : 0;
	tenant_clear(&t);
	return id;
}

static void no_store(req *r)
{
	http_error(r, 404, "not_found", NULL, "no store '%s'", r->nparams ? r->params[0] : "");
}

/* Validate {"pages":N,...} and write it as the store's limits_json. */
static int set_limits(req *r, int64_t tid, const cJSON *lim)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, lim) {
		int known = 0;
		for (int k = 0; k < LIM_N; k++) if (strcmp(it->string, quota_key((enum limit_kind)k)) == 0) known = 1;
		if (!known) {
			in_fail(r, "limits", "has an unknown key '%s' (pages, blocksPerPage, products, mediaBytes, posts, "
				"collections, discounts, tokens, users)", it->string);
			return -1;
		}
		if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 1e15 || it->valuedouble != (double)(int64_t)it->valuedouble) {
			in_fail(r, "limits", "'%s' must be a non-negative integer", it->string);
			return -1;
		}
	}
	char *txt = cJSON_PrintUnformatted(lim);
	sqlite3_stmt *st = db_stmt("UPDATE tenants SET limits_json = json_patch(limits_json, :j), updated_at = strftime('%s','now') WHERE id = :t");
	db_bind_text(st, ":j", txt);
	db_bind_int(st, ":t", tid);
	int rc = db_run(st);
	cJSON_free(txt);
	if (rc < 0) server_storage_error(r, "the limits were not saved");
	return rc;
}

/* Route: GET /api/platform/tenants?status=&after=ID&limit=N -> {tenants, next} */
void plat_tenants_list(req *r)
{
	const char *status = http_query(r, "status");
	int64_t after, limit;
	if (in_query_offset(r, "after", &after) < 0 || in_query_limit(r, 100, &limit) < 0) return;
	sqlite3_stmt *st = db_stmt("SELECT id FROM tenants WHERE id > :a AND status != 'deleted' AND (:s IS NULL OR status = :s) "
				   "ORDER BY id LIMIT :n");
	db_bind_int(st, ":a", after);
	db_bind_text(st, ":s", status);
	db_bind_int(st, ":n", limit);
	int64_t *ids = xmalloc((size_t)limit * sizeof *ids);
	long n = 0;
	while (n < limit && db_step(st) == SQLITE_ROW) ids[n++] = db_int(st, 0);
	db_reset(st);
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "tenants");
	for (long i = 0; i < n; i++) {
		cJSON *t = tenant_json(ids[i]);
		if (t) cJSON_AddItemToArray(a, t);
	}
	if (n == limit) {
		char b[24];
		snprintf(b, sizeof b, "%lld", (long long)ids[n - 1]);
		cJSON_AddStringToObject(o, "next", b);
	} else {
		cJSON_AddNullToObject(o, "next");
	}
	free(ids);
	http_json(r, 200, o);
}

/* Route: POST /api/platform/tenants {username, name, ownerEmail?, ownerPassword?, limits?}
 * -> 201 {tenant, owner?, token?} (the owner's API token, shown once) */
void plat_tenant_create(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *username, *name, *email = NULL, *pw = NULL;
	const cJSON *lim = NULL;
	char err[512];
	if (in_str(r, b, "username", IN_REQUIRED, 64, &username) < 0 || in_str(r, b, "name", IN_REQUIRED, PROV_NAME_MAX, &name) < 0 ||
	    in_str(r, b, "ownerEmail", IN_OPTIONAL, IN_EMAIL_MAX, &email) < 0 || in_str(r, b, "ownerPassword", IN_OPTIONAL, AUTH_PASSWORD_INPUT_MAX, &pw) < 0 ||
	    in_obj(r, b, "limits", IN_OPTIONAL, &lim) < 0)
		goto out;
	if ((email == NULL) != (pw == NULL)) { in_fail(r, email ? "ownerPassword" : "ownerEmail", "is required with the other"); goto out; }
	if (pw && auth_password_problem(pw)) { in_fail(r, "ownerPassword", "%s", auth_password_problem(pw)); goto out; }
	if (email && (!strchr(email, '@') || email[0] == '@' || strchr(email, ' '))) { in_fail(r, "ownerEmail", "is not an email address"); goto out; }
	const char *problem = prov_username_problem(username, err, sizeof err);
	if (problem) {
		int taken = strstr(err, "taken") || strstr(err, "held");
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "username");
		http_error(r, taken ? 409 : 422, taken ? "conflict" : "validation_error", d, "%s", err);
		goto out;
	}
	int64_t tid = prov_tenant_create_as(username, name, 1, ACTOR, r->remote_addr, err, sizeof err);
	if (tid < 0) { in_fail(r, "username", "%s", err); goto out; }
	if (lim && set_limits(r, tid, lim) < 0) goto out;   /* the store exists; limits are the defaults */
	cJSON *o = cJSON_CreateObject();
	if (email) {
		int64_t uid = prov_user_add(tid, email, pw, "owner", err, sizeof err);
		char token[48];
		if (uid < 0 || auth_token_create(tid, uid, "platform", token) < 0) {
			cJSON_Delete(o);
			server_storage_error(r, "the store was created but its owner was not: %s", err);
			goto out;
		}
		cJSON *u = cJSON_AddObjectToObject(o, "owner");
		char idb[24];
		snprintf(idb, sizeof idb, "%lld", (long long)uid);
		cJSON_AddStringToObject(u, "id", idb);
		cJSON_AddStringToObject(u, "email", email);
		cJSON_AddStringToObject(o, "token", token);
	}
	cJSON_AddItemToObject(o, "tenant", tenant_json(tid));
	http_json(r, 201, o);
out:
	cJSON_Delete(b);
}

/* Route: GET /api/platform/tenants/{username} */
void plat_tenant_get(req *r)
{
	int64_t tid = tid_of(r->params[0]);
	cJSON *t = tid ? tenant_json(tid) : NULL;
	if (!t) { no_store(r); return; }
	http_json(r, 200, t);
}

/* Route: PATCH /api/platform/tenants/{username} {name?, username?, limits?} */
void plat_tenant_update(req *r)
{
	int64_t tid = tid_of(r->params[0]);
	if (!tid) { no_store(r); return; }
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *name = NULL, *username = NULL;
	const cJSON *lim = NULL;
	char err[512];
	if (in_str(r, b, "name", IN_OPTIONAL, PROV_NAME_MAX, &name) < 0 || in_str(r, b, "username", IN_OPTIONAL, 64, &username) < 0 ||
	    in_obj(r, b, "limits", IN_OPTIONAL, &lim) < 0)
		goto out;
	if (name && !*name) { in_fail(r, "name", "must not be empty"); goto out; }
	if (name || username) {
		if (prov_tenant_rename(r->params[0], name, username, ACTOR, r->remote_addr, err, sizeof err) < 0) {
			int taken = strstr(err, "taken") || strstr(err, "held");
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "field", username ? "username" : "name");
			http_error(r, taken ? 409 : 422, taken ? "conflict" : "validation_error", d, "%s", err);
			goto out;
		}
	}
	if (lim && set_limits(r, tid, lim) < 0) goto out;
	http_json(r, 200, tenant_json(tid));
out:
	cJSON_Delete(b);
}

static void set_status(req *r, const char *status)
{
	char err[512];
	if (!tid_of(r->params[0])) { no_store(r); return; }
	if (prov_tenant_status(r->params[0], status, ACTOR, r->remote_addr, err, sizeof err) < 0) {
		server_storage_error(r, "%s", err);
		return;
	}
	http_json(r, 200, tenant_json(tid_of(r->params[0])));
}

/* Route: POST /api/platform/tenants/{username}/suspend */
void plat_tenant_suspend(req *r) { set_status(r, "suspended"); }
/* Route: POST /api/platform/tenants/{username}/resume */
void plat_tenant_resume(req *r) { set_status(r, "active"); }

/* Route: DELETE /api/platform/tenants/{username} -- data removed, the
 * username held for username_hold_days. */
void plat_tenant_delete(req *r)
{
	char err[512];
	if (!tid_of(r->params[0])) { no_store(r); return; }
	if (prov_tenant_delete(r->params[0], ACTOR, r->remote_addr, err, sizeof err) < 0) {
		server_storage_error(r, "%s", err);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "deleted", 1);
	cJSON_AddStringToObject(o, "username", r->params[0]);
	cJSON_AddNumberToObject(o, "heldForDays", (double)cfg.username_hold_days);
	http_json(r, 200, o);
}

/* A temporary file beside the database (the one directory the programs
 * may write): path filled, 0, or -1. */
static int temp_path(char *path, size_t n, const char *what)
{
	const char *slash = strrchr(cfg.db, '/');
	int dl = slash ? (int)(slash - cfg.db) : 1;
	snprintf(path, n, "%.*s/.%s-XXXXXX", dl, slash ? cfg.db : ".", what);
	int fd = mkstemp(path);
	if (fd < 0) return -1;
	close(fd);
	return 0;
}

/* Route: GET /api/platform/tenants/{username}/export -> the store as one
 * SQLite file (application/vnd.sqlite3), from one snapshot, store live. */
void plat_tenant_export(req *r)
{
	if (!tid_of(r->params[0])) { no_store(r); return; }
	char path[1200], err[1024];
	if (temp_path(path, sizeof path, "export") < 0) { server_storage_error(r, "no room for the export"); return; }
	unlink(path);            /* tf_export writes a new file */
	cJSON *rep = NULL;
	if (tf_export(r->params[0], path, &rep, err, sizeof err) < 0) {
		unlink(path);
		server_storage_error(r, "the store was not exported: %s", err);
		return;
	}
	cJSON_Delete(rep);
	size_t len;
	char *data = file_read(path, &len);
	unlink(path);
	if (!data) { server_storage_error(r, "the export could not be read back"); return; }
	sb_put(&r->out, data, len);
	free(data);
	http_content_type(r, "application/vnd.sqlite3");
	http_header(r, "Content-Disposition", "attachment; filename=\"%s.sqlite\"", r->params[0]);
	r->status = 200;
	http_send(r);
}

/* Route: POST /api/platform/imports?as=USERNAME, the body an exported file
 * (application/vnd.sqlite3, up to max_body; larger ones through the CLI)
 * -> 201 {username, tenantId, tables}. */
void plat_tenant_import(req *r)
{
	const char *ct = http_env(r, "CONTENT_TYPE");
	if (!ct || !http_content_type_is(ct, "application/vnd.sqlite3")) {
		http_error(r, 415, "unsupported_media_type", NULL, "send the exported file as application/vnd.sqlite3");
		return;
	}
	if (r->body_too_large) {
		http_error(r, 413, "payload_too_large", NULL, "the file is larger than max_body; import it with 'storefront tenant import'");
		return;
	}
	const char *as = http_query(r, "as");
	if (as && username_problem(as)) {
		in_query_fail(r, "as", "%s", username_problem(as));
		return;
	}
	char path[1200], err[1024];
	if (temp_path(path, sizeof path, "import") < 0 || file_write(path, r->body.s, r->body.len) < 0) {
		unlink(path);
		server_storage_error(r, "the file could not be stored for the import");
		return;
	}
	cJSON *rep = NULL;
	int taken = 0;
	int rc = tf_import(path, as, &rep, &taken, err, sizeof err);
	unlink(path);
	if (rc < 0) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", taken ? "as" : "file");
		http_error(r, taken ? 409 : 422, taken ? "conflict" : "validation_error", d, "%s", err);
		return;
	}
	http_json(r, 201, rep);
}

/* Route: POST /api/platform/tenants/{username}/read-only {seconds} -- the
 * store's writes answer 503 + Retry-After for that long (0 ends it). */
void plat_tenant_read_only(req *r)
{
	if (!tid_of(r->params[0])) { no_store(r); return; }
	cJSON *b = http_json_body(r);
	if (!b) return;
	int64_t sec;
	char err[512];
	if (in_int(r, b, "seconds", IN_REQUIRED, 0, cfg.read_only_max, &sec) == 0) {
		if (tf_read_only(r->params[0], (long)sec, err, sizeof err) < 0) server_storage_error(r, "%s", err);
		else http_json(r, 200, tenant_json(tid_of(r->params[0])));
	}
	cJSON_Delete(b);
}
