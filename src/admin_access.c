/* admin_access: people and access under /api/cms/: login (token or browser
 * session), logout, me, password change, users and roles, API tokens, and
 * the audit log, and staff sign-in with a code by email (staffcode.c).
 * Every query binds the request's tenant; another store's ids answer 404. */
#include "admin.h"
#include "admin_access.h"
#include "server.h"
#include "log.h"
#include "auth.h"
#include "audit.h"
#include "input.h"
#include "ratelimit.h"
#include "session.h"
#include "staffcode.h"
#include "otcode.h"
#include "route.h"
#include "config.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_id(cJSON *o, const char *k, int64_t id)
{
	char b[24];
	snprintf(b, sizeof b, "%lld", (long long)id);
	cJSON_AddStringToObject(o, k, b);
}

static void add_time(cJSON *o, const char *k, sqlite3_stmt *st, int col)
{
	if (db_isnull(st, col)) { cJSON_AddNullToObject(o, k); return; }
	char ts[32];
	iso8601(db_int(st, col), ts);
	cJSON_AddStringToObject(o, k, ts);
}

static void throttled(req *r, long wait)
{
	ratelimit_answer(r, "too_many_attempts", wait, "sign-in attempts");
}

/* Is `given` the signed-in user's password? 1 yes, 0 no (or the user is
 * gone). Failures count like failed sign-ins and are throttled the same
 * way: -1 when it answered 429. */
static int password_matches(req *r, const char *given)
{
	long wait = throttle_login_wait(r->who.email, r->remote_addr);
	if (wait > 0) { throttled(r, wait); return -1; }
	sqlite3_stmt *st = db_stmt("SELECT password_hash FROM users WHERE id = :u AND tenant_id = :t");
	db_bind_int(st, ":u", r->who.user_id);
	db_bind_int(st, ":t", r->t.id);
	char hash[256] = "";
	if (db_step(st) == SQLITE_ROW) snprintf(hash, sizeof hash, "%s", db_text(st, 0));
	db_reset(st);
	if (hash[0] && auth_verify_password(hash, given)) {
		throttle_login_ok(r->who.email);
		return 1;
	}
	throttle_login_failed(r->who.email, r->remote_addr);
	return 0;
}

/* Re-authentication before what hands out access (creating users,
 * changing roles, minting tokens): a browser session must send the user's
 * password again as currentPassword, so a script that got hold of a
 * session (and its CSRF token) still cannot make itself an owner or a
 * token. Bearer callers (the app, which holds no password and whose token
 * no page can read) may send it and then it must be right. 0 to go on,
 * -1 when it answered: 403 reauth_required (missing) or reauth_failed
 * (wrong), details.field "currentPassword". */
static int reauth(req *r, const cJSON *b)
{
	const char *cur = NULL;
	if (in_str(r, b, "currentPassword", IN_OPTIONAL, AUTH_PASSWORD_MAX, &cur) < 0) return -1;
	if (!cur && !r->who.session_id) return 0;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "field", "currentPassword");
	if (!cur) {
		http_error(r, 403, "reauth_required", d,
			   "creating users, changing roles and making tokens from a browser session needs your password again "
			   "in field 'currentPassword'");
		return -1;
	}
	int ok = password_matches(r, cur);
	if (ok == 1) { cJSON_Delete(d); return 0; }
	if (ok == 0) http_error(r, 403, "reauth_failed", d, "field 'currentPassword' is not your current password");
	else cJSON_Delete(d);
	return -1;
}

/* A sign-in's session checks: sessions only on the admin host (else 403
 * admin_host_required) and only from its own pages. 0, or -1 answered. */
static int session_allowed(req *r, int want_session, int admin_host)
{
	if (want_session && !admin_host) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "adminHost", cfg.admin_host);
		http_error(r, 403, "admin_host_required", d,
			   "browser sessions are signed in at %s (with field 'store'), never on a store's own host; "
			   "here only API tokens are given", cfg.admin_host);
		return -1;
	}
	if (want_session && http_cross_origin(r)) {   /* no signing a browser into someone's account */
		http_error(r, 403, "cross_site_request", NULL, "a session sign-in must come from a page of %s itself", cfg.admin_host);
		return -1;
	}
	return 0;
}

/* The store a sign-in is for: the Host's when it names one, else `store`
 * (username), else 0 (the email's only store); -1 for a store of nobody. */
