/* net: libcurl HTTP POST and SMTP send (see net.h). */
#include "net.h"
#include "config.h"

#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void init_once(void)
{
	static int done;
	if (!done) { curl_global_init(CURL_GLOBAL_DEFAULT); done = 1; }
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	sbuf *b = ud;
	if (b->len + size * n > (4u << 20)) return 0;   /* a reply this big is not for us */
	sb_put(b, p, size * n);
	return size * n;
}

static int v4_public(uint32_t a)          /* host byte order */
{
	uint8_t b0 = (uint8_t)(a >> 24), b1 = (uint8_t)(a >> 16);
	if (b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224) return 0;           /* this net, private, loopback, multicast, reserved */
	if (b0 == 169 && b1 == 254) return 0;                                   /* link-local (cloud metadata) */
	if (b0 == 172 && (b1 & 0xf0) == 16) return 0;
	if (b0 == 192 && b1 == 168) return 0;
	if (b0 == 100 && (b1 & 0xc0) == 64) return 0;                           /* CGNAT */
	if (b0 == 192 && b1 == 0 && (uint8_t)(a >> 8) == 0) return 0;           /* IETF protocol assignments */
	if (b0 == 198 && (b1 & 0xfe) == 18) return 0;                           /* benchmarking */
	return 1;
}

int net_addr_public(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_public(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	if (sa->sa_family != AF_INET6) return 0;
	const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (memcmp(b, mapped, 12) == 0)
		return v4_public((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15]);
	int zero = 1;
	for (int i = 0; i < 15; i++) if (b[i]) zero = 0;
	if (zero) return 0;                                         /* :: and ::1 */
	if ((b[0] & 0xfe) == 0xfc) return 0;                        /* unique local fc00::/7 */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return 0;        /* link-local fe80::/10 */
	if (b[0] == 0xff) return 0;                                 /* multicast */
	return 1;
}

typedef struct { const char *p; size_t left; } reader;

static size_t on_read(char *buf, size_t size, size_t n, void *ud)
{
	reader *r = ud;
	size_t k = size * n < r->left ? size * n : r->left;
	memcpy(buf, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

typedef struct { int refused; } guard;

static curl_socket_t open_guarded(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	guard *g = ud;
	if (!cfg.outbound_private && (purpose != CURLSOCKTYPE_IPCXN || !net_addr_public(&a->addr))) {
		g->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* One outgoing request: the easy handle and everything it points at
 * (curl keeps pointers to the header lists, the guard and the reader). */
struct net_call {
	CURL *c;
	struct curl_slist *h, *rcpt;
	guard g;
	reader rd;
	char *msg;              /* SMTP: the message the reader walks */
	sbuf resp;
	void *ud;
	struct net_call *next;
};

static void call_free(net_call *k)
{
	if (!k) return;
	if (k->c) curl_easy_cleanup(k->c);
	curl_slist_free_all(k->h);
	curl_slist_free_all(k->rcpt);
	free(k->msg);
	sb_free(&k->resp);
	free(k);
}

static long timeout_of(long timeout_ms) { return timeout_ms > 0 ? timeout_ms : cfg.http_timeout_ms; }

static net_call *post_call(const char *url, const char *const *headers, const char *body, long timeout_ms,
			   char *err, size_t errlen)
{
	init_once();
	net_call *k = xcalloc(1, sizeof *k);
	k->c = curl_easy_init();
	if (!k->c) { snprintf(err, errlen, "curl_easy_init failed"); free(k); return NULL; }
	for (int i = 0; headers && headers[i]; i++) k->h = curl_slist_append(k->h, headers[i]);
	k->h = curl_slist_append(k->h, "Expect:");
	CURL *c = k->c;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, k->h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_of(timeout_ms));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "storefront/1");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &k->resp);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_guarded);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &k->g);
	curl_easy_setopt(c, CURLOPT_PRIVATE, k);
	return k;
}

