/* payment: the gateway interface. `manual` (pay on pickup or delivery)
 * needs nothing; `stripe` speaks the Stripe-compatible HTTP API over
 * libcurl: a payment intent per order (after the order is committed) and
 * signed webhooks (Stripe-Signature: t=TS,v1=HMAC-SHA256(secret, "TS.body"))
 * checked against a timestamp tolerance before the order is marked paid. */
#ifndef PAYMENT_H
#define PAYMENT_H
#include "http.h"
#include <cJSON.h>
#include <stdint.h>

/* Create the intent for an order and store its id and client secret:
 * 0 or -1 with err. */
int pay_create_intent(int64_t tid, int64_t order, int64_t amount, const char *currency, const cJSON *settings,
		      char *err, size_t errlen);
/* Create the intents of card orders whose creation failed at checkout
 * (tid 0: every store; at most max). Returns how many were made. Run by
 * `storefront deliver` and after a checkout. */
int pay_retry_intents(int64_t tid, int max);
/* Check a Stripe-Signature header over body: 0 valid, -1 bad or stale. */
int pay_verify_signature(const char *header, const char *body, size_t n, const char *secret, int64_t now,
			 long tolerance);
/* Route: POST /api/payments/webhook (storefront; tenant from the host). */
void pay_webhook(req *r);
#endif