static int64_t login_store(req *r, int admin_host, const char *store)
{
	tenant host_t = { 0 };
	int64_t tid = 0;
	if (!admin_host && r->host[0] && tenant_from_host(&host_t, r->host) == 0) tid = host_t.id;
	else if (store) tid = tenant_load_username(&host_t, store) == 0 ? host_t.id : -1;  /* -1: nobody's */
	tenant_clear(&host_t);
	return tid;
}

/* A staff user found by email (and store) for signing in. */
typedef struct {
	int64_t uid, tid;
	char hash[256], role[16];
	int many;        /* the email is staff of several stores and none was named */
} staff_user;

/* The user of mail at store tid (0: any; -1: none): 1 found, 0 not. */
static int find_staff(const char *mail, int64_t tid, staff_user *u)
{
	memset(u, 0, sizeof *u);
	sqlite3_stmt *st = db_stmt(
		"SELECT u.id, u.tenant_id, u.password_hash, u.role, "
		"(SELECT count(*) FROM users x JOIN tenants xt ON xt.id = x.tenant_id WHERE x.email = :e AND xt.status != 'deleted') "
		"FROM users u JOIN tenants t ON t.id = u.tenant_id "
		"WHERE u.email = :e AND (:t = 0 OR u.tenant_id = :t) AND t.status != 'deleted' LIMIT 1");
	db_bind_text(st, ":e", mail);
	db_bind_int(st, ":t", tid);
	int found = db_step(st) == SQLITE_ROW;
	if (found) {
		u->uid = db_int(st, 0);
		u->tid = db_int(st, 1);
		snprintf(u->hash, sizeof u->hash, "%s", db_text(st, 2));
		snprintf(u->role, sizeof u->role, "%s", db_text(st, 3));
		u->many = db_int(st, 4) > 1 && tid == 0;
	}
	db_reset(st);
	return found;
}

/* 422 naming field 'store', with the stores this email belongs to for a
 * sign-in form to offer (said only after the password or code is right:
 * no enumeration). */
static void several_stores(req *r, const char *mail)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "field", "store");
	cJSON *stores = cJSON_AddArrayToObject(d, "stores");
	sqlite3_stmt *st = db_stmt("SELECT t.username, t.name FROM users x JOIN tenants t ON t.id = x.tenant_id "
				   "WHERE x.email = :e AND t.status != 'deleted' ORDER BY t.username LIMIT 100");
	db_bind_text(st, ":e", mail);
	while (db_step(st) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "username", db_text(st, 0));
		cJSON_AddStringToObject(o, "name", db_text(st, 1));
		cJSON_AddItemToArray(stores, o);
	}
	db_reset(st);
	http_error(r, 422, "validation_error", d, "this email belongs to several stores; field 'store' names which one");
}

/* Signed in (password or code): in one transaction the password's new
 * hash (newhash, "" for none), the code used up (code_id, 0 for none), the
 * session or token and the audit row; then {csrfToken, expiresAt | token,
 * user, store}. */
static void signed_in(req *r, const staff_user *u, const char *mail, int want_session, const char *tname,
		      const char *newhash, int64_t code_id)
{
	char token[48] = "", csrf[65] = "";
	int64_t expires = 0;
	if (db_begin(1) < 0) { adm_fail(r, "the session"); return; }
	if (newhash[0]) {
		sqlite3_stmt *st = db_stmt("UPDATE users SET password_hash = :h, updated_at = strftime('%s','now') "
					   "WHERE id = :u AND tenant_id = :t");
		db_bind_text(st, ":h", newhash);
		db_bind_int(st, ":u", u->uid);
		db_bind_int(st, ":t", u->tid);
		if (db_run(st) < 0) { adm_fail(r, "the session"); return; }
		if (audit_write_as(u->tid, u->uid, mail, r->remote_addr, "user.password_rehash", "user", u->uid, NULL, NULL) < 0)
		log_warn("user.password_rehash for user %lld not audited", (long long)u->uid);
	}
	if (code_id && staffcode_use(code_id) < 0) {   /* used by a request in between */
		db_rollback();
		http_error(r, 410, "code_expired", NULL, "this code has expired, was used, or had too many wrong tries: ask for a new one");
		return;
	}
	const char *action = code_id ? (want_session ? "login.code.session" : "login.code") : (want_session ? "login.session" : "login");
	int rc = want_session ? session_create(r, u->tid, u->uid, csrf, &expires)
			      : auth_token_create(u->tid, u->uid, tname, token);
	if (rc < 0 || audit_write_as(u->tid, u->uid, mail, r->remote_addr, action, "user", u->uid, NULL,
				     want_session ? NULL : tname) < 0) {
		adm_fail(r, "the session");
		return;
	}
	if (adm_commit(r) < 0) return;
	tenant t = { 0 };
	tenant_load_id(&t, u->tid);
	cJSON *o = cJSON_CreateObject();
	if (want_session) {
		char ts[32];
		iso8601(expires, ts);
		cJSON_AddStringToObject(o, "csrfToken", csrf);
		cJSON_AddStringToObject(o, "expiresAt", ts);
	} else {
		cJSON_AddStringToObject(o, "token", token);
	}
	cJSON *uo = cJSON_AddObjectToObject(o, "user");
	add_id(uo, "id", u->uid);
	cJSON_AddStringToObject(uo, "email", mail);
	cJSON_AddStringToObject(uo, "role", u->role);
	cJSON *s = cJSON_AddObjectToObject(o, "store");
	cJSON_AddStringToObject(s, "username", t.username);
	cJSON_AddStringToObject(s, "name", t.name);
	cJSON_AddStringToObject(s, "status", t.status);
	tenant_clear(&t);
	http_json(r, 200, o);
}

