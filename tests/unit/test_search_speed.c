/* The search speed-ups keep the answers (doc/search.md, "Speed"):
 * sf_bm25 gives bm25()'s scores to the last bit; the worker's copy of a
 * store's vectors gives the same nearest documents as the SQL scan and
 * follows a change (search_version), not an order (content_version);
 * the copy of titles the same. */
#include "t.h"
#include "config.h"
#include "db.h"
#include "embed.h"
#include "search.h"
#include "tenant.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const names[] = { "Alpine Rain Jacket", "Summit Down Jacket", "Jacket Liner", "Enamel Camp Mug",
	"Merino Trail Socks", "Wool Beanie", "Storm Stove", "Stormproof Tent", "Glacier Gloves", "Camp Lantern" };

static int64_t store(const char *user, int n)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO tenants(username, name, created_at, updated_at) VALUES(:u, :u, 0, 0)");
	db_bind_text(st, ":u", user);
	CHECK_INT(db_run(st), 0);
	int64_t tid = db_last_id();
	for (int i = 0; i < n; i++) {
		char slug[32], name[96], desc[160];
		snprintf(slug, sizeof slug, "p%d", i);
		snprintf(name, sizeof name, "%s %d", names[i % 10], i);
		snprintf(desc, sizeof desc, "A %s for storms, jackets and %s.", i % 3 ? "light" : "warm", names[(i * 7) % 10]);
		st = db_stmt("INSERT INTO products(tenant_id, slug, name, description, price, stock, created_at, updated_at) "
			     "VALUES(:t, :s, :n, :d, 1000, 5, 0, 0)");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":s", slug);
		db_bind_text(st, ":n", name);
		db_bind_text(st, ":d", desc);
		CHECK_INT(db_run(st), 0);
	}
	CHECK(search_flush(tid, 0) >= n);
	return tid;
}

/* Every row's sf_bm25 and bm25 for a MATCH: the number of rows, -1 when
 * any two differ. */
static int same_scores(const char *match)
{
	sqlite3_stmt *st = db_stmt("SELECT bm25(search_fts, 0.0, 10.0, 8.0, 3.0, 1.0), "
				   "sf_bm25(search_fts, 0.0, 10.0, 8.0, 3.0, 1.0) FROM search_fts WHERE search_fts MATCH :q");
	db_bind_text(st, ":q", match);
	int n = 0, bad = 0;
	while (db_step(st) == SQLITE_ROW) {
		n++;
		if (sqlite3_column_double(st, 0) != sqlite3_column_double(st, 1)) bad = 1;
	}
	db_reset(st);
	return bad ? -1 : n;
}

static const char *first_suggestion(const tenant *t, const char *q)
{
	static char title[128];
	cJSON *r = search_suggest(t, q, 1);
	const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(r, "resources"), "results"), "products"), 0);
	snprintf(title, sizeof title, "%s", p ? cJSON_GetObjectItemCaseSensitive(p, "title")->valuestring : "");
	cJSON_Delete(r);
	return title;
}

