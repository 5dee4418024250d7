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
/* Every admin answer is private (no-store). A signed-in row's store comes
 * from the credentials (R_TENANT: the gate refuses a row without one). */
#define RA (R_AUTH | R_TENANT | R_NOSTORE)
#define AW (RA | R_WRITE)
#define PLAT (R_AUTH | R_NOSTORE)

const route admin_routes[] = {
	{ M_POST, "/api/cms/login", adm_login, R_PUBLIC | R_NOSTORE, 0, NULL, "login" },
	/* staff sign-in with a code by email (staffcode.c): per-IP like the password's */
	{ M_POST, "/api/cms/login/code", adm_login_code, R_PUBLIC | R_NOSTORE, 0, NULL, "login" },
	{ M_POST, "/api/cms/login/code/verify", adm_login_code_verify, R_PUBLIC | R_NOSTORE, 0, NULL, "login" },
	{ M_GET, "/api/cms/pages", adm_pages_list, RA, ED, "page", NULL },
	{ M_POST, "/api/cms/pages", adm_page_create, AW, ED, "page", NULL },
	{ M_GET, "/api/cms/pages/:id", adm_page_get, RA, ED, "page", NULL },
	{ M_PUT, "/api/cms/pages/:id", adm_page_update, AW, ED, "page", NULL },
	{ M_DELETE, "/api/cms/pages/:id", adm_page_delete, AW, ED, "page", NULL },
	{ M_GET, "/api/cms/pages/:id/blocks", adm_page_blocks, RA, ED, "page", NULL },
	{ M_GET, "/api/cms/pages/:id/preview", adm_page_preview, RA, ED, "page", NULL },
	{ M_POST, "/api/cms/pages/:id/preview/edits", adm_page_preview_edits, RA, ED, "page", NULL },
	{ M_POST, "/api/cms/pages/:id/publish", adm_page_publish, AW, ED, "page", NULL },
	{ M_GET, "/api/cms/pages/:id/versions", adm_page_versions, RA, ED, "page", NULL },
	{ M_POST, "/api/cms/pages/:id/rollback", adm_page_rollback, AW, ED, "page", NULL },
	{ M_GET, "/api/cms/pages/:id/versions/:version", adm_page_version_get, RA, ED, "page", NULL },
	{ M_GET, "/api/cms/pages/:id/activity", adm_page_activity, RA | R_REVALIDATE, ED, "page", NULL },
	{ M_POST, "/api/cms/pages/:id/presence", adm_page_presence, RA, ED, "page", NULL },
	{ M_POST, "/api/cms/blocks", adm_block_create, AW, ED, "block", NULL },
	/* writes nothing, but spends the operator's model calls: CSRF-checked like a write */
	{ M_POST, "/api/cms/blocks/generate", adm_block_generate, AW, ED, "block", NULL },
	{ M_GET, "/api/cms/blocks/:id", adm_block_get, RA, ED, "block", NULL },
	{ M_PUT, "/api/cms/blocks/:id", adm_block_update, AW, ED, "block", NULL },
	{ M_DELETE, "/api/cms/blocks/:id", adm_block_delete, AW, ED, "block", NULL },
	{ M_GET, "/api/cms/blocks/:id/history", adm_block_history, RA, ED, "block", NULL },
	{ M_POST, "/api/cms/blocks/:id/restore", adm_block_restore, AW, ED, "block", NULL },
	{ M_POST, "/api/cms/validate", adm_validate, RA, ED, NULL, NULL },
	{ M_GET, "/api/cms/vibe/reference", adm_vibe_reference, RA, ED, NULL, NULL },
	{ M_GET, "/api/cms/posts", adm_posts_list, RA, ED, "post", NULL },
	{ M_POST, "/api/cms/posts", adm_post_create, AW, ED, "post", NULL },
	{ M_POST, "/api/cms/posts/preview", adm_post_preview, RA, ED, "post", NULL },
	{ M_GET, "/api/cms/posts/:id", adm_post_get, RA, ED, "post", NULL },
	{ M_PUT, "/api/cms/posts/:id", adm_post_update, AW, ED, "post", NULL },
	{ M_DELETE, "/api/cms/posts/:id", adm_post_delete, AW, ED, "post", NULL },
	{ M_POST, "/api/cms/posts/:id/publish", adm_post_publish, AW, ED, "post", NULL },
	{ M_POST, "/api/cms/posts/:id/unpublish", adm_post_unpublish, AW, ED, "post", NULL },
	{ M_GET, "/api/cms/products", adm_products_list, RA, CAT, "product", NULL },
	{ M_POST, "/api/cms/products", adm_product_create, AW, ROLE_OWNER | ROLE_STAFF, "product", NULL },
	{ M_GET, "/api/cms/products/:id", adm_product_get, RA, CAT, "product", NULL },
	{ M_PUT, "/api/cms/products/:id", adm_product_update, AW, ROLE_OWNER | ROLE_STAFF, "product", NULL },
	{ M_DELETE, "/api/cms/products/:id", adm_product_delete, AW, ROLE_OWNER, "product", NULL },
	{ M_GET, "/api/cms/collections", adm_collections_list, RA, CAT, "collection", NULL },
	{ M_POST, "/api/cms/collections", adm_collection_create, AW, ROLE_OWNER | ROLE_EDITOR, "collection", NULL },
	{ M_GET, "/api/cms/collections/:id", adm_collection_get, RA, CAT, "collection", NULL },
	{ M_PUT, "/api/cms/collections/:id", adm_collection_update, AW, ROLE_OWNER | ROLE_EDITOR, "collection", NULL },
	{ M_DELETE, "/api/cms/collections/:id", adm_collection_delete, AW, ROLE_OWNER | ROLE_EDITOR, "collection", NULL },
	{ M_GET, "/api/cms/changes", adm_changes, RA, ROLE_ANY, NULL, NULL },
	{ M_PUT, "/api/cms/products/:id/variants", adm_product_variants_put, AW, ROLE_OWNER | ROLE_STAFF, "product", NULL },
	{ M_PUT, "/api/cms/products/:id/prices", adm_product_prices_put, AW, ROLE_OWNER | ROLE_STAFF, "product", NULL },
	{ M_POST, "/api/cms/products/import", adm_products_import, AW, ROLE_OWNER | ROLE_STAFF, "product", NULL },
	{ M_GET, "/api/cms/products.csv", adm_products_csv, RA, CAT, "product", NULL },
	/* stock levels are part of the catalogue every role reads (doc/access.md) */
	{ M_GET, "/api/cms/inventory", adm_inventory_list, RA, CAT, "inventory", NULL },
	{ M_POST, "/api/cms/inventory", adm_inventory_set, AW, ROLE_OWNER | ROLE_STAFF, "inventory", NULL },
	{ M_POST, "/api/cms/sync/products", adm_sync_products, AW, ROLE_OWNER | ROLE_STAFF, "product", NULL },
	{ M_POST, "/api/cms/sync/inventory", adm_sync_inventory, AW, ROLE_OWNER | ROLE_STAFF, "inventory", NULL },
	{ M_GET, "/api/cms/orders", adm_orders_list, RA, ROLE_OWNER | ROLE_STAFF, "order", NULL },
	{ M_GET, "/api/cms/emails", adm_emails_list, RA, ROLE_OWNER | ROLE_STAFF, "settings", NULL },
	{ M_GET, "/api/cms/emails/:kind", adm_email_get, RA, ROLE_OWNER | ROLE_STAFF, "settings", NULL },
	{ M_PUT, "/api/cms/emails/:kind", adm_email_put, AW, ROLE_OWNER, "settings", NULL },
	{ M_DELETE, "/api/cms/emails/:kind", adm_email_reset, AW, ROLE_OWNER, "settings", NULL },
	{ M_POST, "/api/cms/emails/:kind/preview", adm_email_preview, RA, ROLE_OWNER, "settings", NULL },
	{ M_GET, "/api/cms/customers", adm_customers_list, RA, ROLE_OWNER | ROLE_STAFF, "customer", NULL },
	{ M_GET, "/api/cms/customers.csv", adm_customers_csv, RA, ROLE_OWNER | ROLE_STAFF, "customer", NULL },
	{ M_GET, "/api/cms/customers/:id", adm_customer_get, RA, ROLE_OWNER | ROLE_STAFF, "customer", NULL },
	{ M_PUT, "/api/cms/customers/:id", adm_customer_update, AW, ROLE_OWNER | ROLE_STAFF, "customer", NULL },
	{ M_POST, "/api/cms/sync/customers", adm_sync_customers, AW, ROLE_OWNER | ROLE_STAFF, "customer", NULL },
	{ M_GET, "/api/cms/orders/:id", adm_order_get, RA, ROLE_OWNER | ROLE_STAFF, "order", NULL },
	{ M_POST, "/api/cms/orders/:id/fulfil", adm_order_fulfil, AW, ROLE_OWNER | ROLE_STAFF, "order", NULL },
	{ M_POST, "/api/cms/orders/:id/cancel", adm_order_cancel, AW, ROLE_OWNER | ROLE_STAFF, "order", NULL },
	{ M_POST, "/api/cms/orders/:id/paid", adm_order_paid, AW, ROLE_OWNER | ROLE_STAFF, "order", NULL },
	{ M_POST, "/api/cms/orders/:id/refund", adm_order_refund, AW, ROLE_OWNER, "order", NULL },
	{ M_GET, "/api/cms/discounts", adm_discounts_list, RA, ROLE_OWNER | ROLE_STAFF, "discount", NULL },
	{ M_POST, "/api/cms/discounts", adm_discount_create, AW, ROLE_OWNER, "discount", NULL },
	{ M_PUT, "/api/cms/discounts/:id", adm_discount_update, AW, ROLE_OWNER, "discount", NULL },
	{ M_DELETE, "/api/cms/discounts/:id", adm_discount_delete, AW, ROLE_OWNER, "discount", NULL },
	/* analytics (admin_analytics.c): visits, orders and revenue */
	{ M_GET, "/api/cms/analytics", adm_analytics, RA, ROLE_OWNER | ROLE_STAFF, "analytics", NULL },
	{ M_GET, "/api/cms/analytics/today", adm_analytics_today, RA, ROLE_OWNER | ROLE_STAFF, "analytics", NULL },
	/* custom fields (admin_fields.c): definitions; values ride on the resources' own writes */
	{ M_GET, "/api/cms/custom-fields", adm_fields_list, RA, ROLE_ANY, "custom_field", NULL },
	{ M_POST, "/api/cms/custom-fields", adm_field_create, AW, ED, "custom_field", NULL },
	{ M_GET, "/api/cms/custom-fields/:id", adm_field_get, RA, ROLE_ANY, "custom_field", NULL },
	{ M_PUT, "/api/cms/custom-fields/:id", adm_field_update, AW, ED, "custom_field", NULL },
	{ M_DELETE, "/api/cms/custom-fields/:id", adm_field_delete, AW, ED, "custom_field", NULL },
	{ M_GET, "/api/cms/commerce/settings", adm_commerce_settings_get, RA, ROLE_OWNER | ROLE_STAFF, "settings", NULL },
	{ M_PUT, "/api/cms/commerce/settings", adm_commerce_settings_put, AW, ROLE_OWNER, "settings", NULL },
	/* the media library (admin_media.c, doc/media.md) */
	{ M_GET, "/api/cms/media", adm_media_list, RA, ED, "media", NULL },
	{ M_POST, "/api/cms/media", adm_media_upload, AW, ED, "media", NULL },
	{ M_GET, "/api/cms/media/:id", adm_media_get, RA, ED, "media", NULL },
	{ M_PUT, "/api/cms/media/:id", adm_media_update, AW, ED, "media", NULL },
	{ M_DELETE, "/api/cms/media/:id", adm_media_delete, AW, ED, "media", NULL },
	/* search (admin_search.c, doc/search.md) */
	{ M_GET, "/api/cms/search/synonyms", adm_search_synonyms_get, RA, ED, "search", NULL },
	{ M_PUT, "/api/cms/search/synonyms", adm_search_synonyms_put, AW, ED, "search", NULL },
	{ M_GET, "/api/cms/analytics/search", adm_search_report, RA, ED, "search", NULL },
	/* people and access (admin_access.c) */
	{ M_POST, "/api/cms/logout", adm_logout, RA, ROLE_ANY, "session", NULL },
	{ M_GET, "/api/cms/me", adm_me, RA, ROLE_ANY, "session", NULL },
	{ M_POST, "/api/cms/password", adm_password, AW, ROLE_ANY, "user", NULL },
	{ M_GET, "/api/cms/users", adm_users_list, RA, ROLE_OWNER, "user", NULL },
	{ M_POST, "/api/cms/users", adm_user_create, AW, ROLE_OWNER, "user", NULL },
	{ M_PUT, "/api/cms/users/:id", adm_user_update, AW, ROLE_OWNER, "user", NULL },
	{ M_DELETE, "/api/cms/users/:id", adm_user_delete, AW, ROLE_OWNER, "user", NULL },
	{ M_GET, "/api/cms/tokens", adm_tokens_list, RA, ROLE_ANY, "token", NULL },
	{ M_POST, "/api/cms/tokens", adm_token_create, AW, ROLE_ANY, "token", NULL },
	{ M_DELETE, "/api/cms/tokens/:id", adm_token_revoke, AW, ROLE_ANY, "token", NULL },
	{ M_GET, "/api/cms/audit", adm_audit, RA, ROLE_OWNER, "audit", NULL },
	/* custom domains (admin_domains.c) */
	{ M_GET, "/api/cms/domains", adm_domains_list, RA, ROLE_OWNER, "domain", NULL },
	{ M_POST, "/api/cms/domains", adm_domain_add, AW, ROLE_OWNER, "domain", NULL },
	{ M_GET, "/api/cms/domains/:domain", adm_domain_get, RA, ROLE_OWNER, "domain", NULL },
	{ M_PUT, "/api/cms/domains/:domain", adm_domain_update, AW, ROLE_OWNER, "domain", NULL },
	{ M_DELETE, "/api/cms/domains/:domain", adm_domain_delete, AW, ROLE_OWNER, "domain", NULL },
	{ M_POST, "/api/cms/domains/:domain/verify", adm_domain_verify, AW, ROLE_OWNER, "domain", "verify" },
	/* themes (admin_themes.c) */
	{ M_GET, "/api/cms/themes", adm_theme_get, RA, ED, "theme", NULL },
	{ M_PUT, "/api/cms/themes", adm_theme_put, AW, ED, "theme", NULL },
	{ M_GET, "/api/cms/themes/starters", adm_theme_starters, RA, ED, "theme", NULL },
	{ M_POST, "/api/cms/themes/apply", adm_theme_apply, AW, ED, "theme", NULL },
	{ M_GET, "/api/cms/themes/preview", adm_theme_preview, RA, ED, "theme", NULL },
	{ M_POST, "/api/cms/themes/publish", adm_theme_publish, AW, ED, "theme", NULL },
	/* SEO: redirects, robots.txt rules, cancelling schedules (admin_seo.c) */
	{ M_GET, "/api/cms/redirects", adm_redirects_list, RA, ED, "redirect", NULL },
	{ M_POST, "/api/cms/redirects", adm_redirect_create, AW, ED, "redirect", NULL },
	{ M_PUT, "/api/cms/redirects/:id", adm_redirect_update, AW, ED, "redirect", NULL },
	{ M_DELETE, "/api/cms/redirects/:id", adm_redirect_delete, AW, ED, "redirect", NULL },
	{ M_GET, "/api/cms/seo", adm_seo_settings_get, RA, ED, "seo", NULL },
	{ M_PUT, "/api/cms/seo", adm_seo_settings_put, AW, ED, "seo", NULL },
	{ M_DELETE, "/api/cms/pages/:id/schedule", adm_page_unschedule, AW, ED, "page", NULL },
	{ M_DELETE, "/api/cms/posts/:id/schedule", adm_post_unschedule, AW, ED, "post", NULL },
};
const size_t admin_nroutes = sizeof admin_routes / sizeof admin_routes[0];

