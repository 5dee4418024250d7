/* embed: the offline embedder, sf_dot, stored vectors, nearest documents. */
#include "embed.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
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

/* ---- the worker's copies of stores' vectors --------------------------
 *
 * A hybrid search compares the query with every vector of the store when
 * the keywords found few documents; reading 10,000 BLOBs through SQLite
 * for that cost most of the search. So a worker keeps each store's
 * vectors of a model as one contiguous float32 array (document ids
 * ascending, each document's kind), loaded with one range scan, and
 * checks it before each use against the store's version: its
 * search_version (every transaction that changes its index or vectors
 * bumps it: embed_changed, from search_flush, reindex and a model's
 * vectors; an order moves content_version, not this),
 * its creation time and its largest document id (a store deleted and
 * made again under the same id), one primary-key read and one index
 * probe. Stores are dropped least recently used first past
 * cfg.search_vector_cache bytes; a store whose vectors alone are larger
 * (a remote model's wide vectors) is scanned through SQL as before. */

int embed_changed(int64_t tid, int content)
{
	sqlite3_stmt *st = content
		? db_stmt("UPDATE tenants SET search_version = search_version + 1, content_version = content_version + 1 WHERE id = :t")
		: db_stmt("UPDATE tenants SET search_version = search_version + 1 WHERE id = :t");
	db_bind_int(st, ":t", tid);
	return db_run(st);
}

static const char *const kinds[] = { "product", "collection", "page", "post" };

static int kind_code(const char *k)
{
	for (int i = 0; i < (int)ARRAY_LEN(kinds); i++) if (strcmp(kinds[i], k) == 0) return i;
	return -1;
}

typedef struct vstore {
	int64_t tid;
	char model[96];
	int dim;
	int64_t fp[3];                  /* the version it was loaded at (fingerprint) */
	int n;                          /* vectors of this dimension (-1: too many to keep) */
	int64_t *docs;                  /* ascending */
	signed char *kind;              /* kind_code of each document */
	float *vecs;                    /* n * dim */
	size_t bytes;
	uint64_t used;
} vstore;

#define VSTORES 64
static vstore vs[VSTORES];
static int nvs;
static uint64_t vs_tick;
static size_t vs_bytes;
static long vs_loads;

static void vstore_drop(int i)
{
	free(vs[i].docs); free(vs[i].kind); free(vs[i].vecs);
	vs_bytes -= vs[i].bytes;
	vs[i] = vs[--nvs];
}

void embed_cache_clear(void)
{
	while (nvs) vstore_drop(nvs - 1);
}

size_t embed_cache_bytes(void) { return vs_bytes; }
long embed_cache_loads(void) { return vs_loads; }

/* The store's version for its vectors of a model: 0, or -1. */
static int fingerprint(int64_t tid, const char *model, int64_t fp[3])
{
	sqlite3_stmt *st = db_stmt("SELECT search_version, created_at, (SELECT max(doc_id) FROM search_vectors "
				   "WHERE tenant_id = :t AND model = :m) FROM tenants WHERE id = :t");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":m", model);
	int rc = db_step(st);
	if (rc == SQLITE_ROW) { fp[0] = db_int(st, 0); fp[1] = db_int(st, 1); fp[2] = db_int(st, 2); }
	db_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Where id is in docs[0..n) (ascending), or -1. */
static int doc_at(const int64_t *docs, int n, int64_t id)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (docs[mid] < id) lo = mid + 1; else hi = mid;
	}
	return lo < n && docs[lo] == id ? lo : -1;
}

/* The store's current vectors of model and dimension in this worker, or
 * NULL (no cache configured, too large for it, or a storage error: the
 * caller scans through SQL). */
