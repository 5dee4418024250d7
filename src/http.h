/* http: one request and its buffered response. Parses the CGI/FastCGI
 * environment (method, path, query, cookies, body within limits), and
 * sends status, headers and body in one place: Content-Length, ETag/304,
 * security headers, and the JSON error format of DESIGN §6. */
#ifndef HTTP_H
#define HTTP_H
#include "util.h"
#include "tenant.h"
#include <cJSON.h>
#include <stdint.h>

typedef struct kv { char *k, *v; } kv;

enum { M_GET = 1, M_POST = 2, M_PUT = 4, M_PATCH = 8, M_DELETE = 16, M_HEAD = 32, M_OPTIONS = 64 };

typedef struct auth {
	int64_t user_id;            /* 0 = not signed in */
	int64_t token_id;           /* API token used, 0 for a session */
	int64_t session_id;
	char email[256];
	char role[16];              /* owner | editor | staff */
} auth;

typedef struct req {
	/* input */
	char **env;
	const char *method_str;
	int method;                 /* M_* */
	char *path;                 /* percent-decoded, starts with '/' */
	char *raw_path;
	const char *query_string;
	kv *query; int nquery;
	kv *cookies; int ncookies;
	sbuf body;
	long content_length;
	int body_too_large;
	int bad_request;            /* unparseable path/query: answered 400 */
	char host[256];             /* normalised; "" when absent or invalid */
	char host_port[8];          /* the port the client named in Host (or the proxy's X-Forwarded-Host); "" = default */
	const char *remote_addr;    /* the client: REMOTE_ADDR, or from the trusted proxy its X-Forwarded-For */
	char fwd_addr[64];
	int https;
	char id[17];                /* request id */
	int64_t t0;                 /* monotonic usec at start */

	/* routing */
	const char *params[4];      /* :name segments, in order */
	int nparams;
	const struct route *route;

	/* who */
	tenant t;
	auth who;
	int64_t customer_id;        /* the store's signed-in shopper (store_customer), 0 = none */
	int customer_known;         /* customer_id was looked up */
	char customer_csrf[65];
	int currency_known;         /* presentment currency looked up (store_presentment) */
	char currency[8];           /* the shopper's currency, "" = the store's own */
	double currency_rate;
	char currency_rounding[8];
	char currency_rate_text[32];
	int currency_charge;        /* the store charges in it (currencies[].charge) */
	int json_errors;            /* errors as JSON (API) rather than HTML */

	/* response */
	int status;
	char content_type[80];
	sbuf headers;               /* extra header lines, each ending \r\n */
	sbuf out;
	int no_etag;
	char etag[24];              /* precomputed ETag of out (a cached page); "": from the bytes */
	int sent;
	const char *csp;            /* Content-Security-Policy; default per program */
	const char *cache_control;  /* Cache-Control (the route row's policy); NULL: none */
	const char *referrer_policy; /* NULL: strict-origin-when-cross-origin */

	/* transport */
	void *fin, *fout;           /* FCGX_Stream*, or NULL for CGI stdio */
	int streaming;              /* http_stream_begin wrote the head: the body goes out as events */
	int stream_gone;            /* a write of the stream failed: the client went away */
} req;

/* Error pages for HTML requests are rendered by the program (templates). */
typedef void (*http_error_page_fn)(req *r, int status, const char *title, const char *message);
void http_set_error_page(http_error_page_fn fn);

/* Set up r from an environment; reads the body (up to cfg.max_body). */
void http_begin(req *r, char **env, void *fin, void *fout);
/* A body over cfg.max_body was left unread (body_too_large): read it
 * when it is at most limit bytes (uploads). 0, or -1 when it is larger. */
int http_read_large_body(req *r, long limit);
void http_end(req *r);         /* frees everything owned by r */

