/* audit: every admin write leaves two traces in the same transaction: a row
 * in the change feed (`changes`, polled by editors and the POS) and a row
 * in `audit_log` (who did what, from where). */
#ifndef AUDIT_H
#define AUDIT_H
#include "http.h"
#include <stdint.h>

/* op: create|update|delete|publish|rollback, or NULL for audit only.
 * Each store's feed is numbered on its own (store_seq 1, 2, ...); an
 * "order" entity is recorded by its per-store number, not its id. */
MUST_USE int audit_write(req *r, const char *action, const char *entity, int64_t entity_id,
		const char *op, const char *detail);
/* The same for the CLI and other non-request callers. */
MUST_USE int audit_write_as(int64_t tenant_id, int64_t user_id, const char *actor, const char *ip,
		   const char *action, const char *entity, int64_t entity_id, const char *op,
		   const char *detail);
/* Bump tenants.content_version, index what the write changed for search
 * (search_flush, in the same transaction as the content), and remove the
 * store's cached pages unless the writer already removed precisely the
 * ones its change touches (pagecache_invalidate, before this call).
 * 0, or -1 when it could not be written (the caller's write must fail
 * with it, or pages would be served stale). */
MUST_USE int audit_bump_content(int64_t tenant_id);
#endif
