/* store_browse: the shopper's browsing in storefront.fcgi: the data of the
 * /products and /collections/{slug} pages (sort, filters and pages through
 * browse.c, badges), the product page's variant picker (one control per
 * option, ?variant=ID, what follows the chosen variant), and the form
 * post /cart/add that works without JavaScript. */
#include "store.h"
#include "pagecache.h"
#include "browse.h"
#include "cart.h"
#include "catalog.h"
#include "config.h"
#include "html.h"
#include "input.h"
#include "money.h"
#include "store_settings.h"
#include "tmpl.h"
#include "currency.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An option with more values than this is a select, not buttons. */
#define PICKER_BUTTONS_MAX 8

int store_presentment(req *r)
{
	if (!r->currency_known) {
		r->currency_known = 1;
		const char *c = http_cookie(r, CURRENCY_COOKIE);
		if (c && *c && strcmp(c, r->t.currency)) {
			cJSON *s = com_settings(r->t.id);
			currency_rate cr;
			if (currency_find(s, c, &cr) == 0) store_set_presentment(r, &cr);
			cJSON_Delete(s);
		}
	}
	if (r->currency[0] && !(r->cache_control && strstr(r->cache_control, "no-store"))) {
		/* The same address shows other prices in another currency: no
		 * shared cache may keep it (the page cache keys it by currency). */
		r->cache_control = "private, no-cache";
	}
	return r->currency[0] != 0;
}

/* r's presentment currency as a rate (store_presentment first). */
static currency_rate presentment_rate(req *r)
{
	currency_rate cr = { .rate = r->currency_rate };
	snprintf(cr.code, sizeof cr.code, "%s", r->currency);
	snprintf(cr.rounding, sizeof cr.rounding, "%s", r->currency_rounding);
	snprintf(cr.rate_text, sizeof cr.rate_text, "%s", r->currency_rate_text);
	cr.charge = r->currency_charge;
	return cr;
}

int store_presentment_rate(req *r, currency_rate *out)
{
	if (!store_presentment(r)) return 0;
	*out = presentment_rate(r);
	return 1;
}

void store_set_presentment(req *r, const currency_rate *cr)
{
	r->currency_known = 1;
	snprintf(r->currency, sizeof r->currency, "%s", cr->code);
	r->currency_rate = cr->rate;
	snprintf(r->currency_rounding, sizeof r->currency_rounding, "%s", cr->rounding);
	snprintf(r->currency_rate_text, sizeof r->currency_rate_text, "%s", cr->rate_text);
	r->currency_charge = cr->charge;
}

int64_t store_convert(req *r, int64_t shop_minor)
{
	currency_rate cr = presentment_rate(r);
	return currency_convert(shop_minor, r->t.currency, &cr);
}

int64_t store_convert_plain(req *r, int64_t shop_minor)
{
	if (!store_presentment(r)) return shop_minor;
	currency_rate cr = presentment_rate(r);
	return currency_convert_plain(shop_minor, r->t.currency, &cr);
}

int64_t store_price(req *r, int64_t pid, int64_t vid, int64_t shop_price, int64_t shop_cmp, currency_amount *out)
{
	if (!store_presentment(r)) {
		out->price = shop_price;
		out->compare_at = shop_cmp;
		out->fixed = 0;
		return out->price;
	}
	currency_rate cr = presentment_rate(r);
	currency_price(r->t.id, pid, vid, r->t.currency, &cr, shop_price, shop_cmp, out);
	return out->price;
}