const char *http_env(req *r, const char *name);
const char *http_query(req *r, const char *name);   /* decoded or NULL */
/* Cookies by our name: __Host-NAME under https (see HTTP_COOKIE_PREFIX),
 * NAME over http. A name can come several times (a sibling store may set
 * one on the parent domain ahead of ours): http_cookie gives the first,
 * http_cookie_next each in turn (pos starts at 0; NULL at the end), and
 * whoever looks a value up should try them all. */
#define HTTP_COOKIE_PREFIX "__Host-"
const char *http_cookie(req *r, const char *name);
const char *http_cookie_next(req *r, const char *name, int *pos);
const char *http_header_in(req *r, const char *name); /* "If-None-Match" etc. */
int http_method_bit(const char *m);
/* 1 when a browser says the request comes from a page of another origin:
 * Sec-Fetch-Site other than same-origin or none (same-site is a sibling
 * store), or an Origin (also "null") whose host is not the request's.
 * Requests with neither header (curl, the app, servers) pass: 0. */
int http_cross_origin(req *r);
const char *http_reason(int status);

/* Response building. Headers that http_send writes itself (Content-Type,
 * Content-Length, ETag, Cache-Control -- set r->cache_control --, and the
 * security headers) are not added here: such a call is refused (logged),
 * so no response carries one of them twice. */
void http_header(req *r, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Set-Cookie NAME (__Host-NAME and Secure under https); always Path=/ and
 * no Domain: a cookie belongs to the one host that set it. */
void http_set_cookie(req *r, const char *name, const char *value, long max_age, int http_only, const char *same_site);
void http_content_type(req *r, const char *ct);
void http_json(req *r, int status, cJSON *body);        /* takes ownership of body */
void http_redirect(req *r, int status, const char *location);
/* An error: JSON {"error":{code,message,details,timestamp,requestId}} or
 * the HTML error page. Replaces whatever body was built. details may be
 * NULL; ownership passes. */
void http_error(req *r, int status, const char *code, cJSON *details, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void http_send(req *r);

/* A streamed reply (server-sent events), the one other way out: begin
 * writes the status and headers at once (Content-Type text/event-stream,
 * Cache-Control no-store, X-Accel-Buffering no, no Content-Length, the
 * security headers) and marks r sent; each event is written and flushed
 * as "event: NAME\ndata: JSON\n\n" (data printed unformatted, so on one
 * line); a comment line keeps the connection alive and finds a client
 * that has gone. Both return 0, or -1 once a write failed (the client went
 * away: stop working for it). */
void http_stream_begin(req *r, int status);
int http_stream_event(req *r, const char *event, const cJSON *data);
int http_stream_comment(req *r);
void http_stream_end(req *r);

/* multipart/form-data (RFC 7578): the parts of r's body, their data
 * pointing into r->body. Returns how many (at most max), or -1 with the
 * problem in err (no boundary, a part without its end...). */
typedef struct http_part {
	char name[64];          /* the form field */
	char filename[256];     /* "" when the part is not a file */
	char content_type[100];
	const char *data;
	size_t len;
} http_part;
int http_multipart(req *r, http_part *parts, int max, char *err, size_t errlen);
/* A parameter of a header value (filename="a.jpg" in Content-Disposition,
 * boundary= in Content-Type): 1 with it in out, else 0. */
int http_header_param(const char *value, const char *param, char *out, size_t n);

/* A form body (application/x-www-form-urlencoded) as decoded pairs, or
 * -1 after answering 413/415/400. Free with http_pairs_free. */
int http_form_body(req *r, kv **out, int *n);
void http_pairs_free(kv *p, int n);
const char *http_pair(const kv *p, int n, const char *name);   /* first value or NULL */
/* 1 when a Content-Type header value is the media type (any parameters). */
int http_content_type_is(const char *ct, const char *type);
/* Parse the body as a JSON object, or answer 400/413/415 and return NULL.
 * Content-Type must be application/json (else 415), body or not. */
cJSON *http_json_body(req *r);
#endif
