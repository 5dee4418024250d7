/* feeds: Atom and RSS of the blog (see feeds.h). */
#include "feeds.h"
#include "posts.h"
#include "config.h"
#include "html.h"
#include "seo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void element(sbuf *out, const char *name, const char *text)
{
	sb_printf(out, "<%s>", name);
	xml_text(out, text);
	sb_printf(out, "</%s>", name);
}

static void post_url(sbuf *out, const char *base, const cJSON *p)
{
	sb_puts(out, base);
	sb_puts(out, "/blog/");
	url_component(out, str(p, "slug"));
}

static void abs_image(sbuf *out, const char *base, const cJSON *p)
{
	const char *img = str(p, "featuredImage");
	if (*img && !seo_url_problem(img)) seo_abs(out, base, img);
}

void feeds_atom(int64_t tid, const char *base, const char *store, const char *tagline, sbuf *out)
{
	cJSON *posts = posts_feed(tid, (int)cfg.feed_items);
	const cJSON *p;
	const char *updated = cJSON_GetArraySize(posts) ? str(cJSON_GetArrayItem(posts, 0), "publishedAt") : "";
	char now[32];
	iso8601(now_unix(), now);
	sb_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
	element(out, "title", store);
	if (*tagline) element(out, "subtitle", tagline);
	sb_puts(out, "\n<id>");
	xml_text(out, base);
	sb_puts(out, "/blog</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_text(out, base);
	sb_puts(out, "/blog\"/>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	xml_text(out, base);
	sb_puts(out, "/feed.xml\"/>\n");
	element(out, "updated", *updated ? updated : now);
	sb_puts(out, "\n<author>");
	element(out, "name", store);
	sb_puts(out, "</author>\n");
	cJSON_ArrayForEach(p, posts) {
		sbuf url = SBUF_INIT, img = SBUF_INIT;
		post_url(&url, base, p);
		abs_image(&img, base, p);
		const char *pub = str(p, "publishedAt");
		sb_puts(out, "<entry>\n");
		element(out, "title", str(p, "title"));
		sb_puts(out, "\n<link rel=\"alternate\" type=\"text/html\" href=\"");
		xml_text(out, sb_str(&url));
		sb_puts(out, "\"/>\n");
		element(out, "id", sb_str(&url));
		sb_putc(out, '\n');
		element(out, "published", pub);
		sb_putc(out, '\n');
		const char *upd = str(p, "updatedAt");
		element(out, "updated", strcmp(upd, pub) > 0 ? upd : pub);
		sb_puts(out, "\n<author>");
		element(out, "name", *str(p, "authorName") ? str(p, "authorName") : store);
		sb_puts(out, "</author>\n");
		const cJSON *t;
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(p, "tags")) {
			if (!cJSON_IsString(t)) continue;
			sb_puts(out, "<category term=\"");
			xml_text(out, t->valuestring);
			sb_puts(out, "\"/>\n");
		}
		if (img.len) {
			sb_puts(out, "<link rel=\"enclosure\" href=\"");
			xml_text(out, sb_str(&img));
			sb_puts(out, "\"/>\n");
		}
		if (*str(p, "excerpt")) { element(out, "summary", str(p, "excerpt")); sb_putc(out, '\n'); }
		sb_puts(out, "<content type=\"html\">");
		if (img.len) {
			sbuf tag = SBUF_INIT;
			sb_puts(&tag, "<p><img src=\"");
			html_attr(&tag, sb_str(&img));
			sb_puts(&tag, "\" alt=\"\"></p>");
			xml_text(out, sb_str(&tag));
			sb_free(&tag);
		}
		xml_text(out, str(p, "html"));
		sb_puts(out, "</content>\n</entry>\n");
		sb_free(&url);
		sb_free(&img);
	}
	sb_puts(out, "</feed>\n");
	cJSON_Delete(posts);
}

/* RFC 822 date of an ISO time (RSS's pubDate). */
static void rfc822(sbuf *out, const char *iso)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm)) return;
	char b[64];
	strftime(b, sizeof b, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	sb_puts(out, b);
}

void feeds_rss(int64_t tid, const char *base, const char *store, const char *tagline, sbuf *out)
{
	cJSON *posts = posts_feed(tid, (int)cfg.feed_items);
	const cJSON *p;
	sb_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" "
		     "xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
	element(out, "title", store);
	sb_puts(out, "\n<link>");
	xml_text(out, base);
	sb_puts(out, "/blog</link>\n");
	element(out, "description", *tagline ? tagline : store);
	sb_puts(out, "\n<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"");
	xml_text(out, base);
	sb_puts(out, "/blog/rss.xml\"/>\n");
	cJSON_ArrayForEach(p, posts) {
		sbuf url = SBUF_INIT, img = SBUF_INIT, date = SBUF_INIT;
		post_url(&url, base, p);
		abs_image(&img, base, p);
		rfc822(&date, str(p, "publishedAt"));
		sb_puts(out, "<item>\n");
		element(out, "title", str(p, "title"));
		sb_putc(out, '\n');
		element(out, "link", sb_str(&url));
		sb_puts(out, "\n<guid isPermaLink=\"true\">");
		xml_text(out, sb_str(&url));
		sb_puts(out, "</guid>\n");
		if (date.len) { element(out, "pubDate", sb_str(&date)); sb_putc(out, '\n'); }
		element(out, "dc:creator", *str(p, "authorName") ? str(p, "authorName") : store);
		sb_putc(out, '\n');
		const cJSON *t;
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(p, "tags"))
			if (cJSON_IsString(t)) { element(out, "category", t->valuestring); sb_putc(out, '\n'); }
		if (img.len) {
			sb_puts(out, "<enclosure url=\"");
			xml_text(out, sb_str(&img));
			sb_puts(out, "\" length=\"0\" type=\"");
			const char *u = sb_str(&img);
			sb_puts(out, str_endswith(u, ".png") ? "image/png" : str_endswith(u, ".svg") ? "image/svg+xml" :
				     str_endswith(u, ".webp") ? "image/webp" : str_endswith(u, ".gif") ? "image/gif" : "image/jpeg");
			sb_puts(out, "\"/>\n");
		}
		element(out, "description", *str(p, "excerpt") ? str(p, "excerpt") : str(p, "html"));
		sb_puts(out, "\n</item>\n");
		sb_free(&url);
		sb_free(&img);
		sb_free(&date);
	}
	sb_puts(out, "</channel>\n</rss>\n");
	cJSON_Delete(posts);
}
