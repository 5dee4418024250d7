/* render: blocks through vibe code, the shell, system and error pages. */
#include "render.h"
#include "ops.h"
#include "assets.h"
#include "media.h"
#include "vibe.h"
#include "sandbox.h"
#include "tmpl.h"
#include "html.h"
#include "catalog.h"
#include "posts.h"
#include "store_settings.h"
#include "db.h"
#include "log.h"
#include "config.h"
#include "share.h"
#include "theme.h"
#include "seo.h"
#include "store.h"
#include "customer.h"
#include "wishlist.h"
#include "pagecache.h"
#include "incache.h"
#include "money.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *render_device(req *r)
{
	const char *ua = http_env(r, "HTTP_USER_AGENT");
	if (!ua) return "desktop";
	if (strstr(ua, "iPad") || strstr(ua, "Tablet")) return "tablet";
	if (strstr(ua, "Mobile") || strstr(ua, "Android") || strstr(ua, "iPhone")) return "mobile";
	return "desktop";
}

/* The live theme (theme.c checks every value that reaches the <style>),
 * with its derived values; a preview swaps the draft into r->t first. */
static cJSON *theme(req *r)
{
	cJSON *t = theme_resolve(r->t.theme_json);
	cJSON *p = theme_public(t);
	cJSON_Delete(t);
	return p;
}

/* The header's logo: the theme's, else the store's own. */
static const char *logo(req *r, const cJSON *th)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(th, "logo");
	return cJSON_IsString(l) && l->valuestring[0] ? l->valuestring : r->t.logo;
}

cJSON *render_storefront(req *r)
{
	cJSON *s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "name", r->t.name);
	cJSON_AddStringToObject(s, "tagline", r->t.tagline);
	cJSON_AddStringToObject(s, "username", r->t.username);
	cJSON_AddStringToObject(s, "domain", r->host);
	/* the shopper's (presentment) currency: what formatPrice and the
	 * products' prices are in; the store's own beside it */
	int other = store_presentment(r);
	cJSON_AddStringToObject(s, "currency", other ? r->currency : r->t.currency);
	cJSON_AddStringToObject(s, "shopCurrency", r->t.currency);
	cJSON *pc = cJSON_AddObjectToObject(s, "presentmentCurrency");
	cJSON_AddStringToObject(pc, "code", other ? r->currency : r->t.currency);
	cJSON_AddStringToObject(pc, "symbol", money_symbol(other ? r->currency : r->t.currency));
	cJSON_AddNumberToObject(pc, "decimals", money_decimals(other ? r->currency : r->t.currency));
	if (other) cJSON_AddStringToObject(pc, "rate", r->currency_rate_text);
	else cJSON_AddNullToObject(pc, "rate");
	cJSON *th = theme(r);
	cJSON_AddStringToObject(s, "logo", logo(r, th));
	cJSON_AddItemToObject(s, "theme", th);
	return s;
}

/* Inputs shared by every block of one page, loaded on first use. */
typedef struct page_data {
	cJSON *storefront, *collections, *posts, *catalog;
	int cacheable;          /* inputs may go to and come from incache (not previews) */
} page_data;

static int has_param(const cJSON *names, const char *n)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, names)
		if (cJSON_IsString(it) && strcmp(it->valuestring, n) == 0) return 1;
	return 0;
}

static cJSON *shared(cJSON **slot, cJSON *(*load)(req *, const cJSON *), req *r, const cJSON *bconf)
{
	if (!*slot) *slot = load(r, bconf);
	return cJSON_Duplicate(*slot, 1);
}

static cJSON *load_collections(req *r, const cJSON *c)
{
	(void)c;
	pagecache_use("collections", 0);
	return cat_collections(&r->t);
}
static cJSON *load_posts(req *r, const cJSON *c)
{
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(c, "limit");
	(void)lim;
	cJSON *a = posts_published(r->t.id, POSTS_BLOCK_MAX);
	pagecache_use("posts", 0);
	pagecache_use_list("post", a);
	return a;
}
static cJSON *load_catalog(req *r, const cJSON *c)
{
	(void)c;
	cJSON *a = cat_catalog(&r->t);
	pagecache_use("products", 0);
	pagecache_use("collections", 0);
	pagecache_use_list("product", a);
	store_present_products(r, a);
	return a;
}

