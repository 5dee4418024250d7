/* commerce: carts, settings, totals, checkout and orders (see commerce.h). */
#include "commerce.h"
#include "server.h"
#include "text.h"
#include "input.h"
#include "audit.h"
#include "config.h"
#include "money.h"
#include "payment.h"
#include "sha256.h"
#include "html.h"
#include "db.h"
#include "rows.h"
#include "domains.h"
#include "log.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- money ---- */

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

/* ---- settings ---- */

static const char default_settings[] =
	"{\"shippingMethods\":["
	"{\"id\":\"standard\",\"kind\":\"free_over\",\"name\":\"Standard shipping\",\"price\":500,\"minSubtotal\":7500},"
	"{\"id\":\"express\",\"kind\":\"flat\",\"name\":\"Express shipping\",\"price\":1500},"
	"{\"id\":\"pickup\",\"kind\":\"pickup\",\"name\":\"Local pickup\",\"price\":0}],"
	"\"tax\":{\"rateBps\":0,\"inclusive\":false,\"shipping\":false,\"label\":\"Tax\"},"
	"\"paymentMethods\":[\"manual\"],"
	"\"notifyEmail\":\"\","
	"\"timeZone\":\"UTC\","
	"\"posWebhook\":{\"url\":\"\",\"secret\":\"\"},"
	"\"stripe\":{\"apiBase\":\"\",\"secretKey\":\"\",\"publishableKey\":\"\",\"webhookSecret\":\"\"}}";

cJSON *com_settings(int64_t tid)
{
	cJSON *s = cJSON_Parse(default_settings);
	sqlite3_stmt *st = db_stmt("SELECT settings_json FROM commerce_settings WHERE tenant_id = :t");
	db_bind_int(st, ":t", tid);
	if (db_step(st) == SQLITE_ROW) {
		cJSON *mine = cJSON_Parse(db_text(st, 0));
		cJSON *it;
		if (cJSON_IsObject(mine))
			cJSON_ArrayForEach(it, mine)
				if (cJSON_HasObjectItem(s, it->string))
					cJSON_ReplaceItemInObjectCaseSensitive(s, it->string, cJSON_Duplicate(it, 1));
		cJSON_Delete(mine);
	}
	db_reset(st);
	return s;
}

/* Where the secrets are: write-only through the API. */
static const struct { const char *obj, *key, *field; } secrets[] = {
	{ "posWebhook", "secret", "posWebhook.secret" },
	{ "stripe", "secretKey", "stripe.secretKey" },
	{ "stripe", "webhookSecret", "stripe.webhookSecret" },
};
#define SECRET_ELLIPSIS "\xe2\x80\xa6"   /* U+2026: no real secret holds it */

void com_secret_mask(const char *secret, char *out, size_t n)
{
	size_t len = strlen(secret), pre = 0;
	if (!len) { snprintf(out, n, "%s", ""); return; }
	if (len >= 16) {
		/* a type prefix like sk_test_ or whsec_: lower-case words ending in '_' */
		for (size_t i = 0; i < 8 && ((secret[i] >= 'a' && secret[i] <= 'z') || secret[i] == '_'); i++)
			if (secret[i] == '_') pre = i + 1;
		snprintf(out, n, "%.*s" SECRET_ELLIPSIS "%s", (int)pre, secret, secret + len - 4);
	} else {
		snprintf(out, n, "%s", SECRET_ELLIPSIS);
	}
}

cJSON *com_settings_masked(int64_t tid)
{
	cJSON *s = com_settings(tid);
	for (size_t i = 0; i < ARRAY_LEN(secrets); i++) {
		cJSON *o = cJSON_GetObjectItemCaseSensitive(s, secrets[i].obj);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, secrets[i].key);
		if (!cJSON_IsString(v)) continue;
		char m[64];
		com_secret_mask(v->valuestring, m, sizeof m);
		cJSON_ReplaceItemInObjectCaseSensitive(o, secrets[i].key, cJSON_CreateString(m));
	}
	return s;
}

const char *com_settings_keep_secrets(cJSON *given, const cJSON *stored, const char **field)
{
	for (size_t i = 0; i < ARRAY_LEN(secrets); i++) {
		cJSON *o = cJSON_GetObjectItemCaseSensitive(given, secrets[i].obj);
		if (!cJSON_IsObject(o)) continue;
		const cJSON *old = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(stored, secrets[i].obj),
								    secrets[i].key);
		const char *oldv = cJSON_IsString(old) ? old->valuestring : "";
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, secrets[i].key);
		if (!v) {
			if (*oldv) cJSON_AddStringToObject(o, secrets[i].key, oldv);
			continue;
		}
		if (!cJSON_IsString(v) || !strstr(v->valuestring, SECRET_ELLIPSIS)) continue;
		char m[64];
		com_secret_mask(oldv, m, sizeof m);
		if (strcmp(m, v->valuestring) != 0) {
			*field = secrets[i].field;
			return "is a masked value that does not match the stored secret: send the new secret, or the "
			       "value GET shows to keep it";
		}
		cJSON_ReplaceItemInObjectCaseSensitive(o, secrets[i].key, cJSON_CreateString(oldv));
	}
	return NULL;
}

void com_time_zone(int64_t tid, char *out, size_t n)
{
	snprintf(out, n, "UTC");
	if (!tid) return;
	sqlite3_stmt *st = db_stmt("SELECT json_extract(settings_json, '$.timeZone') FROM commerce_settings "
				   "WHERE tenant_id = :t AND json_valid(settings_json)");
	db_bind_int(st, ":t", tid);
	if (db_step(st) == SQLITE_ROW && db_text(st, 0)[0] && strlen(db_text(st, 0)) < n)
		snprintf(out, n, "%s", db_text(st, 0));
	db_reset(st);
}

static int is_int(const cJSON *v, int64_t min, int64_t max)
{
	return cJSON_IsNumber(v) && v->valuedouble == (double)(int64_t)v->valuedouble &&
	       v->valuedouble >= (double)min && v->valuedouble <= (double)max;
}

static int str_ok(const cJSON *v, size_t max)
{
	return cJSON_IsString(v) && strlen(v->valuestring) <= max;
}

