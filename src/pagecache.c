/* pagecache: the full-page cache (see pagecache.h, doc/page-cache.md). */
#include "pagecache.h"
#include "route.h"
#include "config.h"
#include "currency.h"
#include "cart.h"
#include "db.h"
#include "log.h"
#include "money.h"
#include "outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_DEPS 512
#define KEY_MAX 1024

/* The request's state: one request at a time per process. */
static struct {
	char deps[MAX_DEPS][48];
	int ndeps, overflow;
	int vary;
	int vary_cart;          /* a block shows the cart (null here): kept as "<flag>-nocart" */
	char lock[PATH_MAX];    /* the re-render lock this worker holds, or "" */
	int64_t precise[8];     /* stores invalidated precisely by this request */
	int nprecise;
	char cache_control[128];
} g;

int pagecache_enabled(void) { return cfg.page_cache_dir[0] != 0; }

static void release_lock(void)
{
	if (g.lock[0]) unlink(g.lock);
	g.lock[0] = 0;
}

void pagecache_reset(void)
{
	release_lock();
	g.ndeps = g.overflow = g.vary = g.vary_cart = g.nprecise = 0;
}

void pagecache_use(const char *kind, int64_t id)
{
	char d[48];
	if (id) snprintf(d, sizeof d, "%s:%lld", kind, (long long)id);
	else snprintf(d, sizeof d, "%s", kind);
	for (int i = 0; i < g.ndeps; i++)
		if (!strcmp(g.deps[i], d)) return;
	if (g.ndeps == MAX_DEPS) { g.overflow = 1; return; }   /* then the page is not kept */
	memcpy(g.deps[g.ndeps++], d, sizeof d);
}

void pagecache_use_list(const char *kind, const cJSON *items)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, items) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
		int64_t v = cJSON_IsString(id) ? atoll(id->valuestring) : cJSON_IsNumber(id) ? (int64_t)id->valuedouble : 0;
		if (v > 0) pagecache_use(kind, v);
	}
}

void pagecache_vary(void) { g.vary = 1; }
void pagecache_vary_cart(void) { g.vary = g.vary_cart = 1; }
int pagecache_recording(const req *r)
{
	return pagecache_enabled() && r->route && (r->route->flags & R_CACHE);
}
void pagecache_no_store(void) { g.overflow = 1; }

const char *pagecache_flag(req *r)
{
	const char *c = http_cookie(r, PAGECACHE_FLAG_COOKIE);
	return c && !strcmp(c, "1") ? "customer" : "guest";
}

const char *pagecache_currency(req *r)
{
	const char *c = http_cookie(r, CURRENCY_COOKIE);
	return c && *c && money_known(c) ? c : NULL;   /* not a code: the store's own prices */
}

/* ---- keys ---- */

static int safe_chars(const char *s, const char *extra)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(extra, c)))
			return 0;
	}
	return 1;
}

/* Query parameters a cached page may have: tracking ones are dropped
 * (the page is the same), these are kept in the key, any other one
 * means the page is not cached. */
static int tracking_param(const char *k)
{
	static const char *const names[] = { "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "_ga", "ref" };
	if (str_startswith(k, "utm_")) return 1;
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (!strcmp(k, names[i])) return 1;
	return 0;
}
static int known_param(const char *k) { return !strcmp(k, "sort") || !strcmp(k, "page"); }

static int cmp_kv(const void *a, const void *b) { return strcmp(((const kv *)a)->k, ((const kv *)b)->k); }

/* The file of r's page relative to the cache directory, for the flag
 * (NULL: the page that does not vary) and the shopper's currency (NULL:
 * the store's own). -1: not cacheable. */
static int key_of(req *r, const char *flag, const char *cur, char *out, size_t n)
{
	if (!r->host[0] || r->host[0] == '.' || !safe_chars(r->host, ".-") || strlen(r->path) > 400) return -1;
	const char *p = r->path;
	if (p[0] != '/') return -1;
	/* Each segment: [A-Za-z0-9._~-], not empty, not starting with a dot. */
	for (const char *s = p + 1; *s;) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == 0 || s[0] == '.') return -1;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._~-", c)))
				return -1;
		}
		s += len;
		if (*s == '/') { s++; if (!*s) return -1; }
	}
	kv keep[4];
	int nk = 0;
	for (int i = 0; i < r->nquery; i++) {
		const char *k = r->query[i].k, *v = r->query[i].v;
		if (tracking_param(k)) continue;
		if (!known_param(k) || nk == (int)ARRAY_LEN(keep) || !*v || strlen(v) > 40 || !safe_chars(v, "_-")) return -1;
		for (int j = 0; j < nk; j++) if (!strcmp(keep[j].k, k)) return -1;
		keep[nk].k = (char *)k;
		keep[nk++].v = (char *)v;
	}
	if ((nk) > 1) qsort(keep, (size_t)nk, sizeof *keep, cmp_kv);
	sbuf b = SBUF_INIT;
	sb_puts(&b, r->host);
	if (strcmp(p, "/") != 0) sb_puts(&b, p);
	sb_puts(&b, "/index");
	if (flag) sb_printf(&b, ".%s", flag);
	if (cur) sb_printf(&b, ".cur-%s", cur);
	for (int i = 0; i < nk; i++) sb_printf(&b, ".%s-%s", keep[i].k, keep[i].v);
	sb_puts(&b, ".html");
	int ok = b.len < n;
	if (ok) memcpy(out, b.s, b.len + 1);
	sb_free(&b);
	return ok ? 0 : -1;
}

