/* media: the media library's rows, an upload's files under media_dir
 * through the image helper, and remote images (see media.h). */
#include "media.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "rows.h"
#include "sha256.h"
#include "html.h"
#include "net.h"
#include "audit.h"
#include "quota.h"
#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- files ---- */

static int mkdirs(const char *path)
{
	char buf[1200];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/') continue;
		*p = 0;
		if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* media_dir/<store>/<first two hex> and the URL prefix beside it. */
static void store_dir(int64_t tid, const char *sha, char *dir, size_t dn, char *url, size_t un)
{
	snprintf(dir, dn, "%s/%lld/%.2s", cfg.media_dir, (long long)tid, sha);
	snprintf(url, un, "%s/%lld/%.2s", cfg.media_url, (long long)tid, sha);
}

/* Write a whole file atomically: a temporary name, then rename. */
static int write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[1300];
	char rnd[9];
	random_hex(rnd, 4);
	snprintf(tmp, sizeof tmp, "%s.tmp-%s", path, rnd);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) return -1;
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) { close(fd); unlink(tmp); return -1; }
		p += w;
		left -= (size_t)w;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) { unlink(tmp); return -1; }
	return 0;
}

/* Run the image helper on the file at in: its JSON answer in out, within
 * media_helper_ms, under RLIMIT_AS/CPU/FSIZE. Exit 0: processed; 3: too
 * many pixels; 4: not decodable; else a failure. */
