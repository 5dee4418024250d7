/* browse: the shopper's sort, filters and pages over a store's products
 * (/products, /collections/{slug}, /api/products), with Shopify's URL
 * parameters so links merchants know keep working: sort_by=,
 * filter.v.availability=, filter.v.price.gte= / .lte= (major units),
 * filter.v.option.NAME=, filter.p.vendor=, filter.p.product_type=,
 * filter.p.tag=, page=. Owns
 * parsing them into a browse_q, the fixed statements that answer one
 * (every one binds the tenant), and the facets a filter form offers. */
#ifndef BROWSE_H
#define BROWSE_H
#include "http.h"
#include "tenant.h"
#include <cJSON.h>
#include <stdint.h>

typedef enum {
	BR_FEATURED, BR_BEST, BR_TITLE_ASC, BR_TITLE_DESC, BR_PRICE_ASC, BR_PRICE_DESC,
	BR_NEWEST, BR_OLDEST, BR_NSORT
} browse_sort;

/* The sort_by words, indexed by browse_sort ("manual", "best-selling",
 * "title-ascending", ..., "created-descending", "created-ascending"). */
extern const char *const browse_sort_names[BR_NSORT];

#define BROWSE_VALUES_MAX 20     /* values of one filter, and option filters */

typedef struct browse_q {
	const char *collection;          /* slug, or NULL: the whole store */
	browse_sort sort;
	int avail;                       /* -1 any, 1 in stock, 0 sold out */
	int64_t price_min, price_max;    /* minor units; -1: no bound */
	cJSON *vendors, *tags;           /* arrays of strings, or NULL */
	cJSON *options;                  /* [{name (lower case), values[]}], or NULL */
	int64_t page, per_page;          /* page from 1 */
	cJSON *types;                    /* product types: array of strings, or NULL */
} browse_q;

/* The query parameters q[0..n) into *out (free with browse_free). Unknown
 * parameters are left alone (a page's own, trackers). NULL when fine, else
 * a message and the parameter in *param. */
const char *browse_parse(const kv *q, int n, const char *currency, int64_t per_page, browse_q *out,
			 const char **param);
void browse_free(browse_q *q);
/* The products of one page in order (public JSON, as cat_products), *more
 * set to 1 when another page follows. */
cJSON *browse_products(const tenant *t, const browse_q *q, int *more);
/* What the filter form offers for the store or one collection:
 * {vendors[], tags[], options[{name, values[]}], types[]} (each list capped). */
cJSON *browse_facets(const tenant *t, const char *collection);
#endif