static const vstore *vectors_of(int64_t tid, const char *model, int dim)
{
	if (cfg.search_vector_cache <= 0 || strlen(model) >= sizeof vs[0].model) return NULL;
	int64_t fp[3];
	if (fingerprint(tid, model, fp) < 0) return NULL;
	for (int i = 0; i < nvs; i++) {
		if (vs[i].tid != tid || vs[i].dim != dim || strcmp(vs[i].model, model) != 0) continue;
		if (memcmp(vs[i].fp, fp, sizeof fp) == 0) {
			vs[i].used = ++vs_tick;
			return vs[i].n < 0 ? NULL : &vs[i];
		}
		vstore_drop(i);         /* changed since: loaded again below */
		break;
	}
	size_t per = sizeof(int64_t) + 1 + sizeof(float) * (size_t)dim;
	/* the version is read before the rows: a write in between makes the
	 * copy newer than its version says, and the next search loads it again */
	vstore v = { .tid = tid, .dim = dim };
	memcpy(v.fp, fp, sizeof fp);
	snprintf(v.model, sizeof v.model, "%s", model);
	size_t cap = 256;
	v.docs = xmalloc(cap * sizeof *v.docs);
	v.kind = xmalloc(cap);
	v.vecs = xmalloc(cap * sizeof(float) * (size_t)dim);
	sqlite3_stmt *st = db_stmt("SELECT doc_id, vec FROM search_vectors WHERE tenant_id = :t AND model = :m ORDER BY doc_id");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":m", model);
	size_t bytes = sizeof(float) * (size_t)dim;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		if ((size_t)sqlite3_column_bytes(st, 1) != bytes) continue;     /* another dimension */
		if ((size_t)v.n == cap) {
			if (per * cap * 2 > (size_t)cfg.search_vector_cache) { rc = SQLITE_FULL; break; }   /* too large */
			cap *= 2;
			v.docs = xrealloc(v.docs, cap * sizeof *v.docs);
			v.kind = xrealloc(v.kind, cap);
			v.vecs = xrealloc(v.vecs, cap * bytes);
		}
		v.docs[v.n] = db_int(st, 0);
		v.kind[v.n] = 0;        /* a product unless marked below */
		memcpy(v.vecs + (size_t)v.n * (size_t)dim, sqlite3_column_blob(st, 1), bytes);
		v.n++;
	}
	db_reset(st);
	/* the few documents that are not products, from the index of
	 * search_docs alone (reading 10,000 rows for their kind cost more
	 * than the vectors) */
	for (int k = 1; rc == SQLITE_DONE && k < (int)ARRAY_LEN(kinds); k++) {
		st = db_stmt("SELECT id FROM search_docs WHERE tenant_id = :t AND kind = :k");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":k", kinds[k]);
		while ((rc = db_step(st)) == SQLITE_ROW) {
			int at = doc_at(v.docs, v.n, db_int(st, 0));
			if (at >= 0) v.kind[at] = (signed char)k;
		}
		db_reset(st);
	}
	if (rc == SQLITE_DONE && per * (size_t)(v.n > 0 ? v.n : 1) > (size_t)cfg.search_vector_cache) rc = SQLITE_FULL;
	if (rc != SQLITE_DONE) {
		free(v.docs); free(v.kind); free(v.vecs);
		if (rc != SQLITE_FULL) return NULL;
		/* too large for the cache: remembered (no arrays), so the next
		 * searches scan through SQL at once instead of trying again */
		v.docs = NULL; v.kind = NULL; v.vecs = NULL;
		v.n = -1;
	} else {
		size_t n = (size_t)(v.n > 0 ? v.n : 1);     /* no more than it holds */
		v.docs = xrealloc(v.docs, n * sizeof *v.docs);
		v.kind = xrealloc(v.kind, n);
		v.vecs = xrealloc(v.vecs, n * bytes);
		v.bytes = per * n;
	}
	while (nvs && (nvs == VSTORES || vs_bytes + v.bytes > (size_t)cfg.search_vector_cache)) {
		int lru = 0;
		for (int i = 1; i < nvs; i++) if (vs[i].used < vs[lru].used) lru = i;
		vstore_drop(lru);
	}
	v.used = ++vs_tick;
	vs[nvs] = v;
	vs_bytes += v.bytes;
	vs_loads++;
	nvs++;
	return v.n < 0 ? NULL : &vs[nvs - 1];
}

