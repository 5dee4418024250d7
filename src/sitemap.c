/* sitemap: sitemap index and parts, robots.txt, SEO settings (see sitemap.h). */
#include "sitemap.h"
#include "config.h"
#include "db.h"
#include "html.h"
#include "rows.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Per kind: how many URLs and their newest change; the URLs in id order.
 * A product or collection is listed while active; a page while published;
 * a post once its time has come; none marked noindex. */
static const struct kind {
	const char *name, *prefix, *count_sql, *list_sql;
} kinds[] = {
	{ "products", "/products/",
	  "SELECT count(*), max(updated_at) FROM products WHERE tenant_id = :t AND status = 'active' "
	  "AND coalesce(json_extract(seo_json, '$.robots'), '') NOT LIKE 'noindex%'",
	  "SELECT slug, updated_at FROM products WHERE tenant_id = :t AND status = 'active' "
	  "AND coalesce(json_extract(seo_json, '$.robots'), '') NOT LIKE 'noindex%' ORDER BY id LIMIT :n OFFSET :o" },
	{ "collections", "/collections/",
	  "SELECT count(*), max(updated_at) FROM collections WHERE tenant_id = :t "
	  "AND coalesce(json_extract(seo_json, '$.robots'), '') NOT LIKE 'noindex%'",
	  "SELECT slug, updated_at FROM collections WHERE tenant_id = :t "
	  "AND coalesce(json_extract(seo_json, '$.robots'), '') NOT LIKE 'noindex%' ORDER BY id LIMIT :n OFFSET :o" },
	{ "pages", "/",
	  "SELECT count(*), max(p.published_at) FROM pages p JOIN page_versions v ON v.page_id = p.id AND v.version = p.live_version "
	  "WHERE p.tenant_id = :t AND coalesce(json_extract(v.seo_json, '$.robots'), '') NOT LIKE 'noindex%'",
	  "SELECT p.slug, p.published_at FROM pages p JOIN page_versions v ON v.page_id = p.id AND v.version = p.live_version "
	  "WHERE p.tenant_id = :t AND coalesce(json_extract(v.seo_json, '$.robots'), '') NOT LIKE 'noindex%' "
	  "ORDER BY p.slug != 'home', p.id LIMIT :n OFFSET :o" },
	{ "posts", "/blog/",
	  "SELECT count(*), max(updated_at) FROM posts WHERE tenant_id = :t AND status = 'published' "
	  "AND coalesce(published_at, 0) <= CAST(strftime('%s','now') AS INTEGER) "
	  "AND coalesce(json_extract(seo_json, '$.robots'), '') NOT LIKE 'noindex%'",
	  "SELECT slug, max(updated_at, coalesce(published_at, 0)) FROM posts WHERE tenant_id = :t AND status = 'published' "
	  "AND coalesce(published_at, 0) <= CAST(strftime('%s','now') AS INTEGER) "
	  "AND coalesce(json_extract(seo_json, '$.robots'), '') NOT LIKE 'noindex%' ORDER BY id LIMIT :n OFFSET :o" },
};

static long per_part(void) { return cfg.sitemap_urls > 0 ? cfg.sitemap_urls : 50000; }

static void head(sbuf *out, const char *root)
{
	sb_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n", root);
}

static void lastmod(sbuf *out, int64_t t)
{
	char ts[32];
	iso8601(t, ts);
	sb_printf(out, "<lastmod>%s</lastmod>", ts);
}

void sitemap_index(int64_t tid, const char *base, sbuf *out)
{
	head(out, "sitemapindex");
	for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
		sqlite3_stmt *st = db_stmt(kinds[k].count_sql);
		db_bind_int(st, ":t", tid);
		int64_t n = 0, mod = 0;
		if (db_step(st) == SQLITE_ROW) { n = db_int(st, 0); mod = db_int(st, 1); }
		db_reset(st);
		for (int64_t part = 1; (part - 1) * per_part() < n; part++) {
			sb_puts(out, "<sitemap><loc>");
			xml_text(out, base);
			sb_printf(out, "/sitemaps/%s-%lld.xml</loc>", kinds[k].name, (long long)part);
			lastmod(out, mod);
			sb_puts(out, "</sitemap>\n");
		}
	}
	sb_puts(out, "</sitemapindex>\n");
}

