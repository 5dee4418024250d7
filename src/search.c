/* search: the index (search_docs + FTS5), queries, suggestions, log, synonyms. */
#include "search.h"
#include "ai.h"
#include "catalog.h"
#include "config.h"
#include "db.h"
#include "embed.h"
#include "html.h"
#include "log.h"
#include "money.h"
#include "rows.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- folding ---------------------------------------------------------- */

/* U+00C0..U+00FF and U+0100..U+017F to their ASCII base letters ('.' for
 * the signs among them, which become spaces). */
static const char latin1[] = "aaaaaaaceeeeiiiidnooooo.ouuuuyts" "aaaaaaaceeeeiiiidnooooo.ouuuuyty";
static const char latin_a[] =
	"aaaaaacccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii" "ii" "jj" "kkk" "llllllllll"
	"nnnnnnnnn" "oooooo" "oo" "rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";

/* One UTF-8 sequence at p (len bytes left): its code point and length. */
static unsigned utf8_next(const unsigned char *p, size_t len, int *n)
{
	if (p[0] < 0x80 || len < 2) { *n = 1; return p[0]; }
	if ((p[0] & 0xe0) == 0xc0) { *n = 2; return ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu); }
	if ((p[0] & 0xf0) == 0xe0 && len >= 3) { *n = 3; return ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu); }
	if ((p[0] & 0xf8) == 0xf0 && len >= 4) { *n = 4; return 0x10000; }
	*n = 1;
	return 0xfffd;
}

void search_fold(const char *in, sbuf *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t len = strlen(in);
	int space = 1;
	while (len) {
		int n;
		unsigned c = utf8_next(p, len, &n);
		char a = 0, b = 0;
		if (c < 0x80) a = isalnum((int)c) ? (char)tolower((int)c) : 0;
		else if (c == 0xdf) { a = 's'; b = 's'; }
		else if (c == 0xc6 || c == 0xe6) { a = 'a'; b = 'e'; }
		else if (c == 0x152 || c == 0x153) { a = 'o'; b = 'e'; }
		else if (c >= 0xc0 && c <= 0xff) a = latin1[c - 0xc0] == '.' ? 0 : latin1[c - 0xc0];
		else if (c >= 0x100 && c <= 0x17f) a = latin_a[c - 0x100];
		else if (c < 0xc0 || (c >= 0x2000 && c <= 0x206f) || c == 0xfffd) a = 0;   /* signs, punctuation */
		else {                                                                  /* other scripts: kept */
			sb_put(out, p, (size_t)n);
			space = 0;
			p += n; len -= (size_t)n;
			continue;
		}
		if (a) {
			sb_putc(out, a);
			if (b) sb_putc(out, b);
			space = 0;
		} else if (!space) {
			sb_putc(out, ' ');
			space = 1;
		}
		p += n; len -= (size_t)n;
	}
	while (out->len && out->s[out->len - 1] == ' ') out->s[--out->len] = 0;
}

/* Text for display and snippets: tags and Markdown marks out, control
 * characters (and so the snippet markers \1 \2) as spaces, runs of space
 * as one, at most max bytes (never cut inside a UTF-8 sequence). */
static void plain_text_tags(const char *in, sbuf *out, size_t max, int strip_tags)
{
	int space = out->len == 0 || out->s[out->len - 1] == ' ';
	for (const char *s = in; *s && out->len < max; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '<' && strip_tags) {
			const char *e = strchr(s, '>');
			if (e) { s = e; c = ' '; }
		}
		if (c < 0x20 || c == 0x7f || c == '*' || c == '#' || c == '`' || c == '|') c = ' ';
		if (c == ' ') {
			if (!space) sb_putc(out, ' ');
			space = 1;
		} else {
			sb_putc(out, (char)c);
			space = 0;
		}
	}
	size_t l = out->len;
	if (l >= max) {
		while (l && ((unsigned char)out->s[l - 1] & 0xc0) == 0x80) l--;
		if (l && (unsigned char)out->s[l - 1] >= 0xc0) l--;
		out->len = l;
		out->s[l] = 0;
	}
}

/* Titles, codes, names: plain text already, tags kept as text. */
static void plain_text(const char *in, sbuf *out, size_t max) { plain_text_tags(in, out, max, 0); }
/* Descriptions and posts: may hold HTML, which goes. */
static void body_text(const char *in, sbuf *out, size_t max) { plain_text_tags(in, out, max, 1); }

/* ---- the index -------------------------------------------------------- */

#define BODY_MAX 20000

/* label: a product's type, indexed with meta's weight but not embedded
 * (a category many products share pulled their offline vectors together:
 * on the labelled set, descriptive queries' hybrid nDCG@10 fell from 0.57
 * to 0.49 with it embedded). */
typedef struct doc {
	const char *kind;
	sbuf title, codes, meta, label, body, url;
} doc;

static void doc_free(doc *d)
{
	sb_free(&d->title); sb_free(&d->codes); sb_free(&d->meta); sb_free(&d->label); sb_free(&d->body); sb_free(&d->url);
}

/* A JSON array of strings (tags) or of {values[]} (options) as words. */
static void json_words(const char *json, sbuf *out)
{
	cJSON *a = cJSON_Parse(json), *it;
	cJSON_ArrayForEach(it, a) {
		if (cJSON_IsString(it)) { sb_putc(out, ' '); plain_text(it->valuestring, out, BODY_MAX); }
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(it, "values"), *v;
		cJSON_ArrayForEach(v, vals)
			if (cJSON_IsString(v)) { sb_putc(out, ' '); plain_text(v->valuestring, out, BODY_MAX); }
	}
	cJSON_Delete(a);
}

/* Strings of a page's blocks' config (headings, text), not addresses. */
static void config_words(const cJSON *o, sbuf *out, int depth)
{
	const cJSON *it;
	if (depth > 8) return;
	cJSON_ArrayForEach(it, o) {
		if (cJSON_IsString(it)) {
			const char *s = it->valuestring;
			if (s[0] == '/' || str_startswith(s, "http") || str_startswith(s, "#")) continue;
			sb_putc(out, ' ');
			body_text(s, out, BODY_MAX);
		} else if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
			config_words(it, out, depth + 1);
		}
	}
}

/* Read item's text into d: 1 when it should be in the index, 0 when not
 * (gone, draft, unpublished), -1 storage error. */
static int doc_read(int64_t tid, const char *kind, int64_t id, doc *d)
{
	sqlite3_stmt *st;
	int rc;
	if (strcmp(kind, "product") == 0) {
		st = db_stmt("SELECT p.slug, p.name, p.description, p.sku, p.vendor, p.tags_json, p.options_json, "
			     "(SELECT group_concat(v.sku, ' ') FROM variants v WHERE v.product_id = p.id), "
			     "(SELECT group_concat(v.title, ' ') FROM variants v WHERE v.product_id = p.id), "
			     "(SELECT group_concat(c.title, ' ') FROM collection_products cp JOIN collections c ON c.id = cp.collection_id "
			     " WHERE cp.product_id = p.id AND cp.tenant_id = :t), "
			     "p.product_type, p.barcode || ' ' || coalesce((SELECT group_concat(v.barcode, ' ') FROM variants v WHERE v.product_id = p.id), '') "
			     "FROM products p WHERE p.tenant_id = :t AND p.id = :id AND p.status = 'active'");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", id);
		rc = db_step(st);
		if (rc == SQLITE_ROW) {
			plain_text(db_text(st, 1), &d->title, 1000);
			plain_text(db_text(st, 3), &d->codes, 1000);
			sb_putc(&d->codes, ' ');
			plain_text(db_text(st, 7), &d->codes, 4000);
			sb_putc(&d->codes, ' ');           /* barcodes rank like SKUs */
			plain_text(db_text(st, 11), &d->codes, 8000);
			plain_text(db_text(st, 4), &d->meta, 1000);
			plain_text(db_text(st, 10), &d->label, 1000);   /* the type: with vendor and tags in the index */
			json_words(db_text(st, 5), &d->meta);
			json_words(db_text(st, 6), &d->meta);
			sb_putc(&d->meta, ' ');
			plain_text(db_text(st, 8), &d->meta, 8000);
			sb_putc(&d->meta, ' ');
			plain_text(db_text(st, 9), &d->meta, 12000);
			body_text(db_text(st, 2), &d->body, BODY_MAX);
			sb_printf(&d->url, "/products/%s", db_text(st, 0));
		}
	} else if (strcmp(kind, "collection") == 0) {
		st = db_stmt("SELECT slug, title, description FROM collections WHERE tenant_id = :t AND id = :id");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", id);
		rc = db_step(st);
		if (rc == SQLITE_ROW) {
			plain_text(db_text(st, 1), &d->title, 1000);
			body_text(db_text(st, 2), &d->body, BODY_MAX);
			sb_printf(&d->url, "/collections/%s", db_text(st, 0));
		}
	} else if (strcmp(kind, "post") == 0) {
		st = db_stmt("SELECT slug, title, excerpt, content FROM posts WHERE tenant_id = :t AND id = :id AND status = 'published'");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", id);
		rc = db_step(st);
		if (rc == SQLITE_ROW) {
			plain_text(db_text(st, 1), &d->title, 1000);
			plain_text(db_text(st, 2), &d->meta, 2000);
			body_text(db_text(st, 3), &d->body, BODY_MAX);
			sb_printf(&d->url, "/blog/%s", db_text(st, 0));
		}
	} else {
		st = db_stmt("SELECT p.slug, v.title, v.meta_description, v.blocks_json FROM pages p "
			     "JOIN page_versions v ON v.page_id = p.id AND v.version = p.live_version "
			     "WHERE p.tenant_id = :t AND p.id = :id");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", id);
		rc = db_step(st);
		if (rc == SQLITE_ROW) {
			plain_text(db_text(st, 1), &d->title, 1000);
			plain_text(db_text(st, 2), &d->meta, 2000);
			cJSON *blocks = cJSON_Parse(db_text(st, 3)), *b;
			cJSON_ArrayForEach(b, blocks) config_words(cJSON_GetObjectItemCaseSensitive(b, "config"), &d->body, 0);
			cJSON_Delete(blocks);
			if (strcmp(db_text(st, 0), "home") == 0) sb_puts(&d->url, "/");
			else sb_printf(&d->url, "/%s", db_text(st, 0));
		}
	}
	db_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The text a document is embedded from: the title twice (it says most). */
static void embed_text(doc *d, sbuf *out)
{
	sbuf raw = SBUF_INIT;
	sb_printf(&raw, "%s %s %s %s %s", sb_str(&d->title), sb_str(&d->title), sb_str(&d->meta),
		  sb_str(&d->codes), sb_str(&d->body));
	search_fold(sb_str(&raw), out);
	sb_free(&raw);
}

static int index_item(int64_t tid, const char *kind, int64_t id)
{
	doc d = { kind, SBUF_INIT, SBUF_INIT, SBUF_INIT, SBUF_INIT, SBUF_INIT, SBUF_INIT };
	int in = doc_read(tid, kind, id, &d);
	int rc = -1;
	if (in < 0) goto out;
	if (in == 0) {
		sqlite3_stmt *st = db_stmt("DELETE FROM search_docs WHERE tenant_id = :t AND kind = :k AND item_id = :id");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":k", kind);
		db_bind_int(st, ":id", id);
		rc = db_run(st);
		goto out;
	}
	sbuf tri = SBUF_INIT, raw = SBUF_INIT, et = SBUF_INIT;
	embed_text(&d, &et);
	if (d.label.len) sb_printf(&d.meta, " %s", sb_str(&d.label));    /* indexed, not embedded */
	sb_printf(&raw, "%s %s %s", sb_str(&d.title), sb_str(&d.codes), sb_str(&d.meta));
	search_fold(sb_str(&raw), &tri);
	int64_t h = embed_hash(sb_str(&et));
	char tk[32];
	snprintf(tk, sizeof tk, "|%lld|", (long long)tid);
	sqlite3_stmt *st = db_stmt("INSERT INTO search_docs(tenant_id, kind, item_id, tk, title, codes, meta, body, tri, url, text_hash, updated_at) "
				   "VALUES (:t, :k, :id, :tk, :ti, :c, :m, :b, :tri, :u, :h, :now) "
				   "ON CONFLICT(tenant_id, kind, item_id) DO UPDATE SET tk = excluded.tk, title = excluded.title, "
				   "codes = excluded.codes, meta = excluded.meta, body = excluded.body, tri = excluded.tri, "
				   "url = excluded.url, text_hash = excluded.text_hash, updated_at = excluded.updated_at "
				   "RETURNING id, (SELECT text_hash FROM search_vectors WHERE doc_id = search_docs.id AND model = :model)");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_int(st, ":id", id);
	db_bind_text(st, ":tk", tk);
	db_bind_text(st, ":ti", sb_str(&d.title));
	db_bind_text(st, ":c", sb_str(&d.codes));
	db_bind_text(st, ":m", sb_str(&d.meta));
	db_bind_text(st, ":b", sb_str(&d.body));
	db_bind_text(st, ":tri", sb_str(&tri));
	db_bind_text(st, ":u", sb_str(&d.url));
	db_bind_int(st, ":h", h);
	db_bind_int(st, ":now", now_unix());
	db_bind_text(st, ":model", EMBED_OFFLINE_MODEL);
	int64_t docid = 0, had = -1;
	if (db_step(st) == SQLITE_ROW) {
		docid = db_int(st, 0);
		had = db_isnull(st, 1) ? -1 : db_int(st, 1);
		rc = db_step(st) == SQLITE_DONE ? 0 : -1;
	}
	db_reset(st);
	if (docid && rc == 0 && had != h) {       /* the text changed: embed it again */
		float v[EMBED_OFFLINE_DIM];
		embed_offline(sb_str(&et), v, EMBED_OFFLINE_DIM);
		rc = embed_store(tid, docid, EMBED_OFFLINE_MODEL, v, EMBED_OFFLINE_DIM, h);
	}
	sb_free(&tri); sb_free(&raw); sb_free(&et);
out:
	doc_free(&d);
	return rc;
}

