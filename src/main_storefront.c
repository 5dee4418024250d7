/* storefront.fcgi: the public store. Resolves the tenant from the Host
 * header, then serves pages (blocks through vibe code), products,
 * collections and the blog. Runs as FastCGI or plain CGI. */
#include "server.h"
#include "payment.h"
#include "route.h"
#include "render.h"
#include "pages.h"
#include "catalog.h"
#include "posts.h"
#include "money.h"
#include "html.h"
#include "db.h"
#include "domains.h"
#include "admin_access.h"
#include "ratelimit.h"
#include "store.h"
#include "input.h"
#include "text.h"
#include "seo.h"
#include "media.h"
#include "search.h"
#include "pagecache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void not_found(req *r, const char *what)
{
	http_error(r, 404, "not_found", NULL, "%s", what);
}

/* Route: GET / and GET /{slug} -- a page's live published version. */
static void page_live(req *r, const char *slug)
{
	int64_t id = pages_id_by_slug(r->t.id, slug);
	cJSON *blocks = id ? pages_live_blocks(r->t.id, id, 0) : NULL;
	if (!blocks) {
		not_found(r, "There is no page at this address.");
		return;
	}
	pagecache_use("page", id);
	/* The head comes from the live version too, not from the draft. */
	char *title = NULL, *meta = NULL;
	pages_live_meta(r->t.id, id, &title, &meta);
	cJSON *seo = pages_live_seo(r->t.id, id);
	const char *name = title && *title ? title : r->t.name;
	sbuf content = SBUF_INIT, page = SBUF_INIT, base = SBUF_INIT;
	render_blocks(r, blocks, 0, &content);
	/* Every page has one <h1>: when no block gives one, the page's title. */
	if (!strcasestr(sb_str(&content), "<h1")) {
		sb_puts(&page, "<header class=\"container page-header page-header--page\"><h1 class=\"page-header__title\">");
		html_text(&page, name);
		sb_puts(&page, "</h1></header>\n");
	}
	sb_put(&page, content.s ? content.s : "", content.len);
	render_base_url(r, &base);
	seo_item it = { .title = name, .description = meta && *meta ? meta : NULL, .seo = seo,
			.jsonld = cJSON_CreateArray() };
	if (strcmp(slug, "home") == 0) {
		it.path = "/";
		seo_ld_home(it.jsonld, sb_str(&base), r->t.name, r->t.logo, r->t.tagline);
	} else {
		sbuf path = SBUF_INIT;
		sb_putc(&path, '/');
		url_component(&path, slug);
		const char *names[] = { r->t.name, name }, *paths[] = { "/", sb_str(&path) };
		cJSON_AddItemToArray(it.jsonld, seo_ld_breadcrumbs(sb_str(&base), 2, names, paths));
		sb_free(&path);
	}
	render_shell_seo(r, name, meta && *meta ? meta : NULL, sb_str(&page), &it);
	cJSON_Delete(it.jsonld);
	cJSON_Delete(seo);
	sb_free(&content);
	sb_free(&page);
	sb_free(&base);
	free(title);
	free(meta);
	cJSON_Delete(blocks);
}

static void home(req *r) { page_live(r, "home"); }

static void page_by_slug(req *r)
{
	if (strlen(r->params[0]) > 100) { not_found(r, "There is no page at this address."); return; }
	page_live(r, r->params[0]);
}

/* Variants for the product page's option select: formatted prices. */
static void add_variant_prices(req *r, cJSON *p)
{
	cJSON *vars = cJSON_GetObjectItemCaseSensitive(p, "variants"), *v;
	cJSON_AddBoolToObject(p, "hasVariants", cJSON_GetArraySize(vars) > 0);
	cJSON_ArrayForEach(v, vars) store_add_variant_prices(r, v, p);
}

/* Route: GET /products -- every active product. */
static void products_index(req *r)
{
	cJSON *d = cJSON_CreateObject();
	if (store_browse_page(r, NULL, "/products", d) == 0)   /* sort_by, filter.*, page */
		render_template_page(r, "products.html", "All products", d);
	cJSON_Delete(d);
}

/* Route: GET /api/products?collection=&sort=&limit= -- the public product
 * JSON (what vibe code's `products` holds: major units, every image). */