const char *com_settings_problem(const cJSON *s, const char **field)
{
	const cJSON *v;
	if (!cJSON_IsObject(s)) { *field = "settings"; return "must be an object"; }
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "shippingMethods"))) {
		*field = "shippingMethods";
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 || cJSON_GetArraySize(v) > 20)
			return "must be a list of 1-20 methods";
		const cJSON *m;
		cJSON_ArrayForEach(m, v) {
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
			const cJSON *kind = cJSON_GetObjectItemCaseSensitive(m, "kind");
			if (!str_ok(id, 60) || !id->valuestring[0] || slug_problem(id->valuestring))
				return "each method needs an id of a-z, 0-9 and '-'";
			if (!cJSON_IsString(kind) || (strcmp(kind->valuestring, "flat") && strcmp(kind->valuestring, "free_over") &&
						      strcmp(kind->valuestring, "pickup")))
				return "each method's kind must be flat, free_over or pickup";
			if (!str_ok(cJSON_GetObjectItemCaseSensitive(m, "name"), 120))
				return "each method needs a name of at most 120 bytes";
			const cJSON *p = cJSON_GetObjectItemCaseSensitive(m, "price");
			if (p && !is_int(p, 0, MONEY_MAX)) return "price must be an integer of minor units, 0-" MONEY_MAX_TEXT;
			const cJSON *ms = cJSON_GetObjectItemCaseSensitive(m, "minSubtotal");
			if (ms && !is_int(ms, 0, MONEY_MAX)) return "minSubtotal must be an integer of minor units, 0-" MONEY_MAX_TEXT;
		}
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "tax"))) {
		*field = "tax";
		if (!cJSON_IsObject(v)) return "must be an object {rateBps, inclusive, shipping}";
		const cJSON *rate = cJSON_GetObjectItemCaseSensitive(v, "rateBps");
		if (rate && !is_int(rate, 0, 10000)) return "rateBps must be an integer 0-10000 (basis points: 825 = 8.25%)";
		const cJSON *inc = cJSON_GetObjectItemCaseSensitive(v, "inclusive");
		if (inc && !cJSON_IsBool(inc)) return "inclusive must be true or false";
		const cJSON *sh = cJSON_GetObjectItemCaseSensitive(v, "shipping");
		if (sh && !cJSON_IsBool(sh)) return "shipping must be true or false";
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "paymentMethods"))) {
		*field = "paymentMethods";
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1) return "must be a non-empty list of manual and/or stripe";
		const cJSON *m;
		cJSON_ArrayForEach(m, v)
			if (!cJSON_IsString(m) || (strcmp(m->valuestring, "manual") && strcmp(m->valuestring, "stripe")))
				return "must list only manual and stripe";
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "notifyEmail"))) {
		*field = "notifyEmail";
		if (!str_ok(v, IN_EMAIL_MAX) || (v->valuestring[0] && !strchr(v->valuestring, '@')) || strpbrk(v->valuestring, "\r\n<>"))
			return "must be an email address or empty";
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "posWebhook"))) {
		*field = "posWebhook";
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(v, "url");
		if (!cJSON_IsObject(v) || !str_ok(u, 1000) ||
		    (u->valuestring[0] && !str_startswith(u->valuestring, "http://") && !str_startswith(u->valuestring, "https://")))
			return "must be {url: http(s) URL or empty, secret}";
		const cJSON *sec = cJSON_GetObjectItemCaseSensitive(v, "secret");   /* absent: keep the stored one */
		if (sec && !str_ok(sec, 200)) return "secret must be a string of at most 200 bytes";
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "stripe"))) {
		*field = "stripe";
		if (!cJSON_IsObject(v)) return "must be an object {apiBase, secretKey, publishableKey, webhookSecret}";
		static const char *const k[] = { "apiBase", "secretKey", "publishableKey", "webhookSecret" };
		for (size_t i = 0; i < ARRAY_LEN(k); i++) {
			const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, k[i]);
			if (x && (!str_ok(x, 500) || strpbrk(x->valuestring, "\r\n"))) return "values must be strings of at most 500 bytes";
		}
		const cJSON *base = cJSON_GetObjectItemCaseSensitive(v, "apiBase");
		if (cJSON_IsString(base) && base->valuestring[0] && !str_startswith(base->valuestring, "http://") &&
		    !str_startswith(base->valuestring, "https://"))
			return "apiBase must be an http(s) URL";
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "timeZone"))) {
		*field = "timeZone";
		if (!cJSON_IsString(v)) return "must be a time zone name such as UTC or Europe/Berlin";
		const char *why = tz_problem(v->valuestring);
		if (why) return why;
	}
	static const char *const known[] = { "shippingMethods", "tax", "paymentMethods", "notifyEmail", "posWebhook", "stripe",
					     "timeZone" };
	const cJSON *it;
	cJSON_ArrayForEach(it, s) {
		int ok = 0;
		for (size_t i = 0; i < ARRAY_LEN(known); i++) ok |= !strcmp(known[i], it->string);
		if (!ok) { *field = it->string; return "is not a commerce setting (shippingMethods, tax, paymentMethods, notifyEmail, posWebhook, stripe, timeZone)"; }
	}
	return NULL;
}

int com_ship_find(const cJSON *settings, const char *id, com_ship *out)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(settings, "shippingMethods")) {
		const cJSON *mid = cJSON_GetObjectItemCaseSensitive(m, "id");
		if (!cJSON_IsString(mid) || strcmp(mid->valuestring, id) != 0) continue;
		memset(out, 0, sizeof *out);
		snprintf(out->id, sizeof out->id, "%s", mid->valuestring);
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(m, "kind");
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(m, "name");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(m, "price");
		const cJSON *ms = cJSON_GetObjectItemCaseSensitive(m, "minSubtotal");
		snprintf(out->kind, sizeof out->kind, "%s", cJSON_IsString(k) ? k->valuestring : "flat");
		snprintf(out->name, sizeof out->name, "%s", cJSON_IsString(n) ? n->valuestring : out->id);
		out->price = cJSON_IsNumber(p) ? (int64_t)p->valuedouble : 0;
		out->min_subtotal = cJSON_IsNumber(ms) ? (int64_t)ms->valuedouble : 0;
		return 0;
	}
	return -1;
}

static int method_enabled(const cJSON *settings, const char *m)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(settings, "paymentMethods"))
		if (cJSON_IsString(it) && !strcmp(it->valuestring, m)) return 1;
	return 0;
}

/* ---- carts ---- */

static int token_ok(const char *s)
{
	if (!s || strlen(s) != 48) return 0;
	for (; *s; s++) if (!isxdigit((unsigned char)*s)) return 0;
	return 1;
}

