/* sha256: SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104). Used to store
 * API tokens and session ids hashed, for ETags, and to sign webhooks. */
#ifndef SHA256_H
#define SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
void sha256(const void *data, size_t n, unsigned char out[32]);
/* Lowercase hex of SHA-256 into out[65]. */
void sha256_hex(const void *data, size_t n, char out[65]);
void hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
		 unsigned char out[32]);
#endif
