/* commerce: carts, per-store commerce settings (shipping methods, tax,
 * payment methods), order totals with the rounding rules of
 * doc/commerce.md, checkout in one BEGIN IMMEDIATE transaction (order +
 * stock decrement + discount use + outbox), and order JSON. Every query
 * binds the tenant id. Money is integer minor units here. */
#ifndef COMMERCE_H
#define COMMERCE_H
#include "http.h"
#include <cJSON.h>
#include <stdint.h>

#define COM_CART_COOKIE "sf_cart"
/* Largest order subtotal in minor units (keeps every total far from int64 limits). */
#define COM_MAX_ORDER 10000000000000LL
#define COM_DISCOUNT_CODE_MAX 64        /* bytes of a discount code */

/* Round num/den half up (num >= 0, den > 0). */
int64_t com_div_round(int64_t num, int64_t den);

/* Totals of an order. */
typedef struct com_totals {
	int64_t subtotal, discount, shipping, tax, total;
	int tax_inclusive;
} com_totals;

typedef struct com_discount {
	int percent;            /* 1: value is a percentage 1-100; 0: fixed minor units */
	int64_t value;
} com_discount;

/* Shipping method as configured: kind flat | free_over | pickup. */
typedef struct com_ship {
	char id[64], kind[16], name[128];
	int64_t price, min_subtotal;
} com_ship;

/* subtotal - discount + shipping (+ tax when exclusive); see doc/commerce.md. */
void com_compute(int64_t subtotal, const com_discount *d, const com_ship *ship, int64_t tax_bps,
		 int tax_inclusive, int tax_shipping, com_totals *out);

/* Settings of a store merged over the defaults (caller deletes). */
cJSON *com_settings(int64_t tid);
/* The same with every secret (posWebhook.secret, stripe.secretKey,
 * stripe.webhookSecret) masked: what the admin API shows. Secrets are
 * write-only; nobody reads them back through the API. */
cJSON *com_settings_masked(int64_t tid);
/* The masked form of a secret into out: "" for none, else the secret's
 * prefix such as "sk_test_" (when long enough to keep), an ellipsis and
 * the last 4 characters (only for secrets of 16 or more bytes). */
void com_secret_mask(const char *secret, char *out, size_t n);
/* Before an admin PUT replaces stored keys: in each given object holding a
 * secret, a missing secret or the masked value GET showed keeps the stored
 * secret (a client may GET, change one field and PUT the whole object).
 * NULL when fine, else a message and the field in *field. */
const char *com_settings_keep_secrets(cJSON *given, const cJSON *stored, const char **field);
/* The store's time zone setting (timeZone, default "UTC"; tenant 0: UTC)
 * into out, for the vibe sandbox's local-time Date. */
void com_time_zone(int64_t tid, char *out, size_t n);
/* Check a settings object (admin PUT); NULL when fine, else a message and
 * the offending field in *field. */
const char *com_settings_problem(const cJSON *s, const char **field);
/* Find a shipping method by id in settings: 0 found. */
int com_ship_find(const cJSON *settings, const char *id, com_ship *out);

/* The cart of this request's cookie, or 0. create: make one (and set the
 * cookie) when there is none. */
int64_t com_cart_id(req *r, int create);
/* Public cart JSON (major units and formatted strings) of cart id (0 = empty). */
cJSON *com_cart_json(req *r, int64_t cart);

/* Order JSON of internal id: admin (minor units, every field) or public
 * (major units, what the confirmation page shows); its "id" and URL carry
 * the per-store number. NULL when not this tenant's. */
cJSON *com_order_json(int64_t tid, int64_t id, int admin, const char *currency);

/* Orders are named outside by their per-store number (1001, 1002, ...):
 * the internal id of this store's order number, or 0. */
int64_t com_order_by_number(int64_t tid, int64_t number);
/* The internal id of the order a confirmation link names (its number, or
 * the internal id in links mailed before numbers) when key is its secret
 * (constant-time compare), else 0. */
int64_t com_order_by_key(int64_t tid, int64_t ref, const char *key);

/* POST /api/checkout; answers the request itself. */
void com_checkout(req *r);
/* POST /api/cart/quote: totals of the cart for a shipping method and
 * discount code, nothing written. */
void com_quote(req *r);

/* Queue the POS webhook `event` for order id if the store configured one
 * (inside the caller's transaction): 0 or -1. */
int com_queue_webhook(int64_t tid, int64_t order, const char *event);
/* Restock a cancelled order's items once: 0, or -1 on a storage error. */
int com_restock(int64_t tid, int64_t order);
#endif
