/* audit: change feed + audit log rows for every admin write. */
#include "audit.h"
#include "search.h"
#include "db.h"
#include "pagecache.h"
#include <stdio.h>
#include <string.h>

int audit_write_as(int64_t tenant_id, int64_t user_id, const char *actor, const char *ip,
		   const char *action, const char *entity, int64_t entity_id, const char *op,
		   const char *detail)
{
	char idbuf[24];
	if (entity && entity_id && !strcmp(entity, "order")) {
		/* Orders are named by their per-store number, never the internal id. */
		sqlite3_stmt *st = db_stmt("SELECT number FROM orders WHERE tenant_id = :t AND id = :id");
		db_bind_int(st, ":t", tenant_id);
		db_bind_int(st, ":id", entity_id);
		if (db_step(st) == SQLITE_ROW) entity_id = db_int(st, 0);
		db_reset(st);
	}
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)entity_id);
	if (op) {
		/* store_seq counts this store's changes only: one store's cursor
		 * never moves with another's writes (writers are serialised, so
		 * max + 1 is safe). */
		sqlite3_stmt *st = db_stmt("INSERT INTO changes(tenant_id, store_seq, entity, entity_id, op, at) "
					   "VALUES(:t, (SELECT coalesce(max(store_seq), 0) + 1 FROM changes WHERE tenant_id = :t), "
					   ":e, :id, :op, strftime('%s','now'))");
		db_bind_int(st, ":t", tenant_id);
		db_bind_text(st, ":e", entity);
		db_bind_text(st, ":id", idbuf);
		db_bind_text(st, ":op", op);
		if (db_run(st) < 0) return -1;
	}
	sqlite3_stmt *st = db_stmt("INSERT INTO audit_log(tenant_id, user_id, actor, action, entity, entity_id, detail, ip, at) "
				   "VALUES(:t, :u, :a, :act, :e, :id, :d, :ip, strftime('%s','now'))");
	db_bind_int(st, ":t", tenant_id);
	if (user_id) db_bind_int(st, ":u", user_id); else db_bind_null(st, ":u");
	db_bind_text(st, ":a", actor ? actor : "");
	db_bind_text(st, ":act", action);
	db_bind_text(st, ":e", entity ? entity : "");
	db_bind_text(st, ":id", entity_id ? idbuf : "");
	db_bind_text(st, ":d", detail ? detail : "");
	db_bind_text(st, ":ip", ip ? ip : "");
	return db_run(st);
}

int audit_write(req *r, const char *action, const char *entity, int64_t entity_id,
		const char *op, const char *detail)
{
	return audit_write_as(r->t.id, r->who.user_id, r->who.email, r->remote_addr, action,
			      entity, entity_id, op, detail);
}

int audit_bump_content(int64_t tenant_id)
{
	/* A writer that said precisely which pages its change touches
	 * (pagecache_invalidate) has removed them; any other change removes
	 * all of the store's cached pages (never another store's). */
	if (!pagecache_took_precise(tenant_id) && pagecache_invalidate(tenant_id, "store", 0) < 0) return -1;
	sqlite3_stmt *st = db_stmt("UPDATE tenants SET content_version = content_version + 1 WHERE id = :t");
	db_bind_int(st, ":t", tenant_id);
	if (db_run(st) < 0) return -1;
	/* what this write changed reaches the search index in the same transaction */
	return search_flush(tenant_id, 0) < 0 ? -1 : 0;
}
