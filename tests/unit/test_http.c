/* Pure parts of the request layer: escaping, decoding, host
 * normalisation, routing, money, sha256, templates. */
#include "t.h"
#include "html.h"
#include "tenant.h"
#include "route.h"
#include "money.h"
#include "sha256.h"
#include "tmpl.h"
#include "input.h"
#include "http.h"
#include "config.h"
#include <stdio.h>
#include <stdlib.h>

static char *esc(void (*fn)(sbuf *, const char *), const char *s)
{
	sbuf b = SBUF_INIT;
	fn(&b, s);
	return sb_detach(&b);
}

static void check_esc(void (*fn)(sbuf *, const char *), const char *in, const char *want)
{
	char *got = esc(fn, in);
	CHECK_STR(got, want);
	free(got);
}

static void test_escaping(void)
{
	check_esc(html_text, "<a href=\"x\">'&'</a>", "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	check_esc(html_text, "plain", "plain");
	check_esc(html_attr, "a=`b`", "a&#61;&#96;b&#96;");
	check_esc(url_component, "a b/ü?&", "a%20b%2F%C3%BC%3F%26");
	check_esc(json_string, "q\"\\\n</script>", "\"q\\\"\\\\\\n\\u003c/script\\u003e\"");
	check_esc(header_value, "ok\r\nSet-Cookie: x", "okSet-Cookie: x");
}

static void test_decode(void)
{
	char a[] = "a%20b+c", b[] = "a%20b+c", c[] = "%zz", d[] = "x%00y", e[] = "%";
	CHECK_INT(url_decode(a, 1), 0);
	CHECK_STR(a, "a b c");
	CHECK_INT(url_decode(b, 0), 0);
	CHECK_STR(b, "a b+c");
	CHECK_INT(url_decode(c, 0), -1);
	CHECK_INT(url_decode(d, 0), -1);
	CHECK_INT(url_decode(e, 0), -1);
	CHECK(utf8_valid("h\xc3\xa9llo", 6));
	CHECK(!utf8_valid("\xc0\xaf", 2));        /* overlong */
	CHECK(!utf8_valid("\xed\xa0\x80", 3));    /* surrogate */
	CHECK(!utf8_valid("\xe2\x82", 2));        /* truncated */
}

static void test_hosts(void)
{
	char out[256];
	CHECK_INT(host_normalize("Demo.LocalHost:8080", out, sizeof out), 0);
	CHECK_STR(out, "demo.localhost");
	CHECK_INT(host_normalize("shop.example.com.", out, sizeof out), 0);
	CHECK_STR(out, "shop.example.com");
	CHECK_INT(host_normalize("xn--bcher-kva.example", out, sizeof out), 0);
	CHECK_STR(out, "xn--bcher-kva.example");
	CHECK_INT(host_normalize("", out, sizeof out), -1);
	CHECK_INT(host_normalize(NULL, out, sizeof out), -1);
	CHECK_INT(host_normalize("127.0.0.1", out, sizeof out), -1);
	CHECK_INT(host_normalize("[::1]:80", out, sizeof out), -1);
	CHECK_INT(host_normalize("a..b", out, sizeof out), -1);
	CHECK_INT(host_normalize("bad_host", out, sizeof out), -1);
	CHECK_INT(host_normalize("b\xc3\xbc" "cher.de", out, sizeof out), -1);
	CHECK_INT(host_normalize("demo.localhost:80x", out, sizeof out), -1);
	char longh[400];
	memset(longh, 'a', sizeof longh - 1);
	longh[sizeof longh - 1] = 0;
	CHECK_INT(host_normalize(longh, out, sizeof out), -1);
	CHECK(username_problem("demo") == NULL);
	CHECK(username_problem("ab") != NULL);
	CHECK(username_problem("-abc") != NULL);
	CHECK(username_problem("Abc") != NULL);
	CHECK(slug_problem("about-us") == NULL);
	CHECK(slug_problem("About") != NULL);
}

static void test_routes(void)
{
	const char *p[4];
	int n;
	char scratch[256];
	CHECK(route_match("/api/cms/pages/:id/blocks", "/api/cms/pages/42/blocks", p, &n, scratch, sizeof scratch));
	CHECK_INT(n, 1);
	CHECK_STR(p[0], "42");
	CHECK(!route_match("/api/cms/pages/:id/blocks", "/api/cms/pages/42", p, &n, scratch, sizeof scratch));
	CHECK(!route_match("/api/cms/pages/:id", "/api/cms/pages/", p, &n, scratch, sizeof scratch));
	CHECK(!route_match("/api/cms/pages", "/api/cms/pages/", p, &n, scratch, sizeof scratch));
	CHECK(route_match("/", "/", p, &n, scratch, sizeof scratch));
	CHECK_INT(n, 0);
	CHECK(route_match("/:slug", "/about", p, &n, scratch, sizeof scratch));
	CHECK_STR(p[0], "about");
	CHECK(!route_match("/:slug", "/a/b", p, &n, scratch, sizeof scratch));
	CHECK(route_match("/a/:x/b/:y", "/a/1/b/2", p, &n, scratch, sizeof scratch));
	CHECK_INT(n, 2);
	CHECK_STR(p[1], "2");
}

static void check_money(int64_t minor, const char *cur, const char *want)
{
	sbuf b = SBUF_INIT;
	money_format(&b, minor, cur);
	CHECK_STR(sb_str(&b), want);
	sb_free(&b);
}

static void test_money(void)
{
	check_money(123450, "USD", "$1,234.50");
	check_money(5, "USD", "$0.05");
	check_money(-1999, "EUR", "-\xe2\x82\xac" "19.99");
	check_money(1235, "JPY", "\xc2\xa5" "1,235");
	check_money(120000, "VND", "120.000 \xe2\x82\xab");
	check_money(123456789, "CHF", "CHF 1'234'567.89");
	check_money(100, "XYZ", "1.00 XYZ");
	/* rupees: thousands, then lakhs and crores in twos (en-IN) */
	check_money(99900, "INR", "\xe2\x82\xb9" "999.00");
	check_money(100000, "INR", "\xe2\x82\xb9" "1,000.00");
	check_money(12345678, "INR", "\xe2\x82\xb9" "1,23,456.78");
	check_money(123456789012LL, "INR", "\xe2\x82\xb9" "1,23,45,67,890.12");
	check_money(-123456700, "INR", "-\xe2\x82\xb9" "12,34,567.00");
	CHECK(money_major(12900, "USD") == 129.0);
	CHECK(money_major(500, "JPY") == 500.0);
}

static void test_sha(void)
{
	char hex[65];
	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	unsigned char mac[32];
	hmac_sha256("key", 3, "The quick brown fox jumps over the lazy dog", 43, mac);
	hex_encode(mac, 32, hex);
	CHECK_STR(hex, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

static void check_tmpl(const char *src, const char *json, const char *want)
{
	char err[128];
	tmpl *t = tmpl_parse(src, err, sizeof err);
	CHECK(t != NULL);
	if (!t) return;
	cJSON *d = cJSON_Parse(json);
	sbuf b = SBUF_INIT;
	tmpl_render(t, d, &b);
	CHECK_STR(sb_str(&b), want);
	sb_free(&b);
	cJSON_Delete(d);
	tmpl_free(t);
}

static void test_tmpl(void)
{
	check_tmpl("Hi {{name}}!", "{\"name\":\"<b>\"}", "Hi &lt;b&gt;!");
	check_tmpl("{{{html}}}", "{\"html\":\"<b>x</b>\"}", "<b>x</b>");
	check_tmpl("{{#items}}[{{n}}]{{/items}}", "{\"items\":[{\"n\":1},{\"n\":2}]}", "[1][2]");
	check_tmpl("{{^items}}none{{/items}}", "{\"items\":[]}", "none");
	check_tmpl("{{#a.b}}{{c}}{{/a.b}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}", "deep");
	check_tmpl("{{#flag}}{{outer}}{{/flag}}", "{\"flag\":true,\"outer\":\"o\"}", "o");
	check_tmpl("{{#list}}{{.}},{{/list}}", "{\"list\":[\"x\",\"y\"]}", "x,y,");
	check_tmpl("{{! comment }}{{missing}}|{{n}}", "{\"n\":2.5}", "|2.5");
	char err[128];
	CHECK(tmpl_parse("{{#a}}x", err, sizeof err) == NULL);
	CHECK(tmpl_parse("{{/a}}", err, sizeof err) == NULL);
	CHECK(tmpl_parse("{{a", err, sizeof err) == NULL);
}

static void test_request_parsing(void)
{
	char *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/blog/caf%C3%A9?q=red+shoes&n=%32&empty=&flag",
			"HTTP_HOST=Demo.LocalHost:8080", "HTTP_COOKIE=sid=abc123; cart=x%20y;  theme=dark",
			"HTTP_IF_NONE_MATCH=\"etag\"", "REMOTE_ADDR=10.0.0.1", NULL };
	req r;
	http_begin(&r, env, NULL, NULL);
	CHECK_INT(r.method, M_POST);
	CHECK_STR(r.path, "/blog/caf\xc3\xa9");
	CHECK_STR(http_query(&r, "q"), "red shoes");
	CHECK_STR(http_query(&r, "n"), "2");
	CHECK_STR(http_query(&r, "empty"), "");
	CHECK_STR(http_query(&r, "flag"), "");
	CHECK(http_query(&r, "missing") == NULL);
	CHECK_STR(http_cookie(&r, "sid"), "abc123");
	CHECK_STR(http_cookie(&r, "cart"), "x%20y");   /* cookies are not percent-decoded */
	CHECK_STR(http_cookie(&r, "theme"), "dark");
	CHECK_STR(r.host, "demo.localhost");
	CHECK_STR(http_header_in(&r, "If-None-Match"), "\"etag\"");
	CHECK(!r.bad_request);
	http_end(&r);
	char *bad[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a%zz", "HTTP_HOST=127.0.0.1", NULL };
	http_begin(&r, bad, NULL, NULL);
	CHECK(r.bad_request);
	CHECK_STR(r.host, "");
	http_end(&r);
	/* X-Forwarded-Host counts only from the trusted proxy */
	char *fwd[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTP_HOST=proxy.internal",
			"HTTP_X_FORWARDED_HOST=demo.localhost", "REMOTE_ADDR=10.0.0.9", NULL };
	http_begin(&r, fwd, NULL, NULL);
	CHECK_STR(r.host, "proxy.internal");
	http_end(&r);
	snprintf(cfg.trusted_proxy, sizeof cfg.trusted_proxy, "10.0.0.9");
	http_begin(&r, fwd, NULL, NULL);
	CHECK_STR(r.host, "demo.localhost");
	http_end(&r);
	cfg.trusted_proxy[0] = 0;
}

/* Sibling stores: repeated and __Host- cookies, the JSON media type, and
 * which browser requests count as another origin's. */
static void test_cross_store(void)
{
	char *env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/cart/items", "HTTP_HOST=demo.localhost:8080",
			"HTTP_COOKIE=sf_cart=tossed; other=1; sf_cart=mine; __Host-sf_cart=secure", NULL };
	req r;
	http_begin(&r, env, NULL, NULL);
	int pos = 0;
	CHECK_STR(http_cookie_next(&r, "sf_cart", &pos), "tossed");
	CHECK_STR(http_cookie_next(&r, "sf_cart", &pos), "mine");
	CHECK(http_cookie_next(&r, "sf_cart", &pos) == NULL);
	CHECK(http_cookie_next(&r, "sf_cart", &pos) == NULL);
	CHECK(!http_cross_origin(&r));             /* no Origin, no Sec-Fetch-Site: not a browser */
	r.https = 1;                                /* under https only the __Host- name is ours */
	CHECK_STR(http_cookie(&r, "sf_cart"), "secure");
	http_set_cookie(&r, "sf_cart", "v", 60, 1, "Lax");
	CHECK(strstr(sb_str(&r.headers), "Set-Cookie: __Host-sf_cart=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure\r\n") != NULL);
	CHECK(strstr(sb_str(&r.headers), "Domain") == NULL);
	http_end(&r);
	/* more cookies than query parameters are read: ours can come late */
	sbuf many = SBUF_INIT;
	sb_puts(&many, "HTTP_COOKIE=");
	for (int i = 0; i < 300; i++) sb_printf(&many, "junk%d=x; ", i);
	sb_puts(&many, "sf_cart=late");
	char *env2[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", many.s, NULL };
	http_begin(&r, env2, NULL, NULL);
	CHECK_STR(http_cookie(&r, "sf_cart"), "late");
	http_end(&r);
	sb_free(&many);

	CHECK(http_content_type_is("application/json", "application/json"));
	CHECK(http_content_type_is("Application/JSON; charset=utf-8", "application/json"));
	CHECK(http_content_type_is(" application/json ;x=y", "application/json"));
	CHECK(!http_content_type_is(NULL, "application/json"));
	CHECK(!http_content_type_is("", "application/json"));
	CHECK(!http_content_type_is("text/plain", "application/json"));
	CHECK(!http_content_type_is("application/jsonp", "application/json"));
	CHECK(!http_content_type_is("application/json-patch+json", "application/json"));

	static const struct { const char *origin, *sfs; int https, cross; } cases[] = {
		{ "http://demo.localhost:8080", NULL, 0, 0 },
		{ "http://demo.localhost", "same-origin", 0, 0 },
		{ NULL, "none", 0, 0 },
		{ NULL, "same-site", 0, 1 },               /* a sibling store */
		{ NULL, "cross-site", 0, 1 },
		{ "http://acme.localhost:8080", NULL, 0, 1 },
		{ "http://demo.localhost.evil.test", NULL, 0, 1 },
		{ "null", NULL, 0, 1 },
		{ "http://demo.localhost/x", NULL, 0, 1 },
		{ "http://demo.localhost", NULL, 1, 1 },    /* http page posting to the https store */
		{ "https://demo.localhost", NULL, 1, 0 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char o[128], f[64];
		snprintf(o, sizeof o, "HTTP_ORIGIN=%s", cases[i].origin ? cases[i].origin : "");
		snprintf(f, sizeof f, "HTTP_SEC_FETCH_SITE=%s", cases[i].sfs ? cases[i].sfs : "");
		char *e[6] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/checkout", "HTTP_HOST=demo.localhost:8080", NULL, NULL, NULL };
		int n = 3;
		if (cases[i].origin) e[n++] = o;
		if (cases[i].sfs) e[n++] = f;
		http_begin(&r, e, NULL, NULL);
		r.https = cases[i].https;
		if (http_cross_origin(&r) != cases[i].cross) fprintf(stderr, "cross-origin case %zu\n", i);
		CHECK_INT(http_cross_origin(&r), cases[i].cross);
		http_end(&r);
	}
}

int main(void)
{
	char err[256];
	config_load(NULL, err, sizeof err);
	test_request_parsing();
	test_cross_store();
	test_escaping();
	test_decode();
	test_hosts();
	test_routes();
	test_money();
	test_sha();
	test_tmpl();
	T_DONE();
}
