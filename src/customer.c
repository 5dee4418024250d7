/* customer: a store's shoppers' accounts, sessions, codes, addresses,
 * order history and deletion, and the merchant's view (customer.h). */
#include "customer.h"
#include "auth.h"
#include "config.h"
#include "csv.h"
#include "db.h"
#include "money.h"
#include "orders.h"
#include "otcode.h"
#include "outbox.h"
#include "rows.h"
#include "sha256.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void customer_email(char *email)
{
	for (char *p = email; *p; p++) *p = (char)tolower((unsigned char)*p);
}

/* ---- sessions ---- */

int64_t customer_session(int64_t tid, const char *token, char csrf[65])
{
	if (!token || strlen(token) != 48) return 0;
	char hash[65];
	sha256_hex(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt("SELECT customer_id, csrf FROM customer_sessions WHERE token_hash = :h AND tenant_id = :t "
				   "AND expires_at > :now");
	db_bind_text(st, ":h", hash);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":now", now_unix());
	int64_t cid = 0;
	if (db_step(st) == SQLITE_ROW) {
		cid = db_int(st, 0);
		snprintf(csrf, 65, "%s", db_text(st, 1));
	}
	db_reset(st);
	return cid;
}

cu_code customer_session_new(int64_t tid, int64_t cid, char token[49], char csrf[65])
{
	char hash[65];
	random_hex(token, 24);
	random_hex(csrf, 32);
	sha256_hex(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt("INSERT INTO customer_sessions(tenant_id, customer_id, token_hash, csrf, created_at, expires_at) "
				   "VALUES(:t, :c, :h, :x, :now, :exp)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	db_bind_text(st, ":h", hash);
	db_bind_text(st, ":x", csrf);
	db_bind_int(st, ":now", now_unix());
	db_bind_int(st, ":exp", now_unix() + cfg.customer_session_ttl);
	return db_run(st) < 0 ? CU_STORAGE : CU_OK;
}

void customer_session_end(int64_t tid, const char *token)
{
	if (!token) return;
	char hash[65];
	sha256_hex(token, strlen(token), hash);
	sqlite3_stmt *st = db_stmt("DELETE FROM customer_sessions WHERE token_hash = :h AND tenant_id = :t");
	db_bind_text(st, ":h", hash);
	db_bind_int(st, ":t", tid);
	db_run_best_effort(st);
}

/* ---- accounts ---- */

static int64_t by_email(int64_t tid, const char *email, char *hash, size_t n)
{
	sqlite3_stmt *st = db_stmt("SELECT id, coalesce(password_hash, '') FROM customers WHERE tenant_id = :t AND email = :e");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":e", email);
	int64_t id = 0;
	if (db_step(st) == SQLITE_ROW) {
		id = db_int(st, 0);
		if (hash) snprintf(hash, n, "%s", db_text(st, 1));
	}
	db_reset(st);
	return id;
}

static cu_code insert(int64_t tid, const char *email, const char *name, const char *hash, int verified, int64_t *cid)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO customers(tenant_id, email, name, password_hash, email_verified_at, created_at, updated_at) "
				   "VALUES(:t, :e, :n, :h, :v, :now, :now)");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":e", email);
	db_bind_text(st, ":n", name ? name : "");
	db_bind_text(st, ":h", hash);
	if (verified) db_bind_int(st, ":v", now_unix());
	else db_bind_null(st, ":v");
	db_bind_int(st, ":now", now_unix());
	if (db_run(st) < 0) return CU_STORAGE;
	*cid = db_last_id();
	return CU_OK;
}

cu_code customer_signup(int64_t tid, const char *email, const char *name, const char *password, int64_t *cid)
{
	if (by_email(tid, email, NULL, 0)) return CU_EXISTS;
	char hash[256];
	if (auth_hash_password(password, hash, sizeof hash) < 0) return CU_STORAGE;
	cu_code rc = insert(tid, email, name, hash, 0, cid);
	/* two sign-ups at once: the unique index refused the second */
	if (rc == CU_STORAGE && by_email(tid, email, NULL, 0)) return CU_EXISTS;
	return rc;
}

