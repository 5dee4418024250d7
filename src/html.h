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
void url_component(sbuf *b, const char *s);  /* RFC 3986 unreserved kept */
void json_string(sbuf *b, const char *s);    /* "..." with \u escapes, < > & too */
/* JSON data inside <script type="application/json">: the value printed
 * with < > & written as \u escapes, so no "</script>" or "<!--" can end
 * or change the element (they can only occur inside JSON strings). */
void json_script(sbuf *b, const cJSON *v);
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

/* Percent-decoding in place. plus_space: '+' means ' ' (query strings).
 * Returns -1 on a bad escape or an encoded NUL. */
int url_decode(char *s, int plus_space);
/* Is s valid UTF-8 (no overlongs, no surrogates)? */
int utf8_valid(const char *s, size_t n);
#endif
