/* db: the one SQLite connection of a process, its statement cache,
 * binding helpers, transactions and the migration runner. */
#include "db.h"
#include "util.h"
#include "config.h"
#include "log.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *g_db;
static int g_tx;

#define CACHE_SIZE 512
static struct cached {
	const char *sql;        /* owned copy */
	unsigned hash;
	sqlite3_stmt *st;
} cache[CACHE_SIZE];

static unsigned str_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int db_open(const char *path, char *err, size_t errlen)
{
	if (g_db) return 0;
	int rc = sqlite3_open_v2(path, &g_db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 g_db ? sqlite3_errmsg(g_db) : sqlite3_errstr(rc));
		sqlite3_close(g_db);
		g_db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(g_db, DB_BUSY_MS);
	sqlite3_extended_result_codes(g_db, 0);
	if (db_exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		    "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;") < 0) {
		snprintf(err, errlen, "cannot set up database %s: %s", path, sqlite3_errmsg(g_db));
		db_close();
		return -1;
	}
	return 0;
}

void db_close(void)
{
	for (int i = 0; i < CACHE_SIZE; i++) {
		if (cache[i].st) sqlite3_finalize(cache[i].st);
		free((char *)cache[i].sql);
		cache[i].sql = NULL;
		cache[i].st = NULL;
	}
	if (g_db) sqlite3_close(g_db);
	g_db = NULL;
	g_tx = 0;
}

sqlite3 *db_handle(void) { return g_db; }

#ifdef SF_DEBUG
/* fossil-style: warn when a statement scans a whole table by accident. */
static void check_plan(const char *sql)
{
	if (strstr(sql, "-- scan") || !str_startswith(sql, "SELECT")) return;
	sbuf q = SBUF_INIT;
	sb_printf(&q, "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(g_db, q.s, -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 3);
			/* Not tables: a subquery's rows ("SCAN (subquery-2)")
			 * and table-valued functions such as json_each. */
			if (d && str_startswith(d, "SCAN ") && !strstr(d, "USING") &&
			    !strstr(d, "CONSTANT") && !str_startswith(d, "SCAN (subquery-") &&
			    !strstr(d, "VIRTUAL TABLE"))
				log_warn("full scan (%s) in: %s", d, sql);
		}
		sqlite3_finalize(st);
	}
	sb_free(&q);
}
#endif

sqlite3_stmt *db_stmt(const char *sql)
{
	unsigned h = str_hash(sql);
	unsigned i = h % CACHE_SIZE;
	for (unsigned probe = 0; probe < CACHE_SIZE; probe++, i = (i + 1) % CACHE_SIZE) {
		if (!cache[i].sql) break;
		if (cache[i].hash == h && strcmp(cache[i].sql, sql) == 0) {
			sqlite3_reset(cache[i].st);
			sqlite3_clear_bindings(cache[i].st);
			return cache[i].st;
		}
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(g_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_error("SQL prepare failed: %s\n  in: %s", sqlite3_errmsg(g_db), sql);
		abort(); /* a programming error: fixed SQL that does not compile */
	}
#ifdef SF_DEBUG
	check_plan(sql);
#endif
	if (cache[i].sql) { /* table full: keep it uncached-like by replacing slot */
		sqlite3_finalize(cache[i].st);
		free((char *)cache[i].sql);
	}
	cache[i].sql = xstrdup(sql);
	cache[i].hash = h;
	cache[i].st = st;
	return st;
}

static int param(sqlite3_stmt *st, const char *name)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i == 0) {
		log_error("SQL has no parameter %s: %s", name, sqlite3_sql(st));
		abort();
	}
	return i;
}

void db_bind_int(sqlite3_stmt *st, const char *name, int64_t v)
{
	sqlite3_bind_int64(st, param(st, name), v);
}

void db_bind_double(sqlite3_stmt *st, const char *name, double v)
{
	sqlite3_bind_double(st, param(st, name), v);
}

void db_bind_text(sqlite3_stmt *st, const char *name, const char *s)
{
	if (s) sqlite3_bind_text(st, param(st, name), s, -1, SQLITE_TRANSIENT);
	else sqlite3_bind_null(st, param(st, name));
}

void db_bind_textn(sqlite3_stmt *st, const char *name, const char *s, size_t n)
{
	sqlite3_bind_text(st, param(st, name), s, (int)n, SQLITE_TRANSIENT);
}

void db_bind_blob(sqlite3_stmt *st, const char *name, const void *p, size_t n)
{
	sqlite3_bind_blob(st, param(st, name), p, (int)n, SQLITE_TRANSIENT);
}

void db_bind_null(sqlite3_stmt *st, const char *name)
{
	sqlite3_bind_null(st, param(st, name));
}

