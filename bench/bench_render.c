/* bench_render: the storefront's page render path measured inside one
 * process, the way a worker runs it: the demo home page (6 blocks incl. a
 * 24-product grid) rendered N times through the sandbox (fork from the
 * zygote, one child per page) and in-process, p50/p90 of each and the
 * per-stage split of the sandboxed block renders.
 * usage: bench_render DB [N] */
#include "catalog.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "pages.h"
#include "provision.h"
#include "render.h"
#include "sandbox.h"
#include "vibe.h"
#include "util.h"
#include "theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static char *env_store[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_HOST=demo.localhost", NULL };

/* The stores pages are rendered for, in turn (round_robin sets them). */
static const char *demo_host[] = { "demo.localhost" };
static const char *const *hosts = demo_host;
static int nhosts = 1;

/* The render figures and the target each is held to (issue 12), in ms
 * (0: none): printed beside the p50. */
static double target_ms;

static void run(const char *label, int n, int sandboxed, int fresh_child, int idle_us)
{
	long *t = xcalloc((size_t)n, sizeof *t);
	vibe_timing sum = { 0 };
	sbx_timing ssum = { 0 };
	size_t bytes = 0;
	for (int i = 0; i < n; i++) {
		req r;
		const char *host = hosts[i % nhosts];
		char hh[300];
		snprintf(hh, sizeof hh, "HTTP_HOST=%s", host);
		env_store[2] = hh;
		http_begin(&r, env_store, NULL, NULL);
		tenant_from_host(&r.t, host);
		if (fresh_child) sbx_drop_kept();
		if (idle_us) usleep((useconds_t)idle_us);  /* untimed: the zygote readies its spare */
		int64_t t0 = now_usec();
		int64_t id = pages_id_by_slug(r.t.id, "home");
		cJSON *blocks = pages_live_blocks(r.t.id, id, 0);
		sbuf content = SBUF_INIT;
		render_timing rt = { .inprocess = !sandboxed };
		render_blocks_timed(&r, blocks, 0, &content, &rt);
		render_shell(&r, "Home", NULL, sb_str(&content));
		t[i] = (long)(now_usec() - t0);
		bytes = r.out.len;
		sum.compile += rt.vibe.compile; sum.data += rt.vibe.data; sum.run += rt.vibe.run;
		sum.inputs += rt.vibe.inputs;
		sum.cached += rt.vibe.cached;
		ssum.spawn += rt.sbx.spawn; ssum.send += rt.sbx.send; ssum.wait += rt.sbx.wait;
		sb_free(&content);
		cJSON_Delete(blocks);
		http_end(&r);
	}
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("%-26s p50 %6.3f ms  p90 %6.3f ms  (%zu bytes)", label, t[n / 2] / 1000.0, t[n * 9 / 10] / 1000.0, bytes);
	if (target_ms > 0)
		printf("  target p50 <= %.0f ms: %s", target_ms, t[n / 2] <= target_ms * 1000 ? "met" : "NOT MET");
	printf("\n");
	printf("  per page, mean: inputs %.3f ms, compile %.3f ms, data %.3f ms, run %.3f ms",
	       sum.inputs / 1000.0 / n, sum.compile / 1000.0 / n, sum.data / 1000.0 / n, sum.run / 1000.0 / n);
	if (sandboxed)
		printf(", fork+spawn %.3f ms, send %.3f ms, wait %.3f ms; blocks from the child's cache %.1f",
		       ssum.spawn / 1000.0 / n, ssum.send / 1000.0 / n, ssum.wait / 1000.0 / n, (double)sum.cached / n);
	printf("\n");
	free(t);
}

/* NSTORES stores with the demo's pages and catalogue (rr00.localhost
 * ...), made once per database: the demo store renamed and made again. */
#define NSTORES 100
static char rr_names[NSTORES][32];
static const char *rr_hosts[NSTORES];

static int make_stores(void)
{
	char err[256];
	for (int k = 0; k < NSTORES; k++) {
		snprintf(rr_names[k], sizeof rr_names[k], "rr%02d.localhost", k);
		rr_hosts[k] = rr_names[k];
		tenant t = { 0 };
		int have = tenant_from_host(&t, rr_names[k]) == 0 && t.id;
		tenant_clear(&t);
		if (have) continue;
		char user[16];
		snprintf(user, sizeof user, "rr%02d", k);
		if (prov_demo("bench-password", err, sizeof err) < 0) { fprintf(stderr, "bench: demo: %s\n", err); return -1; }
		sqlite3_stmt *st = db_stmt("UPDATE tenants SET username = :u WHERE username = 'demo'");
		db_bind_text(st, ":u", user);
		if (db_run(st) < 0 || prov_demo("bench-password", err, sizeof err) < 0) {
			fprintf(stderr, "bench: store %s: %s\n", user, err[0] ? err : db_errmsg());
			return -1;
		}
	}
	return 0;
}

/* The `api` input of a store of 5000 products in 20 collections each
 * (100k memberships): it took 0.55 s a page view when every membership
 * scanned the product list. */
