/* embed: the offline embedder, sf_dot, stored vectors, nearest documents. */
#include "embed.h"
#include "db.h"
#include "log.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Words too common to mean anything as features of their own. */
static const char *const stop[] = {
	"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "i", "in", "is", "it", "its", "me",
	"my", "of", "on", "or", "so", "some", "something", "that", "the", "this", "to", "with", "you", "your", NULL
};

static int is_stop(const char *w, size_t n)
{
	for (int i = 0; stop[i]; i++)
		if (strlen(stop[i]) == n && memcmp(stop[i], w, n) == 0) return 1;
	return 0;
}

static uint32_t fnv(const char *p, size_t n, uint32_t h)
{
	for (size_t i = 0; i < n; i++) { h ^= (unsigned char)p[i]; h *= 16777619u; }
	return h;
}

int64_t embed_hash(const char *text)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) { h ^= *p; h *= 1099511628211ULL; }
	return (int64_t)(h & 0x7fffffffffffffffULL);
}

typedef struct feat { uint32_t h; float w; } feat;

static int feat_cmp(const void *a, const void *b)
{
	uint32_t x = ((const feat *)a)->h, y = ((const feat *)b)->h;
	return x < y ? -1 : x > y;
}

/* Features of folded text: each word (weight 1), each pair of neighbouring
 * words (0.5), each character trigram of a word with '#' at its ends
 * (0.3, so "jackets" still shares most of its features with "jacket" and a
 * typo loses only a few). Stop words make no word features. */
#define EMBED_TEXT_MAX 4000
void embed_offline(const char *text, float *out, int dim)
{
	memset(out, 0, sizeof(float) * (size_t)dim);
	size_t len = strnlen(text, EMBED_TEXT_MAX);
	size_t cap = 64, n = 0;
	feat *f = xmalloc(cap * sizeof *f);
	const char *prev = NULL; size_t prevn = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && text[i] == ' ') i++;
		size_t s = i;
		while (i < len && text[i] != ' ') i++;
		size_t wn = i - s;
		if (!wn) break;
		const char *w = text + s;
		if (n + wn + 8 > cap) { cap = (n + wn + 8) * 2; f = xrealloc(f, cap * sizeof *f); }
		int sw = is_stop(w, wn);
		if (!sw) {
			f[n++] = (feat){ fnv(w, wn, 2166136261u), 1.0f };
			if (prev) f[n++] = (feat){ fnv(w, wn, fnv(prev, prevn, 0x9e3779b9u)), 0.5f };
			prev = w; prevn = wn;
		}
		char buf[64];
		if (wn + 2 <= sizeof buf && wn >= 2) {
			buf[0] = '#';
			memcpy(buf + 1, w, wn);
			buf[wn + 1] = '#';
			for (size_t k = 0; k + 3 <= wn + 2; k++) f[n++] = (feat){ fnv(buf + k, 3, 0x811c9dc5u ^ 0x5bd1e995u), 0.3f };
		}
	}
	if ((n) > 1) qsort(f, n, sizeof *f, feat_cmp);
	for (size_t a = 0; a < n;) {
		size_t b = a;
		float w = 0;
		while (b < n && f[b].h == f[a].h) { if (f[b].w > w) w = f[b].w; b++; }
		double tf = 1.0 + log((double)(b - a));     /* sublinear: 1 + ln(count) */
		uint32_t h = f[a].h;
		out[h % (uint32_t)dim] += (float)((h & 0x80000000u) ? -tf * w : tf * w);
		a = b;
	}
	free(f);
	double norm = 0;
	for (int k = 0; k < dim; k++) norm += (double)out[k] * out[k];
	if (norm > 0) {
		norm = sqrt(norm);
		for (int k = 0; k < dim; k++) out[k] = (float)(out[k] / norm);
	}
}

static float dot(const float *a, const float *b, int n)
{
	float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	int k = 0;
	for (; k + 4 <= n; k += 4) {
		s0 += a[k] * b[k]; s1 += a[k + 1] * b[k + 1];
		s2 += a[k + 2] * b[k + 2]; s3 += a[k + 3] * b[k + 3];
	}
	for (; k < n; k++) s0 += a[k] * b[k];
	return s0 + s1 + s2 + s3;
}

