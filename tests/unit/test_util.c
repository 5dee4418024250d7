#include "t.h"
#include "util.h"

int main(void)
{
	sbuf b = SBUF_INIT;
	CHECK_STR(sb_str(&b), "");
	sb_puts(&b, "abc");
	sb_printf(&b, "-%d-", 42);
	sb_putc(&b, 'z');
	CHECK_STR(sb_str(&b), "abc-42-z");
	CHECK_INT(b.len, 8);
	for (int i = 0; i < 10000; i++) sb_putc(&b, 'x');
	CHECK_INT(b.len, 10008);
	sb_free(&b);
	CHECK(ct_equal("abcd", "abcd", 4));
	CHECK(!ct_equal("abcd", "abce", 4));
	char hx[33];
	random_hex(hx, 16);
	CHECK_INT(strlen(hx), 32);
	char iso[32];
	iso8601(0, iso);
	CHECK_STR(iso, "1970-01-01T00:00:00Z");
	T_DONE();
}