static void full_path(char *out, size_t n, const char *rel, const char *suffix)
{
	snprintf(out, n, "%s/%s%s", cfg.page_cache_dir, rel, suffix);
}

/* ---- answering from the cache ---- */

static const char *cache_control(void)
{
	snprintf(g.cache_control, sizeof g.cache_control, "public, max-age=0, s-maxage=%ld, stale-while-revalidate=%ld",
		 cfg.page_cache_max_age, cfg.page_cache_stale);
	return g.cache_control;
}

static int accepts_gzip(req *r)
{
	const char *ae = http_header_in(r, "Accept-Encoding");
	return ae && strstr(ae, "gzip") && !strstr(ae, "gzip;q=0");
}

/* The last copies this worker sent, kept in memory and checked against
 * the file's identity (a new copy is a new inode: rename) on each use, so
 * a hot page costs one stat(), not two reads. */
#define MEMO_N 16
#define MEMO_MAX (256 << 10)
static struct memo {
	char path[PATH_MAX];
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char *body, *keys, etag[24];
	size_t len;
	unsigned long used;
} memo[MEMO_N];
static unsigned long memo_clock;

static struct memo *memo_get(const char *path, const struct stat *st)
{
	for (int i = 0; i < MEMO_N; i++) {
		struct memo *m = &memo[i];
		if (m->body && m->ino == st->st_ino && m->size == st->st_size && m->mtime.tv_sec == st->st_mtim.tv_sec &&
		    m->mtime.tv_nsec == st->st_mtim.tv_nsec && !strcmp(m->path, path)) {
			m->used = ++memo_clock;
			return m;
		}
	}
	return NULL;
}

/* Read path's copy and its sidecar into a memo slot (the least recently
 * used). NULL when the file is gone. */
static struct memo *memo_load(const char *path, const char *sidecar, const struct stat *st, int gz)
{
	size_t len, kl;
	char *body = file_read(path, &len);
	if (!body) return NULL;
	struct memo *m = &memo[0];
	for (int i = 1; i < MEMO_N; i++)
		if (memo[i].used < m->used) m = &memo[i];
	free(m->body);
	free(m->keys);
	memset(m, 0, sizeof *m);
	m->body = body;
	m->len = len;
	/* The sidecar: the Surrogate-Key line, then the page's ETag (the
	 * hash of its bytes, taken when it was kept). */
	char *keys = file_read(sidecar, &kl);
	if (keys) {
		char *nl = strchr(keys, '\n');
		if (nl) {
			*nl = 0;
			size_t el = strcspn(nl + 1, "\n");
			if (el > 2 && el < sizeof m->etag - 4)
				snprintf(m->etag, sizeof m->etag, "%.*s%s", (int)el - 1, nl + 1, gz ? "-gz\"" : "\"");
		}
		m->keys = keys;
	}
	if (len <= MEMO_MAX && snprintf(m->path, sizeof m->path, "%s", path) < (int)sizeof m->path) {
		m->ino = st->st_ino;
		m->size = st->st_size;
		m->mtime = st->st_mtim;
		m->used = ++memo_clock;
	} else {
		m->path[0] = 0;   /* too big to keep: used once */
	}
	return m;
}

