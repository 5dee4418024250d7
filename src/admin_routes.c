/* admin_routes: the route tables of admin.cgi -- the whole admin API in two
 * tables: /api/cms/ (tenant from the token or session) and /api/platform/
 * (the operator's token). Kept in the library so `storefront routes` can
 * print them and the isolation matrix test can hold every row to account.
 * A new endpoint is a new row here and a new row in that test. */
#include "admin.h"
#include "admin_access.h"
#include "platform.h"

#include <stdio.h>
#include <string.h>

#define ED (ROLE_OWNER | ROLE_EDITOR)
#define CAT (ROLE_OWNER | ROLE_STAFF | ROLE_EDITOR)
#define AW (R_AUTH | R_WRITE)

const route admin_routes[] = {
	{ M_POST, "/api/cms/login", adm_login, R_PUBLIC, 0, NULL },
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
	{ M_GET, "/api/cms/inventory", adm_inventory_list, R_AUTH, ROLE_OWNER | ROLE_STAFF, "inventory" },
	{ M_POST, "/api/cms/inventory", adm_inventory_set, AW, ROLE_OWNER | ROLE_STAFF, "inventory" },
	{ M_POST, "/api/cms/sync/products", adm_sync_products, AW, ROLE_OWNER | ROLE_STAFF, "product" },
	{ M_POST, "/api/cms/sync/inventory", adm_sync_inventory, AW, ROLE_OWNER | ROLE_STAFF, "inventory" },
	{ M_GET, "/api/cms/orders", adm_orders_list, R_AUTH, ROLE_OWNER | ROLE_STAFF, "order" },
	{ M_GET, "/api/cms/orders/:id", adm_order_get, R_AUTH, ROLE_OWNER | ROLE_STAFF, "order" },
	{ M_POST, "/api/cms/orders/:id/fulfil", adm_order_fulfil, AW, ROLE_OWNER | ROLE_STAFF, "order" },
	{ M_POST, "/api/cms/orders/:id/cancel", adm_order_cancel, AW, ROLE_OWNER | ROLE_STAFF, "order" },
	{ M_POST, "/api/cms/orders/:id/paid", adm_order_paid, AW, ROLE_OWNER | ROLE_STAFF, "order" },
	{ M_POST, "/api/cms/orders/:id/refund", adm_order_refund, AW, ROLE_OWNER, "order" },
	{ M_GET, "/api/cms/discounts", adm_discounts_list, R_AUTH, ROLE_OWNER | ROLE_STAFF, "discount" },
	{ M_POST, "/api/cms/discounts", adm_discount_create, AW, ROLE_OWNER, "discount" },
	{ M_PUT, "/api/cms/discounts/:id", adm_discount_update, AW, ROLE_OWNER, "discount" },
	{ M_DELETE, "/api/cms/discounts/:id", adm_discount_delete, AW, ROLE_OWNER, "discount" },
	{ M_GET, "/api/cms/commerce/settings", adm_commerce_settings_get, R_AUTH, ROLE_OWNER | ROLE_STAFF, "settings" },
	{ M_PUT, "/api/cms/commerce/settings", adm_commerce_settings_put, AW, ROLE_OWNER, "settings" },
	/* people and access (admin_access.c) */
	{ M_POST, "/api/cms/logout", adm_logout, R_AUTH, ROLE_ANY, "session" },
	{ M_GET, "/api/cms/me", adm_me, R_AUTH, ROLE_ANY, "session" },
	{ M_POST, "/api/cms/password", adm_password, AW, ROLE_ANY, "user" },
	{ M_GET, "/api/cms/users", adm_users_list, R_AUTH, ROLE_OWNER, "user" },
	{ M_POST, "/api/cms/users", adm_user_create, AW, ROLE_OWNER, "user" },
	{ M_PUT, "/api/cms/users/:id", adm_user_update, AW, ROLE_OWNER, "user" },
	{ M_DELETE, "/api/cms/users/:id", adm_user_delete, AW, ROLE_OWNER, "user" },
	{ M_GET, "/api/cms/tokens", adm_tokens_list, R_AUTH, ROLE_ANY, "token" },
	{ M_POST, "/api/cms/tokens", adm_token_create, AW, ROLE_ANY, "token" },
	{ M_DELETE, "/api/cms/tokens/:id", adm_token_revoke, AW, ROLE_ANY, "token" },
	{ M_GET, "/api/cms/audit", adm_audit, R_AUTH, ROLE_OWNER, "audit" },
	/* custom domains (admin_domains.c) */
	{ M_GET, "/api/cms/domains", adm_domains_list, R_AUTH, ROLE_OWNER, "domain" },
	{ M_POST, "/api/cms/domains", adm_domain_add, AW, ROLE_OWNER, "domain" },
	{ M_GET, "/api/cms/domains/:domain", adm_domain_get, R_AUTH, ROLE_OWNER, "domain" },
	{ M_PUT, "/api/cms/domains/:domain", adm_domain_update, AW, ROLE_OWNER, "domain" },
	{ M_DELETE, "/api/cms/domains/:domain", adm_domain_delete, AW, ROLE_OWNER, "domain" },
	{ M_POST, "/api/cms/domains/:domain/verify", adm_domain_verify, AW, ROLE_OWNER, "domain" },
};
const size_t admin_nroutes = sizeof admin_routes / sizeof admin_routes[0];

