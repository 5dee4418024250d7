/* store_account: the shopper's account in storefront.fcgi: sign-up, sign-in
 * with a password or a one-time code by email, password reset, sign-out,
 * the /account page and its JSON (profile, saved addresses, order history,
 * re-order), account deletion. Sessions ride on the sf_customer cookie
 * (__Host- under https, HttpOnly, SameSite=Lax); the gate in
 * main_storefront.c refuses a signed-in-only row (R_AUTH) without one and
 * a write without the session's X-CSRF-Token. Every row is R_NOSTORE:
 * nothing here is ever cached. Sign-in tries are throttled per account and
 * IP as staff logins are (ratelimit.c), and the rows count against the
 * "login" bucket. Also the wishlist's API and /wishlist page: a guest's
 * list lives in the browser (htdocs/js/wishlist.js) and merges in here on
 * sign-in. A readable sf_account=1 cookie tells that script someone is
 * signed in (it holds nothing else). */
#include "store.h"
#include "cart.h"
#include "config.h"
#include "customer.h"
#include "input.h"
#include "orders.h"
#include "otcode.h"
#include "ratelimit.h"
#include "render.h"
#include "server.h"
#include "auth.h"
#include "route.h"
#include "util.h"
#include "wishlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t store_customer(req *r)
{
	if (r->customer_known) return r->customer_id;
	r->customer_known = 1;
	int pos = 0;
	const char *tok;
	while (!r->customer_id && r->t.id && (tok = http_cookie_next(r, CU_COOKIE, &pos)))
		r->customer_id = customer_session(r->t.id, tok, r->customer_csrf);
	return r->customer_id;
}

static void fail_storage(req *r)
{
	server_storage_error(r, "the account was not changed");
}

/* The throttle's key for an email of this store: customers of two stores
 * with one email are two accounts, throttled apart. */
static void throttle_key(req *r, const char *email, char *out, size_t n)
{
	snprintf(out, n, "c%lld:%s", (long long)r->t.id, email);
}

static int throttled(req *r, const char *key)
{
	long wait = throttle_login_wait(key, r->remote_addr);
	if (wait > 0) {
		ratelimit_answer(r, "too_many_attempts", wait, "sign-in attempts for this account or from this address");
		return 1;
	}
	return 0;
}

/* A checked, lower-cased email field into out; -1 after answering 422. */
static int email_field(req *r, const cJSON *b, char *out, size_t n)
{
	const char *e, *why;
	if (in_str(r, b, "email", IN_REQUIRED, IN_EMAIL_MAX, &e) < 0) return -1;
	if ((why = email_problem(e))) { in_fail(r, "email", "%s", why); return -1; }
	snprintf(out, n, "%s", e);
	customer_email(out);
	return 0;
}

/* Sign in: a session and its cookie, then the account JSON. */
static void signed_in(req *r, int64_t cid, int status)
{
	char token[49], csrf[65];
	if (customer_session_new(r->t.id, cid, token, csrf) != CU_OK) { fail_storage(r); return; }
	http_set_cookie(r, CU_COOKIE, token, cfg.customer_session_ttl, 1, "Lax");
	http_set_cookie(r, "sf_account", "1", cfg.customer_session_ttl, 0, "Lax");
	r->customer_id = cid;
	r->customer_known = 1;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "customer", customer_json(r->t.id, cid, r->t.currency));
	cJSON_AddStringToObject(o, "csrfToken", csrf);
	http_json(r, status, o);
}

/* Route: POST /api/account/signup {email, password, name?} -> 201 */
void store_account_signup(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	char email[IN_EMAIL_MAX + 1];
	const char *pw, *name = "", *why;
	if (email_field(r, b, email, sizeof email) < 0 ||
	    in_str(r, b, "password", IN_REQUIRED, AUTH_PASSWORD_INPUT_MAX, &pw) < 0 ||
	    in_str(r, b, "name", IN_OPTIONAL, CU_NAME_MAX, &name) < 0)
		goto out;
	if (!name) name = "";
	if ((why = auth_password_problem(pw))) { in_fail(r, "password", "%s", why); goto out; }
	if ((why = control_problem(name))) { in_fail(r, "name", "%s", why); goto out; }
	int64_t cid = 0;
	switch (customer_signup(r->t.id, email, name, pw, &cid)) {
	case CU_OK: signed_in(r, cid, 201); break;
	case CU_EXISTS: {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "email");
		http_error(r, 409, "account_exists", d, "an account with this email exists: sign in, or ask for a code by email");
		break;
	}
	default: fail_storage(r);
	}
out:
	cJSON_Delete(b);
}