typedef struct dirty { char kind[16]; int64_t id; } dirty;

int search_flush(int64_t tid, int max)
{
	sqlite3_stmt *st = db_stmt("SELECT kind, item_id FROM search_dirty WHERE tenant_id = :t LIMIT :n");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", max > 0 ? max : -1);
	size_t n = 0, cap = 16;
	dirty *d = xmalloc(cap * sizeof *d);
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		if (n == cap) d = xrealloc(d, (cap *= 2) * sizeof *d);
		snprintf(d[n].kind, sizeof d[n].kind, "%s", db_text(st, 0));
		d[n++].id = db_int(st, 1);
	}
	db_reset(st);
	if (rc != SQLITE_DONE) { free(d); return -1; }
	if (!n) { free(d); return 0; }
	int own = !db_in_tx();
	if (own && db_begin(1) < 0) { free(d); return -1; }
	int bad = 0;
	for (size_t i = 0; i < n && !bad; i++) {
		if (index_item(tid, d[i].kind, d[i].id) < 0) { bad = 1; break; }
		st = db_stmt("DELETE FROM search_dirty WHERE tenant_id = :t AND kind = :k AND item_id = :id");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":k", d[i].kind);
		db_bind_int(st, ":id", d[i].id);
		if (db_run(st) < 0) bad = 1;
	}
	free(d);
	/* the index changed: its version moves (and, in a transaction of our
	 * own, the content's: no content write announced this change; in the
	 * caller's, audit_bump_content did) */
	if (!bad && embed_changed(tid, own) < 0) bad = 1;
	if (bad) {
		if (own) db_rollback();
		return -1;
	}
	if (own && db_commit() < 0) return -1;
	return (int)n;
}

int search_flush_all(void)
{
	int total = 0;
	for (;;) {
		sqlite3_stmt *st = db_stmt("SELECT tenant_id FROM search_dirty LIMIT 1 -- scan: any store with work");
		int rc = db_step(st);
		int64_t tid = rc == SQLITE_ROW ? db_int(st, 0) : 0;
		db_reset(st);
		if (rc == SQLITE_DONE) return total;
		if (rc != SQLITE_ROW) return -1;
		int n = search_flush(tid, 500);
		if (n < 0) return -1;
		total += n;
	}
}

int search_reindex(int64_t tid, void (*progress)(int64_t done, int64_t total))
{
	if (db_begin(1) < 0) return -1;
	sqlite3_stmt *st = db_stmt("DELETE FROM search_vectors WHERE tenant_id = :t AND model = :m");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":m", EMBED_OFFLINE_MODEL);
	int bad = db_run(st) < 0 || embed_changed(tid, 1) < 0;
	static const char *const mark[] = {
		"INSERT OR IGNORE INTO search_dirty SELECT tenant_id, 'product', id FROM products WHERE tenant_id = :t",
		"INSERT OR IGNORE INTO search_dirty SELECT tenant_id, 'collection', id FROM collections WHERE tenant_id = :t",
		"INSERT OR IGNORE INTO search_dirty SELECT tenant_id, 'post', id FROM posts WHERE tenant_id = :t",
		"INSERT OR IGNORE INTO search_dirty SELECT tenant_id, 'page', id FROM pages WHERE tenant_id = :t",
		/* documents of items that no longer exist */
		"INSERT OR IGNORE INTO search_dirty SELECT tenant_id, kind, item_id FROM search_docs WHERE tenant_id = :t",
	};
	for (size_t i = 0; i < ARRAY_LEN(mark) && !bad; i++) {
		st = db_stmt(mark[i]);
		db_bind_int(st, ":t", tid);
		bad = db_run(st) < 0;
	}
	if (bad || db_commit() < 0) { db_rollback(); return -1; }
	st = db_stmt("SELECT count(*) FROM search_dirty WHERE tenant_id = :t");
	db_bind_int(st, ":t", tid);
	int64_t total = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0, done = 0;
	db_reset(st);
	for (;;) {
		int n = search_flush(tid, 200);
		if (n < 0) return -1;
		if (n == 0) break;
		done += n;
		if (progress) progress(done > total ? total : done, total);
	}
	return 0;
}

#define EMBED_TEXT_BYTES 2000

int search_embed_pending(int batch, char *err, size_t errlen)
{
	if (batch < 1) batch = 1;
	sqlite3_stmt *st = db_stmt("SELECT d.id, d.tenant_id, d.title, d.meta, d.codes, d.body, d.text_hash FROM search_docs d "
				   "LEFT JOIN search_vectors v ON v.doc_id = d.id AND v.model = :m "
				   "WHERE v.id IS NULL OR v.text_hash <> d.text_hash LIMIT :n -- scan: the deliverer's backlog");
	db_bind_text(st, ":m", cfg.ai_embed_model);
	db_bind_int(st, ":n", batch);
	int64_t *docs = xmalloc(sizeof(int64_t) * (size_t)batch), *tids = xmalloc(sizeof(int64_t) * (size_t)batch),
		*hashes = xmalloc(sizeof(int64_t) * (size_t)batch);
	char **texts = xcalloc((size_t)batch, sizeof(char *));
	int n = 0;
	while (n < batch && db_step(st) == SQLITE_ROW) {
		sbuf t = SBUF_INIT;
		sb_printf(&t, "%s\n%s %s\n%s", db_text(st, 2), db_text(st, 3), db_text(st, 4), db_text(st, 5));
		size_t l = t.len > EMBED_TEXT_BYTES ? EMBED_TEXT_BYTES : t.len;
		while (l && l < t.len && ((unsigned char)t.s[l] & 0xc0) == 0x80) l--;
		texts[n] = xstrndup(sb_str(&t), l);
		sb_free(&t);
		docs[n] = db_int(st, 0);
		tids[n] = db_int(st, 1);
		hashes[n] = db_int(st, 6);
		n++;
	}
	db_reset(st);
	int rc = n;
	float *v = NULL;
	int dim = 0;
	if (n && ai_embed((const char *const *)texts, n, cfg.ai_timeout_ms, &v, &dim, err, errlen) < 0) rc = -1;
	if (n && rc > 0) {
		if (db_begin(1) < 0) rc = -1;
		for (int i = 0; i < n && rc > 0; i++)
			if (embed_store(tids[i], docs[i], cfg.ai_embed_model, v + (size_t)i * (size_t)dim, dim, hashes[i]) < 0 ||
			    ((i == 0 || tids[i] != tids[i - 1]) && embed_changed(tids[i], 1) < 0)) rc = -1;
		if (rc > 0 && db_commit() < 0) rc = -1;
		if (rc < 0) { db_rollback(); snprintf(err, errlen, "storing vectors: %s", db_errmsg()); }
	}
	for (int i = 0; i < n; i++) free(texts[i]);
	free(texts); free(docs); free(tids); free(hashes); free(v);
	return rc;
}

/* ---- queries ---------------------------------------------------------- */

#define QWORDS 12
#define QWORD_MAX 40
typedef struct qwords { char w[QWORDS][QWORD_MAX + 1]; int n; } qwords;

/* Words of a folded query (the first QWORDS, each cut to QWORD_MAX). */
static void split_words(const char *folded, qwords *q)
{
	q->n = 0;
	const char *s = folded;
	while (*s && q->n < QWORDS) {
		while (*s == ' ') s++;
		size_t n = strcspn(s, " ");
		if (!n) break;
		size_t k = n > QWORD_MAX ? QWORD_MAX : n;
		while (k && k < n && ((unsigned char)s[k] & 0xc0) == 0x80) k--;
		memcpy(q->w[q->n], s, k);
		q->w[q->n++][k] = 0;
		s += n;
	}
}

