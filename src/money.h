/* money: integer minor units in storage, major units for vibe code and
 * display. Knows each currency's decimals and symbol. */
#ifndef MONEY_H
#define MONEY_H
#include "util.h"
#include <stdint.h>

/* The largest amount of money the API takes in one field, in minor units:
 * a product or variant price, a refund, a discount, a shipping rate, a
 * minimum subtotal (10^12: ten billion dollars, a trillion yen). An order's
 * total has its own bound (COM_MAX_ORDER, commerce.h). */
#ifndef MONEY_MAX
#define MONEY_MAX 1000000000000
#endif
#define MONEY_MAX_TEXT STR(MONEY_MAX)     /* for messages: "1000000000000" */

int money_decimals(const char *currency);          /* USD 2, JPY 0, ... */
double money_major(int64_t minor, const char *currency);
/* A non-negative major amount (as JSON carries it) back in minor units. */
int64_t money_minor(double major, const char *currency);
/* "$1,234.50", "¥1,235", "12,000 ₫", "₹12,34,567.00" */
void money_format(sbuf *b, int64_t minor, const char *currency);
/* "$", "€", "CHF ": the currency's symbol as money_format writes it. */
const char *money_symbol(const char *currency);
/* Is this a currency code we know (ISO 4217, upper-case)? */
int money_known(const char *currency);
#endif