static void api_products(req *r)
{
	int64_t limit;
	if (in_query_limit(r, 100, &limit) < 0) return;
	cJSON *o = cJSON_CreateObject();
	if (store_browse_api(r, http_query(r, "collection"), limit, o) < 0) { cJSON_Delete(o); return; }
	http_json(r, 200, o);
}

/* Route: GET /api/products/{slug} */
static void api_product(req *r)
{
	cJSON *p = cat_product_by_slug(&r->t, r->params[0]);
	if (!p) { not_found(r, "There is no such product."); return; }
	store_present_product(r, p);   /* in the shopper's currency, as /api/products */
	http_json(r, 200, p);
}

/* Route: GET /products/{slug} */
static void product_page(req *r)
{
	cJSON *p = cat_product_by_slug(&r->t, r->params[0]);
	if (!p) { not_found(r, "There is no such product."); return; }
	store_add_prices(r, p);
	add_variant_prices(r, p);
	/* the gallery: every image with its renditions (media.h) */
	int nimages = media_image_fields(cJSON_GetObjectItemCaseSensitive(p, "images"), 800, "(max-width: 800px) 100vw, 50vw", 600, 600);
	cJSON_AddBoolToObject(p, "hasGallery", nimages > 1);
	store_product_picker(r, p);   /* ?variant=ID */
	const cJSON *pid = cJSON_GetObjectItemCaseSensitive(p, "id");
	pagecache_use("product", cJSON_IsString(pid) ? atoll(pid->valuestring) : 0);
	cJSON *d = cJSON_CreateObject();
	cJSON_AddItemToObject(d, "product", p);
	/* nearest neighbours in this store, else the same collections (the
	 * page shows them: their changes reach it) */
	cJSON *related = search_related(&r->t, cJSON_IsString(pid) ? strtoll(pid->valuestring, NULL, 10) : 0, 4), *rp;
	pagecache_use_list("product", related);
	cJSON_ArrayForEach(rp, related) {   /* their prices in the shopper's currency, as the page's own */
		cJSON_DeleteItemFromObjectCaseSensitive(rp, "priceFormatted");
		store_add_prices(r, rp);
	}
	cJSON_AddBoolToObject(d, "hasRelated", cJSON_GetArraySize(related) > 0);
	cJSON_AddItemToObject(d, "related", related);
	/* The page head: the product's SEO title and description when it has
	 * them, else its name and the start of its description. */
	const cJSON *seo = cJSON_GetObjectItemCaseSensitive(p, "seo");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(seo, "title");
	const cJSON *sd = cJSON_GetObjectItemCaseSensitive(seo, "description");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
	const cJSON *desc = cJSON_GetObjectItemCaseSensitive(p, "description");
	char meta[161] = "";
	if (cJSON_IsString(sd) && sd->valuestring[0]) snprintf(meta, sizeof meta, "%s", sd->valuestring);
	else if (cJSON_IsString(desc)) snprintf(meta, sizeof meta, "%s", desc->valuestring);
	size_t ml = strlen(meta);   /* never end inside a UTF-8 sequence */
	while (ml && ((unsigned char)meta[ml - 1] & 0xc0) == 0x80) ml--;
	if (ml && (unsigned char)meta[ml - 1] >= 0xc0) ml--;
	if (strlen(meta) == sizeof meta - 1) meta[ml] = 0;
	/* What search engines read: the Product with its Offer, and where it is. */
	sbuf base = SBUF_INIT;
	render_base_url(r, &base);
	const cJSON *img = cJSON_GetObjectItemCaseSensitive(p, "image");
	seo_item it = { .type = "product", .title = name->valuestring, .seo = seo,
			.image = cJSON_IsString(img) ? img->valuestring : NULL, .jsonld = cJSON_CreateArray() };
	cJSON_AddItemToArray(it.jsonld, seo_ld_product(sb_str(&base), p, r->t.currency));
	const cJSON *url = cJSON_GetObjectItemCaseSensitive(p, "url");
	const char *names[] = { r->t.name, "Shop", name->valuestring }, *paths[] = { "/", "/products", url->valuestring };
	cJSON_AddItemToArray(it.jsonld, seo_ld_breadcrumbs(sb_str(&base), 3, names, paths));
	render_template_page_seo(r, "product.html",
				 cJSON_IsString(st) && st->valuestring[0] ? st->valuestring : name->valuestring,
				 meta[0] ? meta : NULL, d, &it);
	sb_free(&base);
	cJSON_Delete(d);
}