static int is_stopword(const char *w)
{
	static const char *const sw[] = { "a", "an", "and", "any", "are", "as", "at", "be", "by", "can", "do", "for",
		"from", "have", "i", "in", "is", "it", "me", "my", "need", "of", "on", "or", "please", "show", "so",
		"some", "something", "that", "the", "to", "want", "what", "which", "with", "you", NULL };
	for (int i = 0; sw[i]; i++) if (strcmp(sw[i], w) == 0) return 1;
	return 0;
}

/* Price words taken out of the query: "under 50", "below $40", "less than
 * 30", "over 100", "above 20", "more than 10", "between 20 and 60". */
static void price_words(qwords *q, const char *currency, int64_t *lo, int64_t *hi)
{
	int dec = money_decimals(currency);
	int64_t mul = 1;
	for (int i = 0; i < dec; i++) mul *= 10;
	qwords out = { .n = 0 };
	for (int i = 0; i < q->n; i++) {
		const char *w = q->w[i];
		int under = !strcmp(w, "under") || !strcmp(w, "below") || !strcmp(w, "cheaper") || !strcmp(w, "max");
		int over = !strcmp(w, "over") || !strcmp(w, "above") || !strcmp(w, "min");
		int less = !strcmp(w, "less") || !strcmp(w, "more");
		int between = !strcmp(w, "between");
		int j = i + 1;
		if (less || under || over) {
			if (less) over = !strcmp(w, "more"), under = !over;
			if (j < q->n && !strcmp(q->w[j], "than")) j++;
		}
		if ((under || over || between) && j < q->n && isdigit((unsigned char)q->w[j][0])) {
			int64_t v = strtoll(q->w[j], NULL, 10) * mul;
			if (between) {
				if (j + 2 < q->n && !strcmp(q->w[j + 1], "and") && isdigit((unsigned char)q->w[j + 2][0])) {
					*lo = v;
					*hi = strtoll(q->w[j + 2], NULL, 10) * mul;
					i = j + 2;
					continue;
				}
			} else {
				if (under) *hi = v; else *lo = v;
				i = j;
				continue;
			}
		}
		memcpy(out.w[out.n++], w, sizeof out.w[0]);
	}
	*q = out;
}

/* A word's own synonyms (folded) appended to syn, space-separated with
 * '\n' between entries. The number found. */
static int synonyms_of(int64_t tid, const char *w, sbuf *syn)
{
	sqlite3_stmt *st = db_stmt("SELECT s2.term FROM search_synonyms s1 JOIN search_synonyms s2 "
				   "ON s2.tenant_id = s1.tenant_id AND s2.grp = s1.grp "
				   "WHERE s1.tenant_id = :t AND s1.term = :w AND s2.term <> :w LIMIT 20");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":w", w);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) { sb_printf(syn, "%s\n", db_text(st, 0)); n++; }
	db_reset(st);
	return n;
}

/* One word as an FTS5 expression: "w" (prefix "w"* when asked, the
 * singular of a plural as a prefix) OR its synonyms as phrases. */
static void match_word(int64_t tid, const char *w, int prefix, sbuf *m, sbuf *terms)
{
	size_t n = strlen(w);
	sbuf syn = SBUF_INIT;
	int ns = synonyms_of(tid, w, &syn);
	if (ns) sb_putc(m, '(');
	if (n >= 4 && w[n - 1] == 's' && w[n - 2] != 's') {
		sb_printf(m, "\"%.*s\"*", (int)(n - 1), w);
		sb_printf(terms, "%.*s*\n", (int)(n - 1), w);
	} else {
		sb_printf(m, prefix && n >= 2 ? "\"%s\"*" : "\"%s\"", w);
		sb_printf(terms, prefix && n >= 2 ? "%s*\n" : "%s\n", w);
	}
	for (const char *s = sb_str(&syn); *s;) {
		size_t k = strcspn(s, "\n");
		sb_printf(m, " OR \"%.*s\"", (int)k, s);
		sb_printf(terms, "%.*s\n", (int)k, s);
		s += k + (s[k] ? 1 : 0);
	}
	if (ns) sb_putc(m, ')');
	sb_free(&syn);
}

/* The MATCH expression over the store's documents: every word (all != 0:
 * AND, else OR without stop words), the last one as a prefix when asked. */
static int build_match(int64_t tid, const qwords *q, int all, int prefix_last, sbuf *m, sbuf *terms)
{
	sb_reset(terms);
	int used = 0, skip_stop = 0;
	if (!all)
		for (int i = 0; i < q->n; i++) if (!is_stopword(q->w[i])) skip_stop = 1;
	sb_printf(m, "\"|%lld|\" AND (", (long long)tid);
	for (int i = 0; i < q->n; i++) {
		if (skip_stop && is_stopword(q->w[i])) continue;
		if (used) sb_puts(m, all ? " AND " : " OR ");
		match_word(tid, q->w[i], prefix_last && i == q->n - 1, m, terms);
		used++;
	}
	sb_putc(m, ')');
	return used;
}

typedef struct cand {
	int64_t doc, item;
	char kind[12];
	int kw, vec;            /* 1-based ranks, 0: not in that list */
	double score;
	/* products: what filters, facets and sorting need */
	int product_ok;
	int64_t price, created;
	int instock;
	char *vendor, *tags_json, *options_json, *slug;
	char *ptype;            /* product type */
} cand;

typedef struct cands { cand *c; int n, cap; } cands;

static cand *cand_get(cands *cs, int64_t docid, const char *kind, int64_t item)
{
	for (int i = 0; i < cs->n; i++) if (cs->c[i].doc == docid) return &cs->c[i];
	if (cs->n == cs->cap) cs->c = xrealloc(cs->c, (size_t)(cs->cap = cs->cap ? cs->cap * 2 : 64) * sizeof(cand));
	cand *c = &cs->c[cs->n++];
	memset(c, 0, sizeof *c);
	c->doc = docid;
	c->item = item;
	snprintf(c->kind, sizeof c->kind, "%s", kind);
	return c;
}

static void cands_free(cands *cs)
{
	for (int i = 0; i < cs->n; i++) {
		free(cs->c[i].vendor); free(cs->c[i].tags_json); free(cs->c[i].options_json); free(cs->c[i].slug);
		free(cs->c[i].ptype);
	}
	free(cs->c);
}

#define KW_CANDIDATES 400
#define VEC_CANDIDATES 40

/* ---- BM25 that skips the store's token --------------------------------
 *
 * FTS5's bm25() works out each phrase's IDF once per query by walking the
 * phrase's whole doclist: for the store's token ("|<tenant id>|", phrase
 * 0 of every query here) that is every document of the store, 10,000
 * callbacks for a 10,000-product store, on every search and suggestion.
 * The token sits in column tk, weighted 0, so its term of the sum is
 * always 0. sf_bm25 is the same Okapi BM25 (k1 1.2, b 0.75, the
 * per-column weights as arguments, lower is better) with each phrase's IDF
 * worked out only when a row first has a non-zero weighted frequency for
 * it: the same scores to the last bit, without the token's walk. Without
 * FTS5's API (never expected) kw_search uses bm25(). */

typedef struct bm25q {
	int n;                  /* phrases */
	sqlite3_int64 rows;
	double avgdl;
	double *idf;            /* < 0: not worked out yet */
	double *freq;           /* this row's weighted frequency of each phrase */
} bm25q;

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *n)
{
	(void)api; (void)fts;
	(*(sqlite3_int64 *)n)++;
	return SQLITE_OK;
}

static void sf_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	const double k1 = 1.2, b = 0.75;
	bm25q *q = api->xGetAuxdata(fts, 0);
	int rc = SQLITE_OK;
	if (!q) {               /* the query's constants, once */
		int n = api->xPhraseCount(fts);
		q = sqlite3_malloc64(sizeof *q + sizeof(double) * 2 * (size_t)(n > 0 ? n : 1));
		if (!q) { sqlite3_result_error_nomem(ctx); return; }
		q->n = n;
		q->idf = (double *)(q + 1);
		q->freq = q->idf + n;
		for (int i = 0; i < n; i++) q->idf[i] = -1;
		sqlite3_int64 toks = 0;
		q->rows = 0;
		rc = api->xRowCount(fts, &q->rows);
		if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &toks);
		if (rc == SQLITE_OK) q->avgdl = (double)toks / (double)q->rows;
		if (rc == SQLITE_OK) rc = api->xSetAuxdata(fts, q, sqlite3_free);
		else sqlite3_free(q);
		if (rc != SQLITE_OK) { sqlite3_result_error_code(ctx, rc); return; }
	}
	memset(q->freq, 0, sizeof(double) * (size_t)q->n);
	int ninst = 0, ntok = 0;
	rc = api->xInstCount(fts, &ninst);
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		int ip, ic, io;
		rc = api->xInst(fts, i, &ip, &ic, &io);
		if (rc == SQLITE_OK) q->freq[ip] += nval > ic ? sqlite3_value_double(val[ic]) : 1.0;
	}
	if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &ntok);
	double d = (double)ntok, score = 0.0;
	for (int i = 0; rc == SQLITE_OK && i < q->n; i++) {
		if (q->freq[i] == 0.0) continue;        /* its term is 0 whatever its IDF */
		if (q->idf[i] < 0) {
			sqlite3_int64 hits = 0;
			rc = api->xQueryPhrase(fts, i, &hits, count_row);
			if (rc != SQLITE_OK) break;
			double idf = log((q->rows - hits + 0.5) / (hits + 0.5));
			q->idf[i] = idf <= 0.0 ? 1e-6 : idf;    /* a word in over half the rows */
		}
		score += q->idf[i] * ((q->freq[i] * (k1 + 1.0)) / (q->freq[i] + k1 * (1 - b + b * d / q->avgdl)));
	}
	if (rc != SQLITE_OK) sqlite3_result_error_code(ctx, rc);
	else sqlite3_result_double(ctx, -1.0 * score);
}

static int have_bm25;

/* FTS5's API from the connection (its documented handshake: a pointer
 * bound to SELECT fts5(?1)), and sf_bm25 registered with it. */
static void register_bm25(sqlite3 *h)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		(void)sqlite3_step(st);
	}
	sqlite3_finalize(st);
	have_bm25 = api && api->iVersion >= 2 && api->xCreateFunction(api, "sf_bm25", NULL, sf_bm25, NULL) == SQLITE_OK;
	if (!have_bm25) log_warn("search: sf_bm25 not registered, using bm25()");
}

/* Keyword candidates for a MATCH expression, ranked by BM25 with title and
 * codes weighted over meta and body. The number found. The best limit are
 * taken inside FTS5 first and only they are looked up in search_docs (a
 * join before the LIMIT read a row for every match: thousands for a
 * common word); the MATCH holds the store's token, so they are that
 * store's, and the join on tenant_id still keeps any other out. */
