/* search: a store's search index and its queries (doc/search.md). Keeps
 * search_docs (and through its triggers the FTS5 word and trigram
 * indexes) current from what the write paths marked dirty, folds text
 * (lower case, diacritics off), answers keyword, trigram and hybrid
 * (reciprocal rank fusion with embed.c's vectors) queries with facets,
 * snippets and "did you mean" (BM25 by sf_bm25, an FTS5 function of its
 * own), predictive suggestions (from the worker's copy of a store's titles
 * and codes when it holds enough), synonyms, the search log and its
 * report. Every statement binds the tenant id. */
#ifndef SEARCH_H
#define SEARCH_H
#include "tenant.h"
#include "util.h"
#include <cJSON.h>
#include <stdint.h>

/* Lower-case, diacritics folded to ASCII (é -> e, ß -> ss), every run of
 * other punctuation and space one space; other scripts kept as they are. */
void search_fold(const char *in, sbuf *out);

/* Index what the write paths marked for this store (at most max items;
 * max <= 0: all of them). The number indexed, or -1 (storage error).
 * Runs inside the caller's transaction when there is one. */
int search_flush(int64_t tid, int max);
/* Every store's marked items (the deliverer, the CLI). */
int search_flush_all(void);
/* Mark every item of the store, index them and embed them again; progress
 * (done, total) after each item when given. -1 on a storage error. */
int search_reindex(int64_t tid, void (*progress)(int64_t done, int64_t total));

/* The deliverer's part with a model configured: up to batch documents
 * whose vector of cfg.ai_embed_model is missing or stale, embedded in one
 * call (outside any transaction) and stored. The number embedded, 0 when
 * none was due, -1 (err) when the call or the storage failed. */
int search_embed_pending(int batch, char *err, size_t errlen);

/* How the results are ordered. */
enum { SEARCH_SORT_RELEVANCE, SEARCH_SORT_PRICE_ASC, SEARCH_SORT_PRICE_DESC, SEARCH_SORT_NEWEST };
enum { SEARCH_KEYWORD = 0, SEARCH_HYBRID = 1 };

#define SEARCH_FILTER_MAX 8
typedef struct search_opts {
	const char *q;
	int sort;               /* SEARCH_SORT_* */
	int mode;               /* SEARCH_KEYWORD | SEARCH_HYBRID */
	int page, per_page;     /* 1-based */
	int available;          /* -1 any, 1 in stock only, 0 sold out only */
	int64_t price_min, price_max;   /* minor units, -1: no bound */
	const char *vendors[SEARCH_FILTER_MAX]; int nvendors;
	const char *tags[SEARCH_FILTER_MAX]; int ntags;
	const char *options[SEARCH_FILTER_MAX]; int noptions;   /* option values */
	const float *qvec;      /* the query's embedding from a remote model, or NULL: offline */
	const char *qvec_model;
	int qvec_dim;
	int others;             /* also collections, pages and posts */
	const char *types[SEARCH_FILTER_MAX]; int ntypes;       /* product types */
} search_opts;

/* The results page as JSON: {query, didYouMean, total, page, perPage,
 * products[] (public product JSON + titleHtml, snippetHtml), collections[],
 * pages[], posts[] ({title, url, titleHtml, snippetHtml}), facets
 * {availability, price, vendors, types, tags, options}}.
 * Snippet HTML is escaped text with <mark> around the matches. */
cJSON *search_query(const tenant *t, const search_opts *o);
/* Product ids only, best first (vibe code's api.search, the chat, bench). */
int search_product_ids(const tenant *t, const char *q, int mode, int64_t *ids, int max);
/* The same for a caller that compares prices in another currency (the
 * chat, in the shopper's): q's price words ("under 50") are still taken
 * out of the words but bound nothing here; *lo and *hi are their bounds
 * read in currency's minor units (-1: none). */
int search_product_ids_in(const tenant *t, const char *q, int mode, const char *currency, int64_t *lo, int64_t *hi,
			  int64_t *ids, int max);
/* Related products of a product: its nearest neighbours by embedding in
 * the same store, then products of its collections: [{id, name, slug,
 * url, price, priceFormatted, image}] (at most limit). */
cJSON *search_related(const tenant *t, int64_t product_id, int limit);
/* Predictive search in Shopify's shape: {resources:{results:{products,
 * collections, pages, articles, queries}}}. */
cJSON *search_suggest(const tenant *t, const char *q, int limit);

/* Bytes the worker's copies of stores' titles (for suggestions) hold now;
 * how many times a store's copy was loaded (tests, bench). */
size_t search_title_bytes(void);
long search_title_loads(void);

/* Log one search (folded query, result count): the row id, or 0. */
int64_t search_log(int64_t tid, const char *q, int results);
/* Record the result a shopper chose for a logged search. 0, or -1. */
int search_log_click(int64_t tid, int64_t log_id, const char *url);
/* {topQueries[{query, count, results}], noResults[{query, count}]} over
 * the last days. */
cJSON *search_report(int64_t tid, int days, int limit);

/* Synonym groups: [["hoodie","sweatshirt"], ...]. */
cJSON *search_synonyms_get(int64_t tid);
/* NULL when groups is acceptable, else why not (the caller's 422). */
const char *search_synonyms_problem(const cJSON *groups);
/* Replace the store's groups (inside the caller's transaction): 0 or -1. */
int search_synonyms_put(int64_t tid, const cJSON *groups);
#endif