/* Route: POST /api/cms/login {email, password, store?, session?, tokenName?}
 * -> {token, user, store} or, with session: true, a session cookie and
 * {csrfToken, expiresAt, user, store}. Sessions only on the admin host
 * (else 403 admin_host_required) and only from its own pages. The store is
 * the Host's when it names one, else `store` (username), else the only
 * store the email belongs to. Unknown email and wrong password get the
 * same answer after the same work; failures are throttled per account and
 * per IP (429 Retry-After). */
void adm_login(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int admin_host = session_admin_host(r);
	const char *email, *password, *store = NULL, *tname = "login";
	int want_session = 0;
	if (in_str(r, b, "email", IN_REQUIRED, IN_EMAIL_MAX, &email) < 0 ||
	    in_str(r, b, "password", IN_REQUIRED, AUTH_PASSWORD_MAX, &password) < 0 ||
	    in_str(r, b, "store", IN_OPTIONAL, 64, &store) < 0 ||
	    in_bool(r, b, "session", IN_OPTIONAL, &want_session) < 0 ||
	    in_str(r, b, "tokenName", IN_OPTIONAL, 100, &tname) < 0)
		goto out;
	if (session_allowed(r, want_session, admin_host) < 0) goto out;
	char mail[256];
	snprintf(mail, sizeof mail, "%s", email);
	str_lower(mail);
	long wait = throttle_login_wait(mail, r->remote_addr);
	if (wait > 0) { throttled(r, wait); goto out; }
	int64_t tid = login_store(r, admin_host, store);
	staff_user u;
	int found = find_staff(mail, tid, &u);
	int ok = found ? auth_verify_password(u.hash, password) : (auth_burn(password), 0);
	if (!ok) {
		throttle_login_failed(mail, r->remote_addr);
		if (found && audit_write_as(u.tid, u.uid, mail, r->remote_addr, "login.failed", "user", u.uid, NULL, NULL) < 0)
		log_warn("login.failed for user %lld not audited", (long long)u.uid);
		http_error(r, 401, "invalid_credentials", NULL, "email or password is wrong");
		goto out;
	}
	if (u.many) { several_stores(r, mail); goto out; }
	throttle_login_ok(mail);
	char newhash[256] = "";
	if (auth_needs_rehash(u.hash) && auth_hash_password(password, newhash, sizeof newhash) < 0) newhash[0] = 0;
	signed_in(r, &u, mail, want_session, tname, newhash, 0);
out:
	cJSON_Delete(b);
}

/* The admin host's own address for links in emails ("https://admin...",
 * with the request's port when it is not the default). */
static void admin_origin(req *r, char *out, size_t n)
{
	int dflt = !r->host_port[0] || !strcmp(r->host_port, r->https ? "443" : "80");
	if (dflt) snprintf(out, n, "https://%s", cfg.admin_host);
	else snprintf(out, n, "%s://%s:%s", r->https ? "https" : "http", cfg.admin_host, r->host_port);
}