static int kw_search(int64_t tid, const char *match, cands *cs, int limit)
{
	db_on_open(register_bm25);      /* this connection and every later one, once */
	sqlite3_stmt *st = have_bm25
		? db_stmt("SELECT d.id, d.kind, d.item_id FROM "
			  "(SELECT rowid AS id, sf_bm25(search_fts, 0.0, 10.0, 8.0, 3.0, 1.0) AS r FROM search_fts "
			  " WHERE search_fts MATCH :q ORDER BY r, rowid LIMIT :n) f "
			  "JOIN search_docs d ON d.id = f.id WHERE d.tenant_id = :t ORDER BY f.r, f.id "
			  "-- scan: of f, the subquery's best :n rows, not a table")
		: db_stmt("SELECT d.id, d.kind, d.item_id FROM "
			  "(SELECT rowid AS id, bm25(search_fts, 0.0, 10.0, 8.0, 3.0, 1.0) AS r FROM search_fts "
			  " WHERE search_fts MATCH :q ORDER BY r, rowid LIMIT :n) f "
			  "JOIN search_docs d ON d.id = f.id WHERE d.tenant_id = :t ORDER BY f.r, f.id "
			  "-- scan: of f, the subquery's best :n rows, not a table");
	db_bind_text(st, ":q", match);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", limit);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		cand *c = cand_get(cs, db_int(st, 0), db_text(st, 1), db_int(st, 2));
		if (!c->kw) c->kw = ++n;
	}
	db_reset(st);
	return n;
}

static int levenshtein(const char *a, const char *b, int cap)
{
	int la = (int)strlen(a), lb = (int)strlen(b);
	if (la > QWORD_MAX || lb > QWORD_MAX || abs(la - lb) > cap) return cap + 1;
	int row[QWORD_MAX + 2];
	for (int j = 0; j <= lb; j++) row[j] = j;
	for (int i = 1; i <= la; i++) {
		int prev = row[0], best;
		row[0] = best = i;
		for (int j = 1; j <= lb; j++) {
			int cur = row[j];
			int v = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < v) v = row[j] + 1;
			if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
			row[j] = v;
			prev = cur;
			if (v < best) best = v;
		}
		if (best > cap) return cap + 1;
	}
	return row[lb];
}

static int ascii_word(const char *w)
{
	for (; *w; w++) if ((unsigned char)*w >= 0x80) return 0;
	return 1;
}

/* Does w (as a prefix) occur in the store's index at all? */
static int word_known(int64_t tid, const char *w)
{
	sbuf m = SBUF_INIT;
	sb_printf(&m, "\"|%lld|\" AND \"%s\"*", (long long)tid, w);
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM search_fts WHERE search_fts MATCH :q LIMIT 1");
	db_bind_text(st, ":q", sb_str(&m));
	int found = db_step(st) == SQLITE_ROW;
	db_reset(st);
	sb_free(&m);
	return found;
}

/* Trigram candidates for one word: documents sharing its trigrams, best
 * first; the store's closest word to w in them into best (edit distance
 * at most 1 for short words, 2 for longer). 1 when one was found. */
static int closest_word(int64_t tid, const char *w, char *best, size_t bn)
{
	size_t n = strlen(w);
	if (n < 3 || !ascii_word(w)) return 0;
	sbuf m = SBUF_INIT;
	sb_printf(&m, "\"|%lld|\" AND (", (long long)tid);
	for (size_t i = 0; i + 3 <= n; i++) sb_printf(&m, "%s\"%.3s\"", i ? " OR " : "", w + i);
	sb_putc(&m, ')');
	sqlite3_stmt *st = db_stmt("SELECT d.tri FROM search_tri JOIN search_docs d ON d.id = search_tri.rowid "
				   "WHERE search_tri MATCH :q AND d.tenant_id = :t ORDER BY rank LIMIT 30");
	db_bind_text(st, ":q", sb_str(&m));
	db_bind_int(st, ":t", tid);
	int cap = n <= 4 ? 1 : 2, bestd = cap + 1;
	while (db_step(st) == SQLITE_ROW) {
		qwords ws;
		const char *tri = db_text(st, 0);
		/* every word of the document, not only the first QWORDS */
		for (const char *s = tri; *s;) {
			split_words(s, &ws);
			for (int i = 0; i < ws.n; i++) {
				if (strlen(ws.w[i]) < 3) continue;
				int dd = levenshtein(w, ws.w[i], cap);
				if (dd < bestd && dd > 0) { bestd = dd; snprintf(best, bn, "%s", ws.w[i]); }
			}
			int skip = 0;
			while (*s && skip < ws.n) { s += strspn(s, " "); s += strcspn(s, " "); skip++; }
			if (ws.n < QWORDS) break;
		}
	}
	db_reset(st);
	sb_free(&m);
	return bestd <= cap;
}

/* "Did you mean": the query with each unknown word replaced by the
 * store's closest one, or 0 when no word changed. */
static int correct_query(int64_t tid, const qwords *q, qwords *out)
{
	int changed = 0;
	*out = *q;
	for (int i = 0; i < q->n; i++) {
		if (word_known(tid, q->w[i])) continue;
		char best[QWORD_MAX + 1];
		if (closest_word(tid, q->w[i], best, sizeof best)) {
			snprintf(out->w[i], sizeof out->w[i], "%s", best);
			changed = 1;
		}
	}
	return changed;
}

typedef struct simrank { double s; int i; } simrank;
static int by_sim(const void *a, const void *b)
{
	const simrank *x = a, *y = b;
	return x->s < y->s ? 1 : x->s > y->s ? -1 : x->i - y->i;
}

/* Vector candidates: the query's embedding against the store's documents.
 * When the keywords already found many (kw_found >= VEC_RERANK_FROM),
 * only the best of those are compared (a rerank: what the vectors would
 * add past so many matches is noise, and a whole-store scan costs most);
 * else every document of the store is. */
#define VEC_RERANK_FROM 12
#define VEC_RERANK_N 100
static void vec_search(int64_t tid, const search_opts *o, const char *folded, cands *cs, int kw_found)
{
	float qv[EMBED_OFFLINE_DIM];
	const float *v = o ? o->qvec : NULL;
	const char *model = o ? o->qvec_model : NULL;
	int dim = o ? o->qvec_dim : 0;
	if (!v) {
		embed_offline(folded, qv, EMBED_OFFLINE_DIM);
		v = qv; model = EMBED_OFFLINE_MODEL; dim = EMBED_OFFLINE_DIM;
	}
	if (kw_found >= VEC_RERANK_FROM) {
		int64_t docs[VEC_RERANK_N];
		double sims[VEC_RERANK_N];
		simrank sr[VEC_RERANK_N];
		int n = 0;
		for (int i = 0; i < cs->n && n < VEC_RERANK_N; i++)
			if (cs->c[i].kw && cs->c[i].kw <= VEC_RERANK_N) docs[n++] = cs->c[i].doc;
		embed_similarities(tid, model, v, dim, docs, n, sims);
		for (int i = 0; i < n; i++) sr[i] = (simrank){ sims[i], i };
		if ((n) > 1) qsort(sr, (size_t)n, sizeof *sr, by_sim);
		for (int r = 0; r < n && sr[r].s >= (double)cfg.search_vector_min / 100.0; r++)
			cand_get(cs, docs[sr[r].i], "", 0)->vec = r + 1;
		return;
	}
	int64_t ids[VEC_CANDIDATES];
	double sims[VEC_CANDIDATES];
	int n = embed_nearest(tid, model, v, dim, NULL, 0, (double)cfg.search_vector_min / 100.0, ids, sims, VEC_CANDIDATES);
	sqlite3_stmt *st = db_stmt("SELECT kind, item_id FROM search_docs WHERE id = :id AND tenant_id = :t");
	for (int i = 0; i < n; i++) {
		/* the keywords found something: a document they did not find must
		 * be much closer to join them (no noise under a precise query) */
		if (kw_found && sims[i] < (double)cfg.search_vector_extra_min / 100.0) {
			int known = 0;
			for (int k = 0; k < cs->n; k++) if (cs->c[k].doc == ids[i]) known = 1;
			if (!known) continue;
		}
		db_bind_int(st, ":id", ids[i]);
		db_bind_int(st, ":t", tid);
		if (db_step(st) == SQLITE_ROW) {
			cand *c = cand_get(cs, ids[i], db_text(st, 0), db_int(st, 1));
			c->vec = i + 1;
		}
		db_reset(st);
	}
}

/* Reciprocal rank fusion: sum over the lists of weight / (k + rank). */
static void fuse(cands *cs)
{
	double k = (double)cfg.search_rrf_k, wv = (double)cfg.search_vector_weight / 100.0;
	for (int i = 0; i < cs->n; i++) {
		cand *c = &cs->c[i];
		c->score = (c->kw ? 1.0 / (k + c->kw) : 0) + (c->vec ? wv / (k + c->vec) : 0);
	}
}

/* Products: their price, stock and facet fields; drafts drop out. */
static void load_products(const tenant *t, cands *cs)
{
	sqlite3_stmt *st = db_stmt("SELECT p.slug, p.price, p.vendor, p.tags_json, p.options_json, p.created_at, "
				   "CASE WHEN p.track_inventory = 0 OR p.inventory_policy = 'continue' THEN 1 ELSE "
				   "coalesce((SELECT sum(v.stock) FROM variants v WHERE v.product_id = p.id), p.stock) > 0 END, p.product_type "
				   "FROM products p WHERE p.tenant_id = :t AND p.id = :id AND p.status = 'active'");
	for (int i = 0; i < cs->n; i++) {
		cand *c = &cs->c[i];
		if (strcmp(c->kind, "product") != 0) continue;
		db_bind_int(st, ":t", t->id);
		db_bind_int(st, ":id", c->item);
		if (db_step(st) == SQLITE_ROW) {
			c->product_ok = 1;
			c->slug = xstrdup(db_text(st, 0));
			c->price = db_int(st, 1);
			c->vendor = xstrdup(db_text(st, 2));
			c->tags_json = xstrdup(db_text(st, 3));
			c->options_json = xstrdup(db_text(st, 4));
			c->created = db_int(st, 5);
			c->instock = (int)db_int(st, 6);
			c->ptype = xstrdup(db_text(st, 7));
		}
		db_reset(st);
	}
}

/* Gathered candidates for a query: keyword first (all words, then the
 * corrected query, then any word), vectors in hybrid mode, fused. */
typedef struct gathered {
	cands cs;
	sbuf match;             /* the expression the keyword results came from ("" none) */
	sbuf terms;             /* its terms, one a line, "*" after a prefix: what snippets mark */
	char did_you_mean[QWORDS * (QWORD_MAX + 1) + 1];
	int64_t price_lo, price_hi;     /* from the query's words */
} gathered;

static void words_join(const qwords *q, char *out, size_t n)
{
	out[0] = 0;
	size_t l = 0;
	for (int i = 0; i < q->n && l < n; i++) l += (size_t)snprintf(out + l, n - l, "%s%s", i ? " " : "", q->w[i]);
}

/* An empty g for query, and its words (folded, price words taken out). */
static void query_words(const tenant *t, const char *query, gathered *g, qwords *q)
{
	memset(g, 0, sizeof *g);
	g->price_lo = g->price_hi = -1;
	sbuf folded = SBUF_INIT;
	search_fold(query, &folded);
	split_words(sb_str(&folded), q);
	sb_free(&folded);
	price_words(q, t->currency, &g->price_lo, &g->price_hi);
}

