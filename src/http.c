/* http: request parsing and the buffered response (see http.h). */
#include "http.h"
#include "html.h"
#include "input.h"
#include "config.h"
#include "log.h"

#include <fcgiapp.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PARAMS 100
/* Cookies: a sibling store can set many on the parent domain ahead of
 * ours (it cannot push ours out of a header the web server accepts). */
#define MAX_COOKIES 400

static http_error_page_fn error_page;

void http_set_error_page(http_error_page_fn fn) { error_page = fn; }

const char *http_env(req *r, const char *name)
{
	return FCGX_GetParam(name, r->env);
}

int http_method_bit(const char *m)
{
	static const struct { const char *n; int bit; } ms[] = {
		{ "GET", M_GET }, { "POST", M_POST }, { "PUT", M_PUT }, { "PATCH", M_PATCH },
		{ "DELETE", M_DELETE }, { "HEAD", M_HEAD }, { "OPTIONS", M_OPTIONS },
	};
	for (size_t i = 0; i < ARRAY_LEN(ms); i++)
		if (m && strcmp(m, ms[i].n) == 0) return ms[i].bit;
	return 0;
}

/* Split "a=1&b=2" (or "a=1; b=2" for cookies) into decoded pairs. */
static int parse_pairs(const char *s, char sep, int plus_space, int max, kv **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!s || !*s) return 0;
	int cap = 0;
	while (*s) {
		while (*s == ' ' || *s == sep) s++;
		if (!*s) break;
		const char *end = strchr(s, sep);
		size_t len = end ? (size_t)(end - s) : strlen(s);
		if (*n >= max) return -1;
		char *pair = xstrndup(s, len);
		char *eq = strchr(pair, '=');
		char *k = pair, *v = eq ? eq + 1 : pair + len;
		if (eq) *eq = 0;
		if (sep == '&') {
			if (url_decode(k, plus_space) < 0 || url_decode(v, plus_space) < 0) {
				free(pair);
				return -1;
			}
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, (size_t)cap * sizeof **out);
		}
		(*out)[*n].k = k;
		(*out)[*n].v = v;      /* v points into the same allocation as k */
		(*n)++;
		s += len;
	}
	return 0;
}

static void free_pairs(kv *p, int n)
{
	for (int i = 0; i < n; i++) free(p[i].k);
	free(p);
}

/* The body up to content_length into r->body. */
static void read_all(req *r)
{
	sb_grow(&r->body, (size_t)r->content_length);
	char buf[16384];
	long left = r->content_length;
	while (left > 0) {
		int want = left > (long)sizeof buf ? (int)sizeof buf : (int)left;
		int got = r->fin ? FCGX_GetStr(buf, want, r->fin)
				 : (int)fread(buf, 1, (size_t)want, stdin);
		if (got <= 0) break;
		sb_put(&r->body, buf, (size_t)got);
		left -= got;
	}
}

static void read_body(req *r)
{
	const char *cl = http_env(r, "CONTENT_LENGTH");
	r->content_length = cl && *cl ? atol(cl) : 0;
	if (r->content_length <= 0) return;
	if (r->content_length > cfg.max_body) {
		r->body_too_large = 1;   /* left unread: a route may take more (http_read_large_body) */
		return;
	}
	read_all(r);
}

int http_read_large_body(req *r, long limit)
{
	if (!r->body_too_large) return 0;
	if (r->content_length > limit) return -1;
	read_all(r);
	r->body_too_large = 0;
	return 0;
}

