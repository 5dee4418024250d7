/* Unit tests for commerce: the RFC 4180 reader, totals and rounding,
 * payment webhook signatures, webhook signing and backoff. */
#include "t.h"
#include "csv.h"
#include "commerce.h"
#include "store_settings.h"
#include "orders.h"
#include "payment.h"
#include "outbox.h"
#include "sha256.h"
#include "util.h"
#include "net.h"
#include "currency.h"
#include "db.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <unistd.h>

/* Parse all of s; fields joined by '|' and records by '\n' into out. */
static int parse(const char *s, size_t n, sbuf *out, char *err, size_t errlen)
{
	csv_reader r;
	csv_row row = { 0 };
	csv_init(&r, s, n);
	int rc;
	sb_reset(out);
	while ((rc = csv_next(&r, &row)) == 1) {
		for (size_t i = 0; i < row.n; i++) { if (i) sb_putc(out, '|'); sb_puts(out, row.f[i]); }
		sb_putc(out, '\n');
	}
	snprintf(err, errlen, "%s", r.err);
	csv_row_free(&row);
	return rc;
}

static void test_csv(void)
{
	sbuf o = SBUF_INIT;
	char err[200];
#define P(s) parse(s, sizeof(s) - 1, &o, err, sizeof err)
	CHECK_INT(P("a,b,c\n1,2,3\n"), 0);
	CHECK_STR(sb_str(&o), "a|b|c\n1|2|3\n");
	CHECK_INT(P("a,b\r\n1,2"), 0);                       /* CRLF, no final newline */
	CHECK_STR(sb_str(&o), "a|b\n1|2\n");
	CHECK_INT(P("\"x,y\",\"he said \"\"hi\"\"\",\"line1\nline2\"\nnext,,\n"), 0);
	CHECK_STR(sb_str(&o), "x,y|he said \"hi\"|line1\nline2\nnext||\n");
	CHECK_INT(P("\xEF\xBB\xBFHandle,Title\n"), 0);       /* BOM skipped */
	CHECK_STR(sb_str(&o), "Handle|Title\n");
	CHECK_INT(P(",\n\n"), 0);                           /* empty fields and an empty record */
	CHECK_STR(sb_str(&o), "|\n\n");
	CHECK_INT(P("\"\"\n"), 0);
	CHECK_STR(sb_str(&o), "\n");
	CHECK_INT(P("a\rb\r"), 0);                          /* old Mac line ends */
	CHECK_STR(sb_str(&o), "a\nb\n");
	CHECK_INT(P("ok\n\"open,\nstill open"), -1);
	CHECK(strstr(err, "line 2") && strstr(err, "not closed"));
	CHECK_INT(P("a,\"b\"c\n"), -1);
	CHECK(strstr(err, "column 6") && strstr(err, "after a closing quote"));
	CHECK_INT(parse("a,b\0c\n", 6, &o, err, sizeof err), -1);
	CHECK(strstr(err, "NUL"));
	CHECK_INT(P(""), 0);
	CHECK_STR(sb_str(&o), "");
	/* a quote inside an unquoted field is kept (lenient, as spreadsheets are) */
	CHECK_INT(P("5\" screen,x\n"), 0);
	CHECK_STR(sb_str(&o), "5\" screen|x\n");
	/* line numbers count the lines inside quoted fields */
	{
		const char *s = "h\n\"a\nb\nc\"\nnext\n";
		csv_reader r;
		csv_row row = { 0 };
		csv_init(&r, s, strlen(s));
		CHECK_INT(csv_next(&r, &row), 1);
		CHECK_INT(row.line, 1);
		CHECK_INT(csv_next(&r, &row), 1);
		CHECK_INT(row.line, 2);
		CHECK_INT(csv_next(&r, &row), 1);
		CHECK_INT(row.line, 5);
		CHECK_STR(row.f[0], "next");
		CHECK_INT(csv_next(&r, &row), 0);
		csv_row_free(&row);
	}
	/* too many fields */
	{
		sbuf big = SBUF_INIT;
		for (int i = 0; i < CSV_MAX_FIELDS + 1; i++) sb_puts(&big, "x,");
		CHECK_INT(parse(big.s, big.len, &o, err, sizeof err), -1);
		CHECK(strstr(err, "too many fields"));
		sb_free(&big);
	}
	sb_free(&o);
#undef P
}

