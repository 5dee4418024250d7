/* vref: the vibe-code contract as data (see vref.h). */
#include "vref.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static const vref_field f_storefront[] = {
	{ "name", "string", "The store's name." },
	{ "tagline", "string", "The store's tagline." },
	{ "username", "string", "The store's username (its subdomain)." },
	{ "domain", "string", "The host name the page was asked for." },
	{ "currency", "string", "ISO 4217 code of the shopper's (presentment) currency: the one they chose among the store's "
	  "currencies, else the store's own, e.g. \"USD\". formatPrice and the products' prices are in it." },
	{ "shopCurrency", "string", "ISO 4217 code of the store's own currency (shopPrice is in it)." },
	{ "presentmentCurrency", "object", "The shopper's currency: {code, symbol, decimals, rate} (rate: the store's rate as "
	  "the merchant gave it, null when it is the store's own currency)." },
	{ "logo", "string", "URL of the store's logo, or \"\"." },
	{ "theme", "object", "The published theme's settings (colours, fonts, layout)." },
	{ NULL, NULL, NULL }
};

static const vref_field f_product[] = {
	{ "id", "string", "The product's id." },
	{ "name", "string", "Title." },
	{ "slug", "string", "Handle in the product's URL." },
	{ "url", "string", "The product page's path, e.g. \"/products/mug\"." },
	{ "description", "string", "Description as plain text." },
	{ "price", "number", "Price in major units (12.5 = 12.50) of the shopper's currency (storefront.currency): the "
	  "merchant's fixed price in it, else the store's price converted and rounded." },
	{ "compareAtPrice", "number|null", "The price before a sale, or null (in the shopper's currency)." },
	{ "currency", "string", "ISO 4217 code of the price (the shopper's currency)." },
	{ "shopPrice", "number", "The price in the store's own currency (storefront.shopCurrency), major units." },
	{ "shopCompareAtPrice", "number|null", "The compare-at price in the store's own currency, or null." },
	{ "sku", "string", "Stock-keeping unit of the first variant." },
	{ "barcode", "string", "Barcode (ISBN, UPC, GTIN) of a product without variants, or \"\" (variants have their own)." },
	{ "vendor", "string", "Vendor or brand." },
	{ "productType", "string", "The product's type (e.g. \"Tent\"), or \"\"." },
	{ "tags", "string[]", "Tags." },
	{ "collections", "string[]", "Slugs of the collections it is in (only in api.getProducts() results)." },
	{ "variants", "object[]", "Variants: {id, title, sku, barcode, price, compareAtPrice, shopPrice, shopCompareAtPrice, stock, inStock, options}." },
	{ "options", "object[]", "Options and their values, e.g. [{name: \"Size\", values: [\"S\", \"M\"]}]." },
	{ "seo", "object", "The product's SEO settings (title, description)." },
	{ "createdAt", "string", "ISO 8601 time it was created." },
	{ "customFields", "object", "The store's custom fields for products, by key (text, number, boolean, date, URL, media, product, JSON)." },
	{ "relatedProducts", "string[]", "Ids of the products the merchant chose as related." },
	{ "image", "string", "URL of the main image, or \"\"." },
	{ "images", "object[]", "Every image: {url, alt, width, height, renditions} (give one to helpers.image)." },
	{ "stock", "number", "Units in stock (all variants)." },
	{ "inStock", "boolean", "Whether it can be bought now." },
	{ "trackInventory", "boolean", "Whether stock is counted." },
	{ "stockLimited", "boolean", "Whether selling stops at zero stock." },
	{ "inventoryPolicy", "string", "\"deny\" or \"continue\" when out of stock." },
	{ NULL, NULL, NULL }
};

static const vref_field f_collection[] = {
	{ "id", "string", "The collection's id." },
	{ "title", "string", "Title." },
	{ "slug", "string", "Handle in the collection's URL." },
	{ "url", "string", "The collection page's path." },
	{ "description", "string", "Description." },
	{ "image", "string", "URL of its image, or \"\"." },
	{ "productCount", "number", "How many products it holds." },
	{ "seo", "object", "The collection's SEO settings (title, description, image, robots)." },
	{ "customFields", "object", "The store's custom fields for collections, by key." },
	{ NULL, NULL, NULL }
};

