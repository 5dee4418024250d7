/* catalog: products and collections as the storefront and vibe code see
 * them (prices in major units) and as the admin API sees them (prices in
 * minor units, every field). All queries bind the tid id. */
#ifndef CATALOG_H
#define CATALOG_H
#include "tenant.h"
#include <cJSON.h>
#include <stdint.h>

/* A product's field limits (bytes; stock in units), the same on every
 * write path: the admin API, POS sync (catsync.c) and CSV import. */
#define CAT_NAME_MAX 300            /* product name, collection title */
#define CAT_DESC_MAX 50000          /* product description */
#define CAT_SKU_MAX 100
#define CAT_VENDOR_MAX 200
#define CAT_TYPE_MAX 255            /* product type (Shopify's productType) */
#define CAT_BARCODE_MAX 64          /* a variant's barcode (ISBN, UPC, GTIN) */
#define CAT_HANDLE_MAX 200          /* import handle (Shopify's "Handle") */
#define CAT_VARIANT_TITLE_MAX 200
#define CAT_OPTION_MAX 100          /* one option value, one tag */
#define CAT_STOCK_MAX 1000000000LL

/* Products on the all-products and collection pages and in vibe code's
 * catalog (api.getProducts), and on a product block without a limit. */
#define CAT_PAGE_PRODUCTS 500
#define CAT_BLOCK_PRODUCTS 24

/* Public product JSON (vibe code, product page): the first limit (1 to
 * list_limit_max; 0 or less: CAT_PAGE_PRODUCTS) in sort order. */
cJSON *cat_products(const tenant *t, const char *collection_slug, const char *sort, int limit);
cJSON *cat_product_by_slug(const tenant *t, const char *slug);
cJSON *cat_product_by_id(const tenant *t, int64_t id);
/* The variant of product pid with these option values (NULL: none), or 0. */
int64_t cat_variant_by_options(int64_t tid, int64_t pid, const char *const opt[3]);
cJSON *cat_collections(const tenant *t);
cJSON *cat_collection_by_slug(const tenant *t, const char *slug);   /* its products: browse.h */
/* The catalogue behind vibe code's `api` (the first 500 products, each
 * with "collections": its collections' slugs): one indexed lookup per
 * product, so the time grows with the size of the answer, not with
 * products x collection memberships. */
cJSON *cat_catalog(const tenant *t);

/* Admin JSON. */
cJSON *cat_admin_product(int64_t tid, int64_t id);
cJSON *cat_admin_products(int64_t tid, int64_t limit, int64_t offset);
cJSON *cat_admin_collection(int64_t tid, int64_t id);
cJSON *cat_admin_collections(int64_t tid, int64_t limit, int64_t offset);   /* limit -1: all */
/* Replace a collection's product list; -1 and *bad set to a product id of
 * no product of this tid. */
int cat_set_collection_products(int64_t tid, int64_t coll, const cJSON *ids, int64_t *bad);
#endif
