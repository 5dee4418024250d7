/* staffcode: staff sign-in codes by email (staffcode.h). */
#include "staffcode.h"
#include "config.h"
#include "db.h"
#include "otcode.h"
#include "outbox.h"
#include "tenant.h"
#include "util.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#define SCOPE "staff"

/* The store a code's email is sent from (the named one, else the email's
 * first store by username) and how many stores it opens: 0 when the email
 * is nobody's staff there. */
static int64_t staff_store(const char *email, int64_t tid, int64_t *count)
{
	sqlite3_stmt *st = db_stmt(
		"SELECT u.tenant_id, (SELECT count(*) FROM users x JOIN tenants xt ON xt.id = x.tenant_id "
		"WHERE x.email = :e AND (:t = 0 OR x.tenant_id = :t) AND xt.status != 'deleted') "
		"FROM users u JOIN tenants t ON t.id = u.tenant_id "
		"WHERE u.email = :e AND (:t = 0 OR u.tenant_id = :t) AND t.status != 'deleted' ORDER BY t.username LIMIT 1");
	db_bind_text(st, ":e", email);
	db_bind_int(st, ":t", tid);
	int64_t found = 0;
	*count = 0;
	if (db_step(st) == SQLITE_ROW) {
		found = db_int(st, 0);
		*count = db_int(st, 1);
	}
	db_reset(st);
	return found;
}

sc_code staffcode_send(const char *email, int64_t tid, const char *origin)
{
	int64_t many = 0, from = staff_store(email, tid, &many);
	if (!from) return SC_OK;            /* nobody's staff: nothing sent, the same answer */
	tenant t = { 0 };
	if (tenant_load_id(&t, from) < 0) return SC_OK;
	char code[STAFFCODE_DIGITS + 1], hash[65];
	otcode_make(code, STAFFCODE_DIGITS);
	otcode_hash(SCOPE, email, code, hash);
	int64_t now = now_unix();
	if (db_begin(1) < 0) { tenant_clear(&t); return SC_STORAGE; }
	/* one live code per email: the newest; dead ones of the email go */
	sqlite3_stmt *st = db_stmt("UPDATE staff_codes SET used_at = :now WHERE email = :e AND used_at IS NULL");
	db_bind_int(st, ":now", now);
	db_bind_text(st, ":e", email);
	if (db_run(st) < 0) goto fail;
	st = db_stmt("DELETE FROM staff_codes WHERE email = :e AND used_at IS NOT NULL AND used_at < :old");
	db_bind_text(st, ":e", email);
	db_bind_int(st, ":old", now - cfg.staff_code_ttl);
	if (db_run(st) < 0) goto fail;
	st = db_stmt("INSERT INTO staff_codes(email, tenant_id, code_hash, expires_at, created_at) VALUES(:e, :t, :h, :exp, :now)");
	db_bind_text(st, ":e", email);
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":h", hash);
	db_bind_int(st, ":exp", now + cfg.staff_code_ttl);
	db_bind_int(st, ":now", now);
	if (db_run(st) < 0) goto fail;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "code", code);
	cJSON_AddStringToObject(d, "origin", origin);
	cJSON_AddNumberToObject(d, "minutes", (double)(cfg.staff_code_ttl / 60));
	cJSON_AddBoolToObject(d, "severalStores", many > 1);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "store"), "name", t.name);
	int rc = outbox_queue_email(&t, email, "staff_code", d);
	cJSON_Delete(d);
	if (rc < 0 || db_commit() < 0) goto fail;
	tenant_clear(&t);
	return SC_OK;
fail:
	db_rollback();
	tenant_clear(&t);
	return SC_STORAGE;
}

sc_code staffcode_check(const char *email, int64_t tid, const char *code, int64_t *id, int64_t *code_tid)
{
	if (db_begin(1) < 0) return SC_STORAGE;
	/* a code asked for one store opens that store only */
	sqlite3_stmt *st = db_stmt("SELECT id, code_hash, attempts, expires_at, tenant_id FROM staff_codes "
				   "WHERE email = :e AND used_at IS NULL AND (:t = 0 OR tenant_id IN (0, :t)) ORDER BY id DESC LIMIT 1");
	db_bind_text(st, ":e", email);
	db_bind_int(st, ":t", tid);
	int found = db_step(st) == SQLITE_ROW;
	int64_t row = found ? db_int(st, 0) : 0, attempts = found ? db_int(st, 2) : 0, exp = found ? db_int(st, 3) : 0;
	int64_t row_tid = found ? db_int(st, 4) : 0;
	char stored[65] = "";
	if (found) snprintf(stored, sizeof stored, "%s", db_text(st, 1));
	db_reset(st);
	switch (otcode_judge(found, stored, attempts, exp, cfg.staff_code_attempts, SCOPE, email, code)) {
	case OTC_OK:
		db_rollback();      /* nothing written: used up with the session */
		*id = row;
		*code_tid = row_tid;
		return SC_OK;
	case OTC_EXPIRED:
		db_rollback();
		return SC_EXPIRED;
	case OTC_BAD: break;
	}
	st = db_stmt("UPDATE staff_codes SET attempts = attempts + 1 WHERE id = :id");
	db_bind_int(st, ":id", row);
	if (db_run(st) < 0 || db_commit() < 0) {
		db_rollback();
		return SC_STORAGE;
	}
	return SC_BAD;
}

int staffcode_use(int64_t id)
{
	sqlite3_stmt *st = db_stmt("UPDATE staff_codes SET used_at = :now WHERE id = :id AND used_at IS NULL");
	db_bind_int(st, ":now", now_unix());
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) return -1;
	return db_changes() == 1 ? 0 : -1;
}