int sitemap_part(int64_t tid, const char *base, const char *name, sbuf *out)
{
	for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
		size_t kl = strlen(kinds[k].name);
		if (strncmp(name, kinds[k].name, kl) != 0 || name[kl] != '-') continue;
		const char *num = name + kl + 1;
		char *end;
		long part = strtol(num, &end, 10);
		if (!isdigit((unsigned char)*num) || *num == '0' || part < 1 || part > 100000 || strcmp(end, ".xml") != 0) return -1;
		sqlite3_stmt *st = db_stmt(kinds[k].list_sql);
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":n", per_part());
		db_bind_int(st, ":o", (int64_t)(part - 1) * per_part());
		sbuf body = SBUF_INIT;
		int rows = 0;
		while (db_step(st) == SQLITE_ROW) {
			rows++;
			sb_puts(&body, "<url><loc>");
			xml_text(&body, base);
			const char *slug = db_text(st, 0);
			if (strcmp(kinds[k].name, "pages") == 0 && strcmp(slug, "home") == 0) {
				sb_puts(&body, "/");
			} else {
				sbuf u = SBUF_INIT;
				sb_puts(&u, kinds[k].prefix);
				url_component(&u, slug);
				xml_text(&body, sb_str(&u));
				sb_free(&u);
			}
			sb_puts(&body, "</loc>");
			lastmod(&body, db_int(st, 1));
			sb_puts(&body, "</url>\n");
		}
		db_reset(st);
		if (rows == 0 && part > 1) { sb_free(&body); return -1; }
		head(out, "urlset");
		sb_put(out, body.s ? body.s : "", body.len);
		sb_puts(out, "</urlset>\n");
		sb_free(&body);
		return 0;
	}
	return -1;
}

cJSON *sitemap_settings(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("SELECT settings_json FROM seo_settings WHERE tenant_id = :t");
	db_bind_int(st, ":t", tid);
	cJSON *o = db_step(st) == SQLITE_ROW ? row_json(st, 0, 0) : cJSON_CreateObject();
	db_reset(st);
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "robotsTxt"))) {
		cJSON_DeleteItemFromObjectCaseSensitive(o, "robotsTxt");
		cJSON_AddStringToObject(o, "robotsTxt", "");
	}
	return o;
}

int sitemap_settings_save(int64_t tid, const char *robots_txt)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO seo_settings(tenant_id, settings_json, updated_at) "
				   "VALUES(:t, json_object('robotsTxt', :r), strftime('%s','now')) "
				   "ON CONFLICT(tenant_id) DO UPDATE SET settings_json = json_set(settings_json, '$.robotsTxt', :r), "
				   "updated_at = strftime('%s','now')");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":r", robots_txt);
	return db_run(st) < 0 ? -1 : 0;
}

const char *sitemap_robots_problem(const char *txt, char *buf, size_t n)
{
	static const char *const fields[] = { "user-agent", "allow", "disallow", "crawl-delay" };
	int line = 1;
	for (const char *s = txt; *s; line++) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len && s[len - 1] == '\r') len--;
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)s[i] < 0x20 && s[i] != '\t') {
				snprintf(buf, n, "line %d holds a control character", line);
				return buf;
			}
		size_t i = 0;
		while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
		if (i < len && s[i] != '#') {
			const char *colon = memchr(s + i, ':', len - i);
			int ok = 0;
			for (size_t f = 0; colon && f < ARRAY_LEN(fields); f++)
				ok |= (size_t)(colon - s - (long)i) == strlen(fields[f]) && strncasecmp(s + i, fields[f], strlen(fields[f])) == 0;
			if (!ok) {
				snprintf(buf, n, "line %d must be 'User-agent:', 'Allow:', 'Disallow:' or 'Crawl-delay:' and a value, "
					 "a # comment or blank (got '%.60s')", line, s + i);
				return buf;
			}
		}
		s += len;
		if (*s == '\r') s++;
		if (*s == '\n') s++;
	}
	return NULL;
}

void sitemap_robots(int64_t tid, const char *base, sbuf *out)
{
	sb_puts(out, "User-agent: *\nDisallow: /api/\nDisallow: /cart\nDisallow: /checkout\nDisallow: /orders/\n");
	cJSON *s = sitemap_settings(tid);
	const char *own = cJSON_GetObjectItemCaseSensitive(s, "robotsTxt")->valuestring;
	if (*own) {
		sb_puts(out, "\n# The store's own rules\n");
		for (; *own; own++) if (*own != '\r') sb_putc(out, *own);
		if (out->len && out->s[out->len - 1] != '\n') sb_putc(out, '\n');
	}
	cJSON_Delete(s);
	sb_printf(out, "\nSitemap: %s/sitemap.xml\n", base);
}