/* A page whose blocks depend on who is signed in (userTypes, `user`):
 * a signed-in shopper's copy is never stored by a cache. */
static void personal(req *r)
{
	if (store_customer(r)) {
		r->cache_control = "private, no-store";
		r->no_etag = 1;
		pagecache_no_store();   /* a signed-in shopper's page is theirs alone */
	}
}

/* Seed visibility rules: devices, userTypes, dateRange {start, end}. */
static int visible(req *r, const cJSON *vis)
{
	if (!cJSON_IsObject(vis)) return 1;
	const cJSON *dev = cJSON_GetObjectItemCaseSensitive(vis, "devices");
	/* The page cache keeps one copy for everyone (or one per
	 * guest/customer flag): a page whose blocks depend on the device or
	 * the date is not kept. */
	if (cJSON_IsArray(dev) && cJSON_GetArraySize(dev) > 0) pagecache_no_store();
	if (cJSON_IsArray(dev) && cJSON_GetArraySize(dev) > 0 && !has_param(dev, render_device(r))) return 0;
	const cJSON *ut = cJSON_GetObjectItemCaseSensitive(vis, "userTypes");
	if (cJSON_IsArray(ut) && cJSON_GetArraySize(ut) > 0) {
		pagecache_vary();    /* one copy for guests, one for customers: never per person */
		personal(r);
		if (!has_param(ut, store_customer(r) ? "customer" : "guest")) return 0;
	}
	const cJSON *dr = cJSON_GetObjectItemCaseSensitive(vis, "dateRange");
	if (cJSON_IsObject(dr)) {
		pagecache_no_store();
		char today[32];
		iso8601(now_unix(), today);
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(dr, "start");
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(dr, "end");
		/* ISO strings compare in time order. */
		if (cJSON_IsString(s) && strcmp(today, s->valuestring) < 0) return 0;
		if (cJSON_IsString(e) && strcmp(today, e->valuestring) > 0) return 0;
	}
	return 1;
}

static cJSON *block_products(req *r, const cJSON *bconf)
{
	const cJSON *coll = cJSON_GetObjectItemCaseSensitive(bconf, "collection");
	const cJSON *sort = cJSON_GetObjectItemCaseSensitive(bconf, "sort");
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(bconf, "limit");
	int limit = cJSON_IsNumber(lim) ? (int)lim->valuedouble : CAT_BLOCK_PRODUCTS;
	cJSON *a = cat_products(&r->t, cJSON_IsString(coll) ? coll->valuestring : NULL,
				cJSON_IsString(sort) ? sort->valuestring : NULL, limit);
	pagecache_use("products", 0);
	if (cJSON_IsString(coll)) pagecache_use("collections", 0);
	pagecache_use_list("product", a);
	store_present_products(r, a);
	return a;
}

static void block_failed(req *r, const cJSON *b, int preview, const vibe_error *e, sbuf *out)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(b, "id");
	const char *bid = cJSON_IsString(id) ? id->valuestring : "?";
	pagecache_no_store();   /* a failed block is not kept: the next view tries again */
	/* The log line the page's comment points at: the prefix has the
	 * request id and the store. */
	log_warn("block %s on %s failed (%s): %s at line %d", bid, r->path, e->kind, e->message, e->line);
	ops_block_failed(e->kind);
	if (!preview) {
		sb_puts(out, "<!-- block ");
		html_text(out, bid);
		sb_puts(out, " failed: request ");
		sb_puts(out, r->id);
		sb_puts(out, " -->");
		return;
	}
	sb_puts(out, "<div class=\"vibe-error\" role=\"alert\"><strong>Block ");
	html_text(out, bid);
	sb_puts(out, " failed (");
	html_text(out, e->kind);
	sb_puts(out, ")</strong>: ");
	html_text(out, e->message);
	if (e->line) sb_printf(out, " <span class=\"vibe-error-at\">at line %d%s</span>", e->line, "");
	sb_puts(out, "</div>");
}

