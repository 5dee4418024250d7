/* admin.cgi: the CMS API under /api/cms/, JSON in and out, for the TAR POS
 * app. Every route but login needs "Authorization: Bearer TOKEN"; the
 * tenant comes from the token, never from the request. The table below is
 * the whole API: methods, path, handler, flags, roles, resource. */
#include "server.h"
#include "route.h"
#include "admin.h"
#include "auth.h"
#include "audit.h"
#include "input.h"
#include "render.h"
#include "db.h"

#include <stdio.h>
#include <string.h>

static void login(req *r);

#define ED (ROLE_OWNER | ROLE_EDITOR)
#define CAT (ROLE_OWNER | ROLE_STAFF | ROLE_EDITOR)
#define AW (R_AUTH | R_WRITE)

static const route routes[] = {
	{ M_POST, "/api/cms/login", login, R_PUBLIC, 0, NULL },
	{ M_GET, "/api/cms/pages", adm_pages_list, R_AUTH, ED, "page" },
	{ M_POST, "/api/cms/pages", adm_page_create, AW, ED, "page" },
	{ M_GET, "/api/cms/pages/:id", adm_page_get, R_AUTH, ED, "page" },
	{ M_PUT, "/api/cms/pages/:id", adm_page_update, AW, ED, "page" },
	{ M_DELETE, "/api/cms/pages/:id", adm_page_delete, AW, ED, "page" },
	{ M_GET, "/api/cms/pages/:id/blocks", adm_page_blocks, R_AUTH, ED, "page" },
	{ M_GET, "/api/cms/pages/:id/preview", adm_page_preview, R_AUTH, ED, "page" },
	{ M_POST, "/api/cms/pages/:id/publish", adm_page_publish, AW, ED, "page" },
	{ M_GET, "/api/cms/pages/:id/versions", adm_page_versions, R_AUTH, ED, "page" },
	{ M_POST, "/api/cms/pages/:id/rollback", adm_page_rollback, AW, ED, "page" },
	{ M_POST, "/api/cms/blocks", adm_block_create, AW, ED, "block" },
	{ M_GET, "/api/cms/blocks/:id", adm_block_get, R_AUTH, ED, "block" },
	{ M_PUT, "/api/cms/blocks/:id", adm_block_update, AW, ED, "block" },
	{ M_DELETE, "/api/cms/blocks/:id", adm_block_delete, AW, ED, "block" },
	{ M_POST, "/api/cms/validate", adm_validate, R_AUTH, ED, NULL },
	{ M_GET, "/api/cms/posts", adm_posts_list, R_AUTH, ED, "post" },
	{ M_POST, "/api/cms/posts", adm_post_create, AW, ED, "post" },
	{ M_GET, "/api/cms/posts/:id", adm_post_get, R_AUTH, ED, "post" },
	{ M_PUT, "/api/cms/posts/:id", adm_post_update, AW, ED, "post" },
	{ M_DELETE, "/api/cms/posts/:id", adm_post_delete, AW, ED, "post" },
	{ M_POST, "/api/cms/posts/:id/publish", adm_post_publish, AW, ED, "post" },
	{ M_POST, "/api/cms/posts/:id/unpublish", adm_post_unpublish, AW, ED, "post" },
	{ M_GET, "/api/cms/products", adm_products_list, R_AUTH, CAT, "product" },
	{ M_POST, "/api/cms/products", adm_product_create, AW, ROLE_OWNER | ROLE_STAFF, "product" },
	{ M_GET, "/api/cms/products/:id", adm_product_get, R_AUTH, CAT, "product" },
	{ M_PUT, "/api/cms/products/:id", adm_product_update, AW, ROLE_OWNER | ROLE_STAFF, "product" },
	{ M_DELETE, "/api/cms/products/:id", adm_product_delete, AW, ROLE_OWNER, "product" },
	{ M_GET, "/api/cms/collections", adm_collections_list, R_AUTH, CAT, "collection" },
	{ M_POST, "/api/cms/collections", adm_collection_create, AW, ROLE_OWNER | ROLE_EDITOR, "collection" },
	{ M_GET, "/api/cms/collections/:id", adm_collection_get, R_AUTH, CAT, "collection" },
	{ M_PUT, "/api/cms/collections/:id", adm_collection_update, AW, ROLE_OWNER | ROLE_EDITOR, "collection" },
	{ M_DELETE, "/api/cms/collections/:id", adm_collection_delete, AW, ROLE_OWNER | ROLE_EDITOR, "collection" },
	{ M_GET, "/api/cms/changes", adm_changes, R_AUTH, ROLE_ANY, NULL },
	{ M_PUT, "/api/cms/products/:id/variants", adm_product_variants_put, AW, ROLE_OWNER | ROLE_STAFF, "product" },
	{ M_POST, "/api/cms/products/import", adm_products_import, AW, ROLE_OWNER | ROLE_STAFF, "product" },
	{ M_GET, "/api/cms/inventory", adm_inventory_list, R_AUTH, CAT, "product" },
	{ M_POST, "/api/cms/inventory", adm_inventory_set, AW, ROLE_OWNER | ROLE_STAFF, "product" },
	{ M_POST, "/api/cms/sync/products", adm_sync_products, AW, ROLE_OWNER | ROLE_STAFF, "product" },
	{ M_POST, "/api/cms/sync/inventory", adm_sync_inventory, AW, ROLE_OWNER | ROLE_STAFF, "product" },
	{ M_GET, "/api/cms/orders", adm_orders_list, R_AUTH, ROLE_OWNER | ROLE_STAFF, "order" },
	{ M_GET, "/api/cms/orders/:id", adm_order_get, R_AUTH, ROLE_OWNER | ROLE_STAFF, "order" },
	{ M_POST, "/api/cms/orders/:id/fulfil", adm_order_fulfil, AW, ROLE_OWNER | ROLE_STAFF, "order" },
	{ M_POST, "/api/cms/orders/:id/cancel", adm_order_cancel, AW, ROLE_OWNER | ROLE_STAFF, "order" },
	{ M_POST, "/api/cms/orders/:id/paid", adm_order_paid, AW, ROLE_OWNER | ROLE_STAFF, "order" },
	{ M_POST, "/api/cms/orders/:id/refund", adm_order_refund, AW, ROLE_OWNER, "order" },
	{ M_GET, "/api/cms/discounts", adm_discounts_list, R_AUTH, ROLE_OWNER | ROLE_STAFF, "discount" },
	{ M_POST, "/api/cms/discounts", adm_discount_create, AW, ROLE_OWNER, "discount" },
	{ M_DELETE, "/api/cms/discounts/:id", adm_discount_delete, AW, ROLE_OWNER, "discount" },
	{ M_GET, "/api/cms/commerce/settings", adm_commerce_settings_get, R_AUTH, ROLE_OWNER | ROLE_STAFF, NULL },
	{ M_PUT, "/api/cms/commerce/settings", adm_commerce_settings_put, AW, ROLE_OWNER, NULL },
};