cu_code customer_password_login(int64_t tid, const char *email, const char *password, int64_t *cid)
{
	char hash[256] = "";
	int64_t id = by_email(tid, email, hash, sizeof hash);
	if (!id || !hash[0]) {
		auth_burn(password);
		return CU_BAD;
	}
	if (!auth_verify_password(hash, password)) return CU_BAD;
	*cid = id;
	return CU_OK;
}

/* A shopper's codes are scoped by their store: "TID" in otcode_hash. */
static void code_scope(int64_t tid, char out[24])
{
	snprintf(out, 24, "%lld", (long long)tid);
}

cu_code customer_code_send(const tenant *t, const char *email, const char *purpose, const char *origin)
{
	char code[CU_CODE_DIGITS + 1], scope[24], hash[65];
	otcode_make(code, CU_CODE_DIGITS);
	code_scope(t->id, scope);
	otcode_hash(scope, email, code, hash);
	if (db_begin(1) < 0) return CU_STORAGE;
	/* one live code per email and purpose: the newest */
	sqlite3_stmt *st = db_stmt("UPDATE customer_codes SET used_at = :now WHERE tenant_id = :t AND email = :e AND purpose = :p "
				   "AND used_at IS NULL");
	db_bind_int(st, ":now", now_unix());
	db_bind_int(st, ":t", t->id);
	db_bind_text(st, ":e", email);
	db_bind_text(st, ":p", purpose);
	if (db_run(st) < 0) goto fail;
	st = db_stmt("INSERT INTO customer_codes(tenant_id, email, purpose, code_hash, expires_at, created_at) "
		     "VALUES(:t, :e, :p, :h, :exp, :now)");
	db_bind_int(st, ":t", t->id);
	db_bind_text(st, ":e", email);
	db_bind_text(st, ":p", purpose);
	db_bind_text(st, ":h", hash);
	db_bind_int(st, ":exp", now_unix() + cfg.customer_code_ttl);
	db_bind_int(st, ":now", now_unix());
	if (db_run(st) < 0) goto fail;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "code", code);
	cJSON_AddBoolToObject(d, "reset", !strcmp(purpose, "reset"));
	cJSON_AddStringToObject(d, "origin", origin);
	cJSON_AddNumberToObject(d, "minutes", (double)(cfg.customer_code_ttl / 60));
	cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "store"), "name", t->name);
	int rc = outbox_queue_email(t, email, "customer_code", d);
	cJSON_Delete(d);
	if (rc < 0 || db_commit() < 0) goto fail;
	return CU_OK;
fail:
	db_rollback();
	return CU_STORAGE;
}

cu_code customer_code_check(int64_t tid, const char *email, const char *purpose, const char *code, int64_t *cid)
{
	if (db_begin(1) < 0) return CU_STORAGE;
	sqlite3_stmt *st = db_stmt("SELECT id, code_hash, attempts, expires_at FROM customer_codes WHERE tenant_id = :t AND email = :e "
				   "AND purpose = :p AND used_at IS NULL ORDER BY id DESC LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":e", email);
	db_bind_text(st, ":p", purpose);
	int found = db_step(st) == SQLITE_ROW;
	int64_t id = found ? db_int(st, 0) : 0, attempts = found ? db_int(st, 2) : 0, exp = found ? db_int(st, 3) : 0;
	char stored[65] = "";
	if (found) snprintf(stored, sizeof stored, "%s", db_text(st, 1));
	db_reset(st);
	char scope[24];
	code_scope(tid, scope);
	otc_verdict v = otcode_judge(found, stored, attempts, exp, cfg.customer_code_attempts, scope, email, code);
	if (v == OTC_EXPIRED) {
		db_rollback();
		return CU_EXPIRED;
	}
	if (v == OTC_BAD) {
		st = db_stmt("UPDATE customer_codes SET attempts = attempts + 1 WHERE id = :id AND tenant_id = :t");
		db_bind_int(st, ":id", id);
		db_bind_int(st, ":t", tid);
		if (db_run(st) < 0 || db_commit() < 0) { db_rollback(); return CU_STORAGE; }
		return CU_BAD;
	}
	st = db_stmt("UPDATE customer_codes SET used_at = :now WHERE id = :id AND tenant_id = :t");
	db_bind_int(st, ":now", now_unix());
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":t", tid);
	if (db_run(st) < 0) goto fail;
	int64_t c = by_email(tid, email, NULL, 0);
	if (!c && !strcmp(purpose, "login")) {
		if (insert(tid, email, "", NULL, 1, &c) != CU_OK) goto fail;
	} else if (!c) {
		db_rollback();
		return CU_BAD;       /* a reset code for no account: nothing to reset */
	}
	/* the code reached the inbox: the email is verified */
	st = db_stmt("UPDATE customers SET email_verified_at = coalesce(email_verified_at, :now) WHERE id = :c AND tenant_id = :t");
	db_bind_int(st, ":now", now_unix());
	db_bind_int(st, ":c", c);
	db_bind_int(st, ":t", tid);
	if (db_run(st) < 0 || db_commit() < 0) goto fail;
	*cid = c;
	return CU_OK;
fail:
	db_rollback();
	return CU_STORAGE;
}