static int run_helper(const char *in, const char *prefix, media_type t, sbuf *out, long *ms)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) return -1;
	char pixels[32];
	snprintf(pixels, sizeof pixels, "%ld", cfg.media_max_pixels);
	int64_t t0 = now_usec();
	pid_t pid = fork();
	if (pid < 0) { close(pfd[0]); close(pfd[1]); return -1; }
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0) dup2(nul, 0);
		dup2(pfd[1], 1);
		close_range(3, ~0U, 0);
		struct rlimit as = { (rlim_t)cfg.media_helper_mem, (rlim_t)cfg.media_helper_mem };
		setrlimit(RLIMIT_AS, &as);
		rlim_t cpu = (rlim_t)(cfg.media_helper_ms / 1000 + 1);
		struct rlimit c = { cpu, cpu + 1 };
		setrlimit(RLIMIT_CPU, &c);
		struct rlimit fs = { (rlim_t)cfg.media_max_bytes * 8, (rlim_t)cfg.media_max_bytes * 8 };
		setrlimit(RLIMIT_FSIZE, &fs);
		struct rlimit core = { 0, 0 };
		setrlimit(RLIMIT_CORE, &core);
		setpgid(0, 0);
		/* one thread, few malloc arenas: the address-space cap stays real */
		setenv("VIPS_CONCURRENCY", "1", 1);
		setenv("MALLOC_ARENA_MAX", "2", 1);
		execl(cfg.media_helper, "storefront-image", in, prefix, mcheck_type_name(t), pixels, cfg.media_widths, (char *)NULL);
		fprintf(stderr, "media: cannot run %s: %s\n", cfg.media_helper, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	int64_t deadline = t0 + (int64_t)cfg.media_helper_ms * 1000;
	char buf[4096];
	int killed = 0;
	for (;;) {
		int64_t left = (deadline - now_usec()) / 1000;
		if (left <= 0) { kill(-pid, SIGKILL); kill(pid, SIGKILL); killed = 1; break; }   /* its group: anything it started */
		struct pollfd pf = { pfd[0], POLLIN, 0 };
		int rc = poll(&pf, 1, (int)(left > 1000 ? 1000 : left));
		if (rc < 0 && errno == EINTR) continue;
		if (rc <= 0) continue;
		ssize_t got = read(pfd[0], buf, sizeof buf);
		if (got < 0 && errno == EINTR) continue;
		if (got <= 0) break;
		if (out->len < 1 << 20) sb_put(out, buf, (size_t)got);
	}
	close(pfd[0]);
	int status = 0;
	pid_t w;
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {}
	*ms = (long)((now_usec() - t0) / 1000);
	if (w < 0) {
		log_error("media: waiting for the image helper: %s", strerror(errno));
		return -1;
	}
	if (killed) {
		log_warn("media: image helper killed after %ld ms", *ms);
		return -1;
	}
	if (WIFSIGNALED(status)) {
		log_warn("media: image helper died of signal %d", WTERMSIG(status));
		return 4;   /* a decoder crash is the file's doing until shown otherwise */
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void media_file_free(media_file *f)
{
	free(f->renditions_json);
	cJSON_Delete(f->removed);
	memset(f, 0, sizeof *f);
}

/* The same bytes already in the store's library: reuse its files. */
static int reuse(int64_t tid, media_file *f)
{
	sqlite3_stmt *st = db_stmt("SELECT width, height, url, renditions_json, stored_bytes FROM media "
				   "WHERE tenant_id = :t AND sha256 = :s LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", f->sha);
	int found = 0;
	if (db_step(st) == SQLITE_ROW) {
		char path[1400];
		snprintf(path, sizeof path, "%s%s", cfg.media_dir, db_text(st, 2) + strlen(cfg.media_url));
		if (str_startswith(db_text(st, 2), cfg.media_url) && access(path, F_OK) == 0) {
			f->width = (long)db_int(st, 0);
			f->height = (long)db_int(st, 1);
			snprintf(f->url, sizeof f->url, "%s", db_text(st, 2));
			f->renditions_json = xstrdup(db_text(st, 3));
			f->stored_bytes = db_int(st, 4);
			found = 1;
		}
	}
	db_reset(st);
	return found;
}

static media_code fail(media_file *f, media_code c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static media_code fail(media_file *f, media_code c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof f->message, fmt, ap);
	va_end(ap);
	return c;
}

/* The helper's JSON: {width, height, bytes, file, renditions: [{width,
 * height, file, webp}]} with file names relative to the store's dir. */
static media_code take_helper_json(media_file *f, const char *json, const char *urlp)
{
	cJSON *o = cJSON_Parse(json);
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "width"), *h = cJSON_GetObjectItemCaseSensitive(o, "height");
	const cJSON *file = cJSON_GetObjectItemCaseSensitive(o, "file"), *b = cJSON_GetObjectItemCaseSensitive(o, "bytes");
	const cJSON *rs = cJSON_GetObjectItemCaseSensitive(o, "renditions");
	if (!cJSON_IsNumber(w) || !cJSON_IsNumber(h) || !cJSON_IsString(file) || !cJSON_IsArray(rs)) {
		cJSON_Delete(o);
		return fail(f, MEDIA_STORAGE, "the image helper gave no usable answer");
	}
	f->width = (long)w->valuedouble;
	f->height = (long)h->valuedouble;
	f->stored_bytes = cJSON_IsNumber(b) ? (int64_t)b->valuedouble : 0;
	snprintf(f->url, sizeof f->url, "%s/%s", urlp, file->valuestring);
	cJSON *out = cJSON_CreateArray();
	const cJSON *r;
	cJSON_ArrayForEach(r, rs) {
		const cJSON *rw = cJSON_GetObjectItemCaseSensitive(r, "width"), *rh = cJSON_GetObjectItemCaseSensitive(r, "height");
		const cJSON *rf = cJSON_GetObjectItemCaseSensitive(r, "file"), *rp = cJSON_GetObjectItemCaseSensitive(r, "webp");
		if (!cJSON_IsNumber(rw) || !cJSON_IsNumber(rh) || !cJSON_IsString(rp)) continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "width", rw->valuedouble);
		cJSON_AddNumberToObject(e, "height", rh->valuedouble);
		char u[700];
		snprintf(u, sizeof u, "%s/%s", urlp, cJSON_IsString(rf) ? rf->valuestring : file->valuestring);
		cJSON_AddStringToObject(e, "url", u);
		snprintf(u, sizeof u, "%s/%s", urlp, rp->valuestring);
		cJSON_AddStringToObject(e, "webp", u);
		cJSON_AddItemToArray(out, e);
	}
	f->renditions_json = cJSON_PrintUnformatted(out);
	cJSON_Delete(out);
	cJSON_Delete(o);
	return MEDIA_OK;
}