/* sf_dot(a, b): the dot product of two float32 vectors of one length (the
 * cosine for unit vectors); NULL when they differ. */
static void sf_dot(sqlite3_context *c, int argc, sqlite3_value **v)
{
	(void)argc;
	int na = sqlite3_value_bytes(v[0]), nb = sqlite3_value_bytes(v[1]);
	const float *a = sqlite3_value_blob(v[0]), *b = sqlite3_value_blob(v[1]);
	if (!a || !b || na != nb || na % 4) { sqlite3_result_null(c); return; }
	sqlite3_result_double(c, (double)dot(a, b, na / 4));
}

static void register_fn(sqlite3 *h)
{
	if (sqlite3_create_function(h, "sf_dot", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				    sf_dot, NULL, NULL) != SQLITE_OK)
		log_error("sf_dot: %s", sqlite3_errmsg(h));
}

void embed_register(void)
{
	static int done;
	if (!done) db_on_open(register_fn);    /* this connection and every later one */
	done = 1;
}

int embed_store(int64_t tid, int64_t doc, const char *model, const float *v, int dim, int64_t text_hash)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO search_vectors(doc_id, tenant_id, model, dim, vec, text_hash) "
				   "VALUES (:d, :t, :m, :n, :v, :h) ON CONFLICT(tenant_id, model, doc_id) DO UPDATE SET "
				   "dim = excluded.dim, vec = excluded.vec, text_hash = excluded.text_hash");
	db_bind_int(st, ":d", doc);
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":m", model);
	db_bind_int(st, ":n", dim);
	db_bind_blob(st, ":v", v, sizeof(float) * (size_t)dim);
	db_bind_int(st, ":h", text_hash);
	return db_run(st);
}

/* One range scan of the store's vectors (the primary key keeps them
 * together), the dot product in C, the best max kept by insertion. */
int embed_nearest(int64_t tid, const char *model, const float *q, int dim, const char *kind, int64_t exclude,
		  double min, int64_t *ids, double *scores, int max)
{
	sqlite3_stmt *st = kind
		? db_stmt("SELECT v.doc_id, v.vec FROM search_vectors v JOIN search_docs d ON d.id = v.doc_id "
			  "WHERE v.tenant_id = :t AND v.model = :m AND d.kind = :k")
		: db_stmt("SELECT doc_id, vec FROM search_vectors WHERE tenant_id = :t AND model = :m");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":m", model);
	if (kind) db_bind_text(st, ":k", kind);
	double *best = scores ? scores : xmalloc(sizeof(double) * (size_t)(max > 0 ? max : 1));
	int n = 0;
	size_t bytes = sizeof(float) * (size_t)dim;
	while (db_step(st) == SQLITE_ROW) {
		if ((size_t)sqlite3_column_bytes(st, 1) != bytes) continue;     /* another dimension */
		int64_t id = db_int(st, 0);
		if (id == exclude) continue;
		const float *v = sqlite3_column_blob(st, 1);
		double s = dot(q, v, dim);
		if (s < min || (n == max && s <= best[n - 1])) continue;
		int i = n < max ? n++ : n - 1;
		while (i > 0 && best[i - 1] < s) { best[i] = best[i - 1]; ids[i] = ids[i - 1]; i--; }
		best[i] = s;
		ids[i] = id;
	}
	db_reset(st);
	if (!scores) free(best);
	return n;
}

void embed_similarities(int64_t tid, const char *model, const float *q, int dim, const int64_t *docs, int n,
			double *sims)
{
	sqlite3_stmt *st = db_stmt("SELECT vec FROM search_vectors WHERE tenant_id = :t AND model = :m AND doc_id = :d");
	size_t bytes = sizeof(float) * (size_t)dim;
	for (int i = 0; i < n; i++) {
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":m", model);
		db_bind_int(st, ":d", docs[i]);
		sims[i] = -2;
		if (db_step(st) == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) == bytes)
			sims[i] = dot(q, sqlite3_column_blob(st, 0), dim);
		db_reset(st);
	}
}
