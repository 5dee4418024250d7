/* wishlist: a signed-in shopper's wished-for products (per store, every
 * query binds the tenant): add, remove, merge the list a guest kept in the
 * browser, the list as product JSON (vibe code's api.getWishlist and the
 * /wishlist page), and the opt-in back-in-stock emails (queued through the
 * outbox by `storefront deliver` once a wished-for item has stock again). */
#ifndef WISHLIST_H
#define WISHLIST_H
#include "tenant.h"
#include <cJSON.h>
#include <stdint.h>

#define WISHLIST_MAX 200        /* items in one wishlist */

typedef enum { WL_OK = 0, WL_STORAGE, WL_UNKNOWN, WL_FULL } wl_code;

/* Add (or update notify of) product pid / variant vid (0: the product):
 * WL_UNKNOWN when no active product (or variant) of this store. */
wl_code wishlist_add(int64_t tid, int64_t cid, int64_t pid, int64_t vid, int notify);
/* Remove every line of product pid: WL_OK, or WL_UNKNOWN when none. */
wl_code wishlist_remove(int64_t tid, int64_t cid, int64_t pid);
/* The list as public product JSON, newest first, each with
 * "wishlist": {variantId, notify}. */
cJSON *wishlist_json(const tenant *t, int64_t cid);
/* Queue the back-in-stock emails due in one store (tid 0: every store):
 * the number queued, or -1. origin_fmt: "https://%s" for the store host. */
int wishlist_notify_due(int64_t tid);
#endif
