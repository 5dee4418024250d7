/* route: match a path against a route table and dispatch. */
#include "route.h"
#include <stdlib.h>
#include <string.h>
#include <errno.h>

/* Params point into scratch, a copy of the path split at '/'. */
int route_match(const char *pattern, const char *path, const char **params, int *nparams,
		char *scratch, size_t scratch_len)
{
	size_t plen = strlen(path);
	if (plen >= scratch_len) return 0;
	memcpy(scratch, path, plen + 1);
	*nparams = 0;
	const char *p = pattern;
	char *s = scratch;
	while (*p && *s) {
		if (*p != '/' || *s != '/') return 0;
		p++; s++;
		const char *pend = strchr(p, '/');
		size_t pl = pend ? (size_t)(pend - p) : strlen(p);
		char *send = strchr(s, '/');
		size_t sl = send ? (size_t)(send - s) : strlen(s);
		if (*p == ':') {
			if (sl == 0 || *nparams >= 4) return 0;
			params[(*nparams)++] = s;
		} else if (pl != sl || strncmp(p, s, pl) != 0) {
			return 0;
		}
		p += pl;
		s += sl;
	}
	if (*p || *s) return 0;
	/* NUL-terminate parameters: every '/' after a param start ends it. */
	for (int i = 0; i < *nparams; i++) {
		char *e = strchr((char *)params[i], '/');
		if (e) *e = 0;
	}
	return 1;
}

int64_t route_id(req *r, int i)
{
	if (i >= r->nparams) return 0;
	const char *s = r->params[i];
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0 || s[0] == '+' || s[0] == ' ') return 0;
	return (int64_t)v;
}

static char scratch[4096];

const route *route_find(req *r, const route *table, size_t n)
{
	int m = r->method == M_HEAD ? M_GET : r->method;
	for (size_t i = 0; i < n; i++) {
		const char *params[4];
		int np;
		if ((table[i].methods & m) && route_match(table[i].pattern, r->path, params, &np, scratch, sizeof scratch))
			return &table[i];
	}
	return NULL;
}

const route *route_dispatch(req *r, const route *table, size_t n, route_gate_fn gate)
{
	int allowed = 0;
	for (size_t i = 0; i < n; i++) {
		const char *params[4];
		int np;
		if (!route_match(table[i].pattern, r->path, params, &np, scratch, sizeof scratch))
			continue;
		int m = r->method == M_HEAD ? M_GET : r->method;
		if (!(table[i].methods & m)) {
			allowed |= table[i].methods;
			continue;
		}
		memcpy(r->params, params, sizeof params);
		r->nparams = np;
		r->route = &table[i];
		if (table[i].flags & R_REVALIDATE) {
			r->cache_control = "private, no-cache";
			r->no_etag = 0;
		} else if (table[i].flags & R_NOSTORE) {
			r->cache_control = "no-store";
			r->no_etag = 1;
		}
		if (gate && gate(r, &table[i]) < 0) return NULL;
		table[i].fn(r);
		return &table[i];
	}
	if (allowed) {
		sbuf a = SBUF_INIT;
		static const char *names[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };
		for (int b = 0; b < 5; b++)
			if (allowed & (1 << b)) { if (a.len) sb_puts(&a, ", "); sb_puts(&a, names[b]); }
		http_header(r, "Allow", "%s", sb_str(&a));
		http_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on %s; allowed: %s",
			   r->method_str, r->path, sb_str(&a));
		sb_free(&a);
		return NULL;
	}
	http_error(r, 404, "not_found", NULL, "no such page: %s", r->path);
	return NULL;
}