/* The copy at path (its .gz when the client takes gzip) as r's answer. */
static int answer_file(req *r, const char *path, const char *how)
{
	char p2[PATH_MAX], side[PATH_MAX];
	struct stat st;
	int gz = 0;
	snprintf(side, sizeof side, "%s.keys", path);
	const char *use = path;
	if (accepts_gzip(r)) {
		snprintf(p2, sizeof p2, "%s.gz", path);
		if (stat(p2, &st) == 0) { use = p2; gz = 1; }
	}
	if (!gz && stat(path, &st) < 0) return 0;
	struct memo *m = memo_get(use, &st);
	if (!m) m = memo_load(use, side, &st, gz);
	if (!m) return 0;
	sb_reset(&r->out);
	sb_put(&r->out, m->body, m->len);
	r->status = 200;
	http_content_type(r, "text/html; charset=utf-8");
	if (gz) http_header(r, "Content-Encoding", "gzip");
	http_header(r, "Vary", "Accept-Encoding");
	/* one URL, one copy per currency: no shared cache may keep it */
	r->cache_control = pagecache_currency(r) ? "private, no-cache" : cache_control();
	if (m->etag[0]) memcpy(r->etag, m->etag, sizeof r->etag);
	if (m->keys && m->keys[0]) {
		http_header(r, "Surrogate-Key", "%s", m->keys);
		char tags[4096];
		snprintf(tags, sizeof tags, "%s", m->keys);
		for (char *c = tags; *c; c++) if (*c == ' ') *c = ',';
		http_header(r, "Cache-Tag", "%s", tags);
	}
	http_header(r, "X-Cache", "%s", how);
	if (!m->path[0]) {   /* not kept */
		free(m->body);
		free(m->keys);
		memset(m, 0, sizeof *m);
	}
	return 1;
}

/* Seconds since a file was renamed into place (a stale copy: rename
 * sets the change time, not the modification time). */
static int64_t age_of(const struct stat *st)
{
	return now_unix() - (int64_t)st->st_ctime;
}

static void mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *s = tmp + 1; *s; s++) {
		if (*s != '/') continue;
		*s = 0;
		mkdir(tmp, 0755);
		*s = '/';
	}
}

/* Take the re-render lock of rel: 1 taken (held until pagecache_store or
 * the next request), 0 another worker holds a recent one. A lock older
 * than page_cache_lock seconds was left by a worker that died: taken over.
 * Locks live flat in .locks/, named by a hash of the key, so a miss on an
 * address that turns out to be no page leaves no directory behind. */
