/* bench_search: search quality over the demo catalogue and search speed
 * over a generated 10,000-product store, inside one process (what a
 * worker does per request, without HTTP).
 *   quality: bench/search_queries.json (exact names, SKUs, typos, plurals,
 *   synonyms, descriptive queries, price words), each with its relevant
 *   products; recall@5, MRR and nDCG@10 for keyword-only and hybrid
 *   (offline embedder; with a model's vectors when SF_EMBED_URL is set).
 *   speed: reindex of the 10k store, then p50/p95 of search (results page
 *   as /api/search builds it) and of suggest.
 * usage: bench_search DEMO.db SCRATCH.db */
#include "ai.h"
#include "config.h"
#include "db.h"
#include "embed.h"
#include "search.h"
#include "tenant.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *what)
{
	fprintf(stderr, "bench_search: %s: %s\n", what, db_errmsg());
	exit(1);
}

static int64_t product_id(int64_t tid, const char *slug)
{
	sqlite3_stmt *st = db_stmt("SELECT id FROM products WHERE tenant_id = :t AND slug = :s");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", slug);
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return id;
}

typedef struct metrics { double recall5, mrr, ndcg10; int n; } metrics;

static void evaluate(const tenant *t, cJSON *set, int mode, metrics *m, const char *kind)
{
	memset(m, 0, sizeof *m);
	const cJSON *it;
	cJSON_ArrayForEach(it, set) {
		const char *k = cJSON_GetObjectItemCaseSensitive(it, "kind")->valuestring;
		if (kind && strcmp(kind, k) != 0) continue;
		const char *q = cJSON_GetObjectItemCaseSensitive(it, "q")->valuestring;
		const cJSON *rel = cJSON_GetObjectItemCaseSensitive(it, "relevant"), *r;
		int64_t want[16];
		int nw = 0;
		cJSON_ArrayForEach(r, rel) if (nw < 16) want[nw++] = product_id(t->id, r->valuestring);
		int64_t got[10];
		int ng = 0;
		if (mode < 2) ng = search_product_ids(t, q, mode, got, 10);
		else {
			float *v;
			int dim;
			char err[300];
			if (ai_embed(&q, 1, 5000, &v, &dim, err, sizeof err) < 0) { fprintf(stderr, "bench_search: %s\n", err); exit(1); }
			search_opts o = { .q = q, .mode = SEARCH_HYBRID, .page = 1, .per_page = 10, .available = -1,
					  .price_min = -1, .price_max = -1, .qvec = v, .qvec_model = cfg.ai_embed_model, .qvec_dim = dim };
			cJSON *res = search_query(t, &o), *p;
			cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(res, "products"))
				if (ng < 10) got[ng++] = strtoll(cJSON_GetObjectItemCaseSensitive(p, "id")->valuestring, NULL, 10);
			cJSON_Delete(res);
			free(v);
		}
		int hit5 = 0, first = 0;
		double dcg = 0, idcg = 0;
		for (int i = 0; i < ng; i++) {
			int is = 0;
			for (int j = 0; j < nw; j++) if (got[i] == want[j]) is = 1;
			if (!is) continue;
			if (i < 5) hit5++;
			if (!first) first = i + 1;
			dcg += 1.0 / log2(i + 2.0);
		}
		for (int i = 0; i < nw && i < 10; i++) idcg += 1.0 / log2(i + 2.0);
		m->recall5 += (double)hit5 / (nw < 5 ? nw : 5);
		m->mrr += first ? 1.0 / first : 0;
		m->ndcg10 += idcg > 0 ? dcg / idcg : 0;
		m->n++;
	}
	if (m->n) { m->recall5 /= m->n; m->mrr /= m->n; m->ndcg10 /= m->n; }
}

/* Suggestions as the shopper types the labelled queries that name a
 * product (exact names, SKUs, typos, plurals, synonyms): their first 3, 5
 * and 8 characters and the whole query, each a suggest call (limit 4);
 * hit@4: a relevant product among the suggestions; MRR over them. */