media_code media_prepare(int64_t tid, const unsigned char *data, size_t len, media_file *f)
{
	memset(f, 0, sizeof *f);
	f->bytes = (int64_t)len;
	f->type = mcheck_sniff(data, len);
	if (f->type == MT_NONE)
		return fail(f, MEDIA_UNSUPPORTED, "the file is not a PNG, JPEG, WebP, GIF, AVIF or SVG image (judged by its bytes, not its name)");
	char dir[1200], urlp[400];
	if (f->type == MT_SVG) {
		sbuf clean = SBUF_INIT;
		char why[200];
		f->removed = cJSON_CreateArray();
		if (mcheck_svg_sanitize((const char *)data, len, &clean, f->removed, &f->width, &f->height, why, sizeof why) < 0) {
			sb_free(&clean);
			return fail(f, MEDIA_SVG_REFUSED, "%s", why);
		}
		sha256_hex(clean.s, clean.len, f->sha);
		store_dir(tid, f->sha, dir, sizeof dir, urlp, sizeof urlp);
		char path[1400];
		snprintf(path, sizeof path, "%s/%s.svg", dir, f->sha);
		if (mkdirs(dir) < 0 || (access(path, F_OK) != 0 && write_atomic(path, clean.s, clean.len) < 0)) {
			log_error("media: cannot write %s: %s", path, strerror(errno));
			sb_free(&clean);
			return fail(f, MEDIA_STORAGE, "the file could not be stored");
		}
		f->stored_bytes = (int64_t)clean.len;
		snprintf(f->url, sizeof f->url, "%s/%s.svg", urlp, f->sha);
		f->renditions_json = xstrdup("[]");
		sb_free(&clean);
		return MEDIA_OK;
	}
	long w, h;
	if (mcheck_header_size(f->type, data, len, &w, &h) < 0)
		return fail(f, MEDIA_CORRUPT, "the image's header cannot be read");
	if ((double)w * (double)h > (double)cfg.media_max_pixels) {
		f->width = w;
		f->height = h;
		snprintf(f->message, sizeof f->message, "the image is %ld x %ld pixels; at most %ld pixels are accepted",
			 w, h, cfg.media_max_pixels);
		return MEDIA_TOO_MANY_PIXELS;
	}
	const char *pg = mcheck_polyglot_problem(f->type, data, len);
	if (pg) return fail(f, MEDIA_POLYGLOT, "%s", pg);
	sha256_hex(data, len, f->sha);
	if (reuse(tid, f)) return MEDIA_OK;
	store_dir(tid, f->sha, dir, sizeof dir, urlp, sizeof urlp);
	if (mkdirs(dir) < 0) {
		log_error("media: cannot make %s: %s", dir, strerror(errno));
		return fail(f, MEDIA_STORAGE, "the file could not be stored");
	}
	/* The upload itself is never served: the helper reads it and writes
	 * the stripped, oriented full size and the renditions. */
	char in[1400], prefix[1400];
	char rnd[17];
	random_hex(rnd, 8);
	snprintf(in, sizeof in, "%s/.upload-%s", dir, rnd);
	snprintf(prefix, sizeof prefix, "%s/%s", dir, f->sha);
	if (write_atomic(in, data, len) < 0) {
		log_error("media: cannot write %s: %s", in, strerror(errno));
		return fail(f, MEDIA_STORAGE, "the file could not be stored");
	}
	sbuf out = SBUF_INIT;
	int rc = run_helper(in, prefix, f->type, &out, &f->helper_ms);
	unlink(in);
	media_code code;
	if (rc == 0) {
		code = take_helper_json(f, sb_str(&out), urlp);
	} else if (rc == 3) {
		code = fail(f, MEDIA_TOO_MANY_PIXELS, "the image has more pixels than accepted");
	} else if (rc == 4) {
		code = fail(f, MEDIA_CORRUPT, "the image could not be decoded");
	} else {
		log_error("media: image helper %s failed (%d): %s", cfg.media_helper, rc, sb_str(&out));
		code = fail(f, MEDIA_STORAGE, "the image could not be processed");
	}
	sb_free(&out);
	return code;
}

