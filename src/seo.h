/* seo: what a page tells search engines and link previews. The SEO object
 * of pages, posts, products and collections (checking it), the head the
 * shell prints from it (title, description, canonical URL, robots, Open
 * Graph, Twitter card) and the schema.org JSON-LD of products, posts,
 * breadcrumbs and the home page (Organization, WebSite with SearchAction).
 * Pure: values in, JSON out; the shell escapes (html.c). */
#ifndef SEO_H
#define SEO_H
#include "util.h"
#include <cJSON.h>
#include <stdint.h>

/* Lengths of the SEO object's text fields, in bytes. */
#define SEO_TITLE_MAX 200
#define SEO_DESC_MAX 500

/* An SEO object {title, description, image, canonical, ogTitle,
 * ogDescription, ogImage, twitterCard, robots, keywords}: NULL when it is
 * acceptable, else the problem (written into buf). strict: other keys are
 * refused (products' "seo"); else kept as given (the seed's seoConfig). */
const char *seo_problem(const cJSON *seo, int strict, char *buf, size_t n);
/* A link the store prints (canonical, image): "" or a path ("/x", never
 * "//x") or an absolute http(s) URL with a host; no blanks, quotes, angle
 * brackets or control characters. NULL when fine, else the problem. */
const char *seo_url_problem(const char *u);
/* robots value: "index", "noindex", "index,nofollow", "noindex,nofollow"
 * (and the same with ",follow"): 1 when it says noindex. */
int seo_noindex(const cJSON *seo);

/* What one page is, for its head. Any field may be NULL. */
typedef struct seo_item {
	const char *type;          /* og:type: "website" (default), "product", "article" */
	const char *title;         /* the page's own title (the item's name) */
	const char *description;
	const char *image;         /* the item's image (og:image unless seo says otherwise) */
	const cJSON *seo;          /* the item's SEO object */
	const char *path;          /* its one address, when the request's may differ (/home is /) */
	cJSON *jsonld;             /* array of schema.org objects; the head takes it */
} seo_item;

/* The shell's "seo" object: {title, description, canonical, robots,
 * ogType, ogTitle, ogDescription, ogImage, ogUrl, siteName, twitterCard,
 * jsonld (JSON text, script-safe)}. base: "https://host[:port]"; path: the
 * page's path (without query). it may be NULL (a plain page). */
cJSON *seo_head(const char *base, const char *path, const char *site_name, const char *fallback_title,
		const char *fallback_desc, seo_item *it);

/* An absolute URL of u against base ("" stays ""). */
void seo_abs(sbuf *out, const char *base, const char *u);

/* schema.org objects (without @context; seo_head wraps them in a @graph). */
/* Product with Offer from the public product JSON (catalog.h pub_row). */
cJSON *seo_ld_product(const char *base, const cJSON *product, const char *currency);
/* BreadcrumbList: n items of name and path (the last is the page). */
cJSON *seo_ld_breadcrumbs(const char *base, int n, const char *const *names, const char *const *paths);
/* BlogPosting (an Article) from the public post JSON. */
cJSON *seo_ld_article(const char *base, const cJSON *post, const char *store_name, const char *logo);
/* The home page's Organization and WebSite (SearchAction to /search?q=). */
void seo_ld_home(cJSON *arr, const char *base, const char *store_name, const char *logo, const char *tagline);
#endif
