/* auth: argon2id passwords, hashed API tokens, Bearer authentication. */
#include "auth.h"
#include "route.h"
#include "db.h"
#include "sha256.h"
#include "log.h"
#include "html.h"

#include <argon2.h>
#include <stdio.h>
#include <string.h>

#define T_COST 2
#define M_COST (19 * 1024)   /* KiB */
#define PARALLEL 1
#define SALT_LEN 16
#define HASH_LEN 32

int auth_hash_password(const char *password, char *out, size_t n)
{
	unsigned char salt[SALT_LEN];
	random_bytes(salt, sizeof salt);
	int rc = argon2id_hash_encoded(T_COST, M_COST, PARALLEL, password, strlen(password),
				       salt, sizeof salt, HASH_LEN, out, n);
	if (rc != ARGON2_OK) {
		log_error("argon2: %s", argon2_error_message(rc));
		return -1;
	}
	return 0;
}

int auth_verify_password(const char *encoded, const char *password)
{
	if (str_startswith(encoded, "$argon2i$"))
		return argon2i_verify(encoded, password, strlen(password)) == ARGON2_OK;
	return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

int auth_needs_rehash(const char *encoded)
{
	unsigned v = 0, m = 0, t = 0, p = 0;
	if (sscanf(encoded, "$argon2id$v=%u$m=%u,t=%u,p=%u$", &v, &m, &t, &p) != 4) return 1;
	return v != ARGON2_VERSION_NUMBER || m < M_COST || t < T_COST || p < PARALLEL;
}

const char *auth_password_problem(const char *pw)
{
	size_t n = strlen(pw);
	if (n < AUTH_PASSWORD_MIN) return "must be at least 10 characters";
	if (n > AUTH_PASSWORD_MAX) return "must be at most 128 characters";
	if (!utf8_valid(pw, n)) return "is not valid UTF-8";
	return NULL;
}

void auth_burn(const char *password)
{
	static char dummy[128];
	if (!dummy[0]) auth_hash_password("not-a-real-password", dummy, sizeof dummy);
	(void)auth_verify_password(dummy, password);
}

int auth_token_create(int64_t tenant_id, int64_t user_id, const char *name, char out[48])
{
	char hex[41], hash[65];
	random_hex(hex, 20);
	snprintf(out, 48, "sf_%s", hex);
	sha256_hex(out, strlen(out), hash);
	sqlite3_stmt *st = db_stmt("INSERT INTO api_tokens(tenant_id, user_id, name, token_hash, created_at) "
				   "VALUES(:t, :u, :n, :h, strftime('%s','now'))");
	db_bind_int(st, ":t", tenant_id);
	db_bind_int(st, ":u", user_id);
	db_bind_text(st, ":n", name ? name : "");
	db_bind_text(st, ":h", hash);
	return db_run(st);
}

int auth_tokens_revoke_user(int64_t tenant_id, int64_t user_id, int64_t except_token)
{
	sqlite3_stmt *st = db_stmt("UPDATE api_tokens SET revoked_at = strftime('%s','now') "
				   "WHERE tenant_id = :t AND user_id = :u AND id != :x AND revoked_at IS NULL");
	db_bind_int(st, ":t", tenant_id);
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":x", except_token);
	return db_run(st) < 0 ? -1 : db_changes();
}

int auth_role_bit(const char *role)
{
	if (!role) return 0;
	if (strcmp(role, "owner") == 0) return ROLE_OWNER;
	if (strcmp(role, "editor") == 0) return ROLE_EDITOR;
	if (strcmp(role, "staff") == 0) return ROLE_STAFF;
	return 0;
}

int auth_bearer(req *r)
{
	const char *h = http_env(r, "HTTP_AUTHORIZATION");
	if (!h || strncmp(h, "Bearer ", 7) != 0) return -1;
	const char *tok = h + 7;
	while (*tok == ' ') tok++;
	size_t n = strlen(tok);
	if (n < 10 || n > 100) return -1;
	char hash[65];
	sha256_hex(tok, n, hash);
	sqlite3_stmt *st = db_stmt(
		"SELECT k.id, k.tenant_id, u.id, u.email, u.role FROM api_tokens k "
		"JOIN users u ON u.id = k.user_id AND u.tenant_id = k.tenant_id "
		"WHERE k.token_hash = :h AND k.revoked_at IS NULL "
		"AND (k.expires_at IS NULL OR k.expires_at > strftime('%s','now'))");
	db_bind_text(st, ":h", hash);
	if (db_step(st) != SQLITE_ROW) { db_reset(st); return -1; }
	int64_t token_id = db_int(st, 0), tenant_id = db_int(st, 1);
	r->who.token_id = token_id;
	r->who.user_id = db_int(st, 2);
	snprintf(r->who.email, sizeof r->who.email, "%s", db_text(st, 3));
	snprintf(r->who.role, sizeof r->who.role, "%s", db_text(st, 4));
	db_reset(st);
	if (tenant_load_id(&r->t, tenant_id) < 0) {
		memset(&r->who, 0, sizeof r->who);
		return -1;
	}
	st = db_stmt("UPDATE api_tokens SET last_used_at = strftime('%s','now') WHERE id = :id "
		     "AND (last_used_at IS NULL OR last_used_at < strftime('%s','now') - 60)");
	db_bind_int(st, ":id", token_id);
	db_run_best_effort(st);
	return 0;
}
