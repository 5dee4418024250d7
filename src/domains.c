/* domains: custom-domain checks, TLS ask, primary hostnames (domains.h). */
#include "domains.h"
#include "tenant.h"
#include "config.h"
#include "db.h"
#include "log.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <netdb.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *domain_problem(const char *in, char *out, size_t n)
{
	for (const char *p = in; *p; p++)
		if ((unsigned char)*p >= 0x80) return "must be given in its ASCII (xn--) form";
	if (strchr(in, ':') || strchr(in, '/')) return "must be a bare host name, without scheme, port or path";
	if (host_normalize(in, out, n) < 0) return "is not a valid domain name";
	if (!strchr(out, '.')) return "must have at least two labels (example.com)";
	size_t ol = strlen(out), bl = strlen(cfg.base_domain);
	if (strcmp(out, cfg.base_domain) == 0 ||
	    (ol > bl && out[ol - bl - 1] == '.' && strcmp(out + ol - bl, cfg.base_domain) == 0))
		return "is under the platform's own domain; every store already has its subdomain";
	const char *tld = strrchr(out, '.') + 1;
	int digits = 1;
	for (const char *p = tld; *p; p++) if (*p < '0' || *p > '9') digits = 0;
	if (digits) return "does not end in a top-level domain";
	/* No label may start or end with '-'. */
	const char *lab = out;
	for (const char *p = out;; p++) {
		if (*p == '.' || !*p) {
			if (*lab == '-' || p[-1] == '-') return "has a label that starts or ends with '-'";
			if (!*p) break;
			lab = p + 1;
		}
	}
	return NULL;
}

/* ---- DNS TXT ---- */

static int txt_matches(const unsigned char *rd, size_t len, const char *token)
{
	/* One TXT record: character-strings <len><bytes>..., joined. */
	char buf[1024];
	size_t o = 0, i = 0;
	while (i < len) {
		size_t l = rd[i++];
		if (i + l > len || o + l >= sizeof buf) return 0;
		memcpy(buf + o, rd + i, l);
		o += l;
		i += l;
	}
	buf[o] = 0;
	char *s = buf;
	while (*s == ' ') s++;
	if (str_startswith(s, "tarpos-verify=")) s += 14;
	size_t sl = strlen(s);
	while (sl && s[sl - 1] == ' ') s[--sl] = 0;
	return sl == strlen(token) && ct_equal(s, token, sl);
}

int domain_check_dns(const char *domain, const char *token, char *err, size_t errlen)
{
	char name[300];
	snprintf(name, sizeof name, DOMAIN_TXT_PREFIX "%s", domain);
	struct __res_state rs;
	memset(&rs, 0, sizeof rs);
	if (res_ninit(&rs) < 0) { snprintf(err, errlen, "the resolver could not start"); return 0; }
	rs.retrans = (int)(cfg.verify_timeout > 0 ? cfg.verify_timeout : 5);
	rs.retry = 1;
	if (cfg.verify_dns_server[0]) {
		char ip[64];
		int port = 53;
		snprintf(ip, sizeof ip, "%s", cfg.verify_dns_server);
		char *colon = strrchr(ip, ':');
		if (colon) { *colon = 0; port = atoi(colon + 1); }
		struct sockaddr_in sa = { 0 };
		sa.sin_family = AF_INET;
		sa.sin_port = htons((unsigned short)port);
		if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
			res_nclose(&rs);
			snprintf(err, errlen, "verify_dns_server is not IPv4:PORT");
			return 0;
		}
		rs.nscount = 1;
		rs.nsaddr_list[0] = sa;
	}
	unsigned char ans[NS_PACKETSZ * 4];
	int len = res_nquery(&rs, name, ns_c_in, ns_t_txt, ans, sizeof ans);
	int herr = rs.res_h_errno;
	res_nclose(&rs);
	if (len < 0) {
		snprintf(err, errlen, "no TXT record at %s (%s)", name,
			 herr == HOST_NOT_FOUND ? "name not found" : herr == NO_DATA ? "no TXT data" :
			 herr == TRY_AGAIN ? "DNS did not answer in time" : "DNS lookup failed");
		return 0;
	}
	ns_msg msg;
	if (ns_initparse(ans, len, &msg) < 0) { snprintf(err, errlen, "unreadable DNS answer for %s", name); return 0; }
	int n = ns_msg_count(msg, ns_s_an), seen = 0;
	for (int i = 0; i < n; i++) {
		ns_rr rr;
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0) break;
		if (ns_rr_type(rr) != ns_t_txt) continue;
		seen++;
		if (txt_matches(ns_rr_rdata(rr), ns_rr_rdlen(rr), token)) return 1;
	}
	snprintf(err, errlen, seen ? "the TXT record at %s does not hold the token" : "no TXT record at %s", name);
	return 0;
}

/* ---- HTTP file ---- */

