/* quota: seed limits per store (see quota.h). */
#include "quota.h"
#include "config.h"
#include "db.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *const keys[LIM_N] = { "pages", "blocksPerPage", "products", "mediaBytes", "posts",
					 "collections", "discounts", "tokens", "users" };

const char *quota_key(enum limit_kind k) { return keys[k]; }

static long def(enum limit_kind k)
{
	switch (k) {
	case LIM_PAGES: return cfg.limit_pages;
	case LIM_BLOCKS_PER_PAGE: return cfg.limit_blocks_per_page;
	case LIM_PRODUCTS: return cfg.limit_products;
	case LIM_POSTS: return cfg.limit_posts;
	case LIM_COLLECTIONS: return cfg.limit_collections;
	case LIM_DISCOUNTS: return cfg.limit_discounts;
	case LIM_TOKENS: return cfg.limit_tokens;
	case LIM_USERS: return cfg.limit_users;
	default: return cfg.limit_media_bytes;
	}
}

int64_t quota_get(int64_t tid, enum limit_kind k)
{
	sqlite3_stmt *st = db_stmt("SELECT json_extract(limits_json, '$.' || :k) FROM tenants WHERE id = :t");
	db_bind_text(st, ":k", keys[k]);
	db_bind_int(st, ":t", tid);
	int64_t v = def(k);
	if (db_step(st) == SQLITE_ROW && !db_isnull(st, 0) && db_int(st, 0) >= 0) v = db_int(st, 0);
	db_reset(st);
	return v;
}

static int64_t count(const char *sql, int64_t tid, int64_t page)
{
	sqlite3_stmt *st = db_stmt(sql);
	db_bind_int(st, ":t", tid);
	if (page) db_bind_int(st, ":p", page);
	int64_t n = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return n;
}

static int reached(req *r, enum limit_kind k, int64_t used, int64_t max, const char *what)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "limit", keys[k]);
	cJSON_AddNumberToObject(d, "max", (double)max);
	cJSON_AddNumberToObject(d, "used", (double)used);
	http_error(r, 422, "limit_reached", d, "this store has reached its limit of %lld %s",
		   (long long)max, what);
	return -1;
}

/* The create routes whose rows count against a limit: the route, the
 * limit, how to count the store's rows, the words of the message. */
static const struct {
	const char *pattern;
	enum limit_kind kind;
	const char *sql;
	const char *what;
} creates[] = {
	{ "/api/cms/pages", LIM_PAGES, "SELECT count(*) FROM pages WHERE tenant_id = :t", "pages" },
	{ "/api/cms/products", LIM_PRODUCTS, "SELECT count(*) FROM products WHERE tenant_id = :t", "products" },
	{ "/api/cms/posts", LIM_POSTS, "SELECT count(*) FROM posts WHERE tenant_id = :t", "posts" },
	{ "/api/cms/collections", LIM_COLLECTIONS, "SELECT count(*) FROM collections WHERE tenant_id = :t", "collections" },
	{ "/api/cms/discounts", LIM_DISCOUNTS, "SELECT count(*) FROM discounts WHERE tenant_id = :t", "discounts" },
	{ "/api/cms/tokens", LIM_TOKENS, "SELECT count(*) FROM api_tokens WHERE tenant_id = :t AND revoked_at IS NULL "
	  "AND (expires_at IS NULL OR expires_at > strftime('%s','now'))", "live API tokens" },
	{ "/api/cms/users", LIM_USERS, "SELECT count(*) FROM users WHERE tenant_id = :t", "users" },
};

int quota_gate(req *r, const route *rt)
{
	if (r->method != M_POST) return 0;
	for (size_t i = 0; i < ARRAY_LEN(creates); i++) {
		if (strcmp(rt->pattern, creates[i].pattern) != 0) continue;
		int64_t max = quota_get(r->t.id, creates[i].kind);
		int64_t n = count(creates[i].sql, r->t.id, 0);
		return n >= max ? reached(r, creates[i].kind, n, max, creates[i].what) : 0;
	}
	if (strcmp(rt->pattern, "/api/cms/blocks") == 0 && r->body.len) {
		/* The page comes from the body; the handler checks it is the
		 * store's own, so a foreign page id only counts zero here. */
		cJSON *b = cJSON_ParseWithLength(r->body.s, r->body.len);
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "pageId");
		int64_t page = cJSON_IsNumber(p) ? (int64_t)p->valuedouble
			     : cJSON_IsString(p) ? strtoll(p->valuestring, NULL, 10) : 0;
		cJSON_Delete(b);
		if (page <= 0) return 0;
		int64_t max = quota_get(r->t.id, LIM_BLOCKS_PER_PAGE);
		int64_t n = count("SELECT count(*) FROM draft_blocks WHERE tenant_id = :t AND page_id = :p", r->t.id, page);
		return n >= max ? reached(r, LIM_BLOCKS_PER_PAGE, n, max, "blocks on one page") : 0;
	}
	return 0;
}

int quota_media_check(req *r, int64_t used, int64_t add)
{
	int64_t max = quota_get(r->t.id, LIM_MEDIA_BYTES);
	return used + add > max ? reached(r, LIM_MEDIA_BYTES, used, max, "bytes of media") : 0;
}

cJSON *quota_json(int64_t tid)
{
	cJSON *o = cJSON_CreateObject();
	for (int k = 0; k < LIM_N; k++) cJSON_AddNumberToObject(o, keys[k], (double)quota_get(tid, (enum limit_kind)k));
	return o;
}