static int take_lock(const char *rel)
{
	char path[PATH_MAX], name[24];
	uint64_t h = 1469598103934665603ull;
	for (const char *c = rel; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211ull;
	snprintf(name, sizeof name, "%016llx", (unsigned long long)h);
	snprintf(path, sizeof path, "%s/.locks/%s", cfg.page_cache_dir, name);
	for (int tries = 0; tries < 2; tries++) {
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		if (fd >= 0) {
			close(fd);
			snprintf(g.lock, sizeof g.lock, "%s", path);
			return 1;
		}
		if (errno == ENOENT) { mkdirs(path); continue; }
		struct stat st;
		if (errno != EEXIST || stat(path, &st) < 0) return 1;   /* cannot lock: render */
		if (now_unix() - (int64_t)st.st_mtime < cfg.page_cache_lock) return 0;
		unlink(path);
	}
	return 1;
}

int pagecache_serve(req *r)
{
	if (!pagecache_enabled() || (r->method != M_GET && r->method != M_HEAD) || r->bad_request) return 0;
	char rel[KEY_MAX], frel[KEY_MAX], path[PATH_MAX];
	const char *cur = pagecache_currency(r);
	if (key_of(r, NULL, cur, rel, sizeof rel) < 0) return 0;
	full_path(path, sizeof path, rel, "");
	if (answer_file(r, path, "HIT")) return 1;
	if (key_of(r, pagecache_flag(r), cur, frel, sizeof frel) == 0) {
		full_path(path, sizeof path, frel, "");
		if (answer_file(r, path, "HIT")) return 1;
	}
	/* A page whose block shows the cart is kept only as made for those
	 * without one (its cart null): never answered to a shopper holding a
	 * cart (render.c gives them theirs, never kept). */
	char crel[KEY_MAX] = "", cflag[32];
	int pos = 0;
	snprintf(cflag, sizeof cflag, "%s-nocart", pagecache_flag(r));
	if (!http_cookie_next(r, COM_CART_COOKIE, &pos) && key_of(r, cflag, cur, crel, sizeof crel) == 0) {
		full_path(path, sizeof path, crel, "");
		if (answer_file(r, path, "HIT")) return 1;
	}
	/* A miss: one worker re-renders; while it does, the others answer
	 * with the stale copy an invalidation left, if it is recent. */
	if (take_lock(rel)) return 0;
	const char *cands[3] = { rel, frel, crel };
	for (int i = 0; i < (crel[0] ? 3 : 2); i++) {
		struct stat st;
		full_path(path, sizeof path, cands[i], ".stale");
		if (stat(path, &st) == 0 && age_of(&st) <= cfg.page_cache_stale && answer_file(r, path, "STALE")) {
			r->cache_control = "no-cache";
			return 1;
		}
	}
	return 0;
}

/* ---- keeping a page ---- */

static int write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[PATH_MAX + 32];
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		mkdirs(tmp);
		fd = open(tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
	}
	if (fd < 0) return -1;
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) { if (errno == EINTR) continue; break; }
		p += w;
		left -= (size_t)w;
	}
	if (close(fd) < 0 || left || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* gzip (RFC 1952) of data at the best level: written once, served many times. */
static int gzip_buf(const char *data, size_t len, sbuf *out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
	size_t cap = deflateBound(&z, (uLong)len) + 32;
	sb_grow(out, cap);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->s;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	out->len = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

static void unlink_copy(const char *rel)
{
	char path[PATH_MAX];
	static const char *const sfx[] = { "", ".gz", ".keys" };
	for (size_t i = 0; i < ARRAY_LEN(sfx); i++) {
		full_path(path, sizeof path, rel, sfx[i]);
		unlink(path);
	}
}

static void surrogate_keys(int64_t tid, sbuf *keys)
{
	sb_printf(keys, "s%lld", (long long)tid);
	for (int i = 0; i < g.ndeps; i++) {
		sb_printf(keys, " s%lld-", (long long)tid);
		for (const char *c = g.deps[i]; *c; c++) sb_putc(keys, *c == ':' ? '-' : *c);
	}
}

/* Record the copy and its dependencies, in one transaction that also
 * reads the store's content version: when it moved since the request
 * began, something changed while the page rendered, and it is not kept.
 * 0 kept, -1 not. */
static int record(req *r, const char *rel, size_t bytes)
{
	if (db_begin(1) < 0) return -1;
	sqlite3_stmt *st = db_stmt("DELETE FROM page_cache_deps WHERE tenant_id = :t AND entry_id IN "
				   "(SELECT id FROM page_cache WHERE tenant_id = :t AND file = :f)");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":f", rel);
	if (db_run(st) < 0) goto fail;
	st = db_stmt("DELETE FROM page_cache WHERE tenant_id = :t AND file = :f");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":f", rel);
	if (db_run(st) < 0) goto fail;
	st = db_stmt("INSERT INTO page_cache(tenant_id, file, bytes, created_at) VALUES(:t, :f, :b, strftime('%s','now'))");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":f", rel);
	db_bind_int(st, ":b", (int64_t)bytes);
	if (db_run(st) < 0) goto fail;
	int64_t entry = db_last_id();
	for (int i = 0; i < g.ndeps; i++) {
		st = db_stmt("INSERT OR IGNORE INTO page_cache_deps(tenant_id, dep, entry_id) VALUES(:t, :d, :e)");
		db_bind_int(st, ":t", r->t.id);
		db_bind_text(st, ":d", g.deps[i]);
		db_bind_int(st, ":e", entry);
		if (db_run(st) < 0) goto fail;
	}
	st = db_stmt("SELECT content_version FROM tenants WHERE id = :t");
	db_bind_int(st, ":t", r->t.id);
	int64_t v = db_step(st) == SQLITE_ROW ? db_int(st, 0) : -1;
	db_reset(st);
	if (v != r->t.content_version) goto fail;
	if (db_commit() < 0) goto fail;
	return 0;