static void test_totals(void)
{
	CHECK_INT(com_div_round(5445, 1000), 5);
	CHECK_INT(com_div_round(5, 2), 3);             /* half up */
	CHECK_INT(com_div_round(4, 3), 1);
	CHECK_INT(com_div_round(0, 7), 0);
	com_totals t;
	com_ship flat = { "express", "flat", "Express", 1500, 0 };
	com_ship free_over = { "standard", "free_over", "Std", 500, 7500 };
	com_ship pickup = { "pickup", "pickup", "Pickup", 999, 0 };
	com_discount pct = { 1, 15 }, fixed = { 0, 10000 };
	/* 60.00 - 15% = 51.00; + 15.00 shipping; 8.25% tax on goods + shipping = 5.445 -> 5.45 */
	com_compute(6000, &pct, &flat, 825, 0, 1, &t);
	CHECK_INT(t.discount, 900);
	CHECK_INT(t.shipping, 1500);
	CHECK_INT(t.tax, 545);
	CHECK_INT(t.total, 7145);
	/* the same without taxing shipping: 8.25% of 51.00 = 4.2075 -> 4.21 */
	com_compute(6000, &pct, &flat, 825, 0, 0, &t);
	CHECK_INT(t.tax, 421);
	CHECK_INT(t.total, 6000 - 900 + 1500 + 421);
	/* inclusive 20%: 20.00 holds 3.33 of tax, total unchanged */
	com_compute(2000, NULL, &pickup, 2000, 1, 0, &t);
	CHECK_INT(t.tax, 333);
	CHECK_INT(t.shipping, 0);
	CHECK_INT(t.total, 2000);
	/* free over 75.00, measured after the discount */
	com_compute(8000, NULL, &free_over, 0, 0, 0, &t);
	CHECK_INT(t.shipping, 0);
	com_compute(8000, &pct, &free_over, 0, 0, 0, &t);     /* 68.00 after discount */
	CHECK_INT(t.shipping, 500);
	CHECK_INT(t.total, 6800 + 500);
	/* a fixed discount never goes below zero */
	com_compute(3000, &fixed, &pickup, 1000, 0, 0, &t);
	CHECK_INT(t.discount, 3000);
	CHECK_INT(t.tax, 0);
	CHECK_INT(t.total, 0);
	/* the largest order: no overflow in percent or tax products */
	com_compute(COM_MAX_ORDER, &pct, &flat, 10000, 0, 1, &t);
	CHECK_INT(t.discount, COM_MAX_ORDER / 100 * 15);
	CHECK_INT(t.tax, COM_MAX_ORDER - COM_MAX_ORDER / 100 * 15 + 1500);
	com_compute(COM_MAX_ORDER, NULL, &pickup, 2000, 1, 0, &t);
	CHECK_INT(t.tax, 1666666666667LL);    /* 1e13 / 6 = ...666.67, half up */
	/* rounding half up on a percent discount: 15% of 33.33 = 4.9995 -> 5.00 */
	com_compute(3333, &pct, &pickup, 0, 0, 0, &t);
	CHECK_INT(t.discount, 500);
}

static void sig(const char *secret, long long ts, const char *body, char *out, size_t n)
{
	outbox_sign(secret, ts, body, out, n);
}