static void suggest_quality(const tenant *t, cJSON *set)
{
	static const char *const kinds[] = { "exact", "sku", "typo", "plural", "synonym" };
	static const size_t lens[] = { 3, 5, 8, 1000 };
	double hits = 0, rr = 0;
	int n = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, set) {
		const char *k = cJSON_GetObjectItemCaseSensitive(it, "kind")->valuestring;
		int named = 0;
		for (size_t i = 0; i < ARRAY_LEN(kinds); i++) if (strcmp(k, kinds[i]) == 0) named = 1;
		if (!named) continue;
		const char *q = cJSON_GetObjectItemCaseSensitive(it, "q")->valuestring;
		int64_t want[16];
		int nw = 0;
		const cJSON *r;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(it, "relevant")) if (nw < 16) want[nw++] = product_id(t->id, r->valuestring);
		size_t prev = 0;
		for (size_t l = 0; l < ARRAY_LEN(lens); l++) {
			size_t len = strlen(q) < lens[l] ? strlen(q) : lens[l];
			if (len == prev) continue;
			prev = len;
			char pre[256];
			snprintf(pre, sizeof pre, "%.*s", (int)len, q);
			cJSON *res = search_suggest(t, pre, 4), *p;
			int rank = 0, at = 0;
			cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(res, "resources"), "results"), "products")) {
				rank++;
				int64_t id = strtoll(cJSON_GetObjectItemCaseSensitive(p, "id")->valuestring, NULL, 10);
				for (int j = 0; j < nw && !at; j++) if (id == want[j]) at = rank;
			}
			cJSON_Delete(res);
			hits += at ? 1 : 0;
			rr += at ? 1.0 / at : 0;
			n++;
		}
	}
	printf("  suggest (first 3, 5, 8 letters and whole, %d calls): hit@4 %.3f, MRR %.3f\n", n, n ? hits / n : 0,
	       n ? rr / n : 0);
}

static void quality(const char *demo_db)
{
	char err[512], path[1200];
	if (db_open(demo_db, err, sizeof err) < 0) { fprintf(stderr, "%s\n", err); exit(1); }
	tenant t = { 0 };
	if (tenant_load_username(&t, "demo") < 0) die("no demo store");
	/* the merchant's synonyms, as the demo store would set them */
	cJSON *syn = cJSON_Parse("[[\"hoodie\",\"pullover\",\"sweatshirt\"],[\"shirt\",\"tee\"],"
				 "[\"flashlight\",\"headlamp\",\"lantern\",\"torch\"]]");
	if (db_begin(1) < 0 || search_synonyms_put(t.id, syn) < 0 || db_commit() < 0) die("synonyms");
	cJSON_Delete(syn);
	if (search_flush(t.id, 0) < 0) die("index");
	char *json = file_read(config_path(path, sizeof path, "bench/search_queries.json"), NULL);
	cJSON *set = json ? cJSON_Parse(json) : NULL;
	free(json);
	if (!set) { fprintf(stderr, "bench_search: bench/search_queries.json is missing or broken\n"); exit(1); }
	printf("  %d labelled queries over the demo catalogue (bench/search_queries.json)\n", cJSON_GetArraySize(set));
	printf("  %-18s %9s %7s %8s\n", "mode", "recall@5", "MRR", "nDCG@10");
	static const char *const names[] = { "keyword-only", "offline-hybrid", "fake-model-hybrid" };
	metrics m[3];
	int modes = 2;
	if (ai_embed_configured()) {       /* the model's vectors for every document first (the deliverer's job) */
		char why[300];
		int n;
		while ((n = search_embed_pending(32, why, sizeof why)) > 0) ;
		if (n < 0) { fprintf(stderr, "bench_search: embeddings: %s\n", why); exit(1); }
		modes = 3;
	}
	for (int mode = 0; mode < modes; mode++) {
		evaluate(&t, set, mode, &m[mode], NULL);
		printf("  %-18s %9.3f %7.3f %8.3f\n", names[mode], m[mode].recall5, m[mode].mrr, m[mode].ndcg10);
	}
	if (modes == 2) printf("  %-18s %9s %7s %8s   (no model endpoint configured)\n", names[2], "-", "-", "-");
	suggest_quality(&t, set);
	printf("  by kind (nDCG@10 keyword -> hybrid):");
	static const char *const kinds[] = { "exact", "sku", "typo", "plural", "synonym", "descriptive", "price" };
	for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
		metrics a, b;
		evaluate(&t, set, 0, &a, kinds[k]);
		evaluate(&t, set, 1, &b, kinds[k]);
		printf(" %s %.2f->%.2f", kinds[k], a.ndcg10, b.ndcg10);
	}
	printf("\n  offline-hybrid %s keyword-only on nDCG@10 (%+.3f)\n", m[1].ndcg10 > m[0].ndcg10 ? "beats" : "does NOT beat",
	       m[1].ndcg10 - m[0].ndcg10);
	if (modes == 3)
		printf("  fake-model-hybrid %s keyword-only on nDCG@10 (%+.3f)\n", m[2].ndcg10 > m[0].ndcg10 ? "beats" : "does NOT beat",
		       m[2].ndcg10 - m[0].ndcg10);
	cJSON_Delete(set);
	tenant_clear(&t);
	db_close();
}