int64_t store_json_id(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? strtoll(v->valuestring, NULL, 10) : cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

/* Formatted prices of product pid's variant vid (0: the product), whose
 * JSON p has price and compareAtPrice in the shop's major units: in the
 * shopper's currency when they chose one the store sells in. */
static void add_item_prices(req *r, cJSON *p, int64_t pid, int64_t vid)
{
	const cJSON *price = cJSON_GetObjectItemCaseSensitive(p, "price");
	const cJSON *cmp = cJSON_GetObjectItemCaseSensitive(p, "compareAtPrice");
	int64_t sp = cJSON_IsNumber(price) ? money_minor(price->valuedouble, r->t.currency) : 0;
	int64_t sc = cJSON_IsNumber(cmp) ? money_minor(cmp->valuedouble, r->t.currency) : -1;
	currency_amount a;
	store_price(r, pid, vid, sp, sc, &a);
	const char *cur = store_presentment(r) ? r->currency : r->t.currency;
	sbuf b = SBUF_INIT;
	if (cJSON_IsNumber(price)) money_format(&b, a.price, cur);
	cJSON_AddStringToObject(p, "priceFormatted", sb_str(&b));
	sb_reset(&b);
	if (cJSON_IsNumber(price) && a.compare_at > a.price) money_format(&b, a.compare_at, cur);
	cJSON_AddStringToObject(p, "compareAtFormatted", sb_str(&b));
	sb_free(&b);
}

/* Formatted prices of a product (or a wishlist item: its variantId). */
void store_add_prices(req *r, cJSON *p)
{
	add_item_prices(r, p, store_json_id(p, "id"), store_json_id(p, "variantId"));
}

void store_add_variant_prices(req *r, cJSON *v, const cJSON *product)
{
	add_item_prices(r, v, store_json_id(product, "id"), store_json_id(v, "id"));
}

/* One product's or variant's price, compareAtPrice and currency (shop
 * major units in) in the shopper's currency, with shopPrice and
 * shopCompareAtPrice (the store's amounts) beside them. */
static void present_item(req *r, cJSON *x, int64_t pid, int64_t vid)
{
	const cJSON *price = cJSON_GetObjectItemCaseSensitive(x, "price");
	const cJSON *cmp = cJSON_GetObjectItemCaseSensitive(x, "compareAtPrice");
	if (!cJSON_IsNumber(price)) return;
	cJSON_AddNumberToObject(x, "shopPrice", price->valuedouble);
	cJSON_AddItemToObject(x, "shopCompareAtPrice", cJSON_IsNumber(cmp) ? cJSON_CreateNumber(cmp->valuedouble) : cJSON_CreateNull());
	if (!store_presentment(r)) return;
	currency_amount a;
	store_price(r, pid, vid, money_minor(price->valuedouble, r->t.currency),
		    cJSON_IsNumber(cmp) ? money_minor(cmp->valuedouble, r->t.currency) : -1, &a);
	cJSON_ReplaceItemInObjectCaseSensitive(x, "price", cJSON_CreateNumber(money_major(a.price, r->currency)));
	if (cJSON_HasObjectItem(x, "compareAtPrice"))   /* (a suggestion has none: nothing to replace) */
		cJSON_ReplaceItemInObjectCaseSensitive(x, "compareAtPrice", a.compare_at >= 0 ?
						       cJSON_CreateNumber(money_major(a.compare_at, r->currency)) : cJSON_CreateNull());
	if (cJSON_HasObjectItem(x, "currency")) cJSON_ReplaceItemInObjectCaseSensitive(x, "currency", cJSON_CreateString(r->currency));
}

void store_present_product(req *r, cJSON *p)
{
	cJSON *v;
	int64_t pid = store_json_id(p, "id");
	present_item(r, p, pid, 0);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(p, "variants")) present_item(r, v, pid, store_json_id(v, "id"));
}

void store_present_products(req *r, cJSON *list)
{
	cJSON *p;
	cJSON_ArrayForEach(p, list) store_present_product(r, p);
}

static int64_t low_stock_threshold(req *r)
{
	cJSON *s = com_settings(r->t.id);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, "lowStockThreshold");
	int64_t n = cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
	cJSON_Delete(s);
	return n;
}

static int num(const cJSON *o, const char *k, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v)) return 0;
	*out = v->valuedouble;
	return 1;
}