/* Route: POST /api/cms/login {email, password, store?} -> {token, user, store}
 * The store is the Host's when it names one, else `store` (username), else
 * the only store the email belongs to. Unknown email and wrong password
 * get the same answer after the same work. */
static void login(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const char *email, *password, *store = NULL;
	if (in_str(r, b, "email", IN_REQUIRED, 254, &email) < 0 ||
	    in_str(r, b, "password", IN_REQUIRED, AUTH_PASSWORD_MAX, &password) < 0 ||
	    in_str(r, b, "store", IN_OPTIONAL, 64, &store) < 0) {
		cJSON_Delete(b);
		return;
	}
	char mail[256];
	snprintf(mail, sizeof mail, "%s", email);
	str_lower(mail);
	tenant host_t = { 0 };
	int64_t tid = 0;
	if (r->host[0] && tenant_from_host(&host_t, r->host) == 0) tid = host_t.id;
	else if (store && tenant_load_username(&host_t, store) == 0) tid = host_t.id;
	tenant_clear(&host_t);
	sqlite3_stmt *st = db_stmt(
		"SELECT u.id, u.tenant_id, u.password_hash, u.role, "
		"(SELECT count(*) FROM users x WHERE x.email = :e) FROM users u JOIN tenants t ON t.id = u.tenant_id "
		"WHERE u.email = :e AND (:t = 0 OR u.tenant_id = :t) AND t.status != 'deleted' LIMIT 1");
	db_bind_text(st, ":e", mail);
	db_bind_int(st, ":t", tid);
	int found = db_step(st) == SQLITE_ROW;
	int64_t uid = 0, utid = 0;
	char hash[256] = "", role[16] = "";
	int many = 0;
	if (found) {
		uid = db_int(st, 0);
		utid = db_int(st, 1);
		snprintf(hash, sizeof hash, "%s", db_text(st, 2));
		snprintf(role, sizeof role, "%s", db_text(st, 3));
		many = db_int(st, 4) > 1 && tid == 0;
	}
	db_reset(st);
	if (many) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "field", "store");
		http_error(r, 422, "validation_error", d, "this email belongs to several stores; field 'store' names which one");
		cJSON_Delete(b);
		return;
	}
	int ok = found ? auth_verify_password(hash, password) : (auth_burn(password), 0);
	if (!ok) {
		if (found) audit_write_as(utid, uid, mail, r->remote_addr, "login.failed", "user", uid, NULL, NULL);
		http_error(r, 401, "invalid_credentials", NULL, "email or password is wrong");
		cJSON_Delete(b);
		return;
	}
	char token[48];
	if (db_begin(1) < 0 || auth_token_create(utid, uid, "login", token) < 0 ||
	    audit_write_as(utid, uid, mail, r->remote_addr, "login", "user", uid, NULL, NULL) < 0) {
		adm_fail(r, "the session");
		cJSON_Delete(b);
		return;
	}
	if (adm_commit(r) < 0) { cJSON_Delete(b); return; }
	tenant t = { 0 };
	tenant_load_id(&t, utid);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", token);
	cJSON *u = cJSON_AddObjectToObject(o, "user");
	char idb[24];
	snprintf(idb, sizeof idb, "%lld", (long long)uid);
	cJSON_AddStringToObject(u, "id", idb);
	cJSON_AddStringToObject(u, "email", mail);
	cJSON_AddStringToObject(u, "role", role);
	cJSON *s = cJSON_AddObjectToObject(o, "store");
	cJSON_AddStringToObject(s, "username", t.username);
	cJSON_AddStringToObject(s, "name", t.name);
	tenant_clear(&t);
	http_json(r, 200, o);
	cJSON_Delete(b);
}

static int gate(req *r, const route *rt)
{
	if (rt->flags & R_PUBLIC) return 0;
	if (auth_bearer(r) < 0) {
		http_header(r, "WWW-Authenticate", "Bearer realm=\"storefront\"");
		http_error(r, 401, "unauthorized", NULL, "a valid 'Authorization: Bearer TOKEN' header is required");
		return -1;
	}
	if (rt->roles && !(rt->roles & auth_role_bit(r->who.role))) {
		http_error(r, 403, "forbidden", NULL, "the %s role may not %s %s", r->who.role, r->method_str, rt->pattern);
		return -1;
	}
	return 0;
}

static void handle(req *r)
{
	r->json_errors = 1;
	r->csp = "default-src 'none'; frame-ancestors 'none'";
	http_header(r, "Cache-Control", "no-store");
	if (r->bad_request) {
		http_error(r, 400, "bad_request", NULL, "the address is not valid (bad percent-encoding or UTF-8)");
		return;
	}
	route_dispatch(r, routes, ARRAY_LEN(routes), gate);
}

int main(int argc, char **argv)
{
	static const server_prog prog = { "admin", 1, NULL, handle, NULL };
	http_set_error_page(render_error_page);
	return server_main(&prog, argc, argv);
}
