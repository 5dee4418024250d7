/* input: typed, bounded reads of JSON request fields with errors naming
 * the field (see input.h). */
#include "input.h"
#include "config.h"
#include "html.h"
#include <errno.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 422 naming the field (or query parameter: what says which). */
static void fail_v(req *r, const char *what, const char *field, const char *fmt, va_list ap)
{
	sbuf m = SBUF_INIT;
	sb_vprintf(&m, fmt, ap);
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "field", field);
	cJSON_AddStringToObject(d, "problem", sb_str(&m));
	http_error(r, 422, "validation_error", d, "%s '%s' %s", what, field, sb_str(&m));
	sb_free(&m);
}

void in_fail(req *r, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_v(r, "field", field, fmt, ap);
	va_end(ap);
}

void in_query_fail(req *r, const char *param, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_v(r, "query parameter", param, fmt, ap);
	va_end(ap);
}

const char *query_int_problem(const char *s, int64_t dflt, int64_t min, int64_t max, int64_t *out)
{
	static char msg[80];
	snprintf(msg, sizeof msg, "must be an integer %lld-%lld", (long long)min, (long long)max);
	if (!s) { *out = dflt; return NULL; }
	if (!*s) return msg;
	for (const char *p = s; *p; p++) if (!isdigit((unsigned char)*p)) return msg;
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno || v < min || v > max) return msg;
	*out = v;
	return NULL;
}

int in_query_limit(req *r, int64_t dflt, int64_t *out)
{
	const char *p = query_int_problem(http_query(r, "limit"), dflt, 1, cfg.list_limit_max, out);
	if (p) { in_query_fail(r, "limit", "%s", p); return -1; }
	return 0;
}

int in_query_offset(req *r, const char *param, int64_t *out)
{
	const char *p = query_int_problem(http_query(r, param), 0, 0, INT64_MAX, out);
	if (p) { in_query_fail(r, param, "must be an integer of at least 0"); return -1; }
	return 0;
}

static const cJSON *get(const cJSON *o, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
	return v && !cJSON_IsNull(v) ? v : NULL;
}

static int absent(req *r, const char *field, int required)
{
	if (!required) return 1;
	in_fail(r, field, "is required");
	return -1;
}

const char *str_problem(const cJSON *v, size_t maxlen, char *buf, size_t n)
{
	if (!cJSON_IsString(v)) return "must be a string";
	size_t len = strlen(v->valuestring);
	if (len > maxlen) { snprintf(buf, n, "is %zu bytes long; the limit is %zu", len, maxlen); return buf; }
	if (!utf8_valid(v->valuestring, len)) return "is not valid UTF-8";
	return NULL;
}

const char *int_problem(const cJSON *v, int64_t min, int64_t max, char *buf, size_t n)
{
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || fabs(v->valuedouble) > 9e15)
		return "must be an integer";
	int64_t x = (int64_t)v->valuedouble;
	if (x < min || x > max) {
		snprintf(buf, n, "must be between %lld and %lld (got %lld)", (long long)min, (long long)max, (long long)x);
		return buf;
	}
	return NULL;
}

const char *bool_problem(const cJSON *v)
{
	return cJSON_IsBool(v) ? NULL : "must be true or false";
}

const char *id_problem(const cJSON *v, int64_t *out)
{
	if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble < 9e15 && v->valuedouble == floor(v->valuedouble)) {
		*out = (int64_t)v->valuedouble;
		return NULL;
	}
	if (cJSON_IsString(v) && v->valuestring[0] && strlen(v->valuestring) < 16) {
		char *end;
		long long x = strtoll(v->valuestring, &end, 10);
		if (!*end && x > 0 && isdigit((unsigned char)v->valuestring[0])) { *out = x; return NULL; }
	}
	return "must be an id (a positive integer or a string of digits)";
}

int in_str(req *r, const cJSON *o, const char *field, int required, size_t maxlen, const char **out)
{
	const cJSON *v = get(o, field);
	if (!v) return absent(r, field, required);
	char buf[120];
	const char *why = str_problem(v, maxlen, buf, sizeof buf);
	if (why) { in_fail(r, field, "%s", why); return -1; }
	if (required && !v->valuestring[0]) { in_fail(r, field, "must not be empty"); return -1; }
	*out = v->valuestring;
	return 0;
}