static int flag(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* The stock line of a product or variant: "Sold out", "Only 2 left",
 * "In stock: 7 available" or "In stock". */
static void stock_text(char *out, size_t n, int in_stock, int limited, double stock, int64_t low)
{
	if (!in_stock) snprintf(out, n, "Sold out");
	else if (limited && low > 0 && stock <= (double)low) snprintf(out, n, "Only %.0f left", stock);
	else if (limited) snprintf(out, n, "In stock: %.0f available", stock);
	else snprintf(out, n, "In stock");
}

/* Badges of a listed product: soldOut, onSale, lowStock (+ stockLeft). */
static void add_badges(cJSON *p, int64_t low)
{
	double price = 0, cmp = 0, stock = 0;
	int in = flag(p, "inStock"), limited = flag(p, "stockLimited");
	num(p, "price", &price);
	num(p, "stock", &stock);
	cJSON_AddBoolToObject(p, "soldOut", !in);
	cJSON_AddBoolToObject(p, "onSale", in && num(p, "compareAtPrice", &cmp) && cmp > price);
	cJSON_AddBoolToObject(p, "lowStock", in && limited && low > 0 && stock <= (double)low);
}

/* A link to this listing with one parameter changed (page) or none. */
static char *listing_url(req *r, const char *path, long page)
{
	sbuf b = SBUF_INIT;
	sb_puts(&b, path);
	char sep = '?';
	for (int i = 0; i < r->nquery; i++) {
		if (!strcmp(r->query[i].k, "page") || !*r->query[i].v) continue;
		sb_printf(&b, "%c", sep);
		url_component(&b, r->query[i].k);
		sb_puts(&b, "=");
		url_component(&b, r->query[i].v);
		sep = '&';
	}
	if (page > 1) sb_printf(&b, "%cpage=%ld", sep, page);
	return sb_detach(&b);
}

static void add_url(cJSON *o, const char *k, char *url)
{
	cJSON_AddStringToObject(o, k, url);
	free(url);
}

/* {value, checked, id} for each of values, checked when q holds it. */
static cJSON *choices(const cJSON *values, const cJSON *chosen, const char *idp, int *any)
{
	cJSON *a = cJSON_CreateArray();
	const cJSON *v, *c;
	int i = 0;
	cJSON_ArrayForEach(v, values) {
		if (!cJSON_IsString(v)) continue;
		int on = 0;
		cJSON_ArrayForEach(c, chosen) on |= cJSON_IsString(c) && !strcmp(c->valuestring, v->valuestring);
		*any |= on;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "value", v->valuestring);
		cJSON_AddBoolToObject(o, "checked", on);
		char id[64];
		snprintf(id, sizeof id, "%s-%d", idp, i++);
		cJSON_AddStringToObject(o, "id", id);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static void major_text(char *out, size_t n, int64_t minor, const char *currency)
{
	if (minor < 0) { out[0] = 0; return; }
	int dec = money_decimals(currency);
	int64_t mul = 1;
	for (int i = 0; i < dec; i++) mul *= 10;
	if (dec) snprintf(out, n, "%lld.%0*lld", (long long)(minor / mul), dec, (long long)(minor % mul));
	else snprintf(out, n, "%lld", (long long)minor);
}

/* The filter form: facets with what the query chose, the sort menu. */
static void add_form(req *r, const browse_q *q, cJSON *d)
{
	static const char *const labels[BR_NSORT] = {
		"Featured", "Best selling", "Alphabetically, A-Z", "Alphabetically, Z-A", "Price, low to high",
		"Price, high to low", "Date, new to old", "Date, old to new",
	};
	cJSON *sorts = cJSON_AddArrayToObject(d, "sortOptions");
	for (int i = 0; i < BR_NSORT; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "value", browse_sort_names[i]);
		cJSON_AddStringToObject(o, "label", labels[i]);
		cJSON_AddBoolToObject(o, "selected", (int)q->sort == i);
		cJSON_AddItemToArray(sorts, o);
	}
	cJSON *f = browse_facets(&r->t, q->collection);
	cJSON *form = cJSON_AddObjectToObject(d, "filters");
	int any = q->avail >= 0 || q->price_min >= 0 || q->price_max >= 0;
	cJSON_AddBoolToObject(form, "inStock", q->avail == 1);
	cJSON_AddBoolToObject(form, "soldOut", q->avail == 0);
	char b[40];
	major_text(b, sizeof b, q->price_min, r->t.currency);
	cJSON_AddStringToObject(form, "priceMin", b);
	major_text(b, sizeof b, q->price_max, r->t.currency);
	cJSON_AddStringToObject(form, "priceMax", b);
	cJSON_AddStringToObject(form, "currency", r->t.currency);
	const cJSON *vendors = cJSON_GetObjectItemCaseSensitive(f, "vendors");
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(f, "tags");
	cJSON_AddItemToObject(form, "vendors", choices(vendors, q->vendors, "f-vendor", &any));
	cJSON_AddBoolToObject(form, "hasVendors", cJSON_GetArraySize(vendors) > 0);
	cJSON_AddItemToObject(form, "tags", choices(tags, q->tags, "f-tag", &any));
	cJSON_AddBoolToObject(form, "hasTags", cJSON_GetArraySize(tags) > 0);
	/* a type filter only where there is a choice (or one is chosen) */
	const cJSON *types = cJSON_GetObjectItemCaseSensitive(f, "types");
	cJSON_AddItemToObject(form, "types", choices(types, q->types, "f-type", &any));
	cJSON_AddBoolToObject(form, "hasTypes", cJSON_GetArraySize(types) > 1 || q->types);
	cJSON *opts = cJSON_AddArrayToObject(form, "options");
	const cJSON *o;
	int k = 0;
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(f, "options")) {
		const char *key = cJSON_GetObjectItemCaseSensitive(o, "key")->valuestring;
		const cJSON *chosen = NULL, *qo;
		cJSON_ArrayForEach(qo, q->options)
			if (!strcmp(cJSON_GetObjectItemCaseSensitive(qo, "name")->valuestring, key))
				chosen = cJSON_GetObjectItemCaseSensitive(qo, "values");
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "name", cJSON_GetObjectItemCaseSensitive(o, "name")->valuestring);
		char param[160], idp[32];
		snprintf(param, sizeof param, "filter.v.option.%s", key);
		snprintf(idp, sizeof idp, "f-opt%d", k++);
		cJSON_AddStringToObject(x, "param", param);
		cJSON_AddItemToObject(x, "values", choices(cJSON_GetObjectItemCaseSensitive(o, "values"), chosen, idp, &any));
		cJSON_AddItemToArray(opts, x);
	}
	cJSON_AddBoolToObject(form, "active", any);
	cJSON_Delete(f);
}