void http_begin(req *r, char **env, void *fin, void *fout)
{
	memset(r, 0, sizeof *r);
	r->env = env;
	r->fin = fin;
	r->fout = fout;
	r->t0 = now_usec();
	random_hex(r->id, 8);
	r->status = 200;
	strcpy(r->content_type, "text/html; charset=utf-8");
	r->method_str = http_env(r, "REQUEST_METHOD");
	if (!r->method_str) r->method_str = "GET";
	r->method = http_method_bit(r->method_str);
	r->remote_addr = http_env(r, "REMOTE_ADDR");
	if (!r->remote_addr) r->remote_addr = "";
	const char *https = http_env(r, "HTTPS");
	r->https = https && (strcmp(https, "on") == 0 || strcmp(https, "1") == 0);

	/* Path: REQUEST_URI minus the query is what the client asked for;
	 * servers differ on SCRIPT_NAME/PATH_INFO, so prefer it. */
	const char *uri = http_env(r, "REQUEST_URI");
	if (uri && *uri) {
		const char *q = strchr(uri, '?');
		r->raw_path = q ? xstrndup(uri, (size_t)(q - uri)) : xstrdup(uri);
		r->query_string = q ? q + 1 : "";
	} else {
		const char *sn = http_env(r, "SCRIPT_NAME"), *pi = http_env(r, "PATH_INFO");
		sbuf p = SBUF_INIT;
		sb_puts(&p, sn ? sn : "");
		sb_puts(&p, pi ? pi : "");
		r->raw_path = sb_detach(&p);
		r->query_string = http_env(r, "QUERY_STRING");
		if (!r->query_string) r->query_string = "";
	}
	r->path = xstrdup(r->raw_path[0] ? r->raw_path : "/");
	if (url_decode(r->path, 0) < 0 || r->path[0] != '/' || !utf8_valid(r->path, strlen(r->path)))
		r->bad_request = 1;
	if (parse_pairs(r->query_string, '&', 1, MAX_PARAMS, &r->query, &r->nquery) < 0)
		r->bad_request = 1;
	parse_pairs(http_env(r, "HTTP_COOKIE"), ';', 0, MAX_COOKIES, &r->cookies, &r->ncookies);

	/* Host: X-Forwarded-Host only from the configured trusted proxy. */
	const char *host = http_env(r, "HTTP_HOST");
	const char *xfh = http_env(r, "HTTP_X_FORWARDED_HOST");
	int from_proxy = cfg.trusted_proxy[0] && strcmp(r->remote_addr, cfg.trusted_proxy) == 0;
	const char *xff = from_proxy ? http_env(r, "HTTP_X_FORWARDED_FOR") : NULL;
	if (xff && *xff) {
		/* The proxy appends the peer it saw: the last entry is the one to
		 * believe (per-IP limits, audit); earlier ones are the client's say. */
		const char *last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ') last++;
		size_t n = strcspn(last, " ");
		if (n > 0 && n < sizeof r->fwd_addr && strspn(last, "0123456789abcdefABCDEF.:") >= n) {
			memcpy(r->fwd_addr, last, n);
			r->fwd_addr[n] = 0;
		}
	}
	if (xfh && *xfh && from_proxy) {
		host = xfh;
		const char *xfp = http_env(r, "HTTP_X_FORWARDED_PROTO");
		if (xfp && strcmp(xfp, "https") == 0) r->https = 1;
	}
	if (host_normalize(host, r->host, sizeof r->host) < 0) r->host[0] = 0;
	/* The port the shopper used, for links we send them (order emails). */
	const char *colon = host && r->host[0] ? strrchr(host, ':') : NULL;
	if (colon && !strchr(host, ']') && strlen(colon + 1) < sizeof r->host_port &&
	    strspn(colon + 1, "0123456789") == strlen(colon + 1))
		snprintf(r->host_port, sizeof r->host_port, "%s", colon + 1);
	if (r->fwd_addr[0]) r->remote_addr = r->fwd_addr;

	read_body(r);
}

void http_end(req *r)
{
	free(r->path);
	free(r->raw_path);
	free_pairs(r->query, r->nquery);
	free_pairs(r->cookies, r->ncookies);
	sb_free(&r->body);
	sb_free(&r->headers);
	sb_free(&r->out);
	tenant_clear(&r->t);
	memset(r, 0, sizeof *r);
}

