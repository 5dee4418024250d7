/* money: currency decimals, major/minor units, display formatting. */
#include "money.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* indian: digits grouped the Indian way (12,34,567: thousands, then lakhs
 * and crores in twos), as en-IN writes rupees. group: the thousands
 * separator as the currency's own readers write it (dong: 1.234.568 ₫). */
static const struct cur { const char *code, *symbol; int decimals, suffix, indian; char group; } curs[] = {
	{ "USD", "$", 2, 0, 0, ',' }, { "EUR", "\xe2\x82\xac", 2, 0, 0, ',' }, { "GBP", "\xc2\xa3", 2, 0, 0, ',' },
	{ "JPY", "\xc2\xa5", 0, 0, 0, ',' }, { "VND", "\xe2\x82\xab", 0, 1, 0, '.' }, { "INR", "\xe2\x82\xb9", 2, 0, 1, ',' },
	{ "AUD", "A$", 2, 0, 0, ',' }, { "CAD", "CA$", 2, 0, 0, ',' }, { "KRW", "\xe2\x82\xa9", 0, 0, 0, ',' },
	{ "CHF", "CHF ", 2, 0, 0, '\'' }, { "SGD", "S$", 2, 0, 0, ',' }, { "THB", "\xe0\xb8\xbf", 2, 0, 0, ',' },
};

static const struct cur *find(const char *c)
{
	for (size_t i = 0; i < ARRAY_LEN(curs); i++)
		if (c && strcmp(curs[i].code, c) == 0) return &curs[i];
	return NULL;
}

int money_known(const char *c) { return find(c) != NULL; }

const char *money_symbol(const char *c)
{
	const struct cur *k = find(c);
	return k ? k->symbol : "";
}

int money_decimals(const char *c)
{
	const struct cur *k = find(c);
	return k ? k->decimals : 2;
}

double money_major(int64_t minor, const char *c)
{
	double d = 1;
	for (int i = money_decimals(c); i > 0; i--) d *= 10;
	return (double)minor / d;
}

int64_t money_minor(double major, const char *c)
{
	double d = 1;
	for (int i = money_decimals(c); i > 0; i--) d *= 10;
	return (int64_t)(major * d + 0.5);
}

void money_format(sbuf *b, int64_t minor, const char *c)
{
	const struct cur *k = find(c);
	int dec = k ? k->decimals : 2;
	int64_t div = 1;
	for (int i = 0; i < dec; i++) div *= 10;
	if (minor < 0) { sb_putc(b, '-'); minor = -minor; }
	if (k && !k->suffix) sb_puts(b, k->symbol);
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%lld", (long long)(minor / div));
	for (int i = 0; i < n; i++) {
		int left = n - i;   /* digits from here to the end */
		if (i && (k && k->indian && left > 3 ? (left - 3) % 2 == 0 : left % 3 == 0)) sb_putc(b, k ? k->group : ',');
		sb_putc(b, digits[i]);
	}
	if (dec) sb_printf(b, ".%0*lld", dec, (long long)(minor % div));
	if (k && k->suffix) { sb_putc(b, ' '); sb_puts(b, k->symbol); }
	if (!k) { sb_putc(b, ' '); sb_puts(b, c ? c : ""); }
}
