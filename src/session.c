/* session: cookie sessions and CSRF tokens, on the admin host only (see
 * session.h). */
#include "session.h"
#include "config.h"
#include "sha256.h"
#include "db.h"

#include <stdio.h>
#include <string.h>

static void cookie(req *r, const char *value, long max_age)
{
	http_set_cookie(r, SESSION_COOKIE, value, max_age, 1, "Strict");
}

static int value_hash(const char *v, char hash[65]);

/* Every value of the cookie is tried: another host of the base domain may
 * have set one of the same name ahead of ours. */
static void end_row(req *r)
{
	char hash[65];
	int pos = 0;
	const char *v;
	while ((v = http_cookie_next(r, SESSION_COOKIE, &pos))) {
		if (value_hash(v, hash) < 0) continue;
		sqlite3_stmt *st = db_stmt("DELETE FROM sessions WHERE token_hash = :h");
		db_bind_text(st, ":h", hash);
		db_run_best_effort(st);
	}
}

int session_create(req *r, int64_t tid, int64_t uid, char csrf[65], int64_t *expires_at)
{
	end_row(r);                              /* rotation: never reuse an id */
	char id[65], hash[65];
	random_hex(id, 32);
	random_hex(csrf, 32);
	sha256_hex(id, strlen(id), hash);
	int64_t now = now_unix();
	*expires_at = now + cfg.session_ttl;
	const char *ua = http_env(r, "HTTP_USER_AGENT");
	sqlite3_stmt *st = db_stmt(
		"INSERT INTO sessions(tenant_id, user_id, token_hash, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) "
		"VALUES(:t, :u, :h, :c, :now, :now, :exp, :ip, substr(:ua, 1, 200))");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":u", uid);
	db_bind_text(st, ":h", hash);
	db_bind_text(st, ":c", csrf);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":exp", *expires_at);
	db_bind_text(st, ":ip", r->remote_addr);
	db_bind_text(st, ":ua", ua ? ua : "");
	if (db_run(st) < 0) return -1;
	r->who.session_id = db_last_id();
	cookie(r, id, cfg.session_ttl);
	/* Now and then, forget expired sessions of everyone. */
	unsigned char dice;
	random_bytes(&dice, 1);
	if (dice < 8) {
		st = db_stmt("DELETE FROM sessions WHERE expires_at < :now OR last_seen_at < :idle");
		db_bind_int(st, ":now", now);
		db_bind_int(st, ":idle", now - cfg.session_idle);
		db_run_best_effort(st);
	}
	return 0;
}

/* The hash of a session cookie value, or -1 when it could not be one of
 * ours. */
static int value_hash(const char *v, char hash[65])
{
	if (!v || strlen(v) != 64) return -1;
	for (const char *p = v; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return -1;
	sha256_hex(v, 64, hash);
	return 0;
}

int session_admin_host(const req *r)
{
	return r->host[0] && strcmp(r->host, cfg.admin_host) == 0;
}

static int auth_hash(req *r, const char *hash, char csrf[65]);

int session_auth(req *r, char csrf[65])
{
	if (!session_admin_host(r)) return -1;
	char hash[65];
	int pos = 0;
	const char *v;
	while ((v = http_cookie_next(r, SESSION_COOKIE, &pos)))
		if (value_hash(v, hash) == 0 && auth_hash(r, hash, csrf) == 0) return 0;
	return -1;
}

static int auth_hash(req *r, const char *hash, char csrf[65])
{
	int64_t now = now_unix();
	sqlite3_stmt *st = db_stmt(
		"SELECT s.id, s.tenant_id, u.id, u.email, u.role, s.csrf_token, s.last_seen_at FROM sessions s "
		"JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id "
		"WHERE s.token_hash = :h AND s.expires_at > :now AND s.last_seen_at > :idle");
	db_bind_text(st, ":h", hash);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":idle", now - cfg.session_idle);
	if (db_step(st) != SQLITE_ROW) { db_reset(st); return -1; }
	int64_t sid = db_int(st, 0), tid = db_int(st, 1), seen = db_int(st, 6);
	r->who.session_id = sid;
	r->who.user_id = db_int(st, 2);
	snprintf(r->who.email, sizeof r->who.email, "%s", db_text(st, 3));
	snprintf(r->who.role, sizeof r->who.role, "%s", db_text(st, 4));
	snprintf(csrf, 65, "%s", db_text(st, 5));
	db_reset(st);
	if (tenant_load_id(&r->t, tid) < 0) {
		memset(&r->who, 0, sizeof r->who);
		return -1;
	}
	if (seen < now - 60) {
		st = db_stmt("UPDATE sessions SET last_seen_at = :now WHERE id = :id");
		db_bind_int(st, ":now", now);
		db_bind_int(st, ":id", sid);
		db_run_best_effort(st);
	}
	return 0;
}

int session_csrf_ok(req *r, const char *csrf)
{
	const char *h = http_header_in(r, SESSION_CSRF_HEADER);
	size_t n = strlen(csrf);
	return h && n == 64 && strlen(h) == n && ct_equal(h, csrf, n);
}

void session_end(req *r)
{
	end_row(r);
	if (http_cookie(r, SESSION_COOKIE)) cookie(r, "", 0);
}

int session_end_user(int64_t uid, int64_t except_session)
{
	sqlite3_stmt *st = db_stmt("DELETE FROM sessions WHERE user_id = :u AND id != :x");
	db_bind_int(st, ":u", uid);
	db_bind_int(st, ":x", except_session);
	return db_run(st);
}

int session_csrf_of(int64_t session_id, char out[65])
{
	sqlite3_stmt *st = db_stmt("SELECT csrf_token FROM sessions WHERE id = :id");
	db_bind_int(st, ":id", session_id);
	int rc = db_step(st) == SQLITE_ROW ? 0 : -1;
	if (rc == 0) snprintf(out, 65, "%s", db_text(st, 0));
	db_reset(st);
	return rc;
}