int media_insert(int64_t tid, const media_file *f, const char *name, const char *alt, const char *source_url, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(
		"INSERT INTO media(tenant_id, name, alt, kind, type, sha256, bytes, stored_bytes, width, height, url, "
		"renditions_json, source_url, created_at, updated_at) VALUES(:t, :n, :a, :k, :ty, :s, :b, :sb, :w, :h, :u, "
		":r, :src, strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":n", name);
	db_bind_text(st, ":a", alt ? alt : "");
	db_bind_text(st, ":k", f->type == MT_SVG ? "svg" : "image");
	db_bind_text(st, ":ty", mcheck_type_name(f->type));
	db_bind_text(st, ":s", f->sha);
	db_bind_int(st, ":b", f->bytes);
	db_bind_int(st, ":sb", f->stored_bytes);
	db_bind_int(st, ":w", f->width);
	db_bind_int(st, ":h", f->height);
	db_bind_text(st, ":u", f->url);
	db_bind_text(st, ":r", f->renditions_json ? f->renditions_json : "[]");
	db_bind_text(st, ":src", source_url ? source_url : "");
	if (db_run(st) < 0) return -1;
	*id = db_last_id();
	return 0;
}

int64_t media_used_bytes(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("SELECT coalesce(sum(bytes), 0) FROM media WHERE tenant_id = :t");
	db_bind_int(st, ":t", tid);
	int64_t n = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return n;
}

#define MEDIA_COLS "id, name, alt, kind, type, sha256, bytes, width, height, url, renditions_json, source_url, " \
	"created_at, updated_at"

static cJSON *media_row(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	row_add_id(o, "id", db_int(st, 0));
	cJSON_AddStringToObject(o, "name", db_text(st, 1));
	cJSON_AddStringToObject(o, "alt", db_text(st, 2));
	cJSON_AddStringToObject(o, "kind", db_text(st, 3));
	cJSON_AddStringToObject(o, "type", db_text(st, 4));
	int t = MT_NONE;
	for (int k = 1; k <= MT_SVG; k++) if (strcmp(mcheck_type_name((media_type)k), db_text(st, 4)) == 0) t = k;
	cJSON_AddStringToObject(o, "mimeType", mcheck_type_mime((media_type)t));
	cJSON_AddStringToObject(o, "sha256", db_text(st, 5));
	cJSON_AddNumberToObject(o, "bytes", (double)db_int(st, 6));
	cJSON_AddNumberToObject(o, "width", (double)db_int(st, 7));
	cJSON_AddNumberToObject(o, "height", (double)db_int(st, 8));
	cJSON_AddStringToObject(o, "url", db_text(st, 9));
	cJSON_AddItemToObject(o, "renditions", row_json(st, 10, 1));
	if (*db_text(st, 11)) cJSON_AddStringToObject(o, "sourceUrl", db_text(st, 11));
	row_add_time(o, "createdAt", st, 12);
	row_add_time(o, "updatedAt", st, 13);
	return o;
}

cJSON *media_get_json(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " MEDIA_COLS " FROM media WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	return row_one(st, media_row);
}

cJSON *media_list_json(int64_t tid, const char *kind, const char *q, int64_t limit, int64_t offset, int64_t *total)
{
	sbuf like = SBUF_INIT;
	if (q && *q) {
		/* a substring, with LIKE's own characters taken literally */
		sb_putc(&like, '%');
		for (const char *c = q; *c; c++) {
			if (*c == '%' || *c == '_' || *c == '\\') sb_putc(&like, '\\');
			sb_putc(&like, *c);
		}
		sb_putc(&like, '%');
	}
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM media WHERE tenant_id = :t AND (:k IS NULL OR kind = :k) "
				   "AND (:q IS NULL OR name LIKE :q ESCAPE '\\' OR alt LIKE :q ESCAPE '\\')");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_text(st, ":q", like.len ? sb_str(&like) : NULL);
	*total = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	st = db_stmt("SELECT " MEDIA_COLS " FROM media WHERE tenant_id = :t AND (:k IS NULL OR kind = :k) "
		     "AND (:q IS NULL OR name LIKE :q ESCAPE '\\' OR alt LIKE :q ESCAPE '\\') "
		     "ORDER BY id DESC LIMIT :l OFFSET :o");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_text(st, ":q", like.len ? sb_str(&like) : NULL);
	db_bind_int(st, ":l", limit);
	db_bind_int(st, ":o", offset);
	sb_free(&like);
	return row_all(st, media_row);
}

int media_update(int64_t tid, int64_t id, const char *name, const char *alt)
{
	sqlite3_stmt *st = db_stmt("UPDATE media SET name = coalesce(:n, name), alt = coalesce(:a, alt), "
				   "updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id");
	db_bind_text(st, ":n", name);
	db_bind_text(st, ":a", alt);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) return -1;
	return db_changes() > 0;
}