/* A checked, lower-cased email field into out[IN_EMAIL_MAX + 1]; -1 answered. */
static int email_field(req *r, const cJSON *b, char *out)
{
	const char *e, *why;
	if (in_str(r, b, "email", IN_REQUIRED, IN_EMAIL_MAX, &e) < 0) return -1;
	if ((why = email_problem(e))) { in_fail(r, "email", "%s", why); return -1; }
	snprintf(out, IN_EMAIL_MAX + 1, "%s", e);
	str_lower(out);
	return 0;
}

/* Route: POST /api/cms/login/code {email, store?} -> 202 {status, expiresIn},
 * the same whether or not the email is anyone's staff (no enumeration);
 * when it is, a code of STAFFCODE_DIGITS digits goes to it by email. 503
 * mail_not_configured without an SMTP server (smtp_url). Throttled like
 * password sign-ins (per account and IP), and staff_code_attempts codes
 * per email per staff_code_ttl (429 too_many_codes). */
void adm_login_code(req *r)
{
	if (!cfg.smtp_url[0]) {
		http_error(r, 503, "mail_not_configured", NULL,
			   "this server sends no email (no smtp_url is set), so it cannot send sign-in codes: "
			   "sign in with your password");
		return;
	}
	cJSON *b = http_json_body(r);
	if (!b) return;
	char mail[IN_EMAIL_MAX + 1];
	const char *store = NULL;
	if (email_field(r, b, mail) < 0 || in_str(r, b, "store", IN_OPTIONAL, 64, &store) < 0) goto out;
	long wait = throttle_login_wait(mail, r->remote_addr);
	if (wait > 0) { throttled(r, wait); goto out; }
	/* a few codes per email per code lifetime: no mail bombing */
	char key[IN_EMAIL_MAX + 8];
	snprintf(key, sizeof key, "staff:%s", mail);
	long retry = 0;
	if (ratelimit_take("staffcode", key, cfg.staff_code_attempts, cfg.staff_code_ttl, &retry) == 1) {
		ratelimit_answer(r, "too_many_codes", retry, "sign-in codes sent to this email");
		goto out;
	}
	int64_t tid = login_store(r, session_admin_host(r), store);
	char origin[300];
	admin_origin(r, origin, sizeof origin);
	if (tid >= 0 && staffcode_send(mail, tid, origin) != SC_OK) {
		server_storage_error(r, "no code was sent");
		goto out;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "sent");
	cJSON_AddNumberToObject(o, "expiresIn", (double)cfg.staff_code_ttl);
	cJSON_AddNumberToObject(o, "digits", STAFFCODE_DIGITS);
	http_json(r, 202, o);
out:
	cJSON_Delete(b);
}

/* Route: POST /api/cms/login/code/verify {email, code, store?, session?,
 * tokenName?} -> what POST /api/cms/login gives for a password (the same
 * session cookie and CSRF token, or a token; 422 details.stores for an
 * email of several stores, the code staying good for the next try with
 * `store`). 401 invalid_code (a try spent: staff_code_attempts of them
 * burn the code), 410 code_expired (none live: expired, used, burnt,
 * another store's); throttled with password sign-ins (429). */
void adm_login_code_verify(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int admin_host = session_admin_host(r);
	char mail[IN_EMAIL_MAX + 1], buf[64];
	const char *code, *store = NULL, *tname = "login", *why;
	int want_session = 0;
	if (email_field(r, b, mail) < 0 || in_str(r, b, "code", IN_REQUIRED, 20, &code) < 0 ||
	    in_str(r, b, "store", IN_OPTIONAL, 64, &store) < 0 ||
	    in_bool(r, b, "session", IN_OPTIONAL, &want_session) < 0 ||
	    in_str(r, b, "tokenName", IN_OPTIONAL, 100, &tname) < 0)
		goto out;
	if ((why = otcode_problem(code, STAFFCODE_DIGITS, buf, sizeof buf))) { in_fail(r, "code", "%s", why); goto out; }
	if (session_allowed(r, want_session, admin_host) < 0) goto out;
	long wait = throttle_login_wait(mail, r->remote_addr);
	if (wait > 0) { throttled(r, wait); goto out; }
	int64_t tid = login_store(r, admin_host, store), id = 0, code_tid = 0;
	sc_code rc = tid < 0 ? SC_EXPIRED : staffcode_check(mail, tid, code, &id, &code_tid);
	staff_user u;
	if (rc == SC_OK && !find_staff(mail, tid ? tid : code_tid, &u)) rc = SC_EXPIRED;  /* no longer staff there */
	switch (rc) {
	case SC_OK: break;
	case SC_STORAGE: server_storage_error(r, "nobody was signed in"); goto out;
	case SC_BAD:
		throttle_login_failed(mail, r->remote_addr);
		http_error(r, 401, "invalid_code", NULL, "the code is wrong");
		goto out;
	case SC_EXPIRED:
		throttle_login_failed(mail, r->remote_addr);
		http_error(r, 410, "code_expired", NULL, "this code has expired, was used, or had too many wrong tries: ask for a new one");
		goto out;
	}
	if (u.many) { several_stores(r, mail); goto out; }
	throttle_login_ok(mail);
	signed_in(r, &u, mail, want_session, tname, "", id);
out:
	cJSON_Delete(b);
}

