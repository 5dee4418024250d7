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
static int g_last_err;     /* the result code of the last failed step or exec */
static char g_last_msg[160];   /* and its message (kept across the rollback that follows) */
/* Open savepoints, innermost last, with where each was opened. */
static struct savepoint { char name[64]; const char *file; int line; } *g_sp;
static int g_nsp, g_spcap;

/* The statement cache: open addressing over a table that doubles at 3/4
 * full (no cap). Each SQL text has one statement, plus spares for when it
 * is asked for while already in use (stepped by an outer loop): the inner
 * caller gets a spare, never a reset of the outer one. */
static struct cached {
	const char *sql;        /* owned copy */
	unsigned hash;
	sqlite3_stmt *st;
	sqlite3_stmt **spare;   /* more statements of the same SQL, prepared on demand */
	int nspare;
} *cache;
static unsigned cache_cap, cache_used;
static long stmt_in_use_count;

static unsigned str_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* What every connection needs (SQL functions), run after each open. */
static void (*open_hooks[4])(sqlite3 *);
static int n_open_hooks;

static int open_db(const char *path, int create, char *err, size_t errlen)
{
	if (g_db) return 0;
	int rc = sqlite3_open_v2(path, &g_db,
				 SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
			 g_db ? sqlite3_errmsg(g_db) : sqlite3_errstr(rc));
		sqlite3_close(g_db);
		g_db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(g_db, DB_BUSY_MS);
	sqlite3_extended_result_codes(g_db, 0);
	/* synchronous: FULL unless the config says NORMAL (doc/scale.md,
	 * "Durability"): with WAL, FULL syncs at each commit. */
	if (db_exec(strcmp(cfg.db_synchronous, "NORMAL") == 0 ?
		    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;" :
		    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;") < 0) {
		snprintf(err, errlen, "cannot set up database %s: %s", path, sqlite3_errmsg(g_db));
		db_close();
		return -1;
	}
	for (int i = 0; i < n_open_hooks; i++) open_hooks[i](g_db);
	return 0;
}

void db_on_open(void (*fn)(sqlite3 *))
{
	for (int i = 0; i < n_open_hooks; i++) if (open_hooks[i] == fn) return;
	if (n_open_hooks == (int)ARRAY_LEN(open_hooks)) abort();   /* a programming error */
	open_hooks[n_open_hooks++] = fn;
	if (g_db) fn(g_db);
}

int db_open(const char *path, char *err, size_t errlen) { return open_db(path, 1, err, errlen); }
int db_open_existing(const char *path, char *err, size_t errlen) { return open_db(path, 0, err, errlen); }

void db_close(void)
{
	for (unsigned i = 0; i < cache_cap; i++) {
		if (cache[i].st) sqlite3_finalize(cache[i].st);
		for (int k = 0; k < cache[i].nspare; k++) sqlite3_finalize(cache[i].spare[k]);
		free(cache[i].spare);
		free((char *)cache[i].sql);
	}
	free(cache);
	cache = NULL;
	cache_cap = cache_used = 0;
	if (g_db) sqlite3_close(g_db);
	g_db = NULL;
	g_tx = 0;
	g_nsp = 0;
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

static sqlite3_stmt *prepare(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(g_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_error("SQL prepare failed: %s\n  in: %s", sqlite3_errmsg(g_db), sql);
		abort(); /* a programming error: fixed SQL that does not compile */
	}
	return st;
}

static struct cached *slot_for(struct cached *tab, unsigned cap, unsigned h, const char *sql)
{
	unsigned i = h & (cap - 1);
	while (tab[i].sql && !(tab[i].hash == h && strcmp(tab[i].sql, sql) == 0)) i = (i + 1) & (cap - 1);
	return &tab[i];
}

static void cache_grow(void)
{
	unsigned ncap = cache_cap ? cache_cap * 2 : 512;
	struct cached *n = xcalloc(ncap, sizeof *n);
	for (unsigned i = 0; i < cache_cap; i++)
		if (cache[i].sql) *slot_for(n, ncap, cache[i].hash, cache[i].sql) = cache[i];
	free(cache);
	cache = n;
	cache_cap = ncap;
}

static sqlite3_stmt *fresh(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

sqlite3_stmt *db_stmt(const char *sql)
{
	if ((cache_used + 1) * 4 > cache_cap * 3) cache_grow();
	unsigned h = str_hash(sql);
	struct cached *c = slot_for(cache, cache_cap, h, sql);
	if (c->sql) {
		/* A statement another caller is still stepping (sqlite3_stmt_busy)
		 * is never reset under it: that would silently restart the outer
		 * loop. The inner caller gets a spare statement of the same SQL. */
		if (!sqlite3_stmt_busy(c->st)) return fresh(c->st);
		stmt_in_use_count++;
		for (int k = 0; k < c->nspare; k++)
			if (!sqlite3_stmt_busy(c->spare[k])) return fresh(c->spare[k]);
		c->spare = xrealloc(c->spare, (size_t)(c->nspare + 1) * sizeof *c->spare);
		return c->spare[c->nspare++] = prepare(sql);
	}
	sqlite3_stmt *st = prepare(sql);
#ifdef SF_DEBUG
	check_plan(sql);
#endif
	c->sql = xstrdup(sql);
	c->hash = h;
	c->st = st;
	cache_used++;
	return st;
}

long db_stmt_in_use_count(void) { return stmt_in_use_count; }

void db_stmt_reset_all(void)
{
	g_last_msg[0] = 0;   /* a new request: no failure yet */
	for (unsigned i = 0; i < cache_cap; i++) {
		if (!cache[i].sql) continue;
		sqlite3_reset(cache[i].st);
		for (int k = 0; k < cache[i].nspare; k++) sqlite3_reset(cache[i].spare[k]);
	}
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
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		g_last_err = rc;
		snprintf(g_last_msg, sizeof g_last_msg, "%s", sqlite3_errmsg(g_db));
	}
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

void db_run_best_effort(sqlite3_stmt *st)
{
	if (db_run(st) < 0) log_warn("best-effort write skipped (logged above)");
}

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
	int rc = sqlite3_exec(g_db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		g_last_err = rc;
		snprintf(g_last_msg, sizeof g_last_msg, "%s", msg ? msg : "");
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

int db_busy(void)
{
	int rc = g_last_err & 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

int db_fenced(void)
{
	return strstr(g_last_msg, "store_read_only") != NULL;
}

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
	g_last_msg[0] = 0;
	return 0;
}

int db_commit(void)
{
	if (g_nsp) {
		log_error("COMMIT with savepoint %s still open (opened at %s:%d)", g_sp[g_nsp - 1].name,
			  g_sp[g_nsp - 1].file, g_sp[g_nsp - 1].line);
		abort();
	}
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
	g_nsp = 0;   /* the transaction's savepoints go with it */
	if (!g_tx) return;
	if (sqlite3_get_autocommit(g_db) == 0 && db_exec("ROLLBACK") < 0) log_error("ROLLBACK failed");
	g_tx = 0;
}

int db_in_tx(void) { return g_tx; }

/* ---- savepoints ---- */

static void sp_check_name(const char *name)
{
	size_t n = strlen(name);
	int ok = n > 0 && n < sizeof g_sp[0].name && !(name[0] >= '0' && name[0] <= '9');
	for (size_t i = 0; ok && i < n; i++)
		ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		     (name[i] >= '0' && name[i] <= '9') || name[i] == '_';
	if (!ok) {
		log_error("savepoint name '%s' is not an identifier", name);
		abort();
	}
}

/* The innermost savepoint must be `name`: anything else is a programming
 * error (a release out of order would silently release the inner ones). */
static void sp_check_top(const char *op, const char *name)
{
	sp_check_name(name);
	if (g_nsp == 0) {
		log_error("%s %s: no savepoint is open", op, name);
		abort();
	}
	struct savepoint *t = &g_sp[g_nsp - 1];
	if (strcmp(t->name, name) != 0) {
		log_error("%s %s: the innermost open savepoint is %s (opened at %s:%d)", op, name, t->name, t->file, t->line);
		abort();
	}
}

int db_savepoint_at(const char *name, const char *file, int line)
{
	sp_check_name(name);
	char sql[96];
	snprintf(sql, sizeof sql, "SAVEPOINT %s", name);
	if (db_exec(sql) < 0) return -1;
	if (g_nsp == g_spcap) {
		g_spcap = g_spcap ? g_spcap * 2 : 8;
		g_sp = xrealloc(g_sp, (size_t)g_spcap * sizeof *g_sp);
	}
	snprintf(g_sp[g_nsp].name, sizeof g_sp[0].name, "%s", name);
	g_sp[g_nsp].file = file;
	g_sp[g_nsp].line = line;
	g_nsp++;
	return 0;
}

int db_release(const char *name)
{
	sp_check_top("RELEASE", name);
	char sql[96];
	snprintf(sql, sizeof sql, "RELEASE %s", name);
	if (db_exec(sql) < 0) return -1;
	g_nsp--;
	return 0;
}

int db_rollback_to(const char *name)
{
	sp_check_top("ROLLBACK TO", name);
	char sql[160];
	snprintf(sql, sizeof sql, "ROLLBACK TO %s; RELEASE %s", name, name);
	int rc = db_exec(sql);
	g_nsp--;
	return rc;
}

int db_savepoint_depth(void) { return g_nsp; }

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
	char **names = NULL;   /* every migration file, however many (no cap) */
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && str_endswith(e->d_name, ".sql")) {
			names = xrealloc(names, (size_t)(n + 1) * sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n) qsort(names, (size_t)n, sizeof *names, cmp_names);
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
	free(names);
	return rc < 0 ? -1 : applied;
}
