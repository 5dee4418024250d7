/* Access pieces in C: password parameters and rules, custom-domain names,
 * the addresses domain checks may reach, backoff, rate-limit config and
 * the GCRA bucket, usernames, limits and the route table's shape -- the
 * stateful ones against a temporary database migrated from sql/. */
#include "t.h"
#include "auth.h"
#include "domains.h"
#include "ratelimit.h"
#include "provision.h"
#include "quota.h"
#include "admin_access.h"
#include "config.h"
#include "tenant.h"
#include "db.h"
#include "util.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

static void test_passwords(void)
{
	char h[256];
	CHECK_INT(auth_hash_password("correct-horse-battery", h, sizeof h), 0);
	CHECK(str_startswith(h, "$argon2id$v=19$m=19456,t=2,p=1$"));
	CHECK_INT(auth_needs_rehash(h), 0);
	CHECK(auth_verify_password(h, "correct-horse-battery"));
	CHECK(!auth_verify_password(h, "correct-horse-batterz"));
	CHECK_INT(auth_needs_rehash("$argon2id$v=19$m=4096,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$Kv3Gxd7wk/D1g6jqoDWnkZZzaP8xu7dPrJPw65bkrwU"), 1);
	CHECK_INT(auth_needs_rehash("$argon2id$v=19$m=19456,t=1,p=1$x$y"), 1);
	CHECK_INT(auth_needs_rehash("$argon2id$v=16$m=19456,t=2,p=1$x$y"), 1);
	CHECK_INT(auth_needs_rehash("$argon2id$v=19$m=65536,t=3,p=1$x$y"), 0);
	CHECK_INT(auth_needs_rehash("$argon2i$v=19$m=65536,t=3,p=1$x$y"), 1);
	CHECK_INT(auth_needs_rehash("garbage"), 1);
	CHECK(auth_verify_password("$argon2i$v=19$m=8192,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$1An7Eo1Z75VwFQlhIV0YpYGc9XB7WsZ/zkvXytJlCp4",
				   "correct-horse-battery"));
	CHECK(auth_password_problem("123456789") != NULL);
	CHECK(auth_password_problem("1234567890") == NULL);
	char big[130];
	memset(big, 'x', 128); big[128] = 0;
	CHECK(auth_password_problem(big) == NULL);
	big[128] = 'x'; big[129] = 0;
	CHECK(auth_password_problem(big) != NULL);
	CHECK(auth_password_problem("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6") != NULL);
}

static void test_domain_names(void)
{
	char out[256];
	CHECK(domain_problem("Shop.Example.COM.", out, sizeof out) == NULL);
	CHECK_STR(out, "shop.example.com");
	CHECK(domain_problem("xn--bcher-kva.example", out, sizeof out) == NULL);
	CHECK_INT(host_normalize("demo.localhost:", out, sizeof out), 0);     /* RFC 3986: empty port */
	CHECK_STR(out, "demo.localhost");
	CHECK_INT(host_normalize("demo.localhost::1", out, sizeof out), -1);
	CHECK_INT(host_normalize("demo.localhost,acme.localhost", out, sizeof out), -1);
	const char *bad[] = { "example", "1.2.3.4", "b\xc3\xbc" "cher.de", "http://a.com", "a.com:80", "a.com/x",
			      "x.localhost", "localhost", "-a.com", "a-.com", "a..com", "a.123", "", "a_b.com", NULL };
	for (int i = 0; bad[i]; i++) {
		const char *p = domain_problem(bad[i], out, sizeof out);
		if (!p) fprintf(stderr, "accepted: %s\n", bad[i]);
		CHECK(p != NULL);
	}
}

static int pub4(const char *ip)
{
	struct sockaddr_in a = { 0 };
	a.sin_family = AF_INET;
	inet_pton(AF_INET, ip, &a.sin_addr);
	return domain_addr_public((struct sockaddr *)&a);
}

static int pub6(const char *ip)
{
	struct sockaddr_in6 a = { 0 };
	a.sin6_family = AF_INET6;
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return domain_addr_public((struct sockaddr *)&a);
}

