/* store_seo: what crawlers and feed readers fetch from storefront.fcgi:
 * /sitemap.xml and its parts, /robots.txt, /feed.xml (Atom),
 * /blog/rss.xml (RSS 2.0) and the tag pages /blog/tagged/{tag}; and the
 * two things every store request may need first: a store's due scheduled
 * publishes, and a redirect for a path nothing answered. */
#include "store.h"
#include "render.h"
#include "sitemap.h"
#include "feeds.h"
#include "posts.h"
#include "redirects.h"
#include "schedule.h"
#include "text.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

static void xml(req *r, const char *type, sbuf *body)
{
	http_content_type(r, type);
	sb_reset(&r->out);
	sb_put(&r->out, body->s ? body->s : "", body->len);
	sb_free(body);
}

/* Route: GET /sitemap.xml -- a sitemap index over the store's parts */
void store_sitemap(req *r)
{
	sbuf base = SBUF_INIT, out = SBUF_INIT;
	render_base_url(r, &base);
	sitemap_index(r->t.id, sb_str(&base), &out);
	xml(r, "application/xml; charset=utf-8", &out);
	sb_free(&base);
}

/* Route: GET /sitemaps/{kind}-{n}.xml -- one part (products, collections,
 * pages, posts) */
void store_sitemap_part(req *r)
{
	sbuf base = SBUF_INIT, out = SBUF_INIT;
	render_base_url(r, &base);
	if (sitemap_part(r->t.id, sb_str(&base), r->params[0], &out) < 0)
		http_error(r, 404, "not_found", NULL, "There is no such sitemap.");
	else
		xml(r, "application/xml; charset=utf-8", &out);
	sb_free(&out);
	sb_free(&base);
}

/* Route: GET /robots.txt -- the platform's rules, the store's, the sitemap */
void store_robots(req *r)
{
	sbuf base = SBUF_INIT, out = SBUF_INIT;
	render_base_url(r, &base);
	sitemap_robots(r->t.id, sb_str(&base), &out);
	xml(r, "text/plain; charset=utf-8", &out);
	sb_free(&base);
}

/* Route: GET /feed.xml -- the blog as Atom */
void store_feed_atom(req *r)
{
	sbuf base = SBUF_INIT, out = SBUF_INIT;
	render_base_url(r, &base);
	feeds_atom(r->t.id, sb_str(&base), r->t.name, r->t.tagline, &out);
	xml(r, "application/atom+xml; charset=utf-8", &out);
	sb_free(&base);
}

/* Route: GET /blog/rss.xml -- the blog as RSS 2.0 */
void store_feed_rss(req *r)
{
	sbuf base = SBUF_INIT, out = SBUF_INIT;
	render_base_url(r, &base);
	feeds_rss(r->t.id, sb_str(&base), r->t.name, r->t.tagline, &out);
	xml(r, "application/rss+xml; charset=utf-8", &out);
	sb_free(&base);
}

/* Route: GET /blog/tagged/{tag} -- the posts with a tag (by its slug) */
void store_blog_tagged(req *r)
{
	sbuf slug = SBUF_INIT;
	text_slugify(&slug, r->params[0]);
	cJSON *list = slug.len && strlen(r->params[0]) <= 200 ? posts_tagged(r->t.id, sb_str(&slug), 100) : cJSON_CreateArray();
	if (cJSON_GetArraySize(list) == 0) {
		cJSON_Delete(list);
		sb_free(&slug);
		http_error(r, 404, "not_found", NULL, "There are no posts with this tag.");
		return;
	}
	/* The tag as the merchant wrote it, from the first post that has it. */
	const char *name = sb_str(&slug);
	const cJSON *t;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 0), "tags")) {
		sbuf s = SBUF_INIT;
		text_slugify(&s, cJSON_IsString(t) ? t->valuestring : "");
		int same = strcmp(sb_str(&s), sb_str(&slug)) == 0;
		sb_free(&s);
		if (same) { name = t->valuestring; break; }
	}
	store_add_post_dates(list);
	cJSON *d = cJSON_CreateObject();
	cJSON_AddItemToObject(d, "posts", list);
	sbuf title = SBUF_INIT;
	sb_printf(&title, "Posts tagged \xe2\x80\x9c%s\xe2\x80\x9d", name);
	cJSON_AddStringToObject(d, "heading", sb_str(&title));
	render_template_page(r, "blog_index.html", sb_str(&title), d);
	cJSON_Delete(d);
	sb_free(&title);
	sb_free(&slug);
}

void store_run_schedule(req *r)
{
	/* A failure here must not fail the page: the next request tries again. */
	int n = sched_run_due(r->t.id);
	if (n < 0) log_warn("scheduled publishes of store %lld could not be applied now", (long long)r->t.id);
	else if (n > 0) r->t.content_version++;
}

int store_redirect(req *r)
{
	if (r->status != 404 || !r->t.id || !(r->method & (M_GET | M_HEAD)) || str_startswith(r->path, "/api/")) return 0;
	sbuf to = SBUF_INIT;
	int status = 301;
	if (redir_lookup(r->t.id, r->path, &to, &status) < 0) { sb_free(&to); return 0; }
	/* The request's query goes along unless the target has its own. */
	if (r->query_string && *r->query_string && !strchr(sb_str(&to), '?')) sb_printf(&to, "?%s", r->query_string);
	sbuf loc = SBUF_INIT;
	static const char hx[] = "0123456789ABCDEF";
	for (const unsigned char *c = (const unsigned char *)sb_str(&to); *c; c++) {
		if (*c >= 0x80) { sb_putc(&loc, '%'); sb_putc(&loc, hx[*c >> 4]); sb_putc(&loc, hx[*c & 15]); }
		else sb_putc(&loc, *c);
	}
	http_redirect(r, status, sb_str(&loc));
	sb_free(&loc);
	sb_free(&to);
	return 1;
}

/* A post's dateFormatted ("March 5, 2026") from its publishedAt, for the
 * blog templates (the blog, a post, tag pages, feeds). */
void store_add_post_date(cJSON *post)
{
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(post, "publishedAt");
	char buf[64] = "";
	if (cJSON_IsString(at) && strlen(at->valuestring) >= 10) {
		static const char *mon[] = { "January", "February", "March", "April", "May", "June", "July",
					     "August", "September", "October", "November", "December" };
		int y, m, dd;
		if (sscanf(at->valuestring, "%d-%d-%d", &y, &m, &dd) == 3 && m >= 1 && m <= 12)
			snprintf(buf, sizeof buf, "%s %d, %d", mon[m - 1], dd, y);
	}
	cJSON_AddStringToObject(post, "dateFormatted", buf);
}

void store_add_post_dates(cJSON *posts)
{
	cJSON *p;
	cJSON_ArrayForEach(p, posts) store_add_post_date(p);
}
