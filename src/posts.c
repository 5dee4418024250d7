/* posts: blog posts for the storefront, vibe code and admin. */
#include "posts.h"
#include "db.h"
#include "util.h"
#include "rows.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLS "id, slug, title, excerpt, featured_image, status, published_at, created_at, updated_at, content, version, seo_json, author_id, " \
	"custom_json"

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
	if (with_content >= 0) {
		/* Admin only: the edit counter (PUT sends it back), SEO and author. */
		cJSON_AddNumberToObject(p, "version", (double)db_int(st, 10));
		cJSON_AddItemToObject(p, "seoConfig", row_json(st, 11, 0));
		if (db_isnull(st, 12)) cJSON_AddNullToObject(p, "authorId");
		else row_add_id(p, "authorId", db_int(st, 12));
	}
	cJSON_AddItemToObject(p, "customFields", row_json(st, 13, 0));   /* public too: vibe code's posts */
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
	sqlite3_stmt *st = db_stmt("SELECT " COLS " FROM posts WHERE tenant_id = :t AND status = 'published' "
				   "ORDER BY published_at DESC, id DESC LIMIT :n");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", limit);
	return row_all(st, list_row);
}

char *posts_markdown(const char *md)
{
	char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
	char *out = xstrdup(html ? html : "");
	free(html);
	return out;
}

cJSON *posts_published_by_slug(int64_t tid, const char *slug)
{
	sqlite3_stmt *st = db_stmt("SELECT " COLS " FROM posts WHERE tenant_id = :t AND slug = :s AND status = 'published'");
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