int64_t com_cart_id(req *r, int create)
{
	char hash[65];
	int64_t id = 0;
	int pos = 0;
	const char *tok;
	/* Every value of a repeated cookie: a sibling store may have set one
	 * on the parent domain ahead of ours. */
	while (!id && (tok = http_cookie_next(r, COM_CART_COOKIE, &pos))) {
		if (!token_ok(tok)) continue;
		sha256_hex(tok, strlen(tok), hash);
		sqlite3_stmt *st = db_stmt("SELECT id FROM carts WHERE token_hash = :h AND tenant_id = :t AND updated_at > :old");
		db_bind_text(st, ":h", hash);
		db_bind_int(st, ":t", r->t.id);
		db_bind_int(st, ":old", now_unix() - cfg.cart_ttl);
		if (db_step(st) == SQLITE_ROW) id = db_int(st, 0);
		db_reset(st);
	}
	if (id || !create) return id;
	char fresh[49];
	random_hex(fresh, 24);
	sha256_hex(fresh, strlen(fresh), hash);
	sqlite3_stmt *st = db_stmt("INSERT INTO carts(tenant_id, token_hash, created_at, updated_at) "
				   "VALUES(:t, :h, strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":h", hash);
	if (db_run(st) < 0) return -1;
	id = db_last_id();
	http_set_cookie(r, COM_CART_COOKIE, fresh, cfg.cart_ttl, 1, "Lax");
	return id;
}

/* One cart line as loaded for display and checkout. */
#define LINE_SQL \
	"SELECT ci.id, ci.product_id, ci.variant_id, ci.quantity, p.name, p.slug, coalesce(nullif(v.image, ''), p.image), " \
	"p.status, CASE WHEN ci.variant_id = 0 THEN p.price ELSE v.price END, " \
	"CASE WHEN ci.variant_id = 0 THEN p.stock ELSE v.stock END, coalesce(v.title, ''), " \
	"CASE WHEN ci.variant_id = 0 THEN p.sku ELSE v.sku END, (ci.variant_id != 0 AND v.id IS NULL), " \
	"p.track_inventory, p.inventory_policy = 'continue' " \
	"FROM cart_items ci JOIN products p ON p.id = ci.product_id AND p.tenant_id = ci.tenant_id " \
	"LEFT JOIN variants v ON v.id = ci.variant_id AND v.product_id = p.id " \
	"WHERE ci.tenant_id = :t AND ci.cart_id = :c ORDER BY ci.id"

static void add_money(cJSON *o, const char *k, int64_t minor, const char *cur)
{
	cJSON_AddNumberToObject(o, k, money_major(minor, cur));
	char key[64];
	snprintf(key, sizeof key, "%sFormatted", k);
	sbuf b = SBUF_INIT;
	money_format(&b, minor, cur);
	cJSON_AddStringToObject(o, key, sb_str(&b));
	sb_free(&b);
}

cJSON *com_cart_json(req *r, int64_t cart)
{
	cJSON *o = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(o, "items");
	int64_t count = 0, subtotal = 0;
	int problems = 0;
	if (cart > 0) {
		sqlite3_stmt *st = db_stmt(LINE_SQL);
		db_bind_int(st, ":t", r->t.id);
		db_bind_int(st, ":c", cart);
		while (db_step(st) == SQLITE_ROW) {
			cJSON *it = cJSON_CreateObject();
			int64_t q = db_int(st, 3), price = db_int(st, 8), stock = db_int(st, 9);
			int gone = db_int(st, 12) || strcmp(db_text(st, 7), "active") != 0;
			row_add_id(it, "id", db_int(st, 0));
			row_add_id(it, "productId", db_int(st, 1));
			if (db_int(st, 2)) row_add_id(it, "variantId", db_int(st, 2));
			else cJSON_AddNullToObject(it, "variantId");
			cJSON_AddStringToObject(it, "name", db_text(st, 4));
			cJSON_AddStringToObject(it, "variantTitle", db_text(st, 10));
			cJSON_AddStringToObject(it, "sku", db_text(st, 11));
			cJSON_AddStringToObject(it, "image", db_text(st, 6));
			sbuf url = SBUF_INIT;
			sb_printf(&url, "/products/%s", db_text(st, 5));
			cJSON_AddStringToObject(it, "url", sb_str(&url));
			sb_free(&url);
			cJSON_AddNumberToObject(it, "quantity", (double)q);
			add_money(it, "price", price, r->t.currency);
			add_money(it, "lineTotal", price * q, r->t.currency);
			cJSON_AddNumberToObject(it, "stock", gone ? 0 : (double)stock);
			/* Untracked or sold past zero: stock never stops the sale. */
			int unlimited = !db_int(st, 13) || db_int(st, 14);
			const char *problem = gone ? "no longer available" : unlimited ? NULL : stock <= 0 ? "out of stock" :
					      q > stock ? "not enough in stock" : NULL;
			if (problem) { cJSON_AddStringToObject(it, "problem", problem); problems++; }
			else cJSON_AddNullToObject(it, "problem");
			cJSON_AddItemToArray(items, it);
			count += q;
			if (!gone) subtotal += price * q;
		}
		db_reset(st);
	}
	cJSON_AddNumberToObject(o, "itemCount", (double)count);
	cJSON_AddStringToObject(o, "currency", r->t.currency);
	add_money(o, "subtotal", subtotal, r->t.currency);
	cJSON_AddBoolToObject(o, "canCheckout", count > 0 && problems == 0);
	return o;
}

/* ---- orders ---- */

static const char *const ORDER_COLS =
	"SELECT id, number, secret, email, name, phone, shipping_address_json, shipping_method, shipping_method_name, "
	"payment_method, currency, subtotal, discount, shipping, tax, tax_inclusive, total, discount_code, status, "
	"payment_status, fulfillment_status, refunded, tracking_number, tracking_url, payment_ref, created_at, "
	"updated_at, paid_at, fulfilled_at, cancelled_at, note, payment_client_secret "
	"FROM orders WHERE tenant_id = :t AND id = :id";

cJSON *com_order_json(int64_t tid, int64_t id, int admin, const char *currency)
{
	sqlite3_stmt *st = db_stmt(ORDER_COLS);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	if (db_step(st) != SQLITE_ROW) { db_reset(st); return NULL; }
	cJSON *o = cJSON_CreateObject();
	const char *cur = db_text(st, 10);
	char curbuf[8];
	snprintf(curbuf, sizeof curbuf, "%s", *cur ? cur : (currency ? currency : "USD"));
	/* The per-store number is the order's id outside: the internal id
	 * would show how many orders every store together has taken. */
	row_add_id(o, "id", db_int(st, 1));
	cJSON_AddNumberToObject(o, "number", (double)db_int(st, 1));
	char url[160];
	snprintf(url, sizeof url, "/orders/%lld?key=%s", (long long)db_int(st, 1), db_text(st, 2));
	cJSON_AddStringToObject(o, "url", url);
	cJSON_AddStringToObject(o, "email", db_text(st, 3));
	cJSON_AddStringToObject(o, "name", db_text(st, 4));
	cJSON_AddStringToObject(o, "phone", db_text(st, 5));
	cJSON *addr = cJSON_Parse(db_text(st, 6));
	cJSON_AddItemToObject(o, "shippingAddress", cJSON_IsObject(addr) ? addr : (cJSON_Delete(addr), cJSON_CreateObject()));
	cJSON_AddStringToObject(o, "shippingMethod", db_text(st, 7));
	cJSON_AddStringToObject(o, "shippingMethodName", db_text(st, 8));
	cJSON_AddStringToObject(o, "paymentMethod", db_text(st, 9));
	cJSON_AddStringToObject(o, "currency", curbuf);
	static const char *const money_keys[] = { "subtotal", "discount", "shipping", "tax" };
	for (int i = 0; i < 4; i++) {
		if (admin) cJSON_AddNumberToObject(o, money_keys[i], (double)db_int(st, 11 + i));
		else add_money(o, money_keys[i], db_int(st, 11 + i), curbuf);
	}
	cJSON_AddBoolToObject(o, "taxInclusive", db_int(st, 15));
	if (admin) cJSON_AddNumberToObject(o, "total", (double)db_int(st, 16));
	else add_money(o, "total", db_int(st, 16), curbuf);
	if (db_isnull(st, 17)) cJSON_AddNullToObject(o, "discountCode");
	else cJSON_AddStringToObject(o, "discountCode", db_text(st, 17));
	cJSON_AddStringToObject(o, "status", db_text(st, 18));
	cJSON_AddStringToObject(o, "paymentStatus", db_text(st, 19));
	cJSON_AddStringToObject(o, "fulfillmentStatus", db_text(st, 20));
	cJSON_AddStringToObject(o, "trackingNumber", db_text(st, 22));
	cJSON_AddStringToObject(o, "trackingUrl", db_text(st, 23));
	char ts[32];
	iso8601(db_int(st, 25), ts);
	cJSON_AddStringToObject(o, "createdAt", ts);
	if (admin) {
		cJSON_AddNumberToObject(o, "refunded", (double)db_int(st, 21));
		cJSON_AddStringToObject(o, "paymentRef", db_text(st, 24));
		iso8601(db_int(st, 26), ts);
		cJSON_AddStringToObject(o, "updatedAt", ts);
		static const char *const tkeys[] = { "paidAt", "fulfilledAt", "cancelledAt" };
		for (int i = 0; i < 3; i++) {
			if (db_isnull(st, 27 + i)) cJSON_AddNullToObject(o, tkeys[i]);
			else { iso8601(db_int(st, 27 + i), ts); cJSON_AddStringToObject(o, tkeys[i], ts); }
		}
		cJSON_AddStringToObject(o, "note", db_text(st, 30));
	} else if (*db_text(st, 31)) {
		cJSON_AddStringToObject(o, "paymentClientSecret", db_text(st, 31));
	}
	db_reset(st);
	cJSON *items = cJSON_AddArrayToObject(o, "items");
	st = db_stmt("SELECT product_id, variant_id, name, variant_title, sku, unit_price, quantity, line_total "
		     "FROM order_items WHERE tenant_id = :t AND order_id = :id ORDER BY id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	while (db_step(st) == SQLITE_ROW) {
		cJSON *it = cJSON_CreateObject();
		if (db_isnull(st, 0)) cJSON_AddNullToObject(it, "productId"); else row_add_id(it, "productId", db_int(st, 0));
		if (db_int(st, 1)) row_add_id(it, "variantId", db_int(st, 1)); else cJSON_AddNullToObject(it, "variantId");
		cJSON_AddStringToObject(it, "name", db_text(st, 2));
		cJSON_AddStringToObject(it, "variantTitle", db_text(st, 3));
		cJSON_AddStringToObject(it, "sku", db_text(st, 4));
		cJSON_AddNumberToObject(it, "quantity", (double)db_int(st, 6));
		if (admin) {
			cJSON_AddNumberToObject(it, "unitPrice", (double)db_int(st, 5));
			cJSON_AddNumberToObject(it, "lineTotal", (double)db_int(st, 7));
		} else {
			add_money(it, "unitPrice", db_int(st, 5), curbuf);
			add_money(it, "lineTotal", db_int(st, 7), curbuf);
		}
		cJSON_AddItemToArray(items, it);
	}
	db_reset(st);
	return o;
}

int64_t com_order_by_number(int64_t tid, int64_t number)
{
	sqlite3_stmt *st = db_stmt("SELECT id FROM orders WHERE tenant_id = :t AND number = :n");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":n", number);
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return id;
}

