/* net: outgoing connections over libcurl, never inside a database
 * transaction: HTTP POST (payment gateway, POS webhooks) and SMTP sends
 * (order emails), one at a time (the payment intent at checkout, with its
 * own short budget) or many at once (the deliverer, `storefront deliver`).
 * Timeouts: the caller's, else cfg.http_timeout_ms. */
#ifndef NET_H
#define NET_H
#include "util.h"
#include <sys/socket.h>

/* Store-given URLs (POS webhooks, the gateway's apiBase) are fetched only
 * from public addresses: not loopback, private, link-local, CGNAT,
 * multicast or unspecified, unless cfg.outbound_private allows it (tests,
 * a POS on the same network). 1 when sa may be connected to. */
int net_addr_public(const struct sockaddr *sa);

/* POST body to url with extra header lines (NULL-terminated, may be NULL)
 * within timeout_ms (0: cfg.http_timeout_ms). 0 with *status and the
 * response in resp, or -1 with err (no answer in time). */
int net_post(const char *url, const char *const *headers, const char *body, long timeout_ms, long *status,
	     sbuf *resp, char *err, size_t errlen);
/* POST body to url and hand the answer over as it arrives: on_data gets
 * each piece of a 2xx answer (an error answer is kept, up to 4 KB, in
 * resp); keep_on is asked every few hundred milliseconds and whenever
 * data arrives whether to go on (0 stops the call at once). Either may
 * stop the call by returning 0 / -1. 0 with *status (stopped by a callback:
 * 0 too, *stopped set), or -1 with err (no answer in time, a lost
 * connection). */
typedef struct net_stream_cb {
	int (*on_data)(void *ud, const char *p, size_t n);   /* 0 go on, -1 stop */
	int (*keep_on)(void *ud);                            /* 1 go on, 0 stop */
	void *ud;
} net_stream_cb;
int net_post_stream(const char *url, const char *const *headers, const char *body, long timeout_ms,
		    const net_stream_cb *cb, long *status, int *stopped, sbuf *resp, char *err, size_t errlen);
/* GET url (http or https, up to 3 redirects, each hop through the same
 * public-address guard) within timeout_ms (0: cfg.http_timeout_ms), taking
 * at most max bytes of body: 0 with *status and the body in resp (and the
 * Content-Type in ctype when not NULL), or -1 with err (no answer, or a
 * body over max). */
int net_get(const char *url, size_t max, long timeout_ms, long *status, sbuf *resp, char *ctype, size_t ctlen,
	    char *err, size_t errlen);
/* Send one RFC 5322 message over SMTP (smtp://host:port): 0 or -1 with err. */
int net_smtp_send(const char *url, const char *from, const char *to, const char *message, char *err, size_t errlen);

/* Many calls in flight in one process: start them, wait, collect each as
 * it finishes (with the ud it was started with). */
typedef struct net_call net_call;
typedef struct net_multi net_multi;
net_multi *net_multi_new(void);
void net_multi_free(net_multi *m);          /* abandons calls still in flight */
/* Start a POST / an SMTP send: 0, or -1 with err (nothing started). */
int net_multi_post(net_multi *m, const char *url, const char *const *headers, const char *body, long timeout_ms,
		   void *ud, char *err, size_t errlen);
int net_multi_smtp(net_multi *m, const char *url, const char *from, const char *to, const char *message,
		   long timeout_ms, void *ud, char *err, size_t errlen);
/* Move the calls on, waiting up to ms for one to need attention; returns
 * how many are not yet collected. */
int net_multi_wait(net_multi *m, int ms);
/* A finished call: 1 (answered: *status, the body appended to resp when
 * not NULL) or -1 (no answer: err), with *ud; 0 when none has finished. */
int net_multi_next(net_multi *m, void **ud, long *status, sbuf *resp, char *err, size_t errlen);
#endif
