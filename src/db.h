/* db: the one SQLite connection of a process (WAL, foreign keys, busy
 * timeout), a cache of prepared statements keyed by their SQL text, named
 * parameter binding, transactions, and the migration runner over sql/. */
#ifndef DB_H
#define DB_H
#include "util.h"
#include <sqlite3.h>
#include <stdint.h>
#include <stddef.h>

/* How long a statement waits for another connection's write lock. */
#define DB_BUSY_MS 5000

/* Open (creating an empty file when there is none: the CLI's init). */
int db_open(const char *path, char *err, size_t errlen);
/* Open only a database that exists: a worker never makes an empty one
 * where the configured path points nowhere (it would serve nothing). */
int db_open_existing(const char *path, char *err, size_t errlen);
void db_close(void);
sqlite3 *db_handle(void);
/* Something every connection of the process needs (an SQL function): fn
 * runs on the open connection now, if any, and after every later open. */
void db_on_open(void (*fn)(sqlite3 *));

/* Prepared once, cached for the life of the process; returned reset with
 * bindings cleared. A statement still in use (an outer loop is stepping
 * it) is never reset under its user: the caller gets a spare statement of
 * the same SQL, so nested use of one SQL text is safe. SQL must be a fixed string (never built from input);
 * in debug builds a statement that scans a whole table warns unless its
 * text contains the marker "-- scan" (an SQL comment). */
sqlite3_stmt *db_stmt(const char *sql);
/* How often db_stmt found its statement still in use (stepped by an outer
 * loop while an inner call asked for the same SQL) and handed out a spare
 * instead of resetting the outer one. */
long db_stmt_in_use_count(void);
/* Reset every cached statement (after each request): one left mid-result
 * by a caller that stopped early counts as in use no longer. */
void db_stmt_reset_all(void);

void db_bind_int(sqlite3_stmt *st, const char *name, int64_t v);
void db_bind_double(sqlite3_stmt *st, const char *name, double v);
void db_bind_text(sqlite3_stmt *st, const char *name, const char *s); /* NULL binds NULL */
void db_bind_textn(sqlite3_stmt *st, const char *name, const char *s, size_t n);
void db_bind_blob(sqlite3_stmt *st, const char *name, const void *p, size_t n);
void db_bind_null(sqlite3_stmt *st, const char *name);

/* SQLITE_ROW, SQLITE_DONE, or an error code (already logged). */
MUST_USE int db_step(sqlite3_stmt *st);
/* Step a statement that returns no rows and reset it: 0 or -1. */
MUST_USE int db_run(sqlite3_stmt *st);
void db_reset(sqlite3_stmt *st);
/* db_run for housekeeping whose failure breaks no promise to anyone (a
 * last-used time, expired rows, the rate limiter's own cleanup): the
 * failure is logged and dropped. Everything else checks db_run. */
void db_run_best_effort(sqlite3_stmt *st);

int64_t db_int(sqlite3_stmt *st, int col);
double db_double(sqlite3_stmt *st, int col);
const char *db_text(sqlite3_stmt *st, int col);   /* "" for NULL */
int db_isnull(sqlite3_stmt *st, int col);

MUST_USE int db_exec(const char *sql);           /* several statements, no binding */
int64_t db_last_id(void);
int db_changes(void);
const char *db_errmsg(void);
int db_errcode(void);
/* 1 when the last failed statement failed because the database was busy
 * or locked (another writer): worth retrying. Unlike db_errcode it
 * survives the rollback that follows. */
int db_busy(void);
/* 1 when the last failed statement was refused by a moving store's
 * read-only fence (sql/015_pods.sql); survives the rollback too. */
int db_fenced(void);
/* Wait at most ms for a busy database from now on (ms < 0: DB_BUSY_MS
 * again). For callers that would rather give up than wait, e.g. the rate
 * limiter: set it short around the statements, then restore it. */
void db_busy_ms(long ms);

/* Transactions: immediate takes the write lock at once (checkout, publish). */
MUST_USE int db_begin(int immediate);
MUST_USE int db_commit(void);
void db_rollback(void);
int db_in_tx(void);

/* Savepoints (fossil's nested transactions, by name): a part of the
 * current transaction that can be undone alone, e.g. one item of a batch.
 * They nest; db_release and db_rollback_to must name the innermost open
 * one, and db_commit with one still open is a programming error: each
 * aborts, naming the file and line where the savepoint was opened. A
 * rollback of the whole transaction closes them all.
 *     if (db_savepoint("item") < 0) ...;      // -1: SQL failed (logged)
 *     if (bad) db_rollback_to("item");         // undone and closed
 *     else if (db_release("item") < 0) ...;   // kept
 * Names are fixed identifiers ([A-Za-z_][A-Za-z0-9_]*), never input. */
#define db_savepoint(name) db_savepoint_at((name), __FILE__, __LINE__)
MUST_USE int db_savepoint_at(const char *name, const char *file, int line);
MUST_USE int db_release(const char *name);
/* Undo everything since the savepoint and close it: 0, or -1 when that
 * failed (logged), after which the caller must roll back the transaction. */
MUST_USE int db_rollback_to(const char *name);
/* Open savepoints (0 outside one). */
int db_savepoint_depth(void);

/* Apply sql/NNN_*.sql files not yet recorded in schema_migrations, each in
 * its own transaction. Returns the number applied or -1. */
int db_migrate(const char *sqldir, char *err, size_t errlen);
int db_schema_version(void);
#endif