static void gather(const tenant *t, const char *query, int mode, int prefix, const search_opts *o, gathered *g)
{
	qwords q;
	query_words(t, query, g, &q);
	if (q.n == 0) return;
	int n = 0;
	if (build_match(t->id, &q, 1, prefix, &g->match, &g->terms)) n = kw_search(t->id, sb_str(&g->match), &g->cs, KW_CANDIDATES);
	if (n == 0) {
		qwords fixed;
		if (correct_query(t->id, &q, &fixed)) {
			words_join(&fixed, g->did_you_mean, sizeof g->did_you_mean);
			sb_reset(&g->match);
			if (build_match(t->id, &fixed, 1, prefix, &g->match, &g->terms)) n = kw_search(t->id, sb_str(&g->match), &g->cs, KW_CANDIDATES);
			if (n == 0) {
				/* no better: no suggestion, but any word may match, the corrected ones too */
				g->did_you_mean[0] = 0;
				for (int i = 0; i < fixed.n && q.n < QWORDS; i++)
					if (strcmp(fixed.w[i], q.w[i]) != 0) memcpy(q.w[q.n++], fixed.w[i], sizeof q.w[0]);
			}
		}
	}
	if (n == 0 && q.n > 1) {
		sb_reset(&g->match);
		if (build_match(t->id, &q, 0, prefix, &g->match, &g->terms)) n = kw_search(t->id, sb_str(&g->match), &g->cs, KW_CANDIDATES);
	}
	if (n == 0) { sb_reset(&g->match); sb_reset(&g->terms); }
	if (mode == SEARCH_HYBRID) {
		/* the words the vectors see: the query's, with its synonyms */
		sbuf vq = SBUF_INIT, syn = SBUF_INIT;
		for (int i = 0; i < q.n; i++) {
			sb_printf(&vq, "%s ", q.w[i]);
			if (synonyms_of(t->id, q.w[i], &syn)) {
				for (char *s = syn.s; *s; s++) if (*s == '\n') *s = ' ';
				sb_puts(&vq, sb_str(&syn));
				sb_reset(&syn);
			}
		}
		vec_search(t->id, o, sb_str(&vq), &g->cs, n);
		sb_free(&vq);
		sb_free(&syn);
	}
	fuse(&g->cs);
}

/* A query's statements in one read transaction (one snapshot, and the
 * database's lock taken once instead of at every statement) unless the
 * caller has one open. 1 when it was opened here. */
static int read_begin(void)
{
	return !db_in_tx() && db_begin(0) == 0;
}

static void read_end(int own)
{
	if (own && db_commit() < 0) log_warn("search: ending a read: %s", db_errmsg());
}

static int by_score(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->score != y->score) return x->score < y->score ? 1 : -1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* Product ids for q, best first; priced: within its price words' bounds
 * (the store's currency). */
static int product_ids(const tenant *t, const char *q, int mode, int priced, int64_t *ids, int max)
{
	gathered g;
	int own = read_begin();
	gather(t, q, mode, 0, NULL, &g);
	load_products(t, &g.cs);
	read_end(own);
	if ((g.cs.n) > 1) qsort(g.cs.c, (size_t)g.cs.n, sizeof(cand), by_score);
	int n = 0;
	for (int i = 0; i < g.cs.n && n < max; i++) {
		cand *c = &g.cs.c[i];
		if (!c->product_ok) continue;
		if (priced && g.price_lo >= 0 && c->price < g.price_lo) continue;
		if (priced && g.price_hi >= 0 && c->price > g.price_hi) continue;
		ids[n++] = c->item;
	}
	cands_free(&g.cs);
	sb_free(&g.match);
	sb_free(&g.terms);
	return n;
}

int search_product_ids(const tenant *t, const char *q, int mode, int64_t *ids, int max)
{
	return product_ids(t, q, mode, 1, ids, max);
}

int search_product_ids_in(const tenant *t, const char *q, int mode, const char *currency, int64_t *lo, int64_t *hi,
			  int64_t *ids, int max)
{
	qwords w;
	sbuf folded = SBUF_INIT;
	search_fold(q, &folded);
	split_words(sb_str(&folded), &w);
	sb_free(&folded);
	*lo = *hi = -1;
	price_words(&w, currency, lo, hi);
	return product_ids(t, q, mode, 0, ids, max);
}

/* ---- facets ----------------------------------------------------------- */

typedef struct fval { char *v; int count, selected; } fval;
typedef struct facet { fval *v; int n, cap; } facet;
#define FACET_VALUES 50

static void facet_add(facet *f, const char *v, int count, int selected)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->v[i].v, v) == 0) { f->v[i].count += count; f->v[i].selected |= selected; return; }
	if (f->n >= FACET_VALUES || !*v) return;
	if (f->n == f->cap) f->v = xrealloc(f->v, (size_t)(f->cap = f->cap ? f->cap * 2 : 8) * sizeof(fval));
	f->v[f->n++] = (fval){ xstrdup(v), count, selected };
}

static int fval_cmp(const void *a, const void *b)
{
	const fval *x = a, *y = b;
	if (x->count != y->count) return y->count - x->count;
	return strcmp(x->v, y->v);
}

static cJSON *facet_json(facet *f)
{
	if (f->n > 1) qsort(f->v, (size_t)f->n, sizeof(fval), fval_cmp);   /* (an empty facet has no array) */
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < f->n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "value", f->v[i].v);
		cJSON_AddNumberToObject(o, "count", f->v[i].count);
		cJSON_AddBoolToObject(o, "selected", f->v[i].selected);
		cJSON_AddItemToArray(a, o);
		free(f->v[i].v);
	}
	free(f->v);
	return a;
}

static int in_list(const char *v, const char *const *list, int n)
{
	for (int i = 0; i < n; i++) if (strcasecmp(v, list[i]) == 0) return 1;
	return 0;
}

/* Does a JSON list (tags, or options' values) hold one of list? */
static int json_has(const char *json, const char *const *list, int n, int options)
{
	if (!n) return 1;
	cJSON *a = cJSON_Parse(json), *it;
	int found = 0;
	cJSON_ArrayForEach(it, a) {
		if (!options && cJSON_IsString(it) && in_list(it->valuestring, list, n)) found = 1;
		const cJSON *v;
		if (options) cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(it, "values"))
			if (cJSON_IsString(v) && in_list(v->valuestring, list, n)) found = 1;
	}
	cJSON_Delete(a);
	return found;
}

enum { F_AVAIL, F_PRICE, F_VENDOR, F_TAG, F_OPTION, F_TYPE, F_N };

/* Which filter groups a product passes. */
static void passes(const search_opts *o, const gathered *g, const cand *c, int ok[F_N])
{
	int64_t lo = o->price_min >= 0 ? o->price_min : g->price_lo, hi = o->price_max >= 0 ? o->price_max : g->price_hi;
	ok[F_AVAIL] = o->available < 0 || c->instock == o->available;
	ok[F_PRICE] = (lo < 0 || c->price >= lo) && (hi < 0 || c->price <= hi);
	ok[F_VENDOR] = !o->nvendors || in_list(c->vendor, o->vendors, o->nvendors);
	ok[F_TAG] = json_has(c->tags_json, o->tags, o->ntags, 0);
	ok[F_OPTION] = json_has(c->options_json, o->options, o->noptions, 1);
	ok[F_TYPE] = !o->ntypes || in_list(c->ptype, o->types, o->ntypes);
}

static int all_but(const int ok[F_N], int skip)
{
	for (int i = 0; i < F_N; i++) if (i != skip && !ok[i]) return 0;
	return 1;
}

static int sort_mode;
static int by_sort(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (sort_mode == SEARCH_SORT_PRICE_ASC && x->price != y->price) return x->price < y->price ? -1 : 1;
	if (sort_mode == SEARCH_SORT_PRICE_DESC && x->price != y->price) return x->price > y->price ? -1 : 1;
	if (sort_mode == SEARCH_SORT_NEWEST && x->created != y->created) return x->created > y->created ? -1 : 1;
	if (sort_mode == SEARCH_SORT_NEWEST && x->item != y->item) return x->item > y->item ? -1 : 1;
	return by_score(a, b);
}

/* ---- results ---------------------------------------------------------- */

/* Does a folded word match one of the terms ("w": equal, "w*": prefix)? */
static int term_hit(const char *w, size_t wn, const char *terms)
{
	for (const char *t = terms; *t;) {
		size_t k = strcspn(t, "\n");
		int pre = k && t[k - 1] == '*';
		size_t tl = pre ? k - 1 : k;
		if (tl && (pre ? wn >= tl : wn == tl) && memcmp(w, t, tl) == 0 && !memchr(t, ' ', tl)) return 1;
		t += k + (t[k] ? 1 : 0);
	}
	return 0;
}

static int word_byte(unsigned char c) { return isalnum(c) || c >= 0x80; }

/* text from..to as escaped HTML, each word the terms match in <mark>. The
 * byte offset of the first match into *first (-1 none) when asked. */
static void mark_range(const char *text, size_t from, size_t to, const char *terms, sbuf *out, long *first)
{
	size_t i = from;
	sbuf f = SBUF_INIT, piece = SBUF_INIT;
	if (first) *first = -1;
	while (i < to) {
		size_t j = i;
		if (word_byte((unsigned char)text[i])) {
			while (j < to && word_byte((unsigned char)text[j])) j++;
			sb_reset(&f);
			sb_reset(&piece);
			sb_put(&piece, text + i, j - i);
			search_fold(sb_str(&piece), &f);
			int hit = f.len && term_hit(sb_str(&f), f.len, terms);
			if (hit && first && *first < 0) *first = (long)i;
			if (out) {
				if (hit) sb_puts(out, "<mark>");
				html_text(out, sb_str(&piece));
				if (hit) sb_puts(out, "</mark>");
			}
		} else {
			while (j < to && !word_byte((unsigned char)text[j])) j++;
			if (out) {
				sb_reset(&piece);
				sb_put(&piece, text + i, j - i);
				html_text(out, sb_str(&piece));
			}
		}
		i = j;
	}
	sb_free(&f);
	sb_free(&piece);
}

#define SNIPPET_BYTES 180

/* titleHtml (the title, matches marked) and snippetHtml (about
 * SNIPPET_BYTES of the text around the first match, else its start) of a
 * document: escaped text and <mark> only. */
