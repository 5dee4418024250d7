/* tenant: who a request is for. Host header -> tenant ({username}.{base
 * domain} or a verified custom domain), host normalisation, and loading a
 * tenant's row by id or username. Every data-layer query binds the id. */
#ifndef TENANT_H
#define TENANT_H
#include <stdint.h>
#include <stddef.h>

typedef struct tenant {
	int64_t id;                 /* 0 = none */
	char username[64];
	char name[256];
	char tagline[512];
	char currency[8];
	char logo[512];
	char status[16];
	int64_t content_version;
	int64_t read_only_until;    /* unix seconds: writes answer 503 until then (a move; 0 none) */
	char *theme_json;           /* owned */
	char *settings_json;        /* owned */
} tenant;

void tenant_clear(tenant *t);
/* Load by id or username: 0 found, -1 not found. Deleted tenants are not found. */
int tenant_load_id(tenant *t, int64_t id);
int tenant_load_username(tenant *t, const char *username);

/* Normalise a Host header value in place into out: lower-case, port and one
 * trailing dot removed. Returns -1 when it is not a plausible DNS name
 * (empty, too long, bad characters, an IP literal). */
int host_normalize(const char *in, char *out, size_t n);
/* Resolve a normalised host to a tenant: 0 found, -1 none. */
int tenant_from_host(tenant *t, const char *host);

/* A valid username: one DNS label, 3-40 chars of [a-z0-9-], no leading or
 * trailing '-'. Returns NULL or a message saying what is wrong. */
const char *username_problem(const char *u);
#endif