int http_form_body(req *r, kv **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (r->body_too_large) {
		http_error(r, 413, "payload_too_large", NULL, "request body is larger than %ld bytes", cfg.max_body);
		return -1;
	}
	const char *ct = http_env(r, "CONTENT_TYPE");
	if (!http_content_type_is(ct, "application/x-www-form-urlencoded")) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "header", "Content-Type");
		http_error(r, 415, "unsupported_media_type", d,
			   "Content-Type must be application/x-www-form-urlencoded, not '%s'", ct && *ct ? ct : "(none)");
		return -1;
	}
	if (memchr(sb_str(&r->body), 0, r->body.len) ||
	    parse_pairs(sb_str(&r->body), '&', 1, MAX_PARAMS, out, n) < 0) {
		http_pairs_free(*out, *n);
		*out = NULL;
		*n = 0;
		http_error(r, 400, "bad_request", NULL, "the form is not valid (bad percent-encoding or UTF-8)");
		return -1;
	}
	return 0;
}

void http_pairs_free(kv *p, int n) { free_pairs(p, n); }

const char *http_pair(const kv *p, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(p[i].k, name) == 0) return p[i].v;
	return NULL;
}

const char *http_query(req *r, const char *name)
{
	for (int i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].k, name) == 0) return r->query[i].v;
	return NULL;
}

/* Under https our cookies are named __Host-NAME: browsers refuse such a
 * cookie unless it is Secure, Path=/ and without Domain, so a sibling
 * store (another subdomain of the base domain) cannot set one for us.
 * Over plain http the bare name. */
static void cookie_name(const req *r, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s%s", r->https ? HTTP_COOKIE_PREFIX : "", name);
}

const char *http_cookie_next(req *r, const char *name, int *pos)
{
	char full[128];
	cookie_name(r, name, full, sizeof full);
	for (int i = *pos; i < r->ncookies; i++)
		if (strcmp(r->cookies[i].k, full) == 0) {
			*pos = i + 1;
			return r->cookies[i].v;
		}
	*pos = r->ncookies;
	return NULL;
}

const char *http_cookie(req *r, const char *name)
{
	int pos = 0;
	return http_cookie_next(r, name, &pos);
}

const char *http_header_in(req *r, const char *name)
{
	char env[128] = "HTTP_";
	size_t n = 5;
	for (; *name && n < sizeof env - 1; name++)
		env[n++] = *name == '-' ? '_' : (char)toupper((unsigned char)*name);
	env[n] = 0;
	return http_env(r, env);
}

int http_cross_origin(req *r)
{
	const char *sfs = http_header_in(r, "Sec-Fetch-Site");
	if (sfs && strcmp(sfs, "same-origin") != 0 && strcmp(sfs, "none") != 0) return 1;
	const char *o = http_header_in(r, "Origin");
	if (!o) return 0;
	const char *h = strstr(o, "://");
	char host[256];
	if (!h || strchr(h + 3, '/') || host_normalize(h + 3, host, sizeof host) < 0) return 1;  /* "null" too */
	if (strcmp(host, r->host) != 0) return 1;
	return r->https && !str_startswith(o, "https://");
}

const char *http_reason(int s)
{
	switch (s) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 423: return "Locked";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

/* The headers http_send owns: one home each. */
static const char *const own_headers[] = {
	"Status", "Content-Type", "Content-Length", "ETag", "Cache-Control", "X-Content-Type-Options",
	"Referrer-Policy", "Content-Security-Policy", "Strict-Transport-Security", "X-Request-Id",
};

void http_header(req *r, const char *name, const char *fmt, ...)
{
	for (size_t i = 0; i < ARRAY_LEN(own_headers); i++)
		if (strcasecmp(name, own_headers[i]) == 0) {
			log_error("http_header(%s) refused: http_send writes it (r->cache_control, r->csp, ...)", name);
			return;
		}
	sbuf v = SBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&v, fmt, ap);
	va_end(ap);
	sb_puts(&r->headers, name);
	sb_puts(&r->headers, ": ");
	header_value(&r->headers, sb_str(&v));
	sb_puts(&r->headers, "\r\n");
	sb_free(&v);
}

