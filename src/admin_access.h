/* admin_access: handlers for people and access (admin_access.c), custom
 * domains (admin_domains.c) and the route tables of admin.cgi
 * (admin_routes.c), kept in the library so the CLI can list every route
 * and the isolation matrix test can hold the API to its table. */
#ifndef ADMIN_ACCESS_H
#define ADMIN_ACCESS_H
#include "route.h"

void adm_login(req *r);
void adm_login_code(req *r);
void adm_login_code_verify(req *r);
void adm_logout(req *r);
void adm_me(req *r);
void adm_password(req *r);
void adm_users_list(req *r);
void adm_user_create(req *r);
void adm_user_update(req *r);
void adm_user_delete(req *r);
void adm_tokens_list(req *r);
void adm_token_create(req *r);
void adm_token_revoke(req *r);
void adm_audit(req *r);

void adm_domains_list(req *r);
void adm_domain_add(req *r);
void adm_domain_get(req *r);
void adm_domain_verify(req *r);
void adm_domain_update(req *r);
void adm_domain_delete(req *r);

/* The tables: /api/cms/... (tenant from the credentials) and /api/platform/...
 * (platform token from the config). */
extern const route admin_routes[];
extern const size_t admin_nroutes;
extern const route platform_routes[];
extern const size_t platform_nroutes;

/* Append a table's rows to arr as {program, method, pattern, flags[],
 * roles[], resource, auth}. */
void routes_json(cJSON *arr, const char *program, const route *t, size_t n);
#endif