int main(void)
{
	char err[512], path[] = "/tmp/sf-unit-XXXXXX";
	config_load(NULL, err, sizeof err);
	int fd = mkstemp(path);
	close(fd);
	CHECK_INT(db_open(path, err, sizeof err), 0);
	CHECK(db_migrate("sql", err, sizeof err) >= 2);
	int64_t a = store("speeda", 120);
	store("speedb", 40);
	tenant t = { 0 };
	CHECK_INT(tenant_load_username(&t, "speeda"), 0);
	int64_t ids[10];
	CHECK(search_product_ids(&t, "jacket", 0, ids, 10) > 0);      /* registers sf_bm25 */

	/* the same scores, whatever the phrases, prefixes, columns and stores */
	static const char *const matches[] = { "\"|1|\" AND (\"jacket\")", "\"|1|\" AND (\"st\"*)",
		"\"|1|\" AND (\"storm\"* AND \"warm\")", "\"|2|\" AND (\"jacket\" OR \"mug\" OR \"socks\")", "\"jacket\"",
		"\"|1|\" AND (\"zzz\")", "\"|1|\" AND ({title}: \"camp\"*)" };
	for (size_t i = 0; i < ARRAY_LEN(matches); i++) {
		int n = same_scores(matches[i]);
		if (n < 0) fprintf(stderr, "sf_bm25 differs from bm25 for %s\n", matches[i]);
		CHECK(n >= 0);
		if (i < 5) CHECK(n > 0);
	}

	/* the copy of vectors and the SQL scan: the same list, in order */
	float q[EMBED_OFFLINE_DIM];
	embed_offline("warm jacket for storms", q, EMBED_OFFLINE_DIM);
	int64_t with[20], without[20];
	double sw[20], so[20];
	int nw = embed_nearest(a, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, NULL, 0, 0.1, with, sw, 20);
	CHECK(embed_cache_bytes() > 0);
	long keep = cfg.search_vector_cache;
	cfg.search_vector_cache = 0;
	int no = embed_nearest(a, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, NULL, 0, 0.1, without, so, 20);
	cfg.search_vector_cache = keep;
	CHECK_INT(nw, no);
	CHECK(nw > 0 && memcmp(with, without, sizeof(int64_t) * (size_t)nw) == 0 && memcmp(sw, so, sizeof(double) * (size_t)nw) == 0);
	/* the similarities of given documents: from the copy, or by SQLite's
	 * sf_dot without one -- the same numbers (-2: no vector) */
	int64_t some[3] = { with[0], with[nw - 1], 999999 };
	double s1[3], s2[3];
	embed_similarities(a, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, some, 3, s1);
	cfg.search_vector_cache = 0;
	embed_similarities(a, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, some, 3, s2);
	cfg.search_vector_cache = keep;
	CHECK(s1[0] == sw[0] && s2[0] == s1[0] && s2[1] == s1[1] && s1[2] == -2 && s2[2] == -2);

	/* bounded: a store larger than the cache is scanned through SQL (same
	 * list, nothing kept); two stores in room for one keep only the last */
	embed_cache_clear();
	cfg.search_vector_cache = 1000;
	no = embed_nearest(a, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, NULL, 0, 0.1, without, so, 20);
	CHECK(no == nw && memcmp(with, without, sizeof(int64_t) * (size_t)nw) == 0);
	CHECK_INT((int)embed_cache_bytes(), 0);
	embed_cache_clear();            /* (the setting is fixed in a worker; the test changes it) */
	cfg.search_vector_cache = 121 * (8 + 1 + 4 * EMBED_OFFLINE_DIM);    /* store a's 120 products (+1 spare) */
	embed_nearest(a, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, NULL, 0, 0.1, without, so, 20);
	size_t one = embed_cache_bytes();
	CHECK(one > 0 && one <= (size_t)cfg.search_vector_cache);
	tenant b = { 0 };
	CHECK_INT(tenant_load_username(&b, "speedb"), 0);
	embed_nearest(b.id, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, NULL, 0, 0.1, without, so, 20);
	CHECK(embed_cache_bytes() > 0 && embed_cache_bytes() < one);      /* a dropped, b kept */
	tenant_clear(&b);
	cfg.search_vector_cache = keep;

	/* an order (content_version moves, stock changes, the index does not):
	 * both copies are used as they are, not loaded again */
	CHECK_STR(first_suggestion(&t, "quokka"), "");
	embed_nearest(a, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, NULL, 0, 0.1, with, sw, 1);
	long vloads = embed_cache_loads(), tloads = search_title_loads();
	sqlite3_stmt *st = db_stmt("UPDATE tenants SET content_version = content_version + 1 WHERE id = :t");
	db_bind_int(st, ":t", a);
	CHECK_INT(db_run(st), 0);
	st = db_stmt("UPDATE products SET stock = stock - 1 WHERE tenant_id = :t AND slug = 'p5'");
	db_bind_int(st, ":t", a);
	CHECK_INT(db_run(st), 0);
	CHECK_INT(search_flush(a, 0), 0);
	CHECK_STR(first_suggestion(&t, "quokka"), "");
	embed_nearest(a, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, NULL, 0, 0.1, with, sw, 1);
	CHECK(embed_cache_loads() == vloads && search_title_loads() == tloads);

	/* a change behind the API's back, indexed in its own transaction:
	 * both copies follow it */
	st = db_stmt("UPDATE products SET name = 'Quokka Kettle' WHERE tenant_id = :t AND slug = 'p5'");
	db_bind_int(st, ":t", a);
	CHECK_INT(db_run(st), 0);
	CHECK_INT(search_flush(a, 0), 1);
	CHECK_STR(first_suggestion(&t, "quokka"), "Quokka Kettle");
	embed_offline("quokka kettle", q, EMBED_OFFLINE_DIM);
	nw = embed_nearest(a, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, "product", 0, 0.1, with, sw, 1);
	st = db_stmt("SELECT d.id FROM search_docs d JOIN products p ON p.id = d.item_id AND d.kind = 'product' "
		     "WHERE p.tenant_id = :t AND p.slug = 'p5'");
	db_bind_int(st, ":t", a);
	CHECK_INT(db_step(st), SQLITE_ROW);
	int64_t doc = db_int(st, 0);
	db_reset(st);
	CHECK(nw == 1 && with[0] == doc);
	CHECK(embed_cache_loads() == vloads + 1 && search_title_loads() == tloads + 1);

	embed_cache_clear();
	CHECK_INT((int)embed_cache_bytes(), 0);
	tenant_clear(&t);
	db_close();
	unlink(path);
	T_DONE();
}
