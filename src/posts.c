/* posts: blog posts for the storefront, vibe code and admin. */
#include "posts.h"
#include "db.h"
#include "util.h"
#include "rows.h"
#include "text.h"
#include "input.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLS "id, slug, title, excerpt, featured_image, status, published_at, created_at, updated_at, content, version, seo_json, author_id, " \
	"author_name, tags_json, (status = 'published' AND published_at > CAST(strftime('%s','now') AS INTEGER)), custom_json"
/* Shown on the store: published, and its time has come (a later one is scheduled). */
#define LIVE "status = 'published' AND coalesce(published_at, 0) <= CAST(strftime('%s','now') AS INTEGER)"

/* with_content: 1 admin with content, 0 admin list, -1 public. */
static cJSON *post_row(sqlite3_stmt *st, int with_content)
{
	cJSON *p = cJSON_CreateObject();
	row_add_id(p, "id", db_int(st, 0));
	cJSON_AddStringToObject(p, "slug", db_text(st, 1));
	cJSON_AddStringToObject(p, "title", db_text(st, 2));
	cJSON_AddStringToObject(p, "excerpt", db_text(st, 3));
	cJSON_AddStringToObject(p, "featuredImage", db_text(st, 4));
	cJSON_AddStringToObject(p, "status", db_text(st, 5));
	row_add_time(p, "publishedAt", st, 6);
	row_add_time(p, "createdAt", st, 7);
	row_add_time(p, "updatedAt", st, 8);
	if (with_content > 0) cJSON_AddStringToObject(p, "content", db_text(st, 9));
	cJSON_AddStringToObject(p, "authorName", db_text(st, 13));
	cJSON_AddItemToObject(p, "seoConfig", row_json(st, 11, 0));   /* what the page's head prints */
	cJSON_AddItemToObject(p, "tags", row_json(st, 14, 1));
	if (with_content >= 0) {
		/* Admin only: the edit counter (PUT sends it back), SEO and author. */
		cJSON_AddNumberToObject(p, "version", (double)db_int(st, 10));
		if (db_isnull(st, 12)) cJSON_AddNullToObject(p, "authorId");
		else row_add_id(p, "authorId", db_int(st, 12));
		/* Published for a later time: shown as scheduled until then. */
		cJSON_AddBoolToObject(p, "scheduled", db_int(st, 15) != 0);
		if (db_int(st, 15)) row_add_time(p, "publishAt", st, 6);
		else cJSON_AddNullToObject(p, "publishAt");
	}
	cJSON_AddItemToObject(p, "customFields", row_json(st, 16, 0));   /* public too: vibe code's posts */
	sbuf url = SBUF_INIT;
	sb_printf(&url, "/blog/%s", db_text(st, 1));
	cJSON_AddStringToObject(p, "url", sb_str(&url));
	sb_free(&url);
	return p;
}

static cJSON *list_row(sqlite3_stmt *st) { return post_row(st, -1); }
static cJSON *admin_row(sqlite3_stmt *st) { return post_row(st, 0); }
static cJSON *full_row(sqlite3_stmt *st) { return post_row(st, 1); }

cJSON *posts_published(int64_t tid, int limit)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLS " FROM posts WHERE tenant_id = :t AND " LIVE " "
				   "ORDER BY published_at DESC, id DESC LIMIT :n");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", limit);
	return row_all(st, list_row);
}

char *posts_markdown(const char *md)
{
	/* The post page's title is its one <h1>: headings in the text start at
	 * <h2> (a "# Heading" becomes <h2>, "##" <h3>, ... down to <h6>). */
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
	int top = 6;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) < top)
			top = cmark_node_get_heading_level(n);
	}
	cmark_iter_free(it);
	if (top == 1) {
		it = cmark_iter_new(doc);
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			cmark_node *n = cmark_iter_get_node(it);
			if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_HEADING) {
				int lv = cmark_node_get_heading_level(n);
				(void)cmark_node_set_heading_level(n, lv < 6 ? lv + 1 : 6);
			}
		}
		cmark_iter_free(it);
	}
	char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
	cmark_node_free(doc);
	char *out = xstrdup(html ? html : "");
	free(html);
	return out;
}