static int row_url(int64_t tid, int64_t id, char *url, size_t un, char *sha)
{
	sqlite3_stmt *st = db_stmt("SELECT url, sha256 FROM media WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	int found = db_step(st) == SQLITE_ROW;
	if (found) {
		snprintf(url, un, "%s", db_text(st, 0));
		if (sha) snprintf(sha, 65, "%s", db_text(st, 1));
	}
	db_reset(st);
	return found;
}

/* The directory part shared by the full size and every rendition:
 * ".../<sha>" -- a config or post that names any of them uses the item. */
static void url_stem(const char *url, char *stem, size_t n)
{
	snprintf(stem, n, "%s", url);
	char *dot = strrchr(stem, '.');
	char *slash = strrchr(stem, '/');
	if (dot && (!slash || dot > slash)) *dot = 0;
}

static void add_use(cJSON *a, const char *kind, int64_t id, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", kind);
	if (id) row_add_id(o, "id", id);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddItemToArray(a, o);
}

cJSON *media_usage(int64_t tid, int64_t id)
{
	char url[600], stem[600];
	if (!row_url(tid, id, url, sizeof url, NULL)) return NULL;
	url_stem(url, stem, sizeof stem);
	cJSON *a = cJSON_CreateArray();
	sqlite3_stmt *st = db_stmt(
		"SELECT DISTINCT p.id, p.name FROM product_images i JOIN products p ON p.id = i.product_id "
		"WHERE i.tenant_id = :t AND i.media_id = :id "
		"UNION SELECT DISTINCT p.id, p.name FROM product_images i JOIN products p ON p.id = i.product_id "
		"WHERE i.tenant_id = :t AND i.url = :u "
		"UNION SELECT id, name FROM products WHERE tenant_id = :t AND instr(image, :s) > 0 ORDER BY 1");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	db_bind_text(st, ":u", url);
	db_bind_text(st, ":s", stem);
	while (db_step(st) == SQLITE_ROW) add_use(a, "product", db_int(st, 0), db_text(st, 1));
	db_reset(st);
	st = db_stmt("SELECT b.id, p.title FROM draft_blocks b JOIN pages p ON p.id = b.page_id "
		     "WHERE b.tenant_id = :t AND (instr(b.config_json, :s) > 0 OR instr(b.vibe_code, :s) > 0) ORDER BY b.id");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", stem);
	while (db_step(st) == SQLITE_ROW) add_use(a, "block", db_int(st, 0), db_text(st, 1));
	db_reset(st);
	/* published snapshots: a live page keeps its blocks until republished */
	st = db_stmt("SELECT p.id, p.title FROM pages p JOIN page_versions v ON v.page_id = p.id AND v.version = p.live_version "
		     "WHERE p.tenant_id = :t AND instr(v.blocks_json, :s) > 0 ORDER BY p.id");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", stem);
	while (db_step(st) == SQLITE_ROW) add_use(a, "page", db_int(st, 0), db_text(st, 1));
	db_reset(st);
	st = db_stmt("SELECT id, title FROM posts WHERE tenant_id = :t AND (instr(featured_image, :s) > 0 OR instr(content, :s) > 0) "
		     "ORDER BY id");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", stem);
	while (db_step(st) == SQLITE_ROW) add_use(a, "post", db_int(st, 0), db_text(st, 1));
	db_reset(st);
	st = db_stmt("SELECT instr(logo, :s) > 0 OR instr(theme_json, :s) > 0 FROM tenants WHERE id = :t");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", stem);
	if (db_step(st) == SQLITE_ROW && db_int(st, 0)) add_use(a, "theme", 0, "the store's theme or logo");
	db_reset(st);
	return a;
}

int media_delete(int64_t tid, int64_t id, char *sha)
{
	char url[600];
	if (!row_url(tid, id, url, sizeof url, sha)) return 0;
	sqlite3_stmt *st = db_stmt("DELETE FROM product_images WHERE tenant_id = :t AND (media_id = :id OR url = :u)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	db_bind_text(st, ":u", url);
	if (db_run(st) < 0) return -1;
	st = db_stmt("UPDATE products SET image = '' WHERE tenant_id = :t AND image = :u");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	if (db_run(st) < 0) return -1;
	st = db_stmt("UPDATE posts SET featured_image = '' WHERE tenant_id = :t AND featured_image = :u");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	if (db_run(st) < 0) return -1;
	st = db_stmt("UPDATE tenants SET logo = '' WHERE id = :t AND logo = :u");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	if (db_run(st) < 0) return -1;
	st = db_stmt("DELETE FROM media WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0) return -1;
	return 1;
}

void media_remove_files(int64_t tid, const char *sha)
{
	if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64) return;
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM media WHERE tenant_id = :t AND sha256 = :s");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", sha);
	int64_t n = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 1;
	db_reset(st);
	if (n > 0) return;
	char dir[1200], urlp[400];
	store_dir(tid, sha, dir, sizeof dir, urlp, sizeof urlp);
	/* <sha>.<ext> and <sha>-<width>.<ext>: every name that starts with it */
	char cmdpath[1300];
	static const char *const exts[] = { "png", "jpg", "webp", "gif", "avif", "svg", NULL };
	for (int e = 0; exts[e]; e++) {
		snprintf(cmdpath, sizeof cmdpath, "%s/%s.%s", dir, sha, exts[e]);
		unlink(cmdpath);
	}
	snprintf(cmdpath, sizeof cmdpath, "%s/%s-full.webp", dir, sha);
	unlink(cmdpath);
	char widths[sizeof cfg.media_widths];
	snprintf(widths, sizeof widths, "%s", cfg.media_widths);
	/* renditions may be any width up to the largest configured */
	for (char *tok = strtok(widths, ","); tok; tok = strtok(NULL, ",")) {
		for (int e = 0; exts[e]; e++) {
			snprintf(cmdpath, sizeof cmdpath, "%s/%s-%ld.%s", dir, sha, atol(tok), exts[e]);
			unlink(cmdpath);
		}
	}
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0) log_warn("media: cannot remove %s: %s", path, strerror(errno));
	return 0;
}