/* Route: POST /api/account/login {email, password} */
void store_account_login(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	char email[IN_EMAIL_MAX + 1], key[IN_EMAIL_MAX + 32];
	const char *pw;
	if (email_field(r, b, email, sizeof email) < 0 ||
	    in_str(r, b, "password", IN_REQUIRED, AUTH_PASSWORD_INPUT_MAX, &pw) < 0)
		goto out;
	throttle_key(r, email, key, sizeof key);
	if (throttled(r, key)) goto out;
	int64_t cid = 0;
	if (customer_password_login(r->t.id, email, pw, &cid) != CU_OK) {
		throttle_login_failed(key, r->remote_addr);
		http_error(r, 401, "invalid_credentials", NULL, "the email or password is wrong");
		goto out;
	}
	throttle_login_ok(key);
	signed_in(r, cid, 200);
out:
	cJSON_Delete(b);
}

/* Route: POST /api/account/code {email, purpose?: login|reset} -> 202.
 * The same answer whether or not the email has an account. */
void store_account_code(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	char email[IN_EMAIL_MAX + 1], key[IN_EMAIL_MAX + 32];
	const char *purpose = "login";
	static const char *const purposes[] = { "login", "reset", NULL };
	if (email_field(r, b, email, sizeof email) < 0 || in_enum(r, b, "purpose", IN_OPTIONAL, purposes, &purpose) < 0)
		goto out;
	if (!purpose) purpose = "login";
	/* a few codes per email per code lifetime: no mail bombing */
	throttle_key(r, email, key, sizeof key);
	long retry = 0;
	if (ratelimit_take("code", key, cfg.customer_code_attempts, cfg.customer_code_ttl, &retry) == 1) {
		ratelimit_answer(r, "too_many_codes", retry, "codes sent to this email");
		goto out;
	}
	char origin[300];
	store_origin(r, origin, sizeof origin);
	if (customer_code_send(&r->t, email, purpose, origin) != CU_OK) { fail_storage(r); goto out; }
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "sent");
	cJSON_AddNumberToObject(o, "expiresIn", (double)cfg.customer_code_ttl);
	http_json(r, 202, o);
out:
	cJSON_Delete(b);
}

static int code_field(req *r, const cJSON *b, const char **code)
{
	char buf[64];
	const char *why;
	if (in_str(r, b, "code", IN_REQUIRED, 20, code) < 0) return -1;
	if ((why = otcode_problem(*code, CU_CODE_DIGITS, buf, sizeof buf))) { in_fail(r, "code", "%s", why); return -1; }
	return 0;
}

/* A code's check answered: 0 when good (*cid set), -1 when it answered. */
static int check_code(req *r, const char *email, const char *purpose, const char *code, int64_t *cid)
{
	char key[IN_EMAIL_MAX + 32];
	throttle_key(r, email, key, sizeof key);
	if (throttled(r, key)) return -1;
	switch (customer_code_check(r->t.id, email, purpose, code, cid)) {
	case CU_OK: throttle_login_ok(key); return 0;
	case CU_EXPIRED:
		throttle_login_failed(key, r->remote_addr);
		http_error(r, 410, "code_expired", NULL, "this code has expired, was used, or had too many wrong tries: ask for a new one");
		return -1;
	case CU_BAD:
		throttle_login_failed(key, r->remote_addr);
		http_error(r, 401, "invalid_code", NULL, "the code is wrong");
		return -1;
	default: fail_storage(r); return -1;
	}
}

/* Route: POST /api/account/code/verify {email, code} -> the session
 * (the account is made on first sign-in; its email is then verified). */
void store_account_code_verify(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	char email[IN_EMAIL_MAX + 1];
	const char *code;
	int64_t cid = 0;
	if (email_field(r, b, email, sizeof email) == 0 && code_field(r, b, &code) == 0 &&
	    check_code(r, email, "login", code, &cid) == 0)
		signed_in(r, cid, 200);
	cJSON_Delete(b);
}

/* Route: POST /api/account/password/reset {email, code, password}: a
 * reset code and the new password; every session ends, a new one starts. */
void store_account_reset(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	char email[IN_EMAIL_MAX + 1];
	const char *code, *pw, *why;
	int64_t cid = 0;
	if (email_field(r, b, email, sizeof email) < 0 || code_field(r, b, &code) < 0 ||
	    in_str(r, b, "password", IN_REQUIRED, AUTH_PASSWORD_INPUT_MAX, &pw) < 0)
		goto out;
	if ((why = auth_password_problem(pw))) { in_fail(r, "password", "%s", why); goto out; }
	if (check_code(r, email, "reset", code, &cid) < 0) goto out;
	if (customer_set_password(r->t.id, cid, pw) != CU_OK) { fail_storage(r); goto out; }
	signed_in(r, cid, 200);
out:
	cJSON_Delete(b);
}