/* incache's key for a block's inputs: everything they are built from
 * (content_version covers the store's rows, theme and settings). 0 for
 * inputs that change with the clock (posts go live at their time), for
 * a person's own (a signed-in shopper's user, wishlist; the cart), and
 * while the page cache records what a page shows (building the inputs is
 * what records it). */
static int input_key(req *r, const vibe_entry *entry, const cJSON *bconf, sbuf *key)
{
	if (store_customer(r) || pagecache_recording(r)) return 0;
	for (int i = 0; i < entry->nparams; i++)
		if (!strcmp(entry->params[i], "posts") || !strcmp(entry->params[i], "user") ||
		    !strcmp(entry->params[i], "cart"))
			return 0;
	sb_printf(key, "%lld|%lld|%d|%s|%s|%s|%s|", (long long)r->t.id, (long long)r->t.content_version, r->https,
		  r->host, r->host_port, render_device(r), store_presentment(r) ? r->currency : "");
	for (int i = 0; i < entry->nparams; i++) {
		sb_puts(key, entry->params[i]);
		sb_putc(key, ',');
	}
	char *conf = cJSON_IsObject(bconf) ? cJSON_PrintUnformatted(bconf) : NULL;
	sb_puts(key, conf ? conf : "{}");
	cJSON_free(conf);
	return 1;
}

static char *build_inputs(req *r, page_data *pd, const vibe_entry *entry, const cJSON *bconf);

/* The inputs a block's function names, as JSON text (free with free). */
static char *block_inputs(req *r, page_data *pd, const vibe_entry *entry, const cJSON *bconf)
{
	sbuf key = SBUF_INIT;
	int keep = pd->cacheable && input_key(r, entry, bconf, &key);
	const char *kept = keep ? incache_get(sb_str(&key)) : NULL;
	char *json = kept ? xstrdup(kept) : build_inputs(r, pd, entry, bconf);
	if (keep && !kept) incache_put(sb_str(&key), json);
	sb_free(&key);
	return json;
}

static char *build_inputs(req *r, page_data *pd, const vibe_entry *entry, const cJSON *bconf)
{
	cJSON *in = cJSON_CreateObject();
	for (int i = 0; i < entry->nparams; i++) {
		const char *p = entry->params[i];
		if (!strcmp(p, "storefront")) {
			if (!pd->storefront) pd->storefront = render_storefront(r);
			cJSON_AddItemToObject(in, p, cJSON_Duplicate(pd->storefront, 1));
		} else if (!strcmp(p, "products")) {
			cJSON_AddItemToObject(in, p, block_products(r, bconf));
		} else if (!strcmp(p, "collections")) {
			cJSON_AddItemToObject(in, p, shared(&pd->collections, load_collections, r, bconf));
		} else if (!strcmp(p, "posts")) {
			cJSON_AddItemToObject(in, p, shared(&pd->posts, load_posts, r, bconf));
		} else if (!strcmp(p, "config")) {
			cJSON_AddItemToObject(in, p, cJSON_IsObject(bconf) ? cJSON_Duplicate(bconf, 1) : cJSON_CreateObject());
		} else if (!strcmp(p, "cart")) {
			/* the shopper's own cart makes the page theirs alone (a
			 * cached copy is never served to a cart's holder:
			 * pagecache.c); without one it is null and the page is
			 * kept per flag, never per person */
			cJSON *c = store_cart_presented(r);
			if (c) {
				r->cache_control = "private, no-store";
				r->no_etag = 1;
				pagecache_no_store();
				cJSON_AddItemToObject(in, p, c);
			} else {
				pagecache_vary_cart();
			}
		} else if (!strcmp(p, "device")) {
			pagecache_no_store();
			cJSON *d = cJSON_AddObjectToObject(in, p);
			cJSON_AddStringToObject(d, "type", render_device(r));
		} else if (!strcmp(p, "api")) {
			cJSON_AddItemToObject(in, "catalog", shared(&pd->catalog, load_catalog, r, bconf));
			/* api.getWishlist(): the signed-in shopper's (personal page) */
			if (store_customer(r)) {
				personal(r);
				cJSON_AddItemToObject(in, "wishlist", wishlist_json(&r->t, r->customer_id));
			}
			if (!cJSON_HasObjectItem(in, "collections"))
				cJSON_AddItemToObject(in, "collections", shared(&pd->collections, load_collections, r, bconf));
		}
		else if (!strcmp(p, "user")) {
			/* the signed-in shopper: name, tags, order count; never an
			 * email or address. A guest's page is kept per flag. */
			pagecache_vary();
			personal(r);
			cJSON *u = store_customer(r) ? customer_user_json(r->t.id, r->customer_id) : NULL;
			cJSON_AddItemToObject(in, p, u ? u : cJSON_CreateNull());
		}
		/* cart: null on cacheable pages; helpers: built in */
	}
	/* helpers.image finds a library URL's renditions here (media.h) */
	for (int i = 0; i < entry->nparams; i++) {
		if (strcmp(entry->params[i], "helpers") != 0) continue;
		cJSON *m = media_map_for(r->t.id, in);
		if (cJSON_GetArraySize(m) > 0) cJSON_AddItemToObject(in, "__media", m);
		else cJSON_Delete(m);
	}
	char *json = cJSON_PrintUnformatted(in);
	cJSON_Delete(in);
	return json;
}