int in_int(req *r, const cJSON *o, const char *field, int required, int64_t min, int64_t max, int64_t *out)
{
	const cJSON *v = get(o, field);
	if (!v) return absent(r, field, required);
	char buf[120];
	const char *why = int_problem(v, min, max, buf, sizeof buf);
	if (why) { in_fail(r, field, "%s", why); return -1; }
	*out = (int64_t)v->valuedouble;
	return 0;
}

int in_bool(req *r, const cJSON *o, const char *field, int required, int *out)
{
	const cJSON *v = get(o, field);
	if (!v) return absent(r, field, required);
	const char *why = bool_problem(v);
	if (why) { in_fail(r, field, "%s", why); return -1; }
	*out = cJSON_IsTrue(v);
	return 0;
}

int in_id(req *r, const cJSON *o, const char *field, int required, int64_t *out)
{
	const cJSON *v = get(o, field);
	if (!v) return absent(r, field, required);
	const char *why = id_problem(v, out);
	if (why) { in_fail(r, field, "%s", why); return -1; }
	return 0;
}

int in_obj(req *r, const cJSON *o, const char *field, int required, const cJSON **out)
{
	const cJSON *v = get(o, field);
	if (!v) return absent(r, field, required);
	if (!cJSON_IsObject(v)) { in_fail(r, field, "must be an object"); return -1; }
	*out = v;
	return 0;
}

int in_array(req *r, const cJSON *o, const char *field, int required, size_t max_items, const cJSON **out)
{
	const cJSON *v = get(o, field);
	if (!v) return absent(r, field, required);
	if (!cJSON_IsArray(v)) { in_fail(r, field, "must be an array"); return -1; }
	if ((size_t)cJSON_GetArraySize(v) > max_items) {
		in_fail(r, field, "has %d items; the limit is %zu", cJSON_GetArraySize(v), max_items);
		return -1;
	}
	*out = v;
	return 0;
}

/* One open container while scanning for NUL: its kind, the key being read
 * (object) or the index (array). */
typedef struct nul_frame {
	char kind;              /* '{' or '[' */
	size_t idx;
	const char *key;
	size_t keylen;
} nul_frame;

#define NUL_MAX_DEPTH 1024      /* deeper than cJSON's own nesting limit */

static void nul_path(const nul_frame *f, int depth, sbuf *path)
{
	for (int i = 0; i < depth; i++) {
		if (f[i].kind == '[') sb_printf(path, "[%zu]", f[i].idx);
		else if (f[i].key) {
			if (path->len) sb_putc(path, '.');
			sb_put(path, f[i].key, f[i].keylen);
		}
	}
	if (!path->len) sb_puts(path, "body");
}

int in_json_nul_path(const char *s, size_t n, sbuf *path)
{
	/* Cheap test first: most bodies hold neither. */
	if (!memchr(s, 0, n)) {
		int seen = 0;
		for (const char *p = s; (p = memchr(p, '\\', (size_t)(s + n - p))) && !seen; p++)
			seen = (size_t)(s + n - p) >= 6 && !memcmp(p, "\\u0000", 6);
		if (!seen) return 0;
	}
	nul_frame *f = xcalloc(NUL_MAX_DEPTH, sizeof *f);
	int depth = 0, want_key = 0, found = 0;
	for (size_t i = 0; i < n && !found; i++) {
		char c = s[i];
		if (c == '"') {
			size_t start = ++i;
			int nul = 0;
			for (; i < n && s[i] != '"'; i++) {
				if (s[i] == 0) nul = 1;
				else if (s[i] == '\\' && i + 1 < n) {
					if (s[i + 1] == 'u' && i + 6 <= n && !memcmp(s + i + 1, "u0000", 5)) nul = 1;
					i++;
				}
			}
			if (depth > 0 && f[depth - 1].kind == '{' && want_key) {
				f[depth - 1].key = s + start;
				f[depth - 1].keylen = i - start;
				want_key = 0;
			}
			if (nul) { nul_path(f, depth, path); found = 1; }
		} else if (c == '{' || c == '[') {
			if (depth == NUL_MAX_DEPTH) { sb_puts(path, "body"); found = 1; break; }
			f[depth].kind = c;
			f[depth].idx = 0;
			f[depth].key = NULL;
			depth++;
			want_key = c == '{';
		} else if (c == '}' || c == ']') {
			if (depth > 0) depth--;
			want_key = 0;
		} else if (c == ',' && depth > 0) {
			if (f[depth - 1].kind == '[') f[depth - 1].idx++;
			else want_key = 1;
		} else if (c == 0) {
			nul_path(f, depth, path);   /* a raw NUL outside strings */
			found = 1;
		}
	}
	free(f);
	return found;
}