void http_set_cookie(req *r, const char *name, const char *value, long max_age,
		     int http_only, const char *same_site)
{
	char full[128];
	cookie_name(r, name, full, sizeof full);
	http_header(r, "Set-Cookie", "%s=%s; Path=/; Max-Age=%ld%s%s%s%s", full, value, max_age,
		    http_only ? "; HttpOnly" : "", same_site ? "; SameSite=" : "",
		    same_site ? same_site : "", r->https ? "; Secure" : "");
}

void http_content_type(req *r, const char *ct)
{
	snprintf(r->content_type, sizeof r->content_type, "%s", ct);
}

void http_json(req *r, int status, cJSON *body)
{
	char *s = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	r->status = status;
	http_content_type(r, "application/json");
	sb_reset(&r->out);
	sb_puts(&r->out, s);
	sb_putc(&r->out, '\n');
	cJSON_free(s);
}

void http_redirect(req *r, int status, const char *location)
{
	r->status = status;
	http_header(r, "Location", "%s", location);
	sb_reset(&r->out);
}

void http_error(req *r, int status, const char *code, cJSON *details, const char *fmt, ...)
{
	sbuf msg = SBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (status >= 500) log_error("%d %s: %s", status, code, sb_str(&msg));
	r->status = status;
	r->no_etag = 1;
	if (r->json_errors || !error_page) {
		char ts[32];
		iso8601(now_unix(), ts);
		cJSON *root = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(root, "error");
		cJSON_AddStringToObject(e, "code", code);
		cJSON_AddStringToObject(e, "message", sb_str(&msg));
		cJSON_AddItemToObject(e, "details", details ? details : cJSON_CreateObject());
		cJSON_AddStringToObject(e, "timestamp", ts);
		cJSON_AddStringToObject(e, "requestId", r->id);
		http_json(r, status, root);
	} else {
		cJSON_Delete(details);
		sb_reset(&r->out);
		http_content_type(r, "text/html; charset=utf-8");
		error_page(r, status, http_reason(status), sb_str(&msg));
	}
	sb_free(&msg);
}

static void put(req *r, const char *s, size_t n)
{
	if (!n) return;
	if (r->fout) FCGX_PutStr(s, (int)n, r->fout);
	else fwrite(s, 1, n, stdout);
}

/* FNV-1a 64 over the body: cheap enough for every page, strong enough to
 * tell two versions of a page apart. */
static uint64_t fnv64(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

void http_send(req *r)
{
	if (r->sent) return;
	r->sent = 1;
	sbuf h = SBUF_INIT;
	int status = r->status, with_body = 1;
	if ((r->method == M_GET || r->method == M_HEAD) && status == 200 && !r->no_etag) {
		char etag[24];
		if (r->etag[0]) memcpy(etag, r->etag, sizeof etag);
		else snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)fnv64(r->out.s ? r->out.s : "", r->out.len));
		const char *inm = http_header_in(r, "If-None-Match");
		if (inm && strstr(inm, etag)) {
			status = 304;
			with_body = 0;
		}
		sb_printf(&h, "ETag: %s\r\n", etag);
	}
	if (r->method == M_HEAD || status == 204) with_body = 0;
	sb_printf(&h, "Status: %d %s\r\n", status, http_reason(status));
	if (status != 304 && status != 204)
		sb_printf(&h, "Content-Type: %s\r\nContent-Length: %zu\r\n", r->content_type,
			  r->out.len);
	sb_puts(&h, "X-Content-Type-Options: nosniff\r\n");
	sb_printf(&h, "Referrer-Policy: %s\r\n", r->referrer_policy ? r->referrer_policy : "strict-origin-when-cross-origin");
	sb_printf(&h, "Content-Security-Policy: %s\r\n", r->csp ? r->csp : "frame-ancestors 'self'");
	if (r->https) sb_puts(&h, "Strict-Transport-Security: max-age=31536000\r\n");
	if (r->cache_control) sb_printf(&h, "Cache-Control: %s\r\n", r->cache_control);
	sb_printf(&h, "X-Request-Id: %s\r\n", r->id);
	sb_put(&h, sb_str(&r->headers), r->headers.len);
	sb_puts(&h, "\r\n");
	put(r, h.s, h.len);
	if (with_body) put(r, sb_str(&r->out), r->out.len);
	sb_free(&h);
	if (!r->fout) fflush(stdout);
}

