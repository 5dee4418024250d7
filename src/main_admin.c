/* admin.cgi: the CMS API under /api/cms/, JSON in and out, for the TAR POS
 * app and the web editor, and the operator's API under /api/platform/.
 * Every /api/cms/ route but login needs "Authorization: Bearer TOKEN" or,
 * on the admin host only (cfg.admin_host, where no merchant HTML is ever
 * served), a session cookie (plus a same-origin request and X-CSRF-Token
 * on writes); the tenant comes from the credentials, never from the
 * request. The tables in admin_routes.c are
 * the whole API: methods, path, handler, flags, roles, resource. */
#include "server.h"
#include "route.h"
#include "admin_access.h"
#include "platform.h"
#include "auth.h"
#include "session.h"
#include "quota.h"
#include "schedule.h"
#include "log.h"
#include "render.h"
#include "config.h"
#include "ratelimit.h"

#include <stdio.h>
#include <string.h>

/* The row, enforced: its bucket (per IP, before any work), then for an
 * R_AUTH row the credentials (a Bearer token wins; a bad one is not
 * rescued by a cookie; a cookie counts on the admin host only), for every
 * unsafe method under a cookie a same-origin request and the CSRF token,
 * the store the credentials name (R_TENANT), the row's roles, a suspended
 * store's read-only mode (R_WRITE), and seed limits. A row without R_AUTH
 * (login) is open. Caching (R_NOSTORE) is set by route_dispatch. */
static int gate(req *r, const route *rt)
{
	if (rt->bucket && ratelimit_check(r, rt->bucket) < 0) return -1;
	if (!(rt->flags & R_AUTH)) return 0;
	char csrf[65] = "";
	int by_cookie = 0;
	if (http_env(r, "HTTP_AUTHORIZATION")) {
		if (auth_bearer(r) < 0) goto unauthorized;
	} else if (!session_admin_host(r)) {
		http_header(r, "WWW-Authenticate", "Bearer realm=\"storefront\"");
		http_error(r, 401, "unauthorized", NULL,
			   "on a store's host the admin API takes only 'Authorization: Bearer TOKEN'; "
			   "browser sessions are signed in at %s", cfg.admin_host);
		return -1;
	} else if (session_auth(r, csrf) == 0) {
		by_cookie = 1;
	} else {
		goto unauthorized;
	}
	int unsafe = r->method != M_GET && r->method != M_HEAD;
	if (by_cookie && unsafe && http_cross_origin(r)) {
		http_error(r, 403, "cross_site_request", NULL,
			   "a cookie-authenticated %s must come from a page of %s itself", r->method_str, cfg.admin_host);
		return -1;
	}
	if (by_cookie && unsafe && !session_csrf_ok(r, csrf)) {
		http_error(r, 403, "csrf_failed", NULL,
			   "a cookie-authenticated %s needs the session's CSRF token in the X-CSRF-Token header", r->method_str);
		return -1;
	}
	if ((rt->flags & R_TENANT) && !r->t.id) {
		http_error(r, 403, "forbidden", NULL, "these credentials belong to no store");
		return -1;
	}
	if (rt->roles && !(rt->roles & auth_role_bit(r->who.role))) {
		http_error(r, 403, "forbidden", NULL, "the %s role may not %s %s", r->who.role, r->method_str, rt->pattern);
		return -1;
	}
	if ((rt->flags & R_WRITE) && strcmp(r->t.status, "active") != 0) {
		http_error(r, 423, "store_suspended", NULL,
			   "this store is suspended: the admin is read-only until the platform resumes it");
		return -1;
	}
	if ((rt->flags & R_WRITE) && server_read_only(r) < 0) return -1;
	if ((rt->flags & R_WRITE) && quota_gate(r, rt) < 0) return -1;
	/* What was due is live before the editor looks (schedule.h): the API
	 * never shows a time that has passed as still scheduled. */
	if (r->t.id && sched_run_due(r->t.id) < 0) log_warn("scheduled publishes could not be applied now");
	return 0;
unauthorized:
	http_header(r, "WWW-Authenticate", "Bearer realm=\"storefront\"");
	http_error(r, 401, "unauthorized", NULL,
		   "a valid 'Authorization: Bearer TOKEN' header or a signed-in session is required");
	return -1;
}

static void handle(req *r)
{
	r->json_errors = 1;
	r->csp = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
	r->cache_control = "no-store";   /* the default for answers before a row (400, 404, 405) */
	if (r->bad_request) {
		http_error(r, 400, "bad_request", NULL, "the address is not valid (bad percent-encoding or UTF-8)");
		return;
	}
	if (str_startswith(r->path, "/api/platform/"))
		route_dispatch(r, platform_routes, platform_nroutes, plat_gate);
	else
		route_dispatch(r, admin_routes, admin_nroutes, gate);
}

int main(int argc, char **argv)
{
	static const server_prog prog = { "admin", 1, NULL, handle, NULL };
	http_set_error_page(render_error_page);
	return server_main(&prog, argc, argv);
}
