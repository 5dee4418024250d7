/* db seams: a cached statement asked for while an outer loop steps it
 * (a spare, never a restart of the outer loop), a statement cache with no
 * cap, savepoints by name (nested, out-of-order use aborts), the one
 * answer to a storage error (503 busy / 500), and no silent caps on
 * migrations or on the tables a store's deletion purges. */
#include "t.h"
#include "db.h"
#include "server.h"
#include "provision.h"
#include "config.h"
#include "util.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[64];

static void open_fresh(int migrate)
{
	char err[256];
	db_close();
	snprintf(path, sizeof path, "/tmp/sf-db-XXXXXX");
	int fd = mkstemp(path);
	close(fd);
	CHECK_INT(db_open(path, err, sizeof err), 0);
	if (migrate) CHECK(db_migrate("sql", err, sizeof err) >= 2);
}

static void remove_db(void)
{
	db_close();
	char side[80];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path); unlink(side);
	snprintf(side, sizeof side, "%s-shm", path); unlink(side);
}

/* Runs fn in a child: 1 when it died of SIGABRT (a loud programming error). */
static int aborts(void (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		fn();
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

#define Q "SELECT x FROM t ORDER BY x"

static void test_statement_in_use(void)
{
	open_fresh(0);
	CHECK_INT(db_exec("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES(1),(2),(3);"), 0);
	sqlite3_stmt *outer = db_stmt(Q);
	long before = db_stmt_in_use_count();
	int seen[8], n = 0;
	/* An inner call of the same SQL inside the outer loop: the outer loop
	 * must see each row once (a reset under it would restart it forever:
	 * the guard stops at 8). */
	while (n < 8 && db_step(outer) == SQLITE_ROW) {
		seen[n++] = (int)db_int(outer, 0);
		sqlite3_stmt *inner = db_stmt(Q);
		CHECK(inner != outer);
		CHECK_INT(db_step(inner), SQLITE_ROW);
		CHECK_INT(db_int(inner, 0), 1);
		db_reset(inner);
	}
	db_reset(outer);
	CHECK_INT(n, 3);
	if (n == 3) { CHECK_INT(seen[0], 1); CHECK_INT(seen[1], 2); CHECK_INT(seen[2], 3); }
	CHECK_INT(db_stmt_in_use_count() - before, 3);
	/* Not in use any more: the cached one again, and the spare reused. */
	CHECK(db_stmt(Q) == outer);
	/* One left mid-result by a caller that stopped early is reset after
	 * the request, and handed out again (not a new spare each time). */
	CHECK_INT(db_step(outer), SQLITE_ROW);
	db_stmt_reset_all();
	CHECK(db_stmt(Q) == outer);

	/* The cache has no cap: a statement being stepped survives a
	 * thousand other statements being prepared. */
	CHECK_INT(db_step(outer), SQLITE_ROW);
	char sql[64];
	for (int i = 0; i < 1500; i++) {
		snprintf(sql, sizeof sql, "SELECT %d + x FROM t WHERE x = 1", i);
		sqlite3_stmt *s = db_stmt(sql);
		CHECK_INT(db_step(s), SQLITE_ROW);
		db_reset(s);
	}
	CHECK_INT(db_step(outer), SQLITE_ROW);
	CHECK_INT(db_int(outer, 0), 2);
	db_reset(outer);
	remove_db();
}

static int count_t(void)
{
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM t -- scan");
	int n = db_step(st) == SQLITE_ROW ? (int)db_int(st, 0) : -1;
	db_reset(st);
	return n;
}

static void bad_release(void)
{
	if (db_begin(1) < 0 || db_savepoint("a") < 0 || db_savepoint("b") < 0) _exit(3);
	if (db_release("a") < 0) _exit(4);     /* b is innermost: aborts */
}

static void commit_with_open_savepoint(void)
{
	if (db_begin(1) < 0 || db_savepoint("left_open") < 0) _exit(3);
	if (db_commit() < 0) _exit(4);          /* aborts */
}

static void bad_name(void)
{
	if (db_begin(1) < 0) _exit(3);
	if (db_savepoint("x; DROP TABLE t") < 0) _exit(4);
}

static void test_savepoints(void)
{
	open_fresh(0);
	CHECK_INT(db_exec("CREATE TABLE t(x INTEGER)"), 0);
	CHECK_INT(db_begin(1), 0);
	CHECK_INT(db_savepoint("outer_sp"), 0);
	CHECK_INT(db_exec("INSERT INTO t VALUES(1)"), 0);
	CHECK_INT(db_savepoint("inner_sp"), 0);
	CHECK_INT(db_savepoint_depth(), 2);
	CHECK_INT(db_exec("INSERT INTO t VALUES(2)"), 0);
	CHECK_INT(db_rollback_to("inner_sp"), 0);   /* undoes 2, closes inner */
	CHECK_INT(db_savepoint_depth(), 1);
	CHECK_INT(count_t(), 1);
	CHECK_INT(db_savepoint("inner_sp"), 0);      /* the same name again */
	CHECK_INT(db_exec("INSERT INTO t VALUES(3)"), 0);
	CHECK_INT(db_release("inner_sp"), 0);
	CHECK_INT(db_release("outer_sp"), 0);
	CHECK_INT(db_commit(), 0);
	CHECK_INT(count_t(), 2);
	/* a rollback of the whole transaction closes its savepoints */
	CHECK_INT(db_begin(1), 0);
	CHECK_INT(db_savepoint("gone"), 0);
	db_rollback();
	CHECK_INT(db_savepoint_depth(), 0);
	/* misuse is loud */
	CHECK(aborts(bad_release));
	CHECK(aborts(commit_with_open_savepoint));
	CHECK(aborts(bad_name));
	remove_db();
}

static void test_storage_error(void)
{
	open_fresh(0);
	CHECK_INT(db_exec("CREATE TABLE u(x INTEGER UNIQUE); INSERT INTO u VALUES(1);"), 0);
	char *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/x", NULL };
	req r;
	/* another connection holds the write lock: busy -> 503, Retry-After */
	sqlite3 *other;
	CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
	CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	db_busy_ms(0);
	http_begin(&r, env, NULL, NULL);
	r.json_errors = 1;
	CHECK_INT(db_begin(1), -1);
	CHECK(db_busy());
	server_storage_error(&r, "the thing was not saved");
	CHECK_INT(r.status, 503);
	CHECK(strstr(sb_str(&r.headers), "Retry-After: 1\r\n") != NULL);
	CHECK(strstr(sb_str(&r.out), "\"code\":\"busy\"") != NULL);
	CHECK(strstr(sb_str(&r.out), "the thing was not saved") != NULL);
	http_end(&r);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	db_busy_ms(-1);
	/* any other failure, inside a transaction: rolled back, 500 */
	http_begin(&r, env, NULL, NULL);
	r.json_errors = 1;
	CHECK_INT(db_begin(1), 0);
	CHECK_INT(db_run(db_stmt("INSERT INTO u VALUES(1)")), -1);
	CHECK(!db_busy());
	server_storage_error(&r, "the thing was not saved");
	CHECK_INT(r.status, 500);
	CHECK(!db_in_tx());
	CHECK(strstr(sb_str(&r.out), "\"code\":\"storage_error\"") != NULL);
	CHECK(strstr(sb_str(&r.headers), "Retry-After") == NULL);
	http_end(&r);
	remove_db();
}

/* 300 migration files all apply (the runner stopped at 256, silently). */
static void test_many_migrations(void)
{
	char dir[] = "/tmp/sf-mig-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	for (int i = 1; i <= 300; i++) {
		char f[128];
		snprintf(f, sizeof f, "%s/%03d_m.sql", dir, i);
		FILE *fp = fopen(f, "w");
		fprintf(fp, "CREATE TABLE m%d(x);\n", i);
		fclose(fp);
	}
	open_fresh(0);
	char err[256] = "";
	CHECK_INT(db_migrate(dir, err, sizeof err), 300);
	CHECK_INT(db_schema_version(), 300);
	CHECK_INT(db_migrate(dir, err, sizeof err), 0);
	remove_db();
	for (int i = 1; i <= 300; i++) {
		char f[128];
		snprintf(f, sizeof f, "%s/%03d_m.sql", dir, i);
		unlink(f);
	}
	rmdir(dir);
}

/* A store's deletion purges every table with a tenant_id, however many
 * (the purge stopped at 128 tables, silently keeping the rest). */
static void test_purge_every_table(void)
{
	open_fresh(1);
	char err[256] = "";
	int64_t tid = prov_tenant_create_as("purgeme", "Purge me", 1, "test", "", err, sizeof err);
	CHECK(tid > 0);
	sbuf s = SBUF_INIT;
	for (int i = 0; i < 150; i++)
		sb_printf(&s, "CREATE TABLE zz_extra_%03d(tenant_id INTEGER, v TEXT); "
			      "INSERT INTO zz_extra_%03d VALUES(%lld, 'x');", i, i, (long long)tid);
	CHECK_INT(db_exec(sb_str(&s)), 0);
	sb_free(&s);
	CHECK_INT(prov_tenant_delete("purgeme", "test", "", err, sizeof err), 0);
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM zz_extra_149 -- scan");
	CHECK(db_step(st) == SQLITE_ROW);
	CHECK_INT(db_int(st, 0), 0);
	db_reset(st);
	st = db_stmt("SELECT count(*) FROM zz_extra_000 -- scan");
	CHECK(db_step(st) == SQLITE_ROW);
	CHECK_INT(db_int(st, 0), 0);
	db_reset(st);
	remove_db();
}

int main(void)
{
	char err[256];
	config_load(NULL, err, sizeof err);
	test_statement_in_use();
	test_savepoints();
	test_storage_error();
	test_many_migrations();
	test_purge_every_table();
	T_DONE();
}