/* ---- speed over 10,000 products --------------------------------------- */

static const char *const adj[] = { "Alpine", "Summit", "Ridge", "Canyon", "Harbour", "Cedar", "Granite", "Meadow",
	"Coastal", "Northern", "Desert", "Forest", "Glacier", "Prairie", "River", "Storm", "Sunrise", "Timber",
	"Valley", "Willow" };
static const char *const noun[] = { "Jacket", "Vest", "Pullover", "Tent", "Sleeping Bag", "Mug", "Boots", "Socks",
	"Daypack", "Headlamp", "Bottle", "Beanie", "Cap", "Shorts", "Shirt", "Hammock", "Lantern", "Poles", "Compass",
	"Stove", "Tee", "Pants", "Bandana", "Gloves", "Scarf" };
static const char *const colour[] = { "Red", "Blue", "Green", "Black", "Sand", "Olive", "Grey", "Orange" };
static const char *const vendor[] = { "Ridgeline Supply", "Northpine Works", "Cedar & Flint", "Lantern Lane",
	"Demo Outfitters", "Fjellgear" };
static const char *const words[] = { "warm", "light", "waterproof", "packable", "merino", "recycled", "durable",
	"breathable", "insulated", "soft", "stretchy", "rugged", "compact", "cosy", "quick-dry" };

static int64_t generate(int n)
{
	if (db_begin(1) < 0) die("begin");
	sqlite3_stmt *st = db_stmt("INSERT INTO tenants(username, name, created_at, updated_at) VALUES ('bigstore', 'Big Store', 0, 0)");
	if (db_run(st) < 0) die("tenant");
	int64_t tid = db_last_id();
	unsigned seed = 7;
	for (int i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		const char *a = adj[(seed >> 8) % ARRAY_LEN(adj)], *no = noun[(seed >> 13) % ARRAY_LEN(noun)];
		const char *c = colour[(seed >> 18) % ARRAY_LEN(colour)];
		char name[128], slug[160], sku[32], desc[512], tags[128];
		snprintf(name, sizeof name, "%s %s %s %d", a, c, no, i);
		snprintf(slug, sizeof slug, "p-%d", i);
		snprintf(sku, sizeof sku, "BIG-%05d", i);
		snprintf(desc, sizeof desc, "A %s, %s %s in %s from the %s range. Made to last, made to be %s.",
			 words[i % ARRAY_LEN(words)], words[(i / 3) % ARRAY_LEN(words)], no, c, a,
			 words[(i / 7) % ARRAY_LEN(words)]);
		snprintf(tags, sizeof tags, "[\"%s\",\"%s\"]", words[(i / 5) % ARRAY_LEN(words)], c);
		st = db_stmt("INSERT INTO products(tenant_id, slug, name, description, price, sku, stock, vendor, tags_json, created_at, updated_at) "
			     "VALUES (:t, :s, :n, :d, :p, :k, :q, :v, :g, :c, :c)");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":s", slug);
		db_bind_text(st, ":n", name);
		db_bind_text(st, ":d", desc);
		db_bind_int(st, ":p", 500 + (int64_t)((seed >> 4) % 30000));
		db_bind_text(st, ":k", sku);
		db_bind_int(st, ":q", (int64_t)(seed % 5));
		db_bind_text(st, ":v", vendor[(seed >> 20) % ARRAY_LEN(vendor)]);
		db_bind_text(st, ":g", tags);
		db_bind_int(st, ":c", i);
		if (db_run(st) < 0) die("product");
	}
	if (db_commit() < 0) die("commit");
	return tid;
}

