/* payment: the gateway interface. `manual` (pay on pickup or delivery)
 * needs nothing; `stripe` speaks the Stripe-compatible HTTP API over
 * libcurl: a payment intent per order (after the order is committed, within
 * a short budget; else by the deliverer from the outbox) and
 * signed webhooks (Stripe-Signature: t=TS,v1=HMAC-SHA256(secret, "TS.body"))
 * checked against a timestamp tolerance before the order is marked paid. */
#ifndef PAYMENT_H
#define PAYMENT_H
#include "http.h"
#include <cJSON.h>
#include <stdint.h>

/* The gateway request that makes order's intent (from the order row and
 * the store's settings): 0, 1 when there is nothing to make (the order is
 * gone, not paid by card, or has its intent), -1 with err. */
typedef struct pay_call {
	char url[700], authz[600], idem[80];
	const char *headers[4];
	sbuf body;
} pay_call;
int pay_intent_call(int64_t tid, int64_t order, const cJSON *settings, pay_call *c, char *err, size_t errlen);
void pay_call_free(pay_call *c);
/* Store the intent from the gateway's answer: 0, or -1 with err. */
int pay_intent_answer(int64_t tid, int64_t order, long status, const char *resp, char *err, size_t errlen);
/* Queue the intent in the outbox (inside the checkout's transaction, so a
 * crash cannot lose it); due after the checkout's own attempt. Returns
 * the outbox row id, or -1. */
int64_t pay_queue_intent(int64_t tid, int64_t order, const cJSON *settings);
/* At checkout, after the commit: make the intent within
 * cfg.gateway_timeout_ms. 0 made (the queued row is marked sent), -1 with
 * err (the row stays for the deliverer). */
int pay_create_intent(int64_t tid, int64_t order, int64_t queued, const cJSON *settings, char *err, size_t errlen);
/* Check a Stripe-Signature header over body: 0 valid, -1 bad or stale. */
int pay_verify_signature(const char *header, const char *body, size_t n, const char *secret, int64_t now,
			 long tolerance);
/* Route: POST /api/payments/webhook (storefront; tenant from the host),
 * checked with the store's settings; a payment applied queues the POS
 * event "order.paid" through queue_event (the caller's: payment does not
 * depend on commerce). */
void pay_webhook(req *r, const cJSON *settings, int (*queue_event)(int64_t tid, int64_t order, const char *event));
#endif
