/* admin: handlers of admin.cgi (under /api/cms/), one file per area:
 * admin_pages.c (pages, blocks, preview, publish, versions, validate),
 * admin_content.c (posts, products, collections, changes), admin_access.c
 * and admin_domains.c (login, people, tokens, audit, domains). The route
 * tables in admin_routes.c are the map. */
#ifndef ADMIN_H
#define ADMIN_H
#include "http.h"

/* pages and blocks */
void adm_pages_list(req *r);
void adm_page_create(req *r);
void adm_page_get(req *r);
void adm_page_update(req *r);
void adm_page_delete(req *r);
void adm_page_blocks(req *r);
void adm_block_create(req *r);
void adm_block_get(req *r);
void adm_block_update(req *r);
void adm_block_delete(req *r);
void adm_page_preview(req *r);
void adm_page_publish(req *r);
void adm_page_versions(req *r);
void adm_page_rollback(req *r);
void adm_validate(req *r);

/* posts, products, collections, change feed */
void adm_posts_list(req *r);
void adm_post_create(req *r);
void adm_post_get(req *r);
void adm_post_update(req *r);
void adm_post_delete(req *r);
void adm_post_publish(req *r);
void adm_post_unpublish(req *r);
void adm_products_list(req *r);
void adm_product_create(req *r);
void adm_product_get(req *r);
void adm_product_update(req *r);
void adm_product_delete(req *r);
void adm_collections_list(req *r);
void adm_collection_create(req *r);
void adm_collection_get(req *r);
void adm_collection_update(req *r);
void adm_collection_delete(req *r);
void adm_changes(req *r);

/* orders, discounts, commerce settings (admin_orders.c) */
void adm_orders_list(req *r);
/* admin_emails.c */
void adm_emails_list(req *r);
void adm_email_get(req *r);
void adm_email_put(req *r);
void adm_email_reset(req *r);
void adm_email_preview(req *r);
/* admin_customers.c */
void adm_customers_list(req *r);
void adm_customers_csv(req *r);
void adm_customer_get(req *r);
void adm_customer_update(req *r);
void adm_sync_customers(req *r);
void adm_order_get(req *r);
void adm_order_fulfil(req *r);
void adm_order_cancel(req *r);
void adm_order_paid(req *r);
void adm_order_refund(req *r);
void adm_commerce_settings_get(req *r);
void adm_commerce_settings_put(req *r);
void adm_discounts_list(req *r);
void adm_discount_create(req *r);
void adm_discount_update(req *r);
void adm_discount_delete(req *r);
/* variants, inventory, POS sync, CSV import (admin_sync.c) */
void adm_product_variants_put(req *r);
void adm_inventory_list(req *r);
void adm_inventory_set(req *r);
void adm_sync_products(req *r);
void adm_sync_inventory(req *r);
void adm_products_import(req *r);
/* Inside product_save's transaction: apply body's options, variants and
 * seo to product id. 0, or -1 when it answered (and rolled back). */
int adm_product_variants_save(req *r, const cJSON *body, int64_t id);

/* shared helpers */
void adm_not_found(req *r, const char *what);
/* 201/200 with the entity, or 404 when NULL. */
void adm_send(req *r, int status, cJSON *entity, const char *what);
/* A storage failure inside a transaction: roll back and answer 500. */
void adm_fail(req *r, const char *what);
/* 409 version_conflict with details {currentVersion, current: cur} (takes cur). */
void adm_version_conflict(req *r, const char *what, int64_t id, cJSON *cur, int64_t sent);
/* Commit, or answer 500 (busy/locked included). 0 when committed. */
int adm_commit(req *r);
#endif