static void add_snippets(cJSON *o, int64_t tid, int64_t docid, const char *terms)
{
	sbuf th = SBUF_INIT, sh = SBUF_INIT;
	sqlite3_stmt *st = db_stmt("SELECT title, meta, body FROM search_docs WHERE id = :id AND tenant_id = :t");
	db_bind_int(st, ":id", docid);
	db_bind_int(st, ":t", tid);
	if (db_step(st) == SQLITE_ROW) {
		const char *title = db_text(st, 0), *body = db_text(st, 2);
		if (!*body) body = db_text(st, 1);
		mark_range(title, 0, strlen(title), terms, &th, NULL);
		size_t len = strlen(body);
		long at = -1;
		if (*terms) mark_range(body, 0, len > 4000 ? 4000 : len, terms, NULL, &at);
		size_t from = at > 60 ? (size_t)at - 60 : 0;
		while (from && from < len && (word_byte((unsigned char)body[from - 1]) || ((unsigned char)body[from] & 0xc0) == 0x80)) from++;
		size_t to = from + SNIPPET_BYTES < len ? from + SNIPPET_BYTES : len;
		while (to < len && word_byte((unsigned char)body[to])) to++;
		if (from) sb_puts(&sh, "…");
		mark_range(body, from, to, terms, &sh, NULL);
		if (to < len) sb_puts(&sh, "…");
	}
	db_reset(st);
	cJSON_AddStringToObject(o, "titleHtml", sb_str(&th));
	cJSON_AddStringToObject(o, "snippetHtml", sb_str(&sh));
	sb_free(&th);
	sb_free(&sh);
}

static cJSON *other_json(int64_t tid, const cand *c, const char *terms)
{
	sqlite3_stmt *st = db_stmt("SELECT title, url FROM search_docs WHERE id = :id AND tenant_id = :t");
	db_bind_int(st, ":id", c->doc);
	db_bind_int(st, ":t", tid);
	cJSON *o = NULL;
	if (db_step(st) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		row_add_id(o, "id", c->item);
		cJSON_AddStringToObject(o, "title", db_text(st, 0));
		cJSON_AddStringToObject(o, "url", db_text(st, 1));
	}
	db_reset(st);
	if (o && terms) add_snippets(o, tid, c->doc, terms);
	return o;
}

#define OTHERS_MAX 5

cJSON *search_query(const tenant *t, const search_opts *o)
{
	gathered g;
	int own = read_begin();
	gather(t, o->q, o->mode, 0, o, &g);
	load_products(t, &g.cs);
	cJSON *res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "query", o->q);
	if (g.did_you_mean[0]) cJSON_AddStringToObject(res, "didYouMean", g.did_you_mean);
	else cJSON_AddNullToObject(res, "didYouMean");
	/* facets over the products each other filter group lets through */
	facet fv = { 0 }, ft = { 0 }, fo = { 0 }, fty = { 0 };
	int avail[2] = { 0, 0 };
	int64_t pmin = -1, pmax = -1;
	int total = 0;
	cand *prods = xmalloc(sizeof(cand) * (size_t)(g.cs.n + 1));
	for (int i = 0; i < g.cs.n; i++) {
		cand *c = &g.cs.c[i];
		if (!c->product_ok) continue;
		int ok[F_N];
		passes(o, &g, c, ok);
		if (all_but(ok, F_AVAIL)) avail[c->instock ? 1 : 0]++;
		if (all_but(ok, F_PRICE)) {
			if (pmin < 0 || c->price < pmin) pmin = c->price;
			if (c->price > pmax) pmax = c->price;
		}
		if (all_but(ok, F_VENDOR)) facet_add(&fv, c->vendor, 1, in_list(c->vendor, o->vendors, o->nvendors));
		if (all_but(ok, F_TYPE)) facet_add(&fty, c->ptype, 1, in_list(c->ptype, o->types, o->ntypes));
		if (all_but(ok, F_TAG) || all_but(ok, F_OPTION)) {
			cJSON *a = all_but(ok, F_TAG) ? cJSON_Parse(c->tags_json) : NULL, *it;
			cJSON_ArrayForEach(it, a)
				if (cJSON_IsString(it)) facet_add(&ft, it->valuestring, 1, in_list(it->valuestring, o->tags, o->ntags));
			cJSON_Delete(a);
			a = all_but(ok, F_OPTION) ? cJSON_Parse(c->options_json) : NULL;
			cJSON_ArrayForEach(it, a) {
				const cJSON *v;
				cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(it, "values"))
					if (cJSON_IsString(v)) facet_add(&fo, v->valuestring, 1, in_list(v->valuestring, o->options, o->noptions));
			}
			cJSON_Delete(a);
		}
		if (all_but(ok, F_N)) prods[total++] = *c;
	}
	sort_mode = o->sort;
	if ((total) > 1) qsort(prods, (size_t)total, sizeof(cand), by_sort);
	cJSON_AddNumberToObject(res, "total", total);
	cJSON_AddNumberToObject(res, "page", o->page);
	cJSON_AddNumberToObject(res, "perPage", o->per_page);
	cJSON_AddNumberToObject(res, "pageCount", total ? (total + o->per_page - 1) / o->per_page : 0);
	cJSON *list = cJSON_AddArrayToObject(res, "products");
	int from = (o->page - 1) * o->per_page;
	for (int i = from; i < total && i < from + o->per_page; i++) {
		cJSON *p = cat_product_by_slug(t, prods[i].slug);
		if (!p) continue;
		add_snippets(p, t->id, prods[i].doc, sb_str(&g.terms));
		cJSON_AddItemToArray(list, p);
	}
	free(prods);
	/* collections, pages and posts: the best few of each */
	if ((g.cs.n) > 1) qsort(g.cs.c, (size_t)g.cs.n, sizeof(cand), by_score);
	static const char *const kinds[] = { "collection", "page", "post" };
	static const char *const keys[] = { "collections", "pages", "posts" };
	for (int k = 0; k < 3; k++) {
		cJSON *a = cJSON_AddArrayToObject(res, keys[k]);
		if (!o->others) continue;
		for (int i = 0; i < g.cs.n && cJSON_GetArraySize(a) < OTHERS_MAX; i++) {
			if (strcmp(g.cs.c[i].kind, kinds[k]) != 0) continue;
			cJSON *x = other_json(t->id, &g.cs.c[i], sb_str(&g.terms));
			if (x) cJSON_AddItemToArray(a, x);
		}
	}
	cJSON *facets = cJSON_AddObjectToObject(res, "facets");
	cJSON *av = cJSON_AddObjectToObject(facets, "availability");
	cJSON_AddNumberToObject(av, "inStock", avail[1]);
	cJSON_AddNumberToObject(av, "outOfStock", avail[0]);
	cJSON_AddNumberToObject(av, "selected", o->available);
	cJSON *pr = cJSON_AddObjectToObject(facets, "price");
	if (pmin >= 0) {
		cJSON_AddNumberToObject(pr, "min", money_major(pmin, t->currency));
		cJSON_AddNumberToObject(pr, "max", money_major(pmax, t->currency));
	} else {
		cJSON_AddNullToObject(pr, "min");
		cJSON_AddNullToObject(pr, "max");
	}
	if (o->price_min >= 0) cJSON_AddNumberToObject(pr, "gte", money_major(o->price_min, t->currency));
	if (o->price_max >= 0) cJSON_AddNumberToObject(pr, "lte", money_major(o->price_max, t->currency));
	cJSON_AddItemToObject(facets, "vendors", facet_json(&fv));
	cJSON_AddItemToObject(facets, "types", facet_json(&fty));
	cJSON_AddItemToObject(facets, "tags", facet_json(&ft));
	cJSON_AddItemToObject(facets, "options", facet_json(&fo));
	read_end(own);
	cands_free(&g.cs);
	sb_free(&g.match);
	sb_free(&g.terms);
	return res;
}

/* ---- related products ----------------------------------------------- */

#define RELATED_MAX 12

static int has_id(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++) if (ids[i] == id) return 1;
	return 0;
}

cJSON *search_related(const tenant *t, int64_t product_id, int limit)
{
	if (limit > RELATED_MAX) limit = RELATED_MAX;
	int64_t items[RELATED_MAX + 1];
	int n = 0;
	items[n++] = product_id;            /* never itself */
	sqlite3_stmt *st = db_stmt("SELECT v.doc_id, v.vec, v.dim FROM search_docs d JOIN search_vectors v ON v.doc_id = d.id "
				   "AND v.model = :m WHERE d.tenant_id = :t AND d.kind = 'product' AND d.item_id = :p");
	db_bind_text(st, ":m", EMBED_OFFLINE_MODEL);
	db_bind_int(st, ":t", t->id);
	db_bind_int(st, ":p", product_id);
	float *q = NULL;
	int64_t self = 0;
	if (db_step(st) == SQLITE_ROW && db_int(st, 2) == EMBED_OFFLINE_DIM &&
	    sqlite3_column_bytes(st, 1) == (int)(EMBED_OFFLINE_DIM * sizeof(float))) {
		self = db_int(st, 0);
		q = xmalloc(EMBED_OFFLINE_DIM * sizeof(float));
		memcpy(q, sqlite3_column_blob(st, 1), EMBED_OFFLINE_DIM * sizeof(float));
	}
	db_reset(st);
	if (q) {
		int64_t docs[RELATED_MAX * 2];
		int nd = embed_nearest(t->id, EMBED_OFFLINE_MODEL, q, EMBED_OFFLINE_DIM, "product", self,
				       (double)cfg.search_vector_min / 100.0, docs, NULL, limit * 2);
		free(q);
		st = db_stmt("SELECT d.item_id FROM search_docs d JOIN products p ON p.id = d.item_id "
			     "WHERE d.id = :d AND d.tenant_id = :t AND p.status = 'active'");
		for (int i = 0; i < nd && n <= limit; i++) {
			db_bind_int(st, ":d", docs[i]);
			db_bind_int(st, ":t", t->id);
			if (db_step(st) == SQLITE_ROW && !has_id(items, n, db_int(st, 0))) items[n++] = db_int(st, 0);
			db_reset(st);
		}
	}
	/* not enough neighbours: the product's collections fill the rest */
	if (n <= limit) {
		st = db_stmt("SELECT cp2.product_id FROM collection_products cp JOIN collection_products cp2 "
			     "ON cp2.collection_id = cp.collection_id JOIN products p ON p.id = cp2.product_id "
			     "WHERE cp.tenant_id = :t AND cp.product_id = :p AND p.tenant_id = :t AND p.status = 'active' "
			     "ORDER BY cp2.position, cp2.product_id LIMIT 50");
		db_bind_int(st, ":t", t->id);
		db_bind_int(st, ":p", product_id);
		while (n <= limit && db_step(st) == SQLITE_ROW)
			if (!has_id(items, n, db_int(st, 0))) items[n++] = db_int(st, 0);
		db_reset(st);
	}
	cJSON *a = cJSON_CreateArray();
	st = db_stmt("SELECT id, name, slug, price, image FROM products WHERE tenant_id = :t AND id = :id AND status = 'active'");
	for (int i = 1; i < n; i++) {
		db_bind_int(st, ":t", t->id);
		db_bind_int(st, ":id", items[i]);
		if (db_step(st) == SQLITE_ROW) {
			cJSON *o = cJSON_CreateObject();
			row_add_id(o, "id", db_int(st, 0));
			cJSON_AddStringToObject(o, "name", db_text(st, 1));
			cJSON_AddStringToObject(o, "slug", db_text(st, 2));
			sbuf b = SBUF_INIT;
			sb_printf(&b, "/products/%s", db_text(st, 2));
			cJSON_AddStringToObject(o, "url", sb_str(&b));
			sb_reset(&b);
			cJSON_AddNumberToObject(o, "price", money_major(db_int(st, 3), t->currency));
			money_format(&b, db_int(st, 3), t->currency);
			cJSON_AddStringToObject(o, "priceFormatted", sb_str(&b));
			sb_free(&b);
			cJSON_AddStringToObject(o, "image", db_text(st, 4));
			cJSON_AddItemToArray(a, o);
		}
		db_reset(st);
	}
	return a;
}

