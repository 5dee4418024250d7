/* provision: creating stores and their people, shared by the CLI (and later
 * the platform API): a tenant with a published home page holding the
 * starter hero block, users with argon2id passwords, API tokens, and the
 * demo store loaded from templates/demo/store.json. */
#ifndef PROVISION_H
#define PROVISION_H
#include <stdint.h>
#include <stddef.h>

/* Usernames that can never be stores (www, api, admin, mail, ...). */
int prov_reserved(const char *username);
/* Returns the tenant id, or -1 with a message in err. with_home: create
 * and publish the starter home page. Runs its own transaction. */
int64_t prov_tenant_create(const char *username, const char *name, int with_home,
			   char *err, size_t errlen);
/* Returns the user id, or -1 with a message. Own transaction. */
int64_t prov_user_add(int64_t tid, const char *email, const char *password,
		      const char *role, char *err, size_t errlen);
/* Load the demo store (tenant `demo`); 0 when loaded or already there. */
int prov_demo(const char *owner_password, char *err, size_t errlen);
/* Publish a page's drafts as a new version (no validation; CLI use). */
int64_t prov_publish(int64_t tid, int64_t page);
#endif
