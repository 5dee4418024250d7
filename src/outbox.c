/* outbox: deliver queued emails and webhooks (see outbox.h). */
#include "outbox.h"
#include "commerce.h"
#include "config.h"
#include "net.h"
#include "sha256.h"
#include "db.h"
#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEASE 300

int64_t outbox_backoff(int attempts)
{
	int64_t s = 30;
	for (int i = 1; i < attempts && s < 3600; i++) s *= 2;
	return s > 3600 ? 3600 : s;
}

void outbox_sign(const char *secret, int64_t ts, const char *body, char *out, size_t n)
{
	sbuf m = SBUF_INIT;
	sb_printf(&m, "%lld.", (long long)ts);
	sb_puts(&m, body);
	unsigned char mac[32];
	char hex[65];
	hmac_sha256(secret, strlen(secret), m.s, m.len, mac);
	hex_encode(mac, 32, hex);
	sb_free(&m);
	snprintf(out, n, "t=%lld,v1=%s", (long long)ts, hex);
}

typedef struct row { int64_t id, tid; int attempts; char kind[16]; char *target, *subject, *body; } row;

static int send_webhook(const row *w, char *err, size_t errlen)
{
	cJSON *s = com_settings(w->tid);
	const cJSON *sec = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "posWebhook"), "secret");
	char sig[128], h1[200], h2[200], h3[200];
	outbox_sign(cJSON_IsString(sec) ? sec->valuestring : "", now_unix(), w->body, sig, sizeof sig);
	cJSON_Delete(s);
	snprintf(h1, sizeof h1, "X-Storefront-Signature: %s", sig);
	snprintf(h2, sizeof h2, "X-Storefront-Event: %s", w->subject);
	snprintf(h3, sizeof h3, "X-Storefront-Delivery: %lld", (long long)w->id);
	const char *headers[] = { "Content-Type: application/json", h1, h2, h3, NULL };
	long status = 0;
	sbuf resp = SBUF_INIT;
	int rc = net_post(w->target, headers, w->body, &status, &resp, err, errlen);
	sb_free(&resp);
	if (rc == 0 && (status < 200 || status >= 300)) {
		snprintf(err, errlen, "HTTP %ld", status);
		rc = -1;
	}
	return rc;
}

int outbox_deliver(int64_t tid, int max, outbox_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	for (int done = 0; done < max; done++) {
		int64_t now = now_unix();
		/* Claim the next due row with a lease. */
		if (db_begin(1) < 0) return -1;
		sqlite3_stmt *st = db_stmt("SELECT id, tenant_id, kind, target, subject, body, attempts FROM outbox "
					   "WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= :now AND (:t = 0 OR tenant_id = :t) "
					   "AND (kind != 'email' OR :smtp) ORDER BY next_at, id LIMIT 1");
		db_bind_int(st, ":now", now);
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":smtp", cfg.smtp_url[0] != 0);
		row w = { 0 };
		int have = db_step(st) == SQLITE_ROW;
		if (have) {
			w.id = db_int(st, 0);
			w.tid = db_int(st, 1);
			snprintf(w.kind, sizeof w.kind, "%s", db_text(st, 2));
			w.target = xstrdup(db_text(st, 3));
			w.subject = xstrdup(db_text(st, 4));
			w.body = xstrdup(db_text(st, 5));
			w.attempts = (int)db_int(st, 6);
		}
		db_reset(st);
		if (!have) { db_rollback(); break; }
		st = db_stmt("UPDATE outbox SET next_at = :lease WHERE id = :id");
		db_bind_int(st, ":lease", now + LEASE);
		db_bind_int(st, ":id", w.id);
		if (db_run(st) < 0 || db_commit() < 0) {
			if (db_in_tx()) db_rollback();
			free(w.target); free(w.subject); free(w.body);
			return -1;
		}
		char err[300] = "";
		int rc = !strcmp(w.kind, "email") ? net_smtp_send(cfg.smtp_url, cfg.smtp_from, w.target, w.body, err, sizeof err)
						  : send_webhook(&w, err, sizeof err);
		int attempts = w.attempts + 1;
		if (rc == 0) {
			st = db_stmt("UPDATE outbox SET sent_at = strftime('%s','now'), attempts = :a, last_error = '' WHERE id = :id");
			stats->sent++;
		} else if (attempts >= cfg.outbox_max_attempts) {
			st = db_stmt("UPDATE outbox SET failed_at = strftime('%s','now'), attempts = :a, last_error = :e WHERE id = :id");
			stats->failed++;
			log_warn("outbox %lld (%s to %s) given up after %d attempts: %s", (long long)w.id, w.kind, w.target, attempts, err);
		} else {
			st = db_stmt("UPDATE outbox SET next_at = :next, attempts = :a, last_error = :e WHERE id = :id");
			db_bind_int(st, ":next", now_unix() + outbox_backoff(attempts));
			stats->retry++;
		}
		db_bind_int(st, ":a", attempts);
		db_bind_int(st, ":id", w.id);
		if (rc != 0) db_bind_text(st, ":e", err);
		int urc = db_run(st);
		free(w.target); free(w.subject); free(w.body);
		if (urc < 0) return -1;
	}
	return 0;
}