/* Route: POST /api/account/logout */
void store_account_logout(req *r)
{
	int pos = 0;
	const char *tok;
	while ((tok = http_cookie_next(r, CU_COOKIE, &pos))) customer_session_end(r->t.id, tok);
	http_set_cookie(r, CU_COOKIE, "", 0, 1, "Lax");
	http_set_cookie(r, "sf_account", "", 0, 0, "Lax");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "signedIn", 0);
	http_json(r, 200, o);
}

static void send_account(req *r, int status)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *c = customer_json(r->t.id, r->customer_id, r->t.currency);
	if (!c) { cJSON_Delete(o); http_error(r, 401, "unauthorized", NULL, "sign in first"); return; }
	cJSON_AddItemToObject(o, "customer", c);
	cJSON_AddStringToObject(o, "csrfToken", r->customer_csrf);
	http_json(r, status, o);
}

/* Route: GET /api/account -> {customer, csrfToken} */
void store_account_get(req *r)
{
	send_account(r, 200);
}

/* Route: PATCH /api/account {name} */
void store_account_update(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *name, *why;
	if (in_str(r, b, "name", IN_REQUIRED, CU_NAME_MAX, &name) == 0) {
		if ((why = control_problem(name))) in_fail(r, "name", "%s", why);
		else if (customer_rename(r->t.id, r->customer_id, name) != CU_OK) fail_storage(r);
		else send_account(r, 200);
	}
	cJSON_Delete(b);
}

/* Route: DELETE /api/account -- personal data gone, orders kept anonymised. */
void store_account_delete(req *r)
{
	if (customer_delete(r->t.id, r->customer_id) != CU_OK) { fail_storage(r); return; }
	http_set_cookie(r, CU_COOKIE, "", 0, 1, "Lax");
	http_set_cookie(r, "sf_account", "", 0, 0, "Lax");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "deleted", 1);
	http_json(r, 200, o);
}

/* Route: POST /api/account/addresses {shippingAddress: {...}, name?} -> 201 */
void store_account_address_add(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	cJSON *a = store_check_address(r, b, 1);
	const char *name = NULL, *why;
	if (a && in_str(r, b, "name", IN_OPTIONAL, CU_NAME_MAX, &name) >= 0) {
		if (name && (why = control_problem(name))) { in_fail(r, "name", "%s", why); goto out; }
		cJSON_AddStringToObject(a, "name", name ? name : "");
		int64_t id;
		cu_code rc = customer_address_add(r->t.id, r->customer_id, a, &id);
		if (rc == CU_EXISTS) http_error(r, 422, "limit_reached", NULL, "an account keeps at most %d addresses", CU_ADDRESSES_MAX);
		else if (rc != CU_OK) fail_storage(r);
		else send_account(r, 201);
	}
out:
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* Route: DELETE /api/account/addresses/{id} (another customer's: 404) */
void store_account_address_delete(req *r)
{
	cu_code rc = customer_address_delete(r->t.id, r->customer_id, route_id(r, 0));
	if (rc == CU_NOT_FOUND) http_error(r, 404, "not_found", NULL, "there is no such address in your account");
	else if (rc != CU_OK) fail_storage(r);
	else send_account(r, 200);
}

/* Route: POST /api/account/orders/{number}/reorder -> the cart: the
 * order's items that are still sold, added to the cart. */
void store_account_reorder(req *r)
{
	int64_t id = customer_order(r->t.id, r->customer_id, route_id(r, 0));
	cJSON *o = id ? com_order_json(r->t.id, id, 0, r->t.currency) : NULL;
	if (!o) { http_error(r, 404, "not_found", NULL, "there is no such order in your account"); return; }
	const cJSON *it;
	int64_t cart = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "items")) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "productId");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "variantId");
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(it, "quantity");
		if (!cJSON_IsString(p)) continue;    /* the product was deleted */
		cart = store_cart_add_line(r, strtoll(p->valuestring, NULL, 10), cJSON_IsString(v) ? strtoll(v->valuestring, NULL, 10) : 0,
					   cJSON_IsNumber(q) ? (int64_t)q->valuedouble : 1);
		if (cart < 0) break;                  /* answered: sold out, gone, cart full */
	}
	cJSON_Delete(o);
	if (cart >= 0) http_json(r, 200, com_cart_json(r, cart ? cart : com_cart_id(r, 0)));
}

/* Route: GET /account -- sign-in forms, or the account. */
void store_account_page(req *r)
{
	cJSON *d = cJSON_CreateObject();
	int64_t cid = store_customer(r);
	cJSON *c = cid ? customer_json(r->t.id, cid, r->t.currency) : NULL;
	cJSON_AddBoolToObject(d, "signedIn", c != NULL);
	if (c) {
		cJSON_AddItemToObject(d, "customer", c);
		cJSON_AddStringToObject(d, "csrfToken", r->customer_csrf);
		cJSON_AddBoolToObject(d, "hasOrders", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "orders")) > 0);
	}
	render_template_page(r, "account.html", "Your account", d);
	cJSON_Delete(d);
}

