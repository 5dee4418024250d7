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
/* dateFormatted on each post of a list (main_storefront.c). */
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
#endif
