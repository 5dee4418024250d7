/* otcode: one-time sign-in codes sent by email, the part every kind of
 * account shares (shoppers' in customer.c, staff's in staffcode.c): making
 * a random code of N digits, its hash at rest (SHA-256 over scope, email
 * and code, so a code of one scope never matches a row of another), the
 * check of a given code against a stored row (life, tries, constant-time
 * compare) and the checker of a code field. No database, no HTTP: the
 * owners keep their rows in their own tables. */
#ifndef OTCODE_H
#define OTCODE_H
#include <stddef.h>
#include <stdint.h>

#define OTCODE_DIGITS_MAX 12

typedef enum {
	OTC_OK = 0,      /* the code is right and still good */
	OTC_BAD,         /* wrong code: the caller counts a try */
	OTC_EXPIRED,     /* no row, too old, or out of tries */
} otc_verdict;

/* A random code of `digits` digits (<= OTCODE_DIGITS_MAX) into code
 * (room for digits + 1), leading zeros kept. */
void otcode_make(char *code, int digits);
/* The stored form of a code: hex SHA-256 of "scope:email:code" into
 * out[65]. scope tells the kinds apart ("42" a store's shoppers, "staff"). */
void otcode_hash(const char *scope, const char *email, const char *code, char out[65]);
/* Judge a given code against a stored row: found (0: no live row), its
 * hash, tries spent so far, expiry (unix time) and the tries allowed. */
otc_verdict otcode_judge(int found, const char *stored_hash, int64_t attempts, int64_t expires_at, int64_t max_attempts,
			 const char *scope, const char *email, const char *given);
/* NULL when s is exactly `digits` ASCII digits, else the message for a 422. */
const char *otcode_problem(const char *s, int digits, char *buf, size_t n);
#endif
