/* store: commerce handlers of storefront.fcgi (store_cart.c): cart API,
 * checkout, payment webhook, and the cart, checkout and order pages. The
 * route table in main_storefront.c is the map. */
#ifndef STORE_H
#define STORE_H
#include "http.h"

void store_cart_get(req *r);
void store_cart_add(req *r);
void store_cart_update(req *r);
void store_cart_delete(req *r);
void store_checkout(req *r);
void store_checkout_quote(req *r);
void store_payment_webhook(req *r);
void store_cart_page(req *r);
void store_checkout_page(req *r);
void store_order_page(req *r);
/* SEO and feeds (store_seo.c) */
void store_sitemap(req *r);
void store_sitemap_part(req *r);
void store_robots(req *r);
void store_feed_atom(req *r);
void store_feed_rss(req *r);
void store_blog_tagged(req *r);
/* The store's due scheduled publishes (schedule.h), before its request. */
void store_run_schedule(req *r);
/* A GET the routes answered 404: the store's redirect for the path, if
 * it has one (then 1: the answer is the redirect). */
int store_redirect(req *r);
/* dateFormatted on a post / each post of a list (store_seo.c). */
void store_add_post_date(cJSON *post);
void store_add_post_dates(cJSON *posts);
/* store_ops.c: the analytics beacon, /healthz, /metrics */
void store_beacon(req *r);
void ops_healthz(req *r);
void ops_metrics_page(req *r);
/* search (store_search.c) */
void store_search_page(req *r);
void store_search_api(req *r);
void store_search_suggest(req *r);
void store_search_click(req *r);
void store_chat(req *r);
/* Add to this request's cart (store_cart.c): the cart id, or -1 answered. */
int64_t store_cart_add_line(req *r, int64_t pid, int64_t vid, int64_t qty);

/* Browsing (store_browse.c). */
/* Formatted prices (priceFormatted, compareAtFormatted) of a product or
 * variant in the store's currency (store_browse.c). */
void store_add_prices(req *r, cJSON *p);
/* A listing page's data into d: products (with badges), the sort menu,
 * the filter form, pagination links. path: the listing's own address.
 * -1 after answering 422 for a bad parameter. */
int store_browse_page(req *r, const char *collection, const char *path, cJSON *d);
/* /api/products: {products, nextPage} under the same parameters. */
int store_browse_api(req *r, const char *collection, int64_t limit, cJSON *o);
/* The product page's picker data into the product JSON p: selected,
 * picker[], variantSelect, pickerJson (the script's table). */
void store_product_picker(req *r, cJSON *p);
void store_cart_add_form(req *r);
void store_stock(req *r);
/* The shopper's presentment currency (sf_currency cookie), when the store
 * sells in it: 1 (and r->currency...; the page becomes private: the page
 * cache keeps it per currency), else 0. */
int store_presentment(req *r);
/* A shop price (minor units) in the presentment currency's minor units. */
int64_t store_convert(req *r, int64_t shop_minor);
/* A shop amount that is not a price (shipping, tax, discount) in the
 * presentment currency without the rounding rule, as the order converts
 * it; the amount itself when the shopper chose no other currency. */
int64_t store_convert_plain(req *r, int64_t shop_minor);
/* THE price of product pid's variant vid (0: the product) for this
 * request: in the presentment currency (currency_price: a fixed price, else
 * converted) when the shopper chose one, else the shop prices given
 * (minor units; shop_cmp -1: none). Returns out->price. */
struct currency_amount;
struct currency_rate;
/* This request's presentment currency is cr (a checkout names its own). */
void store_set_presentment(req *r, const struct currency_rate *cr);
/* 1 with the shopper's presentment currency's rate in *out (for a domain
 * module that converts: checkout, chat), 0 when they chose none. */
int store_presentment_rate(req *r, struct currency_rate *out);
int64_t store_price(req *r, int64_t pid, int64_t vid, int64_t shop_price, int64_t shop_cmp, struct currency_amount *out);
/* A variant's formatted prices (as store_add_prices) in product's page. */
void store_add_variant_prices(req *r, cJSON *v, const cJSON *product);
/* Products (and their variants) as vibe code and /api/products give them:
 * price, compareAtPrice and currency in the shopper's currency (through
 * store_price), shopPrice and shopCompareAtPrice in the store's. */
void store_present_products(req *r, cJSON *list);
/* An id field of the JSON we made (a string, or a number): 0 when absent. */
int64_t store_json_id(const cJSON *o, const char *k);
void store_present_product(req *r, cJSON *p);
/* The shopper's cart as vibe code's cart input sees it, NULL when they
 * have none or it is empty: items[] {id, productId, variantId, name,
 * quantity, price, lineTotal (+Formatted) in the shopper's currency
 * (store_price: what the cart page shows), shopPrice, shopLineTotal},
 * itemCount, currency (the shopper's), subtotal (+Formatted),
 * shopCurrency, shopSubtotal (the store's amounts). */
cJSON *store_cart_presented(req *r);
/* The currency menu's data into d (currencyForm); back: this page's path. */
void store_currency_form(req *r, cJSON *d, const char *back);
void store_currency_choose(req *r);
void store_cart_email(req *r);
void store_cart_recover(req *r);
/* The request's shippingAddress field checked ({line1, line2?, city,
 * region?, postalCode, country}): a new object ({} when absent and not
 * required), or NULL after answering 422 (store_cart.c). */
cJSON *store_check_address(req *r, const cJSON *b, int required);
/* The store's address for links in emails ("https://host"). */
void store_origin(req *r, char *out, size_t n);

/* Shopper accounts (store_account.c). */
/* The signed-in customer of this request (its session cookie), or 0;
 * looked up once per request. */
int64_t store_customer(req *r);
void store_account_page(req *r);
void store_account_get(req *r);
void store_account_update(req *r);
void store_account_delete(req *r);
void store_account_signup(req *r);
void store_account_login(req *r);
void store_account_code(req *r);
void store_account_code_verify(req *r);
void store_account_reset(req *r);
void store_account_logout(req *r);
void store_account_address_add(req *r);
void store_account_address_delete(req *r);
void store_account_reorder(req *r);
void store_wishlist_get(req *r);
void store_wishlist_add(req *r);
void store_wishlist_remove(req *r);
void store_wishlist_merge(req *r);
void store_wishlist_page(req *r);
#endif