static const vref_field f_post[] = {
	{ "id", "string", "The post's id." },
	{ "title", "string", "Title." },
	{ "slug", "string", "Handle in the post's URL." },
	{ "url", "string", "The post's path." },
	{ "excerpt", "string", "A short summary." },
	{ "featuredImage", "string", "URL of its image, or \"\"." },
	{ "publishedAt", "string", "ISO 8601 time it was published." },
	{ "status", "string", "\"published\" (blocks see published posts only)." },
	{ "createdAt", "string", "ISO 8601 time it was written." },
	{ "updatedAt", "string", "ISO 8601 time it was last changed." },
	{ "authorName", "string", "Who wrote it, or \"\"." },
	{ "tags", "string[]", "Its tags (each has a page at /blog/tagged/TAG)." },
	{ "seoConfig", "object", "The post's SEO settings." },
	{ "customFields", "object", "The store's custom fields for posts, by key." },
	{ NULL, NULL, NULL }
};

static const vref_field f_cart[] = {
	{ "items", "object[]", "Lines: {id, productId, variantId, name, variantTitle, url, image, quantity, price, "
	  "priceFormatted, lineTotal, lineTotalFormatted, shopPrice, shopLineTotal}. price and lineTotal (quantity x "
	  "price) are in the shopper's currency (storefront.currency): the merchant's fixed price in it, else the store's "
	  "converted and rounded, as the cart page shows them; shopPrice and shopLineTotal are the store's own amounts." },
	{ "itemCount", "number", "Units in the cart." },
	{ "subtotal", "number", "Sum of the lines' lineTotal, major units of the shopper's currency (subtotalFormatted: "
	  "formatted). Shipping, tax and discounts come at checkout." },
	{ "currency", "string", "ISO 4217 code of the shopper's currency (= storefront.currency)." },
	{ "shopSubtotal", "number", "The same subtotal in the store's own currency." },
	{ "shopCurrency", "string", "ISO 4217 code of the store's own currency." },
	{ NULL, NULL, NULL }
};

static const vref_field f_device[] = {
	{ "type", "string", "\"desktop\", \"tablet\" or \"mobile\", from the browser." },
	{ NULL, NULL, NULL }
};

const vref_input vref_inputs[] = {
	{ "storefront", "object", "The store: name, tagline, domain, currency (the shopper's), shopCurrency, presentmentCurrency, logo, theme.", f_storefront },
	{ "products", "object[]", "The block's products (config: collection, limit, sort).", f_product },
	{ "collections", "object[]", "The store's collections.", f_collection },
	{ "posts", "object[]", "Published blog posts, newest first.", f_post },
	{ "cart", "object|null", "The shopper's cart when they hold one with items, else null (a page "
	  "that shows it is theirs alone, never cached).", f_cart },
	{ "user", "object|null", "The signed-in customer, or null.", NULL },
	{ "device", "object", "The kind of device asking.", f_device },
	{ "config", "object", "The block's own config object, as the merchant set it.", NULL },
	{ "helpers", "object", "Formatting and escaping functions (see helpers).", NULL },
	{ "api", "object", "Queries over the store's data, loaded before the code runs (see api).", NULL },
	{ NULL, NULL, NULL, NULL }
};

