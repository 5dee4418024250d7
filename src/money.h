/* money: integer minor units in storage, major units for vibe code and
 * display. Knows each currency's decimals and symbol. */
#ifndef MONEY_H
#define MONEY_H
#include "util.h"
#include <stdint.h>

int money_decimals(const char *currency);          /* USD 2, JPY 0, ... */
double money_major(int64_t minor, const char *currency);
/* "$1,234.50", "¥1,235", "12,000 ₫", "₹12,34,567.00" */
void money_format(sbuf *b, int64_t minor, const char *currency);
/* Is this a currency code we know (ISO 4217, upper-case)? */
int money_known(const char *currency);
#endif
