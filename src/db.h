/* db: the one SQLite connection of a process (WAL, foreign keys, busy
 * timeout), a cache of prepared statements keyed by their SQL text, named
 * parameter binding, transactions, and the migration runner over sql/. */
#ifndef DB_H
#define DB_H
#include <sqlite3.h>
#include <stdint.h>
#include <stddef.h>

/* How long a statement waits for another connection's write lock. */
#define DB_BUSY_MS 5000

int db_open(const char *path, char *err, size_t errlen);
void db_close(void);
sqlite3 *db_handle(void);

/* Prepared once, cached for the life of the process; returned reset with
 * bindings cleared. SQL must be a fixed string (never built from input);
 * in debug builds a statement that scans a whole table warns unless its
 * text contains the marker "-- scan" (an SQL comment). */
sqlite3_stmt *db_stmt(const char *sql);

void db_bind_int(sqlite3_stmt *st, const char *name, int64_t v);
void db_bind_double(sqlite3_stmt *st, const char *name, double v);
void db_bind_text(sqlite3_stmt *st, const char *name, const char *s); /* NULL binds NULL */
void db_bind_textn(sqlite3_stmt *st, const char *name, const char *s, size_t n);
void db_bind_blob(sqlite3_stmt *st, const char *name, const void *p, size_t n);
void db_bind_null(sqlite3_stmt *st, const char *name);

/* SQLITE_ROW, SQLITE_DONE, or an error code (already logged). */
int db_step(sqlite3_stmt *st);
/* Step a statement that returns no rows and reset it: 0 or -1. */
int db_run(sqlite3_stmt *st);
void db_reset(sqlite3_stmt *st);

int64_t db_int(sqlite3_stmt *st, int col);
double db_double(sqlite3_stmt *st, int col);
const char *db_text(sqlite3_stmt *st, int col);   /* "" for NULL */
int db_isnull(sqlite3_stmt *st, int col);

int db_exec(const char *sql);           /* several statements, no binding */
int64_t db_last_id(void);
int db_changes(void);
const char *db_errmsg(void);
int db_errcode(void);
/* 1 when the last failed statement failed because the database was busy
 * or locked (another writer): worth retrying. Unlike db_errcode it
 * survives the rollback that follows. */
int db_busy(void);
/* Wait at most ms for a busy database from now on (ms < 0: DB_BUSY_MS
 * again). For callers that would rather give up than wait, e.g. the rate
 * limiter: set it short around the statements, then restore it. */
void db_busy_ms(long ms);

/* Transactions: immediate takes the write lock at once (checkout, publish). */
int db_begin(int immediate);
int db_commit(void);
void db_rollback(void);
int db_in_tx(void);

/* Apply sql/NNN_*.sql files not yet recorded in schema_migrations, each in
 * its own transaction. Returns the number applied or -1. */
int db_migrate(const char *sqldir, char *err, size_t errlen);
int db_schema_version(void);
#endif