/* Route: GET /collections/{slug} */
static void collection_page(req *r)
{
	cJSON *c = cat_collection_by_slug(&r->t, r->params[0]);
	if (!c) { not_found(r, "There is no such collection."); return; }
	const cJSON *cid = cJSON_GetObjectItemCaseSensitive(c, "id");
	pagecache_use("collection", cJSON_IsString(cid) ? atoll(cid->valuestring) : 0);
	cJSON *d = cJSON_CreateObject();
	cJSON_AddItemToObject(d, "collection", c);
	char path[160];
	snprintf(path, sizeof path, "/collections/%s", r->params[0]);
	const cJSON *title = cJSON_GetObjectItemCaseSensitive(c, "title");
	if (store_browse_page(r, r->params[0], path, d) < 0) { cJSON_Delete(d); return; }
	const cJSON *desc = cJSON_GetObjectItemCaseSensitive(c, "description");
	const cJSON *img = cJSON_GetObjectItemCaseSensitive(c, "image");
	sbuf base = SBUF_INIT;
	render_base_url(r, &base);
	seo_item it = { .title = title->valuestring, .seo = cJSON_GetObjectItemCaseSensitive(c, "seo"),
			.image = cJSON_IsString(img) ? img->valuestring : NULL, .jsonld = cJSON_CreateArray() };
	const char *names[] = { r->t.name, title->valuestring };
	const char *paths[] = { "/", cJSON_GetObjectItemCaseSensitive(c, "url")->valuestring };
	cJSON_AddItemToArray(it.jsonld, seo_ld_breadcrumbs(sb_str(&base), 2, names, paths));
	render_template_page_seo(r, "collection.html", title->valuestring,
				 cJSON_IsString(desc) && desc->valuestring[0] ? desc->valuestring : NULL, d, &it);
	sb_free(&base);
	cJSON_Delete(d);
}

/* tagLinks [{name, href}] for the post page's tag list. */
static void add_tag_links(cJSON *post)
{
	cJSON *links = cJSON_AddArrayToObject(post, "tagLinks");
	const cJSON *t;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(post, "tags")) {
		if (!cJSON_IsString(t)) continue;
		sbuf slug = SBUF_INIT, href = SBUF_INIT;
		text_slugify(&slug, t->valuestring);
		sb_puts(&href, "/blog/tagged/");
		url_component(&href, sb_str(&slug));
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", t->valuestring);
		cJSON_AddStringToObject(o, "href", sb_str(&href));
		cJSON_AddItemToArray(links, o);
		sb_free(&slug);
		sb_free(&href);
	}
	cJSON_AddBoolToObject(post, "hasTags", cJSON_GetArraySize(links) > 0);
}

/* Route: GET /blog */
static void blog_index(req *r)
{
	cJSON *d = cJSON_CreateObject();
	cJSON *list = posts_published(r->t.id, 100);
	cJSON *p;
	cJSON_ArrayForEach(p, list) store_add_post_date(p);
	pagecache_use("posts", 0);
	pagecache_use_list("post", list);
	cJSON_AddItemToObject(d, "posts", list);
	render_template_page(r, "blog_index.html", "Blog", d);
	cJSON_Delete(d);
}

/* Route: GET /blog/{slug} */
static void blog_post(req *r)
{
	cJSON *p = posts_published_by_slug(r->t.id, r->params[0]);
	if (!p) { not_found(r, "There is no such post."); return; }
	store_add_post_date(p);
	add_tag_links(p);
	const cJSON *postid = cJSON_GetObjectItemCaseSensitive(p, "id");
	pagecache_use("post", cJSON_IsString(postid) ? atoll(postid->valuestring) : 0);
	cJSON *d = cJSON_CreateObject();
	cJSON_AddItemToObject(d, "post", p);
	const char *title = cJSON_GetObjectItemCaseSensitive(p, "title")->valuestring;
	const char *excerpt = cJSON_GetObjectItemCaseSensitive(p, "excerpt")->valuestring;
	const char *img = cJSON_GetObjectItemCaseSensitive(p, "featuredImage")->valuestring;
	sbuf base = SBUF_INIT;
	render_base_url(r, &base);
	seo_item it = { .type = "article", .title = title, .description = *excerpt ? excerpt : NULL,
			.image = *img ? img : NULL, .seo = cJSON_GetObjectItemCaseSensitive(p, "seoConfig"),
			.jsonld = cJSON_CreateArray() };
	cJSON_AddItemToArray(it.jsonld, seo_ld_article(sb_str(&base), p, r->t.name, r->t.logo));
	const char *names[] = { r->t.name, "Blog", title };
	const char *paths[] = { "/", "/blog", cJSON_GetObjectItemCaseSensitive(p, "url")->valuestring };
	cJSON_AddItemToArray(it.jsonld, seo_ld_breadcrumbs(sb_str(&base), 3, names, paths));
	render_template_page_seo(r, "post.html", title, *excerpt ? excerpt : NULL, d, &it);
	sb_free(&base);
	cJSON_Delete(d);
}