cu_code customer_set_password(int64_t tid, int64_t cid, const char *password)
{
	char hash[256];
	if (auth_hash_password(password, hash, sizeof hash) < 0) return CU_STORAGE;
	if (db_begin(1) < 0) return CU_STORAGE;
	sqlite3_stmt *st = db_stmt("UPDATE customers SET password_hash = :h, updated_at = :now WHERE id = :c AND tenant_id = :t");
	db_bind_text(st, ":h", hash);
	db_bind_int(st, ":now", now_unix());
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":t", tid);
	if (db_run(st) < 0) goto fail;
	st = db_stmt("DELETE FROM customer_sessions WHERE customer_id = :c AND tenant_id = :t");
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":t", tid);
	if (db_run(st) < 0 || db_commit() < 0) goto fail;
	return CU_OK;
fail:
	db_rollback();
	return CU_STORAGE;
}

/* The orders of a customer: linked to it, or (verified email) placed as a
 * guest under its email. */
#define MINE "FROM orders o JOIN customers c ON c.id = :c AND c.tenant_id = :t WHERE o.tenant_id = :t " \
	"AND (o.customer_id = c.id OR (c.email_verified_at IS NOT NULL AND lower(o.email) = c.email))"

static int64_t order_count(int64_t tid, int64_t cid)
{
	sqlite3_stmt *st = db_stmt("SELECT count(*) " MINE);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	int64_t n = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return n;
}

