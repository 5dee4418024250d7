/* orders: an order once placed. Its JSON (admin: minor units and every
 * field; public: what the confirmation page shows), finding it by its
 * per-store number or by a confirmation link, the state machine of the
 * admin actions as an explicit transition table (order_transitions in
 * orders.c: from, action, to, event), and the one-time restock of a
 * cancelled order. Every query binds the tenant id. No HTTP here. */
#ifndef ORDERS_H
#define ORDERS_H
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* Order JSON of internal id: admin (minor units, every field) or public
 * (major units, what the confirmation page shows); its "id" and URL carry
 * the per-store number. NULL when not this tenant's. */
cJSON *com_order_json(int64_t tid, int64_t id, int admin, const char *currency);

/* Orders are named outside by their per-store number (1001, 1002, ...):
 * the internal id of this store's order number, or 0. */
int64_t com_order_by_number(int64_t tid, int64_t number);
/* The internal id of the order a confirmation link names (its number, or
 * the internal id in links mailed before numbers) when key is its secret
 * (constant-time compare), else 0. */
int64_t com_order_by_key(int64_t tid, int64_t ref, const char *key);

/* Restock a cancelled order's items once: 0, or -1 on a storage error. */
int com_restock(int64_t tid, int64_t order);

/* ---- the state machine ---- */

typedef enum { ORD_FULFIL, ORD_CANCEL, ORD_PAID, ORD_REFUND } order_action;
/* The columns an order's state is made of. */
typedef enum { AX_STATUS, AX_PAYMENT, AX_FULFILLMENT, AX_METHOD } order_axis;

typedef struct order_state {
	char status[16];        /* open | cancelled */
	char payment[24];       /* pending | paid | partially_refunded | refunded | failed */
	char fulfillment[16];   /* unfulfilled | fulfilled */
	char method[16];        /* manual | stripe */
	int64_t total, refunded;       /* in currency: what was charged (the shopper's when the store charges in it) */
	int restocked;
	char currency[8];
} order_state;

/* One row of the table: action moves axis from one of `from` (words
 * separated by spaces) to `to`, written to the audit log as `audit` and
 * sent to the POS as `event`. A refund moves to partially_refunded while
 * less than the total has been refunded. */
typedef struct order_transition {
	order_action action;
	const char *name;
	order_axis axis;
	const char *from, *to;
	const char *audit, *event;
} order_transition;

/* The row of action. */
const order_transition *order_transition_of(order_action a);
/* NULL when action a may be taken in state s; else why not (naming the
 * state it is in and the action), written into msg. */
const char *order_refusal(order_action a, const order_state *s, char *msg, size_t n);
/* The state of order id: 0, or -1 when the store has no such order. */
int order_state_load(int64_t tid, int64_t id, order_state *s);
#endif