fail:
	if (db_in_tx()) db_rollback();
	return -1;
}

void pagecache_store(req *r)
{
	if (!pagecache_enabled() || !r->route || !(r->route->flags & R_CACHE) || r->method != M_GET ||
	    r->status != 200 || !r->t.id || !str_startswith(r->content_type, "text/html") || g.overflow ||
	    /* personal: a shopper's own (a page in the shopper's currency is
	     * private too, but the same for all who chose it: kept by its key) */
	    (r->cache_control && strstr(r->cache_control, "no-store") && !pagecache_currency(r)) ||
	    strstr(sb_str(&r->headers), "Set-Cookie:")) {
		release_lock();
		return;
	}
	char rel[KEY_MAX], plain[KEY_MAX], path[PATH_MAX];
	/* A copy in another currency is kept only when the page was made in
	 * the currency its key names (the store offers it: store_presentment). */
	const char *cur = pagecache_currency(r);
	char cflag[32];
	snprintf(cflag, sizeof cflag, "%s%s", pagecache_flag(r), g.vary_cart ? "-nocart" : "");
	if ((cur && strcmp(r->currency, cur)) ||
	    key_of(r, NULL, cur, plain, sizeof plain) < 0 ||
	    key_of(r, g.vary ? cflag : NULL, cur, rel, sizeof rel) < 0) {
		release_lock();
		return;
	}
	r->cache_control = cur ? "private, no-cache" : cache_control();
	sbuf keys = SBUF_INIT, gz = SBUF_INIT;
	surrogate_keys(r->t.id, &keys);
	http_header(r, "Surrogate-Key", "%s", sb_str(&keys));
	sbuf tags = SBUF_INIT;
	for (const char *c = sb_str(&keys); *c; c++) sb_putc(&tags, *c == ' ' ? ',' : *c);
	http_header(r, "Cache-Tag", "%s", sb_str(&tags));
	sb_free(&tags);
	http_header(r, "Vary", "Accept-Encoding");
	http_header(r, "X-Cache", "MISS");
	full_path(path, sizeof path, rel, "");
	char pgz[PATH_MAX + 8], pkeys[PATH_MAX + 8];
	snprintf(pgz, sizeof pgz, "%s.gz", path);
	snprintf(pkeys, sizeof pkeys, "%s.keys", path);
	uint64_t h = 1469598103934665603ull;   /* the ETag http_send gives the same bytes */
	for (size_t i = 0; i < r->out.len; i++) h = (h ^ (unsigned char)r->out.s[i]) * 1099511628211ull;
	sb_printf(&keys, "\n\"%016llx\"\n", (unsigned long long)h);
	/* The files first, then the row: an invalidation that commits after
	 * the row finds the files; one that committed before moved the
	 * content version, and the copy is taken back. */
	if (gzip_buf(sb_str(&r->out), r->out.len, &gz) < 0 || write_atomic(pkeys, keys.s, keys.len) < 0 ||
	    write_atomic(pgz, gz.s, gz.len) < 0 || write_atomic(path, sb_str(&r->out), r->out.len) < 0) {
		log_warn("page cache: cannot write %s: %s", path, strerror(errno));
		unlink_copy(rel);
	} else if (record(r, rel, r->out.len) < 0) {
		unlink_copy(rel);
	} else {
		/* The stale copies are done with; a page that now varies by the
		 * flag has no copy for everyone. */
		if (g.vary) unlink_copy(plain);
		full_path(path, sizeof path, rel, ".stale");
		unlink(path);
		full_path(path, sizeof path, plain, ".stale");
		unlink(path);
	}
	sb_free(&keys);
	sb_free(&gz);
	release_lock();
}

/* ---- invalidation ---- */

int pagecache_took_precise(int64_t tid)
{
	for (int i = 0; i < g.nprecise; i++)
		if (g.precise[i] == tid) return 1;
	return 0;
}

static int queue_purge(int64_t tid, const char *key)
{
	if (!cfg.page_cache_purge_url[0]) return 0;
	cJSON *o = cJSON_CreateObject();
	cJSON *a = cJSON_AddArrayToObject(o, "keys");
	cJSON_AddItemToArray(a, cJSON_CreateString(key));
	char *body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	int rc = outbox_add(tid, "webhook", cfg.page_cache_purge_url, PAGECACHE_PURGE_EVENT, body);
	cJSON_free(body);
	return rc;
}