/* Route: POST /api/cms/logout -- ends the session, or revokes the token used. */
void adm_logout(req *r)
{
	if (r->who.session_id) {
		session_end(r);
	} else if (r->who.token_id) {
		sqlite3_stmt *st = db_stmt("UPDATE api_tokens SET revoked_at = strftime('%s','now') "
					   "WHERE id = :id AND tenant_id = :t AND revoked_at IS NULL");
		db_bind_int(st, ":id", r->who.token_id);
		db_bind_int(st, ":t", r->t.id);
		if (db_run(st) < 0) { server_storage_error(r, "the token was not revoked"); return; }
	}
	if (audit_write(r, "logout", "user", r->who.user_id, NULL, NULL) < 0)
		log_warn("logout of user %lld not audited", (long long)r->who.user_id);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "signedOut", 1);
	http_json(r, 200, o);
}

/* Route: GET /api/cms/me -> {user, store, auth, csrfToken?} */
void adm_me(req *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *u = cJSON_AddObjectToObject(o, "user");
	add_id(u, "id", r->who.user_id);
	cJSON_AddStringToObject(u, "email", r->who.email);
	cJSON_AddStringToObject(u, "role", r->who.role);
	cJSON *s = cJSON_AddObjectToObject(o, "store");
	cJSON_AddStringToObject(s, "username", r->t.username);
	cJSON_AddStringToObject(s, "name", r->t.name);
	cJSON_AddStringToObject(s, "status", r->t.status);
	cJSON_AddStringToObject(o, "auth", r->who.session_id ? "session" : "token");
	char csrf[65];
	if (r->who.session_id && session_csrf_of(r->who.session_id, csrf) == 0)
		cJSON_AddStringToObject(o, "csrfToken", csrf);
	http_json(r, 200, o);
}

/* Route: POST /api/cms/password {currentPassword, newPassword,
 * revokeTokens?} -- also ends every other session of the user; with
 * revokeTokens: true every API token of the user but the one making the
 * request is revoked too. Default false: the app changes a password with
 * its own token, and the POS tills' named tokens should not stop because
 * someone rotated a password; after a compromise, send true (the CLI's
 * `user passwd` revokes by default). -> {changed, tokensRevoked} */
void adm_password(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *cur, *pw;
	int revoke = 0;
	if (in_str(r, b, "currentPassword", IN_REQUIRED, AUTH_PASSWORD_MAX, &cur) < 0 ||
	    in_str(r, b, "newPassword", IN_REQUIRED, AUTH_PASSWORD_INPUT_MAX, &pw) < 0 ||
	    in_bool(r, b, "revokeTokens", IN_OPTIONAL, &revoke) < 0)
		goto out;
	const char *problem = auth_password_problem(pw);
	if (problem) { in_fail(r, "newPassword", "%s", problem); goto out; }
	int ok = password_matches(r, cur);
	if (ok < 0) goto out;
	if (!ok) { in_fail(r, "currentPassword", "is not the current password"); goto out; }
	char hash[256];
	if (auth_hash_password(pw, hash, sizeof hash) < 0) { http_error(r, 500, "internal_error", NULL, "cannot hash the password"); goto out; }
	if (db_begin(1) < 0) { adm_fail(r, "the password"); goto out; }
	int revoked = 0;
	sqlite3_stmt *st = db_stmt("UPDATE users SET password_hash = :h, updated_at = strftime('%s','now') WHERE id = :u AND tenant_id = :t");
	db_bind_text(st, ":h", hash);
	db_bind_int(st, ":u", r->who.user_id);
	db_bind_int(st, ":t", r->t.id);
	if (db_run(st) < 0 || session_end_user(r->who.user_id, r->who.session_id) < 0 ||
	    (revoke && (revoked = auth_tokens_revoke_user(r->t.id, r->who.user_id, r->who.token_id)) < 0) ||
	    audit_write(r, "user.password", "user", r->who.user_id, NULL, revoke ? "tokens revoked" : NULL) < 0) {
		adm_fail(r, "the password");
		goto out;
	}
	if (adm_commit(r) < 0) goto out;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "changed", 1);
	cJSON_AddNumberToObject(o, "tokensRevoked", revoked);
	http_json(r, 200, o);