static cJSON *orders_of(int64_t tid, int64_t cid, const char *currency, int admin)
{
	sqlite3_stmt *st = db_stmt("SELECT o.id " MINE " ORDER BY o.created_at DESC, o.id DESC LIMIT 100");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	int64_t ids[100];
	int n = 0;
	while (n < 100 && db_step(st) == SQLITE_ROW) ids[n++] = db_int(st, 0);
	db_reset(st);
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		cJSON *o = com_order_json(tid, ids[i], admin, currency);
		if (!o) continue;
		const cJSON *at = cJSON_GetObjectItemCaseSensitive(o, "createdAt");
		char day[11] = "";
		if (cJSON_IsString(at)) snprintf(day, sizeof day, "%.10s", at->valuestring);
		cJSON_AddStringToObject(o, "createdDate", day);     /* YYYY-MM-DD, for the account page */
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *addresses_of(int64_t tid, int64_t cid)
{
	sqlite3_stmt *st = db_stmt("SELECT id, name, line1, line2, city, region, postal_code, country FROM customer_addresses "
				   "WHERE customer_id = :c AND tenant_id = :t ORDER BY id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	cJSON *a = cJSON_CreateArray();
	while (db_step(st) == SQLITE_ROW) {
		cJSON *x = cJSON_CreateObject();
		row_add_id(x, "id", db_int(st, 0));
		static const char *const k[] = { "name", "line1", "line2", "city", "region", "postalCode", "country" };
		for (int i = 0; i < 7; i++) cJSON_AddStringToObject(x, k[i], db_text(st, 1 + i));
		cJSON_AddItemToArray(a, x);
	}
	db_reset(st);
	return a;
}

static cJSON *base_json(int64_t tid, int64_t cid, int with_private)
{
	sqlite3_stmt *st = db_stmt("SELECT id, email, name, email_verified_at IS NOT NULL, tags_json, note, created_at, "
				   "password_hash IS NOT NULL FROM customers WHERE id = :c AND tenant_id = :t");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	cJSON *o = NULL;
	if (db_step(st) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		if (with_private) {
			row_add_id(o, "id", db_int(st, 0));
			cJSON_AddStringToObject(o, "email", db_text(st, 1));
			cJSON_AddBoolToObject(o, "emailVerified", db_int(st, 3));
			cJSON_AddBoolToObject(o, "hasPassword", db_int(st, 7));
			row_add_time(o, "createdAt", st, 6);
		}
		cJSON_AddStringToObject(o, "name", db_text(st, 2));
		cJSON_AddItemToObject(o, "tags", row_json(st, 4, 1));
		if (with_private == 2) cJSON_AddStringToObject(o, "note", db_text(st, 5));
	}
	db_reset(st);
	if (o) cJSON_AddNumberToObject(o, "orderCount", (double)order_count(tid, cid));
	return o;
}

cJSON *customer_json(int64_t tid, int64_t cid, const char *currency)
{
	cJSON *o = base_json(tid, cid, 1);
	if (!o) return NULL;
	cJSON_AddItemToObject(o, "addresses", addresses_of(tid, cid));
	cJSON_AddItemToObject(o, "orders", orders_of(tid, cid, currency, 0));
	return o;
}

cJSON *customer_user_json(int64_t tid, int64_t cid)
{
	return base_json(tid, cid, 0);
}

cu_code customer_rename(int64_t tid, int64_t cid, const char *name)
{
	sqlite3_stmt *st = db_stmt("UPDATE customers SET name = :n, updated_at = :now WHERE id = :c AND tenant_id = :t");
	db_bind_text(st, ":n", name);
	db_bind_int(st, ":now", now_unix());
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":t", tid);
	if (db_run(st) < 0) return CU_STORAGE;
	return db_changes() ? CU_OK : CU_NOT_FOUND;
}

int64_t customer_order(int64_t tid, int64_t cid, int64_t number)
{
	sqlite3_stmt *st = db_stmt("SELECT o.id " MINE " AND o.number = :n");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":n", number);
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return id;
}

cu_code customer_claim_order(int64_t tid, int64_t cid, int64_t order)
{
	sqlite3_stmt *st = db_stmt("UPDATE orders SET customer_id = :c WHERE id = :o AND tenant_id = :t AND customer_id IS NULL");
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":o", order);
	db_bind_int(st, ":t", tid);
	return db_run(st) < 0 ? CU_STORAGE : CU_OK;
}

cu_code customer_address_add(int64_t tid, int64_t cid, const cJSON *a, int64_t *id)
{
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM customer_addresses WHERE customer_id = :c AND tenant_id = :t");
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":t", tid);
	int64_t n = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	if (n >= CU_ADDRESSES_MAX) return CU_EXISTS;
	st = db_stmt("INSERT INTO customer_addresses(tenant_id, customer_id, name, line1, line2, city, region, postal_code, country, created_at) "
		     "VALUES(:t, :c, :n, :l1, :l2, :city, :reg, :pc, :cc, :now)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	static const char *const k[] = { "name", "line1", "line2", "city", "region", "postalCode", "country" };
	static const char *const b[] = { ":n", ":l1", ":l2", ":city", ":reg", ":pc", ":cc" };
	for (int i = 0; i < 7; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, k[i]);
		db_bind_text(st, b[i], cJSON_IsString(v) ? v->valuestring : "");
	}
	db_bind_int(st, ":now", now_unix());
	if (db_run(st) < 0) return CU_STORAGE;
	*id = db_last_id();
	return CU_OK;
}

