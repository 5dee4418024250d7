/* otcode: one-time codes' making, hashing and checking (otcode.h). */
#include "otcode.h"
#include "sha256.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void otcode_make(char *code, int digits)
{
	if (digits < 1) digits = 1;
	if (digits > OTCODE_DIGITS_MAX) digits = OTCODE_DIGITS_MAX;
	char hex[17];
	random_hex(hex, 8);                 /* 64 random bits: no visible bias below 10^12 */
	unsigned long long v = strtoull(hex, NULL, 16), mod = 1;
	for (int i = 0; i < digits; i++) mod *= 10;
	snprintf(code, (size_t)digits + 1, "%0*llu", digits, v % mod);
}

void otcode_hash(const char *scope, const char *email, const char *code, char out[65])
{
	sbuf b = SBUF_INIT;
	sb_printf(&b, "%s:%s:%s", scope, email, code);
	sha256_hex(b.s, b.len, out);
	sb_free(&b);
}

otc_verdict otcode_judge(int found, const char *stored_hash, int64_t attempts, int64_t expires_at, int64_t max_attempts,
			 const char *scope, const char *email, const char *given)
{
	if (!found || expires_at <= now_unix() || attempts >= max_attempts) return OTC_EXPIRED;
	if (!stored_hash || strlen(stored_hash) != 64) return OTC_BAD;
	char hash[65];
	otcode_hash(scope, email, given, hash);
	int diff = 0;
	for (int i = 0; i < 64; i++) diff |= hash[i] ^ stored_hash[i];
	return diff ? OTC_BAD : OTC_OK;
}

const char *otcode_problem(const char *s, int digits, char *buf, size_t n)
{
	size_t len = strlen(s);
	int ok = len == (size_t)digits;
	for (size_t i = 0; ok && i < len; i++)
		if (s[i] < '0' || s[i] > '9') ok = 0;
	if (ok) return NULL;
	snprintf(buf, n, "must be the %d digits from the email", digits);
	return buf;
}
