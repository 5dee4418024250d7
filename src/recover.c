/* recover: abandoned checkouts' reminders and the link back (recover.h). */
#include "recover.h"
#include "cart.h"
#include "commerce.h"
#include "config.h"
#include "db.h"
#include "domains.h"
#include "outbox.h"
#include "sha256.h"
#include "store_settings.h"
#include "tenant.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int recover_set_email(int64_t tid, int64_t cart, const char *email)
{
	sqlite3_stmt *st = db_stmt("UPDATE carts SET email = :e, reminded_at = NULL WHERE id = :c AND tenant_id = :t");
	db_bind_text(st, ":e", email);
	db_bind_int(st, ":c", cart);
	db_bind_int(st, ":t", tid);
	return db_run(st);
}

/* The store's setting: delay in seconds, or -1 when reminders are off. */
static int64_t delay_of(int64_t tid)
{
	cJSON *s = com_settings(tid);
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(s, "abandonedCheckout");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(a, "enabled");
	const cJSON *dm = cJSON_GetObjectItemCaseSensitive(a, "delayMinutes");
	int64_t d = cJSON_IsTrue(en) && cJSON_IsNumber(dm) ? (int64_t)dm->valuedouble * 60 : -1;
	cJSON_Delete(s);
	return d;
}

int recover_remind_due(int64_t tid)
{
	/* carts with an email, no reminder yet and items left: the index on
	 * (email, reminded_at) holds only those */
	sqlite3_stmt *st = db_stmt("SELECT c.id, c.tenant_id, c.email, c.updated_at FROM carts c "
				   "WHERE c.email IS NOT NULL AND c.reminded_at IS NULL AND (:t = 0 OR c.tenant_id = :t) "
				   "AND EXISTS (SELECT 1 FROM cart_items i WHERE i.cart_id = c.id) LIMIT 200");
	db_bind_int(st, ":t", tid);
	struct due { int64_t cart, tid, at; char email[256]; } *d = NULL;
	int n = 0, cap = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n == cap) d = xrealloc(d, (size_t)(cap = cap ? cap * 2 : 16) * sizeof *d);
		d[n].cart = db_int(st, 0);
		d[n].tid = db_int(st, 1);
		snprintf(d[n].email, sizeof d[n].email, "%s", db_text(st, 2));
		d[n].at = db_int(st, 3);
		n++;
	}
	db_reset(st);
	int queued = 0;
	for (int i = 0; i < n; i++) {
		int64_t delay = delay_of(d[i].tid);
		if (delay < 0 || d[i].at > now_unix() - delay) continue;
		tenant t = { 0 };
		if (tenant_load_id(&t, d[i].tid) < 0) continue;
		char host[256], origin[300], token[49], hash[65], url[120];
		if (!domain_primary(t.id, host, sizeof host)) snprintf(host, sizeof host, "%s.%s", t.username, cfg.base_domain);
		snprintf(origin, sizeof origin, "https://%s", host);
		random_hex(token, 24);
		sha256_hex(token, strlen(token), hash);
		snprintf(url, sizeof url, "/cart/recover/%s", token);
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "origin", origin);
		cJSON_AddStringToObject(m, "url", url);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(m, "store"), "name", t.name);
		cart_line *lines;
		size_t nl;
		cJSON *items = cJSON_AddArrayToObject(m, "items");
		if (cart_lines(t.id, d[i].cart, &lines, &nl) == 0) {
			for (size_t k = 0; k < nl; k++) {
				cJSON *it = cJSON_CreateObject();
				cJSON_AddNumberToObject(it, "quantity", (double)lines[k].qty);
				cJSON_AddStringToObject(it, "name", lines[k].name);
				cJSON_AddStringToObject(it, "variantTitle", lines[k].vtitle);
				cJSON_AddItemToArray(items, it);
			}
			cart_lines_free(lines, nl);
		}
		int ok = db_begin(1) == 0;
		if (ok) {
			st = db_stmt("UPDATE carts SET reminded_at = :now, recover_hash = :h WHERE id = :c AND tenant_id = :t "
				     "AND reminded_at IS NULL");
			db_bind_int(st, ":now", now_unix());
			db_bind_text(st, ":h", hash);
			db_bind_int(st, ":c", d[i].cart);
			db_bind_int(st, ":t", t.id);
			ok = db_run(st) == 0 && db_changes() == 1 && outbox_queue_email(&t, d[i].email, "abandoned_checkout", m) == 0 &&
			     db_commit() == 0;
			if (!ok) db_rollback();
			else queued++;
		}
		cJSON_Delete(m);
		tenant_clear(&t);
	}
	free(d);
	return queued;
}

int64_t recover_claim(int64_t tid, const char *token, char new_token[49])
{
	if (!token || strlen(token) != 48) return 0;
	char hash[65], fresh[65];
	sha256_hex(token, strlen(token), hash);
	random_hex(new_token, 24);
	sha256_hex(new_token, strlen(new_token), fresh);
	sqlite3_stmt *st = db_stmt("UPDATE carts SET token_hash = :new, recover_hash = NULL, updated_at = :now "
				   "WHERE recover_hash = :h AND tenant_id = :t RETURNING id");
	db_bind_text(st, ":new", fresh);
	db_bind_int(st, ":now", now_unix());
	db_bind_text(st, ":h", hash);
	db_bind_int(st, ":t", tid);
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return id;
}
