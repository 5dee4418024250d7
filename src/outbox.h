/* outbox: queueing and delivering what leaves the store after a write.
 * Queueing (inside the writer's transaction): outbox_add, the POS webhook
 * of an order event, and the order emails whose text is the templates
 * templates/email/. Delivering: sends what checkout and order changes queued
 * (emails over SMTP, HMAC-signed POS webhooks, payment intents the
 * checkout could not make in its budget) with backoff per message and per
 * destination: a failed send delays that message (30 s doubling to 1 h,
 * given up after outbox_max_attempts) and every pending message to the
 * same host. Sends run concurrently (deliver_concurrency, one per
 * destination, a quarter of them at most for one store), so a host that
 * never answers holds one slot for http_timeout_ms and no store waits on
 * another's. A row is claimed with a
 * lease before it is sent, so two deliverers never send it twice at once.
 * Run by `storefront deliver` (once, or --loop as the long-running process
 * scripts/stack.sh starts); never by a worker. */
#ifndef OUTBOX_H
#define OUTBOX_H
#include "tenant.h"
#include <cJSON.h>
#include <signal.h>
#include <stdint.h>
#include <stddef.h>

typedef struct outbox_stats { int sent, retry, failed, intents; } outbox_stats;

typedef struct outbox_opts {
	int64_t tid;                    /* 0: every store */
	int loop;                       /* 0: send what is due now, wait for it, return */
	long poll_ms;                   /* loop: look for due rows this often (default 1000) */
	volatile sig_atomic_t *stop;    /* loop: set (by a signal) to return */
	void (*tick)(outbox_stats *st); /* loop: called about once a minute */
	long tick_ms;                   /* how often tick runs (0: once a minute) */
} outbox_opts;

/* ---- queueing (inside the caller's transaction) ---- */

/* Queue one message of kind (email, webhook) to target: 0, or -1. */
int outbox_add(int64_t tid, const char *kind, const char *target, const char *subject, const char *body);
/* Queue the POS webhook `event` for order id if the store configured one: 0 or -1. */
int outbox_queue_webhook(int64_t tid, int64_t order, const char *event);
/* Queue the order emails of a new order: the shopper's confirmation and
 * the merchant's notice (to notifyEmail in settings, else the store's
 * first owner). origin is the store's address for links ("https://host").
 * 0, or -1 (storage error, or a missing email template). */
int outbox_queue_order_emails(const tenant *t, const char *origin, int64_t order, const cJSON *settings);

/* Queue the shopper's email about an order's change (kind: order_shipped,
 * order_cancelled, order_refunded; templates/email/KIND*.txt with the
 * order JSON, origin and store.name): 0 (nothing for an anonymised order),
 * or -1. */
int outbox_queue_order_update(const tenant *t, int64_t order, const char *kind);
/* Queue one email to `to` from templates/email/NAME.txt and
 * NAME.subject.txt rendered with data: 0, or -1. */
int outbox_queue_email(const tenant *t, const char *to, const char *name, const cJSON *data);

/* ---- delivering ---- */

/* Deliver: 0, or -1 when the database failed. */
int outbox_run(const outbox_opts *o, outbox_stats *st);
/* Seconds to wait after the n-th failed attempt (n >= 1). */
int64_t outbox_backoff(int attempts);
/* "t=TS,v1=HEX" over "TS.body" with the store's webhook secret. */
void outbox_sign(const char *secret, int64_t ts, const char *body, char *out, size_t n);
/* The destination a row goes to: "smtp" for emails, else the URL's
 * lower-cased scheme://host[:port]. */
void outbox_dest(const char *kind, const char *target, char *out, size_t n);
#endif