const vref_call vref_helpers[] = {
	{ "formatPrice", "formatPrice(amount, currency?)", "string",
	  "Money in the currency's format, e.g. formatPrice(12.5, \"USD\") is \"$12.50\"; the store's currency by default." },
	{ "formatDate", "formatDate(date, format?)", "string",
	  "A date (ISO string, Date or epoch) in a format of YYYY, MM, M, DD, D, MMM, MMMM, HH, mm; \"YYYY-MM-DD\" by default." },
	{ "slugify", "slugify(text)", "string", "Text as a URL slug: \"Red Mug!\" is \"red-mug\"." },
	{ "escapeHtml", "escapeHtml(text)", "string",
	  "Text made safe inside HTML (& < > \" ' escaped). Use it on everything a merchant or shopper typed." },
	{ "generateId", "generateId()", "string", "A fresh id for an element, unique within the page." },
	{ "image", "image(urlOrImage, {width, alt, sizes, className, height, loading}?)", "string",
	  "An <img> for a media-library image (a URL or an image object of product.images) with srcset of its "
	  "WebP renditions, sizes, width and height (no layout shift) and loading=\"lazy\" ({loading: \"eager\"} "
	  "for a hero); alt from the options or the library." },
	{ NULL, NULL, NULL, NULL }
};

const vref_call vref_api[] = {
	{ "getProducts", "getProducts(filters?)", "object[]",
	  "The store's products, filtered by {collection, tag(s), vendor(s), productType(s), search, minPrice, maxPrice, available "
	  "(or inStock), options: {Size: \"M\"}, sort_by, limit, page}; sort_by takes Shopify's names "
	  "(price-ascending, price-descending, title-ascending, title-descending, created-descending, "
	  "created-ascending) or price-asc, price-desc, name, newest." },
	{ "getCollections", "getCollections()", "object[]", "The store's collections." },
	{ "getCart", "getCart()", "object|null", "The shopper's cart, or null." },
	{ "getWishlist", "getWishlist()", "object[]", "The signed-in shopper's wishlist (products), or [] (a guest's lives in the browser)." },
	{ "search", "search(query, limit?)", "object[]",
	  "Products matching a query (words, type, SKU and barcode fragments, typos), best first, from the catalogue loaded for the page." },
	{ "getRelated", "getRelated(productId, limit?)", "object[]",
	  "Products like this one (nearest by meaning in this store, else from its collections)." },
	{ NULL, NULL, NULL, NULL }
};

int vref_is_input(const char *name)
{
	for (const vref_input *in = vref_inputs; in->name; in++)
		if (strcmp(in->name, name) == 0) return 1;
	return 0;
}

const char *vref_input_list(void)
{
	static char list[256];
	if (!list[0]) {
		size_t n = 0;
		for (const vref_input *in = vref_inputs; in->name && n < sizeof list; in++)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", in == vref_inputs ? "" : ", ", in->name);
	}
	return list;
}

static cJSON *calls_json(const vref_call *c)
{
	cJSON *a = cJSON_CreateArray();
	for (; c->name; c++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", c->name);
		cJSON_AddStringToObject(o, "signature", c->signature);
		cJSON_AddStringToObject(o, "returns", c->returns);
		cJSON_AddStringToObject(o, "doc", c->doc);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

cJSON *vref_json(void)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "entry",
		"A block defines top-level functions; the entry point is the only one, or the only one whose name "
		"starts with render. Its parameter names choose its inputs. It returns a string of HTML.");
	cJSON *ins = cJSON_AddArrayToObject(o, "inputs");
	for (const vref_input *in = vref_inputs; in->name; in++) {
		cJSON *i = cJSON_CreateObject();
		cJSON_AddStringToObject(i, "name", in->name);
		cJSON_AddStringToObject(i, "type", in->type);
		cJSON_AddStringToObject(i, "doc", in->doc);
		cJSON *fs = cJSON_AddArrayToObject(i, "fields");
		for (const vref_field *f = in->fields; f && f->name; f++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "name", f->name);
			cJSON_AddStringToObject(x, "type", f->type);
			cJSON_AddStringToObject(x, "doc", f->doc);
			cJSON_AddItemToArray(fs, x);
		}
		cJSON_AddItemToArray(ins, i);
	}
	cJSON_AddItemToObject(o, "helpers", calls_json(vref_helpers));
	cJSON_AddItemToObject(o, "api", calls_json(vref_api));
	return o;
}