out:
	cJSON_Delete(b);
}

/* ---- users ---- */

static cJSON *user_json(sqlite3_stmt *st)
{
	cJSON *u = cJSON_CreateObject();
	add_id(u, "id", db_int(st, 0));
	cJSON_AddStringToObject(u, "email", db_text(st, 1));
	cJSON_AddStringToObject(u, "role", db_text(st, 2));
	add_time(u, "createdAt", st, 3);
	return u;
}

static cJSON *user_get(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT id, email, role, created_at FROM users WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	cJSON *u = db_step(st) == SQLITE_ROW ? user_json(st) : NULL;
	db_reset(st);
	return u;
}

/* Route: GET /api/cms/users?limit=&offset= */
void adm_users_list(req *r)
{
	int64_t limit, offset;
	if (in_query_limit(r, cfg.list_limit_max, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	sqlite3_stmt *st = db_stmt("SELECT id, email, role, created_at FROM users WHERE tenant_id = :t ORDER BY id LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "users");
	while (db_step(st) == SQLITE_ROW) cJSON_AddItemToArray(a, user_json(st));
	db_reset(st);
	http_json(r, 200, o);
}

static const char *const roles[] = { "owner", "editor", "staff", NULL };

/* Route: POST /api/cms/users {email, role, password, currentPassword} */
void adm_user_create(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *email, *role, *pw;
	if (in_str(r, b, "email", IN_REQUIRED, IN_EMAIL_MAX, &email) < 0 || in_enum(r, b, "role", IN_REQUIRED, roles, &role) < 0 ||
	    in_str(r, b, "password", IN_REQUIRED, AUTH_PASSWORD_INPUT_MAX, &pw) < 0)
		goto out;
	if (!strchr(email, '@') || email[0] == '@' || strchr(email, ' ')) { in_fail(r, "email", "is not an email address"); goto out; }
	const char *problem = auth_password_problem(pw);
	if (problem) { in_fail(r, "password", "%s", problem); goto out; }
	if (reauth(r, b) < 0) goto out;
	char mail[256], hash[256];
	snprintf(mail, sizeof mail, "%s", email);
	str_lower(mail);
	if (auth_hash_password(pw, hash, sizeof hash) < 0) { http_error(r, 500, "internal_error", NULL, "cannot hash the password"); goto out; }
	if (db_begin(1) < 0) { adm_fail(r, "the user"); goto out; }
	sqlite3_stmt *st = db_stmt("INSERT INTO users(tenant_id, email, password_hash, role, created_at, updated_at) "
				   "VALUES(:t, :e, :h, :r, strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":e", mail);
	db_bind_text(st, ":h", hash);
	db_bind_text(st, ":r", role);
	if (db_run(st) < 0) {
		if (db_errcode() == SQLITE_CONSTRAINT) {
			db_rollback();
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "field", "email");
			http_error(r, 409, "conflict", d, "a user with email %s already exists in this store", mail);
		} else {
			adm_fail(r, "the user");
		}
		goto out;
	}
	int64_t id = db_last_id();
	if (audit_write(r, "user.create", "user", id, NULL, role) < 0) { adm_fail(r, "the user"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, 201, user_get(r->t.id, id), "user");
out:
	cJSON_Delete(b);
}

static int owners_left(int64_t tid, int64_t except)
{
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM users WHERE tenant_id = :t AND role = 'owner' AND id != :x");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":x", except);
	int n = db_step(st) == SQLITE_ROW ? (int)db_int(st, 0) : 0;
	db_reset(st);
	return n;
}

static int is_owner(int64_t tid, int64_t id)
{
	cJSON *u = user_get(tid, id);
	int own = u && strcmp(cJSON_GetObjectItemCaseSensitive(u, "role")->valuestring, "owner") == 0;
	cJSON_Delete(u);
	return own;
}

/* Route: PUT /api/cms/users/{id} {role, currentPassword} -- the last owner
 * stays an owner. */
void adm_user_update(req *r)
{
	int64_t id = route_id(r, 0);
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *role;
	if (in_enum(r, b, "role", IN_REQUIRED, roles, &role) < 0) goto out;
	cJSON *u = user_get(r->t.id, id);       /* another store's id: 404 before any password talk */
	if (!u) { adm_not_found(r, "user"); goto out; }
	cJSON_Delete(u);
	if (reauth(r, b) < 0) goto out;        /* (argon2 outside the write transaction) */
	if (db_begin(1) < 0) { adm_fail(r, "the user"); goto out; }
	u = user_get(r->t.id, id);
	if (!u) { db_rollback(); adm_not_found(r, "user"); goto out; }
	cJSON_Delete(u);
	if (strcmp(role, "owner") != 0 && is_owner(r->t.id, id) && owners_left(r->t.id, id) == 0) {
		db_rollback();
		http_error(r, 409, "last_owner", NULL, "a store keeps at least one owner; make someone else owner first");
		goto out;
	}
	sqlite3_stmt *st = db_stmt("UPDATE users SET role = :r, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
	db_bind_text(st, ":r", role);
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0 || audit_write(r, "user.role", "user", id, NULL, role) < 0) { adm_fail(r, "the user"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, 200, user_get(r->t.id, id), "user");
out:
	cJSON_Delete(b);
}

/* Route: DELETE /api/cms/users/{id} -- with their sessions and tokens. */
void adm_user_delete(req *r)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, "the user"); return; }
	cJSON *u = user_get(r->t.id, id);
	if (!u) { db_rollback(); adm_not_found(r, "user"); return; }
	cJSON_Delete(u);
	if (is_owner(r->t.id, id) && owners_left(r->t.id, id) == 0) {
		db_rollback();
		http_error(r, 409, "last_owner", NULL, "the last owner of a store cannot be removed");
		return;
	}
	sqlite3_stmt *st = db_stmt("DELETE FROM users WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0 || audit_write(r, "user.delete", "user", id, NULL, NULL) < 0) { adm_fail(r, "the user"); return; }
	if (adm_commit(r) == 0) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "deleted", 1);
		http_json(r, 200, o);
	}
}

/* ---- API tokens ---- */

/* Owners see and revoke every token of the store; others only their own. */
static int64_t token_scope(req *r)
{
	return strcmp(r->who.role, "owner") == 0 ? 0 : r->who.user_id;
}

static cJSON *token_json(sqlite3_stmt *st, int64_t current)
{
	cJSON *k = cJSON_CreateObject();
	add_id(k, "id", db_int(st, 0));
	cJSON_AddStringToObject(k, "name", db_text(st, 1));
	add_id(k, "userId", db_int(st, 2));
	cJSON_AddStringToObject(k, "userEmail", db_text(st, 3));
	add_time(k, "createdAt", st, 4);
	add_time(k, "lastUsedAt", st, 5);
	add_time(k, "expiresAt", st, 6);
	add_time(k, "revokedAt", st, 7);
	cJSON_AddBoolToObject(k, "current", db_int(st, 0) == current);
	return k;
}

#define TOKEN_COLS "k.id, k.name, k.user_id, u.email, k.created_at, k.last_used_at, k.expires_at, k.revoked_at"

static cJSON *token_get(req *r, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " TOKEN_COLS " FROM api_tokens k JOIN users u ON u.id = k.user_id "
				   "WHERE k.tenant_id = :t AND k.id = :id AND (:u = 0 OR k.user_id = :u)");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", token_scope(r));
	cJSON *k = db_step(st) == SQLITE_ROW ? token_json(st, r->who.token_id) : NULL;
	db_reset(st);
	return k;
}

