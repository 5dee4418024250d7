/* customer: a store's shoppers' accounts (one set per store: every query
 * binds the tenant). Owns sign-up, password and one-time-code sign-in
 * (codes stored hashed, limited tries, short life, sent through the
 * outbox), password reset, sessions (cookie token stored hashed, a CSRF
 * token per session), saved addresses, order history (the customer's
 * orders and, once the email is verified, guest orders under it),
 * account deletion (orders kept, anonymised), vibe code's `user`, and the
 * merchant's view (list, search, detail, tags, note, CSV). No HTTP here:
 * functions return cu_code values the handlers answer. */
#ifndef CUSTOMER_H
#define CUSTOMER_H
#include "tenant.h"
#include "util.h"
#include <cJSON.h>
#include <stdint.h>

typedef enum {
	CU_OK = 0,
	CU_STORAGE,        /* the database failed */
	CU_EXISTS,         /* an account with this email exists */
	CU_BAD,            /* wrong email, password or code */
	CU_EXPIRED,        /* the code is too old, used, or out of tries */
	CU_NOT_FOUND,
} cu_code;

#define CU_COOKIE "sf_customer"
#define CU_NAME_MAX 200
#define CU_CODE_DIGITS 6
#define CU_ADDRESSES_MAX 20
#define CU_NOTE_MAX 5000
#define CU_TAGS_MAX 50

/* The session of a request's cookie tokens: customer id (0: none) and its
 * CSRF token into csrf[65]. */
int64_t customer_session(int64_t tid, const char *token, char csrf[65]);
/* A new session: the cookie token into token[49] and its CSRF token. */
cu_code customer_session_new(int64_t tid, int64_t cid, char token[49], char csrf[65]);
void customer_session_end(int64_t tid, const char *token);

/* email is lower-cased in place by the callers through customer_email(). */
void customer_email(char *email);
cu_code customer_signup(int64_t tid, const char *email, const char *name, const char *password, int64_t *cid);
/* CU_OK with *cid, or CU_BAD (unknown email, no password, wrong password:
 * the same answer and about the same time). */
cu_code customer_password_login(int64_t tid, const char *email, const char *password, int64_t *cid);
/* A one-time code for email (purpose "login" or "reset"): stored hashed and
 * its email queued (templates/email/customer_code*). origin: the store's
 * address for the link. Earlier live codes of the same purpose die. */
cu_code customer_code_send(const tenant *t, const char *email, const char *purpose, const char *origin);
/* Check a code: CU_OK (used up now), CU_BAD (wrong; one try spent),
 * CU_EXPIRED. For "login" the account is made when there is none, and its
 * email counts as verified. *cid set on CU_OK. */
cu_code customer_code_check(int64_t tid, const char *email, const char *purpose, const char *code, int64_t *cid);
/* After a reset code: the new password, every session ended. */
cu_code customer_set_password(int64_t tid, int64_t cid, const char *password);

/* The account as its owner sees it: {id, email, name, emailVerified,
 * tags, orderCount, addresses[], orders[]}. NULL when not found. */
cJSON *customer_json(int64_t tid, int64_t cid, const char *currency);
cu_code customer_rename(int64_t tid, int64_t cid, const char *name);
/* vibe code's `user`: {name, tags, orderCount}; never an email or address. */
cJSON *customer_user_json(int64_t tid, int64_t cid);
/* An order of this customer (by its per-store number): internal id or 0. */
int64_t customer_order(int64_t tid, int64_t cid, int64_t number);
/* Link a just-placed order to the signed-in customer. */
cu_code customer_claim_order(int64_t tid, int64_t cid, int64_t order);

/* Addresses: add (a checked cJSON {name?, line1, line2?, city, region?,
 * postalCode, country}) -> *id; remove one of this customer's. */
cu_code customer_address_add(int64_t tid, int64_t cid, const cJSON *a, int64_t *id);
cu_code customer_address_delete(int64_t tid, int64_t cid, int64_t id);

/* Delete the account: sessions, addresses, codes gone; its orders (and
 * guest orders under its verified email) kept with name, email, phone and
 * address blanked. */
cu_code customer_delete(int64_t tid, int64_t cid);

/* The merchant's view. */
cJSON *customer_admin_list(int64_t tid, const char *q, int64_t limit, int64_t offset);
cJSON *customer_admin_json(int64_t tid, int64_t cid, const char *currency);
/* tags (array of strings) and/or note, either may be NULL. */
cu_code customer_admin_update(int64_t tid, int64_t cid, const cJSON *tags, const char *note);
/* POS sync: upsert one customer by the POS's id (else by email): *id and
 * *created set; CU_EXISTS when the email is another customer's. name,
 * tags, note may be NULL (kept). A changed email is no longer verified. */
cu_code customer_sync_one(int64_t tid, const char *pos_id, const char *email, const char *name, const cJSON *tags,
			  const char *note, int64_t *id, int *created);
/* Every customer as CSV (id, email, name, tags, orders, created) into out. */
void customer_admin_csv(int64_t tid, sbuf *out);
#endif
