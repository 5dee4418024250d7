/* seo: the SEO object, the page head and schema.org JSON-LD (see seo.h). */
#include "seo.h"
#include "html.h"
#include "input.h"
#include "money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const robots_values[] = { "index", "noindex", "index,follow", "noindex,follow", "index,nofollow",
					     "noindex,nofollow", NULL };
static const char *const twitter_cards[] = { "summary", "summary_large_image", NULL };

const char *seo_url_problem(const char *u)
{
	if (!u || !*u) return NULL;
	if (strlen(u) > IN_URL_MAX) return "is longer than " STR(IN_URL_MAX) " bytes";
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '\'' || *p == '<' || *p == '>' || *p == '\\' || *p == '`')
			return "must be a URL without blanks, quotes, angle brackets or control characters";
	if (u[0] == '/') return u[1] == '/' ? "must be a path (/...) or an http(s) URL, not //host" : NULL;
	const char *rest = str_startswith(u, "https://") ? u + 8 : str_startswith(u, "http://") ? u + 7 : NULL;
	if (!rest) return "must be a path (/...) or an http:// or https:// URL";
	if (!*rest || *rest == '/' || *rest == '?' || *rest == '#' || *rest == '@')
		return "must name a host after http(s)://";
	return NULL;
}

static int in_list(const char *v, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], v) == 0) return 1;
	return 0;
}

const char *seo_problem(const cJSON *seo, int strict, char *buf, size_t n)
{
	static const struct { const char *k; size_t max; int url; const char *const *words; } keys[] = {
		{ "title", SEO_TITLE_MAX, 0, NULL }, { "description", SEO_DESC_MAX, 0, NULL },
		{ "ogTitle", SEO_TITLE_MAX, 0, NULL }, { "ogDescription", SEO_DESC_MAX, 0, NULL },
		{ "keywords", SEO_DESC_MAX, 0, NULL }, { "image", IN_URL_MAX, 1, NULL },
		{ "ogImage", IN_URL_MAX, 1, NULL }, { "canonical", IN_URL_MAX, 1, NULL },
		{ "twitterCard", 40, 0, twitter_cards }, { "robots", 40, 0, robots_values },
	};
	if (!cJSON_IsObject(seo)) return "must be an object";
	const cJSON *it;
	cJSON_ArrayForEach(it, seo) {
		size_t i;
		for (i = 0; i < ARRAY_LEN(keys); i++)
			if (strcmp(it->string, keys[i].k) == 0) break;
		if (i == ARRAY_LEN(keys)) {
			if (!strict) continue;
			snprintf(buf, n, "has an unknown field '%.60s'; the fields are title, description, image, canonical, "
				 "ogTitle, ogDescription, ogImage, twitterCard, robots and keywords", it->string);
			return buf;
		}
		if (cJSON_IsNull(it)) continue;
		if (!cJSON_IsString(it)) { snprintf(buf, n, "%s must be a string", keys[i].k); return buf; }
		const char *v = it->valuestring;
		if (strlen(v) > keys[i].max) {
			snprintf(buf, n, "%s is %zu bytes; the limit is %zu", keys[i].k, strlen(v), keys[i].max);
			return buf;
		}
		const char *p = keys[i].url ? seo_url_problem(v) : control_problem(v);
		if (p) { snprintf(buf, n, "%s %s", keys[i].k, p); return buf; }
		if (keys[i].words && *v && !in_list(v, keys[i].words)) {
			snprintf(buf, n, "%s must be one of %s%s", keys[i].k, keys[i].words[0],
				 keys[i].words == robots_values ? ", noindex, index,nofollow, noindex,nofollow" : ", summary_large_image");
			return buf;
		}
	}
	return NULL;
}