cJSON *posts_published_by_slug(int64_t tid, const char *slug)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLS " FROM posts WHERE tenant_id = :t AND slug = :s AND " LIVE);
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":s", slug);
	cJSON *p = NULL;
	if (db_step(st) == SQLITE_ROW) {
		p = post_row(st, -1);
		char *html = posts_markdown(db_text(st, 9));
		cJSON_AddStringToObject(p, "html", html);
		free(html);
	}
	db_reset(st);
	return p;
}

cJSON *posts_admin_get(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLS " FROM posts WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	return row_one(st, full_row);
}

cJSON *posts_admin_list(int64_t tid, int64_t limit, int64_t offset)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLS " FROM posts WHERE tenant_id = :t ORDER BY coalesce(published_at, created_at) DESC, id DESC "
				   "LIMIT :n OFFSET :o");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", limit);
	db_bind_int(st, ":o", offset);
	return row_all(st, admin_row);
}

cJSON *posts_tagged(int64_t tid, const char *tag, int limit)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLS " FROM posts WHERE tenant_id = :t AND " LIVE " AND id IN "
				   "(SELECT post_id FROM post_tags WHERE tenant_id = :t AND tag = :g) "
				   "ORDER BY published_at DESC, id DESC LIMIT :n");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":g", tag);
	db_bind_int(st, ":n", limit);
	return row_all(st, list_row);
}

cJSON *posts_feed(int64_t tid, int limit)
{
	/* Newest first, each with its HTML (the feed's content). */
	sqlite3_stmt *st = db_stmt("SELECT " COLS " FROM posts WHERE tenant_id = :t AND " LIVE " "
				   "ORDER BY published_at DESC, id DESC LIMIT :n");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", limit);
	cJSON *a = cJSON_CreateArray();
	while (db_step(st) == SQLITE_ROW) {
		cJSON *p = post_row(st, -1);
		char *html = posts_markdown(db_text(st, 9));
		cJSON_AddStringToObject(p, "html", html);
		free(html);
		cJSON_AddItemToArray(a, p);
	}
	db_reset(st);
	return a;
}

int posts_set_tags(int64_t tid, int64_t post, const cJSON *tags)
{
	sqlite3_stmt *st = db_stmt("DELETE FROM post_tags WHERE tenant_id = :t AND post_id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", post);
	if (db_run(st) < 0) return -1;
	const cJSON *t;
	cJSON_ArrayForEach(t, tags) {
		sbuf slug = SBUF_INIT;
		text_slugify(&slug, t->valuestring);
		st = db_stmt("INSERT OR IGNORE INTO post_tags(tenant_id, tag, post_id) VALUES(:t, :g, :p)");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":g", sb_str(&slug));
		db_bind_int(st, ":p", post);
		int rc = db_run(st);
		sb_free(&slug);
		if (rc < 0) return -1;
	}
	return 0;
}

const char *posts_tags_problem(const cJSON *tags)
{
	if (!cJSON_IsArray(tags)) return "must be a list of tags";
	if (cJSON_GetArraySize(tags) > POSTS_TAGS_MAX) return "holds more than " STR(POSTS_TAGS_MAX) " tags";
	const cJSON *t;
	cJSON_ArrayForEach(t, tags) {
		if (!cJSON_IsString(t) || !t->valuestring[0] || strlen(t->valuestring) > POSTS_TAG_MAX)
			return "must be a list of non-empty strings of at most " STR(POSTS_TAG_MAX) " bytes";
		if (control_problem(t->valuestring)) return "must not contain control characters";
		sbuf slug = SBUF_INIT;
		text_slugify(&slug, t->valuestring);
		int empty = slug.len == 0;
		sb_free(&slug);
		if (empty) return "each tag needs a letter or digit (it becomes the /blog/tagged/ address)";
	}
	return NULL;
}
