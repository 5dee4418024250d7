/* commerce: order money: totals with the rounding rules of
 * doc/commerce.md, and money in JSON (see commerce.h). */
#include "commerce.h"
#include "money.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

int64_t com_div_round(int64_t num, int64_t den)
{
	if (den <= 0 || num <= 0) return 0;
	return (num + den / 2) / den;
}

/* round(a * b / den) half up, without overflowing the product. */
static int64_t muldiv(int64_t a, int64_t b, int64_t den)
{
	if (den <= 0 || a <= 0 || b <= 0) return 0;
	return (int64_t)(((__int128)a * b + den / 2) / den);
}

void com_compute(int64_t subtotal, const com_discount *d, const com_ship *ship, int64_t tax_bps,
		 int tax_inclusive, int tax_shipping, com_totals *o)
{
	memset(o, 0, sizeof *o);
	o->subtotal = subtotal;
	if (d && d->value > 0) {
		o->discount = d->percent ? muldiv(subtotal, d->value > 100 ? 100 : d->value, 100) : d->value;
		if (o->discount > subtotal) o->discount = subtotal;
	}
	int64_t goods = subtotal - o->discount;
	if (ship) {
		if (!strcmp(ship->kind, "pickup")) o->shipping = 0;
		else if (!strcmp(ship->kind, "free_over")) o->shipping = goods >= ship->min_subtotal ? 0 : ship->price;
		else o->shipping = ship->price;
	}
	int64_t taxable = goods + (tax_shipping ? o->shipping : 0);
	o->tax_inclusive = tax_inclusive;
	if (tax_bps > 0) {
		if (tax_inclusive) o->tax = muldiv(taxable, tax_bps, 10000 + tax_bps);
		else o->tax = muldiv(taxable, tax_bps, 10000);
	}
	o->total = goods + o->shipping + (tax_inclusive ? 0 : o->tax);
}

void com_add_money(cJSON *o, const char *k, int64_t minor, const char *cur)
{
	cJSON_AddNumberToObject(o, k, money_major(minor, cur));
	char key[64];
	snprintf(key, sizeof key, "%sFormatted", k);
	sbuf b = SBUF_INIT;
	money_format(&b, minor, cur);
	cJSON_AddStringToObject(o, key, sb_str(&b));
	sb_free(&b);
}

void com_compute_for(const cJSON *settings, int64_t subtotal, const com_discount *d, const com_ship *ship,
		     com_totals *tot)
{
	const cJSON *tax = cJSON_GetObjectItemCaseSensitive(settings, "tax");
	const cJSON *rate = cJSON_GetObjectItemCaseSensitive(tax, "rateBps");
	com_compute(subtotal, d, ship, cJSON_IsNumber(rate) ? (int64_t)rate->valuedouble : 0,
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tax, "inclusive")),
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tax, "shipping")), tot);
}
