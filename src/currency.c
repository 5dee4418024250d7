/* currency: a store's other currencies: converting and rounding, fixed prices, THE price in a currency (currency.h). */
#include "currency.h"
#include "db.h"
#include "money.h"
#include "rows.h"
#include "store_settings.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
		out->charge = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "charge"));
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

int64_t currency_convert_plain(int64_t shop_minor, const char *shop, const currency_rate *r)
{
	currency_rate plain = *r;
	snprintf(plain.rounding, sizeof plain.rounding, "none");
	return shop_minor >= 0 ? currency_convert(shop_minor, shop, &plain) : -currency_convert(-shop_minor, shop, &plain);
}

const char *currency_settings_problem(const cJSON *v, const char *shop)
{
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > CURRENCY_MAX)
		return "must be a list of up to " STR(CURRENCY_MAX) " {code, rate, rounding: none|0.99|whole, charge?}";
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
		const cJSON *ch = cJSON_GetObjectItemCaseSensitive(c, "charge");
		if (ch && !cJSON_IsBool(ch))
			return "charge must be true (the gateway charges in this currency) or false (in the store's)";
		int n = 0;
		cJSON_ArrayForEach(d, v) {
			const cJSON *k2 = cJSON_GetObjectItemCaseSensitive(d, "code");
			n += cJSON_IsString(k2) && !strcmp(k2->valuestring, k->valuestring);
		}
		if (n > 1) return "lists a currency twice";
	}
	return NULL;
}

int currency_price(int64_t tid, int64_t pid, int64_t vid, const char *shop, const currency_rate *r,
		   int64_t shop_price, int64_t shop_cmp, currency_amount *out)
{
	/* vid 0: the variant whose price is the product's (the cheapest), or
	 * the product itself (variant 0) when it has no variants */
	sqlite3_stmt *st = db_stmt("SELECT price, compare_at_price FROM variant_prices WHERE tenant_id = :t AND product_id = :p "
				   "AND currency = :c AND variant_id = CASE WHEN :v > 0 THEN :v ELSE coalesce((SELECT id FROM variants INDEXED BY variants_product "
				   "WHERE tenant_id = :t AND product_id = :p ORDER BY price, position, id LIMIT 1), 0) END");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", pid);
	db_bind_int(st, ":v", vid);
	db_bind_text(st, ":c", r->code);
	out->fixed = db_step(st) == SQLITE_ROW;
	if (out->fixed) {
		out->price = db_int(st, 0);
		out->compare_at = db_isnull(st, 1) ? -1 : db_int(st, 1);
	}
	db_reset(st);
	if (!out->fixed) {
		out->price = currency_convert(shop_price, shop, r);
		out->compare_at = shop_cmp >= 0 ? currency_convert(shop_cmp, shop, r) : -1;
	}
	return out->fixed;
}

cJSON *currency_prices_json(int64_t tid, int64_t pid)
{
	sqlite3_stmt *st = db_stmt("SELECT variant_id, currency, price, compare_at_price FROM variant_prices "
				   "WHERE tenant_id = :t AND product_id = :p ORDER BY variant_id, currency");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", pid);
	cJSON *a = cJSON_CreateArray();
	while (db_step(st) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		if (db_int(st, 0)) row_add_id(o, "variantId", db_int(st, 0));
		else cJSON_AddNullToObject(o, "variantId");
		cJSON_AddStringToObject(o, "currency", db_text(st, 1));
		cJSON_AddNumberToObject(o, "price", (double)db_int(st, 2));
		if (db_isnull(st, 3)) cJSON_AddNullToObject(o, "compareAtPrice");
		else cJSON_AddNumberToObject(o, "compareAtPrice", (double)db_int(st, 3));
		cJSON_AddItemToArray(a, o);
	}
	db_reset(st);
	return a;
}

/* A whole amount of minor units 0..MONEY_MAX (cmp: null or absent allowed). */
static int minor_units(const cJSON *v, int optional, int64_t *out)
{
	if (optional && (!v || cJSON_IsNull(v))) { *out = -1; return 0; }
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > (double)MONEY_MAX || v->valuedouble != floor(v->valuedouble))
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

/* A variant id given as a string or number: > 0, or 0 for null/absent. */
static int64_t id_of(const cJSON *v)
{
	if (!v || cJSON_IsNull(v)) return 0;
	if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble == floor(v->valuedouble)) return (int64_t)v->valuedouble;
	if (cJSON_IsString(v) && v->valuestring[0] && strlen(v->valuestring) < 20 &&
	    strspn(v->valuestring, "0123456789") == strlen(v->valuestring))
		return strtoll(v->valuestring, NULL, 10) > 0 ? strtoll(v->valuestring, NULL, 10) : -1;
	return -1;
}

#define BAD(...) do { snprintf(field, fl, "%s[%d]%s", prefix, i, sub); snprintf(msg, ml, __VA_ARGS__); return -1; } while (0)

/* currency_prices_save (only_vid -1: the product's whole set, entries name
 * their variantId) and currency_variant_prices_save (only_vid: that
 * variant's set, entries name none): check every entry, then replace. */
