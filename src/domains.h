/* domains: custom domains of stores. Checking a name a merchant gives,
 * proving control of it (DNS TXT record _tarpos-verify.{domain} through
 * res_query, or the file http://{domain}/.well-known/tarpos-verify/{token}
 * through libcurl, never to private addresses), the primary hostname of a
 * store, and the TLS `ask` answer for Caddy's on-demand certificates. */
#ifndef DOMAINS_H
#define DOMAINS_H
#include "http.h"
#include <stdint.h>
#include <sys/socket.h>

#define DOMAIN_TXT_PREFIX "_tarpos-verify."
#define DOMAIN_WELL_KNOWN "/.well-known/tarpos-verify/"

/* Normalise a custom domain into out (lower-case, no trailing dot). NULL,
 * or what is wrong: not a DNS name, one label, an IP, Unicode (give the
 * xn-- form), or under the platform's own base domain. */
const char *domain_problem(const char *in, char *out, size_t n);

/* Checks: 1 proven, 0 not (why in err), never a partial answer. */
int domain_check_dns(const char *domain, const char *token, char *err, size_t errlen);
int domain_check_http(const char *domain, const char *token, char *err, size_t errlen);

/* 1 when an address is one the HTTP check may connect to (not loopback,
 * private, link-local, CGNAT, multicast or unspecified). */
int domain_addr_public(const struct sockaddr *sa);

/* 1 when a host may get a certificate: {username}.{base_domain} of an
 * active store, a verified custom domain of an active store, or the admin
 * host (cfg.admin_host). */
int domain_tls_allowed(const char *host);
/* Route: GET /api/tls/ask?domain=D -- 200 or 404, no tenant Host needed. */
void domain_ask(req *r);

/* The store's chosen primary (a verified custom domain) into out: 1, or 0
 * when the store has none (its subdomain is primary). */
int domain_primary(int64_t tid, char *out, size_t n);
#endif
