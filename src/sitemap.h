/* sitemap: what crawlers read. /sitemap.xml as a sitemap index over parts
 * (products, collections, pages, posts; each part at most sitemap_urls
 * URLs, with lastmod), /robots.txt (the platform's rules, the store's own
 * and the Sitemap: line), and the store's SEO settings row. Only what a
 * shopper can open and the store does not mark noindex is listed. */
#ifndef SITEMAP_H
#define SITEMAP_H
#include "util.h"
#include <cJSON.h>
#include <stdint.h>

#define SITEMAP_ROBOTS_MAX 4000   /* bytes of a store's own robots.txt rules */

/* The index: base is "http(s)://host[:port]". */
void sitemap_index(int64_t tid, const char *base, sbuf *out);
/* One part by name ("products-1.xml"): 0, or -1 when there is no such part. */
int sitemap_part(int64_t tid, const char *base, const char *name, sbuf *out);
/* robots.txt */
void sitemap_robots(int64_t tid, const char *base, sbuf *out);

/* {robotsTxt} */
cJSON *sitemap_settings(int64_t tid);
MUST_USE int sitemap_settings_save(int64_t tid, const char *robots_txt);
/* Lines of "User-agent|Allow|Disallow|Crawl-delay: value", # comments or
 * blank. NULL or the problem (into buf). */
const char *sitemap_robots_problem(const char *txt, char *buf, size_t n);
#endif