int store_browse_page(req *r, const char *collection, const char *path, cJSON *d)
{
	browse_q q;
	const char *param = NULL, *why;
	int64_t per = cfg.catalog_page_size < 1 ? 1 : cfg.catalog_page_size > CAT_PAGE_PRODUCTS ? CAT_PAGE_PRODUCTS : cfg.catalog_page_size;
	if ((why = browse_parse(r->query, r->nquery, r->t.currency, per, &q, &param))) {
		in_query_fail(r, param, "%s", why);
		return -1;
	}
	q.collection = collection;
	int more = 0;
	cJSON *list = browse_products(&r->t, &q, &more), *p;
	int64_t low = low_stock_threshold(r);
	cJSON_ArrayForEach(p, list) {
		store_add_prices(r, p);
		add_badges(p, low);
	}
	/* the page cache: a listing shows these products, and any product of
	 * its kind (a new one may join it) */
	pagecache_use("products", 0);
	pagecache_use_list("product", list);
	cJSON_AddItemToObject(d, "products", list);
	add_form(r, &q, d);
	cJSON_AddStringToObject(d, "listingPath", path);
	store_currency_form(r, d, path);
	cJSON *pg = cJSON_AddObjectToObject(d, "pagination");
	cJSON_AddNumberToObject(pg, "page", (double)q.page);
	cJSON_AddBoolToObject(pg, "show", q.page > 1 || more);
	if (q.page > 1) add_url(pg, "prevUrl", listing_url(r, path, (long)q.page - 1));
	if (more) add_url(pg, "nextUrl", listing_url(r, path, (long)q.page + 1));
	/* Clearing the filters keeps the sort. */
	sbuf clear = SBUF_INIT;
	sb_puts(&clear, path);
	if (q.sort != BR_FEATURED) sb_printf(&clear, "?sort_by=%s", browse_sort_names[q.sort]);
	cJSON_AddStringToObject(d, "clearUrl", sb_str(&clear));
	sb_free(&clear);
	browse_free(&q);
	/* The grid, form and pages: one template for every listing page. */
	sbuf html = SBUF_INIT;
	if (tmpl_render_file("listing.html", d, &html) < 0) {
		sb_free(&html);
		http_error(r, 500, "template_missing", NULL, "the listing template is missing or broken");
		return -1;
	}
	cJSON_AddStringToObject(d, "listing", sb_str(&html));
	sb_free(&html);
	return 0;
}