static void test_signatures(void)
{
	const char *body = "{\"id\":\"evt_1\"}";
	char h[200];
	int64_t now = 1700000000;
	sig("whsec", now, body, h, sizeof h);
	CHECK_INT(pay_verify_signature(h, body, strlen(body), "whsec", now, 300), 0);
	CHECK_INT(pay_verify_signature(h, body, strlen(body), "whsec", now + 299, 300), 0);
	CHECK_INT(pay_verify_signature(h, body, strlen(body), "whsec", now + 301, 300), -1);   /* too old */
	CHECK_INT(pay_verify_signature(h, body, strlen(body), "whsec", now - 301, 300), -1);   /* from the future */
	CHECK_INT(pay_verify_signature(h, body, strlen(body), "other", now, 300), -1);
	CHECK_INT(pay_verify_signature(h, "{\"id\":\"evt_2\"}", strlen(body), "whsec", now, 300), -1);
	CHECK_INT(pay_verify_signature(h, body, strlen(body), "", now, 300), -1);
	CHECK_INT(pay_verify_signature(NULL, body, strlen(body), "whsec", now, 300), -1);
	CHECK_INT(pay_verify_signature("v1=abc", body, strlen(body), "whsec", now, 300), -1);
	CHECK_INT(pay_verify_signature("t=abc,v1=00", body, strlen(body), "whsec", now, 300), -1);
	/* several v1 values (secret rotation): any one matching is enough */
	char two[300];
	snprintf(two, sizeof two, "t=%lld,v1=%064d,%s", (long long)now, 0, strchr(h, ',') + 1);
	CHECK_INT(pay_verify_signature(two, body, strlen(body), "whsec", now, 300), 0);
	/* the HMAC itself, against a known value (RFC 4231 case 2) */
	unsigned char mac[32];
	char hex[65];
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	hex_encode(mac, 32, hex);
	CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	CHECK_INT(outbox_backoff(1), 30);
	CHECK_INT(outbox_backoff(2), 60);
	CHECK_INT(outbox_backoff(5), 480);
	CHECK_INT(outbox_backoff(50), 3600);
	/* destinations: what the deliverer backs off and sends one at a time to */
	char d[256];
	outbox_dest("webhook", "HTTPS://Pos.Example.com:8443/hooks/a?x=1", d, sizeof d);
	CHECK_STR(d, "https://pos.example.com:8443");
	outbox_dest("intent", "http://127.0.0.1:9/v1/payment_intents", d, sizeof d);
	CHECK_STR(d, "http://127.0.0.1:9");
	outbox_dest("webhook", "http://host.test", d, sizeof d);
	CHECK_STR(d, "http://host.test");
	outbox_dest("email", "someone@example.com", d, sizeof d);
	CHECK_STR(d, "smtp");
}

static int pub4(const char *ip)
{
	struct sockaddr_in a = { 0 };
	a.sin_family = AF_INET;
	inet_pton(AF_INET, ip, &a.sin_addr);
	return net_addr_public((struct sockaddr *)&a);
}

static int pub6(const char *ip)
{
	struct sockaddr_in6 a = { 0 };
	a.sin6_family = AF_INET6;
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return net_addr_public((struct sockaddr *)&a);
}

static void test_ssrf_guard(void)
{
	CHECK(pub4("93.184.216.34"));
	CHECK(pub4("8.8.8.8"));
	CHECK(pub4("172.32.0.1"));
	CHECK(!pub4("127.0.0.1"));
	CHECK(!pub4("10.1.2.3"));
	CHECK(!pub4("172.16.0.1"));
	CHECK(!pub4("172.31.255.255"));
	CHECK(!pub4("192.168.1.1"));
	CHECK(!pub4("169.254.169.254"));   /* cloud metadata */
	CHECK(!pub4("100.64.0.1"));
	CHECK(!pub4("0.0.0.0"));
	CHECK(!pub4("224.0.0.1"));
	CHECK(!pub4("255.255.255.255"));
	CHECK(pub6("2606:4700::1111"));
	CHECK(!pub6("::1"));
	CHECK(!pub6("::"));
	CHECK(!pub6("fd00::1"));
	CHECK(!pub6("fe80::1"));
	CHECK(!pub6("ff02::1"));
	CHECK(!pub6("::ffff:127.0.0.1"));
	CHECK(!pub6("::ffff:10.0.0.1"));
	CHECK(pub6("::ffff:8.8.8.8"));
}

/* The order state machine: the transition table allows each action only
 * from its states, and a refusal names the state the order is in. */
