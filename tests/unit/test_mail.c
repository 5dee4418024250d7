/* mail_header_text: display names and subjects in email headers. */
#include "t.h"
#include "html.h"
#include <string.h>

static const char *enc(const char *s, int phrase)
{
	static char out[2048];
	sbuf b = SBUF_INIT;
	mail_header_text(&b, s, phrase);
	snprintf(out, sizeof out, "%s", sb_str(&b));
	sb_free(&b);
	return out;
}

int main(void)
{
	/* display names */
	CHECK_STR(enc("Demo Store", 1), "Demo Store");
	CHECK_STR(enc("PayPal <service@paypal.com>, X", 1), "\"PayPal <service@paypal.com>, X\"");
	CHECK_STR(enc("Acme <script>alert(\"x\")</script> & Co", 1),
		  "\"Acme <script>alert(\\\"x\\\")</script> & Co\"");
	CHECK_STR(enc("a\"b\\c", 1), "\"a\\\"b\\\\c\"");
	CHECK_STR(enc("Shop\r\nBcc: victim@example.com", 1), "\"ShopBcc: victim@example.com\"");
	CHECK_STR(enc("Caf\xc3\xa9", 1), "=?UTF-8?B?Q2Fmw6k=?=");
	CHECK_STR(enc("Caf\xc3\xa9 <x@y>", 1), "=?UTF-8?B?Q2Fmw6kgPHhAeT4=?=");
	CHECK_STR(enc("", 1), "\"\"");
	CHECK_STR(enc("Shop.", 1), "\"Shop.\"");
	/* subjects */
	CHECK_STR(enc("Order #1001 confirmed - Demo, Inc. <x>", 0), "Order #1001 confirmed - Demo, Inc. <x>");
	CHECK_STR(enc("Order\r\nBcc: x@y", 0), "OrderBcc: x@y");
	CHECK_STR(enc("M\xc3\xbcller", 0), "=?UTF-8?B?TcO8bGxlcg==?=");
	CHECK_STR(enc("=?UTF-8?B?SGk=?=", 0), "=?UTF-8?B?PT9VVEYtOD9CP1NHaz0/PQ==?=");
	/* long non-ASCII text: several words of at most 75 characters, cut
	 * between UTF-8 characters (each word decodes on its own) */
	char longname[200] = "";
	for (int i = 0; i < 60; i++) strcat(longname, "\xc3\xa9");
	const char *o = enc(longname, 0);
	int words = 0;
	for (const char *w = o; w && *w;) {
		const char *sp = strchr(w, ' ');
		size_t len = sp ? (size_t)(sp - w) : strlen(w);
		CHECK(len <= 75);
		CHECK(!strncmp(w, "=?UTF-8?B?", 10));
		words++;
		w = sp ? sp + 1 : NULL;
	}
	CHECK_INT(words, 3);
	/* 44 bytes = 22 whole characters in the first word */
	CHECK(!strncmp(o, "=?UTF-8?B?w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6k=?= ", 73));
	T_DONE();
}
