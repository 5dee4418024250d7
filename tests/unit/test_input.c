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