static void test_ssrf_guard(void)
{
	CHECK(pub4("93.184.216.34"));
	CHECK(pub4("8.8.8.8"));
	const char *no4[] = { "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
			      "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "192.0.0.8", "198.18.0.1", NULL };
	for (int i = 0; no4[i]; i++) CHECK(!pub4(no4[i]));
	CHECK(pub4("172.32.0.1"));
	CHECK(pub6("2606:2800:220:1:248:1893:25c8:1946"));
	const char *no6[] = { "::1", "::", "fe80::1", "fd00::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", NULL };
	for (int i = 0; no6[i]; i++) CHECK(!pub6(no6[i]));
	CHECK(pub6("::ffff:93.184.216.34"));
}

static void test_backoff_and_config(void)
{
	cfg.login_backoff_base = 1;
	cfg.login_backoff_max = 900;
	CHECK_INT(throttle_backoff(4, 5), 0);
	CHECK_INT(throttle_backoff(5, 5), 1);
	CHECK_INT(throttle_backoff(6, 5), 2);
	CHECK_INT(throttle_backoff(10, 5), 32);
	CHECK_INT(throttle_backoff(100, 5), 900);
	CHECK_INT(throttle_backoff(1000000, 5), 900);
	long n = 0, p = 0;
	snprintf(cfg.rate_limits, sizeof cfg.rate_limits, "login:30/60, search:5/1,cart:bad,chat:0/5");
	CHECK_INT(ratelimit_config("login", &n, &p), 0);
	CHECK_INT(n, 30);
	CHECK_INT(p, 60);
	CHECK_INT(ratelimit_config("search", &n, &p), 0);
	CHECK_INT(n, 5);
	CHECK_INT(ratelimit_config("cart", &n, &p), -1);
	CHECK_INT(ratelimit_config("chat", &n, &p), -1);
	CHECK_INT(ratelimit_config("log", &n, &p), -1);
	CHECK_INT(ratelimit_config("checkout", &n, &p), -1);
	/* the admin host: admin.{base_domain} unless set, lower case */
	char err[256];
	setenv("STOREFRONT_BASE_DOMAIN", "Shops.Example.NET", 1);
	CHECK_INT(config_load(NULL, err, sizeof err), 0);
	CHECK_STR(cfg.admin_host, "admin.shops.example.net");
	setenv("STOREFRONT_ADMIN_HOST", "Admin.Example.COM", 1);
	CHECK_INT(config_load(NULL, err, sizeof err), 0);
	CHECK_STR(cfg.admin_host, "admin.example.com");
	unsetenv("STOREFRONT_ADMIN_HOST");
	unsetenv("STOREFRONT_BASE_DOMAIN");
	CHECK_INT(config_load(NULL, err, sizeof err), 0);
	CHECK_STR(cfg.admin_host, "admin.localhost");
}

static void test_with_database(void)
{
	char path[] = "/tmp/sf-unit-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	char err[512];
	CHECK_INT(db_open(path, err, sizeof err), 0);
	CHECK(db_migrate("sql", err, sizeof err) >= 2);
	CHECK(db_schema_version() >= 3);
	/* GCRA: 3 per 60 s, burst 3; the fourth waits about 20 s */
	long retry = 0;
	for (int i = 0; i < 3; i++) CHECK_INT(ratelimit_take("t", "1.2.3.4", 3, 60, &retry), 0);
	CHECK_INT(ratelimit_take("t", "1.2.3.4", 3, 60, &retry), 1);
	CHECK(retry >= 19 && retry <= 21);
	CHECK_INT(ratelimit_take("t", "5.6.7.8", 3, 60, &retry), 0);    /* other keys unaffected */
	CHECK_INT(ratelimit_take("u", "1.2.3.4", 3, 60, &retry), 0);    /* and other buckets */
	CHECK_INT(db_exec("UPDATE rate_limits SET tat_ms = tat_ms - 20000 WHERE bucket = 't' AND key = '1.2.3.4'"), 0);
	CHECK_INT(ratelimit_take("t", "1.2.3.4", 3, 60, &retry), 0);    /* one refilled */
	CHECK_INT(ratelimit_take("t", "1.2.3.4", 3, 60, &retry), 1);
	/* another connection holds the write lock: the limiter gives up within
	 * ratelimit_busy_ms (the caller fails open), never the 5 s busy timeout */
	sqlite3 *other;
	CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
	CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	cfg.ratelimit_busy_ms = 5;
	int64_t t0 = now_usec();
	CHECK_INT(ratelimit_take("t", "7.7.7.7", 3, 60, &retry), -1);
	CHECK(now_usec() - t0 < 500000);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	CHECK_INT(ratelimit_take("t", "7.7.7.7", 3, 60, &retry), 0);   /* and waits as usual again */
	/* login throttle */
	cfg.login_max_failures = 2;
	cfg.login_ip_max_failures = 100;
	cfg.login_window = 3600;
	CHECK_INT(throttle_login_wait("a@b.c", "9.9.9.9"), 0);
	throttle_login_failed("a@b.c", "9.9.9.9");
	CHECK_INT(throttle_login_wait("a@b.c", "9.9.9.9"), 0);
	throttle_login_failed("a@b.c", "9.9.9.9");
	CHECK(throttle_login_wait("a@b.c", "1.1.1.1") >= 0);
	long w = throttle_login_wait("a@b.c", "1.1.1.1");
	CHECK(w >= 0 && w <= 1);
	CHECK_INT(throttle_login_wait("other@b.c", "1.1.1.1"), 0);
	throttle_login_ok("a@b.c");
	CHECK_INT(throttle_login_wait("a@b.c", "1.1.1.1"), 0);
	/* usernames */
	char buf[256];
	CHECK(prov_username_problem("fine-name", buf, sizeof buf) == NULL);
	CHECK(prov_username_problem("xn--bcher-kva", buf, sizeof buf) != NULL);
	CHECK(prov_username_problem("ab--cd", buf, sizeof buf) != NULL);
	CHECK(prov_username_problem("www", buf, sizeof buf) != NULL);
	CHECK(prov_username_problem("UPPER", buf, sizeof buf) != NULL);
	int64_t tid = prov_tenant_create("unitshop", "Unit Shop", 0, err, sizeof err);
	CHECK(tid > 0);
	CHECK(prov_username_problem("unitshop", buf, sizeof buf) != NULL);
	CHECK_INT(prov_tenant_rename("unitshop", NULL, "unitshop2", "unit", "", err, sizeof err), 0);
	CHECK(strstr(prov_username_problem("unitshop", buf, sizeof buf) ? buf : "", "held") != NULL);
	/* limits: config default, then a per-store override */
	cfg.limit_pages = 7;
	CHECK_INT(quota_get(tid, LIM_PAGES), 7);
	CHECK_INT(db_exec("UPDATE tenants SET limits_json = '{\"pages\":2}'"), 0);
	CHECK_INT(quota_get(tid, LIM_PAGES), 2);
	CHECK_INT(quota_get(tid, LIM_PRODUCTS), cfg.limit_products);
	/* delete: every row gone, name held */
	CHECK_INT(prov_tenant_delete("unitshop2", "unit", "", err, sizeof err), 0);
	CHECK(prov_username_problem("unitshop2", buf, sizeof buf) != NULL);
	CHECK_INT(prov_tenant_delete("unitshop2", "unit", "", err, sizeof err), -1);
	db_close();
	unlink(path);
	char side[64];
	snprintf(side, sizeof side, "%s-wal", path); unlink(side);
	snprintf(side, sizeof side, "%s-shm", path); unlink(side);
}

static void test_route_table(void)
{
	/* Every /api/cms/ row but the sign-ins (password, code) needs auth;
	 * every write route is flagged; every :id route names its resource. */
	long lim, per;
	for (size_t i = 0; i < admin_nroutes; i++) {
		const route *rt = &admin_routes[i];
		CHECK(str_startswith(rt->pattern, "/api/cms/"));
		CHECK(rt->flags & R_NOSTORE);                   /* every admin answer is private */
		CHECK(!(rt->flags & R_AUTH) != !(rt->flags & R_PUBLIC));   /* one or the other */
		if (rt->bucket) CHECK_INT(ratelimit_config(rt->bucket, &lim, &per), 0);
		if (strcmp(rt->pattern, "/api/cms/login") == 0 || str_startswith(rt->pattern, "/api/cms/login/code")) {
			CHECK(rt->flags & R_PUBLIC);
			CHECK_STR(rt->bucket, "login");
			continue;
		}
		CHECK(rt->flags & R_AUTH);
		CHECK(rt->flags & R_TENANT);                     /* the store comes from the credentials */
		CHECK(rt->roles != 0);
		if (strchr(rt->pattern, ':')) CHECK(rt->resource != NULL);
		if (rt->methods & (M_PUT | M_DELETE | M_PATCH)) CHECK(rt->flags & R_WRITE);
	}
	for (size_t i = 0; i < platform_nroutes; i++) {
		const route *rt = &platform_routes[i];
		CHECK(str_startswith(rt->pattern, "/api/platform/"));
		CHECK((rt->flags & (R_AUTH | R_NOSTORE)) == (R_AUTH | R_NOSTORE));
		CHECK_STR(rt->bucket, "platform");
	}
	/* Every bucket a row names is configured by default (a bucket that is
	 * not configured limits nothing). */
	CHECK_INT(ratelimit_config("platform", &lim, &per), 0);
	CHECK_INT(ratelimit_config("cart", &lim, &per), 0);
	CHECK_INT(ratelimit_config("checkout", &lim, &per), 0);
	CHECK_INT(ratelimit_config("no-such-bucket", &lim, &per), -1);
}

/* The gate's shared half: route_dispatch sets a row's caching before the
 * gate runs (so a refusal is private too), route_find names the row that
 * would answer without dispatching. */
static int gate_calls;
static int refuse(req *r, const route *rt)
{
	(void)rt;
	gate_calls++;
	http_error(r, 401, "unauthorized", NULL, "no");
	return -1;
}
static void never(req *r) { (void)r; CHECK(0); }
static void ok_handler(req *r) { (void)r; }

static void test_route_dispatch_policy(void)
{
	static const route t[] = {
		{ M_GET, "/private/:id", never, R_AUTH | R_NOSTORE, 0, "thing", NULL },
		{ M_GET, "/public", ok_handler, 0, 0, NULL, NULL },
	};
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/private/7", NULL };
	req r;
	http_begin(&r, env, NULL, NULL);
	r.json_errors = 1;
	CHECK(route_find(&r, t, 2) == &t[0]);
	CHECK(route_dispatch(&r, t, 2, refuse) == NULL);
	CHECK_INT(gate_calls, 1);
	CHECK_INT(r.status, 401);
	CHECK_STR(r.cache_control, "no-store");
	CHECK(r.no_etag);
	/* a handler cannot add a second Cache-Control */
	http_header(&r, "Cache-Control", "public, max-age=60");
	http_header(&r, "X-Content-Type-Options", "nosniff");
	CHECK(strstr(r.headers.s ? r.headers.s : "", "Cache-Control") == NULL);
	CHECK(strstr(r.headers.s ? r.headers.s : "", "X-Content-Type-Options") == NULL);
	http_end(&r);
	char *env2[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/public", NULL };
	http_begin(&r, env2, NULL, NULL);
	CHECK(route_dispatch(&r, t, 2, NULL) == &t[1]);
	CHECK(r.cache_control == NULL);
	http_end(&r);
	char *env3[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/public", NULL };
	http_begin(&r, env3, NULL, NULL);
	CHECK(route_find(&r, t, 2) == NULL);
	http_end(&r);
}

static void test_config_comments(void)
{
	char path[] = "/tmp/sf-conf-XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "# a comment\nplatform_token = abc#def   # the token\nlogin_max_failures = 7\t# seven\n";
	CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
	close(fd);
	char err[256] = "";
	unsetenv("STOREFRONT_PLATFORM_TOKEN");
	unsetenv("STOREFRONT_LOGIN_MAX_FAILURES");
	CHECK_INT(config_load(path, err, sizeof err), 0);
	CHECK_STR(cfg.platform_token, "abc#def");
	CHECK_INT(cfg.login_max_failures, 7);
	unlink(path);
	config_load(NULL, err, sizeof err);
}

int main(void)
{
	char err[256];
	config_load(NULL, err, sizeof err);
	test_passwords();
	test_domain_names();
	test_ssrf_guard();
	test_backoff_and_config();
	test_with_database();
	test_route_table();
	test_route_dispatch_policy();
	test_config_comments();
	T_DONE();
}