int store_browse_api(req *r, const char *collection, int64_t limit, cJSON *o)
{
	browse_q q;
	const char *param = NULL, *why;
	if ((why = browse_parse(r->query, r->nquery, r->t.currency, limit, &q, &param))) {
		in_query_fail(r, param, "%s", why);
		return -1;
	}
	q.collection = collection;
	int more = 0;
	cJSON *list = browse_products(&r->t, &q, &more);
	store_present_products(r, list);   /* as vibe code's products: in the shopper's currency */
	cJSON_AddItemToObject(o, "products", list);
	if (more) cJSON_AddNumberToObject(o, "nextPage", (double)(q.page + 1));
	else cJSON_AddNullToObject(o, "nextPage");
	browse_free(&q);
	return 0;
}

/* ---- the product page's variant picker ---- */

static const char *vopt(const cJSON *v, int i)
{
	const cJSON *o = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(v, "options"), i);
	return cJSON_IsString(o) ? o->valuestring : "";
}

/* A colour swatch's CSS colour: the value as a CSS colour keyword (letters
 * only, "Forest Green" -> forestgreen), else none (the button shows text). */
static void swatch_colour(const char *value, char *out, size_t n)
{
	size_t k = 0;
	for (const char *c = value; *c && k + 1 < n; c++) {
		if (*c == ' ') continue;
		if (!isalpha((unsigned char)*c)) { out[0] = 0; return; }
		out[k++] = (char)tolower((unsigned char)*c);
	}
	out[k] = 0;
}

/* Fields that follow the chosen variant (or the product): what the page
 * shows first and what the script swaps in. */
static cJSON *shown(req *r, const cJSON *src, const cJSON *product, int limited, int64_t low, const char *product_image)
{
	cJSON *s = cJSON_CreateObject();
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(src, "id");
	cJSON_AddStringToObject(s, "id", cJSON_IsString(id) ? id->valuestring : "");
	cJSON *tmp = cJSON_Duplicate(src, 1);
	if (src == product) store_add_prices(r, tmp);
	else store_add_variant_prices(r, tmp, product);
	cJSON_AddStringToObject(s, "price", cJSON_GetObjectItemCaseSensitive(tmp, "priceFormatted")->valuestring);
	cJSON_AddStringToObject(s, "compareAt", cJSON_GetObjectItemCaseSensitive(tmp, "compareAtFormatted")->valuestring);
	cJSON_Delete(tmp);
	double stock = 0;
	num(src, "stock", &stock);
	int in = flag(src, "inStock");
	cJSON_AddBoolToObject(s, "inStock", in);
	cJSON_AddBoolToObject(s, "lowStock", in && limited && low > 0 && stock <= (double)low);
	char line[80];
	stock_text(line, sizeof line, in, limited, stock, low);
	cJSON_AddStringToObject(s, "stockText", line);
	/* how many one may add: the stock where it stops the sale */
	cJSON_AddNumberToObject(s, "max", limited ? (stock < cfg.cart_max_quantity ? stock : (double)cfg.cart_max_quantity)
				  : (double)cfg.cart_max_quantity);
	const cJSON *sku = cJSON_GetObjectItemCaseSensitive(src, "sku");
	cJSON_AddStringToObject(s, "sku", cJSON_IsString(sku) ? sku->valuestring : "");
	const cJSON *img = cJSON_GetObjectItemCaseSensitive(src, "image");
	cJSON_AddStringToObject(s, "image", cJSON_IsString(img) && *img->valuestring ? img->valuestring : product_image);
	return s;
}