const route platform_routes[] = {
	{ M_GET, "/api/platform/tenants", plat_tenants_list, PLAT, 0, "tenant", "platform" },
	{ M_POST, "/api/platform/tenants", plat_tenant_create, PLAT | R_WRITE, 0, "tenant", "platform" },
	{ M_GET, "/api/platform/tenants/:username", plat_tenant_get, PLAT, 0, "tenant", "platform" },
	{ M_PATCH, "/api/platform/tenants/:username", plat_tenant_update, PLAT | R_WRITE, 0, "tenant", "platform" },
	{ M_DELETE, "/api/platform/tenants/:username", plat_tenant_delete, PLAT | R_WRITE, 0, "tenant", "platform" },
	{ M_POST, "/api/platform/tenants/:username/suspend", plat_tenant_suspend, PLAT | R_WRITE, 0, "tenant", "platform" },
	{ M_POST, "/api/platform/tenants/:username/resume", plat_tenant_resume, PLAT | R_WRITE, 0, "tenant", "platform" },
	{ M_GET, "/api/platform/tenants/:username/export", plat_tenant_export, PLAT, 0, "tenant", "platform" },
	{ M_POST, "/api/platform/imports", plat_tenant_import, PLAT | R_WRITE, 0, "tenant", "platform" },
	{ M_POST, "/api/platform/tenants/:username/read-only", plat_tenant_read_only, PLAT | R_WRITE, 0, "tenant", "platform" },
};
const size_t platform_nroutes = sizeof platform_routes / sizeof platform_routes[0];

