/* Unit tests for the catalogue behind vibe code's `api`: every product
 * carries its collections' slugs, and building it takes time linear in the
 * catalogue (it was products x memberships: 20 collections x 5000
 * products cost 0.55 s a page view). */
#include "t.h"
#include "catalog.h"
#include "config.h"
#include "db.h"
#include "tenant.h"
#include "util.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* A store of n products, each in all of ncoll collections. */
static int64_t store(const char *name, int n, int ncoll)
{
	CHECK_INT(db_begin(1), 0);
	sqlite3_stmt *st = db_stmt("INSERT INTO tenants(username, name, created_at, updated_at) VALUES(:u, :u, 0, 0)");
	db_bind_text(st, ":u", name);
	CHECK_INT(db_run(st), 0);
	int64_t tid = db_last_id();
	int64_t first_coll = 0;
	for (int c = 0; c < ncoll; c++) {
		char slug[32];
		snprintf(slug, sizeof slug, "c%02d", c);
		st = db_stmt("INSERT INTO collections(tenant_id, slug, title, created_at, updated_at) VALUES(:t, :s, :s, 0, 0)");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":s", slug);
		CHECK_INT(db_run(st), 0);
		if (!c) first_coll = db_last_id();
	}
	for (int i = 0; i < n; i++) {
		char slug[32];
		snprintf(slug, sizeof slug, "p%04d", i);
		st = db_stmt("INSERT INTO products(tenant_id, slug, name, price, stock, position, created_at, updated_at) "
			     "VALUES(:t, :s, :s, 100, 1, :i, 0, 0)");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":s", slug);
		db_bind_int(st, ":i", i);
		CHECK_INT(db_run(st), 0);
		int64_t pid = db_last_id();
		for (int c = 0; c < ncoll; c++) {
			st = db_stmt("INSERT INTO collection_products(tenant_id, collection_id, product_id) VALUES(:t, :c, :p)");
			db_bind_int(st, ":t", tid);
			db_bind_int(st, ":c", first_coll + c);
			db_bind_int(st, ":p", pid);
			CHECK_INT(db_run(st), 0);
		}
	}
	CHECK_INT(db_commit(), 0);
	return tid;
}

/* The database work of one build, counted in SQLite virtual-machine
 * instructions (in hundreds): a measure of the algorithm that does not
 * depend on how busy the machine is, as CPU time did. */
static long ops;
static int count_ops(void *arg) { (void)arg; ops++; return 0; }

static long build_ops(const tenant *t, int *count)
{
	ops = 0;
	sqlite3_progress_handler(db_handle(), 100, count_ops, NULL);
	cJSON *c = cat_catalog(t);
	sqlite3_progress_handler(db_handle(), 0, NULL, NULL);
	*count = cJSON_GetArraySize(c);
	cJSON_Delete(c);
	return ops;
}

static void test_catalog(void)
{
	char path[] = "/tmp/sf-unit-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	char err[512];
	CHECK_INT(db_open(path, err, sizeof err), 0);
	CHECK(db_migrate("sql", err, sizeof err) >= 2);
	store("small", 50, 20);
	store("big", 500, 20);
	tenant small = { 0 }, big = { 0 };
	CHECK_INT(tenant_load_username(&small, "small"), 0);
	CHECK_INT(tenant_load_username(&big, "big"), 0);

	/* Each product has its collections' slugs, in collection order; only its store's. */
	cJSON *c = cat_catalog(&small);
	CHECK_INT(cJSON_GetArraySize(c), 50);
	const cJSON *p0 = cJSON_GetArrayItem(c, 0);
	const cJSON *slugs = cJSON_GetObjectItemCaseSensitive(p0, "collections");
	CHECK_INT(cJSON_GetArraySize(slugs), 20);
	CHECK_STR(cJSON_GetArrayItem(slugs, 0)->valuestring, "c00");
	CHECK_STR(cJSON_GetArrayItem(slugs, 19)->valuestring, "c19");
	cJSON_Delete(c);

	/* 10x the catalogue (10x the memberships): well under 20x the work
	 * (quadratic was about 100x). Time is for make bench. */
	int ns = 0, nb = 0;
	long ws = build_ops(&small, &ns), wb = build_ops(&big, &nb);
	CHECK_INT(ns, 50);
	CHECK_INT(nb, 500);
	printf("cat_catalog: 50 products x 20 collections %ld00 VM steps, 500 x 20 %ld00 (%.1fx)\n", ws, wb,
	       (double)wb / (ws ? ws : 1));
	CHECK(ws > 0);
	CHECK(wb < 20 * ws);
	tenant_clear(&small);
	tenant_clear(&big);
	db_close();
	unlink(path);
}

int main(void)
{
	char err[256];
	config_load(NULL, err, sizeof err);
	test_catalog();
	T_DONE();
}