/* A block's ES5 and entry: compiled at publish time into the snapshot
 * ("es5", "entry"), else (drafts in preview) compiled now. */
static int block_code(const cJSON *b, sbuf *es5, vibe_entry *entry, vibe_error *err)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(b, "es5");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(b, "entry");
	if (cJSON_IsString(c) && vibe_entry_from_json(e, entry) == 0) {
		sb_puts(es5, c->valuestring);
		return 0;
	}
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(b, "vibeCode");
	return vibe_compile(cJSON_IsString(code) ? code->valuestring : "", es5, entry, err);
}

/* Per block: skipped (not visible), failed before running, submitted to
 * the sandbox child (job index), or rendered in-process. */
typedef struct slot {
	const cJSON *b;
	int state;              /* 0 skip, 1 failed, 2 submitted, 3 done, 4 kept output, 5 not run (over share) */
	int job;
	vibe_error err;
	sbuf html;
} slot;

static const char *block_id(const cJSON *b)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(b, "id");
	return cJSON_IsString(id) ? id->valuestring : "";
}

void render_blocks(req *r, const cJSON *blocks, int preview, sbuf *out)
{
	render_blocks_timed(r, blocks, preview, out, NULL);
}

void render_blocks_timed(req *r, const cJSON *blocks, int preview, sbuf *out, render_timing *t)
{
	int64_t page_start = now_usec();
	page_data pd = { 0 };
	pd.cacheable = !preview;
	sbx_page child;
	char tz[SBX_TZ_MAX];
	com_time_zone(r->t.id, tz, sizeof tz);
	sbx_page_init(&child, r->t.id, tz);
	if (t) {
		memset(&t->vibe, 0, sizeof t->vibe);
		memset(&t->sbx, 0, sizeof t->sbx);
		sbx_page_measure(&child, &t->sbx, &t->vibe);
	}
	/* Blocks run in the sandbox; without it they fail (sbx_collect says
	 * why), never in-process. The switch is the benchmark's baseline. */
	int sandboxed = !(t && t->inprocess);
	/* A store over its share of the workers' time runs no code until the
	 * window ends: its blocks show their last good output (share.h). */
	int over = !preview && share_over(r->t.id);
	int n = cJSON_GetArraySize(blocks);
	if (n > SBX_MAX_JOBS) n = SBX_MAX_JOBS;
	slot *slots = xcalloc((size_t)(n ? n : 1), sizeof *slots);
	/* Pass 1: inputs for each block, handed to the child as soon as they
	 * are ready, so it renders block k while we load block k+1's data. */
	for (int i = 0; i < n; i++) {
		slot *sl = &slots[i];
		sl->b = cJSON_GetArrayItem(blocks, i);
		if (!visible(r, cJSON_GetObjectItemCaseSensitive(sl->b, "visibility"))) continue;
		if (over) {
			char key[33];
			share_block_key(sl->b, key);
			sl->state = share_cached(r->t.id, block_id(sl->b), key, &sl->html) ? 4 : 5;
			continue;
		}
		vibe_entry entry;
		sbuf es5 = SBUF_INIT;
		if (block_code(sl->b, &es5, &entry, &sl->err) < 0) { sl->state = 1; sb_free(&es5); continue; }
		const char *src = sb_str(&es5);
		int64_t t_in = now_usec();
		char *json = block_inputs(r, &pd, &entry, cJSON_GetObjectItemCaseSensitive(sl->b, "config"));
		if (t) t->vibe.inputs += (long)(now_usec() - t_in);
		if (sandboxed) {
			sl->job = sbx_submit(&child, src, &entry, json);
			sl->state = 2;
		} else {
			vibe_timing vt = { 0 };
			sl->state = vibe_render_timed(src, &entry, json, &sl->html, &sl->err, &vt) < 0 ? 1 : 3;
			t->vibe.compile += vt.compile;  /* in-process only when t asks */
			t->vibe.data += vt.data;
			t->vibe.run += vt.run;
		}
		cJSON_free(json);
		sb_free(&es5);
	}
	/* Pass 2: the page in block order. */
	size_t page_bytes = 0;
	for (int i = 0; i < n; i++) {
		slot *sl = &slots[i];
		if (sl->state == 0) continue;
		if (sl->state == 2 && now_usec() - page_start > cfg.vibe_page_ms * 1000) {
			/* The page's time is up: this block and the rest are not waited
			 * for (their child is killed when the page ends). */
			snprintf(sl->err.kind, sizeof sl->err.kind, "time");
			snprintf(sl->err.message, sizeof sl->err.message,
				 "the page's blocks ran longer than %ld ms in all; this one was not run", cfg.vibe_page_ms);
			sl->err.line = 0;
			sl->state = 1;
		}
		if (sl->state == 2) {
			sl->state = sbx_collect(&child, sl->job, &sl->html, &sl->err) < 0 ? 1 : 3;
		}
		if (sl->state == 3 && page_bytes + sl->html.len > (size_t)cfg.vibe_page_output) {
			/* The page's HTML is capped as a whole, not only per block:
			 * the blocks past the cap render as failed. */
			snprintf(sl->err.kind, sizeof sl->err.kind, "output");
			snprintf(sl->err.message, sizeof sl->err.message,
				 "the page's blocks returned more than %ld bytes of HTML in all; this one was left out",
				 cfg.vibe_page_output);
			sl->err.line = 0;
			sl->state = 1;
		}
		if (sl->state == 3) page_bytes += sl->html.len;
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(sl->b, "id");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(sl->b, "type");
		sb_puts(out, "<section data-block-id=\"");
		html_attr(out, cJSON_IsString(id) ? id->valuestring : "");
		sb_puts(out, "\" data-block-type=\"");
		html_attr(out, cJSON_IsString(type) ? type->valuestring : "");
		sb_puts(out, "\">");
		if (sl->state == 3 || sl->state == 4) sb_put(out, sb_str(&sl->html), sl->html.len);
		else if (sl->state == 5) {
			pagecache_no_store();
			sb_puts(out, "<!-- block ");
			html_text(out, block_id(sl->b));
			sb_puts(out, " not run: the store is over its share of render time; request ");
			sb_puts(out, r->id);
			sb_puts(out, " -->");
		} else block_failed(r, sl->b, preview, &sl->err, out);
		if (sl->state == 3 && !preview) share_keep(r->t.id, sl->b, block_id(sl->b), sb_str(&sl->html), sl->html.len);
		sb_puts(out, "</section>\n");
		sb_free(&sl->html);
	}
	sbx_page_end(&child);
	if (!preview && !over) share_charge(r->t.id, (long)(now_usec() - page_start));
	if (!preview) ops_render_time((long)(now_usec() - page_start));   /* /metrics */
	free(slots);
	cJSON_Delete(pd.storefront);
	cJSON_Delete(pd.collections);
	cJSON_Delete(pd.posts);
	cJSON_Delete(pd.catalog);
}