cu_code customer_address_delete(int64_t tid, int64_t cid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("DELETE FROM customer_addresses WHERE id = :id AND customer_id = :c AND tenant_id = :t");
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":t", tid);
	if (db_run(st) < 0) return CU_STORAGE;
	return db_changes() ? CU_OK : CU_NOT_FOUND;
}

cu_code customer_delete(int64_t tid, int64_t cid)
{
	if (db_begin(1) < 0) return CU_STORAGE;
	sqlite3_stmt *st = db_stmt("UPDATE orders SET email = '', name = '', phone = '', shipping_address_json = '{}', note = '', "
				   "customer_id = NULL, updated_at = :now WHERE id IN (SELECT o.id " MINE ")");
	db_bind_int(st, ":now", now_unix());
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	if (db_run(st) < 0) goto fail;
	st = db_stmt("DELETE FROM customer_codes WHERE tenant_id = :t AND email = (SELECT email FROM customers WHERE id = :c AND tenant_id = :t)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	if (db_run(st) < 0) goto fail;
	/* sessions and addresses go with it (ON DELETE CASCADE) */
	st = db_stmt("DELETE FROM customers WHERE id = :c AND tenant_id = :t");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cid);
	if (db_run(st) < 0) goto fail;
	if (!db_changes()) { db_rollback(); return CU_NOT_FOUND; }
	if (db_commit() < 0) goto fail;
	return CU_OK;
fail:
	db_rollback();
	return CU_STORAGE;
}

/* ---- the merchant's view ---- */

static cJSON *list_row(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	row_add_id(o, "id", db_int(st, 0));
	cJSON_AddStringToObject(o, "email", db_text(st, 1));
	cJSON_AddStringToObject(o, "name", db_text(st, 2));
	cJSON_AddItemToObject(o, "tags", row_json(st, 3, 1));
	cJSON_AddBoolToObject(o, "emailVerified", db_int(st, 4));
	row_add_time(o, "createdAt", st, 5);
	if (db_isnull(st, 6)) cJSON_AddNullToObject(o, "posId");
	else cJSON_AddStringToObject(o, "posId", db_text(st, 6));
	cJSON_AddNumberToObject(o, "orderCount", (double)db_int(st, 7));
	return o;
}

#define LIST_COLS "c.id, c.email, c.name, c.tags_json, c.email_verified_at IS NOT NULL, c.created_at, c.pos_id, " \
	"(SELECT count(*) FROM orders o WHERE o.customer_id = c.id) + (SELECT count(*) FROM orders o WHERE o.tenant_id = c.tenant_id " \
	"AND c.email_verified_at IS NOT NULL AND lower(o.email) = c.email AND o.customer_id IS NULL)"

cJSON *customer_admin_list(int64_t tid, const char *q, int64_t limit, int64_t offset)
{
	sqlite3_stmt *st;
	if (q && *q) {
		/* a search looks through one store's customers only */
		st = db_stmt("SELECT " LIST_COLS " FROM customers c WHERE c.tenant_id = :t AND (instr(c.email, lower(:q)) > 0 "
			     "OR instr(lower(c.name), lower(:q)) > 0 OR instr(lower(c.tags_json), lower(:q)) > 0) "
			     "ORDER BY c.created_at DESC, c.id DESC LIMIT :n OFFSET :o");
		db_bind_text(st, ":q", q);
	} else {
		st = db_stmt("SELECT " LIST_COLS " FROM customers c WHERE c.tenant_id = :t ORDER BY c.created_at DESC, c.id DESC "
			     "LIMIT :n OFFSET :o");
	}
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	return row_all(st, list_row);
}

cJSON *customer_admin_json(int64_t tid, int64_t cid, const char *currency)
{
	cJSON *o = base_json(tid, cid, 2);
	if (!o) return NULL;
	cJSON_AddItemToObject(o, "addresses", addresses_of(tid, cid));
	cJSON_AddItemToObject(o, "orders", orders_of(tid, cid, currency, 1));
	return o;
}

