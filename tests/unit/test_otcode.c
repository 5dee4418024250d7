/* One-time sign-in codes (otcode.c), shared by shoppers' and staff codes:
 * length and digits, hashes that differ by scope (a shopper's code of a
 * store never matches a staff row), the verdicts on life, tries and a
 * wrong code, and the code field's checker. */
#include "t.h"
#include "otcode.h"
#include "util.h"

static void test_make(void)
{
	char c[OTCODE_DIGITS_MAX + 1];
	int differ = 0;
	char first[9] = "";
	for (int i = 0; i < 50; i++) {
		otcode_make(c, 8);
		CHECK_INT(strlen(c), 8);
		CHECK(otcode_problem(c, 8, (char[64]){ 0 }, 64) == NULL);
		if (!i) memcpy(first, c, 9);
		else differ |= strcmp(first, c) != 0;
	}
	CHECK(differ);
	otcode_make(c, 6);
	CHECK_INT(strlen(c), 6);
}

static void test_scopes_and_verdicts(void)
{
	char staff[65], shop[65], other[65];
	otcode_hash("staff", "a@b.test", "12345678", staff);
	otcode_hash("42", "a@b.test", "12345678", shop);
	otcode_hash("staff", "c@b.test", "12345678", other);
	CHECK_INT(strlen(staff), 64);
	CHECK(strcmp(staff, shop) != 0);      /* a store's shopper code is no staff code */
	CHECK(strcmp(staff, other) != 0);     /* nor one email's another's */
	int64_t later = now_unix() + 600;
	CHECK_INT(otcode_judge(1, staff, 0, later, 5, "staff", "a@b.test", "12345678"), OTC_OK);
	CHECK_INT(otcode_judge(1, staff, 0, later, 5, "42", "a@b.test", "12345678"), OTC_BAD);
	CHECK_INT(otcode_judge(1, staff, 0, later, 5, "staff", "a@b.test", "12345679"), OTC_BAD);
	CHECK_INT(otcode_judge(1, staff, 5, later, 5, "staff", "a@b.test", "12345678"), OTC_EXPIRED);   /* burnt */
	CHECK_INT(otcode_judge(1, staff, 0, now_unix() - 1, 5, "staff", "a@b.test", "12345678"), OTC_EXPIRED);
	CHECK_INT(otcode_judge(0, "", 0, 0, 5, "staff", "a@b.test", "12345678"), OTC_EXPIRED);
	CHECK_INT(otcode_judge(1, "x", 0, later, 5, "staff", "a@b.test", "12345678"), OTC_BAD);
}

static void test_problem(void)
{
	char buf[64];
	CHECK(otcode_problem("123456", 6, buf, sizeof buf) == NULL);
	CHECK_STR(otcode_problem("12345", 6, buf, sizeof buf), "must be the 6 digits from the email");
	CHECK(otcode_problem("12a456", 6, buf, sizeof buf) != NULL);
	CHECK(otcode_problem("1234567", 6, buf, sizeof buf) != NULL);
	CHECK(otcode_problem("", 8, buf, sizeof buf) != NULL);
}

int main(void)
{
	test_make();
	test_scopes_and_verdicts();
	test_problem();
	T_DONE();
}
