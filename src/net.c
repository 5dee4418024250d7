/* net: libcurl HTTP POST and SMTP send (see net.h). */
#include "net.h"
#include "config.h"

#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
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

int net_post(const char *url, const char *const *headers, const char *body, long *status, sbuf *resp,
	     char *err, size_t errlen)
{
	init_once();
	CURL *c = curl_easy_init();
	if (!c) { snprintf(err, errlen, "curl_easy_init failed"); return -1; }
	struct curl_slist *h = NULL;
	for (int i = 0; headers && headers[i]; i++) h = curl_slist_append(h, headers[i]);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg.http_timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "storefront/1");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	guard g = { 0 };
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_guarded);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &g);
	CURLcode rc = curl_easy_perform(c);
	int ret = 0;
	if (rc != CURLE_OK) {
		if (g.refused) snprintf(err, errlen, "refused: the address is not public (loopback, private or link-local)");
		else snprintf(err, errlen, "%s", curl_easy_strerror(rc));
		ret = -1;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return ret;
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

int net_smtp_send(const char *url, const char *from, const char *to, const char *message, char *err, size_t errlen)
{
	init_once();
	CURL *c = curl_easy_init();
	if (!c) { snprintf(err, errlen, "curl_easy_init failed"); return -1; }
	char f[300], t[300];
	snprintf(f, sizeof f, "<%s>", from);
	snprintf(t, sizeof t, "<%s>", to);
	struct curl_slist *rcpt = curl_slist_append(NULL, t);
	reader rd = { message, strlen(message) };
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, f);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg.http_timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(c);
	int ret = 0;
	if (rc != CURLE_OK) { snprintf(err, errlen, "%s", curl_easy_strerror(rc)); ret = -1; }
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return ret;
}