/* 1 when order id (internal) of the store has this confirmation key. */
static int order_key_ok(int64_t tid, int64_t id, const char *key)
{
	sqlite3_stmt *st = db_stmt("SELECT secret FROM orders WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	int ok = db_step(st) == SQLITE_ROW && strlen(db_text(st, 0)) == 32 && ct_equal(db_text(st, 0), key, 32);
	db_reset(st);
	return ok;
}

int64_t com_order_by_key(int64_t tid, int64_t ref, const char *key)
{
	if (!key || strlen(key) != 32 || ref <= 0) return 0;
	int64_t id = com_order_by_number(tid, ref);
	if (id && order_key_ok(tid, id, key)) return id;
	/* Links mailed before orders were named by number carry the internal id. */
	return order_key_ok(tid, ref, key) ? ref : 0;
}

/* ---- outbox rows written with the order ---- */

static int outbox_add(int64_t tid, const char *kind, const char *target, const char *subject, const char *body)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO outbox(tenant_id, kind, target, subject, body, next_at, created_at) "
				   "VALUES(:t, :k, :to, :s, :b, strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_text(st, ":to", target);
	db_bind_text(st, ":s", subject);
	db_bind_text(st, ":b", body);
	return db_run(st);
}

int com_queue_webhook(int64_t tid, int64_t order, const char *event)
{
	cJSON *s = com_settings(tid);
	const cJSON *url = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "posWebhook"), "url");
	int rc = 0;
	if (cJSON_IsString(url) && url->valuestring[0]) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "event", event);
		char eid[33];
		random_hex(eid, 16);
		cJSON_AddStringToObject(o, "id", eid);
		char ts[32];
		iso8601(now_unix(), ts);
		cJSON_AddStringToObject(o, "createdAt", ts);
		cJSON_AddItemToObject(o, "order", com_order_json(tid, order, 1, NULL));
		char *body = cJSON_PrintUnformatted(o);
		rc = outbox_add(tid, "webhook", url->valuestring, event, body);
		cJSON_free(body);
		cJSON_Delete(o);
	}
	cJSON_Delete(s);
	return rc;
}

/* Header-safe: no CR/LF (input already checked; belt and braces). */
static void hdr_text(sbuf *b, const char *s)
{
	for (; *s; s++) sb_putc(b, *s == '\r' || *s == '\n' ? ' ' : *s);
}

/* The store's address for links in emails, at its primary hostname (its
 * verified domain, else its subdomain): on a port the order named, that
 * port and the scheme it came in on (development, non-standard ports);
 * else https on the default port (stores are served behind TLS, which a
 * proxy in front may not tell us). */
static void store_origin(req *r, char *out, size_t n)
{
	char host[256];
	if (!domain_primary(r->t.id, host, sizeof host)) snprintf(host, sizeof host, "%s.%s", r->t.username, cfg.base_domain);
	int dflt = !r->host_port[0] || !strcmp(r->host_port, r->https ? "443" : "80");
	if (dflt) snprintf(out, n, "https://%s", host);
	else snprintf(out, n, "%s://%s:%s", r->https ? "https" : "http", host, r->host_port);
}