int db_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT)
		log_error("SQL step failed (%d): %s\n  in: %s", rc, sqlite3_errmsg(g_db), sqlite3_sql(st));
	return rc;
}

int db_run(sqlite3_stmt *st)
{
	int rc = db_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

void db_reset(sqlite3_stmt *st) { sqlite3_reset(st); }

int64_t db_int(sqlite3_stmt *st, int col) { return sqlite3_column_int64(st, col); }
double db_double(sqlite3_stmt *st, int col) { return sqlite3_column_double(st, col); }
int db_isnull(sqlite3_stmt *st, int col) { return sqlite3_column_type(st, col) == SQLITE_NULL; }

const char *db_text(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	return s ? s : "";
}

int db_exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(g_db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("SQL exec failed: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int64_t db_last_id(void) { return sqlite3_last_insert_rowid(g_db); }
int db_changes(void) { return sqlite3_changes(g_db); }
const char *db_errmsg(void) { return sqlite3_errmsg(g_db); }
int db_errcode(void) { return sqlite3_errcode(g_db); }

void db_busy_ms(long ms)
{
	if (g_db) sqlite3_busy_timeout(g_db, ms < 0 ? DB_BUSY_MS : (int)ms);
}

int db_begin(int immediate)
{
	if (g_tx) {
		log_error("nested transaction");
		abort();
	}
	if (db_run(db_stmt(immediate ? "BEGIN IMMEDIATE" : "BEGIN")) < 0) return -1;
	g_tx = 1;
	return 0;
}

int db_commit(void)
{
	int rc = db_run(db_stmt("COMMIT"));
	if (rc < 0) {
		db_rollback();
		return -1;
	}
	g_tx = 0;
	return 0;
}

void db_rollback(void)
{
	if (!g_tx) return;
	if (sqlite3_get_autocommit(g_db) == 0) db_exec("ROLLBACK");
	g_tx = 0;
}

int db_in_tx(void) { return g_tx; }

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int db_schema_version(void)
{
	sqlite3_stmt *st;
	int v = 0;
	if (sqlite3_prepare_v2(g_db, "SELECT max(version) FROM schema_migrations", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

int db_migrate(const char *sqldir, char *err, size_t errlen)
{
	if (db_exec("CREATE TABLE IF NOT EXISTS schema_migrations("
		    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)") < 0) {
		snprintf(err, errlen, "cannot create schema_migrations: %s", db_errmsg());
		return -1;
	}
	DIR *d = opendir(sqldir);
	if (!d) {
		snprintf(err, errlen, "cannot read migrations directory %s", sqldir);
		return -1;
	}
	char *names[256];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && str_endswith(e->d_name, ".sql"))
			names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp_names);
	int applied = 0, rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		int ver = atoi(names[i]);
		/* Applied already? (by version, not "below the highest": a
		 * migration merged late still runs) */
		sqlite3_stmt *chk;
		int done = 0;
		if (sqlite3_prepare_v2(g_db, "SELECT 1 FROM schema_migrations WHERE version = ?1", -1, &chk, NULL) == SQLITE_OK) {
			sqlite3_bind_int(chk, 1, ver);
			done = sqlite3_step(chk) == SQLITE_ROW;
			sqlite3_finalize(chk);
		}
		if (done) continue;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", sqldir, names[i]);
		char *sql = file_read(path, NULL);
		if (!sql) {
			snprintf(err, errlen, "cannot read %s", path);
			rc = -1;
			break;
		}
		char *msg = NULL;
		if (sqlite3_exec(g_db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(g_db, sql, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "migration %s failed: %s", names[i], msg ? msg : sqlite3_errmsg(g_db));
			sqlite3_free(msg);
			sqlite3_exec(g_db, "ROLLBACK", NULL, NULL, NULL);
			rc = -1;
		} else {
			sqlite3_stmt *st;
			sqlite3_prepare_v2(g_db, "INSERT INTO schema_migrations(version, name, applied_at) VALUES(?1, ?2, ?3)", -1, &st, NULL);
			sqlite3_bind_int(st, 1, ver);
			sqlite3_bind_text(st, 2, names[i], -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, now_unix());
			int src = sqlite3_step(st);
			sqlite3_finalize(st);
			if (src != SQLITE_DONE || sqlite3_exec(g_db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
				snprintf(err, errlen, "migration %s: cannot record: %s", names[i], sqlite3_errmsg(g_db));
				sqlite3_exec(g_db, "ROLLBACK", NULL, NULL, NULL);
				rc = -1;
			} else {
				applied++;
			}
		}
		free(sql);
	}
	for (int i = 0; i < n; i++) free(names[i]);
	return rc < 0 ? -1 : applied;
}
