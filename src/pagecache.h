/* pagecache: the full-page cache. Anonymous GETs of the store's HTML pages
 * (route rows flagged R_CACHE) are kept as files under cfg.page_cache_dir,
 * by host and path: HOST/index.html for "/", HOST/PATH/index.html for
 * the rest, each written atomically (a temporary file renamed into place)
 * with a precompressed .gz beside it, so the web server can answer them
 * without waking a worker (conf/, doc/page-cache.md). Owns:
 *  - the key of a request (host, path, the query normalised: tracking
 *    parameters dropped, known ones kept, any other parameter: not
 *    cached), the guest/customer flag of pages that vary by it, and the
 *    shopper's currency (the sf_currency cookie, one of the small set of
 *    codes money.c knows: HOST/PATH/index.cur-EUR.html, answered only by
 *    the workers and privately, never the page in the shop's currency);
 *  - what a page depends on: render paths report what they used
 *    (pagecache_use: "product" 5, "page" 3, ...); every page also depends
 *    on its store (theme, settings, navigation). The table page_cache and
 *    page_cache_deps (sql/013) record it;
 *  - invalidation: pagecache_invalidate(tid, "product", 5) removes only
 *    the pages that showed product 5 (the file is renamed to .stale, so
 *    others can serve it for a bounded time while one worker re-renders,
 *    guarded by a .lock file, cgit-style), and queues the CDN purge hook
 *    (cfg.page_cache_purge_url, sent by the deliverer). Never a
 *    platform-wide purge: the widest is one store's pages;
 *  - answering from the cache in the worker before the database or the
 *    sandbox is touched (plain CGI hosting, or a web server that cannot
 *    look the file up itself).
 * A page is only kept when nothing of the store changed while it was
 * rendered (tenants.content_version, read in the same transaction that
 * records the page), so an invalidation can never be lost to a render
 * that read the old data. */
#ifndef PAGECACHE_H
#define PAGECACHE_H
#include "http.h"
#include <cJSON.h>
#include <stdint.h>

/* 1 when the cache is on (cfg.page_cache_dir set). */
int pagecache_enabled(void);

/* ---- per request (storefront worker) ---- */

/* Forget the previous request's dependencies and precise invalidations. */
void pagecache_reset(void);
/* The page being rendered used this (kind, id); id 0 names the list of
 * that kind ("products": a list of products whose membership may change). */
void pagecache_use(const char *kind, int64_t id);
/* The same for every item of a JSON array with "id" (string or number). */
void pagecache_use_list(const char *kind, const cJSON *items);
/* The page varies by the guest/customer flag (a block uses cart or user,
 * or has userTypes visibility). */
void pagecache_vary(void);
/* The same for a block that takes the cart and got null (the shopper holds
 * none): the copy ("index.guest-nocart.html") is never answered to a
 * request with a cart cookie. */
void pagecache_vary_cart(void);
/* 1 while this request's page may be stored (the route is a page-cache
 * row and the cache is on): what its render uses must be recorded. */
int pagecache_recording(const req *r);
/* "guest" or "customer": from the small cookie the store's sign-in sets
 * (PAGECACHE_FLAG_COOKIE), never a person. */
#define PAGECACHE_FLAG_COOKIE "sf_customer"
const char *pagecache_flag(req *r);
/* The shopper's currency is part of a page's key (a small set: the
 * currencies a store offers). From the currency cookie
 * (CURRENCY_COOKIE): the code, or NULL (none, or not a code: the
 * store's own prices). A page is kept under a code only when it was made
 * in that currency (one the store offers). */
const char *pagecache_currency(req *r);
/* This answer is not to be kept (a failed block, device- or
 * date-dependent visibility). */
void pagecache_no_store(void);

/* Answer r from the cache when a fresh (or, while another worker
 * re-renders, a recent stale) copy is there: 1 answered, 0 go on. Reads
 * no database. Only for rows flagged R_CACHE (the caller checks). */
int pagecache_serve(req *r);
/* After the handler: keep r's answer (a 200 HTML page of an R_CACHE row)
 * with its dependencies, set Cache-Control and the Surrogate-Key and
 * Cache-Tag headers, and release the re-render lock. Call before
 * http_send. */
void pagecache_store(req *r);

/* ---- invalidation (any program, inside the writer's transaction) ---- */

/* Remove the store's pages that depend on (kind, id) ("store" 0: all of
 * the store's pages) and queue the purge hook. 0, or -1 on a storage
 * error (the caller's write fails with it). */
MUST_USE int pagecache_invalidate(int64_t tid, const char *kind, int64_t id);
/* The outbox event (subject) of a purge-hook call. */
#define PAGECACHE_PURGE_EVENT "cache.purge"
/* An item of kind changed (product, post, collection): the pages that
 * showed it and the pages that list that kind ("products"). */
MUST_USE int pagecache_invalidate_item(int64_t tid, const char *kind, int64_t id);
/* The change touches no cached page (an order of untracked items): the
 * store's pages stay. */
void pagecache_nothing_shown(int64_t tid);
/* A page was published or rolled back: that page, and every page when
 * what the navigation shows of it changed (nav_before/nav_after from
 * pages_nav_entry). */
MUST_USE int pagecache_invalidate_page(int64_t tid, int64_t page, const char *nav_before, const char *nav_after);
/* For audit_bump_content: 1 when this request already invalidated
 * precisely for tid (then the store's pages need not all go). */
int pagecache_took_precise(int64_t tid);

/* ---- the CLI ---- */

/* Entries and bytes of one store (tid) or every store (0) into a JSON object. */
cJSON *pagecache_stats(int64_t tid);
#endif