void store_product_picker(req *r, cJSON *p)
{
	const cJSON *vars = cJSON_GetObjectItemCaseSensitive(p, "variants");
	const cJSON *options = cJSON_GetObjectItemCaseSensitive(p, "options");
	int limited = flag(p, "stockLimited");
	int64_t low = low_stock_threshold(r);
	const cJSON *pimg = cJSON_GetObjectItemCaseSensitive(p, "image");
	const char *product_image = cJSON_IsString(pimg) ? pimg->valuestring : "";
	/* The chosen variant: ?variant=ID of this product, else the first in
	 * stock, else the first. */
	const char *want = http_query(r, "variant");
	const cJSON *sel = NULL, *v;
	cJSON_ArrayForEach(v, vars) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "id");
		if (want && cJSON_IsString(id) && !strcmp(id->valuestring, want)) sel = v;
	}
	if (!sel) cJSON_ArrayForEach(v, vars) if (!sel && flag(v, "inStock")) sel = v;
	if (!sel) sel = cJSON_GetArrayItem(vars, 0);
	cJSON_AddItemToObject(p, "selected", shown(r, sel ? sel : p, p, limited, low, product_image));
	cJSON_AddNumberToObject(p, "stockLeft", (double)low);   /* the store's threshold, for the script */

	int nopt = cJSON_GetArraySize(options);
	cJSON_AddBoolToObject(p, "variantSelect", sel && nopt == 0);   /* variants without named options */
	cJSON *picker = cJSON_AddArrayToObject(p, "picker");
	for (int i = 0; sel && i < nopt && i < 3; i++) {
		const cJSON *opt = cJSON_GetArrayItem(options, i);
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(opt, "name");
		const cJSON *values = cJSON_GetObjectItemCaseSensitive(opt, "values");
		const char *nm = cJSON_IsString(name) ? name->valuestring : "Option";
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "name", nm);
		cJSON_AddNumberToObject(x, "position", i + 1);
		cJSON_AddStringToObject(x, "selectedValue", vopt(sel, i));
		int nval = cJSON_GetArraySize(values);
		cJSON_AddBoolToObject(x, "useSelect", nval > PICKER_BUTTONS_MAX);
		int colour = !strcasecmp(nm, "color") || !strcasecmp(nm, "colour");
		cJSON *xs = cJSON_AddArrayToObject(x, "values");
		const cJSON *val;
		int k = 0;
		cJSON_ArrayForEach(val, values) {
			if (!cJSON_IsString(val)) continue;
			/* sold out with the other options as chosen */
			int avail = 0;
			const cJSON *w;
			cJSON_ArrayForEach(w, vars) {
				int match = !strcmp(vopt(w, i), val->valuestring);
				for (int j = 0; j < nopt && j < 3 && match; j++)
					if (j != i && strcmp(vopt(w, j), vopt(sel, j))) match = 0;
				if (match && flag(w, "inStock")) avail = 1;
			}
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "value", val->valuestring);
			cJSON_AddBoolToObject(e, "checked", !strcmp(vopt(sel, i), val->valuestring));
			cJSON_AddBoolToObject(e, "soldOut", !avail);
			char id[32], sw[64] = "";
			snprintf(id, sizeof id, "opt%d-%d", i + 1, k++);
			cJSON_AddStringToObject(e, "inputId", id);
			if (colour) swatch_colour(val->valuestring, sw, sizeof sw);
			cJSON_AddBoolToObject(e, "swatch", colour);
			cJSON_AddStringToObject(e, "swatchColour", sw);
			cJSON_AddItemToArray(xs, e);
		}
		cJSON_AddItemToArray(picker, x);
	}
	/* The script's table: every variant's options and what follows it. */
	cJSON *table = cJSON_CreateObject();
	cJSON_AddNumberToObject(table, "low", (double)low);
	cJSON_AddBoolToObject(table, "limited", limited);
	cJSON_AddNumberToObject(table, "cap", (double)cfg.cart_max_quantity);
	cJSON_AddItemToObject(table, "product", shown(r, p, p, limited, low, product_image));
	cJSON *tv = cJSON_AddArrayToObject(table, "variants");
	cJSON_ArrayForEach(v, vars) {
		cJSON *e = shown(r, v, p, limited, low, product_image);
		cJSON_AddItemToObject(e, "options", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(v, "options"), 1));
		cJSON_AddItemToArray(tv, e);
	}
	sbuf js = SBUF_INIT;
	char *text = cJSON_PrintUnformatted(table);
	json_script(&js, text);
	cJSON_free(text);
	cJSON_AddStringToObject(p, "pickerJson", sb_str(&js));
	sb_free(&js);
	cJSON_Delete(table);
}