static net_call *smtp_call(const char *url, const char *from, const char *to, const char *message, long timeout_ms,
			   char *err, size_t errlen)
{
	init_once();
	net_call *k = xcalloc(1, sizeof *k);
	k->c = curl_easy_init();
	if (!k->c) { snprintf(err, errlen, "curl_easy_init failed"); free(k); return NULL; }
	char f[300], t[300];
	snprintf(f, sizeof f, "<%s>", from);
	snprintf(t, sizeof t, "<%s>", to);
	k->rcpt = curl_slist_append(NULL, t);
	k->msg = xstrdup(message);
	k->rd.p = k->msg;
	k->rd.left = strlen(k->msg);
	CURL *c = k->c;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, f);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, k->rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &k->rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_of(timeout_ms));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PRIVATE, k);
	return k;
}

/* The outcome of a finished call: 0 with *status, or -1 with err. */
static int outcome(net_call *k, CURLcode rc, long *status, char *err, size_t errlen)
{
	if (rc != CURLE_OK) {
		if (k->g.refused) snprintf(err, errlen, "refused: the address is not public (loopback, private or link-local)");
		else snprintf(err, errlen, "%s", curl_easy_strerror(rc));
		return -1;
	}
	if (status) curl_easy_getinfo(k->c, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

int net_post(const char *url, const char *const *headers, const char *body, long timeout_ms, long *status,
	     sbuf *resp, char *err, size_t errlen)
{
	net_call *k = post_call(url, headers, body, timeout_ms, err, errlen);
	if (!k) return -1;
	int ret = outcome(k, curl_easy_perform(k->c), status, err, errlen);
	if (ret == 0 && k->resp.len) sb_put(resp, k->resp.s, k->resp.len);
	call_free(k);
	return ret;
}

typedef struct { net_call *k; const net_stream_cb *cb; sbuf *err_body; int stopped; } streamer;

static size_t on_stream(char *p, size_t size, size_t n, void *ud)
{
	streamer *s = ud;
	long status = 0;
	curl_easy_getinfo(s->k->c, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {             /* an error's body: kept for the log, not streamed */
		if (s->err_body->len < 4096) sb_put(s->err_body, p, size * n < 4096 ? size * n : 4096);
		return size * n;
	}
	if (s->cb->on_data(s->cb->ud, p, size * n) < 0) { s->stopped = 1; return 0; }
	return size * n;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt; (void)dn; (void)ut; (void)un;
	streamer *s = ud;
	if (s->cb->keep_on && !s->cb->keep_on(s->cb->ud)) { s->stopped = 1; return 1; }
	return 0;
}

int net_post_stream(const char *url, const char *const *headers, const char *body, long timeout_ms,
		    const net_stream_cb *cb, long *status, int *stopped, sbuf *resp, char *err, size_t errlen)
{
	*stopped = 0;
	net_call *k = post_call(url, headers, body, timeout_ms, err, errlen);
	if (!k) return -1;
	streamer s = { k, cb, resp, 0 };
	curl_easy_setopt(k->c, CURLOPT_WRITEFUNCTION, on_stream);
	curl_easy_setopt(k->c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(k->c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(k->c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(k->c, CURLOPT_XFERINFODATA, &s);
	CURLcode rc = curl_easy_perform(k->c);
	int ret;
	if (s.stopped) {
		*stopped = 1;
		ret = 0;
		if (status) curl_easy_getinfo(k->c, CURLINFO_RESPONSE_CODE, status);
	} else {
		ret = outcome(k, rc, status, err, errlen);
	}
	call_free(k);
	return ret;
}

typedef struct { sbuf *b; size_t max; int over; } capped;

static size_t on_capped(char *p, size_t size, size_t n, void *ud)
{
	capped *c = ud;
	if (c->b->len + size * n > c->max) { c->over = 1; return 0; }
	sb_put(c->b, p, size * n);
	return size * n;
}

int net_get(const char *url, size_t max, long timeout_ms, long *status, sbuf *resp, char *ctype, size_t ctlen,
	    char *err, size_t errlen)
{
	init_once();
	net_call *k = xcalloc(1, sizeof *k);
	k->c = curl_easy_init();
	if (!k->c) { snprintf(err, errlen, "curl_easy_init failed"); free(k); return -1; }
	CURL *c = k->c;
	capped cap = { resp, max, 0 };
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_of(timeout_ms));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "storefront/1");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_capped);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &cap);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_guarded);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &k->g);
	int ret = outcome(k, curl_easy_perform(c), status, err, errlen);
	if (cap.over) { snprintf(err, errlen, "the answer is larger than %zu bytes", max); ret = -1; }
	if (ctype && ctlen) {
		char *ct = NULL;
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
		snprintf(ctype, ctlen, "%s", ct ? ct : "");
	}
	call_free(k);
	return ret;
}

