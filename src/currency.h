/* currency: a store's other currencies: the rates and rounding rules the
 * merchant sets (commerce setting "currencies": [{code, rate, rounding}]),
 * converting a price in the shop's currency into the shopper's chosen
 * (presentment) currency, and checking the setting. No HTTP here. */
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
} currency_rate;

/* The store's rate for code (settings from com_settings): 0, or -1 when it
 * does not sell in code. */
int currency_find(const cJSON *settings, const char *code, currency_rate *out);
/* A shop price (minor units of shop) in the presentment currency's minor
 * units, rounded by the rule (0.99: up to the next .99; whole: up to the
 * next whole unit; none: to the nearest minor unit). */
int64_t currency_convert(int64_t shop_minor, const char *shop, const currency_rate *r);
/* NULL when a "currencies" setting is acceptable (shop: the store's own
 * currency, which it may not list; NULL: not checked), else the problem. */
const char *currency_settings_problem(const cJSON *v, const char *shop);
#endif
