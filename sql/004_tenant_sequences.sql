-- 004_tenant_sequences: what one store can see is counted per store, so no
-- number it reads moves with another store's activity; and a custom-domain
-- claim no longer keeps other stores from claiming the same domain.

-- Change feed: store_seq numbers each store's changes 1, 2, 3, ... (seq
-- stays the row's internal key). GET /api/cms/changes pages by store_seq.
-- Cursors clients kept from before this migration counted every store's
-- changes: they re-read the feed from 0 once (doc/access.md).
ALTER TABLE changes ADD COLUMN store_seq INTEGER NOT NULL DEFAULT 0;
UPDATE changes SET store_seq = n.rn
  FROM (SELECT seq, row_number() OVER (PARTITION BY tenant_id ORDER BY seq) AS rn FROM changes) AS n
  WHERE n.seq = changes.seq;
CREATE UNIQUE INDEX changes_store_seq ON changes(tenant_id, store_seq);

-- Orders are named by their per-store number (orders.number: 1001, 1002,
-- ...) in the API, emails, webhooks, confirmation links and the change
-- feed, never by the internal id. Feed and audit rows written before named
-- the internal id: rename them.
UPDATE changes SET entity_id = CAST(o.number AS TEXT)
  FROM orders o
  WHERE changes.entity = 'order' AND o.tenant_id = changes.tenant_id AND o.id = CAST(changes.entity_id AS INTEGER);
UPDATE audit_log SET entity_id = CAST(o.number AS TEXT)
  FROM orders o
  WHERE audit_log.entity = 'order' AND o.tenant_id = audit_log.tenant_id AND o.id = CAST(audit_log.entity_id AS INTEGER);

-- Custom domains: one row per store and domain, so several stores may hold
-- pending claims on a domain (each with its own verify token); at most one
-- store holds it verified, and the first to verify wins (the others'
-- pending claims are dropped then).
CREATE TABLE domains_new (
  domain TEXT NOT NULL,                     -- lower-case, no port, no trailing dot
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind TEXT NOT NULL DEFAULT 'custom' CHECK (kind IN ('custom')),
  verify_token TEXT NOT NULL,               -- per store and domain
  verified_at INTEGER,
  is_primary INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  checked_at INTEGER,
  check_error TEXT NOT NULL DEFAULT '',
  verified_by TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (domain, tenant_id)
) WITHOUT ROWID;
INSERT INTO domains_new(domain, tenant_id, kind, verify_token, verified_at, is_primary, created_at, checked_at,
                        check_error, verified_by)
  SELECT domain, tenant_id, kind, verify_token, verified_at, is_primary, created_at, checked_at, check_error, verified_by
  FROM domains;
DROP TABLE domains;
ALTER TABLE domains_new RENAME TO domains;
CREATE INDEX domains_tenant ON domains(tenant_id);
CREATE INDEX domains_primary ON domains(tenant_id, is_primary);
CREATE UNIQUE INDEX domains_verified ON domains(domain) WHERE verified_at IS NOT NULL;