/* Route: GET /api/cms/tokens?all=1&limit=&offset= (revoked and expired too
 * with all=1), newest first */
void adm_tokens_list(req *r)
{
	const char *all = http_query(r, "all");
	int64_t limit, offset;
	if (in_query_limit(r, cfg.list_limit_max, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	sqlite3_stmt *st = db_stmt("SELECT " TOKEN_COLS " FROM api_tokens k JOIN users u ON u.id = k.user_id "
				   "WHERE k.tenant_id = :t AND (:u = 0 OR k.user_id = :u) AND (:all OR (k.revoked_at IS NULL "
				   "AND (k.expires_at IS NULL OR k.expires_at > strftime('%s','now')))) ORDER BY k.id DESC "
				   "LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	db_bind_int(st, ":u", token_scope(r));
	db_bind_int(st, ":all", all && strcmp(all, "1") == 0);
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "tokens");
	while (db_step(st) == SQLITE_ROW) cJSON_AddItemToArray(a, token_json(st, r->who.token_id));
	db_reset(st);
	http_json(r, 200, o);
}

/* Route: POST /api/cms/tokens {name, expiresInDays?, currentPassword} -> the
 * token, once. */
void adm_token_create(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *name;
	int64_t days = 0;
	if (in_str(r, b, "name", IN_REQUIRED, 100, &name) < 0 ||
	    in_int(r, b, "expiresInDays", IN_OPTIONAL, 1, 3650, &days) < 0 || reauth(r, b) < 0)
		goto out;
	char token[48];
	if (db_begin(1) < 0 || auth_token_create(r->t.id, r->who.user_id, name, token) < 0) { adm_fail(r, "the token"); goto out; }
	int64_t id = db_last_id();
	if (days) {
		sqlite3_stmt *st = db_stmt("UPDATE api_tokens SET expires_at = strftime('%s','now') + :s WHERE id = :id");
		db_bind_int(st, ":s", days * 86400);
		db_bind_int(st, ":id", id);
		if (db_run(st) < 0) { adm_fail(r, "the token"); goto out; }
	}
	if (audit_write(r, "token.create", "token", id, NULL, name) < 0) { adm_fail(r, "the token"); goto out; }
	if (adm_commit(r) < 0) goto out;
	cJSON *k = token_get(r, id);
	if (k) cJSON_AddStringToObject(k, "token", token);
	adm_send(r, 201, k, "token");
out:
	cJSON_Delete(b);
}

/* Route: DELETE /api/cms/tokens/{id} -- revoke (kept, with revokedAt). */
void adm_token_revoke(req *r)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, "the token"); return; }
	sqlite3_stmt *st = db_stmt("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, strftime('%s','now')) "
				   "WHERE tenant_id = :t AND id = :id AND (:u = 0 OR user_id = :u)");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", token_scope(r));
	if (db_run(st) < 0) { adm_fail(r, "the token"); return; }
	if (db_changes() == 0) { db_rollback(); adm_not_found(r, "token"); return; }
	if (audit_write(r, "token.revoke", "token", id, NULL, NULL) < 0) { adm_fail(r, "the token"); return; }
	if (adm_commit(r) == 0) adm_send(r, 200, token_get(r, id), "token");
}