static const char *sget(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

int seo_noindex(const cJSON *seo)
{
	const char *r = sget(seo, "robots");
	return r && str_startswith(r, "noindex");
}

void seo_abs(sbuf *out, const char *base, const char *u)
{
	if (!u || !*u) return;
	if (u[0] == '/' && u[1] != '/') sb_puts(out, base);
	sb_puts(out, u);
}

static const char *first(const char *a, const char *b, const char *c)
{
	return a && *a ? a : b && *b ? b : c && *c ? c : NULL;
}

static void add_abs(cJSON *o, const char *key, const char *base, const char *u)
{
	sbuf b = SBUF_INIT;
	seo_abs(&b, base, u);
	cJSON_AddStringToObject(o, key, sb_str(&b));
	sb_free(&b);
}

cJSON *seo_head(const char *base, const char *path, const char *site_name, const char *fallback_title,
		const char *fallback_desc, seo_item *it)
{
	seo_item none = { 0 };
	if (!it) it = &none;
	const cJSON *seo = it->seo;
	cJSON *h = cJSON_CreateObject();
	const char *title = first(sget(seo, "title"), it->title, fallback_title);
	const char *desc = first(sget(seo, "description"), it->description, fallback_desc);
	cJSON_AddStringToObject(h, "title", title ? title : "");
	cJSON_AddStringToObject(h, "description", desc ? desc : "");
	sbuf canon = SBUF_INIT;
	const char *c = sget(seo, "canonical");
	if (c && !seo_url_problem(c)) seo_abs(&canon, base, c);
	else { sb_puts(&canon, base); sb_puts(&canon, it->path ? it->path : path); }
	cJSON_AddStringToObject(h, "canonical", sb_str(&canon));
	cJSON_AddStringToObject(h, "ogUrl", sb_str(&canon));
	sb_free(&canon);
	const char *robots = sget(seo, "robots");
	cJSON_AddStringToObject(h, "robots", robots && !str_startswith(robots, "index") ? robots : "");
	cJSON_AddStringToObject(h, "ogType", it->type ? it->type : "website");
	cJSON_AddStringToObject(h, "siteName", site_name ? site_name : "");
	const char *ogt = first(sget(seo, "ogTitle"), title, NULL);
	const char *ogd = first(sget(seo, "ogDescription"), desc, NULL);
	cJSON_AddStringToObject(h, "ogTitle", ogt ? ogt : "");
	cJSON_AddStringToObject(h, "ogDescription", ogd ? ogd : "");
	const char *img = first(sget(seo, "ogImage"), sget(seo, "image"), it->image);
	if (img && seo_url_problem(img)) img = NULL;
	add_abs(h, "ogImage", base, img);
	const char *card = sget(seo, "twitterCard");
	cJSON_AddStringToObject(h, "twitterCard", card ? card : img ? "summary_large_image" : "summary");
	if (cJSON_GetArraySize(it->jsonld) > 0) {
		cJSON *doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "@context", "https://schema.org");
		cJSON_AddItemToObject(doc, "@graph", it->jsonld);
		it->jsonld = NULL;
		char *text = cJSON_PrintUnformatted(doc);
		sbuf safe = SBUF_INIT;
		json_script(&safe, text);
		cJSON_AddStringToObject(h, "jsonld", sb_str(&safe));
		sb_free(&safe);
		cJSON_free(text);
		cJSON_Delete(doc);
	} else {
		cJSON_Delete(it->jsonld);
		it->jsonld = NULL;
	}
	return h;
}

static cJSON *typed(const char *type)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "@type", type);
	return o;
}

cJSON *seo_ld_product(const char *base, const cJSON *p, const char *currency)
{
	cJSON *o = typed("Product");
	const cJSON *seo = cJSON_GetObjectItemCaseSensitive(p, "seo");
	const char *slug = sget(p, "slug");
	sbuf url = SBUF_INIT;
	sb_printf(&url, "%s/products/", base);
	url_component(&url, slug ? slug : "");
	cJSON_AddStringToObject(o, "@id", sb_str(&url));
	cJSON_AddStringToObject(o, "name", sget(p, "name") ? sget(p, "name") : "");
	const char *d = first(sget(p, "description"), sget(seo, "description"), NULL);
	if (d) cJSON_AddStringToObject(o, "description", d);
	cJSON_AddStringToObject(o, "url", sb_str(&url));
	if (sget(p, "sku")) cJSON_AddStringToObject(o, "sku", sget(p, "sku"));
	/* a barcode that is a GTIN (8, 12, 13 or 14 digits); the type as its category */
	const char *gtin = sget(p, "barcode");
	size_t gl = gtin ? strspn(gtin, "0123456789") : 0;
	if (gtin && !gtin[gl] && (gl == 8 || gl == 12 || gl == 13 || gl == 14)) cJSON_AddStringToObject(o, "gtin", gtin);
	if (sget(p, "productType")) cJSON_AddStringToObject(o, "category", sget(p, "productType"));
	if (sget(p, "vendor")) {
		cJSON *b = typed("Brand");
		cJSON_AddStringToObject(b, "name", sget(p, "vendor"));
		cJSON_AddItemToObject(o, "brand", b);
	}
	cJSON *imgs = cJSON_CreateArray();
	const cJSON *im;
	cJSON_ArrayForEach(im, cJSON_GetObjectItemCaseSensitive(p, "images")) {
		const char *u = sget(im, "url");
		if (!u || seo_url_problem(u)) continue;
		sbuf a = SBUF_INIT;
		seo_abs(&a, base, u);
		cJSON_AddItemToArray(imgs, cJSON_CreateString(sb_str(&a)));
		sb_free(&a);
	}
	if (cJSON_GetArraySize(imgs)) cJSON_AddItemToObject(o, "image", imgs);
	else cJSON_Delete(imgs);
	cJSON *offer = typed("Offer");
	const cJSON *price = cJSON_GetObjectItemCaseSensitive(p, "price");
	char pb[48];
	snprintf(pb, sizeof pb, "%.*f", money_decimals(currency), cJSON_IsNumber(price) ? price->valuedouble : 0.0);
	cJSON_AddStringToObject(offer, "price", pb);
	cJSON_AddStringToObject(offer, "priceCurrency", currency);
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(p, "inStock");
	cJSON_AddStringToObject(offer, "availability",
				cJSON_IsTrue(in) ? "https://schema.org/InStock" : "https://schema.org/OutOfStock");
	cJSON_AddStringToObject(offer, "url", sb_str(&url));
	cJSON_AddStringToObject(offer, "itemCondition", "https://schema.org/NewCondition");
	cJSON_AddItemToObject(o, "offers", offer);
	sb_free(&url);
	return o;
}