/* T: a store's route (the Host names an active store, else 404/503/301
 * before the row is matched against anything else). NS: private answers
 * (the shopper's cart, checkout and orders): Cache-Control: no-store. */
#define T R_TENANT
#define NS R_NOSTORE
/* PC: opt-in to the page cache (pagecache.h): the answer is the same for
 * every anonymous shopper and the handler reports what it showed
 * (pagecache_use). A new page stays uncached until someone decides it may. */
#define PC R_CACHE
static const route routes[] = {
	/* Caddy's on-demand TLS asks from its own host: no store here. */
	{ M_GET, "/api/tls/ask", domain_ask, NS, 0, "domain", NULL },
	{ M_GET, "/", home, T | PC, 0, "page", NULL },
	{ M_GET, "/robots.txt", store_robots, T, 0, NULL, NULL },
	{ M_GET, "/sitemap.xml", store_sitemap, T, 0, "sitemap", NULL },
	{ M_GET, "/sitemaps/:part", store_sitemap_part, T, 0, "sitemap", NULL },
	{ M_GET, "/feed.xml", store_feed_atom, T, 0, "post", NULL },
	{ M_GET, "/blog/rss.xml", store_feed_rss, T, 0, "post", NULL },
	{ M_GET, "/blog/tagged/:tag", store_blog_tagged, T, 0, "post", NULL },
	{ M_GET, "/products", products_index, T | PC, 0, "product", NULL },
	{ M_GET, "/products/:slug", product_page, T | PC, 0, "product", NULL },
	{ M_GET, "/collections/:slug", collection_page, T | PC, 0, "collection", NULL },
	{ M_GET, "/blog", blog_index, T | PC, 0, "post", NULL },
	{ M_GET, "/blog/:slug", blog_post, T | PC, 0, "post", NULL },
	{ M_GET, "/cart", store_cart_page, T | NS, 0, "cart", "cart" },
	{ M_GET, "/checkout", store_checkout_page, T | NS, 0, "cart", "checkout" },
	{ M_POST, "/cart/add", store_cart_add_form, T | NS | R_WRITE, 0, "cart", "cart" },
	{ M_POST, "/api/cart/email", store_cart_email, T | NS | R_WRITE, 0, "cart", "cart" },
	{ M_POST, "/currency", store_currency_choose, T | NS | R_WRITE, 0, "cart", "cart" },
	{ M_GET, "/cart/recover/:token", store_cart_recover, T | NS, 0, "cart", "cart" },
	/* shopper accounts (store_account.c): A = signed in (401 without), + CSRF on writes */
	{ M_GET, "/account", store_account_page, T | NS, 0, "customer", NULL },
	{ M_GET, "/api/account", store_account_get, T | NS | R_AUTH, 0, "customer", NULL },
	{ M_PATCH, "/api/account", store_account_update, T | NS | R_AUTH | R_WRITE, 0, "customer", NULL },
	{ M_DELETE, "/api/account", store_account_delete, T | NS | R_AUTH | R_WRITE, 0, "customer", NULL },
	{ M_POST, "/api/account/signup", store_account_signup, T | NS | R_WRITE, 0, "customer", "login" },
	{ M_POST, "/api/account/login", store_account_login, T | NS | R_WRITE, 0, "customer", "login" },
	{ M_POST, "/api/account/code", store_account_code, T | NS | R_WRITE, 0, "customer", "login" },
	{ M_POST, "/api/account/code/verify", store_account_code_verify, T | NS | R_WRITE, 0, "customer", "login" },
	{ M_POST, "/api/account/password/reset", store_account_reset, T | NS | R_WRITE, 0, "customer", "login" },
	{ M_POST, "/api/account/logout", store_account_logout, T | NS | R_WRITE, 0, "customer", NULL },
	{ M_POST, "/api/account/addresses", store_account_address_add, T | NS | R_AUTH | R_WRITE, 0, "customer", NULL },
	{ M_DELETE, "/api/account/addresses/:id", store_account_address_delete, T | NS | R_AUTH | R_WRITE, 0, "customer", NULL },
	{ M_POST, "/api/account/orders/:id/reorder", store_account_reorder, T | NS | R_AUTH | R_WRITE, 0, "customer", "cart" },
	{ M_GET, "/wishlist", store_wishlist_page, T | NS, 0, "customer", NULL },
	{ M_GET, "/api/wishlist", store_wishlist_get, T | NS | R_AUTH, 0, "customer", NULL },
	{ M_POST, "/api/wishlist/items", store_wishlist_add, T | NS | R_AUTH | R_WRITE, 0, "customer", NULL },
	{ M_DELETE, "/api/wishlist/items/:id", store_wishlist_remove, T | NS | R_AUTH | R_WRITE, 0, "customer", NULL },
	{ M_POST, "/api/wishlist/merge", store_wishlist_merge, T | NS | R_AUTH | R_WRITE, 0, "customer", NULL },
	{ M_GET, "/orders/:id", store_order_page, T | NS, 0, "order", NULL },
	{ M_GET, "/api/products", api_products, T, 0, "product", NULL },
	{ M_GET, "/api/products/:slug", api_product, T, 0, "product", NULL },
	{ M_GET, "/api/stock", store_stock, T, 0, "product", NULL },
	{ M_GET, "/api/cart", store_cart_get, T | NS, 0, "cart", "cart" },
	{ M_POST, "/api/cart/items", store_cart_add, T | NS | R_WRITE, 0, "cart", "cart" },
	{ M_PATCH, "/api/cart/items/:id", store_cart_update, T | NS | R_WRITE, 0, "cart", "cart" },
	{ M_DELETE, "/api/cart/items/:id", store_cart_delete, T | NS | R_WRITE, 0, "cart", "cart" },
	{ M_POST, "/api/checkout", store_checkout, T | NS | R_WRITE, 0, "order", "checkout" },
	{ M_POST, "/api/cart/quote", store_checkout_quote, T | NS, 0, "cart", "cart" },
	{ M_POST, "/api/payments/webhook", store_payment_webhook, T | NS, 0, "order", NULL },
	{ M_POST, "/api/analytics/view", store_beacon, T | NS | R_WRITE, 0, "analytics", "beacon" },
	/* operations: no store (doc/operations.md) */
	{ M_GET, "/healthz", ops_healthz, NS, 0, NULL, NULL },
	{ M_GET, "/metrics", ops_metrics_page, NS, 0, NULL, NULL },
	/* search: answers are logged per search, so never cached */
	{ M_GET, "/search", store_search_page, T | NS, 0, "search", NULL },
	{ M_GET, "/api/search", store_search_api, T | NS, 0, "search", NULL },
	{ M_GET, "/api/search/suggest", store_search_suggest, T | NS, 0, "search", NULL },
	{ M_POST, "/api/search/click", store_search_click, T | NS | R_WRITE, 0, "search", NULL },
	{ M_POST, "/api/chat", store_chat, T | NS | R_WRITE, 0, "chat", "chat" },
	{ M_GET, "/:slug", page_by_slug, T | PC, 0, "page", NULL },
};