static void test_order_transitions(void)
{
	order_state s = { "open", "pending", "unfulfilled", "manual", 5000, 0, 0, "USD" };
	char m[200];
	CHECK(order_refusal(ORD_FULFIL, &s, m, sizeof m) == NULL);
	CHECK(order_refusal(ORD_CANCEL, &s, m, sizeof m) == NULL);
	CHECK(order_refusal(ORD_PAID, &s, m, sizeof m) == NULL);
	CHECK_STR(order_refusal(ORD_REFUND, &s, m, sizeof m), "payment is pending; only paid orders are refunded");
	CHECK_STR(order_transition_of(ORD_FULFIL)->to, "fulfilled");
	CHECK_STR(order_transition_of(ORD_CANCEL)->event, "order.cancelled");
	CHECK_STR(order_transition_of(ORD_REFUND)->audit, "order.refund");
	snprintf(s.fulfillment, sizeof s.fulfillment, "fulfilled");
	CHECK_STR(order_refusal(ORD_FULFIL, &s, m, sizeof m), "order is already fulfilled");
	CHECK_STR(order_refusal(ORD_CANCEL, &s, m, sizeof m), "order is fulfilled; refund it instead of cancelling");
	snprintf(s.fulfillment, sizeof s.fulfillment, "unfulfilled");
	snprintf(s.status, sizeof s.status, "cancelled");
	CHECK_STR(order_refusal(ORD_FULFIL, &s, m, sizeof m), "order is cancelled; it cannot be fulfilled");
	CHECK_STR(order_refusal(ORD_CANCEL, &s, m, sizeof m), "order is already cancelled");
	CHECK_STR(order_refusal(ORD_PAID, &s, m, sizeof m), "order is cancelled");
	snprintf(s.payment, sizeof s.payment, "paid");
	CHECK_STR(order_refusal(ORD_PAID, &s, m, sizeof m), "payment is already paid");   /* before the status */
	CHECK(order_refusal(ORD_REFUND, &s, m, sizeof m) == NULL);                         /* cancelled orders are refunded */
	snprintf(s.payment, sizeof s.payment, "partially_refunded");
	CHECK(order_refusal(ORD_REFUND, &s, m, sizeof m) == NULL);
	snprintf(s.payment, sizeof s.payment, "refunded");
	CHECK_STR(order_refusal(ORD_REFUND, &s, m, sizeof m), "payment is refunded; only paid orders are refunded");
	snprintf(s.method, sizeof s.method, "stripe");
	CHECK_STR(order_refusal(ORD_REFUND, &s, m, sizeof m), "payment method is stripe; refund it at the gateway");
	CHECK_STR(order_refusal(ORD_PAID, &s, m, sizeof m), "payment method is stripe; the gateway confirms it");
}

/* Multi-currency: conversion and rounding, the setting's checks, and THE
 * price of an item in a currency (a fixed price wins, unrounded; a
 * product's is its cheapest variant's) over a real database. */
static void test_currency(void)
{
	cJSON *s = cJSON_Parse("{\"currencies\":[{\"code\":\"EUR\",\"rate\":0.92,\"rounding\":\"0.99\",\"charge\":true},"
			       "{\"code\":\"JPY\",\"rate\":151.3,\"rounding\":\"whole\"}]}");
	currency_rate eur, jpy;
	CHECK_INT(currency_find(s, "EUR", &eur), 0);
	CHECK_INT(currency_find(s, "JPY", &jpy), 0);
	CHECK(currency_find(s, "GBP", &jpy) < 0);
	CHECK_INT(currency_find(s, "JPY", &jpy), 0);
	CHECK(eur.charge == 1 && jpy.charge == 0);
	CHECK_INT(currency_convert(1000, "USD", &eur), 999);          /* 9.20 -> 9.99 */
	CHECK_INT(currency_convert(1000, "USD", &jpy), 1513);         /* 1513.0 yen, whole */
	CHECK_INT(currency_convert_plain(-1000, "USD", &eur), -920);  /* a discount: no rounding, sign kept */
	CHECK(currency_settings_problem(cJSON_GetObjectItemCaseSensitive(s, "currencies"), "USD") == NULL);
	cJSON *bad = cJSON_Parse("[{\"code\":\"EUR\",\"rate\":1,\"charge\":\"yes\"}]");
	CHECK(currency_settings_problem(bad, "USD") != NULL);
	cJSON_Delete(bad);

	char path[] = "/tmp/sf-unit-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	char err[512], field[80], msg[200];
	CHECK_INT(db_open(path, err, sizeof err), 0);
	CHECK(db_migrate("sql", err, sizeof err) >= 2);
	CHECK(db_schema_version() >= 18);
	CHECK_INT(db_exec("INSERT INTO tenants(id, username, name, created_at, updated_at) VALUES(7, 'fx', 'Fx', 0, 0);"
			  "INSERT INTO products(id, tenant_id, slug, name, price, created_at, updated_at) VALUES(70, 7, 'a', 'A', 2000, 0, 0);"
			  "INSERT INTO variants(id, tenant_id, product_id, title, price, created_at, updated_at) VALUES"
			  "(700, 7, 70, 'S', 2000, 0, 0), (701, 7, 70, 'M', 3000, 0, 0);"
			  "INSERT INTO products(id, tenant_id, slug, name, price, created_at, updated_at) VALUES(71, 7, 'b', 'B', 500, 0, 0);"), 0);
	currency_amount a;
	CHECK_INT(currency_price(7, 70, 701, "USD", &eur, 3000, -1, &a), 0);
	CHECK(a.price == 2799 && a.compare_at == -1);                  /* converted, rounded */
	cJSON *l = cJSON_Parse("[{\"variantId\":\"700\",\"currency\":\"EUR\",\"price\":1750,\"compareAtPrice\":2100}]");
	CHECK_INT(currency_prices_save(7, 70, l, s, field, sizeof field, msg, sizeof msg), 0);
	cJSON_Delete(l);
	CHECK_INT(currency_price(7, 70, 700, "USD", &eur, 2000, -1, &a), 1);
	CHECK(a.price == 1750 && a.compare_at == 2100);                /* fixed: as set */
	CHECK_INT(currency_price(7, 70, 0, "USD", &eur, 2000, 2500, &a), 1);   /* the product: its cheapest variant's */
	CHECK(a.price == 1750);
	CHECK_INT(currency_price(7, 70, 700, "USD", &jpy, 2000, -1, &a), 0);   /* fixed in EUR only */
	CHECK(a.price == 3026);
	/* another product's variant, a product without variants given one, a second entry: refused, nothing written */
	l = cJSON_Parse("[{\"variantId\":\"700\",\"currency\":\"EUR\",\"price\":1}]");
	CHECK_INT(currency_prices_save(7, 71, l, s, field, sizeof field, msg, sizeof msg), -1);
	CHECK_STR(field, "presentmentPrices[0].variantId");
	cJSON_Delete(l);
	l = cJSON_Parse("[{\"currency\":\"JPY\",\"price\":800},{\"currency\":\"JPY\",\"price\":900}]");
	CHECK_INT(currency_prices_save(7, 71, l, s, field, sizeof field, msg, sizeof msg), -1);
	CHECK_STR(field, "presentmentPrices[1]");
	cJSON_Delete(l);
	CHECK_INT(currency_price(7, 71, 0, "USD", &jpy, 500, -1, &a), 0);
	/* a variant removed takes its fixed prices with it */
	CHECK_INT(db_exec("DELETE FROM variants WHERE id = 700"), 0);
	CHECK_INT(currency_price(7, 70, 0, "USD", &eur, 3000, -1, &a), 0);
	cJSON_Delete(s);
	db_close();
	unlink(path);
}

