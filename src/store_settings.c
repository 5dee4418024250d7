/* store_settings: a store's commerce settings (shipping methods, tax,
 * payment methods, notification address, time zone, POS webhook and
 * gateway keys) merged over the defaults, their checking for the admin API,
 * and the masking of secrets (see store_settings.h). */
#include "store_settings.h"
#include "currency.h"
#include "input.h"
#include "text.h"
#include "money.h"
#include "db.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static const char default_settings[] =
	"{\"shippingMethods\":["
	"{\"id\":\"standard\",\"kind\":\"free_over\",\"name\":\"Standard shipping\",\"price\":500,\"minSubtotal\":7500},"
	"{\"id\":\"express\",\"kind\":\"flat\",\"name\":\"Express shipping\",\"price\":1500},"
	"{\"id\":\"pickup\",\"kind\":\"pickup\",\"name\":\"Local pickup\",\"price\":0}],"
	"\"tax\":{\"rateBps\":0,\"inclusive\":false,\"shipping\":false,\"label\":\"Tax\"},"
	"\"paymentMethods\":[\"manual\"],"
	"\"notifyEmail\":\"\","
	"\"timeZone\":\"UTC\","
	"\"lowStockThreshold\":0,"
	"\"abandonedCheckout\":{\"enabled\":false,\"delayMinutes\":120},"
	"\"currencies\":[],"
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

/* input.c's checks as yes/no: the messages here say more (units, ranges). */
static int is_int(const cJSON *v, int64_t min, int64_t max)
{
	char buf[120];
	return !int_problem(v, min, max, buf, sizeof buf);
}

static int str_ok(const cJSON *v, size_t max)
{
	char buf[120];
	return !str_problem(v, max, buf, sizeof buf);
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
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "lowStockThreshold"))) {
		*field = "lowStockThreshold";
		if (!is_int(v, 0, 1000)) return "must be an integer 0-1000 (\"only N left\" from this stock down; 0: never)";
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "currencies"))) {
		*field = "currencies";
		const char *why = currency_settings_problem(v, NULL);
		if (why) return why;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "abandonedCheckout"))) {
		*field = "abandonedCheckout";
		const cJSON *en = cJSON_GetObjectItemCaseSensitive(v, "enabled");
		const cJSON *dm = cJSON_GetObjectItemCaseSensitive(v, "delayMinutes");
		if (!cJSON_IsObject(v) || !cJSON_IsBool(en) || !is_int(dm, 0, 43200))
			return "must be {enabled: true|false, delayMinutes: 0-43200}";
	}
	static const char *const known[] = { "shippingMethods", "tax", "paymentMethods", "notifyEmail", "posWebhook", "stripe",
					     "timeZone", "lowStockThreshold", "abandonedCheckout", "currencies" };
	const cJSON *it;
	cJSON_ArrayForEach(it, s) {
		int ok = 0;
		for (size_t i = 0; i < ARRAY_LEN(known); i++) ok |= !strcmp(known[i], it->string);
		if (!ok) { *field = it->string; return "is not a commerce setting (shippingMethods, tax, paymentMethods, notifyEmail, posWebhook, stripe, timeZone, lowStockThreshold, abandonedCheckout, currencies)"; }
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

int com_method_enabled(const cJSON *settings, const char *m)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(settings, "paymentMethods"))
		if (cJSON_IsString(it) && !strcmp(it->valuestring, m)) return 1;
	return 0;
}