/* ---- the wishlist ---- */

static void send_wishlist(req *r, int status, cJSON *extra)
{
	cJSON *o = extra ? extra : cJSON_CreateObject();
	cJSON_AddItemToObject(o, "items", wishlist_json(&r->t, r->customer_id));
	cJSON_AddStringToObject(o, "csrfToken", r->customer_csrf);
	http_json(r, status, o);
}

/* Route: GET /api/wishlist -> {items: [product + wishlist {variantId, notify}]} */
void store_wishlist_get(req *r)
{
	send_wishlist(r, 200, NULL);
}

static int wish_fail(req *r, wl_code rc, int64_t pid)
{
	cJSON *d;
	switch (rc) {
	case WL_OK: return 0;
	case WL_UNKNOWN:
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "productId");
		http_error(r, 404, "not_found", d, "product %lld (or that variant) is not sold in this store", (long long)pid);
		return -1;
	case WL_FULL:
		http_error(r, 422, "limit_reached", NULL, "a wishlist holds at most %d items", WISHLIST_MAX);
		return -1;
	default: fail_storage(r); return -1;
	}
}

/* Route: POST /api/wishlist/items {productId, variantId?, notify?} -> the list */
void store_wishlist_add(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int64_t pid, vid = 0;
	int notify = 0;
	if (in_id(r, b, "productId", IN_REQUIRED, &pid) == 0 && in_id(r, b, "variantId", IN_OPTIONAL, &vid) >= 0 &&
	    in_bool(r, b, "notify", IN_OPTIONAL, &notify) >= 0 &&
	    wish_fail(r, wishlist_add(r->t.id, r->customer_id, pid, vid, notify), pid) == 0)
		send_wishlist(r, 200, NULL);
	cJSON_Delete(b);
}

/* Route: DELETE /api/wishlist/items/{productId} -> the list */
void store_wishlist_remove(req *r)
{
	wl_code rc = wishlist_remove(r->t.id, r->customer_id, route_id(r, 0));
	if (rc == WL_UNKNOWN) http_error(r, 404, "not_found", NULL, "that product is not on your wishlist");
	else if (rc != WL_OK) fail_storage(r);
	else send_wishlist(r, 200, NULL);
}

/* Route: POST /api/wishlist/merge {items: [{productId, variantId?}]} ->
 * the list, with how many joined and how many were skipped (not sold here). */
void store_wishlist_merge(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const cJSON *items, *it;
	int merged = 0, skipped = 0;
	if (in_array(r, b, "items", IN_REQUIRED, WISHLIST_MAX, &items) < 0) goto out;
	cJSON_ArrayForEach(it, items) {
		int64_t pid = 0, vid = 0;
		if (!cJSON_IsObject(it)) { in_fail(r, "items", "must be a list of {productId, variantId?}"); goto out; }
		if (in_id(r, it, "productId", IN_REQUIRED, &pid) < 0 || in_id(r, it, "variantId", IN_OPTIONAL, &vid) < 0) goto out;
	}
	cJSON_ArrayForEach(it, items) {
		int64_t pid = 0, vid = 0;
		if (in_id(r, it, "productId", IN_REQUIRED, &pid) < 0 || in_id(r, it, "variantId", IN_OPTIONAL, &vid) < 0) goto out;
		wl_code rc = wishlist_add(r->t.id, r->customer_id, pid, vid, 0);
		if (rc == WL_OK) merged++;
		else if (rc == WL_STORAGE) { fail_storage(r); goto out; }
		else skipped++;        /* another store's, archived, or the list is full */
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "merged", merged);
	cJSON_AddNumberToObject(o, "skipped", skipped);
	send_wishlist(r, 200, o);
out:
	cJSON_Delete(b);
}

/* Route: GET /wishlist -- the signed-in shopper's list; a guest's is drawn
 * by wishlist.js from the browser. */
void store_wishlist_page(req *r)
{
	cJSON *d = cJSON_CreateObject();
	int64_t cid = store_customer(r);
	cJSON_AddBoolToObject(d, "signedIn", cid != 0);
	if (cid) {
		cJSON *items = wishlist_json(&r->t, cid), *p;
		cJSON_ArrayForEach(p, items) store_add_prices(r, p);
		cJSON_AddBoolToObject(d, "hasItems", cJSON_GetArraySize(items) > 0);
		cJSON_AddItemToObject(d, "items", items);
	}
	render_template_page(r, "wishlist.html", "Wishlist", d);
	cJSON_Delete(d);
}
