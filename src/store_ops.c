/* store_ops: the operations side of storefront.fcgi: the analytics beacon
 * of the store's script (analytics.c counts), /healthz and /metrics (ops.c
 * checks and counts). Route rows in main_storefront.c. */
#include "analytics.h"
#include "input.h"
#include "ops.h"
#include "render.h"
#include "store.h"

#include <ctype.h>
#include <string.h>

#define BEACON_PATH_MAX 300     /* longest page path counted */

/* The host of a referrer URL ("https://www.example.com:8080/x" ->
 * "www.example.com"), lower-cased, into out; "" when it has none. */
static void referrer_host(const char *url, char *out, size_t n)
{
	out[0] = 0;
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p) return;
	p += 3;
	const char *at = p + strcspn(p, "/?#");
	const char *cred = memchr(p, '@', (size_t)(at - p));
	if (cred) p = cred + 1;
	size_t len = strcspn(p, ":/?#");
	if (!len || len >= n) return;
	for (size_t i = 0; i < len; i++) {
		char c = (char)tolower((unsigned char)p[i]);
		if (!isalnum((unsigned char)c) && c != '.' && c != '-') { out[0] = 0; return; }
		out[i] = c;
	}
	out[len] = 0;
}

/* Route: POST /api/analytics/view {path, referrer} -- one page view, sent
 * by store.js with navigator.sendBeacon after the page loaded (cached
 * pages count too; the page itself never waits). 204 whether counted or
 * not (bots, a busy database); 422 for a body that is not a view. */
void store_beacon(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	static const char *const fields[] = { "path", "referrer", NULL };
	const char *path = NULL, *ref = NULL;
	if (in_known(r, b, fields, NULL) < 0 ||
	    in_str(r, b, "path", IN_REQUIRED, BEACON_PATH_MAX, &path) < 0 ||
	    in_str(r, b, "referrer", IN_OPTIONAL, IN_URL_MAX, &ref) < 0)
		goto out;
	if (path[0] != '/') {
		in_fail(r, "path", "must be the page's path, starting with '/'");
		goto out;
	}
	for (const char *c = path; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			in_fail(r, "path", "must not contain control characters");
			goto out;
		}
	/* The path only: a query can carry what shoppers typed (searches,
	 * emails in links). */
	char clean[BEACON_PATH_MAX + 1];
	size_t pl = strcspn(path, "?#");
	memcpy(clean, path, pl);
	clean[pl] = 0;
	char host[256];
	referrer_host(ref, host, sizeof host);
	if (!strcmp(host, r->host)) host[0] = 0;     /* a click inside the store */
	const char *ua = http_env(r, "HTTP_USER_AGENT");
	if (!analytics_is_bot(ua)) {
		analytics_view v = { r->remote_addr, ua, clean, host, render_device(r) };
		if (analytics_count(r->t.id, &v) == 0) ops_count("analytics_views", 1);
		else ops_count("analytics_views_dropped", 1);
	}
	r->status = 204;
out:
	cJSON_Delete(b);
}

static int operator_only(req *r)
{
	r->json_errors = 1;
	if (ops_metrics_allowed(r)) return 0;
	http_error(r, 403, "forbidden", NULL, "%s answers loopback clients or the metrics token (Authorization: Bearer)",
		   r->path);
	return -1;
}

/* Route: GET /healthz -- 200 when the database takes a write, the render
 * sandbox's zygote is alive, the disk has room and the deliverer keeps up;
 * else 503 naming the failed checks. For loopback or the metrics token
 * (each call writes to the database). */
void ops_healthz(req *r)
{
	if (operator_only(r) < 0) return;
	int ok;
	cJSON *h = ops_health(1, &ok);
	http_json(r, ok ? 200 : 503, h);
}

/* Route: GET /metrics -- Prometheus text, for loopback or the metrics token. */
void ops_metrics_page(req *r)
{
	if (operator_only(r) < 0) return;
	http_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
	ops_metrics(&r->out);
}
