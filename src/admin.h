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
void adm_page_preview_edits(req *r);
void adm_vibe_reference(req *r);
void adm_post_preview(req *r);
/* admin_editor.c: block history and restore, version contents, presence */
void adm_block_history(req *r);
void adm_block_restore(req *r);
void adm_page_version_get(req *r);
void adm_page_activity(req *r);
void adm_page_presence(req *r);
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

/* analytics (admin_analytics.c) */
void adm_analytics(req *r);
void adm_analytics_today(req *r);

/* custom field definitions (admin_fields.c) */
void adm_fields_list(req *r);
void adm_field_create(req *r);
void adm_field_get(req *r);
void adm_field_update(req *r);
void adm_field_delete(req *r);

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
void adm_product_prices_put(req *r);
void adm_inventory_list(req *r);
void adm_inventory_set(req *r);
void adm_sync_products(req *r);
void adm_sync_inventory(req *r);
void adm_products_import(req *r);
void adm_products_csv(req *r);
/* Inside product_save's transaction: apply body's options, variants and
 * seo to product id. 0, or -1 when it answered (and rolled back). */
int adm_product_variants_save(req *r, const cJSON *body, int64_t id);

/* themes: draft, live, starters, preview, publish (admin_themes.c) */
void adm_theme_get(req *r);
void adm_theme_put(req *r);
void adm_theme_starters(req *r);
void adm_theme_apply(req *r);
void adm_theme_preview(req *r);
void adm_theme_publish(req *r);
/* SEO: redirects, the store's SEO settings, schedules (admin_seo.c) */
void adm_redirects_list(req *r);
void adm_redirect_create(req *r);
void adm_redirect_update(req *r);
void adm_redirect_delete(req *r);
void adm_seo_settings_get(req *r);
void adm_seo_settings_put(req *r);
void adm_page_unschedule(req *r);
void adm_post_unschedule(req *r);
/* An SEO object of a body (already read with in_obj; NULL: absent) checked
 * (seo.h; strict refuses unknown keys) and within IN_SEO_MAX as JSON:
 * 0 with its text in *out (NULL when absent; cJSON_free), or -1 answered. */
int adm_seo_text(req *r, const cJSON *seo, int strict, const char *field, char **out);
/* A slug change: PREFIX old answers 301 to PREFIX new (redirects.h).
 * Inside the caller's transaction; 0 or -1. */
MUST_USE int adm_slug_moved(int64_t tid, const char *prefix, const char *old_slug, const char *new_slug);
/* the media library (admin_media.c) */
void adm_media_upload(req *r);
void adm_media_list(req *r);
void adm_media_get(req *r);
void adm_media_update(req *r);
void adm_media_delete(req *r);
/* search synonyms and the search report (admin_search.c) */
void adm_search_synonyms_get(req *r);
void adm_search_synonyms_put(req *r);
void adm_search_report(req *r);
/* a block's code from a prompt (admin_generate.c) */
void adm_block_generate(req *r);

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