void media_remove_store(int64_t tid)
{
	if (tid <= 0 || !cfg.media_dir[0]) return;
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/%lld", cfg.media_dir, (long long)tid);
	if (access(dir, F_OK) == 0) nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static cJSON *image_data(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "url", db_text(st, 0));
	cJSON_AddNumberToObject(o, "width", (double)db_int(st, 1));
	cJSON_AddNumberToObject(o, "height", (double)db_int(st, 2));
	cJSON_AddStringToObject(o, "alt", db_text(st, 3));
	cJSON_AddItemToObject(o, "renditions", row_json(st, 4, 1));
	return o;
}

cJSON *media_image_by_url(int64_t tid, const char *url)
{
	sqlite3_stmt *st = db_stmt("SELECT url, width, height, alt, renditions_json FROM media WHERE tenant_id = :t AND url = :u "
				   "ORDER BY id LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	return row_one(st, image_data);
}

const char *media_url_of(int64_t tid, int64_t id, char *buf, size_t n)
{
	return id > 0 && row_url(tid, id, buf, n, NULL) ? buf : NULL;
}

int64_t media_id_by_url(int64_t tid, const char *url)
{
	sqlite3_stmt *st = db_stmt("SELECT id FROM media WHERE tenant_id = :t AND url = :u ORDER BY id LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return id;
}

#define MEDIA_MAP_MAX 200

/* Pass 1 takes image objects that carry their renditions (products'
 * images); pass 2 looks up the strings that are still unknown. */
static void map_walk(int64_t tid, const cJSON *v, cJSON *map, int depth, int pass)
{
	if (depth > 12 || cJSON_GetArraySize(map) >= MEDIA_MAP_MAX) return;
	if (pass == 1 && cJSON_IsObject(v)) {
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(v, "url");
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(v, "renditions");
		if (cJSON_IsString(u) && cJSON_IsArray(r) && !cJSON_GetObjectItemCaseSensitive(map, u->valuestring)) {
			cJSON *o = cJSON_CreateObject();
			static const char *const keep[] = { "url", "width", "height", "alt", "renditions", NULL };
			for (int k = 0; keep[k]; k++) {
				const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, keep[k]);
				if (f) cJSON_AddItemToObject(o, keep[k], cJSON_Duplicate(f, 1));
			}
			cJSON_AddItemToObject(map, u->valuestring, o);
			return;
		}
	}
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		const cJSON *c;
		cJSON_ArrayForEach(c, v) map_walk(tid, c, map, depth + 1, pass);
		return;
	}
	if (pass == 2 && cJSON_IsString(v) && str_startswith(v->valuestring, cfg.media_url) &&
	    v->valuestring[strlen(cfg.media_url)] == '/' && !cJSON_GetObjectItemCaseSensitive(map, v->valuestring)) {
		cJSON *o = media_image_by_url(tid, v->valuestring);
		if (o) cJSON_AddItemToObject(map, v->valuestring, o);
	}
}

cJSON *media_map_for(int64_t tid, const cJSON *inputs)
{
	cJSON *map = cJSON_CreateObject();
	map_walk(tid, inputs, map, 0, 1);
	map_walk(tid, inputs, map, 0, 2);
	return map;
}

int media_image_fields(cJSON *images, long want, const char *sizes, long dflt_w, long dflt_h)
{
	int n = 0;
	cJSON *im;
	cJSON_ArrayForEach(im, images) {
		const cJSON *url = cJSON_GetObjectItemCaseSensitive(im, "url");
		const cJSON *rs = cJSON_GetObjectItemCaseSensitive(im, "renditions");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(im, "width"), *h = cJSON_GetObjectItemCaseSensitive(im, "height");
		const char *src = cJSON_IsString(url) ? url->valuestring : "";
		sbuf set = SBUF_INIT;
		const cJSON *r;
		int picked = 0;
		cJSON_ArrayForEach(r, rs) {
			const cJSON *rw = cJSON_GetObjectItemCaseSensitive(r, "width");
			const cJSON *ru = cJSON_GetObjectItemCaseSensitive(r, "url"), *rp = cJSON_GetObjectItemCaseSensitive(r, "webp");
			long width = cJSON_IsNumber(rw) ? (long)rw->valuedouble : 0;
			if (cJSON_IsString(rp)) html_srcset_add(&set, rp->valuestring, width);
			if (!picked && cJSON_IsString(ru)) { src = ru->valuestring; picked = width >= want; }
		}
		int known = cJSON_IsNumber(w) && cJSON_IsNumber(h) && w->valuedouble > 0 && h->valuedouble > 0;
		const cJSON *r0 = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(rs, 0), "webp");
		cJSON_AddStringToObject(im, "thumb", cJSON_IsString(r0) ? r0->valuestring : src);
		cJSON_AddStringToObject(im, "loading", n++ ? "lazy" : "eager");
		cJSON_AddStringToObject(im, "src", src);
		cJSON_AddStringToObject(im, "srcset", sb_str(&set));
		cJSON_AddStringToObject(im, "sizes", set.len ? sizes : "");
		cJSON_AddNumberToObject(im, "w", known ? w->valuedouble : (double)dflt_w);
		cJSON_AddNumberToObject(im, "h", known ? h->valuedouble : (double)dflt_h);
		sb_free(&set);
	}
	return n;
}