static cJSON *nav(req *r)
{
	cJSON *a = cJSON_CreateArray();
	/* Labels and nav membership as published, not as drafted. */
	sqlite3_stmt *st = db_stmt("SELECT p.slug, v.title FROM pages p JOIN page_versions v ON v.page_id = p.id "
				   "AND v.version = p.live_version WHERE p.tenant_id = :t AND v.show_in_nav = 1 "
				   "ORDER BY p.slug != 'home', p.nav_position, p.id LIMIT 12");
	db_bind_int(st, ":t", r->t.id);
	while (db_step(st) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		sbuf h = SBUF_INIT;
		if (strcmp(db_text(st, 0), "home") == 0) sb_puts(&h, "/");
		else { sb_putc(&h, '/'); url_component(&h, db_text(st, 0)); }
		cJSON_AddStringToObject(o, "href", sb_str(&h));
		cJSON_AddStringToObject(o, "title", db_text(st, 1));
		cJSON_AddItemToArray(a, o);
		sb_free(&h);
	}
	db_reset(st);
	static const char *const fixed[][2] = { { "/products", "Shop" }, { "/blog", "Blog" } };
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "href", fixed[i][0]);
		cJSON_AddStringToObject(o, "title", fixed[i][1]);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static int current_year(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

void render_base_url(req *r, sbuf *out)
{
	sb_printf(out, "%s://%s", r->https ? "https" : "http", r->host);
	if (r->host_port[0]) sb_printf(out, ":%s", r->host_port);
}

void render_shell(req *r, const char *title, const char *description, const char *content)
{
	render_shell_seo(r, title, description, content, NULL);
}

void render_shell_seo(req *r, const char *title, const char *description, const char *content, seo_item *it)
{
	/* The head: the item's SEO object over its own title and description. */
	sbuf base = SBUF_INIT, path = SBUF_INIT;
	render_base_url(r, &base);
	const char *q = r->raw_path ? strchr(r->raw_path, '?') : NULL;
	sb_put(&path, r->raw_path ? r->raw_path : "/", q ? (size_t)(q - r->raw_path) : strlen(r->raw_path ? r->raw_path : "/"));
	cJSON *head = seo_head(sb_str(&base), sb_str(&path), r->t.name, title, description ? description : r->t.tagline, it);
	title = cJSON_GetObjectItemCaseSensitive(head, "title")->valuestring;
	description = cJSON_GetObjectItemCaseSensitive(head, "description")->valuestring;
	sb_free(&base);
	sb_free(&path);
	cJSON *d = cJSON_CreateObject();
	cJSON_AddItemToObject(d, "seo", head);
	cJSON *store = cJSON_AddObjectToObject(d, "store");
	cJSON_AddStringToObject(store, "name", r->t.name);
	cJSON_AddStringToObject(store, "tagline", r->t.tagline);
	cJSON *th = theme(r);
	cJSON_AddStringToObject(store, "logo", logo(r, th));
	/* No page asks for a missing /favicon.ico: the theme's icon, else the shipped one. */
	const cJSON *fav = cJSON_GetObjectItemCaseSensitive(th, "favicon");
	cJSON_AddStringToObject(d, "favicon", cJSON_IsString(fav) && fav->valuestring[0] ? fav->valuestring : "/favicon.svg");
	cJSON *page = cJSON_AddObjectToObject(d, "page");
	cJSON_AddStringToObject(page, "title", title);
	cJSON_AddStringToObject(page, "description", description ? description : r->t.tagline);
	cJSON_AddItemToObject(d, "nav", nav(r));
	/* the shopping assistant's widget, when the store's theme turns it on */
	cJSON_AddBoolToObject(d, "chatEnabled", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(th, "chatEnabled")));
	cJSON_AddItemToObject(d, "theme", th);
	cJSON_AddStringToObject(d, "content", content);
	cJSON_AddNumberToObject(d, "year", current_year());
	cJSON_AddStringToObject(d, "requestId", r->id);
	cJSON_AddItemToObject(d, "assets", assets_json());   /* fingerprinted css/js URLs */
	sb_reset(&r->out);
	if (tmpl_render_file("shell.html", d, &r->out) < 0) {
		/* No shell: still a valid page rather than nothing. */
		sb_puts(&r->out, "<!doctype html><meta charset=\"utf-8\"><title>");
		html_text(&r->out, title);
		sb_puts(&r->out, "</title>");
		sb_puts(&r->out, content);
	}
	http_content_type(r, "text/html; charset=utf-8");
	cJSON_Delete(d);
}

