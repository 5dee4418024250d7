/* provision: creating stores and their people, shared by the CLI (and later
 * the platform API): a tenant with a published home page holding the
 * starter hero block, users with argon2id passwords, API tokens, and the
 * demo store loaded from templates/demo/store.json. */
#ifndef PROVISION_H
#define PROVISION_H
#include <stdint.h>
#include <stddef.h>

/* Bytes of a store's name (the platform API, the CLI). */
#define PROV_NAME_MAX 200

/* Usernames that can never be stores (www, api, admin, mail, ...). */
int prov_reserved(const char *username);
/* Returns the tenant id, or -1 with a message in err. with_home: create
 * and publish the starter home page. Runs its own transaction. */
int64_t prov_tenant_create(const char *username, const char *name, int with_home,
			   char *err, size_t errlen);
/* The same, naming who did it in the audit log ("platform", an IP). */
int64_t prov_tenant_create_as(const char *username, const char *name, int with_home, const char *actor,
			      const char *ip, char *err, size_t errlen);
/* Returns the user id, or -1 with a message. Own transaction. */
int64_t prov_user_add(int64_t tid, const char *email, const char *password,
		      const char *role, char *err, size_t errlen);
/* Lifecycle, shared by the CLI and the platform API. actor/ip go to the
 * audit log. Each runs its own transaction; 0 or -1 with a message. */
/* status: "active" or "suspended". */
int prov_tenant_status(const char *username, const char *status, const char *actor, const char *ip,
		       char *err, size_t errlen);
/* New store name and/or new username (either may be NULL); a changed
 * username's old name is held like a deleted one's. */
int prov_tenant_rename(const char *username, const char *name, const char *new_username,
		       const char *actor, const char *ip, char *err, size_t errlen);
/* Remove the store and every row of its data (every table with a
 * tenant_id column); its username is held for cfg.username_hold_days. */
int prov_tenant_delete(const char *username, const char *actor, const char *ip, char *err, size_t errlen);
/* NULL when a username may be taken now, else why not. */
const char *prov_username_problem(const char *username, char *buf, size_t n);
/* Change a user's password (checks length); ends the user's sessions and,
 * with revoke_tokens, revokes their API tokens (*revoked: how many). */
int prov_user_passwd(int64_t tid, const char *email, const char *password, int revoke_tokens, int *revoked,
		     char *err, size_t errlen);

/* Load the demo store (tenant `demo`); 0 when loaded or already there. */
int prov_demo(const char *owner_password, char *err, size_t errlen);
/* Publish a page's drafts as a new version (no validation; CLI use). */
int64_t prov_publish(int64_t tid, int64_t page);
#endif