int pagecache_invalidate(int64_t tid, const char *kind, int64_t id)
{
	if (!pagecache_enabled() || !tid) return 0;
	if (!pagecache_took_precise(tid) && g.nprecise < (int)ARRAY_LEN(g.precise)) g.precise[g.nprecise++] = tid;
	int all = !strcmp(kind, "store");
	char dep[48], key[80];
	if (id) snprintf(dep, sizeof dep, "%s:%lld", kind, (long long)id);
	else snprintf(dep, sizeof dep, "%s", kind);
	sqlite3_stmt *st = all
		? db_stmt("SELECT id, file FROM page_cache WHERE tenant_id = :t")
		: db_stmt("SELECT c.id, c.file FROM page_cache_deps d JOIN page_cache c ON c.id = d.entry_id "
			  "WHERE d.tenant_id = :t AND d.dep = :d AND c.tenant_id = :t");
	db_bind_int(st, ":t", tid);
	if (!all) db_bind_text(st, ":d", dep);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		char path[PATH_MAX], stale[PATH_MAX + 8];
		full_path(path, sizeof path, db_text(st, 1), "");
		snprintf(stale, sizeof stale, "%s.stale", path);
		/* The web server stops finding it at once; the workers may
		 * answer with it for page_cache_stale seconds while one of them
		 * renders the page anew. */
		if (rename(path, stale) < 0 && errno != ENOENT) log_warn("page cache: cannot move %s: %s", path, strerror(errno));
		snprintf(stale, sizeof stale, "%s.gz", path);
		unlink(stale);
		if (n == cap) { cap = cap ? cap * 2 : 16; ids = xrealloc(ids, cap * sizeof *ids); }
		ids[n++] = db_int(st, 0);
	}
	db_reset(st);
	if (rc != SQLITE_DONE) { free(ids); return -1; }
	for (size_t i = 0; i < n; i++) {
		st = db_stmt("DELETE FROM page_cache_deps WHERE tenant_id = :t AND entry_id = :e");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":e", ids[i]);
		if (db_run(st) < 0) { free(ids); return -1; }
		st = db_stmt("DELETE FROM page_cache WHERE tenant_id = :t AND id = :e");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":e", ids[i]);
		if (db_run(st) < 0) { free(ids); return -1; }
	}
	free(ids);
	if (all) snprintf(key, sizeof key, "s%lld", (long long)tid);
	else {
		snprintf(key, sizeof key, "s%lld-%s", (long long)tid, dep);
		char *c = strchr(key + 1, ':');
		if (c) *c = '-';
	}
	return queue_purge(tid, key);
}

void pagecache_nothing_shown(int64_t tid)
{
	if (!pagecache_took_precise(tid) && g.nprecise < (int)ARRAY_LEN(g.precise)) g.precise[g.nprecise++] = tid;
}

int pagecache_invalidate_page(int64_t tid, int64_t page, const char *nav_before, const char *nav_after)
{
	if (strcmp(nav_before, nav_after) != 0) return pagecache_invalidate(tid, "store", 0);
	return pagecache_invalidate(tid, "page", page);
}

int pagecache_invalidate_item(int64_t tid, const char *kind, int64_t id)
{
	char list[40];
	snprintf(list, sizeof list, "%ss", kind);
	return pagecache_invalidate(tid, kind, id) < 0 || pagecache_invalidate(tid, list, 0) < 0 ? -1 : 0;
}

cJSON *pagecache_stats(int64_t tid)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "enabled", pagecache_enabled());
	cJSON_AddStringToObject(o, "dir", cfg.page_cache_dir);
	sqlite3_stmt *st = tid
		? db_stmt("SELECT count(*), coalesce(sum(bytes), 0) FROM page_cache WHERE tenant_id = :t")
		: db_stmt("SELECT count(*), coalesce(sum(bytes), 0) FROM page_cache WHERE tenant_id > :t -- scan: the operator's total");
	db_bind_int(st, ":t", tid);
	if (db_step(st) == SQLITE_ROW) {
		cJSON_AddNumberToObject(o, "pages", (double)db_int(st, 0));
		cJSON_AddNumberToObject(o, "bytes", (double)db_int(st, 1));
	}
	db_reset(st);
	return o;
}