const char *slug_problem(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > IN_SLUG_MAX) return "must be 1 to " STR(IN_SLUG_MAX) " characters";
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return "may contain only a-z, 0-9 and '-'";
	if (s[0] == '-' || s[n - 1] == '-') return "may not start or end with '-'";
	return NULL;
}

const char *email_problem(const char *e)
{
	const char *at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.') return "is not a valid email address";
	for (; *e; e++) if ((unsigned char)*e <= ' ' || strchr("<>()[],;:\"\\", *e)) return "is not a valid email address";
	return NULL;
}

const char *idem_key_problem(const char *k)
{
	size_t n = strlen(k);
	const char *why = "must be 8-100 characters of letters, digits and - _ : .";
	if (n < 8 || n > 100) return why;
	for (; *k; k++) if (!isalnum((unsigned char)*k) && *k != '-' && *k != '_' && *k != ':' && *k != '.') return why;
	return NULL;
}

const char *control_problem(const char *s)
{
	for (; *s; s++) if ((unsigned char)*s < ' ' || *s == 0x7f) return "must not contain control characters";
	return NULL;
}

const char *phone_problem(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && !strchr(" +-().", *s)) return "may hold only digits, spaces and + - ( ) .";
	return NULL;
}

const char *code_problem(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f) return "may hold only printable ASCII without spaces (like 0123456789012)";
	return NULL;
}

int in_slug(req *r, const cJSON *o, const char *field, int required, const char **out)
{
	const char *s;
	int rc = in_str(r, o, field, required, IN_SLUG_MAX, &s);
	if (rc) return rc;
	const char *p = slug_problem(s);
	if (p) { in_fail(r, field, "%s (got '%s')", p, s); return -1; }
	*out = s;
	return 0;
}

int in_enum(req *r, const cJSON *o, const char *field, int required, const char *const *allowed, const char **out)
{
	const char *s;
	int rc = in_str(r, o, field, required, 64, &s);
	if (rc) return rc;
	for (int i = 0; allowed[i]; i++)
		if (strcmp(allowed[i], s) == 0) { *out = allowed[i]; return 0; }
	sbuf list = SBUF_INIT;
	for (int i = 0; allowed[i]; i++) { if (i) sb_puts(&list, ", "); sb_puts(&list, allowed[i]); }
	in_fail(r, field, "must be one of %s (got '%s')", sb_str(&list), s);
	sb_free(&list);
	return -1;
}

static int listed(const char *const *list, const char *k)
{
	for (int i = 0; list && list[i]; i++)
		if (strcmp(list[i], k) == 0) return 1;
	return 0;
}

int in_known(req *r, const cJSON *o, const char *const *fields, const char *const *readonly)
{
	cJSON *unknown = NULL;
	const cJSON *it;
	cJSON_ArrayForEach(it, o) {
		if (!it->string || listed(fields, it->string) || listed(readonly, it->string)) continue;
		if (!unknown) unknown = cJSON_CreateArray();
		if (cJSON_GetArraySize(unknown) < 20) cJSON_AddItemToArray(unknown, cJSON_CreateString(it->string));
	}
	if (!unknown) return 0;
	sbuf names = SBUF_INIT, known = SBUF_INIT;
	cJSON_ArrayForEach(it, unknown) {
		if (names.len) sb_puts(&names, ", ");
		sb_printf(&names, "'%.64s'", it->valuestring);
	}
	for (int i = 0; fields[i]; i++) { if (i) sb_puts(&known, ", "); sb_puts(&known, fields[i]); }
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "field", cJSON_GetArrayItem(unknown, 0)->valuestring);
	cJSON_AddItemToObject(d, "unknownFields", unknown);
	cJSON *fl = cJSON_AddArrayToObject(d, "fields");
	for (int i = 0; fields[i]; i++) cJSON_AddItemToArray(fl, cJSON_CreateString(fields[i]));
	http_error(r, 422, "unknown_field", d, "unknown field%s %s; this endpoint takes %s",
		   cJSON_GetArraySize(unknown) == 1 ? "" : "s", sb_str(&names), sb_str(&known));
	sb_free(&names);
	sb_free(&known);
	return -1;
}