/* Keep s (document id) among the best max so far, best first. */
static void keep_best(int64_t id, double s, int64_t *ids, double *best, int *n, int max)
{
	if (*n == max && s <= best[*n - 1]) return;
	int i = *n < max ? (*n)++ : *n - 1;
	while (i > 0 && best[i - 1] < s) { best[i] = best[i - 1]; ids[i] = ids[i - 1]; i--; }
	best[i] = s;
	ids[i] = id;
}

/* The worker's copy when there is one (the dot products over one
 * array), else one range scan of the store's vectors (the primary key
 * keeps them together); the best max kept by insertion either way, in
 * the same order of documents, so both give the same list. */
int embed_nearest(int64_t tid, const char *model, const float *q, int dim, const char *kind, int64_t exclude,
		  double min, int64_t *ids, double *scores, int max)
{
	double *best = scores ? scores : xmalloc(sizeof(double) * (size_t)(max > 0 ? max : 1));
	int n = 0;
	const vstore *c = max > 0 ? vectors_of(tid, model, dim) : NULL;
	if (c) {
		int want = kind ? kind_code(kind) : -2;
		for (int i = 0; i < c->n; i++) {
			if ((want != -2 && c->kind[i] != want) || c->docs[i] == exclude) continue;
			double s = dot(q, c->vecs + (size_t)i * (size_t)dim, dim);
			if (s >= min) keep_best(c->docs[i], s, ids, best, &n, max);
		}
		if (!scores) free(best);
		return n;
	}
	sqlite3_stmt *st = kind
		? db_stmt("SELECT v.doc_id, v.vec FROM search_vectors v JOIN search_docs d ON d.id = v.doc_id "
			  "WHERE v.tenant_id = :t AND v.model = :m AND d.kind = :k ORDER BY v.doc_id")
		: db_stmt("SELECT doc_id, vec FROM search_vectors WHERE tenant_id = :t AND model = :m ORDER BY doc_id");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":m", model);
	if (kind) db_bind_text(st, ":k", kind);
	size_t bytes = sizeof(float) * (size_t)dim;
	while (max > 0 && db_step(st) == SQLITE_ROW) {
		if ((size_t)sqlite3_column_bytes(st, 1) != bytes) continue;     /* another dimension */
		int64_t id = db_int(st, 0);
		if (id == exclude) continue;
		double s = dot(q, sqlite3_column_blob(st, 1), dim);
		if (s >= min) keep_best(id, s, ids, best, &n, max);
	}
	db_reset(st);
	if (!scores) free(best);
	return n;
}

void embed_similarities(int64_t tid, const char *model, const float *q, int dim, const int64_t *docs, int n,
			double *sims)
{
	const vstore *c = n > 0 ? vectors_of(tid, model, dim) : NULL;
	if (c) {
		for (int i = 0; i < n; i++) {
			int at = doc_at(c->docs, c->n, docs[i]);
			sims[i] = at >= 0 ? dot(q, c->vecs + (size_t)at * (size_t)dim, dim) : -2;
		}
		return;
	}
	/* no copy (too large for search_vector_cache, or off): SQLite
	 * compares, through sf_dot (NULL for a vector of another length) */
	embed_register();
	sqlite3_stmt *st = db_stmt("SELECT sf_dot(vec, :q) FROM search_vectors WHERE tenant_id = :t AND model = :m AND doc_id = :d");
	for (int i = 0; i < n; i++) {
		db_bind_blob(st, ":q", q, sizeof(float) * (size_t)dim);
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":m", model);
		db_bind_int(st, ":d", docs[i]);
		sims[i] = -2;
		if (db_step(st) == SQLITE_ROW && !db_isnull(st, 0)) sims[i] = (float)db_double(st, 0);
		db_reset(st);
	}
}
