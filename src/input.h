/* input: checking JSON request fields where they are parsed (DESIGN §10.6).
 * Each in_* reads one field of an object against its declared type and
 * limits. Returns 0 when set, 1 when absent and optional, -1 when it has
 * already answered 422 naming the field and what was wrong. */
#ifndef INPUT_H
#define INPUT_H
#include "http.h"
#include <stdint.h>

#define IN_REQUIRED 1
#define IN_OPTIONAL 0

int in_str(req *r, const cJSON *o, const char *field, int required, size_t maxlen, const char **out);
int in_int(req *r, const cJSON *o, const char *field, int required, int64_t min, int64_t max, int64_t *out);
int in_bool(req *r, const cJSON *o, const char *field, int required, int *out);
/* An id given as a number or a string of digits. */
int in_id(req *r, const cJSON *o, const char *field, int required, int64_t *out);
/* A JSON object (config, visibility): out points into o. */
int in_obj(req *r, const cJSON *o, const char *field, int required, const cJSON **out);
int in_array(req *r, const cJSON *o, const char *field, int required, size_t max_items, const cJSON **out);
/* Lengths in bytes shared by many fields. */
#define IN_SLUG_MAX 100     /* a URL slug */
#define IN_EMAIL_MAX 254    /* an email address (RFC 5321's path limit) */
#define IN_URL_MAX 1000     /* an image or link URL */
#define IN_SEO_MAX 4096     /* a page's or post's seoConfig, as JSON text */

/* A URL slug: 1-IN_SLUG_MAX chars of a-z, 0-9 and '-'. */
int in_slug(req *r, const cJSON *o, const char *field, int required, const char **out);
/* One of a fixed set of words (NULL-terminated). */
int in_enum(req *r, const cJSON *o, const char *field, int required, const char *const *allowed, const char **out);

/* Every member of o is in fields or readonly (NULL-terminated lists;
 * readonly may be NULL): readonly ones are what the API itself returns
 * (id, createdAt...), accepted so a GET result can be sent back, and
 * ignored. Otherwise 422 naming each unknown field; returns 0 or -1. */
int in_known(req *r, const cJSON *o, const char *const *fields, const char *const *readonly);

/* Where the JSON text s[0..n) (already accepted by cJSON) holds U+0000 in
 * a string or key (a \u0000 escape or a raw NUL byte), which cJSON would
 * silently cut off: 1 with the field's path ("title", "items[2].name") in
 * *path, else 0. http_json_body refuses such bodies with 422. */
int in_json_nul_path(const char *s, size_t n, sbuf *path);

/* Query parameters of list endpoints. An integer query parameter s (NULL:
 * absent) checked against [min, max]: NULL with the value in *out (dflt when
 * absent), or the problem ("must be an integer 1-1000"). Digits only (no
 * sign, blanks or trailing text), so "abc", "-1" and "10x" are refused
 * instead of atoi's silent 0. */
const char *query_int_problem(const char *s, int64_t dflt, int64_t min, int64_t max, int64_t *out);
/* The one page size of every list endpoint: ?limit= from 1 to the config's
 * list_limit_max (dflt when absent). 0, or -1 after answering 422 naming
 * the parameter. */
int in_query_limit(req *r, int64_t dflt, int64_t *out);
/* A position or cursor (?offset=, ?before=, ?after=, ?since=): 0 or more,
 * 0 when absent. 0, or -1 after answering 422 naming the parameter. */
int in_query_offset(req *r, const char *param, int64_t *out);
/* Answer 422 naming a query parameter: "query parameter 'q' must ..." */
void in_query_fail(req *r, const char *param, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Answer 422 for a field with a problem (for checks beyond the above). */
void in_fail(req *r, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The checks behind in_*, for code that reports a problem without a
 * request (batch items, settings): NULL when v fits, else the problem
 * (written into buf when it holds numbers). id_problem sets *out. */
const char *str_problem(const cJSON *v, size_t maxlen, char *buf, size_t n);
const char *int_problem(const cJSON *v, int64_t min, int64_t max, char *buf, size_t n);
const char *bool_problem(const cJSON *v);
const char *id_problem(const cJSON *v, int64_t *out);

/* *_problem: NULL when the text is fine, else what is wrong with it (for
 * in_fail naming the field). */
const char *slug_problem(const char *s);
/* An email address: one '@', a dot after it, no spaces or <>()[],;:"\. */
const char *email_problem(const char *e);
/* An idempotency key: 8-100 characters of letters, digits and - _ : . */
const char *idem_key_problem(const char *k);
/* No control characters (below U+0020, or DEL). */
const char *control_problem(const char *s);
/* A phone number: digits, spaces and + - ( ) . */
const char *phone_problem(const char *s);
/* A code read by machines (a barcode: ISBN, UPC, GTIN): printable ASCII
 * without spaces. */
const char *code_problem(const char *s);
#endif