/* ---- POST /cart/add: the product form without JavaScript ---- */

/* The variant whose options are the form's option1..3, or 0. */
static int64_t variant_by_options(req *r, int64_t pid, const kv *f, int n)
{
	const char *o[3];
	int given = 0;
	for (int i = 0; i < 3; i++) {
		char k[16];
		snprintf(k, sizeof k, "option%d", i + 1);
		o[i] = http_pair(f, n, k);
		given |= o[i] != NULL;
	}
	if (!given) return -1;
	return cat_variant_by_options(r->t.id, pid, o);
}

static int form_id(req *r, const kv *f, int n, const char *name, int64_t *out)
{
	const char *v = http_pair(f, n, name);
	*out = 0;
	if (!v || !*v) return 0;
	const char *why = query_int_problem(v, 0, 1, INT64_MAX / 2, out);
	if (why) { in_fail(r, name, "%s", why); return -1; }
	return 0;
}

/* Route: POST /cart/add (form: product_id, id = variant, option1..3,
 * quantity) -> 303 to /cart. The chosen options name the variant when
 * given (the picker's radios post them), else id does. */
void store_cart_add_form(req *r)
{
	kv *f;
	int n;
	if (http_form_body(r, &f, &n) < 0) return;
	int64_t pid, vid, qty = 1;
	const char *qs = http_pair(f, n, "quantity"), *why;
	if (form_id(r, f, n, "product_id", &pid) < 0 || form_id(r, f, n, "id", &vid) < 0) goto out;
	if (!pid) { in_fail(r, "product_id", "is required"); goto out; }
	if (qs && *qs && (why = query_int_problem(qs, 1, 1, cfg.cart_max_quantity, &qty))) {
		in_fail(r, "quantity", "%s", why);
		goto out;
	}
	int64_t byopt = variant_by_options(r, pid, f, n);
	if (byopt == 0) {
		in_fail(r, "option1", "no variant of this product has the chosen options");
		goto out;
	}
	if (byopt > 0) vid = byopt;
	if (store_cart_add_line(r, pid, vid, qty) >= 0) {
		http_redirect(r, 303, "/cart");
	}
out:
	http_pairs_free(f, n);
}

/* ---- live stock ---- */

#define STOCK_IDS_MAX 50

/* Route: GET /api/stock?ids=1,2,3 -> {products: [{id, inStock,
 * stockLimited, stock, variants: [{id, inStock, stock}]}]}: what the
 * product page and the cart poll while visible. Cacheable: the ETag
 * changes only when the stock does, so an unchanged poll is a 304. */