static void email_message(sbuf *m, const tenant *t, const char *origin, const char *to, const char *subject,
			  const cJSON *order, int merchant)
{
	char date[64], mid[33];
	time_t now = (time_t)now_unix();
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	random_hex(mid, 16);
	/* The store's name is the merchant's text: quoted or RFC 2047-encoded,
	 * so "PayPal <service@paypal.com>, X" stays one display name. */
	sb_printf(m, "Date: %s\r\nFrom: ", date);
	mail_header_text(m, t->name, 1);
	sb_printf(m, " <%s>\r\nTo: <", cfg.smtp_from);
	hdr_text(m, to);
	sb_puts(m, ">\r\nSubject: ");
	mail_header_text(m, subject, 0);
	sb_printf(m, "\r\nMessage-ID: <%s@storefront>\r\nMIME-Version: 1.0\r\n"
		  "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", mid);
	const char *name = cJSON_GetObjectItemCaseSensitive(order, "name")->valuestring;
	if (merchant) sb_printf(m, "New order #%d from %s <%s>.\r\n\r\n",
				(int)cJSON_GetObjectItemCaseSensitive(order, "number")->valuedouble, name,
				cJSON_GetObjectItemCaseSensitive(order, "email")->valuestring);
	else sb_printf(m, "Hello %s,\r\n\r\nThank you for your order #%d at %s.\r\n\r\n", name,
		       (int)cJSON_GetObjectItemCaseSensitive(order, "number")->valuedouble, t->name);
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(order, "items")) {
		const char *vt = cJSON_GetObjectItemCaseSensitive(it, "variantTitle")->valuestring;
		sb_printf(m, "  %d x %s%s%s%s  %s\r\n", (int)cJSON_GetObjectItemCaseSensitive(it, "quantity")->valuedouble,
			  cJSON_GetObjectItemCaseSensitive(it, "name")->valuestring, *vt ? " (" : "", vt, *vt ? ")" : "",
			  cJSON_GetObjectItemCaseSensitive(it, "lineTotalFormatted")->valuestring);
	}
	static const char *const rows[][2] = { { "Subtotal", "subtotalFormatted" }, { "Discount", "discountFormatted" },
					       { "Shipping", "shippingFormatted" }, { "Tax", "taxFormatted" },
					       { "Total", "totalFormatted" } };
	sb_puts(m, "\r\n");
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		sb_printf(m, "  %-10s %s\r\n", rows[i][0], cJSON_GetObjectItemCaseSensitive(order, rows[i][1])->valuestring);
	sb_printf(m, "\r\nShipping: %s\r\nPayment: %s\r\n",
		  cJSON_GetObjectItemCaseSensitive(order, "shippingMethodName")->valuestring,
		  !strcmp(cJSON_GetObjectItemCaseSensitive(order, "paymentMethod")->valuestring, "manual") ?
		  "pay on pickup or delivery" : "card");
	if (!merchant) sb_printf(m, "\r\nYour order: %s%s\r\n", origin, cJSON_GetObjectItemCaseSensitive(order, "url")->valuestring);
}

static int queue_emails(req *r, int64_t order, const cJSON *settings)
{
	const tenant *t = &r->t;
	char origin[300];
	store_origin(r, origin, sizeof origin);
	cJSON *o = com_order_json(t->id, order, 0, t->currency);
	if (!o) return -1;
	char subject[400];
	int num = (int)cJSON_GetObjectItemCaseSensitive(o, "number")->valuedouble;
	const char *email = cJSON_GetObjectItemCaseSensitive(o, "email")->valuestring;
	sbuf m = SBUF_INIT;
	snprintf(subject, sizeof subject, "Order #%d confirmed - %s", num, t->name);
	email_message(&m, t, origin, email, subject, o, 0);
	int rc = outbox_add(t->id, "email", email, subject, sb_str(&m));
	/* The merchant: notifyEmail, else the store's first owner. */
	char merchant[256] = "";
	const cJSON *ne = cJSON_GetObjectItemCaseSensitive(settings, "notifyEmail");
	if (cJSON_IsString(ne) && ne->valuestring[0]) snprintf(merchant, sizeof merchant, "%s", ne->valuestring);
	else {
		sqlite3_stmt *st = db_stmt("SELECT email FROM users WHERE tenant_id = :t AND role = 'owner' ORDER BY id LIMIT 1");
		db_bind_int(st, ":t", t->id);
		if (db_step(st) == SQLITE_ROW) snprintf(merchant, sizeof merchant, "%s", db_text(st, 0));
		db_reset(st);
	}
	if (rc == 0 && merchant[0]) {
		sb_reset(&m);
		snprintf(subject, sizeof subject, "New order #%d - %s", num, cJSON_GetObjectItemCaseSensitive(o, "totalFormatted")->valuestring);
		email_message(&m, t, origin, merchant, subject, o, 1);
		rc = outbox_add(t->id, "email", merchant, subject, sb_str(&m));
	}
	sb_free(&m);
	cJSON_Delete(o);
	return rc;
}

int com_restock(int64_t tid, int64_t order)
{
	sqlite3_stmt *st = db_stmt("SELECT product_id, variant_id, quantity FROM order_items WHERE tenant_id = :t AND order_id = :o");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":o", order);
	typedef struct { int64_t p, v, q; } line;
	line *l = NULL;
	size_t n = 0;
	while (db_step(st) == SQLITE_ROW) {
		l = xrealloc(l, (n + 1) * sizeof *l);
		l[n].p = db_isnull(st, 0) ? 0 : db_int(st, 0);
		l[n].v = db_int(st, 1);
		l[n].q = db_int(st, 2);
		n++;
	}
	db_reset(st);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!l[i].p) continue;
		/* Untracked inventory has no count to return to. */
		st = l[i].v ? db_stmt("UPDATE variants SET stock = stock + :q, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id "
				      "AND (SELECT track_inventory FROM products p WHERE p.id = variants.product_id) = 1")
			    : db_stmt("UPDATE products SET stock = stock + :q, updated_at = strftime('%s','now') WHERE tenant_id = :t AND id = :id "
				      "AND track_inventory = 1");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", l[i].v ? l[i].v : l[i].p);
		db_bind_int(st, ":q", l[i].q);
		rc = db_run(st);
		if (rc == 0) rc = audit_write_as(tid, 0, "system", "", "inventory.restock", "product", l[i].p, "update", NULL);
	}
	free(l);
	return rc;
}

/* ---- checkout ---- */

typedef struct line {
	int64_t item, product, variant, qty, price, stock;
	char name[320], vtitle[200], sku[110];
	int gone, tracked, oversell;    /* oversell: policy 'continue' */
} line;

static int idem_key_ok(const char *k)
{
	size_t n = strlen(k);
	if (n < 8 || n > 100) return 0;
	for (; *k; k++) if (!isalnum((unsigned char)*k) && *k != '-' && *k != '_' && *k != ':' && *k != '.') return 0;
	return 1;
}

static int email_ok(const char *e)
{
	const char *at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.') return 0;
	for (; *e; e++) if ((unsigned char)*e <= ' ' || strchr("<>()[],;:\"\\", *e)) return 0;
	return 1;
}