/* Write and flush: 0, or -1 when the client is gone. */
static int put_flush(req *r, const char *s, size_t n)
{
	if (r->stream_gone) return -1;
	int bad;
	if (r->fout) bad = (n && FCGX_PutStr(s, (int)n, r->fout) < 0) || FCGX_FFlush(r->fout) < 0;
	else bad = (n && fwrite(s, 1, n, stdout) != n) || fflush(stdout) == EOF;
	if (bad) r->stream_gone = 1;
	return bad ? -1 : 0;
}

void http_stream_begin(req *r, int status)
{
	if (r->sent) return;
	r->sent = 1;
	r->streaming = 1;
	r->status = status;
	sbuf h = SBUF_INIT;
	sb_printf(&h, "Status: %d %s\r\n", status, http_reason(status));
	sb_puts(&h, "Content-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\n");
	sb_puts(&h, "X-Content-Type-Options: nosniff\r\n");
	sb_printf(&h, "Referrer-Policy: %s\r\n", r->referrer_policy ? r->referrer_policy : "strict-origin-when-cross-origin");
	sb_printf(&h, "Content-Security-Policy: %s\r\n", r->csp ? r->csp : "frame-ancestors 'self'");
	if (r->https) sb_puts(&h, "Strict-Transport-Security: max-age=31536000\r\n");
	sb_printf(&h, "X-Request-Id: %s\r\n", r->id);
	sb_put(&h, sb_str(&r->headers), r->headers.len);
	sb_puts(&h, "\r\n");
	put_flush(r, h.s, h.len);
	sb_free(&h);
}

int http_stream_event(req *r, const char *event, const cJSON *data)
{
	char *j = cJSON_PrintUnformatted(data);
	sbuf e = SBUF_INIT;
	sb_puts(&e, "event: ");
	header_value(&e, event);            /* one line: no CR or LF gets in */
	sb_printf(&e, "\ndata: %s\n\n", j ? j : "null");
	cJSON_free(j);
	int rc = put_flush(r, e.s, e.len);
	sb_free(&e);
	return rc;
}

int http_stream_comment(req *r) { return put_flush(r, ":\n\n", 3); }

void http_stream_end(req *r) { put_flush(r, NULL, 0); }

int http_content_type_is(const char *ct, const char *type)
{
	if (!ct) return 0;
	while (*ct == ' ' || *ct == '\t') ct++;
	size_t n = strlen(type);
	if (strncasecmp(ct, type, n) != 0) return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t') ct++;
	return *ct == 0 || *ct == ';';
}

