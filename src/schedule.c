/* schedule: publishing at a time (see schedule.h). */
#include "schedule.h"
#include "db.h"
#include "audit.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

int sched_set(int64_t tid, const char *kind, int64_t id, int64_t version, int64_t due, int64_t user)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO publish_schedule(tenant_id, kind, entity_id, version, due_at, created_by, created_at) "
				   "VALUES(:t, :k, :id, :v, :due, :u, strftime('%s','now')) "
				   "ON CONFLICT(tenant_id, kind, entity_id) DO UPDATE SET version = :v, due_at = :due, "
				   "created_by = :u, created_at = strftime('%s','now')");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_int(st, ":id", id);
	if (version > 0) db_bind_int(st, ":v", version); else db_bind_null(st, ":v");
	db_bind_int(st, ":due", due);
	if (user) db_bind_int(st, ":u", user); else db_bind_null(st, ":u");
	return db_run(st) < 0 ? -1 : 0;
}

int sched_cancel(int64_t tid, const char *kind, int64_t id)
{
	sqlite3_stmt *st = db_stmt("DELETE FROM publish_schedule WHERE tenant_id = :t AND kind = :k AND entity_id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) return -1;
	return db_changes() ? 1 : 0;
}

cJSON *sched_get(int64_t tid, const char *kind, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT version, due_at FROM publish_schedule WHERE tenant_id = :t AND kind = :k AND entity_id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_int(st, ":id", id);
	cJSON *o = NULL;
	if (db_step(st) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		if (db_isnull(st, 0)) cJSON_AddNullToObject(o, "version");
		else cJSON_AddNumberToObject(o, "version", (double)db_int(st, 0));
		char ts[32];
		iso8601(db_int(st, 1), ts);
		cJSON_AddStringToObject(o, "publishAt", ts);
	}
	db_reset(st);
	return o;
}

static int any_due(int64_t tid, int64_t now)
{
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM publish_schedule WHERE tenant_id = :t AND due_at <= :now LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":now", now);
	int due = db_step(st) == SQLITE_ROW;
	db_reset(st);
	return due;
}

/* One due page row: its version becomes live (when the version is still
 * there; retention never drops the newest versions). */
static int apply_page(int64_t tid, int64_t page, int64_t version, int64_t due)
{
	sqlite3_stmt *st = db_stmt("UPDATE pages SET live_version = :v, published_at = :due, updated_at = strftime('%s','now') "
				   "WHERE tenant_id = :t AND id = :p AND EXISTS (SELECT 1 FROM page_versions "
				   "WHERE tenant_id = :t AND page_id = :p AND version = :v)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", page);
	db_bind_int(st, ":v", version);
	db_bind_int(st, ":due", due);
	if (db_run(st) < 0) return -1;
	if (db_changes() == 0) log_warn("scheduled version %lld of page %lld is gone; nothing went live",
					(long long)version, (long long)page);
	return 0;
}

int sched_run_due(int64_t tid)
{
	int64_t now = now_unix();
	if (!any_due(tid, now)) return 0;
	if (db_begin(1) < 0) return -1;
	sqlite3_stmt *st = db_stmt("SELECT id, kind, entity_id, version, due_at FROM publish_schedule "
				   "WHERE tenant_id = :t AND due_at <= :now ORDER BY due_at, id LIMIT 100");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":now", now);
	int64_t ids[100], ents[100], vers[100], dues[100];
	int is_page[100], n = 0;
	while (n < 100 && db_step(st) == SQLITE_ROW) {
		ids[n] = db_int(st, 0);
		is_page[n] = strcmp(db_text(st, 1), "page") == 0;
		ents[n] = db_int(st, 2);
		vers[n] = db_isnull(st, 3) ? 0 : db_int(st, 3);
		dues[n] = db_int(st, 4);
		n++;
	}
	db_reset(st);
	for (int i = 0; i < n; i++) {
		if (is_page[i] && vers[i] > 0 && apply_page(tid, ents[i], vers[i], dues[i]) < 0) goto fail;
		st = db_stmt("DELETE FROM publish_schedule WHERE tenant_id = :t AND id = :id");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", ids[i]);
		if (db_run(st) < 0) goto fail;
		char detail[64];
		if (is_page[i]) snprintf(detail, sizeof detail, "version %lld (scheduled)", (long long)vers[i]);
		else snprintf(detail, sizeof detail, "scheduled");
		if (audit_write_as(tid, 0, "schedule", "", is_page[i] ? "page.publish" : "post.publish",
				   is_page[i] ? "page" : "post", ents[i], "publish", detail) < 0)
			goto fail;
	}
	if (n > 0 && audit_bump_content(tid) < 0) goto fail;
	if (db_commit() < 0) return -1;
	return n;
fail:
	db_rollback();
	return -1;
}

int sched_run_all(void)
{
	/* Stores with due rows, a bounded batch per call. */
	sqlite3_stmt *st = db_stmt("SELECT DISTINCT tenant_id FROM publish_schedule WHERE due_at <= :now LIMIT 1000");
	db_bind_int(st, ":now", now_unix());
	int64_t tids[1000];
	int n = 0;
	while (n < 1000 && db_step(st) == SQLITE_ROW) tids[n++] = db_int(st, 0);
	db_reset(st);
	int total = 0;
	for (int i = 0; i < n; i++) {
		int k = sched_run_due(tids[i]);
		if (k < 0) return -1;
		total += k;
	}
	return total;
}
