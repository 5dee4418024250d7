/* html: one output function per escaping context (DESIGN §10.5): HTML text,
 * HTML attribute, URL component, JSON string, HTTP header value, email
 * header text. Nothing
 * reaches a page or header unescaped except through these. */
#ifndef HTML_H
#define HTML_H
#include "util.h"
#include <cJSON.h>

void html_text(sbuf *b, const char *s);      /* & < > " ' escaped */
void html_attr(sbuf *b, const char *s);      /* same set plus ` and = */
/* One candidate "URL WIDTHw" of an <img srcset> (", " between them),
 * unescaped: the caller escapes the whole for its context. A URL with
 * blank space or a comma (which would split the list) or a width under 1
 * is left out: 0; else 1. */
int html_srcset_add(sbuf *b, const char *url, long width);
/* 1 when a URL may be an image's src: relative, http: or https:. */
int html_image_url_ok(const char *url);
void url_component(sbuf *b, const char *s);  /* RFC 3986 unreserved kept */
void json_string(sbuf *b, const char *s);    /* "..." with \u escapes, < > & too */
/* Header values: CR, LF and other controls are dropped. */
void header_value(sbuf *b, const char *s);

/* Email header text (RFC 5322 / RFC 2047). phrase = 1: a display name
 * (From: NAME <addr>): as is when only letters, digits and spaces, quoted
 * ("...", with \" and \\) when it holds specials such as , < > @ " ;,
 * and RFC 2047 encoded words (=?UTF-8?B?...?=) when it holds non-ASCII.
 * phrase = 0: unstructured text (Subject): as is when ASCII, encoded words
 * when it holds non-ASCII or "=?". CR, LF and other controls are dropped
 * first, so the result never starts another header. */
void mail_header_text(sbuf *b, const char *s, int phrase);

/* XML text or attribute (feeds, sitemaps): html_text's entities, and the
 * control characters XML 1.0 forbids dropped. */
void xml_text(sbuf *b, const char *s);
/* JSON text placed inside <script type="application/ld+json"> or
 * "application/json" (the variant picker's data): < > & and
 * U+2028/2029 as \u escapes, so the text can neither end the element nor
 * be read as markup; the JSON means the same. */
void json_script(sbuf *b, const char *json);

/* Percent-decoding in place. plus_space: '+' means ' ' (query strings).
 * Returns -1 on a bad escape or an encoded NUL. */
int url_decode(char *s, int plus_space);
/* Is s valid UTF-8 (no overlongs, no surrogates)? */
int utf8_valid(const char *s, size_t n);
#endif
