/* import: Shopify's product CSV export into the catalogue, and the
 * catalogue out as the same CSV (imp_shopify_csv_export). Rows are grouped
 * by Handle (the first row of a handle carries the product, every row may
 * carry a variant and/or an image); products are upserted by handle, so a
 * re-import updates rather than duplicates. A bad row is reported by row and
 * column and skipped; the rest imports. Commits every IMP_CHUNK products. */
#ifndef IMPORT_H
#define IMPORT_H
#include "catsync.h"
#include "util.h"
#include <cJSON.h>
#include <stddef.h>

#define IMP_CHUNK 200

typedef struct imp_error { size_t row; char column[64]; char message[300]; } imp_error;

typedef struct imp_result {
	int created, updated, failed;
	imp_error *errors;
	size_t nerrors;
	char fatal[300];            /* set when the file could not be read at all */
} imp_result;

typedef void (*imp_progress_fn)(void *ud, size_t done, size_t total);

/* 0 (see res for per-row errors; res->fatal for an unreadable file), or -1
 * on a storage error (res->fatal says which). Money in the file is major
 * units in the store's currency. */
int imp_shopify_csv(const cs_actor *a, const char *data, size_t n, imp_progress_fn progress, void *ud, imp_result *res);
cJSON *imp_result_json(const imp_result *res);
/* Every product of the store as Shopify's product CSV (the columns the
 * import reads, "Type" and "Variant Barcode" among them): a product's
 * first row carries it and its first variant, then a row per further
 * variant and per further image; then "Price / CODE" and "Compare At
 * Price / CODE" per currency the store sells in besides its own (the
 * merchant's fixed prices, which the import reads back). Importing it
 * again changes nothing. */
void imp_shopify_csv_export(int64_t tid, const char *currency, sbuf *out);
void imp_result_free(imp_result *res);
#endif
