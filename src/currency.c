/* currency: a store's other currencies, converting and rounding (currency.h). */
#include "currency.h"
#include "money.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int currency_find(const cJSON *settings, const char *code, currency_rate *out)
{
	const cJSON *c;
	if (!code || !*code) return -1;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(settings, "currencies")) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(c, "code");
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(c, "rate");
		const cJSON *rd = cJSON_GetObjectItemCaseSensitive(c, "rounding");
		if (!cJSON_IsString(k) || strcmp(k->valuestring, code) || !cJSON_IsNumber(rt)) continue;
		memset(out, 0, sizeof *out);
		snprintf(out->code, sizeof out->code, "%s", code);
		out->rate = rt->valuedouble;
		snprintf(out->rate_text, sizeof out->rate_text, "%.10g", rt->valuedouble);
		snprintf(out->rounding, sizeof out->rounding, "%s", cJSON_IsString(rd) ? rd->valuestring : "none");
		return 0;
	}
	return -1;
}

int64_t currency_convert(int64_t shop_minor, const char *shop, const currency_rate *r)
{
	int ds = money_decimals(shop), dp = money_decimals(r->code);
	double v = (double)shop_minor * r->rate;
	for (int i = ds; i < dp; i++) v *= 10;
	for (int i = dp; i < ds; i++) v /= 10;
	int64_t m = (int64_t)llround(v);
	int64_t unit = 1;
	for (int i = 0; i < dp; i++) unit *= 10;
	if (!strcmp(r->rounding, "whole") || (!strcmp(r->rounding, "0.99") && unit == 1)) {
		m = (m + unit - 1) / unit * unit;
	} else if (!strcmp(r->rounding, "0.99")) {
		int64_t up = (m / unit + 1) * unit - 1;       /* the next x.99 at or above */
		if (m % unit == unit - 1) up = m;
		m = up;
	}
	return m;
}

const char *currency_settings_problem(const cJSON *v, const char *shop)
{
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > CURRENCY_MAX)
		return "must be a list of up to " STR(CURRENCY_MAX) " {code, rate, rounding: none|0.99|whole}";
	const cJSON *c, *d;
	cJSON_ArrayForEach(c, v) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(c, "code");
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(c, "rate");
		const cJSON *rd = cJSON_GetObjectItemCaseSensitive(c, "rounding");
		if (!cJSON_IsObject(c) || !cJSON_IsString(k) || !money_known(k->valuestring))
			return "each needs code: a currency code this store knows (ISO 4217, e.g. EUR)";
		if (shop && !strcmp(k->valuestring, shop)) return "must not list the store's own currency";
		if (!cJSON_IsNumber(rt) || !(rt->valuedouble > 0) || rt->valuedouble > 1e6)
			return "each needs rate: a number above 0 (1 unit of the store's currency in this one)";
		if (rd && (!cJSON_IsString(rd) || (strcmp(rd->valuestring, "none") && strcmp(rd->valuestring, "0.99") &&
						   strcmp(rd->valuestring, "whole"))))
			return "rounding must be none, 0.99 or whole";
		int n = 0;
		cJSON_ArrayForEach(d, v) {
			const cJSON *k2 = cJSON_GetObjectItemCaseSensitive(d, "code");
			n += cJSON_IsString(k2) && !strcmp(k2->valuestring, k->valuestring);
		}
		if (n > 1) return "lists a currency twice";
	}
	return NULL;
}