cJSON *seo_ld_breadcrumbs(const char *base, int n, const char *const *names, const char *const *paths)
{
	cJSON *o = typed("BreadcrumbList");
	cJSON *items = cJSON_AddArrayToObject(o, "itemListElement");
	for (int i = 0; i < n; i++) {
		cJSON *li = typed("ListItem");
		cJSON_AddNumberToObject(li, "position", i + 1);
		cJSON_AddStringToObject(li, "name", names[i] ? names[i] : "");
		add_abs(li, "item", base, paths[i]);
		cJSON_AddItemToArray(items, li);
	}
	return o;
}

static cJSON *organization(const char *base, const char *name, const char *logo)
{
	cJSON *o = typed("Organization");
	sbuf id = SBUF_INIT;
	sb_printf(&id, "%s/#organization", base);
	cJSON_AddStringToObject(o, "@id", sb_str(&id));
	sb_free(&id);
	cJSON_AddStringToObject(o, "name", name);
	add_abs(o, "url", base, "/");
	if (logo && *logo && !seo_url_problem(logo)) add_abs(o, "logo", base, logo);
	return o;
}

cJSON *seo_ld_article(const char *base, const cJSON *post, const char *store_name, const char *logo)
{
	cJSON *o = typed("BlogPosting");
	const char *slug = sget(post, "slug");
	sbuf url = SBUF_INIT;
	sb_printf(&url, "%s/blog/", base);
	url_component(&url, slug ? slug : "");
	cJSON_AddStringToObject(o, "@id", sb_str(&url));
	cJSON_AddStringToObject(o, "headline", sget(post, "title") ? sget(post, "title") : "");
	if (sget(post, "excerpt")) cJSON_AddStringToObject(o, "description", sget(post, "excerpt"));
	cJSON_AddStringToObject(o, "url", sb_str(&url));
	cJSON_AddStringToObject(o, "mainEntityOfPage", sb_str(&url));
	const char *pub = sget(post, "publishedAt");
	if (pub) cJSON_AddStringToObject(o, "datePublished", pub);
	const char *mod = first(sget(post, "updatedAt"), pub, NULL);
	if (mod) cJSON_AddStringToObject(o, "dateModified", mod);
	const char *img = sget(post, "featuredImage");
	if (img && !seo_url_problem(img)) add_abs(o, "image", base, img);
	const char *author = sget(post, "authorName");
	cJSON *a = typed(author ? "Person" : "Organization");
	cJSON_AddStringToObject(a, "name", author ? author : store_name);
	cJSON_AddItemToObject(o, "author", a);
	cJSON_AddItemToObject(o, "publisher", organization(base, store_name, logo));
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(post, "tags");
	if (cJSON_GetArraySize(tags) > 0) cJSON_AddItemToObject(o, "keywords", cJSON_Duplicate(tags, 1));
	sb_free(&url);
	return o;
}

void seo_ld_home(cJSON *arr, const char *base, const char *store_name, const char *logo, const char *tagline)
{
	cJSON_AddItemToArray(arr, organization(base, store_name, logo));
	cJSON *w = typed("WebSite");
	sbuf s = SBUF_INIT;
	sb_printf(&s, "%s/#website", base);
	cJSON_AddStringToObject(w, "@id", sb_str(&s));
	cJSON_AddStringToObject(w, "name", store_name);
	if (tagline && *tagline) cJSON_AddStringToObject(w, "description", tagline);
	add_abs(w, "url", base, "/");
	sb_reset(&s);
	sb_printf(&s, "%s/#organization", base);
	cJSON *pub = cJSON_AddObjectToObject(w, "publisher");
	cJSON_AddStringToObject(pub, "@id", sb_str(&s));
	cJSON *act = typed("SearchAction");
	cJSON *target = typed("EntryPoint");
	sb_reset(&s);
	sb_printf(&s, "%s/search?q={search_term_string}", base);
	cJSON_AddStringToObject(target, "urlTemplate", sb_str(&s));
	cJSON_AddItemToObject(act, "target", target);
	cJSON_AddStringToObject(act, "query-input", "required name=search_term_string");
	cJSON_AddItemToObject(w, "potentialAction", act);
	sb_free(&s);
	cJSON_AddItemToArray(arr, w);
}