/* The store's other hostnames answer 301 to its primary domain, with the
 * same path, query and (non-default) port. 1 when it answered. */
static int to_primary(req *r)
{
	char primary[256];
	if (!domain_primary(r->t.id, primary, sizeof primary) || strcmp(primary, r->host) == 0) return 0;
	const char *h = http_env(r, "HTTP_HOST");
	const char *port = h ? strrchr(h, ':') : NULL;
	sbuf loc = SBUF_INIT;
	sb_printf(&loc, "%s://%s%s%s", r->https ? "https" : "http", primary, port ? port : "", r->raw_path);
	if (r->query_string && *r->query_string) sb_printf(&loc, "?%s", r->query_string);
	http_redirect(r, 301, sb_str(&loc));
	sb_free(&loc);
	return 1;
}

/* The store the Host names, for a store's row (and for an address no row
 * answers, so an unknown host gets the platform's 404, not a store's): an
 * unknown host 404, a suspended store 503 (nothing of it shown), another
 * hostname of the store 301 to its primary one. 0 to go on, -1 answered. */
static int store_of_host(req *r)
{
	if (!r->host[0] || tenant_from_host(&r->t, r->host) < 0) {
		if (r->json_errors) http_error(r, 404, "unknown_store", NULL, "no store answers at this host");
		else render_platform_404(r);
		return -1;
	}
	if (strcmp(r->t.status, "active") != 0) {
		http_header(r, "Retry-After", "3600");
		tenant_clear(&r->t);   /* nothing of the store: not even its shell */
		http_error(r, 503, "store_unavailable", NULL, "This store is unavailable at the moment.");
		return -1;
	}
	return to_primary(r) ? -1 : 0;
}

