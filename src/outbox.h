/* outbox: sending what checkout and order changes queued (emails over
 * SMTP, HMAC-signed POS webhooks) with retries and exponential backoff.
 * A row is claimed with a lease before it is sent, so two deliverers never
 * send it twice at once. Used by `storefront deliver` and, for the store of
 * a fresh order, by the worker after the response has gone out. */
#ifndef OUTBOX_H
#define OUTBOX_H
#include <stdint.h>
#include <stddef.h>

typedef struct outbox_stats { int sent, retry, failed, skipped; } outbox_stats;

/* Send up to max due rows (tid 0 = every store). Returns 0, or -1 when
 * the database failed. */
int outbox_deliver(int64_t tid, int max, outbox_stats *st);
/* Seconds to wait after the n-th failed attempt (n >= 1). */
int64_t outbox_backoff(int attempts);
/* "t=TS,v1=HEX" over "TS.body" with the store's webhook secret. */
void outbox_sign(const char *secret, int64_t ts, const char *body, char *out, size_t n);
#endif
