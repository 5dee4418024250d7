/* catsync: writing the catalogue in bulk from outside: product upserts with
 * options and variants keyed by the POS's own ids (posId) or a Shopify
 * handle, inventory set/adjust by SKU or id, and batches of either where
 * each item succeeds or fails alone (a SAVEPOINT per item inside the
 * caller's transaction). Used by the admin API, POS sync and CSV import.
 * Also the variant JSON the catalogue shows. Money in minor units. */
#ifndef CATSYNC_H
#define CATSYNC_H
#include <cJSON.h>
#include <stdint.h>

typedef struct cs_actor {
	int64_t tid, uid;
	const char *actor, *ip;
} cs_actor;

enum { CS_BY_POS = 0, CS_BY_HANDLE = 1, CS_BY_ID = 2 };

/* The columns of one product row as written; NULL text and -1 numbers
 * (track: -1) leave a column as it is on update and take its default on
 * insert. Text is already checked; *_json are JSON texts. */
typedef struct cs_product {
	const char *slug, *name, *description, *sku, *status, *vendor, *image, *policy;
	const char *tags_json, *options_json, *seo_json, *pos_id, *import_handle;
	int64_t price, compare_at, stock;
	int track;
	/* custom fields: a checked merge patch (cf_check; null removes a key);
	 * relatedProducts: the checked id list (cf_related) replacing the old */
	const char *custom_patch, *related_json;
	const char *product_type;       /* Shopify's productType; NULL: as it is */
	const char *barcode;            /* a product without variants: its barcode */
} cs_product;
/* The one write of a products row, for the admin API and the bulk paths:
 * insert when *id is 0 (the new id into *id), else update product *id;
 * a changed slug leaves a 301 from the old address (redirects.h).
 * 0, 1 no such product (update), -2 storage error (a taken slug is
 * SQLITE_CONSTRAINT in db_errcode). */
int cs_write_product(int64_t tid, int64_t *id, const cs_product *p);

/* One product {posId|handle, name, slug?, description?, price?, compareAtPrice?,
 * sku?, stock?, trackInventory?, inventoryPolicy?, status?, vendor?, productType?, barcode?, tags?, image?,
 * images? [{url, alt} or URL], seo?, options?, variants?, customFields?, relatedProducts?}.
 * 1 created, 2 updated, -1 bad item (field and msg say why; the caller
 * rolls back to its savepoint), -2 storage error. */
int cs_upsert_product(const cs_actor *a, const cJSON *item, int key, int64_t *id,
		      char *field, size_t fl, char *msg, size_t ml);
/* Replace a product's variants with arr (matched by id, posId, SKU, then
 * option values, so re-sending keeps ids and stock history). 0, -1, -2. */
int cs_save_variants(const cs_actor *a, int64_t pid, const cJSON *arr, const cJSON *options,
		     char *field, size_t fl, char *msg, size_t ml);
/* One inventory change {sku|barcode|posId|variantId|productId, set|adjust}. 0, -1, -2. */
int cs_inventory(const cs_actor *a, const cJSON *item, int64_t *stock_out, char *field, size_t fl, char *msg, size_t ml);
/* A batch: kind 0 products (key as above), 1 inventory. Returns
 * {results[], created, updated, failed} or NULL on a storage error (the
 * caller rolls back). Needs an open transaction. */
cJSON *cs_batch(const cs_actor *a, const cJSON *items, int kind, int key);

/* productType: NULL when fine (types are free text without control
 * characters, at most CAT_TYPE_MAX bytes). */
const char *cs_type_problem(const char *type);
/* a variant's barcode: NULL when fine ("" clears it). */
const char *cs_barcode_problem(const char *barcode);
/* trackInventory (bool) and inventoryPolicy ('deny'|'continue') of an
 * item: *track stays -1 and *policy NULL when absent. 0 or -1 (message). */
int cs_inventory_fields(const cJSON *item, int *track, const char **policy, char *field, size_t fl, char *msg, size_t ml);
/* Replace a product's images with a list of {url, alt?} or URLs (the first
 * is the featured one). 0, -1 (message), -2 storage error. */
int cs_save_images(int64_t tid, int64_t pid, const cJSON *images, char *field, size_t fl, char *msg, size_t ml);
/* seo {title?, description?, image?}: NULL when valid, else why not. */
const char *cs_seo_problem(const cJSON *seo);
/* Variants of a product ([] when none); admin: minor units + every field. */
cJSON *cs_variants_json(int64_t tid, int64_t pid, int admin, const char *currency);
/* A product's options [{name, values[]}] ([] when none). */
cJSON *cs_options_json(int64_t tid, int64_t pid);
/* lower-case a-z0-9 and '-' from any text into out (n >= 2). */
void cs_slugify(const char *in, char *out, size_t n);
#endif