int domain_addr_public(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
		unsigned b0 = a >> 24, b1 = (a >> 16) & 255;
		if (b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224) return 0;    /* this, private, loopback, multicast+ */
		if (b0 == 169 && b1 == 254) return 0;                          /* link-local, cloud metadata */
		if (b0 == 172 && b1 >= 16 && b1 <= 31) return 0;
		if (b0 == 192 && b1 == 168) return 0;
		if (b0 == 100 && b1 >= 64 && b1 <= 127) return 0;              /* CGNAT */
		if (b0 == 192 && b1 == 0 && ((a >> 8) & 255) == 0) return 0;   /* IETF protocol assignments */
		if (b0 == 198 && (b1 == 18 || b1 == 19)) return 0;             /* benchmarking */
		return 1;
	}
	if (sa->sa_family == AF_INET6) {
		const unsigned char *x = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		static const unsigned char zero[16];
		if (memcmp(x, zero, 15) == 0 && (x[15] == 0 || x[15] == 1)) return 0;   /* :: and ::1 */
		if (x[0] == 0xfe && (x[1] & 0xc0) == 0x80) return 0;                  /* fe80::/10 */
		if ((x[0] & 0xfe) == 0xfc) return 0;                                  /* fc00::/7 */
		if (x[0] == 0xff) return 0;                                           /* multicast */
		if (memcmp(x, zero, 10) == 0 && x[10] == 0xff && x[11] == 0xff) {     /* ::ffff:a.b.c.d */
			struct sockaddr_in v4 = { 0 };
			v4.sin_family = AF_INET;
			memcpy(&v4.sin_addr, x + 12, 4);
			return domain_addr_public((struct sockaddr *)&v4);
		}
		return 1;
	}
	return 0;
}

static curl_socket_t open_public(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	int *refused = clientp;
	if (purpose != CURLSOCKTYPE_IPCXN || !domain_addr_public(&a->addr)) {
		*refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static size_t collect(char *p, size_t size, size_t nmemb, void *ud)
{
	sbuf *b = ud;
	size_t n = size * nmemb;
	if (b->len + n > 4096) return 0;   /* a token file is tiny: stop */
	sb_put(b, p, n);
	return n;
}

int domain_check_http(const char *domain, const char *token, char *err, size_t errlen)
{
	char url[600];
	snprintf(url, sizeof url, "http://%s" DOMAIN_WELL_KNOWN "%s", domain, token);
	CURL *c = curl_easy_init();
	if (!c) { snprintf(err, errlen, "HTTP client unavailable"); return 0; }
	sbuf body = SBUF_INIT;
	struct curl_slist *connect_to = NULL;
	int refused = 0, ok = 0;
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg.verify_timeout > 0 ? cfg.verify_timeout : 5L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "tarpos-domain-check/1");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	if (cfg.verify_connect_to[0]) {
		/* Tests: every connection goes to the configured HOST:PORT. */
		char rule[200];
		snprintf(rule, sizeof rule, "::%s", cfg.verify_connect_to);
		connect_to = curl_slist_append(NULL, rule);
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
	} else {
		curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_public);
		curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &refused);
	}
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (refused) {
		snprintf(err, errlen, "%s resolves to a private or local address", domain);
	} else if (rc != CURLE_OK) {
		snprintf(err, errlen, "GET %s failed: %s", url, cerr[0] ? cerr : curl_easy_strerror(rc));
	} else if (status != 200) {
		snprintf(err, errlen, "GET %s answered HTTP %ld", url, status);
	} else {
		char *s = body.s ? body.s : (char *)"";
		size_t l = body.len;
		while (l && (s[l - 1] == '\n' || s[l - 1] == '\r' || s[l - 1] == ' ')) l--;
		while (l && (*s == ' ' || *s == '\n')) { s++; l--; }
		ok = l == strlen(token) && ct_equal(s, token, l);
		if (!ok) snprintf(err, errlen, "the file at %s does not hold the token", url);
	}
	curl_slist_free_all(connect_to);
	curl_easy_cleanup(c);
	sb_free(&body);
	return ok;
}

/* ---- TLS ask, primary ---- */

int domain_tls_allowed(const char *host)
{
	char h[256];
	/* SNI names carry no port: anything with one is not a TLS name. */
	if (!host || strchr(host, ':') || host_normalize(host, h, sizeof h) < 0) return 0;
	if (strcmp(h, cfg.admin_host) == 0) return 1;   /* the browser admin's own name */
	tenant t = { 0 };
	int ok = tenant_from_host(&t, h) == 0 && strcmp(t.status, "active") == 0;
	tenant_clear(&t);
	return ok;
}

void domain_ask(req *r)
{
	const char *d = http_query(r, "domain");
	r->json_errors = 1;
	if (!d || !*d) {
		http_error(r, 400, "validation_error", NULL, "query parameter 'domain' is required");
		return;
	}
	if (!domain_tls_allowed(d)) {
		http_error(r, 404, "unknown_domain", NULL, "no active store answers at this domain");
		return;
	}
	r->no_etag = 1;
	http_content_type(r, "text/plain; charset=utf-8");
	sb_puts(&r->out, "ok\n");
}

int domain_primary(int64_t tid, char *out, size_t n)
{
	sqlite3_stmt *st = db_stmt("SELECT domain FROM domains WHERE tenant_id = :t AND is_primary = 1 AND verified_at IS NOT NULL");
	db_bind_int(st, ":t", tid);
	int found = db_step(st) == SQLITE_ROW;
	if (found) snprintf(out, n, "%s", db_text(st, 0));
	db_reset(st);
	return found;
}
