/* staffcode: staff sign-in with a one-time code by email (issue 14): a
 * code mailed to a staff email (for one store, or any of the email's
 * stores), checked and used up at sign-in. Codes live in staff_codes
 * (sql/019), hashed through otcode.c under the scope "staff" (a shopper's
 * code never signs in staff, nor the other way), one live code per email,
 * with staff_code_ttl and staff_code_attempts. The email goes through the
 * outbox (templates/email/staff_code*). No HTTP here; admin_access.c's
 * handlers answer, throttle and make the session. */
#ifndef STAFFCODE_H
#define STAFFCODE_H
#include <stdint.h>

#define STAFFCODE_DIGITS 8

typedef enum {
	SC_OK = 0,
	SC_STORAGE,     /* the database failed */
	SC_BAD,         /* wrong code: one try spent */
	SC_EXPIRED,     /* no live code (none sent, too old, used, out of tries, another store's) */
} sc_code;

/* Mail a new code to email (lower-cased) for store tid (0: any store the
 * email is staff of); earlier live codes of the email die. origin: the
 * admin host's address for the email's link. SC_OK as well when the email
 * is nobody's staff there (nothing is sent: the caller answers the same). */
sc_code staffcode_send(const char *email, int64_t tid, const char *origin);
/* Check a code for email at store tid (0: not chosen yet): SC_OK with the
 * live row's *id and the store it was asked for (*code_tid, 0: any); the
 * code stays live until staffcode_use. SC_BAD, SC_EXPIRED, SC_STORAGE. */
sc_code staffcode_check(const char *email, int64_t tid, const char *code, int64_t *id, int64_t *code_tid);
/* Use the code up, inside the caller's transaction (with the session it
 * gives): 0, or -1 (used meanwhile, or storage). */
int staffcode_use(int64_t id);
#endif