static void big_catalogue(void)
{
	if (db_begin(1) < 0) return;
	int bad = db_exec("INSERT OR IGNORE INTO tenants(username, name, created_at, updated_at) VALUES('bigcat', 'Big', 0, 0)") < 0;
	sqlite3_stmt *st = db_stmt("SELECT id FROM tenants WHERE username = 'bigcat'");
	int64_t tid = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	st = db_stmt("SELECT count(*) FROM products WHERE tenant_id = :t");
	db_bind_int(st, ":t", tid);
	int have = db_step(st) == SQLITE_ROW && db_int(st, 0) > 0;
	db_reset(st);
	for (int c = 0; !have && c < 20; c++) {
		st = db_stmt("INSERT INTO collections(tenant_id, slug, title, created_at, updated_at) VALUES(:t, :s, :s, 0, 0)");
		char slug[16];
		snprintf(slug, sizeof slug, "c%d", c);
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":s", slug);
		bad |= db_run(st) < 0;
	}
	for (int i = 0; !have && i < 5000; i++) {
		char slug[16];
		snprintf(slug, sizeof slug, "p%d", i);
		st = db_stmt("INSERT INTO products(tenant_id, slug, name, price, stock, position, created_at, updated_at) "
			     "VALUES(:t, :s, :s, 100, 1, :i, 0, 0)");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":s", slug);
		db_bind_int(st, ":i", i);
		bad |= db_run(st) < 0;
		st = db_stmt("INSERT INTO collection_products(tenant_id, collection_id, product_id) "
			     "SELECT :t, id, :p FROM collections WHERE tenant_id = :t");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":p", db_last_id());
		bad |= db_run(st) < 0;
	}
	if (bad || db_commit() < 0) {
		fprintf(stderr, "bench: cannot write the big catalogue: %s\n", db_errmsg());
		db_rollback();
		return;
	}
	tenant t = { 0 };
	if (tenant_load_id(&t, tid) < 0) return;
	long times[21];
	for (int k = 0; k < 21; k++) {
		int64_t t0 = now_usec();
		cJSON_Delete(cat_catalog(&t));
		times[k] = (long)(now_usec() - t0);
	}
	qsort(times, 21, sizeof *times, cmp);
	printf("api input, 5000 products x 20 collections: p50 %.3f ms (was 550 ms: quadratic)\n", times[10] / 1000.0);
	tenant_clear(&t);
}

/* What a store's theme adds to every uncached page: its stored JSON read
 * field by field and the shell's derived values (twice a page: the shell
 * and the blocks' storefront input). */
static void theme_cost(void)
{
	cJSON *t = theme_starter("midnight");
	char *stored = cJSON_PrintUnformatted(t);
	cJSON_Delete(t);
	int n = 20000;
	int64_t start = now_usec();
	for (int i = 0; i < n; i++) {
		cJSON *th = theme_resolve(stored);
		cJSON *p = theme_public(th);
		cJSON_Delete(p);
		cJSON_Delete(th);
	}
	printf("theme per page (resolve + CSS values, once): %.2f us\n", (double)(now_usec() - start) / n);
	cJSON_free(stored);
}

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: bench_render DB [N]\n"); return 2; }
	char err[256];
	config_load(NULL, err, sizeof err);
	snprintf(cfg.db, sizeof cfg.db, "%s", argv[1]);
	/* One store rendered thousands of times: its fair share is still
	 * accounted (that cost is measured) but never runs out. */
	cfg.store_cpu_ms = 1000L * 1000 * 1000;
	int n = argc > 2 ? atoi(argv[2]) : 500;
	if (sbx_start() < 0) { fprintf(stderr, "no sandbox\n"); return 1; }
	if (db_open(cfg.db, err, sizeof err) < 0) { fprintf(stderr, "%s\n", err); return 1; }
	run("warm-up", 20, 1, 0, 0);
	printf("A page's blocks run in one child (a fresh interpreter each); the child\n"
	       "of a store's page is kept for its next page, any other store's page\n"
	       "gets a fresh child from the zygote's spare (\"fresh child\": 5 ms idle\n"
	       "between pages, untimed, as between requests; \"back to back\": every\n"
	       "page another store's, no pause, the spare still being made).\n\n");
	const char *only = getenv("BENCH_ONLY");   /* profiling one figure: warm, fresh, inproc or rr */
	if (only && !strcmp(only, "warm")) { run("sandboxed, same store", n, 1, 0, 0); return 0; }
	if (only && !strcmp(only, "fresh")) { run("sandboxed, fresh child", n, 1, 1, 5000); return 0; }
	if (only && !strcmp(only, "inproc")) { run("in-process (no isolation)", n, 0, 0, 0); return 0; }
	if (only && !strcmp(only, "rr") && make_stores() == 0) {
		hosts = rr_hosts;
		nhosts = NSTORES;
		sbx_drop_kept();   /* rr00 was the demo store: its child must not be warm */
		run("round-robin, 100 stores", n, 1, 0, 5000);
		return 0;
	}
	target_ms = 1;
	run("sandboxed, same store", n, 1, 0, 0);
	target_ms = 2;
	run("sandboxed, fresh child", n / 2, 1, 1, 5000);
	target_ms = 0;
	run("fresh child back to back", n / 2, 1, 1, 0);
	run("in-process (no isolation)", n, 0, 0, 0);
	if (make_stores() == 0) {
		/* A multi-tenant host's traffic: each page another store's than
		 * the page before (its child not warm), 5 ms idle between pages
		 * as between requests. */
		hosts = rr_hosts;
		nhosts = NSTORES;
		sbx_drop_kept();   /* rr00 was the demo store: its child must not be warm */
		target_ms = 2;
		printf("\n");
		run("round-robin, 100 stores", n / 2, 1, 0, 5000);
		hosts = demo_host;
		nhosts = 1;
		target_ms = 0;
	}
	big_catalogue();
	theme_cost();
	db_close();
	return 0;
}
