/* auth: passwords (argon2id, OWASP minimum m=19 MiB t=2 p=1, parameters in
 * the encoded hash), API tokens (random, shown once, stored as SHA-256),
 * and turning a request's Bearer token into a tenant and a user. */
#ifndef AUTH_H
#define AUTH_H
#include "http.h"
#include <stdint.h>

#define AUTH_PASSWORD_MIN 10
#define AUTH_PASSWORD_MAX 128
/* Bytes of a password field read from a request: more than the maximum, so
 * auth_password_problem (not the reader) says what is wrong with it. */
#define AUTH_PASSWORD_INPUT_MAX 4096

/* 0 and the encoded hash in out (size >= 128), or -1. */
int auth_hash_password(const char *password, char *out, size_t n);
/* 1 when it matches; takes about as long for a wrong password. Accepts
 * argon2id and older argon2i hashes (upgraded on login). */
int auth_verify_password(const char *encoded, const char *password);
/* 1 when an encoded hash is weaker than the current parameters (another
 * variant, less memory, fewer passes, other version): rehash on login. */
int auth_needs_rehash(const char *encoded);
/* NULL, or what is wrong with a new password (length 10-128, UTF-8). */
const char *auth_password_problem(const char *password);
/* A dummy verify for unknown accounts, so timing does not tell them apart. */
void auth_burn(const char *password);
/* Create a token for a user; the token text ("sf_" + 40 hex) goes to out[48]. */
int auth_token_create(int64_t tenant_id, int64_t user_id, const char *name, char out[48]);
/* Revoke every live token of a user but one (0 = all), inside the
 * caller's transaction: after a password change. The number revoked, or -1. */
int auth_tokens_revoke_user(int64_t tenant_id, int64_t user_id, int64_t except_token);
/* Authenticate r from "Authorization: Bearer ...": fills r->t and r->who.
 * 0 ok; -1 when absent or invalid (nothing answered). */
int auth_bearer(req *r);
/* Role name -> ROLE_* bit (route.h), 0 if unknown. */
int auth_role_bit(const char *role);
#endif
