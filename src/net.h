/* net: outgoing connections over libcurl, used after a response or from
 * `storefront deliver`, never inside a database transaction: HTTP POST
 * (payment gateway, POS webhooks) and SMTP sends (order emails). Timeouts
 * from cfg.http_timeout_ms. */
#ifndef NET_H
#define NET_H
#include "util.h"
#include <sys/socket.h>

/* Store-given URLs (POS webhooks, the gateway's apiBase) are fetched only
 * from public addresses: not loopback, private, link-local, CGNAT,
 * multicast or unspecified, unless cfg.outbound_private allows it (tests,
 * a POS on the same network). 1 when sa may be connected to. */
int net_addr_public(const struct sockaddr *sa);

/* POST body to url with extra header lines (NULL-terminated, may be NULL).
 * 0 with *status and the response in resp, or -1 with err (no answer). */
int net_post(const char *url, const char *const *headers, const char *body, long *status, sbuf *resp,
	     char *err, size_t errlen);
/* Send one RFC 5322 message over SMTP (smtp://host:port): 0 or -1 with err. */
int net_smtp_send(const char *url, const char *from, const char *to, const char *message, char *err, size_t errlen);
#endif