/* ---- audit log ---- */

/* Route: GET /api/cms/audit?before=ID&limit=N&action=PREFIX -- newest first. */
void adm_audit(req *r)
{
	const char *act = http_query(r, "action");
	int64_t before, limit;
	if (in_query_offset(r, "before", &before) < 0 || in_query_limit(r, 100, &limit) < 0) return;
	if (act && strlen(act) > 64) { in_query_fail(r, "action", "must be at most 64 characters"); return; }
	sqlite3_stmt *st = db_stmt(
		"SELECT id, user_id, actor, action, entity, entity_id, detail, ip, at FROM audit_log "
		"WHERE tenant_id = :t AND (:b = 0 OR id < :b) AND (:a IS NULL OR substr(action, 1, length(:a)) = :a) "
		"ORDER BY id DESC LIMIT :n");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":b", before);
	db_bind_text(st, ":a", act && *act ? act : NULL);
	db_bind_int(st, ":n", limit);
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "entries");
	long long last = 0;
	while (db_step(st) == SQLITE_ROW) {
		cJSON *e = cJSON_CreateObject();
		last = db_int(st, 0);
		add_id(e, "id", last);
		if (db_isnull(st, 1)) cJSON_AddNullToObject(e, "userId"); else add_id(e, "userId", db_int(st, 1));
		cJSON_AddStringToObject(e, "actor", db_text(st, 2));
		cJSON_AddStringToObject(e, "action", db_text(st, 3));
		cJSON_AddStringToObject(e, "entity", db_text(st, 4));
		cJSON_AddStringToObject(e, "entityId", db_text(st, 5));
		cJSON_AddStringToObject(e, "detail", db_text(st, 6));
		cJSON_AddStringToObject(e, "ip", db_text(st, 7));
		add_time(e, "at", st, 8);
		cJSON_AddItemToArray(a, e);
	}
	db_reset(st);
	if (last) add_id(o, "next", last); else cJSON_AddNullToObject(o, "next");
	http_json(r, 200, o);
}