static int save(int64_t tid, int64_t pid, int64_t only_vid, const cJSON *list, const cJSON *settings, const char *prefix,
		char *field, size_t fl, char *msg, size_t ml)
{
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > CURRENCY_PRICES_MAX) {
		snprintf(field, fl, "%s", prefix);
		snprintf(msg, ml, "must be a list of up to %d {%scurrency, price, compareAtPrice?} (minor units)",
			 CURRENCY_PRICES_MAX, only_vid < 0 ? "variantId, " : "");
		return -1;
	}
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM variants INDEXED BY variants_product WHERE tenant_id = :t AND product_id = :p");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", pid);
	int64_t nvar = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	int i = 0;
	const cJSON *e, *d;
	cJSON_ArrayForEach(e, list) {
		const char *sub = "";
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, "currency");
		currency_rate cr;
		int64_t price, cmp, vid = only_vid >= 0 ? only_vid : id_of(cJSON_GetObjectItemCaseSensitive(e, "variantId"));
		if (!cJSON_IsObject(e)) BAD("must be an object {%scurrency, price, compareAtPrice?}", only_vid < 0 ? "variantId, " : "");
		sub = ".currency";
		if (!cJSON_IsString(k) || currency_find(settings, k->valuestring, &cr) < 0)
			BAD("must be one of the store's other currencies (the commerce setting currencies)");
		sub = ".price";
		if (minor_units(cJSON_GetObjectItemCaseSensitive(e, "price"), 0, &price) < 0)
			BAD("must be a whole number of minor units of %s, 0 to " MONEY_MAX_TEXT, cr.code);
		sub = ".compareAtPrice";
		if (minor_units(cJSON_GetObjectItemCaseSensitive(e, "compareAtPrice"), 1, &cmp) < 0)
			BAD("must be null or a whole number of minor units of %s, 0 to " MONEY_MAX_TEXT, cr.code);
		sub = ".variantId";
		if (only_vid < 0) {
			if (vid < 0) BAD("must be a variant id of this product");
			if (nvar > 0 && vid == 0) BAD("is required: this product has variants");
			if (nvar == 0 && vid > 0) BAD("this product has no variants: leave variantId out (null)");
		}
		if (only_vid < 0 && vid > 0) {
			st = db_stmt("SELECT 1 FROM variants WHERE tenant_id = :t AND id = :v AND product_id = :p");
			db_bind_int(st, ":t", tid);
			db_bind_int(st, ":v", vid);
			db_bind_int(st, ":p", pid);
			int found = db_step(st) == SQLITE_ROW;
			db_reset(st);
			if (!found) BAD("variant %lld is not a variant of this product", (long long)vid);
		}
		int n = 0;   /* the same variant and currency earlier in the list */
		for (d = list->child; d && d != e; d = d->next) {
			const cJSON *k2 = cJSON_GetObjectItemCaseSensitive(d, "currency");
			n += cJSON_IsString(k2) && !strcmp(k2->valuestring, cr.code) &&
			     (only_vid >= 0 || id_of(cJSON_GetObjectItemCaseSensitive(d, "variantId")) == vid);
		}
		sub = "";
		if (n > 0) BAD("names %s for this variant a second time", cr.code);
		i++;
	}
	st = db_stmt("DELETE FROM variant_prices WHERE tenant_id = :t AND product_id = :p AND (:v < 0 OR variant_id = :v)");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":p", pid);
	db_bind_int(st, ":v", only_vid);
	if (db_run(st) < 0) return -2;
	cJSON_ArrayForEach(e, list) {
		int64_t price = 0, cmp = -1;
		(void)minor_units(cJSON_GetObjectItemCaseSensitive(e, "price"), 0, &price);
		(void)minor_units(cJSON_GetObjectItemCaseSensitive(e, "compareAtPrice"), 1, &cmp);
		st = db_stmt("INSERT INTO variant_prices(tenant_id, product_id, variant_id, currency, price, compare_at_price) "
			     "VALUES(:t, :p, :v, :c, :price, CASE WHEN :cmp < 0 THEN NULL ELSE :cmp END)");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":p", pid);
		db_bind_int(st, ":v", only_vid >= 0 ? only_vid : id_of(cJSON_GetObjectItemCaseSensitive(e, "variantId")));
		db_bind_text(st, ":c", cJSON_GetObjectItemCaseSensitive(e, "currency")->valuestring);
		db_bind_int(st, ":price", price);
		db_bind_int(st, ":cmp", cmp);
		if (db_run(st) < 0) return -2;
	}
	return 0;
}

int currency_prices_save(int64_t tid, int64_t pid, const cJSON *list, const cJSON *settings,
			 char *field, size_t fl, char *msg, size_t ml)
{
	return save(tid, pid, -1, list, settings, "presentmentPrices", field, fl, msg, ml);
}

int currency_variant_prices_save(int64_t tid, int64_t pid, int64_t vid, const cJSON *list, const char *prefix,
				 char *field, size_t fl, char *msg, size_t ml)
{
	cJSON *settings = com_settings(tid);
	int rc = save(tid, pid, vid, list, settings, prefix, field, fl, msg, ml);
	cJSON_Delete(settings);
	return rc;
}