cu_code customer_admin_update(int64_t tid, int64_t cid, const cJSON *tags, const char *note)
{
	char *tj = tags ? cJSON_PrintUnformatted(tags) : NULL;
	sqlite3_stmt *st = db_stmt("UPDATE customers SET tags_json = coalesce(:tags, tags_json), note = coalesce(:note, note), "
				   "updated_at = :now WHERE id = :c AND tenant_id = :t");
	db_bind_text(st, ":tags", tj);
	db_bind_text(st, ":note", note);
	db_bind_int(st, ":now", now_unix());
	db_bind_int(st, ":c", cid);
	db_bind_int(st, ":t", tid);
	int rc = db_run(st);
	cJSON_free(tj);
	if (rc < 0) return CU_STORAGE;
	return db_changes() ? CU_OK : CU_NOT_FOUND;
}

void customer_admin_csv(int64_t tid, sbuf *out)
{
	sb_puts(out, "id,email,name,tags,verified,orders,created_at\r\n");
	sqlite3_stmt *st = db_stmt("SELECT " LIST_COLS " FROM customers c WHERE c.tenant_id = :t ORDER BY c.id");
	db_bind_int(st, ":t", tid);
	while (db_step(st) == SQLITE_ROW) {
		char created[32];
		iso8601(db_int(st, 5), created);
		sb_printf(out, "%lld,", (long long)db_int(st, 0));
		csv_put(out, db_text(st, 1));
		sb_puts(out, ",");
		csv_put(out, db_text(st, 2));
		sb_puts(out, ",");
		/* tags joined by ", " as Shopify's export does */
		cJSON *tags = row_json(st, 3, 1), *tg;
		sbuf tb = SBUF_INIT;
		cJSON_ArrayForEach(tg, tags) if (cJSON_IsString(tg)) sb_printf(&tb, "%s%s", tb.len ? ", " : "", tg->valuestring);
		csv_put(out, sb_str(&tb));
		sb_free(&tb);
		cJSON_Delete(tags);
		sb_printf(out, ",%s,%lld,%s\r\n", db_int(st, 4) ? "yes" : "no", (long long)db_int(st, 7), created);
	}
	db_reset(st);
}

cu_code customer_sync_one(int64_t tid, const char *pos_id, const char *email, const char *name, const cJSON *tags,
			  const char *note, int64_t *id, int *created)
{
	/* the POS's id first, else the email: an account the shopper made
	 * themselves gets the POS's id */
	sqlite3_stmt *st = db_stmt("SELECT id FROM customers WHERE tenant_id = :t AND pos_id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":p", pos_id);
	int64_t cid = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	int64_t other = by_email(tid, email, NULL, 0);
	if (cid && other && other != cid) return CU_EXISTS;     /* the email is another customer's */
	if (!cid) cid = other;
	*created = cid == 0;
	char *tj = tags ? cJSON_PrintUnformatted(tags) : NULL;
	if (!cid) {
		st = db_stmt("INSERT INTO customers(tenant_id, email, name, pos_id, tags_json, note, created_at, updated_at) "
			     "VALUES(:t, :e, coalesce(:n, ''), :p, coalesce(:tags, '[]'), coalesce(:note, ''), :now, :now)");
	} else {
		st = db_stmt("UPDATE customers SET email = :e, name = coalesce(:n, name), pos_id = :p, tags_json = coalesce(:tags, tags_json), "
			     "note = coalesce(:note, note), updated_at = :now, "
			     "email_verified_at = CASE WHEN email = :e THEN email_verified_at END WHERE id = :c AND tenant_id = :t");
		db_bind_int(st, ":c", cid);
	}
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":e", email);
	db_bind_text(st, ":n", name);
	db_bind_text(st, ":p", pos_id);
	db_bind_text(st, ":tags", tj);
	db_bind_text(st, ":note", note);
	db_bind_int(st, ":now", now_unix());
	int rc = db_run(st);
	cJSON_free(tj);
	if (rc < 0) return CU_STORAGE;
	*id = cid ? cid : db_last_id();
	return CU_OK;
}
