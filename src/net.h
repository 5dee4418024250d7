/* net: outgoing connections over libcurl, used after a response or from
 * `storefront deliver`, never inside a database transaction: HTTP POST
 * (payment gateway, POS webhooks) and SMTP sends (order emails). Timeouts
 * from cfg.http_timeout_ms. */
#ifndef NET_H
#define NET_H
#include "util.h"

/* POST body to url with extra header lines (NULL-terminated, may be NULL).
 * 0 with *status and the response in resp, or -1 with err (no answer). */
int net_post(const char *url, const char *const *headers, const char *body, long *status, sbuf *resp,
	     char *err, size_t errlen);
/* Send one RFC 5322 message over SMTP (smtp://host:port): 0 or -1 with err. */
int net_smtp_send(const char *url, const char *from, const char *to, const char *message, char *err, size_t errlen);
#endif