void store_stock(req *r)
{
	const char *ids = http_query(r, "ids");
	if (!ids || !*ids || strlen(ids) > STOCK_IDS_MAX * 21) {
		in_query_fail(r, "ids", "must be 1 to %d product ids separated by commas", STOCK_IDS_MAX);
		return;
	}
	cJSON *o = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(o, "products");
	int n = 0;
	for (const char *p = ids; *p; ) {
		char *end;
		long long id = strtoll(p, &end, 10);
		if (end == p || id <= 0 || (*end && *end != ',') || ++n > STOCK_IDS_MAX) {
			cJSON_Delete(o);
			in_query_fail(r, "ids", "must be 1 to %d product ids separated by commas", STOCK_IDS_MAX);
			return;
		}
		p = *end ? end + 1 : end;
		cJSON *prod = cat_product_by_id(&r->t, id);
		if (!prod) continue;            /* not this store's, or not sold now */
		cJSON *x = cJSON_CreateObject();
		static const char *const keep[] = { "id", "inStock", "stockLimited", "stock" };
		for (size_t i = 0; i < ARRAY_LEN(keep); i++)
			cJSON_AddItemToObject(x, keep[i], cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(prod, keep[i]), 1));
		cJSON *vs = cJSON_AddArrayToObject(x, "variants"), *v;
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(prod, "variants")) {
			cJSON *y = cJSON_CreateObject();
			static const char *const vkeep[] = { "id", "inStock", "stock" };
			for (size_t i = 0; i < ARRAY_LEN(vkeep); i++)
				cJSON_AddItemToObject(y, vkeep[i], cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(v, vkeep[i]), 1));
			cJSON_AddItemToArray(vs, y);
		}
		cJSON_AddItemToArray(list, x);
		cJSON_Delete(prod);
	}
	http_json(r, 200, o);
}

/* The currency menu of a page: {show, choices [{code, selected}], back}. */
void store_currency_form(req *r, cJSON *d, const char *back)
{
	cJSON *s = com_settings(r->t.id);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(s, "currencies"), *c;
	cJSON *f = cJSON_AddObjectToObject(d, "currencyForm");
	cJSON_AddBoolToObject(f, "show", cJSON_GetArraySize(list) > 0);
	cJSON_AddStringToObject(f, "back", back);
	cJSON *ch = cJSON_AddArrayToObject(f, "choices");
	int other = store_presentment(r);
	cJSON *own = cJSON_CreateObject();
	cJSON_AddStringToObject(own, "code", r->t.currency);
	cJSON_AddBoolToObject(own, "selected", !other);
	cJSON_AddItemToArray(ch, own);
	cJSON_ArrayForEach(c, list) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(c, "code");
		if (!cJSON_IsString(k)) continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", k->valuestring);
		cJSON_AddBoolToObject(o, "selected", other && !strcmp(r->currency, k->valuestring));
		cJSON_AddItemToArray(ch, o);
	}
	cJSON_Delete(s);
}

/* Route: POST /currency (form: currency, return) -> 303 back. The
 * shopper's choice is remembered by the sf_currency cookie; the store's
 * own currency (or "") clears it; one it does not sell in is 422. */
void store_currency_choose(req *r)
{
	kv *f;
	int n;
	if (http_form_body(r, &f, &n) < 0) return;
	const char *c = http_pair(f, n, "currency"), *back = http_pair(f, n, "return");
	if (!back || back[0] != '/' || back[1] == '/' || back[1] == '\\' || strpbrk(back, "\r\n")) back = "/";
	cJSON *s = com_settings(r->t.id);
	currency_rate cr;
	if (c && *c && strcmp(c, r->t.currency) && currency_find(s, c, &cr) < 0) {
		in_fail(r, "currency", "this store does not sell in '%.8s'", c);
	} else {
		int clear = !c || !*c || !strcmp(c, r->t.currency);
		http_set_cookie(r, CURRENCY_COOKIE, clear ? "" : cr.code, clear ? 0 : 365L * 86400, 1, "Lax");
		http_redirect(r, 303, back);
	}
	cJSON_Delete(s);
	http_pairs_free(f, n);
}