/* shippingAddress: {line1, line2?, city, region?, postalCode, country}. */
static cJSON *check_address(req *r, const cJSON *b, int required)
{
	const cJSON *a = NULL;
	int rc = in_obj(r, b, "shippingAddress", required, &a);
	if (rc < 0) return NULL;
	cJSON *out = cJSON_CreateObject();
	if (rc == 1) return out;
	static const struct { const char *k; int req; size_t max; } f[] = {
		{ "line1", 1, 200 }, { "line2", 0, 200 }, { "city", 1, 100 }, { "region", 0, 100 },
		{ "postalCode", 1, 20 }, { "country", 1, 2 },
	};
	for (size_t i = 0; i < ARRAY_LEN(f); i++) {
		const char *v = NULL;
		char field[64];
		snprintf(field, sizeof field, "shippingAddress.%s", f[i].k);
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, f[i].k);
		if (!x || cJSON_IsNull(x)) {
			if (f[i].req) { in_fail(r, field, "is required"); goto bad; }
			cJSON_AddStringToObject(out, f[i].k, "");
			continue;
		}
		if (!cJSON_IsString(x)) { in_fail(r, field, "must be a string"); goto bad; }
		v = x->valuestring;
		size_t n = strlen(v);
		if (n > f[i].max) { in_fail(r, field, "is %zu bytes long; the limit is %zu", n, f[i].max); goto bad; }
		if (!utf8_valid(v, n)) { in_fail(r, field, "is not valid UTF-8"); goto bad; }
		int blank = 1;
		for (const char *c = v; *c; c++) {
			if ((unsigned char)*c < ' ' || *c == 0x7f) { in_fail(r, field, "must not contain control characters"); goto bad; }
			if (*c != ' ') blank = 0;
		}
		if (f[i].req && blank) { in_fail(r, field, "must not be empty"); goto bad; }
		if (!strcmp(f[i].k, "country") && !(n == 2 && isupper((unsigned char)v[0]) && isupper((unsigned char)v[1]))) {
			in_fail(r, field, "must be a two-letter ISO 3166 country code such as US or DE");
			goto bad;
		}
		if (!strcmp(f[i].k, "postalCode"))
			for (const char *c = v; *c; c++)
				if (!isalnum((unsigned char)*c) && *c != ' ' && *c != '-') {
					in_fail(r, field, "may hold only letters, digits, spaces and '-'");
					goto bad;
				}
		cJSON_AddStringToObject(out, f[i].k, v);
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, a) {
		int known = 0;
		for (size_t i = 0; i < ARRAY_LEN(f); i++) known |= !strcmp(f[i].k, it->string);
		if (!known) {
			char field[80];
			snprintf(field, sizeof field, "shippingAddress.%.40s", it->string);
			in_fail(r, field, "is not an address field (line1, line2, city, region, postalCode, country)");
			goto bad;
		}
	}
	return out;
bad:
	cJSON_Delete(out);
	return NULL;
}

static void reply_existing(req *r, int64_t id, int status)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "order", com_order_json(r->t.id, id, 0, r->t.currency));
	http_json(r, status, o);
}

static void storage_fail(req *r)
{
	server_storage_error(r, "no order was placed, nothing was charged or reserved (retry with the same idempotencyKey)");
}

/* A discount code checked against the subtotal: 0 with *d and *id set, or
 * -1 having answered 422 naming discountCode (expired, used up, ...). */
static int discount_lookup(req *r, const char *code, int64_t subtotal, com_discount *d, int64_t *id)
{
	sqlite3_stmt *st = db_stmt("SELECT id, kind, value, min_subtotal, starts_at, expires_at, usage_limit, used, active "
				   "FROM discounts WHERE tenant_id = :t AND code = :c");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":c", code);
	const char *why = NULL, *errcode = "discount_invalid";
	int64_t now = now_unix();
	if (db_step(st) != SQLITE_ROW) why = "is not a valid discount code";
	else if (!db_int(st, 8)) why = "is not active";
	else if (!db_isnull(st, 4) && now < db_int(st, 4)) why = "is not valid yet";
	else if (!db_isnull(st, 5) && now >= db_int(st, 5)) { why = "has expired"; errcode = "discount_expired"; }
	else if (!db_isnull(st, 6) && db_int(st, 7) >= db_int(st, 6)) { why = "has been used up"; errcode = "discount_used_up"; }
	else if (subtotal < db_int(st, 3)) why = "needs a larger order";
	else {
		*id = db_int(st, 0);
		d->percent = !strcmp(db_text(st, 1), "percent");
		d->value = db_int(st, 2);
	}
	db_reset(st);
	if (!why) return 0;
	cJSON *det = cJSON_CreateObject();
	cJSON_AddStringToObject(det, "field", "discountCode");
	http_error(r, 422, errcode, det, "discount code '%s' %s", code, why);
	return -1;
}

static void totals_for(const cJSON *settings, int64_t subtotal, const com_discount *d, const com_ship *ship, com_totals *tot)
{
	const cJSON *tax = cJSON_GetObjectItemCaseSensitive(settings, "tax");
	const cJSON *rate = cJSON_GetObjectItemCaseSensitive(tax, "rateBps");
	com_compute(subtotal, d, ship, cJSON_IsNumber(rate) ? (int64_t)rate->valuedouble : 0,
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tax, "inclusive")),
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tax, "shipping")), tot);
}

/* Route: POST /api/cart/quote {shippingMethod, discountCode?} -> the
 * totals the cart would have now (nothing is written or reserved). */
void com_quote(req *r)
{
	cJSON *b = http_json_body(r), *settings = NULL;
	if (!b) return;
	const char *ship_id, *code = NULL;
	if (in_str(r, b, "shippingMethod", IN_REQUIRED, 60, &ship_id) < 0 ||
	    in_str(r, b, "discountCode", IN_OPTIONAL, COM_DISCOUNT_CODE_MAX, &code) < 0)
		goto out;
	settings = com_settings(r->t.id);
	com_ship ship;
	if (com_ship_find(settings, ship_id, &ship) < 0) { in_fail(r, "shippingMethod", "is not one of this store's shipping methods"); goto out; }
	int64_t cart = com_cart_id(r, 0), subtotal = 0;
	if (cart > 0) {
		sqlite3_stmt *st = db_stmt(LINE_SQL);
		db_bind_int(st, ":t", r->t.id);
		db_bind_int(st, ":c", cart);
		while (db_step(st) == SQLITE_ROW)
			if (!db_int(st, 12) && !strcmp(db_text(st, 7), "active")) subtotal += db_int(st, 8) * db_int(st, 3);
		db_reset(st);
	}
	com_discount disc = { 0, 0 };
	int64_t disc_id = 0;
	if (code && *code && discount_lookup(r, code, subtotal, &disc, &disc_id) < 0) goto out;
	com_totals tot;
	totals_for(settings, subtotal, &disc, &ship, &tot);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "currency", r->t.currency);
	add_money(o, "subtotal", tot.subtotal, r->t.currency);
	add_money(o, "discount", tot.discount, r->t.currency);
	add_money(o, "shipping", tot.shipping, r->t.currency);
	add_money(o, "tax", tot.tax, r->t.currency);
	add_money(o, "total", tot.total, r->t.currency);
	cJSON_AddBoolToObject(o, "taxInclusive", tot.tax_inclusive);
	http_json(r, 200, o);
out:
	cJSON_Delete(settings);
	cJSON_Delete(b);
}

/* Route: POST /api/checkout {email, name, phone?, shippingAddress,
 * shippingMethod, paymentMethod, discountCode?, note?, idempotencyKey}
 * (or the Idempotency-Key header) -> 201 {order} (200 when replayed). */
