/* The pure checks behind analytics and custom fields: who is a bot, what
 * is a date, what is a field key, type or resource. (Counting, reports and
 * the checks that need a store's definitions are tested over the real
 * stack: tests/integration/test_analytics.py, test_custom_fields.py.) */
#include "t.h"
#include "analytics.h"
#include "cfields.h"

static void test_bots(void)
{
	CHECK(analytics_is_bot(NULL));
	CHECK(analytics_is_bot(""));
	CHECK(analytics_is_bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
	CHECK(analytics_is_bot("Mozilla/5.0 (compatible; bingbot/2.0)"));
	CHECK(analytics_is_bot("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/124.0 Safari/537.36"));
	CHECK(analytics_is_bot("Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 Safari/537.36 Chrome-Lighthouse"));
	CHECK(analytics_is_bot("curl/8.5.0"));
	CHECK(analytics_is_bot("python-requests/2.31"));
	CHECK(analytics_is_bot("Go-http-client/1.1"));
	CHECK(analytics_is_bot("facebookexternalhit/1.1"));
	CHECK(!analytics_is_bot("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"));
	CHECK(!analytics_is_bot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"));
	CHECK(!analytics_is_bot("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"));
}

static void test_days(void)
{
	CHECK(analytics_day_problem("2026-11-29") == NULL);
	CHECK(analytics_day_problem("2024-02-29") == NULL);      /* a leap day */
	CHECK(analytics_day_problem("2026-02-29") != NULL);
	CHECK(analytics_day_problem("2026-02-30") != NULL);
	CHECK(analytics_day_problem("2026-13-01") != NULL);
	CHECK(analytics_day_problem("2026-00-10") != NULL);
	CHECK(analytics_day_problem("2026-1-01") != NULL);
	CHECK(analytics_day_problem("2026-01-01T00:00:00Z") != NULL);
	CHECK(analytics_day_problem("2026-01-0x") != NULL);
	CHECK(analytics_day_problem("") != NULL);
	CHECK(analytics_day_problem(NULL) != NULL);
}

static void test_field_names(void)
{
	CHECK(cf_key_problem("material") == NULL);
	CHECK(cf_key_problem("_private2") == NULL);
	CHECK(cf_key_problem("pairsWith") == NULL);
	CHECK(cf_key_problem("") != NULL);
	CHECK(cf_key_problem("1st") != NULL);
	CHECK(cf_key_problem("a-b") != NULL);
	CHECK(cf_key_problem("a.b") != NULL);
	CHECK(cf_key_problem("a\"b") != NULL);
	char long_key[CF_KEY_MAX + 2];
	memset(long_key, 'k', sizeof long_key - 1);
	long_key[sizeof long_key - 1] = 0;
	CHECK(cf_key_problem(long_key) != NULL);
	long_key[CF_KEY_MAX] = 0;
	CHECK(cf_key_problem(long_key) == NULL);
	static const char *const types[] = { "text", "number", "boolean", "date", "url", "media", "product", "json" };
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) CHECK(cf_type_problem(types[i]) == NULL);
	CHECK(cf_type_problem("color") != NULL);
	CHECK(cf_type_problem(NULL) != NULL);
	CHECK(cf_resource_problem("product") == NULL && cf_resource_problem("post") == NULL);
	CHECK(cf_resource_problem("order") != NULL);
}

int main(void)
{
	test_bots();
	test_days();
	test_field_names();
	T_DONE();
}