/* The row, enforced: a store's row has its store (R_TENANT; resolved by
 * handle, checked here), the row's per-IP bucket (cfg.rate_limits), and
 * the shopper's writes (R_WRITE: cart and checkout) ride on the cart
 * cookie, so a page of another store (a sibling subdomain: same site to
 * the browser) must not be able to send them: a browser's Sec-Fetch-Site
 * or Origin saying another origin is refused. Clients that send neither
 * (the app, curl) are not browsers and carry no shopper's cookie. Caching
 * (R_NOSTORE) is set by route_dispatch. */
static int gate(req *r, const route *rt)
{
	if ((rt->flags & R_TENANT) && !r->t.id) {
		http_error(r, 404, "unknown_store", NULL, "no store answers at this host");
		return -1;
	}
	if (rt->bucket && ratelimit_check(r, rt->bucket) < 0) return -1;
	if ((rt->flags & R_WRITE) && http_cross_origin(r)) {
		http_error(r, 403, "cross_site_request", NULL,
			   "cart and checkout changes must come from this store's own pages");
		return -1;
	}
	if ((rt->flags & R_WRITE) && server_read_only(r) < 0) return -1;
	/* A shopper's own rows (R_AUTH): the session cookie, and on writes the
	 * session's CSRF token in X-CSRF-Token. */
	if ((rt->flags & R_AUTH) && !store_customer(r)) {
		http_error(r, 401, "unauthorized", NULL, "sign in to your account first");
		return -1;
	}
	if ((rt->flags & R_AUTH) && (rt->flags & R_WRITE)) {
		const char *x = http_header_in(r, "X-CSRF-Token");
		size_t n = strlen(r->customer_csrf);
		int diff = !x || strlen(x) != n;
		for (size_t i = 0; !diff && i < n; i++) diff |= x[i] ^ r->customer_csrf[i];
		if (diff) {
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "header", "X-CSRF-Token");
			http_error(r, 403, "csrf_failed", d, "the X-CSRF-Token header must carry this session's token");
			return -1;
		}
	}
	return 0;
}

static void handle(req *r)
{
	r->json_errors = str_startswith(r->path, "/api/");
	if (r->bad_request) {
		http_error(r, 400, "bad_request", NULL, "the address is not valid (bad percent-encoding or UTF-8)");
		return;
	}
	const route *rt = route_find(r, routes, ARRAY_LEN(routes));
	/* A cached page is answered before the database or the sandbox is
	 * touched (hosting where the web server cannot find the file). */
	if (rt && (rt->flags & R_CACHE) && pagecache_serve(r)) {
		r->route = rt;
		return;
	}
	if ((!rt || (rt->flags & R_TENANT)) && store_of_host(r) < 0) {
		pagecache_store(r);   /* nothing to keep; releases a re-render lock */
		return;
	}
	if (r->t.id) store_run_schedule(r);
	route_dispatch(r, routes, ARRAY_LEN(routes), gate);
	store_redirect(r);
	/* A page in the shopper's currency is kept under that currency (when
	 * the store offers it), whether or not it showed a price. */
	if (rt && (rt->flags & R_CACHE) && r->t.id && pagecache_currency(r)) store_presentment(r);
	pagecache_store(r);
}

int main(int argc, char **argv)
{
	static const server_prog prog = { "storefront", 1, NULL, handle, NULL };
	if (argc == 2 && strcmp(argv[1], "--routes") == 0) {   /* for the route audit */
		cJSON *a = cJSON_CreateArray();
		routes_json(a, "storefront", routes, ARRAY_LEN(routes));
		char *s = cJSON_Print(a);
		puts(s);
		cJSON_free(s);
		cJSON_Delete(a);
		return 0;
	}
	http_set_error_page(render_error_page);
	return server_main(&prog, argc, argv);
}
