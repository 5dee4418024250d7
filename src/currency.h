/* currency: a store's other currencies: the rates and rounding rules the
 * merchant sets (commerce setting "currencies": [{code, rate, rounding}]),
 * the merchant's fixed prices per product or variant per currency (table
 * variant_prices), THE price of an item in the shopper's chosen
 * (presentment) currency (currency_price: every page, the cart, checkout
 * and the order use it), and checking the setting. No HTTP here. */
#ifndef CURRENCY_H
#define CURRENCY_H
#include <cJSON.h>
#include <stdint.h>

#define CURRENCY_MAX 20     /* other currencies one store may offer */
/* The shopper's choice: the code, or absent for the store's own. */
#define CURRENCY_COOKIE "sf_currency"

typedef struct currency_rate {
	char code[8];
	double rate;            /* 1 shop unit = rate presentment units */
	char rate_text[32];     /* as the merchant gave it: what a checkout must name */
	char rounding[8];       /* none | 0.99 | whole */
	int charge;             /* the gateway charges in it (setting "charge": true), else in the shop's */
} currency_rate;

/* The store's rate for code (settings from com_settings): 0, or -1 when it
 * does not sell in code. */
int currency_find(const cJSON *settings, const char *code, currency_rate *out);
/* An amount of the shop's currency (minor units, may be negative) in r's,
 * without the rounding rule (shipping, tax, discount). */
int64_t currency_convert_plain(int64_t shop_minor, const char *shop, const currency_rate *r);
/* A shop price (minor units of shop) in the presentment currency's minor
 * units, rounded by the rule (0.99: up to the next .99; whole: up to the
 * next whole unit; none: to the nearest minor unit). */
int64_t currency_convert(int64_t shop_minor, const char *shop, const currency_rate *r);
/* NULL when a "currencies" setting is acceptable (shop: the store's own
 * currency, which it may not list; NULL: not checked), else the problem. */
const char *currency_settings_problem(const cJSON *v, const char *shop);

/* An item's price in a presentment currency (minor units of it). */
typedef struct currency_amount {
	int64_t price;
	int64_t compare_at;     /* -1: none */
	int fixed;              /* 1: the merchant's fixed price (not rounded) */
} currency_amount;

/* THE price of a product (vid 0: its cheapest variant, or the product
 * itself when it has none) or variant vid in r's currency: the merchant's
 * fixed price when set, else shop_price (and shop_cmp, -1 none) converted
 * and rounded by currency_convert. Returns out->fixed. */
int currency_price(int64_t tid, int64_t pid, int64_t vid, const char *shop, const currency_rate *r,
		   int64_t shop_price, int64_t shop_cmp, currency_amount *out);

/* A product's fixed prices as the admin API shows them: [{variantId (null:
 * the product itself), currency, price, compareAtPrice}], minor units. */
cJSON *currency_prices_json(int64_t tid, int64_t pid);
/* Replace a product's fixed prices by list (inside the caller's
 * transaction): 0; -1 with field ("presentmentPrices[2].currency") and msg
 * naming a bad entry (nothing written); -2 when storage failed. settings:
 * com_settings (its "currencies" say which codes are allowed). */
#define CURRENCY_PRICES_MAX (CURRENCY_MAX * 100)   /* every currency for each of a product's (at most 100) variants */
int currency_prices_save(int64_t tid, int64_t pid, const cJSON *list, const cJSON *settings,
			 char *field, size_t fl, char *msg, size_t ml);
/* The same for one variant's own presentmentPrices [{currency, price,
 * compareAtPrice?}] (a variant object in a variant list, the POS's too):
 * replaces that variant's fixed prices; field names prefix[i]. */
int currency_variant_prices_save(int64_t tid, int64_t pid, int64_t vid, const cJSON *list, const char *prefix,
				 char *field, size_t fl, char *msg, size_t ml);
#endif