/* ---- suggestions ------------------------------------------------------ */

/* As the shopper types, a worker answers from its copy of the store's
 * titles and codes when they hold enough products: each document's folded
 * title and codes, loaded with one range scan, checked before each use
 * against the store's search_version (every transaction that changes
 * search_docs bumps it: embed_changed; an order does not), creation time
 * and newest product. BM25 over every document with a word starting "st"
 * or "mer" somewhere in its text (thousands of a big store's) cost most of
 * a suggestion; here a suggestion is a scan of short strings in memory.
 * Ranked: more of the words in the title (10) than in the codes (8), the
 * first match nearer the title's start, shorter titles, older documents.
 * Too few products match (fewer than the list asks for): the full-text
 * path, as /search ranks, with its typo correction. Stores are dropped
 * least recently used first past search_title_cache bytes. */

typedef struct tdoc {
	int64_t doc, item;
	signed char kind;               /* index in tkinds */
	unsigned char ntitle, nwords;   /* title words, then code words */
	const char *words;              /* nwords NUL-terminated words, one after another */
} tdoc;

typedef struct tstore {
	int64_t tid, fp[3];             /* search_version, created_at, newest product */
	tdoc *d;
	int n;
	char *buf;
	size_t bytes;
	uint64_t used;
} tstore;

static const char *const tkinds[] = { "product", "collection", "page", "post" };
#define TSTORES 32
static tstore ts[TSTORES];
static int nts;
static uint64_t ts_tick;
static size_t ts_bytes;
static long ts_loads;

size_t search_title_bytes(void) { return ts_bytes; }
long search_title_loads(void) { return ts_loads; }

static void tstore_drop(int i)
{
	free(ts[i].d); free(ts[i].buf);
	ts_bytes -= ts[i].bytes;
	ts[i] = ts[--nts];
}

/* Folded text's words appended to b as NUL-terminated strings: how many
 * (at most max). */
static int put_words(const char *text, sbuf *b, int max)
{
	sbuf f = SBUF_INIT;
	search_fold(text, &f);
	int n = 0;
	for (const char *w = sb_str(&f); *w && n < max;) {
		size_t k = strcspn(w, " ");
		if (k) { sb_put(b, w, k); sb_putc(b, 0); n++; }
		w += k;
		w += strspn(w, " ");
	}
	sb_free(&f);
	return n;
}

static const tstore *titles_of(int64_t tid)
{
	if (cfg.search_title_cache <= 0) return NULL;
	sqlite3_stmt *st = db_stmt("SELECT search_version, created_at, (SELECT max(item_id) FROM search_docs "
				   "WHERE tenant_id = :t AND kind = 'product') FROM tenants WHERE id = :t");
	db_bind_int(st, ":t", tid);
	int64_t fp[3] = { 0, 0, 0 };
	int rc = db_step(st);
	if (rc == SQLITE_ROW) { fp[0] = db_int(st, 0); fp[1] = db_int(st, 1); fp[2] = db_int(st, 2); }
	db_reset(st);
	if (rc != SQLITE_ROW) return NULL;
	for (int i = 0; i < nts; i++) {
		if (ts[i].tid != tid) continue;
		if (memcmp(ts[i].fp, fp, sizeof fp) == 0) {
			ts[i].used = ++ts_tick;
			return ts[i].d ? &ts[i] : NULL;
		}
		tstore_drop(i);
		break;
	}
	tstore x = { .tid = tid };
	memcpy(x.fp, fp, sizeof fp);
	sbuf b = SBUF_INIT;
	size_t cap = 256;
	x.d = xmalloc(cap * sizeof *x.d);
	st = db_stmt("SELECT id, kind, item_id, title, codes FROM search_docs WHERE tenant_id = :t ORDER BY id");
	db_bind_int(st, ":t", tid);
	while ((rc = db_step(st)) == SQLITE_ROW) {
		if (b.len + cap * sizeof *x.d > (size_t)cfg.search_title_cache) { rc = SQLITE_FULL; break; }
		if ((size_t)x.n == cap) x.d = xrealloc(x.d, (cap *= 2) * sizeof *x.d);
		tdoc *d = &x.d[x.n++];
		d->doc = db_int(st, 0);
		d->item = db_int(st, 2);
		d->kind = 0;
		for (int k = 0; k < (int)ARRAY_LEN(tkinds); k++) if (strcmp(db_text(st, 1), tkinds[k]) == 0) d->kind = (signed char)k;
		d->words = (const char *)(uintptr_t)b.len;      /* an offset until b stops moving */
		d->ntitle = (unsigned char)put_words(db_text(st, 3), &b, 120);
		d->nwords = (unsigned char)(d->ntitle + put_words(db_text(st, 4), &b, 250 - d->ntitle));
	}
	db_reset(st);
	if (rc != SQLITE_DONE) {
		free(x.d);
		sb_free(&b);
		if (rc != SQLITE_FULL) return NULL;
		x.d = NULL;             /* too large: remembered, the full-text path at once */
		x.n = 0;
	} else {
		x.buf = b.s ? b.s : xstrdup("");
		for (int i = 0; i < x.n; i++) x.d[i].words = x.buf + (uintptr_t)x.d[i].words;
		x.bytes = b.len + (size_t)x.n * sizeof *x.d;
	}
	while (nts && (nts == TSTORES || ts_bytes + x.bytes > (size_t)cfg.search_title_cache)) {
		int lru = 0;
		for (int i = 1; i < nts; i++) if (ts[i].used < ts[lru].used) lru = i;
		tstore_drop(lru);
	}
	x.used = ++ts_tick;
	ts[nts++] = x;
	ts_bytes += x.bytes;
	ts_loads++;
	return x.d ? &ts[nts - 1] : NULL;
}

/* One query word as match_word makes it: the word (a prefix when asked,
 * a plural's singular as a prefix) or one of its synonyms (a phrase). */
#define TWORD_SYN 20     /* synonyms_of's most */
typedef struct tword {
	char w[QWORD_MAX + 1];
	int prefix;
	sbuf syn;                       /* synonyms_of's lines, cut into NUL-terminated phrases */
	const char *phrase[TWORD_SYN];
	int nphrase;
} tword;

/* Does the phrase p (folded words, space-separated) start at word j of d? */
static int phrase_at(const tdoc *d, const char *const *wv, int j, const char *p)
{
	for (;;) {
		size_t k = strcspn(p, " ");
		if (j >= d->nwords || strlen(wv[j]) != k || memcmp(wv[j], p, k) != 0) return 0;
		p += k;
		if (!*p) return 1;
		p++;
		j++;
	}
}

/* The word index in d where tw matches first, or -1. */
static int tword_at(const tdoc *d, const char *const *wv, const tword *tw)
{
	size_t n = strlen(tw->w);
	for (int j = 0; j < d->nwords; j++) {
		if (tw->prefix ? strncmp(wv[j], tw->w, n) == 0 : strcmp(wv[j], tw->w) == 0) return j;
		for (int k = 0; k < tw->nphrase; k++)
			if (phrase_at(d, wv, j, tw->phrase[k])) return j;
	}
	return -1;
}

typedef struct thit { int i; int score, first, ntitle; } thit;

static int by_thit(const void *a, const void *b)
{
	const thit *x = a, *y = b;
	if (x->score != y->score) return y->score - x->score;
	if (x->first != y->first) return x->first - y->first;
	if (x->ntitle != y->ntitle) return x->ntitle - y->ntitle;
	return x->i - y->i;
}

/* Candidates from the worker's copy of titles into g (ranks as keyword
 * ranks): 1 when it found at least want products, else 0 (g empty). */
static int suggest_titles(const tenant *t, const char *query, int want, gathered *g)
{
	qwords q;
	query_words(t, query, g, &q);      /* (a suggestion does not filter by price) */
	if (q.n == 0) return 0;
	const tstore *x = titles_of(t->id);
	if (!x) return 0;
	tword tw[QWORDS];
	for (int i = 0; i < q.n; i++) {
		size_t n = strlen(q.w[i]);
		tw[i].syn = (sbuf)SBUF_INIT;
		tw[i].nphrase = 0;
		synonyms_of(t->id, q.w[i], &tw[i].syn);
		for (char *p = tw[i].syn.s; p && *p && tw[i].nphrase < TWORD_SYN;) {
			char *e = strchr(p, '\n');
			if (e) *e = 0;
			tw[i].phrase[tw[i].nphrase++] = p;
			if (!e) break;
			p = e + 1;
		}
		snprintf(tw[i].w, sizeof tw[i].w, "%s", q.w[i]);
		tw[i].prefix = 0;
		if (n >= 4 && q.w[i][n - 1] == 's' && q.w[i][n - 2] != 's') { tw[i].w[n - 1] = 0; tw[i].prefix = 1; }
		else if (i == q.n - 1 && n >= 2) tw[i].prefix = 1;
	}
	thit *hits = xmalloc(sizeof *hits * (size_t)(x->n + 1));
	int nh = 0, products = 0;
	const char *wv[256];
	for (int i = 0; i < x->n; i++) {
		const tdoc *d = &x->d[i];
		const char *w = d->words;
		for (int j = 0; j < d->nwords; j++) { wv[j] = w; w += strlen(w) + 1; }
		int score = 0, first = 255, ok = 1;
		for (int k = 0; k < q.n && ok; k++) {
			int at = tword_at(d, wv, &tw[k]);
			if (at < 0) ok = 0;
			else {
				score += at < d->ntitle ? 10 : 8;
				if (at < first) first = at;
			}
		}
		if (!ok) continue;
		hits[nh++] = (thit){ i, score, first, d->ntitle };
		if (d->kind == 0) products++;
	}
	for (int i = 0; i < q.n; i++) sb_free(&tw[i].syn);
	if (products < want) { free(hits); return 0; }
	if (nh > 1) qsort(hits, (size_t)nh, sizeof *hits, by_thit);
	/* as many of each kind as a suggestion list shows, in rank order */
	int per[ARRAY_LEN(tkinds)] = { 0 }, rank = 0;
	for (int i = 0; i < nh; i++) {
		const tdoc *d = &x->d[hits[i].i];
		if (per[d->kind] >= want) continue;
		per[d->kind]++;
		cand *c = cand_get(&g->cs, d->doc, tkinds[d->kind], d->item);
		c->kw = ++rank;
	}
	free(hits);
	fuse(&g->cs);
	return 1;
}