/* ---- remote images ---- */

static int is_remote(const char *u)
{
	return strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0;
}

/* Point every product of the store that names src at the item. */
static int relink(int64_t tid, const char *src, int64_t id, const char *url)
{
	sqlite3_stmt *st = db_stmt("UPDATE product_images SET url = :u, media_id = :m "
				   "WHERE tenant_id = :t AND url = :src AND media_id IS NULL");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	db_bind_int(st, ":m", id);
	db_bind_text(st, ":src", src);
	if (db_run(st) < 0) return -1;
	st = db_stmt("UPDATE products SET image = :u, updated_at = strftime('%s','now') WHERE tenant_id = :t AND image = :src");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":u", url);
	db_bind_text(st, ":src", src);
	return db_run(st);
}

/* The remote URLs still named by the store's products, up to limit. */
static int remote_urls(int64_t tid, char (*urls)[1024], int limit)
{
	int n = 0;
	sqlite3_stmt *st = db_stmt("SELECT DISTINCT url FROM product_images WHERE tenant_id = :t AND media_id IS NULL "
				   "AND (url LIKE 'http://%' OR url LIKE 'https://%') "
				   "UNION SELECT DISTINCT image FROM products WHERE tenant_id = :t "
				   "AND (image LIKE 'http://%' OR image LIKE 'https://%') LIMIT :l");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":l", limit);
	while (n < limit && db_step(st) == SQLITE_ROW) {
		if (strlen(db_text(st, 0)) >= 1024) continue;
		snprintf(urls[n++], 1024, "%s", db_text(st, 0));
	}
	db_reset(st);
	return n;
}

static int64_t by_source(int64_t tid, const char *src, char *url, size_t un)
{
	sqlite3_stmt *st = db_stmt("SELECT id, url FROM media WHERE tenant_id = :t AND source_url = :s AND source_url != '' "
				   "ORDER BY id LIMIT 1");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", src);
	int64_t id = 0;
	if (db_step(st) == SQLITE_ROW) {
		id = db_int(st, 0);
		snprintf(url, un, "%s", db_text(st, 1));
	}
	db_reset(st);
	return id;
}

/* The file name at the end of a URL's path ("" when none). */
static void url_basename(const char *u, char *out, size_t n)
{
	const char *p = strchr(u + 8, '/');
	const char *end = p ? p + strcspn(p, "?#") : u;
	const char *b = end;
	while (p && b > p && b[-1] != '/') b--;
	snprintf(out, n, "%.*s", (int)(end - b > 200 ? 200 : end - b), b);
	if (!out[0] || !utf8_valid(out, strlen(out)) || control_problem(out)) snprintf(out, n, "image");
}

