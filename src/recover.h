/* recover: abandoned checkouts: the email a shopper typed at checkout kept
 * on the cart, one reminder email per cart after the store's delay (the
 * abandonedCheckout setting, default off; queued by `storefront deliver`),
 * and the link in it that restores the cart (a random token stored
 * hashed; the cart then gets a new cookie). Every query binds the tenant. */
#ifndef RECOVER_H
#define RECOVER_H
#include <stdint.h>

/* Keep email on cart: 0, or -1. */
int recover_set_email(int64_t tid, int64_t cart, const char *email);
/* Queue the reminders due in one store (0: every store): the number, or -1. */
int recover_remind_due(int64_t tid);
/* The cart a link's token names (and makes the link spent), giving it the
 * cookie token new_token[49]: the cart id, or 0. */
int64_t recover_claim(int64_t tid, const char *token, char new_token[49]);
#endif
