/* redirects: the redirects table (see redirects.h). */
#include "redirects.h"
#include "db.h"
#include "rows.h"

#include <stdio.h>
#include <string.h>

static const char *path_chars_problem(const char *p, int query_ok)
{
	for (const unsigned char *s = (const unsigned char *)p; *s; s++) {
		if (*s <= 0x20 || *s == 0x7f) return "must not contain blanks or control characters";
		if (*s == '\\') return "must not contain a backslash";
		if (*s == '#') return "must not contain a fragment (#)";
		if (*s == '?' && !query_ok) return "must be a path without a query (?)";
	}
	return NULL;
}

const char *redir_from_problem(const char *from)
{
	if (!from || from[0] != '/') return "must be a path of this store starting with /";
	if (from[1] == '/') return "must be a path (/...), not //host";
	if (strlen(from) > REDIR_PATH_MAX) return "is longer than " STR(REDIR_PATH_MAX) " bytes";
	if (strcmp(from, "/") == 0) return "cannot be the home page /";
	if (str_startswith(from, "/api/")) return "cannot be under /api/";
	return path_chars_problem(from, 0);
}

const char *redir_to_problem(const char *to)
{
	if (!to || !*to) return "must not be empty";
	if (strlen(to) > REDIR_PATH_MAX) return "is longer than " STR(REDIR_PATH_MAX) " bytes";
	if (strstr(to, "://") || str_startswith(to, "//") || to[0] != '/')
		return "must be a path of this store starting with / (redirects to another host are not allowed)";
	return path_chars_problem(to, 1);
}

/* The path part of a target (before '?'). */
static void path_of(sbuf *out, const char *to)
{
	const char *q = strchr(to, '?');
	sb_put(out, to, q ? (size_t)(q - to) : strlen(to));
}

const char *redir_chain_problem(int64_t tid, const char *from, const char *to, int64_t except, char *buf, size_t n)
{
	sbuf tp = SBUF_INIT;
	path_of(&tp, to);
	if (strcmp(sb_str(&tp), from) == 0) {
		sb_free(&tp);
		snprintf(buf, n, "redirects %.200s to itself (a loop)", from);
		return buf;
	}
	/* to is itself redirected: a chain (or a loop through it). */
	sqlite3_stmt *st = db_stmt("SELECT id, to_path FROM redirects WHERE tenant_id = :t AND from_path = :p AND id <> :x");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":p", sb_str(&tp));
	db_bind_int(st, ":x", except);
	const char *p = NULL;
	if (db_step(st) == SQLITE_ROW) {
		snprintf(buf, n, "%.200s already redirects to %.200s (redirect %lld): point at the final address instead of "
			 "making a chain", sb_str(&tp), db_text(st, 1), (long long)db_int(st, 0));
		p = buf;
	}
	db_reset(st);
	sb_free(&tp);
	if (p) return p;
	/* Something already redirects to from: from -> to would extend it. */
	st = db_stmt("SELECT id, from_path FROM redirects WHERE tenant_id = :t AND "
		     "(to_path = :p OR to_path >= :p || '?' AND to_path < :p || '@') AND id <> :x LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":p", from);
	db_bind_int(st, ":x", except);
	if (db_step(st) == SQLITE_ROW) {
		snprintf(buf, n, "%.200s redirects to %.200s (redirect %lld), which would make a chain: change that one "
			 "to point at %.200s instead", db_text(st, 1), from, (long long)db_int(st, 0), to);
		p = buf;
	}
	db_reset(st);
	return p;
}

#define COLS "id, from_path, to_path, status, source, created_at, updated_at"

static cJSON *row(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	row_add_id(o, "id", db_int(st, 0));
	cJSON_AddStringToObject(o, "from", db_text(st, 1));
	cJSON_AddStringToObject(o, "to", db_text(st, 2));
	cJSON_AddNumberToObject(o, "status", (double)db_int(st, 3));
	cJSON_AddStringToObject(o, "source", db_text(st, 4));
	row_add_time(o, "createdAt", st, 5);
	row_add_time(o, "updatedAt", st, 6);
	return o;
}

cJSON *redir_get(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLS " FROM redirects WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	return row_one(st, row);
}

cJSON *redir_list(int64_t tid, int64_t limit, int64_t offset)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLS " FROM redirects WHERE tenant_id = :t ORDER BY id LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	return row_all(st, row);
}

int64_t redir_create(int64_t tid, const char *from, const char *to, int status)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO redirects(tenant_id, from_path, to_path, status, source, created_at, updated_at) "
				   "VALUES(:t, :f, :to, :s, 'manual', strftime('%s','now'), strftime('%s','now')) "
				   "ON CONFLICT(tenant_id, from_path) DO NOTHING");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":f", from);
	db_bind_text(st, ":to", to);
	db_bind_int(st, ":s", status);
	if (db_run(st) < 0) return -1;
	return db_changes() ? db_last_id() : 0;
}

int redir_update(int64_t tid, int64_t id, const char *from, const char *to, int status)
{
	sqlite3_stmt *st = db_stmt("UPDATE redirects SET from_path = coalesce(:f, from_path), to_path = coalesce(:to, to_path), "
				   "status = CASE WHEN :s > 0 THEN :s ELSE status END, source = 'manual', "
				   "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	db_bind_text(st, ":f", from);
	db_bind_text(st, ":to", to);
	db_bind_int(st, ":s", status);
	if (db_run(st) < 0) return -1;
	return db_changes() ? 1 : 0;
}

int redir_moved(int64_t tid, const char *old_path, const char *new_path)
{
	if (strcmp(old_path, new_path) == 0) return 0;
	/* Older redirects to the old address now go straight to the new one. */
	sqlite3_stmt *st = db_stmt("UPDATE redirects SET to_path = :n, updated_at = strftime('%s','now') "
				   "WHERE tenant_id = :t AND to_path = :o");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":o", old_path);
	db_bind_text(st, ":n", new_path);
	if (db_run(st) < 0) return -1;
	/* The new address is live: it redirects nowhere (this also drops a
	 * redirect the step above turned into a loop). */
	st = db_stmt("DELETE FROM redirects WHERE tenant_id = :t AND from_path = :n");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":n", new_path);
	if (db_run(st) < 0) return -1;
	st = db_stmt("INSERT INTO redirects(tenant_id, from_path, to_path, status, source, created_at, updated_at) "
		     "VALUES(:t, :o, :n, 301, 'slug', strftime('%s','now'), strftime('%s','now')) "
		     "ON CONFLICT(tenant_id, from_path) DO UPDATE SET to_path = :n, status = 301, source = 'slug', "
		     "updated_at = strftime('%s','now')");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":o", old_path);
	db_bind_text(st, ":n", new_path);
	return db_run(st) < 0 ? -1 : 0;
}

int redir_lookup(int64_t tid, const char *path, sbuf *to, int *status)
{
	sqlite3_stmt *st = db_stmt("SELECT to_path, status FROM redirects WHERE tenant_id = :t AND from_path = :p");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":p", path);
	int found = db_step(st) == SQLITE_ROW;
	if (found) {
		sb_puts(to, db_text(st, 0));
		*status = (int)db_int(st, 1);
	}
	db_reset(st);
	return found ? 0 : -1;
}