int media_fetch_store(int64_t tid, const char *actor, int limit, media_fetch_stats *st,
		      void (*report)(int64_t, const char *, const char *))
{
	if (limit < 1) return 0;
	/* Claim the store's queue row for a while, so the deliverer does not
	 * fetch the same images beside `storefront media fetch`. */
	sqlite3_stmt *claim = db_stmt("UPDATE media_fetch_queue SET next_at = strftime('%s','now') + 600 WHERE tenant_id = :t");
	db_bind_int(claim, ":t", tid);
	db_run_best_effort(claim);
	char (*urls)[1024] = xcalloc((size_t)limit, 1024);
	int n = remote_urls(tid, urls, limit);
	int rc = 0;
	for (int i = 0; i < n; i++) {
		if (st->deadline && now_usec() > st->deadline) break;   /* the rest next round */
		const char *src = urls[i];
		char url[600] = "", why[320] = "";
		int64_t id = by_source(tid, src, url, sizeof url);
		media_file f;
		memset(&f, 0, sizeof f);
		if (!id) {
			sbuf body = SBUF_INIT;
			long status = 0;
			if (!is_remote(src)) {
				snprintf(why, sizeof why, "not an http(s) URL");
			} else if (net_get(src, (size_t)cfg.media_max_bytes, 0, &status, &body, NULL, 0, why, sizeof why) < 0) {
				/* why says it */
			} else if (status != 200) {
				snprintf(why, sizeof why, "the server answered HTTP %ld", status);
			} else if (media_used_bytes(tid) + (int64_t)body.len > quota_get(tid, LIM_MEDIA_BYTES)) {
				snprintf(why, sizeof why, "the store's media quota (%lld bytes) is reached",
					 (long long)quota_get(tid, LIM_MEDIA_BYTES));
			} else {
				media_code c = media_prepare(tid, (const unsigned char *)body.s, body.len, &f);
				if (c != MEDIA_OK) snprintf(why, sizeof why, "%s", f.message);
			}
			sb_free(&body);
			if (why[0]) {
				st->failed++;
				if (report) report(tid, src, why);
				media_file_free(&f);
				continue;
			}
		}
		if (db_begin(1) < 0) { media_file_free(&f); rc = -1; break; }
		int ok = 1;
		if (!id) {
			char name[220];
			url_basename(src, name, sizeof name);
			ok = media_insert(tid, &f, name, "", src, &id) == 0 &&
			     audit_write_as(tid, 0, actor, "", "media.fetch", "media", id, "create", src) == 0;
			snprintf(url, sizeof url, "%s", f.url);
		}
		ok = ok && relink(tid, src, id, url) == 0 && audit_bump_content(tid) == 0;
		if (!ok || db_commit() < 0) {
			if (db_in_tx()) db_rollback();
			media_file_free(&f);
			rc = -1;
			break;
		}
		if (f.url[0]) st->fetched++;
		else st->reused++;
		media_file_free(&f);
	}
	free(urls);
	if (rc == 0) {
		char (*more)[1024] = xcalloc(1, 1024);
		int left = remote_urls(tid, more, 1);
		free(more);
		st->left += left;
		if (!left) {   /* nothing remote is left: out of the queue */
			sqlite3_stmt *d = db_stmt("DELETE FROM media_fetch_queue WHERE tenant_id = :t");
			db_bind_int(d, ":t", tid);
			db_run_best_effort(d);
		}
	}
	return rc;
}

int media_fetch_queue(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO media_fetch_queue(tenant_id, queued_at, attempts, next_at) "
				   "VALUES(:t, strftime('%s','now'), 0, strftime('%s','now')) "
				   "ON CONFLICT(tenant_id) DO UPDATE SET attempts = 0, next_at = excluded.next_at");
	db_bind_int(st, ":t", tid);
	return db_run(st);
}

#define FETCH_MAX_ATTEMPTS 8

void media_fetch_due(int limit, media_fetch_stats *st, void (*report)(int64_t, const char *, const char *))
{
	while (limit > 0) {
		sqlite3_stmt *q = db_stmt("SELECT tenant_id, attempts FROM media_fetch_queue WHERE next_at <= strftime('%s','now') "
					  "ORDER BY next_at LIMIT 1");
		int64_t tid = 0, attempts = 0;
		if (db_step(q) == SQLITE_ROW) { tid = db_int(q, 0); attempts = db_int(q, 1); }
		db_reset(q);
		if (!tid) return;
		media_fetch_stats one = { .deadline = st->deadline };
		int rc = media_fetch_store(tid, "deliverer", limit, &one, report);
		limit -= one.fetched + one.reused + one.failed + 1;
		st->fetched += one.fetched;
		st->reused += one.reused;
		st->failed += one.failed;
		st->left += one.left;
		sqlite3_stmt *u;
		if (rc == 0 && one.left == 0) {
			u = db_stmt("DELETE FROM media_fetch_queue WHERE tenant_id = :t");
		} else if (attempts + 1 >= FETCH_MAX_ATTEMPTS) {
			log_warn("media fetch: store %lld still has remote images after %d tries; given up", (long long)tid,
				 FETCH_MAX_ATTEMPTS);
			u = db_stmt("DELETE FROM media_fetch_queue WHERE tenant_id = :t");
		} else {
			/* more left than one round takes: soon; failures: back off */
			u = db_stmt("UPDATE media_fetch_queue SET attempts = attempts + (:f > 0), "
				    "next_at = strftime('%s','now') + CASE WHEN :f > 0 THEN 60 << min(attempts, 10) ELSE 0 END "
				    "WHERE tenant_id = :t");
			db_bind_int(u, ":f", one.failed || rc < 0);
		}
		db_bind_int(u, ":t", tid);
		db_run_best_effort(u);
		if (rc < 0 || one.failed || (st->deadline && now_usec() > st->deadline)) return;   /* the rest next time */
	}
}
