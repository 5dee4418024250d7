/* feeds: the blog as Atom (/feed.xml) and RSS 2.0 (/blog/rss.xml): the
 * newest feed_items live posts with title, link, date, author, tags,
 * excerpt, featured image and their HTML. XML through html.c's xml_text. */
#ifndef FEEDS_H
#define FEEDS_H
#include "util.h"
#include <stdint.h>

/* base: "http(s)://host[:port]"; store: the feed's title. */
void feeds_atom(int64_t tid, const char *base, const char *store, const char *tagline, sbuf *out);
void feeds_rss(int64_t tid, const char *base, const char *store, const char *tagline, sbuf *out);
#endif