void render_template_page(req *r, const char *name, const char *title, cJSON *data)
{
	render_template_page_desc(r, name, title, NULL, data);
}

void render_template_page_desc(req *r, const char *name, const char *title, const char *description,
			       cJSON *data)
{
	render_template_page_seo(r, name, title, description, data, NULL);
}

void render_template_page_seo(req *r, const char *name, const char *title, const char *description,
			      cJSON *data, seo_item *it)
{
	sbuf content = SBUF_INIT;
	cJSON_AddItemToObject(data, "store", render_storefront(r));
	cJSON_AddStringToObject(data, "requestId", r->id);
	cJSON_AddItemToObject(data, "assets", assets_json());
	if (tmpl_render_file(name, data, &content) < 0) {
		http_error(r, 500, "template_missing", NULL, "template %s is missing or broken", name);
	} else {
		render_shell_seo(r, title, description, sb_str(&content), it);
	}
	if (it) { cJSON_Delete(it->jsonld); it->jsonld = NULL; }
	sb_free(&content);
}

void render_error_page(req *r, int status, const char *title, const char *message)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(d, "error");
	cJSON_AddNumberToObject(e, "status", status);
	cJSON_AddStringToObject(e, "title", title);
	cJSON_AddStringToObject(e, "message", message);
	cJSON_AddStringToObject(d, "requestId", r->id);
	sbuf content = SBUF_INIT;
	if (tmpl_render_file("error.html", d, &content) < 0) {
		sb_printf(&content, "<h1>%d ", status);
		html_text(&content, title);
		sb_puts(&content, "</h1><p>");
		html_text(&content, message);
		sb_printf(&content, "</p><p>Request %s</p>", r->id);
	}
	if (r->t.id) {
		render_shell(r, title, NULL, sb_str(&content));
	} else {
		sb_reset(&r->out);
		sb_puts(&r->out, "<!doctype html><meta charset=\"utf-8\"><title>");
		html_text(&r->out, title);
		sb_puts(&r->out, "</title>");
		sb_put(&r->out, content.s, content.len);
	}
	sb_free(&content);
	cJSON_Delete(d);
}

void render_platform_404(req *r)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "host", r->host[0] ? r->host : "(none)");
	cJSON_AddStringToObject(d, "requestId", r->id);
	r->status = 404;
	r->no_etag = 1;
	sb_reset(&r->out);
	if (tmpl_render_file("platform_404.html", d, &r->out) < 0) {
		sb_puts(&r->out, "<!doctype html><meta charset=\"utf-8\"><title>No store here</title><h1>No store here</h1><p>");
		html_text(&r->out, r->host);
		sb_printf(&r->out, "</p><p>Request %s</p>", r->id);
	}
	http_content_type(r, "text/html; charset=utf-8");
	cJSON_Delete(d);
}