static int cmp_ll(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* CPU time of this process (what one request costs a worker, whatever
 * else the machine's cores are doing) next to the wall-clock time. */
static int64_t cpu_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void report(const char *what, int64_t *us, int64_t *cpu, int n, double budget_ms)
{
	qsort(us, (size_t)n, sizeof *us, cmp_ll);
	qsort(cpu, (size_t)n, sizeof *cpu, cmp_ll);
	double p50 = (double)us[n / 2] / 1000.0, p95 = (double)us[n * 95 / 100] / 1000.0;
	double c50 = (double)cpu[n / 2] / 1000.0;
	printf("  %-32s wall p50 %6.2f p95 %6.2f ms, CPU p50 %5.2f ms (budget p50 < %.0f ms: %s)\n", what, p50, p95,
	       c50, budget_ms, c50 < budget_ms ? "ok" : "OVER");
}

/* With SF_BENCH_VERBOSE: each query's CPU median over the rounds
 * (cpu[r * n + i] is query i of round r), slowest first. */
static void per_query(const char *const *names, int n, int rounds, const int64_t *cpu)
{
	if (!getenv("SF_BENCH_VERBOSE")) return;
	int64_t med[64], v[64];
	int order[64];
	for (int i = 0; i < n && i < 64; i++) {
		for (int r = 0; r < rounds && r < 64; r++) v[r] = cpu[r * n + i];
		qsort(v, (size_t)rounds, sizeof *v, cmp_ll);
		med[i] = v[rounds / 2];
		order[i] = i;
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && med[order[j]] > med[order[j - 1]]; j--) { int x = order[j]; order[j] = order[j - 1]; order[j - 1] = x; }
	printf("    CPU median per query:");
	for (int i = 0; i < n; i++) printf(" %s %.2f%s", names[order[i]], (double)med[order[i]] / 1000.0, i + 1 < n ? "," : "\n");
}

static void speed(const char *scratch)
{
	char err[512], dir[1200];
	if (db_open(scratch, err, sizeof err) < 0) { fprintf(stderr, "%s\n", err); exit(1); }
	if (db_migrate(config_path(dir, sizeof dir, "sql"), err, sizeof err) < 0) { fprintf(stderr, "%s\n", err); exit(1); }
	const int n = 10000;
	int64_t t0 = now_usec(), c0;
	int64_t tid = getenv("SF_BENCH_NOREINDEX") ? 0 : generate(n);
	printf("  generated %d products in %.2f s\n", n, (double)(now_usec() - t0) / 1e6);
	t0 = now_usec();
	c0 = cpu_usec();
	if (!getenv("SF_BENCH_NOREINDEX") && search_reindex(tid, NULL) < 0) die("reindex");
	double secs = (double)(now_usec() - t0) / 1e6, csecs = (double)(cpu_usec() - c0) / 1e6;
	printf("  reindex (FTS5 + offline embeddings) %d products: %.2f s wall, %.2f s CPU (budget < 10 s: %s)\n", n, secs,
	       csecs, secs < 10 ? "ok" : csecs < 10 ? "ok in CPU, wall over on a busy machine" : "OVER");
	tenant t = { 0 };
	if (tenant_load_username(&t, "bigstore") < 0) die("tenant");
	static const char *const queries[] = { "jacket", "red tent", "merino socks", "BIG-04211", "alpine boots",
		"waterproof", "glacier lantern", "warm gloves for winter", "jakcet", "compact stove", "olive cap",
		"something to keep coffee hot", "timber", "quick dry shorts", "sleeping bag under 50" };
	enum { ROUNDS = 8 };
	int64_t us[ARRAY_LEN(queries) * ROUNDS], cpu[ARRAY_LEN(queries) * ROUNDS];
	for (int mode = 0; mode < 2; mode++) {
		if (getenv("SF_BENCH_KEYWORD_ONLY") && mode) break;
		if (getenv("SF_BENCH_HYBRID_ONLY") && !mode) continue;
		int k = 0;
		for (int r = 0; r < ROUNDS; r++)
			for (size_t i = 0; i < ARRAY_LEN(queries); i++) {
				search_opts o = { .q = queries[i], .mode = mode, .page = 1, .per_page = 24, .available = -1,
						  .price_min = -1, .price_max = -1, .others = 1 };
				int64_t s = now_usec(), c = cpu_usec();
				cJSON *res = search_query(&t, &o);
				cpu[k] = cpu_usec() - c;
				us[k++] = now_usec() - s;
				if (r == 0 && getenv("SF_BENCH_VERBOSE"))
					printf("    %-32s %7.2f ms (CPU %.2f)  %d results\n", queries[i], (double)us[k - 1] / 1000.0, (double)cpu[k - 1] / 1000.0,
					       (int)cJSON_GetObjectItemCaseSensitive(res, "total")->valuedouble);
				if (r == 0 && getenv("SF_BENCH_DUMP")) {     /* the whole answer: compare two builds' */
					char *j = cJSON_PrintUnformatted(res);
					printf("DUMP %d %s %s\n", mode, queries[i], j);
					free(j);
				}
				cJSON_Delete(res);
			}
		per_query(queries, (int)ARRAY_LEN(queries), ROUNDS, cpu);
		report(mode ? "search (hybrid, results page)" : "search (keyword, results page)", us, cpu, k, 5);
	}
	static const char *const prefixes[] = { "ja", "jac", "jack", "te", "ten", "mer", "meri", "gl", "glo", "alp",
		"BIG-0", "st", "sto", "lan", "wat" };
	int k = 0;
	for (int r = 0; r < ROUNDS; r++)
		for (size_t i = 0; i < ARRAY_LEN(prefixes); i++) {
			int64_t s = now_usec(), c = cpu_usec();
			cJSON *res = search_suggest(&t, prefixes[i], 4);
			cpu[k] = cpu_usec() - c;
			us[k++] = now_usec() - s;
			if (r == 0 && getenv("SF_BENCH_DUMP")) {
				char *j = cJSON_PrintUnformatted(res);
				printf("DUMP suggest %s %s\n", prefixes[i], j);
				free(j);
			}
			if (r == 0 && getenv("SF_BENCH_VERBOSE"))
				printf("    %-32s %7.2f ms (CPU %.2f)  %d products\n", prefixes[i], (double)us[k - 1] / 1000.0, (double)cpu[k - 1] / 1000.0,
				       cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
					       cJSON_GetObjectItemCaseSensitive(res, "resources"), "results"), "products")));
			cJSON_Delete(res);
		}
	per_query(prefixes, (int)ARRAY_LEN(prefixes), ROUNDS, cpu);
	report("suggest (as the shopper types)", us, cpu, k, 3);
	printf("  the worker's copies of this store: vectors %.1f MB (search_vector_cache), titles %.1f MB (search_title_cache)\n",
	       (double)embed_cache_bytes() / 1e6, (double)search_title_bytes() / 1e6);
	/* what a change of the index (an edit: search_version; an order moves
	 * only content_version and costs nothing here) costs the next search
	 * and suggestion of each worker: the copies loaded again */
	int64_t again[2] = { 0, 0 };
	for (int r = 0; r < 3; r++) {
		if (db_run(db_stmt("UPDATE tenants SET search_version = search_version + 1 WHERE username = 'bigstore'")) < 0) die("bump");
		search_opts o = { .q = "alpine boots", .mode = SEARCH_HYBRID, .page = 1, .per_page = 24, .available = -1,
				  .price_min = -1, .price_max = -1, .others = 1 };
		int64_t c = cpu_usec();
		cJSON_Delete(search_query(&t, &o));
		again[0] += cpu_usec() - c;
		c = cpu_usec();
		cJSON_Delete(search_suggest(&t, "alp", 4));
		again[1] += cpu_usec() - c;
	}
	printf("  after a change of the index (copies loaded again): hybrid search %.1f ms, suggest %.1f ms CPU (mean of 3)\n",
	       (double)again[0] / 3000.0, (double)again[1] / 3000.0);
	tenant_clear(&t);
	db_close();
}

int main(int argc, char **argv)
{
	if (argc < 3) { fprintf(stderr, "usage: bench_search DEMO.db SCRATCH.db\n"); return 2; }
	char err[256];
	if (config_load(NULL, err, sizeof err) < 0) { fprintf(stderr, "%s\n", err); return 1; }
	printf("-- quality --\n");
	if (!getenv("SF_BENCH_NOREINDEX")) quality(argv[1]);
	printf("-- speed: a generated store of 10,000 products --\n");
	speed(argv[2]);
	return 0;
}
