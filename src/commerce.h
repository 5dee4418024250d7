/* commerce: the money of an order. Totals (subtotal - discount +
 * shipping + tax, with the rounding rules of doc/commerce.md) and money in
 * JSON (major units and a formatted string). Money is integer minor units;
 * no database and no HTTP here. The rest of commerce lives beside it:
 * store_settings (settings), cart, checkout, orders (state table), outbox
 * (queueing emails and webhooks). */
#ifndef COMMERCE_H
#define COMMERCE_H
#include <cJSON.h>
#include <stdint.h>

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
/* The same with the tax settings of a store's settings object. */
void com_compute_for(const cJSON *settings, int64_t subtotal, const com_discount *d, const com_ship *ship,
		     com_totals *out);
/* o[k] = minor in major units, o[k + "Formatted"] = the formatted amount. */
void com_add_money(cJSON *o, const char *k, int64_t minor, const char *currency);
#endif