int main(void)
{
	test_currency();
	test_order_transitions();
	test_ssrf_guard();
	test_csv();
	test_totals();
	test_signatures();
	/* secrets are shown masked: a type prefix, an ellipsis, the last 4 */
	{
		char m[64];
		com_secret_mask("", m, sizeof m);
		CHECK_STR(m, "");
		com_secret_mask("sk_test_51Habcdefghijklmnop4242", m, sizeof m);
		CHECK_STR(m, "sk_test_\xe2\x80\xa6" "4242");
		com_secret_mask("whsec_0123456789abcdefWXYZ", m, sizeof m);
		CHECK_STR(m, "whsec_\xe2\x80\xa6" "WXYZ");
		com_secret_mask("0123456789abcdef0123", m, sizeof m);
		CHECK_STR(m, "\xe2\x80\xa6" "0123");
		com_secret_mask("short-secret", m, sizeof m);      /* under 16 bytes: nothing of it */
		CHECK_STR(m, "\xe2\x80\xa6");
		cJSON *given = cJSON_Parse("{\"stripe\":{\"secretKey\":\"sk_test_\xe2\x80\xa6" "4242\"},\"posWebhook\":{\"url\":\"\"}}");
		cJSON *stored = cJSON_Parse("{\"stripe\":{\"secretKey\":\"sk_test_51Habcdefghijklmnop4242\"},"
					    "\"posWebhook\":{\"url\":\"x\",\"secret\":\"pos\"}}");
		const char *field = NULL;
		CHECK(com_settings_keep_secrets(given, stored, &field) == NULL);
		char *out = cJSON_PrintUnformatted(given);
		CHECK_STR(out, "{\"stripe\":{\"secretKey\":\"sk_test_51Habcdefghijklmnop4242\"},\"posWebhook\":{\"url\":\"\",\"secret\":\"pos\"}}");
		free(out);
		cJSON_Delete(given);
		given = cJSON_Parse("{\"stripe\":{\"webhookSecret\":\"whsec_\xe2\x80\xa6" "0000\"}}");
		CHECK(com_settings_keep_secrets(given, stored, &field) != NULL);
		CHECK_STR(field, "stripe.webhookSecret");
		cJSON_Delete(given);
		cJSON_Delete(stored);
	}
	T_DONE();
}