void com_checkout(req *r)
{
	cJSON *b = http_json_body(r), *addr = NULL, *settings = NULL, *canon = NULL;
	line *lines = NULL;
	size_t nlines = 0;
	char *canon_s = NULL;
	if (!b) return;
	const char *email, *name, *phone = NULL, *ship_id, *pay, *code = NULL, *note = NULL, *key = NULL;
	if (in_str(r, b, "email", IN_REQUIRED, IN_EMAIL_MAX, &email) < 0 || in_str(r, b, "name", IN_REQUIRED, 200, &name) < 0 ||
	    in_str(r, b, "phone", IN_OPTIONAL, 40, &phone) < 0 ||
	    in_str(r, b, "shippingMethod", IN_REQUIRED, 60, &ship_id) < 0 ||
	    in_str(r, b, "paymentMethod", IN_REQUIRED, 20, &pay) < 0 ||
	    in_str(r, b, "discountCode", IN_OPTIONAL, COM_DISCOUNT_CODE_MAX, &code) < 0 ||
	    in_str(r, b, "note", IN_OPTIONAL, 1000, &note) < 0 ||
	    in_str(r, b, "idempotencyKey", IN_OPTIONAL, 100, &key) < 0)
		goto out;
	if (!key) key = http_header_in(r, "Idempotency-Key");
	if (!key || !*key) { in_fail(r, "idempotencyKey", "is required (a random string of 8-100 characters, the same on a retry)"); goto out; }
	if (!idem_key_ok(key)) { in_fail(r, "idempotencyKey", "must be 8-100 characters of letters, digits and - _ : ."); goto out; }
	if (!email_ok(email)) { in_fail(r, "email", "is not a valid email address"); goto out; }
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < ' ') { in_fail(r, "name", "must not contain control characters"); goto out; }
	if (phone) for (const char *c = phone; *c; c++)
		if (!isdigit((unsigned char)*c) && !strchr(" +-().", *c)) { in_fail(r, "phone", "may hold only digits, spaces and + - ( ) ."); goto out; }
	if (code && !*code) code = NULL;
	settings = com_settings(r->t.id);
	com_ship ship;
	if (com_ship_find(settings, ship_id, &ship) < 0) {
		in_fail(r, "shippingMethod", "is not one of this store's shipping methods");
		goto out;
	}
	if (!method_enabled(settings, pay)) { in_fail(r, "paymentMethod", "is not a payment method this store accepts"); goto out; }
	if (!(addr = check_address(r, b, strcmp(ship.kind, "pickup") != 0))) goto out;
	if (cJSON_GetObjectItemCaseSensitive(b, "items") || cJSON_GetObjectItemCaseSensitive(b, "total") ||
	    cJSON_GetObjectItemCaseSensitive(b, "prices")) {
		in_fail(r, "items", "cannot be given: the order is made from the cart and prices come from the store");
		goto out;
	}

	/* What the key stands for: the checked request. */
	canon = cJSON_CreateObject();
	cJSON_AddStringToObject(canon, "email", email);
	cJSON_AddStringToObject(canon, "name", name);
	cJSON_AddStringToObject(canon, "phone", phone ? phone : "");
	cJSON_AddItemToObject(canon, "address", cJSON_Duplicate(addr, 1));
	cJSON_AddStringToObject(canon, "ship", ship_id);
	cJSON_AddStringToObject(canon, "pay", pay);
	cJSON_AddStringToObject(canon, "code", code ? code : "");
	cJSON_AddStringToObject(canon, "note", note ? note : "");
	canon_s = cJSON_PrintUnformatted(canon);
	char hash[65];
	sha256_hex(canon_s, strlen(canon_s), hash);

	int64_t cart = com_cart_id(r, 0);
	if (db_begin(1) < 0) { storage_fail(r); goto out; }
	sqlite3_stmt *st = db_stmt("SELECT id, request_hash FROM orders WHERE tenant_id = :t AND idempotency_key = :k");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":k", key);
	int64_t existing = 0;
	int same = 0;
	if (db_step(st) == SQLITE_ROW) { existing = db_int(st, 0); same = !strcmp(db_text(st, 1), hash); }
	db_reset(st);
	if (existing) {
		db_rollback();
		if (same) reply_existing(r, existing, 200);
		else {
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "field", "idempotencyKey");
			http_error(r, 409, "idempotency_conflict", d,
				   "this idempotencyKey was already used for a different checkout; use a new key for a new order");
		}
		goto out;
	}
	if (cart <= 0) { db_rollback(); http_error(r, 422, "cart_empty", NULL, "the cart is empty"); goto out; }
	st = db_stmt(LINE_SQL);
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":c", cart);
	int64_t subtotal = 0;
	int src;
	while ((src = db_step(st)) == SQLITE_ROW) {
		lines = xrealloc(lines, (nlines + 1) * sizeof *lines);
		line *l = &lines[nlines++];
		l->item = db_int(st, 0);
		l->product = db_int(st, 1);
		l->variant = db_int(st, 2);
		l->qty = db_int(st, 3);
		l->price = db_int(st, 8);
		l->stock = db_int(st, 9);
		l->gone = db_int(st, 12) || strcmp(db_text(st, 7), "active") != 0;
		l->tracked = (int)db_int(st, 13);
		l->oversell = (int)db_int(st, 14);
		snprintf(l->name, sizeof l->name, "%s", db_text(st, 4));
		snprintf(l->vtitle, sizeof l->vtitle, "%s", db_text(st, 10));
		snprintf(l->sku, sizeof l->sku, "%s", db_text(st, 11));
		subtotal += l->price * l->qty;
	}
	if (src != SQLITE_DONE) { storage_fail(r); db_reset(st); goto out; }
	db_reset(st);
	if (!nlines) { db_rollback(); http_error(r, 422, "cart_empty", NULL, "the cart is empty"); goto out; }
	if (subtotal > COM_MAX_ORDER) {
		db_rollback();
		http_error(r, 422, "order_too_large", NULL, "an order may total at most %lld in minor units; split it", (long long)COM_MAX_ORDER);
		goto out;
	}

	/* Every short line is reported, not just the first. */
	cJSON *short_items = cJSON_CreateArray();
	sbuf names = SBUF_INIT;
	int gone = 0;
	for (size_t i = 0; i < nlines; i++) {
		line *l = &lines[i];
		if (!l->gone && (!l->tracked || l->oversell || l->qty <= l->stock)) continue;
		gone |= l->gone;
		cJSON *x = cJSON_CreateObject();
		row_add_id(x, "itemId", l->item);
		row_add_id(x, "productId", l->product);
		if (l->variant) row_add_id(x, "variantId", l->variant); else cJSON_AddNullToObject(x, "variantId");
		cJSON_AddStringToObject(x, "name", l->name);
		cJSON_AddStringToObject(x, "variantTitle", l->vtitle);
		cJSON_AddNumberToObject(x, "requested", (double)l->qty);
		cJSON_AddNumberToObject(x, "available", l->gone ? 0 : (double)l->stock);
		cJSON_AddItemToArray(short_items, x);
		sb_printf(&names, "%s%s%s%s%s (%lld requested, %lld left)", names.len ? "; " : "", l->name,
			  l->vtitle[0] ? " - " : "", l->vtitle, l->gone ? " is no longer sold" : "",
			  (long long)l->qty, (long long)(l->gone ? 0 : l->stock));
	}
	if (cJSON_GetArraySize(short_items) > 0) {
		db_rollback();
		cJSON *d = cJSON_CreateObject();
		cJSON_AddItemToObject(d, "items", short_items);
		http_error(r, 409, gone ? "item_unavailable" : "out_of_stock", d, "out of stock: %s", sb_str(&names));
		sb_free(&names);
		goto out;
	}
	cJSON_Delete(short_items);
	sb_free(&names);

	com_discount disc = { 0, 0 };
	int64_t disc_id = 0;
	if (code && discount_lookup(r, code, subtotal, &disc, &disc_id) < 0) { db_rollback(); goto out; }
	com_totals tot;
	totals_for(settings, subtotal, &disc, &ship, &tot);

	char secret[33];
	random_hex(secret, 16);
	char *addr_s = cJSON_PrintUnformatted(addr);
	st = db_stmt("INSERT INTO orders(tenant_id, number, secret, idempotency_key, request_hash, email, name, phone, "
		     "shipping_address_json, shipping_method, shipping_method_name, payment_method, currency, subtotal, discount, "
		     "shipping, tax, tax_inclusive, total, discount_code, note, created_at, updated_at) VALUES(:t, "
		     "(SELECT coalesce(max(number), 1000) + 1 FROM orders WHERE tenant_id = :t), :sec, :k, :h, :e, :n, :ph, :a, "
		     ":sm, :smn, :pm, :cur, :sub, :disc, :ship, :tax, :inc, :tot, :code, :note, strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":sec", secret);
	db_bind_text(st, ":k", key);
	db_bind_text(st, ":h", hash);
	db_bind_text(st, ":e", email);
	db_bind_text(st, ":n", name);
	db_bind_text(st, ":ph", phone ? phone : "");
	db_bind_text(st, ":a", addr_s);
	db_bind_text(st, ":sm", ship.id);
	db_bind_text(st, ":smn", ship.name);
	db_bind_text(st, ":pm", pay);
	db_bind_text(st, ":cur", r->t.currency);
	db_bind_int(st, ":sub", tot.subtotal);
	db_bind_int(st, ":disc", tot.discount);
	db_bind_int(st, ":ship", tot.shipping);
	db_bind_int(st, ":tax", tot.tax);
	db_bind_int(st, ":inc", tot.tax_inclusive);
	db_bind_int(st, ":tot", tot.total);
	db_bind_text(st, ":code", disc_id ? code : NULL);
	db_bind_text(st, ":note", note ? note : "");
	int rc = db_run(st);
	cJSON_free(addr_s);
	if (rc < 0) { storage_fail(r); goto out; }
	int64_t order = db_last_id();
	for (size_t i = 0; i < nlines; i++) {
		line *l = &lines[i];
		st = db_stmt("INSERT INTO order_items(tenant_id, order_id, product_id, variant_id, name, variant_title, sku, unit_price, quantity, line_total) "
			     "VALUES(:t, :o, :p, :v, :n, :vt, :sku, :up, :q, :lt)");
		db_bind_int(st, ":t", r->t.id);
		db_bind_int(st, ":o", order);
		db_bind_int(st, ":p", l->product);
		db_bind_int(st, ":v", l->variant);
		db_bind_text(st, ":n", l->name);
		db_bind_text(st, ":vt", l->vtitle);
		db_bind_text(st, ":sku", l->sku);
		db_bind_int(st, ":up", l->price);
		db_bind_int(st, ":q", l->qty);
		db_bind_int(st, ":lt", l->price * l->qty);
		if (db_run(st) < 0) { storage_fail(r); goto out; }
		/* The guard and CHECK (stock >= 0) both stand between us and
		 * overselling. Untracked: no count to take from. 'continue': the
		 * sale goes through and the count stops at zero. */
		if (l->tracked) {
			st = l->oversell
				? (l->variant ? db_stmt("UPDATE variants SET stock = max(stock - :q, 0), updated_at = strftime('%s','now') "
							"WHERE tenant_id = :t AND id = :id")
					      : db_stmt("UPDATE products SET stock = max(stock - :q, 0), updated_at = strftime('%s','now') "
							"WHERE tenant_id = :t AND id = :id"))
				: (l->variant ? db_stmt("UPDATE variants SET stock = stock - :q, updated_at = strftime('%s','now') "
							"WHERE tenant_id = :t AND id = :id AND stock >= :q")
					      : db_stmt("UPDATE products SET stock = stock - :q, updated_at = strftime('%s','now') "
							"WHERE tenant_id = :t AND id = :id AND stock >= :q"));
			db_bind_int(st, ":t", r->t.id);
			db_bind_int(st, ":id", l->variant ? l->variant : l->product);
			db_bind_int(st, ":q", l->qty);
			if (db_run(st) < 0) { storage_fail(r); goto out; }
			if (db_changes() != 1) {
				db_rollback();
				http_error(r, 409, "out_of_stock", NULL, "out of stock: %s", l->name);
				goto out;
			}
			if (audit_write_as(r->t.id, 0, "shopper", r->remote_addr, "inventory.sale", "product", l->product, "update", NULL) < 0) {
				storage_fail(r);
				goto out;
			}
		}
	}
	if (disc_id) {
		st = db_stmt("UPDATE discounts SET used = used + 1 WHERE tenant_id = :t AND id = :id "
			     "AND (usage_limit IS NULL OR used < usage_limit)");
		db_bind_int(st, ":t", r->t.id);
		db_bind_int(st, ":id", disc_id);
		if (db_run(st) < 0) { storage_fail(r); goto out; }
		if (db_changes() != 1) {
			db_rollback();
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "field", "discountCode");
			http_error(r, 422, "discount_used_up", d, "discount code '%s' has been used up", code);
			goto out;
		}
	}
	st = db_stmt("DELETE FROM cart_items WHERE tenant_id = :t AND cart_id = :c");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":c", cart);
	if (db_run(st) < 0 ||
	    audit_write_as(r->t.id, 0, "shopper", r->remote_addr, "order.create", "order", order, "create", NULL) < 0 ||
	    queue_emails(r, order, settings) < 0 || com_queue_webhook(r->t.id, order, "order.created") < 0) {
		storage_fail(r);
		goto out;
	}
	/* Card payments: the intent is queued with the order (a crash cannot
	 * lose it) and made below, once the order is safe. */
	int64_t intent = 0;
	if (!strcmp(pay, "stripe") && (intent = pay_queue_intent(r->t.id, order, settings)) < 0) {
		storage_fail(r);
		goto out;
	}
	if (audit_bump_content(r->t.id) < 0) { storage_fail(r); goto out; }   /* stock shown on cached pages changed */
	if (db_commit() < 0) { storage_fail(r); goto out; }

	/* The one outside call a request waits for, within gateway_timeout_ms:
	 * past it the order stands and the deliverer makes the intent. */
	int delayed = 0;
	if (intent) {
		char err[256] = "";
		if (pay_create_intent(r->t.id, order, intent, settings, err, sizeof err) < 0) {
			log_warn("store %lld order %lld: payment intent not made at checkout (the deliverer retries): %s",
				 (long long)r->t.id, (long long)order, err);
			delayed = 1;
		}
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "order", com_order_json(r->t.id, order, 0, r->t.currency));
	if (delayed) {
		cJSON *p = cJSON_AddObjectToObject(o, "payment");
		cJSON_AddStringToObject(p, "status", "delayed");
		cJSON_AddStringToObject(p, "message", "Your order is placed. The payment service did not answer in time; "
				       "the payment is being prepared and the order page will offer it shortly.");
	}
	http_json(r, 201, o);
out:
	free(lines);
	cJSON_free(canon_s);
	cJSON_Delete(canon);
	cJSON_Delete(addr);
	cJSON_Delete(settings);
	cJSON_Delete(b);
}