cJSON *search_suggest(const tenant *t, const char *q, int limit)
{
	gathered g;
	int own = read_begin();
	if (!suggest_titles(t, q, limit, &g)) gather(t, q, SEARCH_KEYWORD, 1, NULL, &g);
	if ((g.cs.n) > 1) qsort(g.cs.c, (size_t)g.cs.n, sizeof(cand), by_score);
	cJSON *root = cJSON_CreateObject();
	cJSON *results = cJSON_AddObjectToObject(cJSON_AddObjectToObject(root, "resources"), "results");
	cJSON *prods = cJSON_AddArrayToObject(results, "products");
	cJSON *colls = cJSON_AddArrayToObject(results, "collections");
	cJSON *pages = cJSON_AddArrayToObject(results, "pages");
	cJSON *arts = cJSON_AddArrayToObject(results, "articles");
	sqlite3_stmt *st = db_stmt("SELECT p.slug, p.name, p.price, p.image, p.vendor, "
				   "CASE WHEN p.track_inventory = 0 OR p.inventory_policy = 'continue' THEN 1 ELSE "
				   "coalesce((SELECT sum(v.stock) FROM variants v WHERE v.product_id = p.id), p.stock) > 0 END "
				   "FROM products p WHERE p.tenant_id = :t AND p.id = :id AND p.status = 'active'");
	for (int i = 0; i < g.cs.n; i++) {
		cand *c = &g.cs.c[i];
		if (strcmp(c->kind, "product") == 0) {
			if (cJSON_GetArraySize(prods) >= limit) continue;
			db_bind_int(st, ":t", t->id);
			db_bind_int(st, ":id", c->item);
			if (db_step(st) == SQLITE_ROW) {
				cJSON *p = cJSON_CreateObject();
				row_add_id(p, "id", c->item);
				cJSON_AddStringToObject(p, "title", db_text(st, 1));
				cJSON_AddStringToObject(p, "handle", db_text(st, 0));
				sbuf b = SBUF_INIT;
				sb_printf(&b, "/products/%s", db_text(st, 0));
				cJSON_AddStringToObject(p, "url", sb_str(&b));
				sb_reset(&b);
				cJSON_AddNumberToObject(p, "price", money_major(db_int(st, 2), t->currency));
				money_format(&b, db_int(st, 2), t->currency);
				cJSON_AddStringToObject(p, "priceFormatted", sb_str(&b));
				sb_free(&b);
				cJSON_AddStringToObject(p, "image", db_text(st, 3));
				cJSON_AddStringToObject(p, "vendor", db_text(st, 4));
				cJSON_AddBoolToObject(p, "available", db_int(st, 5) != 0);
				cJSON_AddItemToArray(prods, p);
			}
			db_reset(st);
		} else {
			cJSON *a = !strcmp(c->kind, "collection") ? colls : !strcmp(c->kind, "page") ? pages : arts;
			if (cJSON_GetArraySize(a) >= (limit + 1) / 2) continue;
			cJSON *x = other_json(t->id, c, NULL);
			if (x) cJSON_AddItemToArray(a, x);
		}
	}
	/* queries: what shoppers of this store searched for that found
	 * something and starts like this one; else the correction */
	cJSON *queries = cJSON_AddArrayToObject(results, "queries");
	sbuf folded = SBUF_INIT;
	search_fold(q, &folded);
	if (folded.len) {
		st = db_stmt("SELECT query, count(*) FROM search_log WHERE tenant_id = :t AND query >= :p AND query < :p || char(1114111) "
			     "AND results > 0 GROUP BY query ORDER BY 2 DESC, 1 LIMIT :n");
		db_bind_int(st, ":t", t->id);
		db_bind_text(st, ":p", sb_str(&folded));
		db_bind_int(st, ":n", 3);
		while (db_step(st) == SQLITE_ROW) {
			cJSON *x = cJSON_CreateObject();
			const char *text = db_text(st, 0);
			cJSON_AddStringToObject(x, "text", text);
			sbuf sty = SBUF_INIT, u = SBUF_INIT;
			/* Shopify's styled_text: the typed part plain, the rest marked */
			html_text(&sty, sb_str(&folded));
			sb_puts(&sty, "<mark>");
			html_text(&sty, text + (strlen(text) >= folded.len ? folded.len : strlen(text)));
			sb_puts(&sty, "</mark>");
			cJSON_AddStringToObject(x, "styled_text", sb_str(&sty));
			sb_puts(&u, "/search?q=");
			url_component(&u, text);
			cJSON_AddStringToObject(x, "url", sb_str(&u));
			sb_free(&sty);
			sb_free(&u);
			cJSON_AddItemToArray(queries, x);
		}
		db_reset(st);
	}
	if (g.did_you_mean[0] && cJSON_GetArraySize(queries) == 0) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "text", g.did_you_mean);
		sbuf sty = SBUF_INIT, u = SBUF_INIT;
		html_text(&sty, g.did_you_mean);
		sb_puts(&u, "/search?q=");
		url_component(&u, g.did_you_mean);
		cJSON_AddStringToObject(x, "styled_text", sb_str(&sty));
		cJSON_AddStringToObject(x, "url", sb_str(&u));
		sb_free(&sty);
		sb_free(&u);
		cJSON_AddItemToArray(queries, x);
	}
	read_end(own);
	sb_free(&folded);
	cands_free(&g.cs);
	sb_free(&g.match);
	sb_free(&g.terms);
	return root;
}

/* ---- the log ---------------------------------------------------------- */

int64_t search_log(int64_t tid, const char *q, int results)
{
	sbuf f = SBUF_INIT;
	search_fold(q, &f);
	if (!f.len) { sb_free(&f); return 0; }
	sqlite3_stmt *st = db_stmt("INSERT INTO search_log(tenant_id, query, results, at) VALUES (:t, :q, :n, :now)");
	db_bind_int(st, ":t", tid);
	db_bind_textn(st, ":q", sb_str(&f), f.len > (size_t)cfg.search_query_max ? (size_t)cfg.search_query_max : f.len);
	db_bind_int(st, ":n", results);
	db_bind_int(st, ":now", now_unix());
	int64_t id = 0;
	if (db_run(st) == 0) id = db_last_id();
	sb_free(&f);
	return id;
}

int search_log_click(int64_t tid, int64_t log_id, const char *url)
{
	sqlite3_stmt *st = db_stmt("UPDATE search_log SET clicked = :u WHERE tenant_id = :t AND id = :id");
	db_bind_text(st, ":u", url);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", log_id);
	if (db_run(st) < 0) return -1;
	return db_changes() ? 0 : 1;
}

cJSON *search_report(int64_t tid, int days, int limit)
{
	cJSON *o = cJSON_CreateObject();
	int64_t since = now_unix() - (int64_t)days * 86400;
	static const char *const sql[] = {
		"SELECT query, count(*), max(results), sum(clicked <> '') FROM search_log WHERE tenant_id = :t AND at >= :s "
		"GROUP BY query ORDER BY 2 DESC, 1 LIMIT :n",
		"SELECT query, count(*), 0, 0 FROM search_log WHERE tenant_id = :t AND at >= :s AND results = 0 "
		"GROUP BY query ORDER BY 2 DESC, 1 LIMIT :n",
	};
	static const char *const key[] = { "topQueries", "noResults" };
	for (int k = 0; k < 2; k++) {
		cJSON *a = cJSON_AddArrayToObject(o, key[k]);
		sqlite3_stmt *st = db_stmt(sql[k]);
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":s", since);
		db_bind_int(st, ":n", limit);
		while (db_step(st) == SQLITE_ROW) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "query", db_text(st, 0));
			cJSON_AddNumberToObject(x, "count", (double)db_int(st, 1));
			if (k == 0) {
				cJSON_AddNumberToObject(x, "results", (double)db_int(st, 2));
				cJSON_AddNumberToObject(x, "clicks", (double)db_int(st, 3));
			}
			cJSON_AddItemToArray(a, x);
		}
		db_reset(st);
	}
	cJSON_AddNumberToObject(o, "days", days);
	return o;
}

/* ---- synonyms --------------------------------------------------------- */

#define SYN_GROUPS_MAX 500
#define SYN_TERMS_MAX 20
#define SYN_TERM_MAX 60

cJSON *search_synonyms_get(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("SELECT grp, term FROM search_synonyms WHERE tenant_id = :t ORDER BY grp, term");
	db_bind_int(st, ":t", tid);
	cJSON *a = cJSON_CreateArray(), *cur = NULL;
	int64_t g = -1;
	while (db_step(st) == SQLITE_ROW) {
		if (db_int(st, 0) != g) {
			g = db_int(st, 0);
			cur = cJSON_CreateArray();
			cJSON_AddItemToArray(a, cur);
		}
		cJSON_AddItemToArray(cur, cJSON_CreateString(db_text(st, 1)));
	}
	db_reset(st);
	return a;
}

const char *search_synonyms_problem(const cJSON *groups)
{
	if (!cJSON_IsArray(groups)) return "must be an array of groups (arrays of terms)";
	if (cJSON_GetArraySize(groups) > SYN_GROUPS_MAX) return "too many groups (at most 500)";
	const cJSON *g, *t;
	cJSON_ArrayForEach(g, groups) {
		if (!cJSON_IsArray(g) || cJSON_GetArraySize(g) < 2) return "each group must be an array of at least two terms";
		if (cJSON_GetArraySize(g) > SYN_TERMS_MAX) return "a group has too many terms (at most 20)";
		cJSON_ArrayForEach(t, g) {
			if (!cJSON_IsString(t)) return "every term must be a string";
			if (strlen(t->valuestring) > SYN_TERM_MAX) return "a term is too long (at most 60 bytes)";
			sbuf f = SBUF_INIT;
			search_fold(t->valuestring, &f);
			int empty = f.len == 0;
			sb_free(&f);
			if (empty) return "a term has no letters or digits";
		}
	}
	return NULL;
}

int search_synonyms_put(int64_t tid, const cJSON *groups)
{
	sqlite3_stmt *st = db_stmt("DELETE FROM search_synonyms WHERE tenant_id = :t");
	db_bind_int(st, ":t", tid);
	if (db_run(st) < 0) return -1;
	int grp = 0;
	const cJSON *g, *t;
	cJSON_ArrayForEach(g, groups) {
		grp++;
		cJSON_ArrayForEach(t, g) {
			sbuf f = SBUF_INIT;
			search_fold(t->valuestring, &f);
			/* a term already in a group stays in its first one */
			st = db_stmt("INSERT OR IGNORE INTO search_synonyms(tenant_id, term, grp) VALUES (:t, :w, :g)");
			db_bind_int(st, ":t", tid);
			db_bind_text(st, ":w", sb_str(&f));
			db_bind_int(st, ":g", grp);
			int rc = db_run(st);
			sb_free(&f);
			if (rc < 0) return -1;
		}
	}
	return 0;
}
