/* platform: the operator's API under /api/platform/, for the TAR POS
 * back office: create, rename, suspend, resume and delete stores and set
 * their limits. Authenticated by the platform token of the config file
 * (Authorization: Bearer), compared in constant time; with no token
 * configured the API does not exist (404). */
#ifndef PLATFORM_H
#define PLATFORM_H
#include "route.h"

void plat_tenants_list(req *r);
void plat_tenant_create(req *r);
void plat_tenant_get(req *r);
void plat_tenant_update(req *r);
void plat_tenant_suspend(req *r);
void plat_tenant_resume(req *r);
void plat_tenant_delete(req *r);
/* One store as one file (tenantfile.h), and a mover's read-only window. */
void plat_tenant_export(req *r);
void plat_tenant_import(req *r);
void plat_tenant_read_only(req *r);

/* The gate of platform routes: 0 go on, -1 answered (404/401/429). */
int plat_gate(req *r, const route *rt);
#endif
