/* net: libcurl HTTP POST and SMTP send (see net.h). */
#include "net.h"
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

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
	CURLcode rc = curl_easy_perform(c);
	int ret = 0;
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
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
