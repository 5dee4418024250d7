#include "t.h"
#include "input.h"
#include <string.h>

/* in_json_nul_path: the path of the first string holding U+0000, or 0. */
static const char *nul(const char *s, size_t n)
{
	static char out[256];
	sbuf p = SBUF_INIT;
	int found = in_json_nul_path(s, n, &p);
	snprintf(out, sizeof out, "%s", found ? sb_str(&p) : "-");
	sb_free(&p);
	return out;
}
#define NUL(lit) nul(lit, sizeof(lit) - 1)

/* The *_problem family: NULL when fine, else what is wrong (the same
 * words in_* answer with, and catsync's batch items and settings use). */
static void test_problems(void)
{
	char buf[120];
	int64_t id = 0;
	cJSON *o = cJSON_Parse("{\"s\":\"abc\",\"n\":5,\"f\":1.5,\"b\":true,\"bad\":\"\\u00ff\",\"ids\":\"42\",\"idn\":7,\"z\":0}");
	CHECK(str_problem(cJSON_GetObjectItem(o, "s"), 3, buf, sizeof buf) == NULL);
	CHECK_STR(str_problem(cJSON_GetObjectItem(o, "s"), 2, buf, sizeof buf), "is 3 bytes long; the limit is 2");
	CHECK_STR(str_problem(cJSON_GetObjectItem(o, "n"), 2, buf, sizeof buf), "must be a string");
	CHECK(int_problem(cJSON_GetObjectItem(o, "n"), 0, 5, buf, sizeof buf) == NULL);
	CHECK_STR(int_problem(cJSON_GetObjectItem(o, "n"), 0, 4, buf, sizeof buf), "must be between 0 and 4 (got 5)");
	CHECK_STR(int_problem(cJSON_GetObjectItem(o, "f"), 0, 4, buf, sizeof buf), "must be an integer");
	CHECK(bool_problem(cJSON_GetObjectItem(o, "b")) == NULL);
	CHECK_STR(bool_problem(cJSON_GetObjectItem(o, "n")), "must be true or false");
	CHECK(id_problem(cJSON_GetObjectItem(o, "ids"), &id) == NULL && id == 42);
	CHECK(id_problem(cJSON_GetObjectItem(o, "idn"), &id) == NULL && id == 7);
	CHECK(id_problem(cJSON_GetObjectItem(o, "z"), &id) != NULL);
	cJSON_Delete(o);
	CHECK(email_problem("a@b.co") == NULL);
	CHECK_STR(email_problem("a@b"), "is not a valid email address");
	CHECK(email_problem("a b@c.de") != NULL);
	CHECK(email_problem("<a@b.de>") != NULL);
	CHECK(idem_key_problem("order-123:abc") == NULL);
	CHECK(idem_key_problem("short") != NULL);
	CHECK(idem_key_problem("has space 123") != NULL);
	CHECK(control_problem("Sam Shopper") == NULL);
	CHECK_STR(control_problem("a\nb"), "must not contain control characters");
	CHECK(phone_problem("+1 (555) 010-2030") == NULL);
	CHECK(phone_problem("555 x12") != NULL);
	/* barcodes (sql/017): printable ASCII without spaces; "" clears one */
	CHECK(code_problem("0845120000017") == NULL && code_problem("ISBN-978-3-16") == NULL && code_problem("") == NULL);
	CHECK(code_problem("0845 12") != NULL && code_problem("caf\xc3\xa9") != NULL && code_problem("a\tb") != NULL);
}

/* query_int_problem: the page-size / offset parser of every list endpoint;
 * returns the value as text, or the problem. */
static const char *qint(const char *s, int64_t min, int64_t max)
{
	static char out[128];
	int64_t v = -7;
	const char *p = query_int_problem(s, 42, min, max, &v);
	if (p) snprintf(out, sizeof out, "%s", p);
	else snprintf(out, sizeof out, "%lld", (long long)v);
	return out;
}

int main(void)
{
	test_problems();
	CHECK_STR(qint(NULL, 1, 1000), "42");           /* absent: the default */
	CHECK_STR(qint("1", 1, 1000), "1");
	CHECK_STR(qint("1000", 1, 1000), "1000");
	CHECK_STR(qint("007", 1, 1000), "7");
	CHECK_STR(qint("0", 1, 1000), "must be an integer 1-1000");
	CHECK_STR(qint("1001", 1, 1000), "must be an integer 1-1000");
	CHECK_STR(qint("100000", 1, 1000), "must be an integer 1-1000");
	CHECK_STR(qint("abc", 1, 1000), "must be an integer 1-1000");   /* atoi: 0 */
	CHECK_STR(qint("10abc", 1, 1000), "must be an integer 1-1000"); /* atoi: 10 */
	CHECK_STR(qint("-1", 1, 1000), "must be an integer 1-1000");
	CHECK_STR(qint("+5", 1, 1000), "must be an integer 1-1000");
	CHECK_STR(qint(" 5", 1, 1000), "must be an integer 1-1000");
	CHECK_STR(qint("", 1, 1000), "must be an integer 1-1000");
	CHECK_STR(qint("0", 0, INT64_MAX), "0");
	CHECK_STR(qint("9223372036854775807", 0, INT64_MAX), "9223372036854775807");
	CHECK_STR(qint("9223372036854775808", 0, INT64_MAX), "must be an integer 0-9223372036854775807");
	CHECK_STR(qint("4294967297", 1, 1000), "must be an integer 1-1000");   /* no wrap to 1 */
	CHECK_STR(NUL("{\"title\":\"ab\"}"), "-");
	CHECK_STR(NUL("{\"title\":\"a\\u0000b\"}"), "title");
	CHECK_STR(NUL("{\"a\":1,\"title\":\"x\\u0000\"}"), "title");
	/* an escaped backslash followed by the text u0000 is not a NUL */
	CHECK_STR(NUL("{\"title\":\"a\\\\u0000b\"}"), "-");
	CHECK_STR(NUL("{\"title\":\"a\\\\\\u0000b\"}"), "title");
	CHECK_STR(NUL("{\"shippingAddress\":{\"line1\":\"x\",\"city\":\"\\u0000\"}}"), "shippingAddress.city");
	CHECK_STR(NUL("{\"items\":[{\"n\":\"a\"},{\"n\":\"ok\",\"name\":\"b\\u0000\"}]}"), "items[1].name");
	CHECK_STR(NUL("{\"tags\":[\"a\",\"b\",\"c\\u0000\"]}"), "tags[2]");
	CHECK_STR(NUL("{\"k\\u0000\":1}"), "k\\u0000");
	/* a raw NUL byte inside a string */
	CHECK_STR(NUL("{\"note\":\"a\0b\"}"), "note");
	/* strings holding brackets and commas do not confuse the path */
	CHECK_STR(NUL("{\"a\":\"[{,\",\"b\":[\"],\",\"\\u0000\"]}"), "b[1]");
	CHECK_STR(NUL("{\"a\":\"\\u00001\"}"), "a");
	CHECK_STR(NUL("{\"a\":\"\\u0001\"}"), "-");
	T_DONE();
}