void routes_json(cJSON *arr, const char *program, const route *t, size_t n)
{
	static const char *const mnames[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" };
	static const char *const fnames[] = { "tenant", "auth", "public", "write", "nostore", "pagecache" };
	static const char *const rnames[] = { "owner", "editor", "staff" };
	for (size_t i = 0; i < n; i++) {
		for (int m = 0; m < 7; m++) {
			if (!(t[i].methods & (1 << m))) continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "program", program);
			cJSON_AddStringToObject(o, "method", mnames[m]);
			cJSON_AddStringToObject(o, "pattern", t[i].pattern);
			cJSON *f = cJSON_AddArrayToObject(o, "flags");
			for (int b = 0; b < 6; b++)
				if (t[i].flags & (1 << b)) cJSON_AddItemToArray(f, cJSON_CreateString(fnames[b]));
			if (t[i].flags & R_REVALIDATE) cJSON_AddItemToArray(f, cJSON_CreateString("revalidate"));
			cJSON *ro = cJSON_AddArrayToObject(o, "roles");
			int platform = strcmp(program, "platform") == 0;
			int roles = t[i].roles ? t[i].roles : ((t[i].flags & R_AUTH) && !platform ? ROLE_ANY : 0);
			for (int b = 0; b < 3; b++)
				if (roles & (1 << b)) cJSON_AddItemToArray(ro, cJSON_CreateString(rnames[b]));
			if (t[i].resource) cJSON_AddStringToObject(o, "resource", t[i].resource);
			else cJSON_AddNullToObject(o, "resource");
			const char *how = !(t[i].flags & R_AUTH) ? "none" : platform ? "platform-token" : "user";
			cJSON_AddStringToObject(o, "auth", how);
			if (t[i].bucket) cJSON_AddStringToObject(o, "bucket", t[i].bucket);
			else cJSON_AddNullToObject(o, "bucket");
			cJSON_AddStringToObject(o, "cache", (t[i].flags & R_REVALIDATE) ? "revalidate"
						: (t[i].flags & R_NOSTORE) ? "no-store" : (t[i].flags & R_CACHE) ? "page-cache" : "default");
			cJSON_AddItemToArray(arr, o);
		}
	}
}
