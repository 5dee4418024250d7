/* bench_tenants: Host -> tenant lookup time with 10, 1k and 100k stores
 * (DESIGN §9: O(log n), flat), and the scheduled-publish check every store
 * request makes (schedule.h: "anything due?") with a pending row per store. Stores are inserted straight into a scratch
 * database; each lookup is the worker's tenant_from_host.
 * usage: bench_tenants SCRATCH.db */
#include "config.h"
#include "db.h"
#include "tenant.h"
#include "schedule.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

static void grow(int to)
{
	if (db_begin(1) < 0) { fprintf(stderr, "bench_tenants: cannot begin\n"); exit(1); }
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM tenants");
	int have = db_step(st) == SQLITE_ROW ? (int)db_int(st, 0) : 0;
	db_reset(st);
	for (int i = have; i < to; i++) {
		char u[32];
		snprintf(u, sizeof u, "store%06d", i);
		st = db_stmt("INSERT INTO tenants(username, name, created_at, updated_at) VALUES(:u, :u, 0, 0)");
		db_bind_text(st, ":u", u);
		if (db_run(st) < 0) { fprintf(stderr, "bench_tenants: cannot insert %s\n", u); exit(1); }
		/* a post of the store scheduled for far ahead: pending, never due */
		st = db_stmt("INSERT INTO publish_schedule(tenant_id, kind, entity_id, due_at, created_at) "
			     "VALUES(:t, 'post', 1, 4000000000, 0)");
		db_bind_int(st, ":t", db_last_id());
		if (db_run(st) < 0) { fprintf(stderr, "bench_tenants: cannot schedule for %s\n", u); exit(1); }
	}
	if (db_commit() < 0) { fprintf(stderr, "bench_tenants: cannot commit\n"); exit(1); }
}

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: bench_tenants SCRATCH.db\n"); return 2; }
	char err[256];
	config_load(NULL, err, sizeof err);
	if (db_open(argv[1], err, sizeof err) < 0) { fprintf(stderr, "%s\n", err); return 1; }
	char dir[1200];
	if (db_migrate(config_path(dir, sizeof dir, "sql"), err, sizeof err) < 0) { fprintf(stderr, "%s\n", err); return 1; }
	static const int sizes[] = { 10, 1000, 100000 };
	double first = 0;
	for (size_t k = 0; k < ARRAY_LEN(sizes); k++) {
		int n = sizes[k];
		grow(n);
		const int lookups = 200000;
		tenant t = { 0 };
		unsigned seed = 1;
		int found = 0;
		int64_t t0 = now_usec();
		for (int i = 0; i < lookups; i++) {
			char host[64];
			seed = seed * 1103515245u + 12345u;
			snprintf(host, sizeof host, "store%06u.%s", (seed >> 8) % (unsigned)n, cfg.base_domain);
			found += tenant_from_host(&t, host) == 0;
		}
		double us = (double)(now_usec() - t0) / lookups;
		tenant_clear(&t);
		if (!first) first = us;
		printf("  %6d stores: %.2f us per lookup (%d/%d found), %.2fx the 10-store time\n", n, us, found,
		       lookups, us / first);
		int64_t s0 = now_usec();
		int due = 0;
		for (int i = 0; i < lookups; i++) {
			seed = seed * 1103515245u + 12345u;
			due += sched_run_due(1 + (int64_t)((seed >> 8) % (unsigned)n));
		}
		printf("  %6d stores: %.2f us per request for the scheduled-publish check (%d due)\n", n,
		       (double)(now_usec() - s0) / lookups, due);
	}
	db_close();
	return 0;
}
