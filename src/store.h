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
/* search (store_search.c) */
void store_search_page(req *r);
void store_search_api(req *r);
void store_search_suggest(req *r);
void store_search_click(req *r);
void store_chat(req *r);
#endif
