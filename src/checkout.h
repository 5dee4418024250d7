/* checkout: placing an order from a cart, and quoting one. A checked
 * request struct in, a result code out; no HTTP here (store_cart.c parses
 * and answers). Placing is one BEGIN IMMEDIATE transaction: the order and
 * its items, the stock taken, the discount's use, the cart emptied, the
 * emails and POS webhook queued (outbox) and the card payment's intent
 * queued; after the commit the intent is made within gateway_timeout_ms.
 * An idempotency key names one request: the same key and request answer
 * the order made the first time. Money is integer minor units. */
#ifndef CHECKOUT_H
#define CHECKOUT_H
#include "commerce.h"
#include "tenant.h"
#include "util.h"
#include <cJSON.h>
#include <stdint.h>

/* A checkout request whose fields are already checked (store_cart.c). */
typedef struct checkout_req {
	const tenant *t;
	int64_t cart;                   /* the cookie's cart, 0 for none */
	const cJSON *settings;          /* the store's (com_settings) */
	const com_ship *ship;           /* the chosen shipping method */
	const char *email, *name, *phone, *pay, *code, *note, *key;   /* phone, code, note: NULL for none */
	const cJSON *address;           /* the checked shippingAddress ({} without one) */
	const char *origin;             /* the store's address for links in emails */
	const char *remote_addr;        /* for the audit log */
	/* The shopper's (presentment) currency, NULL for the shop's; then the
	 * items' subtotal in it that they agreed to (minor units): if the
	 * lines (currency_price) come to another amount the order is refused
	 * (CO_PRICE_CHANGED). The order records both sides, and the gateway
	 * charges in it when present->charge. */
	const struct currency_rate *present;
	int64_t present_items;
} checkout_req;

typedef enum {
	CO_PLACED,              /* a new order */
	CO_REPLAYED,            /* the key was used before for this same request: that order */
	CO_KEY_CONFLICT,        /* the key was used before for another request */
	CO_CART_EMPTY,
	CO_TOO_LARGE,           /* subtotal over COM_MAX_ORDER */
	CO_OUT_OF_STOCK,        /* lines short of stock (items, message) */
	CO_UNAVAILABLE,         /* the same with a line no longer sold among them */
	CO_DISCOUNT_INVALID,    /* the discount code refused (message: why) */
	CO_DISCOUNT_EXPIRED,
	CO_DISCOUNT_USED_UP,
	CO_STORAGE,             /* the database failed; nothing was written (db_busy: it was locked) */
	CO_READ_ONLY,           /* the store is in its read-only window (moving between pods): nothing written */
	CO_PRICE_CHANGED,       /* the items in the presentment currency are not what the shopper agreed to (present_items) */
} checkout_code;

typedef struct checkout_result {
	checkout_code code;
	int64_t order;                  /* CO_PLACED, CO_REPLAYED: the internal id */
	int payment_delayed;            /* CO_PLACED: the card intent is left to the deliverer */
	sbuf message;                   /* stock: the short lines; discount: why it is refused */
	cJSON *items;                   /* stock: the short lines (itemId, productId, ...) or NULL */
	int64_t present_items;          /* CO_PRICE_CHANGED: what the items come to now in that currency */
} checkout_result;

/* Place the order: r->code says what happened. Free r with checkout_result_free. */
void checkout_place(const checkout_req *q, checkout_result *r);
void checkout_result_free(checkout_result *r);

/* NULL when shipping method ship_id and payment method pay (NULL: not
 * checked) are ones the store offers, with the method in *ship; else a
 * message and the field it names in *field. */
const char *checkout_choice_problem(const cJSON *settings, const char *ship_id, const char *pay, com_ship *ship,
				    const char **field);
/* An order's amounts in the shopper's (presentment) currency, minor units
 * of it: items = each line's currency_price times its quantity; shipping
 * and discount converted without rounding (currency_convert_plain); total =
 * items plus the converted difference between the shop's total and
 * subtotal (never below 0): what the order records as presentment_total
 * and charges when the currency has charge; tax = what is left of that
 * difference (exclusive tax, so the lines add up to the total), or the
 * included tax converted. The quote and the order both use it. */
typedef struct checkout_present {
	int64_t items, discount, shipping, tax, total;
} checkout_present;

/* The totals cart would have now for ship and discount code (NULL: none),
 * nothing written: CO_PLACED with *tot (and *pt in present's currency
 * when present is not NULL: what the order would record; shop: the
 * store's currency), a CO_DISCOUNT_*
 * code with why in r->message, or CO_STORAGE. */
checkout_code checkout_quote(int64_t tid, int64_t cart, const cJSON *settings, const com_ship *ship, const char *code,
			     const char *shop, const struct currency_rate *present, com_totals *tot, checkout_present *pt,
			     checkout_result *r);
#endif