cJSON *http_json_body(req *r)
{
	if (r->body_too_large) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "limit", (double)cfg.max_body);
		http_error(r, 413, "payload_too_large", d, "request body is larger than %ld bytes", cfg.max_body);
		return NULL;
	}
	/* A body without Content-Type (or text/plain, a form type) is what a
	 * page on another origin can send without a CORS preflight: refused. */
	const char *ct = http_env(r, "CONTENT_TYPE");
	if (!http_content_type_is(ct, "application/json")) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "header", "Content-Type");
		http_error(r, 415, "unsupported_media_type", d,
			   "Content-Type must be application/json, not '%s'", ct && *ct ? ct : "(none)");
		return NULL;
	}
	if (!r->body.len) {
		http_error(r, 400, "invalid_json", NULL, "request body is empty; a JSON object is expected");
		return NULL;
	}
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(r->body.s, r->body.len, &end, 0);
	if (!j) {
		cJSON *d = cJSON_CreateObject();
		long off = end ? (long)(end - r->body.s) : 0;
		cJSON_AddNumberToObject(d, "offset", (double)off);
		http_error(r, 400, "invalid_json", d, "request body is not valid JSON (near byte %ld)", off);
		return NULL;
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		http_error(r, 400, "invalid_json", NULL, "request body must be a JSON object");
		return NULL;
	}
	/* cJSON cuts a string at U+0000 ("a\u0000b" would be stored as "a"):
	 * refuse it here, so every endpoint does. */
	sbuf path = SBUF_INIT;
	if (in_json_nul_path(r->body.s, r->body.len, &path)) {
		cJSON_Delete(j);
		in_fail(r, sb_str(&path), "contains a NUL character (U+0000), which is not allowed");
		sb_free(&path);
		return NULL;
	}
	return j;
}

int http_header_param(const char *v, const char *param, char *out, size_t n)
{
	size_t pl = strlen(param);
	const char *p = v ? strchr(v, ';') : NULL;
	while (p) {
		p++;
		while (*p == ' ' || *p == '\t') p++;
		if (strncasecmp(p, param, pl) == 0 && p[pl] == '=') {
			p += pl + 1;
			size_t k = 0;
			if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1]) p++;
					if (k + 1 < n) out[k++] = *p;
				}
			} else {
				for (; *p && *p != ';' && *p != ' ' && *p != '\t'; p++)
					if (k + 1 < n) out[k++] = *p;
			}
			out[k] = 0;
			return k > 0;
		}
		p = strchr(p, ';');
	}
	return 0;
}

int http_multipart(req *r, http_part *parts, int max, char *err, size_t errlen)
{
	const char *ct = http_env(r, "CONTENT_TYPE");
	char b[80] = "--";
	if (!http_header_param(ct, "boundary", b + 2, sizeof b - 2)) {
		snprintf(err, errlen, "the multipart body has no boundary in its Content-Type");
		return -1;
	}
	size_t bl = strlen(b);
	const char *s = r->body.s ? r->body.s : "", *end = s + r->body.len;
	const char *p = memmem(s, r->body.len, b, bl);
	int n = 0;
	while (p) {
		p += bl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-') return n;   /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') break;
		p += 2;
		const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend) break;
		http_part part;
		memset(&part, 0, sizeof part);
		/* the part's header lines */
		for (const char *l = p; l < hend;) {
			const char *le = memmem(l, (size_t)(hend - l), "\r\n", 2);
			if (!le) le = hend;
			char line[1024];
			snprintf(line, sizeof line, "%.*s", (int)(le - l < 1023 ? le - l : 1023), l);
			if (strncasecmp(line, "Content-Disposition:", 20) == 0) {
				http_header_param(line, "name", part.name, sizeof part.name);
				http_header_param(line, "filename", part.filename, sizeof part.filename);
			} else if (strncasecmp(line, "Content-Type:", 13) == 0) {
				const char *v = line + 13;
				while (*v == ' ') v++;
				snprintf(part.content_type, sizeof part.content_type, "%s", v);
			}
			l = le + 2;
		}
		const char *data = hend + 4;
		/* the data ends at CRLF + the delimiter */
		const char *next = NULL;
		for (const char *q = data; q + bl + 2 <= end;) {
			const char *m = memmem(q, (size_t)(end - q), "\r\n", 2);
			if (!m || m + 2 + bl > end) break;
			if (memcmp(m + 2, b, bl) == 0) { next = m; break; }
			q = m + 1;
		}
		if (!next) break;
		part.data = data;
		part.len = (size_t)(next - data);
		if (n < max) parts[n++] = part;
		p = next + 2;
	}
	snprintf(err, errlen, "the multipart body is cut short or malformed (each part must end with the boundary)");
	return -1;
}