const route platform_routes[] = {
	{ M_GET, "/api/platform/tenants", plat_tenants_list, 0, 0, "tenant" },
	{ M_POST, "/api/platform/tenants", plat_tenant_create, R_WRITE, 0, "tenant" },
	{ M_GET, "/api/platform/tenants/:username", plat_tenant_get, 0, 0, "tenant" },
	{ M_PATCH, "/api/platform/tenants/:username", plat_tenant_update, R_WRITE, 0, "tenant" },
	{ M_DELETE, "/api/platform/tenants/:username", plat_tenant_delete, R_WRITE, 0, "tenant" },
	{ M_POST, "/api/platform/tenants/:username/suspend", plat_tenant_suspend, R_WRITE, 0, "tenant" },
	{ M_POST, "/api/platform/tenants/:username/resume", plat_tenant_resume, R_WRITE, 0, "tenant" },
};
const size_t platform_nroutes = sizeof platform_routes / sizeof platform_routes[0];

void routes_json(cJSON *arr, const char *program, const route *t, size_t n)
{
	static const char *const mnames[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" };
	static const char *const fnames[] = { "tenant", "auth", "public", "write" };
	static const char *const rnames[] = { "owner", "editor", "staff" };
	for (size_t i = 0; i < n; i++) {
		for (int m = 0; m < 7; m++) {
			if (!(t[i].methods & (1 << m))) continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "program", program);
			cJSON_AddStringToObject(o, "method", mnames[m]);
			cJSON_AddStringToObject(o, "pattern", t[i].pattern);
			cJSON *f = cJSON_AddArrayToObject(o, "flags");
			for (int b = 0; b < 4; b++)
				if (t[i].flags & (1 << b)) cJSON_AddItemToArray(f, cJSON_CreateString(fnames[b]));
			cJSON *ro = cJSON_AddArrayToObject(o, "roles");
			int roles = t[i].roles ? t[i].roles : ((t[i].flags & R_AUTH) ? ROLE_ANY : 0);
			for (int b = 0; b < 3; b++)
				if (roles & (1 << b)) cJSON_AddItemToArray(ro, cJSON_CreateString(rnames[b]));
			if (t[i].resource) cJSON_AddStringToObject(o, "resource", t[i].resource);
			else cJSON_AddNullToObject(o, "resource");
			const char *how = strcmp(program, "platform") == 0 ? "platform-token"
					 : (t[i].flags & R_PUBLIC) ? "none" : (t[i].flags & R_AUTH) ? "user" : "none";
			cJSON_AddStringToObject(o, "auth", how);
			cJSON_AddItemToArray(arr, o);
		}
	}
}