int net_smtp_send(const char *url, const char *from, const char *to, const char *message, char *err, size_t errlen)
{
	net_call *k = smtp_call(url, from, to, message, 0, err, errlen);
	if (!k) return -1;
	int ret = outcome(k, curl_easy_perform(k->c), NULL, err, errlen);
	call_free(k);
	return ret;
}

/* ---- many calls at once ---- */

struct net_multi {
	CURLM *m;
	net_call *calls;        /* in flight */
	int running;
};

net_multi *net_multi_new(void)
{
	init_once();
	net_multi *m = xcalloc(1, sizeof *m);
	m->m = curl_multi_init();
	if (!m->m) { free(m); return NULL; }
	return m;
}

void net_multi_free(net_multi *m)
{
	if (!m) return;
	while (m->calls) {
		net_call *k = m->calls;
		m->calls = k->next;
		curl_multi_remove_handle(m->m, k->c);
		call_free(k);
	}
	curl_multi_cleanup(m->m);
	free(m);
}

static int start(net_multi *m, net_call *k, void *ud, char *err, size_t errlen)
{
	if (!k) return -1;
	k->ud = ud;
	if (curl_multi_add_handle(m->m, k->c) != CURLM_OK) {
		snprintf(err, errlen, "curl_multi_add_handle failed");
		call_free(k);
		return -1;
	}
	k->next = m->calls;
	m->calls = k;
	m->running++;
	return 0;
}

int net_multi_post(net_multi *m, const char *url, const char *const *headers, const char *body, long timeout_ms,
		   void *ud, char *err, size_t errlen)
{
	return start(m, post_call(url, headers, body, timeout_ms, err, errlen), ud, err, errlen);
}

int net_multi_smtp(net_multi *m, const char *url, const char *from, const char *to, const char *message,
		   long timeout_ms, void *ud, char *err, size_t errlen)
{
	return start(m, smtp_call(url, from, to, message, timeout_ms, err, errlen), ud, err, errlen);
}

int net_multi_wait(net_multi *m, int ms)
{
	int still = 0;
	curl_multi_perform(m->m, &still);
	if (still > 0 && ms > 0) {
		curl_multi_poll(m->m, NULL, 0, ms, NULL);
		curl_multi_perform(m->m, &still);
	}
	return m->running;
}

int net_multi_next(net_multi *m, void **ud, long *status, sbuf *resp, char *err, size_t errlen)
{
	int left;
	CURLMsg *msg;
	while ((msg = curl_multi_info_read(m->m, &left))) {
		if (msg->msg != CURLMSG_DONE) continue;
		net_call *k = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&k);
		CURLcode rc = msg->data.result;
		curl_multi_remove_handle(m->m, k->c);
		for (net_call **pp = &m->calls; *pp; pp = &(*pp)->next)
			if (*pp == k) { *pp = k->next; break; }
		m->running--;
		*status = 0;
		*ud = k->ud;
		int ret = outcome(k, rc, status, err, errlen);
		if (ret == 0 && resp && k->resp.len) sb_put(resp, k->resp.s, k->resp.len);
		call_free(k);
		return ret == 0 ? 1 : -1;
	}
	return 0;
}
